//! Path normalisation before routing: repeated slashes collapse (`//api/product/…` in the seeds'
//! curl lines) and a trailing slash is optional, so routes are registered without it.

use axum::extract::Request;
use axum::http::uri::{PathAndQuery, Uri};

/// The normalised form of a path: no repeated `/`, no trailing `/` (except the root). The rule
/// lives in the wire crate, shared with the SDK and `dyopen proxy`.
pub use dyopen_wire::paths::normalize_path;

/// Whether `path` is already in normal form (the common case: no allocation then).
fn is_normal(path: &str) -> bool {
    path == "/" || (path.starts_with('/') && !path.ends_with('/') && !path.contains("//"))
}

/// Rewrites the request URI's path to [`normalize_path`]; the query is kept.
pub fn normalize_request(mut req: Request) -> Request {
    let path = req.uri().path();
    if is_normal(path) {
        return req;
    }
    let normalized = normalize_path(path);
    if normalized != path {
        let pq = match req.uri().query() {
            Some(q) => format!("{normalized}?{q}"),
            None => normalized,
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = PathAndQuery::try_from(pq) {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_slashes_and_trims_trailing_slash() {
        assert_eq!(
            normalize_path("//api/product/v1/app_region_add/"),
            "/api/product/v1/app_region_add"
        );
        assert_eq!(
            normalize_path("/oauth/client_token/"),
            "/oauth/client_token"
        );
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("///"), "/");
        assert_eq!(normalize_path("/a//b"), "/a/b");
        for p in ["/", "/a", "/a/b", "//a", "/a/", "/a//b"] {
            assert_eq!(is_normal(p), normalize_path(p) == p, "{p}");
        }
    }
}
