//! The journal in the console: rows filtered by app, path and outcome, and the live tail
//! (`GET /console/emulator/journal/events`, server-sent events) that sends each new matching
//! entry as an escaped HTML row. The tail ends when the server begins shutting down.

use super::paths;
use super::session::Session;
use crate::emulator::journal::{Journal, Recorded};
use crate::emulator::mask::Kept;
use crate::state::AppState;
use crate::timefmt::beijing_second;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

/// Filters of the journal (the page's form and the tail's query).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JournalFilter {
    /// Only this app's requests.
    #[serde(default)]
    pub appid: String,
    /// Only this path (normalised like requests).
    #[serde(default)]
    pub path: String,
    /// `ok`, `error` or anything else for all.
    #[serde(default)]
    pub outcome: String,
}

impl JournalFilter {
    fn admits(&self, e: &Recorded) -> bool {
        let error = e.status >= 400 || e.error_code.is_some_and(|c| c != 0);
        (self.appid.is_empty() || e.appid.as_deref() == Some(self.appid.as_str()))
            && (self.path.is_empty()
                || *e.path == crate::http::normalize::normalize_path(&self.path))
            && match self.outcome.as_str() {
                "ok" => !error,
                "error" => error,
                _ => true,
            }
    }

    /// The tail's URL with these filters.
    pub fn tail_url(&self) -> String {
        let q = serde_urlencoded::to_string([
            ("appid", &self.appid),
            ("path", &self.path),
            ("outcome", &self.outcome),
        ])
        .unwrap_or_default();
        format!("{}?{q}", paths::EMULATOR_TAIL)
    }
}

/// One journal row.
#[derive(Template)]
#[template(path = "console/journal_row.html")]
pub struct JournalRow {
    seq: u64,
    at: String,
    method: String,
    path: String,
    query: String,
    appid: String,
    status: u16,
    error_code: Option<i64>,
    failed: bool,
    fault: bool,
    request: String,
    response: String,
}

fn body(k: &Kept) -> String {
    match k {
        Kept::Empty => String::new(),
        Kept::Json(t) | Kept::Text(t) => t.to_string(),
    }
}

impl From<&Recorded> for JournalRow {
    fn from(e: &Recorded) -> Self {
        Self {
            seq: e.seq,
            at: beijing_second(dyopen_core::clock::Timestamp::from_millis(e.at_ms).unix_secs()),
            method: e.method.to_string(),
            path: e.path.to_string(),
            query: e.query.to_string(),
            appid: e.appid.as_deref().unwrap_or_default().to_owned(),
            status: e.status,
            error_code: e.error_code.filter(|c| *c != 0),
            failed: e.status >= 400 || e.error_code.is_some_and(|c| c != 0),
            fault: e.injected_fault,
            request: body(&e.request),
            response: body(&e.response),
        }
    }
}

/// The newest `limit` entries that `filter` admits, newest first.
pub fn rows(journal: &Journal, filter: &JournalFilter, limit: usize) -> Vec<JournalRow> {
    let mut out: Vec<JournalRow> = journal
        .query(None, None, usize::MAX)
        .iter()
        .rev()
        .filter(|e| filter.admits(e))
        .take(limit)
        .map(|e| JournalRow::from(&**e))
        .collect();
    out.truncate(limit);
    out
}

/// `GET /console/emulator/journal/events?appid=&path=&outcome=`: each new matching entry as an
/// `entry` event whose data is the row's HTML; a subscriber that falls behind skips ahead.
pub async fn tail(
    State(state): State<AppState>,
    _session: Session,
    Query(filter): Query<JournalFilter>,
) -> Response {
    let Ok(emu) = crate::emulator::of(&state) else {
        return super::not_found(paths::EMULATOR_TAIL);
    };
    let receiver = emu.journal().subscribe();
    let mut stopping = state.stopping.clone();
    let stopped = async move {
        let _ = stopping.wait_for(|s| *s).await;
    };
    let events = BroadcastStream::new(receiver)
        .filter_map(
            move |item: Result<Arc<Recorded>, BroadcastStreamRecvError>| {
                let event = match item {
                    Ok(e) if filter.admits(&e) => JournalRow::from(&*e)
                        .render()
                        .ok()
                        .map(|html| Event::default().event("entry").data(html)),
                    Ok(_) => None,
                    Err(BroadcastStreamRecvError::Lagged(n)) => {
                        Some(Event::default().event("lagged").data(n.to_string()))
                    }
                };
                std::future::ready(event.map(Ok::<_, Infallible>))
            },
        )
        .take_until(stopped);
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
