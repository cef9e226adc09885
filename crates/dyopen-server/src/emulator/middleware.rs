//! The emulator's request layer: fires injected faults and journals every request and answer
//! (except the emulator's own routes and health checks).

use super::journal::{mask, mask_query, SECRET_KEYS};
use super::FaultKind;
use crate::http::auth::PresentedToken;
use crate::http::LogId;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dyopen_core::token::hash_token;
use dyopen_wire::emulator::JournalEntry;
use dyopen_wire::ParamProblem;
use serde_json::Value;
use std::time::Duration;

/// Bodies up to this size are journaled (larger ones are refused with the route's 413 anyway).
const BODY_LIMIT: usize = 2 << 20;
/// What the journal shows for a non-JSON body that names a secret field.
const WITHHELD: &str = "[body withheld: not JSON and names a secret field]";
/// Journaled response bodies are cut at this size.
const RESPONSE_KEEP: usize = 64 << 10;

fn skipped(path: &str) -> bool {
    path.starts_with("/_emulator")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.ico"
}

fn as_json_or_text(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            mask(&mut v);
            v
        }
        Err(_) => {
            let cut = &bytes[..bytes.len().min(RESPONSE_KEEP)];
            let masked = mask_query(&String::from_utf8_lossy(cut));
            // A form body is masked field by field; any other text that names a secret field
            // (malformed JSON, say) is withheld whole rather than risk showing the secret.
            let leaks = SECRET_KEYS
                .iter()
                .any(|k| masked.contains(k) && !masked.contains(&format!("{k}=***")));
            Value::String(if leaks { WITHHELD.to_owned() } else { masked })
        }
    }
}

/// The app a request names in its body.
fn named_app(body: &Value) -> Option<String> {
    ["appid", "ma_app_id", "app_id", "client_key"]
        .iter()
        .find_map(|k| {
            body.get(*k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .map(str::to_owned)
}

/// Journals the request and fires a pending fault for its path.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let Some(emu) = state.emulator.clone() else {
        return next.run(req).await;
    };
    if skipped(&path) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return crate::api::error_for_path(
            &path,
            crate::api::OutOfBandError::Param(ParamProblem::TooLarge),
        );
    };
    let presented = PresentedToken::from_request_parts(&mut parts, &state)
        .await
        .unwrap_or_default();
    let (method, query) = (
        parts.method.to_string(),
        parts.uri.query().map(mask_query).unwrap_or_default(),
    );
    let at_ms = state.clock.now().millis();
    let fault = emu.faults().take(&path);
    // `--replay`: a matching recording answers instead of the emulator (faults still win).
    let replayed = match (fault, emu.replay()) {
        (None, Some(replay)) => replay.answer(&method, &path, &query, &bytes),
        _ => None,
    };
    let is_replayed = replayed.is_some();
    let response = match fault {
        None => match replayed {
            Some(answer) => answer,
            None => {
                next.run(Request::from_parts(parts, Body::from(bytes.clone())))
                    .await
            }
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
    let (rparts, rbody) = response.into_parts();
    let rbytes = to_bytes(rbody, usize::MAX).await.unwrap_or_default();
    let request = as_json_or_text(&bytes);
    let mut appid = named_app(&request);
    if appid.is_none() {
        if let Some(token) = presented.pick(request.get("access_token").and_then(Value::as_str)) {
            appid = state
                .store
                .find_token(&hash_token(&token))
                .await
                .ok()
                .flatten()
                .map(|t| t.appid.to_string());
        }
    }
    emu.journal().push(JournalEntry {
        seq: 0,
        at_ms,
        log_id: LogId::current(),
        method,
        path,
        query,
        appid,
        status: rparts.status.as_u16(),
        request,
        response: as_json_or_text(&rbytes),
        injected_fault: fault.is_some(),
        replayed: is_replayed,
    });
    Response::from_parts(rparts, Body::from(rbytes))
}
