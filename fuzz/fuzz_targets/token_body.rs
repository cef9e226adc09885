//! Token bodies (`/api/apps/v2/token`, `/oauth/client_token/`) as JSON or as a form.
#![no_main]

use dyopen_fuzz::{body, split};
use dyopen_wire::token::{ClientTokenRequest, V2TokenRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 4) else {
        return;
    };
    let form = selector & 1 == 1;
    if selector < 2 {
        let _ = body::<V2TokenRequest>(form, bytes);
    } else if let Some(req) = body::<ClientTokenRequest>(form, bytes) {
        // What the handler checks before it looks anything up.
        let _ = (
            req.client_key,
            req.client_secret,
            req.grant_type.as_deref() == Some("client_credential"),
        );
    }
});
