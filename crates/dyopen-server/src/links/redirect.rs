//! `GET /{code}`: a live link answers 302 to the host's scheme URL (`Cache-Control: no-store`),
//! or the landing page for browsers (`Accept: text/html`); an expired one 410, an unknown 404.
//! Registered after every explicit route, which therefore win. Served from the cache.

use super::cache::CachedLink;
use super::landing;
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use dyopen_core::link::LinkCode;
use dyopen_wire::dialect::{admin_codes, Admin};

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn not_live(expired: bool, html: bool, what: &'static str) -> Response {
    let status = if expired {
        StatusCode::GONE
    } else {
        StatusCode::NOT_FOUND
    };
    let mut response = if html {
        (status, Html(landing::gone(expired))).into_response()
    } else if expired {
        // The admin dialect has no `gone` code; `not_found` with HTTP 410 says it.
        ApiError::<Admin>::new(admin_codes::NOT_FOUND, "link expired")
            .with_status(status)
            .into_response()
    } else {
        ApiError::<Admin>::new(admin_codes::NOT_FOUND, what)
            .with_status(status)
            .into_response()
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The 302 to a live link's scheme URL.
fn found(link: &CachedLink) -> Response {
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, link.location()),
            (
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            ),
        ],
    )
        .into_response()
}

/// The answer to `req` when it is a `GET` or `HEAD` of a link the cache holds, live, for a client
/// that wants the redirect rather than the landing page — counted as [`resolve`] counts it (a
/// cache hit, a visit). `None` leaves the request to the router, whose [`resolve`] answers
/// every case. The redirect's fast path (`super::fast_path`) asks this before routing.
pub(crate) fn answer_cached(state: &AppState, req: &Request) -> Option<Response> {
    let method = req.method();
    if (method != Method::GET && method != Method::HEAD) || wants_html(req.headers()) {
        return None;
    }
    let code = LinkCode::parse(req.uri().path().strip_prefix('/')?)?;
    let link = state.links.cache.peek(&code)?;
    let now = state.clock.now();
    if !dyopen_core::link::live_until(link.expires_at, now) {
        return None;
    }
    state.metrics.link_cache_hits.increment(1);
    state.links.visits.record(&code, now.shanghai_day());
    Some(found(&link))
}

/// Resolves a link code (any other method or a path that is not a code's shape: 404).
#[utoipa::path(get, path = "/{code}", operation_id = "resolve_link", tag = "url links",
    params(("code" = String, Path, pattern = "^[0-9A-Za-z]{7}$", description = "7 characters of base62"), ("Accept" = Option<String>, Header, description = "text/html for the landing page")),
    responses(
        (status = 302, description = "Live link: Location is the snssdk…://microapp scheme URL", headers(("Location" = String, description = "The scheme URL"), ("Cache-Control" = String, description = "no-store"))),
        (status = 200, description = "Live link, browser (Accept: text/html): landing page with a QR code", content_type = "text/html", body = String, headers(("Cache-Control" = String, description = "no-store"))),
        (status = 404, description = "Unknown code: JSON, or a page for Accept: text/html", content((dyopen_wire::dialect::AdminError = "application/json"), (String = "text/html")), headers(("Cache-Control" = String, description = "no-store"))),
        (status = 410, description = "Expired link: JSON, or a page for Accept: text/html", content((dyopen_wire::dialect::AdminError = "application/json"), (String = "text/html")), headers(("Cache-Control" = String, description = "no-store"))),
        (status = 500, description = "The store failed (logged)", body = dyopen_wire::dialect::AdminError)))]
pub async fn resolve(State(state): State<AppState>, req: Request) -> Response {
    // The request itself, not a `HeaderMap` extractor (that one clones every header), and the
    // code read from the path as sent (a code is base62, never percent-encoded; `Path` would
    // allocate a decoded copy).
    let (method, html) = (req.method(), wants_html(req.headers()));
    let code = req.uri().path().strip_prefix('/').unwrap_or_default();
    let code = match LinkCode::parse(code) {
        Some(code) if method == Method::GET || method == Method::HEAD => code,
        _ => return not_live(false, html, "no such route"),
    };
    let link = match state
        .links
        .cache
        .resolve(state.store.as_ref(), &state.metrics, &code)
        .await
    {
        Ok(Some(link)) => link,
        Ok(None) => return not_live(false, html, "no such link"),
        Err(e) => return ApiError::<Admin>::system(e).into_response(),
    };
    // Liveness is the Clock's to decide, on every request, whatever the cache holds.
    let now = state.clock.now();
    if !dyopen_core::link::live_until(link.expires_at, now) {
        return not_live(true, html, "link expired");
    }
    state.links.visits.record(&code, now.shanghai_day());
    let no_store = (header::CACHE_CONTROL, "no-store");
    if html {
        let url_link = format!("{}/{code}", state.public_base_url);
        return (
            [no_store],
            Html(landing::landing(
                &link,
                &state.links.cache.app_name(&link),
                &url_link,
                link.expires_at,
            )),
        )
            .into_response();
    }
    found(&link)
}
