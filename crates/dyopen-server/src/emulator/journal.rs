//! The request journal: a ring buffer of recent requests and answers, secrets masked, bounded by
//! entry count (`--journal-capacity`) and by bytes (`--journal-bytes`, oldest dropped first).
//! Entries keep compact text (a complete JSON body as masked JSON text, a cut or non-JSON one as
//! text, see [`super::mask`]); a listing writes them out as they are ([`PageView`]), a kept JSON
//! body as raw JSON, so no body is ever held as a parsed tree.

use super::mask::Kept;
use dyopen_wire::emulator::JournalEntry;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;

/// One journaled request as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recorded {
    /// Assigned by [`Journal::push`].
    pub seq: u64,
    /// Clock time of the request (Unix ms).
    pub at_ms: i64,
    /// The request's log id.
    pub log_id: Box<str>,
    /// HTTP method.
    pub method: Box<str>,
    /// Normalised path.
    pub path: Box<str>,
    /// Masked query string (cut at the body budget).
    pub query: Box<str>,
    /// The app the request concerned, when known.
    pub appid: Option<Box<str>>,
    /// HTTP status of the answer.
    pub status: u16,
    /// Request body.
    pub request: Kept,
    /// Whether the request body was cut.
    pub request_truncated: bool,
    /// Response body.
    pub response: Kept,
    /// Whether the response body was cut.
    pub response_truncated: bool,
    /// Whether an injected fault produced the answer.
    pub injected_fault: bool,
    /// Whether the answer was replayed from a `--replay` recording.
    pub replayed: bool,
    /// The platform's error code of the answer, when it was an error envelope (the console's
    /// outcome filter; not part of the wire entry).
    pub error_code: Option<i64>,
}

/// What glibc's malloc takes for an `n`-byte request (8-byte header, 16-byte steps, 32 at least);
/// nothing for `n == 0`, which Rust does not allocate.
fn malloc_size(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        ((n + 8 + 15) & !15).max(32)
    }
}

impl Recorded {
    /// Heap bytes the entry holds in the journal: its `Arc` block, its texts, its ring slot.
    pub fn weight(&self) -> usize {
        let texts = [
            self.log_id.len(),
            self.method.len(),
            self.path.len(),
            self.query.len(),
            self.appid.as_deref().map_or(0, str::len),
            self.request.len(),
            self.response.len(),
        ];
        malloc_size(std::mem::size_of::<Self>() + 2 * std::mem::size_of::<usize>())
            + texts.into_iter().map(malloc_size).sum::<usize>()
            + std::mem::size_of::<Arc<Self>>()
    }

    /// The wire form, bodies parsed (what a client reads back from a listing).
    pub fn to_wire(&self) -> JournalEntry {
        let body = |kept: &Kept| match kept {
            Kept::Empty => Value::Null,
            Kept::Json(t) => {
                serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string()))
            }
            Kept::Text(t) => Value::String(t.to_string()),
        };
        JournalEntry {
            seq: self.seq,
            at_ms: self.at_ms,
            log_id: self.log_id.to_string(),
            method: self.method.to_string(),
            path: self.path.to_string(),
            query: self.query.to_string(),
            appid: self.appid.as_deref().map(str::to_owned),
            status: self.status,
            request: body(&self.request),
            request_truncated: self.request_truncated,
            response: body(&self.response),
            response_truncated: self.response_truncated,
            injected_fault: self.injected_fault,
            replayed: self.replayed,
        }
    }
}

/// Entries a live-tail subscriber may fall behind by before it skips ahead (the entries are
/// the journal's own, shared, so a slow subscriber holds at most this many alive).
pub const TAIL_BACKLOG: usize = 64;

/// The most recent requests, oldest first.
pub struct Journal {
    entries: VecDeque<Arc<Recorded>>,
    capacity: usize,
    max_bytes: usize,
    bytes: usize,
    next_seq: u64,
    /// New entries, for live tails (the console's).
    tail: tokio::sync::broadcast::Sender<Arc<Recorded>>,
}

impl Journal {
    /// An empty journal keeping at most `capacity` entries and `max_bytes` bytes.
    pub fn new(capacity: usize, max_bytes: u64) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(4096)),
            capacity: capacity.max(1),
            max_bytes: usize::try_from(max_bytes).unwrap_or(usize::MAX),
            bytes: 0,
            next_seq: 1,
            tail: tokio::sync::broadcast::channel(TAIL_BACKLOG).0,
        }
    }

    /// Every entry pushed from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<Recorded>> {
        self.tail.subscribe()
    }

    /// Appends an entry (its `seq` is assigned here), dropping the oldest ones until both
    /// bounds hold. An entry heavier than the whole byte budget is not kept (its `seq` is
    /// still used, so the gap shows).
    pub fn push(&mut self, mut entry: Recorded) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        let weight = entry.weight();
        if weight > self.max_bytes {
            return;
        }
        while self.entries.len() >= self.capacity || self.bytes + weight > self.max_bytes {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= old.weight();
        }
        self.bytes += weight;
        let entry = Arc::new(entry);
        // Without subscribers the entry comes straight back and is dropped.
        let _ = self.tail.send(entry.clone());
        self.entries.push_back(entry);
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// The last `limit` entries matching the filters, oldest first.
    pub fn query(
        &self,
        appid: Option<&str>,
        path: Option<&str>,
        limit: usize,
    ) -> Vec<Arc<Recorded>> {
        let path = path.map(crate::http::normalize::normalize_path);
        let mut out: Vec<Arc<Recorded>> = self
            .entries
            .iter()
            .rev()
            .filter(|e| appid.is_none_or(|a| e.appid.as_deref() == Some(a)))
            .filter(|e| path.as_deref().is_none_or(|p| &*e.path == p))
            .take(limit)
            .cloned()
            .collect();
        out.reverse();
        out
    }

    /// The entry-count bound.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bytes held now (at most the byte budget).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// A [`dyopen_wire::emulator::JournalPage`] written entry by entry from the journal's own records: kept JSON bodies go
