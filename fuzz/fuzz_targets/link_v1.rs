//! v1 URL-link APIs (`/api/apps/v1/url_link/generate|query_info|query_quota`): body, rules and
//! plan of a generate; the code named by a query_info's `url_link`.
#![no_main]

use dyopen_core::link::{GenerateLink, LinkApi, LinkCode, LinkDraft};
use dyopen_fuzz::{app, body, split, NOW};
use dyopen_wire::link::{GenerateRequest, QueryInfoRequest, QueryQuotaRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 6) else {
        return;
    };
    let form = selector >= 3;
    match selector % 3 {
        0 => {
            let Some(req) = body::<GenerateRequest>(form, bytes) else {
                return;
            };
            let draft = LinkDraft {
                named_app: req.app_id,
                app_name: req.app_name,
                path: req.path,
                query: req.query,
                expire_time: req.expire_time.map(|t| t.0),
            };
            if let Ok(cmd) = GenerateLink::parse(draft, LinkApi::V1) {
                let _ = cmd.plan(&app(), NOW);
            }
        }
        1 => {
            let Some(req) = body::<QueryInfoRequest>(form, bytes) else {
                return;
            };
            if let Some(code) = req.url_link.as_deref().and_then(LinkCode::from_url_link) {
                assert_eq!(LinkCode::parse(code.as_str()), Some(code));
            }
        }
        _ => {
            let _ = body::<QueryQuotaRequest>(form, bytes);
        }
    }
});
