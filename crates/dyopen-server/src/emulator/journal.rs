//! The request journal: a bounded ring buffer of recent requests and answers, secrets masked.

use super::super::http::ApiError;
use crate::http::extract::WireQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::{JournalEntry, JournalPage};
use serde::Deserialize;
use serde_json::Value;
use std::collections::VecDeque;

/// Keys whose values never appear in the journal.
pub(crate) const SECRET_KEYS: [&str; 4] =
    ["secret", "client_secret", "access_token", "admin_token"];

/// Replaces secret values anywhere in a JSON document with `***`.
pub fn mask(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if SECRET_KEYS.contains(&k.as_str()) && !val.is_null() {
                    *val = Value::String("***".into());
                } else {
                    mask(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// Masks `access_token=…` in a query string.
pub fn mask_query(q: &str) -> String {
    q.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if SECRET_KEYS.contains(&k) => format!("{k}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The most recent requests, oldest first.
pub struct Journal {
    entries: VecDeque<JournalEntry>,
    capacity: usize,
    next_seq: u64,
}

impl Journal {
    /// An empty journal keeping at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(4096)),
            capacity: capacity.max(1),
            next_seq: 1,
        }
    }
    /// Appends an entry (its `seq` is assigned here), dropping the oldest when full.
    pub fn push(&mut self, mut entry: JournalEntry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }
    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
    /// The last `limit` entries matching the filters, oldest first.
    pub fn query(
        &self,
        appid: Option<&str>,
        path: Option<&str>,
        limit: usize,
    ) -> Vec<JournalEntry> {
        let path = path.map(crate::http::normalize::normalize_path);
        let mut out: Vec<JournalEntry> = self
            .entries
            .iter()
            .rev()
            .filter(|e| appid.is_none_or(|a| e.appid.as_deref() == Some(a)))
            .filter(|e| path.as_deref().is_none_or(|p| e.path == p))
            .take(limit)
            .cloned()
            .collect();
        out.reverse();
        out
    }
    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// `GET /_emulator/v1/journal` filters.
#[derive(Debug, Deserialize)]
pub struct JournalFilter {
    appid: Option<String>,
    path: Option<String>,
    limit: Option<usize>,
}

fn emulator(state: &AppState) -> Result<&super::Emulator, ApiError<Admin>> {
    super::of(state)
}

/// `GET /_emulator/v1/journal?appid=&path=&limit=` (limit default 100).
#[utoipa::path(get, path = "/_emulator/v1/journal", tag = "emulator", params(("appid" = Option<String>, Query), ("path" = Option<String>, Query), ("limit" = Option<usize>, Query, description = "default 100")),
    responses((status = 200, body = JournalPage)))]
pub async fn list(
    State(state): State<AppState>,
    WireQuery(f, _): WireQuery<JournalFilter, Admin>,
) -> Result<Json<JournalPage>, ApiError<Admin>> {
    let emu = emulator(&state)?;
    let journal = emu.journal();
    let entries = journal.query(
        f.appid.as_deref(),
        f.path.as_deref(),
        f.limit.unwrap_or(100),
    );
    Ok(Json(JournalPage {
        entries,
        capacity: journal.capacity(),
    }))
}

/// `DELETE /_emulator/v1/journal`: forget every entry.
#[utoipa::path(delete, path = "/_emulator/v1/journal", tag = "emulator", responses((status = 204, description = "Emptied")))]
pub async fn clear(State(state): State<AppState>) -> Result<StatusCode, ApiError<Admin>> {
    emulator(&state)?.journal().clear();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> JournalEntry {
        JournalEntry {
            seq: 0,
            at_ms: 0,
            log_id: String::new(),
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            appid: None,
            status: 200,
            request: Value::Null,
            response: Value::Null,
            injected_fault: false,
            replayed: false,
        }
    }

    #[test]
    fn keeps_only_the_newest_entries() {
        let mut j = Journal::new(3);
        for i in 0..5 {
            j.push(entry(&format!("/p{i}")));
        }
        let all = j.query(None, None, 10);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(j.query(None, Some("//p4/"), 10).len(), 1);
        assert_eq!(j.query(None, None, 1)[0].seq, 5);
    }

    #[test]
    fn masks_secrets_everywhere() {
        let mut v = serde_json::json!({"secret": "s", "data": {"access_token": "t", "x": [{"client_secret": "c"}]}, "ok": 1});
        mask(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"secret": "***", "data": {"access_token": "***", "x": [{"client_secret": "***"}]}, "ok": 1})
        );
        assert_eq!(mask_query("a=1&access_token=clt.x"), "a=1&access_token=***");
    }
}
