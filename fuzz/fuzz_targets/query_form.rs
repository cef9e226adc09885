//! Query-string and form decoding: the token a query string carries, query strings into the
//! wire types (`WireQuery`), and form bodies of the open APIs that accept any body.
#![no_main]

use dyopen_fuzz::{body, split};
use dyopen_server::http::auth::token_in_query;
use dyopen_server::http::extract::parse_query;
use dyopen_wire::link::GenerateRequest;
use dyopen_wire::task::QueryTaskInfoRequest;
use dyopen_wire::token::ClientTokenRequest;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 4) else {
        return;
    };
    match selector {
        0 => {
            let Ok(q) = std::str::from_utf8(bytes) else {
                return;
            };
            let _ = token_in_query(q);
            let _ = parse_query::<BTreeMap<String, String>>(q);
            let _ = parse_query::<GenerateRequest>(q);
        }
        1 => {
            let _ = body::<ClientTokenRequest>(true, bytes);
        }
        2 => {
            let _ = body::<GenerateRequest>(true, bytes);
        }
        _ => {
            let _ = body::<QueryTaskInfoRequest>(true, bytes);
        }
    }
});
