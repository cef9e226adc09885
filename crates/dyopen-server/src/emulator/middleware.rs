//! The emulator's request layer: fires injected faults and journals every request and answer
//! (except the emulator's own routes, health checks, `/metrics` and the console) without ever making the server read or
//! hold more than the route would: the route reads its body through a [`RequestTee`] that
//! copies the first `--journal-body-bytes` (a body the route leaves unread contributes what has
//! already arrived, never waited for), and each body is kept masked and cut ([`super::mask`]).

use super::journal::Recorded;
use super::mask::{mask_body, mask_query};
use super::tee::{record_stream, RequestTee};
use super::FaultKind;
use crate::http::auth::PresentedToken;
use crate::http::LogId;
use crate::state::AppState;
use axum::body::{to_bytes, Body, HttpBody};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dyopen_core::token::hash_token;
use std::time::Duration;

/// The emulator's own routes, health checks, `/metrics` and the console are not journaled.
fn skipped(path: &str) -> bool {
    path.starts_with("/_emulator")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.ico"
        || path == "/metrics"
        || path == "/"
        || crate::console::paths::is_console(path)
}

/// Journals the request and fires a pending fault for its path.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(emu) = state.emulator.clone() else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_owned();
    if skipped(&path) {
        return next.run(req).await;
    }
    let keep = usize::try_from(state.limits.journal_body_bytes).unwrap_or(usize::MAX);
    let (mut parts, body) = req.into_parts();
    let fault = emu.faults().take(&path);
    // `--replay`: a matching recording answers instead of the route (a fault still wins).
    let (body, replayed) = match super::replay::intercept(&emu, fault.is_none(), &parts, body).await
    {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let tee = RequestTee::new(body, keep);
    let presented = PresentedToken::from_request_parts(&mut parts, &state)
        .await
        .unwrap_or_default();
    let query = parts.uri.query().map(|q| mask_query(q, keep).0);
    let mut record = Recorded {
        at_ms: state.clock.now().millis(),
        log_id: LogId::current().into(),
        method: parts.method.as_str().into(),
        path: path.as_str().into(),
        query: query.unwrap_or_default().into(),
        ..Recorded::default()
    };
    let is_replayed = replayed.is_some();
    let response = match fault {
        None => match replayed {
            Some(answer) => answer,
            None => next.run(Request::from_parts(parts, tee.body())).await,
        },
        Some(FaultKind::SystemError) => {
            crate::api::error_for_path(&path, crate::api::OutOfBandError::System)
        }
        Some(FaultKind::Http500) => crate::admin::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected fault: http_500",
        )
        .into_response(),
        Some(FaultKind::Timeout { delay_ms }) => {
            // The server, not a test, waits: the client under test sees no answer in time.
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            crate::admin::error(StatusCode::GATEWAY_TIMEOUT, "injected fault: timeout")
                .into_response()
        }
    };
    let (seen, complete) = tee.finish();
    let request = mask_body(&seen, !complete, keep);
    record.request = request.kept;
    record.request_truncated = request.truncated;
    record.appid = match request.named.appid() {
        Some(appid) => Some(appid.into()),
        None => match presented.pick(request.named.access_token.as_deref()) {
            Some(token) => state
                .store
                .find_token(&hash_token(&token))
                .await
                .ok()
                .flatten()
                .map(|t| t.appid.as_str().into()),
            None => None,
        },
    };
    record.status = response.status().as_u16();
    record.error_code = response
        .extensions()
        .get::<crate::http::error::ErrorInfo>()
        .map(|e| e.code);
    record.injected_fault = fault.is_some();
    record.replayed = is_replayed;
    let (rparts, rbody) = response.into_parts();
    match rbody
        .size_hint()
        .exact()
        .and_then(|n| usize::try_from(n).ok())
    {
        // A body of known size is in memory already: take it whole, keep its masked start.
        Some(len) => {
            let rbytes = to_bytes(rbody, len).await.unwrap_or_default();
            let masked = mask_body(&rbytes, false, keep);
            record.response = masked.kept;
            record.response_truncated = masked.truncated;
            emu.journal().push(record);
            Response::from_parts(rparts, Body::from(rbytes))
        }
        // A stream passes through as it comes; the entry is journaled when it ends.
        None => {
            let body = record_stream(rbody, keep, move |prefix, cut| {
                let masked = mask_body(&prefix, cut, keep);
                record.response = masked.kept;
                record.response_truncated = masked.truncated;
                emu.journal().push(record);
            });
            Response::from_parts(rparts, body)
        }
    }
}
