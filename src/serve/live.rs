//! Live reload: one Server-Sent Events stream per open page.
//!
//! Each stream keeps the connection it came on, and that connection's
//! thread (see [`super::wire`]), so open pages never take a thread that
//! other requests need; their number is capped at [`MAX_STREAMS`]. The
//! head is written once, then one write per event, each within
//! [`wire::WRITE_TIMEOUT`], so a page that stops reading is dropped. SSE
//! rather than a WebSocket because the browser's `EventSource` reconnects
//! by itself, which mdBook's socket does not.

use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::wire;

/// How often an idle stream gets a comment line: a write to a closed
/// connection fails, so clients that went away are dropped within this time.
const PING: Duration = Duration::from_secs(15);

/// How many streams may be open at once: far more than one person's tabs
/// (a browser opens at most about six connections to a site anyway).
pub(crate) const MAX_STREAMS: usize = 64;

/// The head of every stream. No length and no chunked encoding: the body
/// is the stream, and it ends when either side closes.
const HEAD: &str = "HTTP/1.1 200 OK\r\n\
    Content-Type: text/event-stream; charset=utf-8\r\n\
    Cache-Control: no-cache\r\n\
    X-Content-Type-Options: nosniff\r\n\
    Connection: close\r\n\
    \r\n\
    retry: 1000\n\n";

/// The open streams. Each holds the sending half of its stream's channel;
/// broadcasting drops the ones whose thread has ended.
#[derive(Default)]
pub(crate) struct Live {
    clients: Mutex<Vec<Sender<Arc<str>>>>,
    open: Arc<AtomicUsize>,
}

/// A stream about to be served: its events, and the ones that describe
/// the current state, sent first.
pub(crate) struct Stream {
    events: Receiver<Arc<str>>,
    first: Vec<String>,
    _slot: Slot,
}

/// One of the [`MAX_STREAMS`], given back when the stream ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A registered stream that has not sent its first events yet.
pub(crate) struct Subscription {
    events: Receiver<Arc<str>>,
    slot: Slot,
}

impl Subscription {
    pub fn with_first(self, first: Vec<String>) -> Stream {
        Stream {
            events: self.events,
            first,
            _slot: self.slot,
        }
    }
}

impl Live {
    /// Registers a new stream, or `None` when [`MAX_STREAMS`] are open.
    /// Subscribe *before* reading the state sent as the stream's first
    /// events, so no event falls in between.
    pub fn subscribe(&self) -> Option<Subscription> {
        if self.open.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
            self.open.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let slot = Slot(self.open.clone());
        let (tx, rx) = mpsc::channel();
        self.lock().push(tx);
        Some(Subscription { events: rx, slot })
    }

    /// Sends an event to every open stream.
    pub fn broadcast(&self, event: &str, data: &str) {
        let message: Arc<str> = Arc::from(format_event(event, data));
        self.lock().retain(|tx| tx.send(message.clone()).is_ok());
    }

    /// Ends every stream (at shutdown): their threads see the channel close.
    pub fn close(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<Arc<str>>>> {
        // A panic while holding this lock cannot leave the list inconsistent.
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One event in the SSE wire format. `data` may span lines: each gets its
/// own `data:` prefix, as the format requires.
pub(crate) fn format_event(event: &str, data: &str) -> String {
    let mut out = format!("event: {event}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Serves one stream on the calling (connection) thread until the client
/// goes away, stops reading, or the server stops.
pub(crate) fn serve(mut conn: TcpStream, stream: Stream) {
    let mut send = |text: &str| wire::write_within(&mut conn, text.as_bytes(), wire::WRITE_TIMEOUT);
    if send(HEAD).is_err() || stream.first.iter().any(|e| send(e).is_err()) {
        return;
    }
    loop {
        let sent = match stream.events.recv_timeout(PING) {
            Ok(message) => send(&message),
            Err(RecvTimeoutError::Timeout) => send(": ping\n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_follow_the_wire_format() {
        assert_eq!(format_event("reload", "{}"), "event: reload\ndata: {}\n\n");
        assert_eq!(format_event("x", "a\nb"), "event: x\ndata: a\ndata: b\n\n");
    }

    #[test]
    fn broadcast_forgets_closed_streams() {
        let live = Live::default();
        let kept = live.subscribe().unwrap();
        drop(live.subscribe());
        live.broadcast("reload", "{}");
        assert_eq!(live.lock().len(), 1);
        assert_eq!(&*kept.events.recv().unwrap(), "event: reload\ndata: {}\n\n");
    }

    #[test]
    fn streams_are_capped_and_their_slots_given_back() {
        let live = Live::default();
        let open: Vec<_> = (0..MAX_STREAMS)
            .map(|_| live.subscribe().unwrap())
            .collect();
        assert!(live.subscribe().is_none());
        drop(open);
        assert!(live.subscribe().is_some());
    }
}