/// out as the raw text they are (key order as sent, nothing parsed into trees).
pub struct PageView {
    entries: Vec<Arc<Recorded>>,
    capacity: usize,
}

impl Journal {
    /// The newest `limit` entries matching the filters (as [`Journal::query`]), as a page.
    pub fn page(&self, appid: Option<&str>, path: Option<&str>, limit: usize) -> PageView {
        PageView {
            entries: self.query(appid, path, limit),
            capacity: self.capacity(),
        }
    }
}

/// A kept body as it goes on the wire.
struct BodyView<'a>(&'a Kept);

impl Serialize for BodyView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Kept::Empty => s.serialize_unit(),
            Kept::Json(t) => match serde_json::from_str::<&serde_json::value::RawValue>(t) {
                Ok(raw) => raw.serialize(s),
                Err(_) => s.serialize_str(t),
            },
            Kept::Text(t) => s.serialize_str(t),
        }
    }
}

/// [`JournalEntry`]'s fields, in its order, borrowed from a record.
#[derive(Serialize)]
struct EntryView<'a> {
    seq: u64,
    at_ms: i64,
    log_id: &'a str,
    method: &'a str,
    path: &'a str,
    query: &'a str,
    appid: Option<&'a str>,
    status: u16,
    request: BodyView<'a>,
    request_truncated: bool,
    response: BodyView<'a>,
    response_truncated: bool,
    injected_fault: bool,
    replayed: bool,
}

impl<'a> From<&'a Recorded> for EntryView<'a> {
    fn from(e: &'a Recorded) -> Self {
        Self {
            seq: e.seq,
            at_ms: e.at_ms,
            log_id: &e.log_id,
            method: &e.method,
            path: &e.path,
            query: &e.query,
            appid: e.appid.as_deref(),
            status: e.status,
            request: BodyView(&e.request),
            request_truncated: e.request_truncated,
            response: BodyView(&e.response),
            response_truncated: e.response_truncated,
            injected_fault: e.injected_fault,
            replayed: e.replayed,
        }
    }
}

struct EntriesView<'a>(&'a [Arc<Recorded>]);

impl Serialize for EntriesView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for e in self.0 {
            seq.serialize_element(&EntryView::from(&**e))?;
        }
        seq.end()
    }
}

impl Serialize for PageView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut page = s.serialize_struct("JournalPage", 2)?;
        page.serialize_field("entries", &EntriesView(&self.entries))?;
        page.serialize_field("capacity", &self.capacity)?;
        page.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyopen_wire::emulator::JournalPage;

    fn entry(path: &str, body: &str) -> Recorded {
        Recorded {
            method: "POST".into(),
            path: path.into(),
            status: 200,
            request: Kept::Text(body.into()),
            ..Recorded::default()
        }
    }

    #[test]
    fn keeps_only_the_newest_entries() {
        let mut j = Journal::new(3, 1 << 20);
        for i in 0..5 {
            j.push(entry(&format!("/p{i}"), ""));
        }
        let all = j.query(None, None, 10);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(j.query(None, Some("//p4/"), 10).len(), 1);
        assert_eq!(j.query(None, None, 1)[0].seq, 5);
    }

    #[test]
    fn drops_the_oldest_entries_beyond_the_byte_budget() {
        let one = entry("/p", &"x".repeat(1000)).weight();
        let mut j = Journal::new(1000, (one * 3 + one / 2) as u64);
        for _ in 0..10 {
            j.push(entry("/p", &"x".repeat(1000)));
            assert!(j.bytes() <= one * 3 + one / 2);
        }
        let seqs: Vec<u64> = j.query(None, None, 100).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![8, 9, 10]);
        j.push(entry("/p", &"x".repeat(10_000)));
        assert_eq!(
            j.query(None, None, 100).len(),
            3,
            "too heavy to keep at all"
        );
        j.push(entry("/p", ""));
        assert_eq!(j.query(None, None, 1)[0].seq, 12);
        j.clear();
        assert_eq!(j.bytes(), 0);
    }

    #[test]
    fn a_page_view_writes_exactly_a_journal_page() {
        let mut j = Journal::new(10, 1 << 20);
        let mut e = entry("/a", "");
        e.request = Kept::Json(r#"{"b":1,"a":[1,2]}"#.into());
        e.response = Kept::Text("cut".into());
        e.response_truncated = true;
        e.appid = Some("tt1".into());
        j.push(e);
        j.push(entry("/b", "form=1"));
        let entries = j.query(None, None, 10);
        let page = JournalPage {
            entries: entries.iter().map(|e| e.to_wire()).collect(),
            capacity: 10,
        };
        let view = PageView {
            entries,
            capacity: 10,
        };
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            serde_json::to_value(&page).unwrap()
        );
        assert_eq!(
            page.entries[0].request,
            serde_json::json!({"b": 1, "a": [1, 2]})
        );
        let text = serde_json::to_string(&view).unwrap();
        assert!(
            text.contains(r#""request":{"b":1,"a":[1,2]},"request_truncated":false,"#),
            "kept JSON goes out as it was sent: {text}"
        );
        assert_eq!(page.entries[0].response, "cut");
        assert!(page.entries[0].response_truncated);
    }
}
