//! The emulator's request layer: fires injected faults and journals every request and answer
//! (except the emulator's own routes and health checks) without ever holding more than a route
//! accepts: a routed request's body is read up to the open-API limit ([`MAX_BODY`], beyond it
//! 413 in the route's dialect), a path no route serves has only what the journal keeps read, and
//! each body is kept masked and cut at `--journal-body-bytes` ([`super::mask`]).

use super::journal::Recorded;
use super::mask::{mask_body, mask_query};
use super::FaultKind;
use crate::http::auth::PresentedToken;
use crate::http::extract::MAX_BODY;
use crate::http::LogId;
use crate::state::AppState;
use axum::body::{to_bytes, Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dyopen_core::token::hash_token;
use dyopen_wire::ParamProblem;
use futures::StreamExt;
use http_body_util::BodyExt;
use std::time::Duration;

fn skipped(path: &str) -> bool {
    path.starts_with("/_emulator")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.ico"
}

/// Reads at most `limit` bytes of `body`; true when more followed (the rest is left unread).
async fn read_at_most(body: Body, limit: usize) -> Result<(Bytes, bool), axum::Error> {
    let hint = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
    let mut buf = bytes::BytesMut::with_capacity(hint.min(limit));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let room = limit - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok((buf.freeze(), true));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((buf.freeze(), false))
}

/// Passes a streamed body through unchanged, keeping its first `limit` bytes; `done` gets them
/// (and whether more followed) when the stream ends or is dropped.
fn record_stream(
    body: Body,
    limit: usize,
    done: impl FnOnce(Vec<u8>, bool) + Send + 'static,
) -> Body {
    let mut recorder = StreamRecorder {
        prefix: Vec::new(),
        cut: false,
        limit,
        done: Some(Box::new(done)),
    };
    Body::new(body.map_frame(move |frame| {
        if let Some(data) = frame.data_ref() {
            recorder.add(data);
        }
        frame
    }))
}

type Done = Box<dyn FnOnce(Vec<u8>, bool) + Send>;

struct StreamRecorder {
    prefix: Vec<u8>,
    cut: bool,
    limit: usize,
    done: Option<Done>,
}

impl StreamRecorder {
    fn add(&mut self, data: &[u8]) {
        let room = self.limit - self.prefix.len();
        self.cut |= data.len() > room;
        self.prefix.extend_from_slice(&data[..data.len().min(room)]);
    }
}

impl Drop for StreamRecorder {
    fn drop(&mut self) {
        if let Some(done) = self.done.take() {
            done(std::mem::take(&mut self.prefix), self.cut);
        }
    }
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
    // The fallback reads no body: of an unrouted request only what the journal keeps is read.
    let routed = req.extensions().get::<MatchedPath>().is_some();
    let (mut parts, body) = req.into_parts();
    let read_limit = if routed { MAX_BODY } else { keep };
    let Ok((bytes, cut)) = read_at_most(body, read_limit).await else {
        let unreadable = ParamProblem::Malformed("could not read body".into());
        return crate::api::error_for_path(&path, crate::api::OutOfBandError::Param(unreadable));
    };
    let request = mask_body(&bytes, cut, keep);
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
        request: request.kept,
        request_truncated: request.truncated,
        ..Recorded::default()
    };
    let too_large = routed && cut;
    let fault = if too_large {
        None
    } else {
        emu.faults().take(&path)
    };
    let response = match fault {
        _ if too_large => crate::api::error_for_path(
            &path,
            crate::api::OutOfBandError::Param(ParamProblem::TooLarge),
        ),
        None => {
            let body = if routed {
                Body::from(bytes)
            } else {
                Body::empty()
            };
            next.run(Request::from_parts(parts, body)).await
        }
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
    record.injected_fault = fault.is_some();
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn chunked(chunks: &[&'static [u8]]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect();
        Body::from_stream(futures::stream::iter(chunks))
    }

    #[tokio::test]
    async fn reads_stop_at_the_limit() {
        let (b, cut) = read_at_most(chunked(&[b"abc", b"def", b"gh"]), 5)
            .await
            .unwrap();
        assert_eq!((&b[..], cut), (&b"abcde"[..], true));
        let (b, cut) = read_at_most(chunked(&[b"abc", b"de"]), 5).await.unwrap();
        assert_eq!((&b[..], cut), (&b"abcde"[..], false));
    }

    #[tokio::test]
    async fn a_stream_passes_through_whole_and_its_start_is_recorded_at_the_end() {
        let seen = Arc::new(Mutex::new(None));
        let sink = seen.clone();
        let body = record_stream(chunked(&[b"abc", b"def"]), 4, move |prefix, cut| {
            *sink.lock().unwrap() = Some((prefix, cut));
        });
        assert!(seen.lock().unwrap().is_none());
        let all = to_bytes(body, usize::MAX).await.unwrap();
        assert_eq!(&all[..], b"abcdef");
        assert_eq!(*seen.lock().unwrap(), Some((b"abcd".to_vec(), true)));
    }
}
