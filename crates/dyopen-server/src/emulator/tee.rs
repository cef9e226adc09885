//! Bodies the journal watches without holding them: a request body is handed to the route
//! through [`RequestTee`], which copies the first bytes the route reads (the route reads only
//! what it accepts: 1 MiB for the open APIs, nothing for a path no route serves); a streamed
//! response passes through [`record_stream`], which keeps its first bytes.

use axum::body::{Body, Bytes};
use futures::FutureExt;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// The first bytes of a body and what is known of the rest.
struct Seen {
    /// What the route has not read yet (taken back when it is done).
    inner: Option<Body>,
    prefix: Vec<u8>,
    keep: usize,
    /// More than `keep` bytes came.
    cut: bool,
    /// The body ended (every byte was seen).
    ended: bool,
}

impl Seen {
    fn record(&mut self, data: &[u8]) {
        let room = self.keep - self.prefix.len();
        self.cut |= data.len() > room;
        self.prefix.extend_from_slice(&data[..data.len().min(room)]);
    }
}

/// A request body shared between the route (which reads it) and the journal (which keeps its
/// first `keep` bytes).
#[derive(Clone)]
pub struct RequestTee(Arc<Mutex<Seen>>);

impl RequestTee {
    /// Watches `body`, keeping at most `keep` bytes.
    pub fn new(body: Body, keep: usize) -> Self {
        Self(Arc::new(Mutex::new(Seen {
            inner: Some(body),
            prefix: Vec::new(),
            keep,
            cut: false,
            ended: false,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The body to hand to the route.
    pub fn body(&self) -> Body {
        Body::new(TeeBody(self.clone()))
    }

    /// After the route: the kept bytes and whether they are the whole body. Of a body the route
    /// left unread, what has already arrived is taken (up to the budget), never waited for.
    pub fn finish(self) -> (Vec<u8>, bool) {
        let mut seen = self.lock();
        while !seen.ended && !seen.cut {
            let Some(inner) = seen.inner.as_mut() else {
                break;
            };
            match inner.frame().now_or_never() {
                Some(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        seen.record(data);
                    }
                }
                Some(None) => seen.ended = true,
                Some(Some(Err(_))) | None => break,
            }
        }
        let complete = seen.ended && !seen.cut;
        (std::mem::take(&mut seen.prefix), complete)
    }
}

/// What the route reads: the watched body.
struct TeeBody(RequestTee);

impl http_body::Body for TeeBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut seen = self.0.lock();
        let Some(inner) = seen.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    seen.record(data);
                }
            }
            Poll::Ready(None) => seen.ended = true,
            Poll::Ready(Some(Err(_))) | Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.0.lock().inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.0
            .lock()
            .inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}

/// Passes a streamed body through unchanged, keeping its first `limit` bytes; `done` gets them
/// (and whether more followed) when the stream ends or is dropped.
pub fn record_stream(
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    fn chunked(chunks: &[&'static [u8]]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect();
        Body::from_stream(futures::stream::iter(chunks))
    }

    #[tokio::test]
    async fn the_route_reads_everything_and_the_journal_keeps_the_start() {
        let tee = RequestTee::new(chunked(&[b"abc", b"def", b"gh"]), 5);
        let all = to_bytes(tee.body(), usize::MAX).await.unwrap();
        assert_eq!(&all[..], b"abcdefgh");
        assert_eq!(tee.finish(), (b"abcde".to_vec(), false));
        let tee = RequestTee::new(chunked(&[b"abc", b"de"]), 5);
        to_bytes(tee.body(), usize::MAX).await.unwrap();
        assert_eq!(tee.finish(), (b"abcde".to_vec(), true));
    }

    #[tokio::test]
    async fn a_route_that_stops_reading_leaves_the_rest_unread() {
        let tee = RequestTee::new(chunked(&[b"abc", b"def", b"gh"]), 100);
        assert!(
            to_bytes(tee.body(), 4).await.is_err(),
            "over the route's limit"
        );
        // What is ready is taken for the journal, up to its budget.
        assert_eq!(tee.finish(), (b"abcdefgh".to_vec(), true));
        let tee = RequestTee::new(chunked(&[b"abc", b"def", b"gh"]), 4);
        drop(tee.body());
        assert_eq!(tee.finish(), (b"abcd".to_vec(), false));
    }

    #[tokio::test]
    async fn a_body_still_on_its_way_is_not_waited_for() {
        let (tx, rx) = futures::channel::mpsc::unbounded::<Result<Bytes, std::io::Error>>();
        tx.unbounded_send(Ok(Bytes::from_static(b"first"))).unwrap();
        let tee = RequestTee::new(Body::from_stream(rx), 100);
        assert_eq!(tee.finish(), (b"first".to_vec(), false));
        drop(tx);
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
