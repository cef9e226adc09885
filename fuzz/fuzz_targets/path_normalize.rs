//! Path normalisation before routing: the result is normal (one leading slash, no empty
//! segment, no trailing slash) and normalising again changes nothing; a request with that path
//! keeps its query.
#![no_main]

use axum::body::Body;
use axum::http::Request;
use dyopen_server::http::normalize::{normalize_path, normalize_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else {
        return;
    };
    let normal = normalize_path(path);
    assert!(normal.starts_with('/'));
    assert!(!normal.contains("//"), "{normal:?}");
    assert!(normal == "/" || !normal.ends_with('/'), "{normal:?}");
    assert_eq!(normalize_path(&normal), normal);
    if let Ok(req) = Request::builder().uri(path).body(Body::empty()) {
        let query = req.uri().query().map(str::to_owned);
        let req = normalize_request(req);
        assert_eq!(req.uri().query().map(str::to_owned), query);
    }
});
