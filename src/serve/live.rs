//! Live reload: one Server-Sent Events stream per open page.
//!
//! tiny_http cannot stream a `Response` (its chunked encoder never flushes),
//! so each stream takes the raw connection with `Request::into_writer`,
//! writes the HTTP head itself and then one `write_all` + `flush` per event,
//! on a thread of its own. SSE rather than a WebSocket because the browser's
//! `EventSource` reconnects by itself, which mdBook's socket does not.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often an idle stream gets a comment line: a write to a closed
/// connection fails, so clients that went away are dropped within this time.
const PING: Duration = Duration::from_secs(15);

/// The head written by hand on the raw connection. No length and no chunked
/// encoding: the body is the stream, and it ends when either side closes.
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
}

impl Live {
    /// Registers a new stream. Subscribe *before* reading the state sent as
    /// the stream's first events, so no event falls in between.
    pub fn subscribe(&self) -> Receiver<Arc<str>> {
        let (tx, rx) = mpsc::channel();
        self.lock().push(tx);
        rx
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

/// Serves one stream on its own thread until the client goes away or the
/// server stops. `first` are the events that describe the current state.
pub(crate) fn spawn_stream(
    request: tiny_http::Request,
    events: Receiver<Arc<str>>,
    first: Vec<String>,
) {
    let writer = request.into_writer();
    let spawned = std::thread::Builder::new()
        .name("vitrine-sse".into())
        .spawn(move || stream(writer, events, first));
    if let Err(e) = spawned {
        eprintln!("vitrine : flux de rechargement impossible : {e}");
    }
}

fn stream(mut w: Box<dyn Write + Send>, events: Receiver<Arc<str>>, first: Vec<String>) {
    let mut send = |text: &str| w.write_all(text.as_bytes()).and_then(|()| w.flush());
    if send(HEAD).is_err() || first.iter().any(|e| send(e).is_err()) {
        return;
    }
    loop {
        let sent = match events.recv_timeout(PING) {
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
        let kept = live.subscribe();
        drop(live.subscribe());
        live.broadcast("reload", "{}");
        assert_eq!(live.lock().len(), 1);
        assert_eq!(&*kept.recv().unwrap(), "event: reload\ndata: {}\n\n");
    }
}
