//! The dev server's HTTP/1.1, by hand over `std::net`, so that no client on
//! the machine can hold it.
//!
//! tiny_http, used before, could not be made safe: it reads a request head
//! line by line with no limit (a 200 MB header was accepted), has no read
//! or write timeout, hands requests to a fixed pool of workers that block
//! on whatever a slow client sends or does not read (3 or 4 trickling
//! clients froze the server), and its accept thread ends, or panics in
//! `try_clone().unwrap()`, when file descriptors run out. The server only
//! ever needs GET and HEAD without a body, which is little enough to do
//! here, with every limit explicit:
//!
//! - one thread per connection (a small stack), capped at
//!   [`MAX_CONNECTIONS`]: a slow or stuck client holds its own thread and
//!   no other; the event streams run on theirs, apart from the pages;
//! - a request head must be whole within [`HEAD_TIMEOUT`] from the moment
//!   it is awaited (a trickled head is cut off), at most [`MAX_HEAD`] bytes
//!   and [`MAX_HEADERS`] lines (431 beyond);
//! - no request body is ever read: other methods get 405, a GET or HEAD
//!   announcing a body 413, and the connection is closed;
//! - an answer must be written within [`WRITE_TIMEOUT`], or the connection
//!   is closed: pipelined requests whose answers are never read cost that
//!   connection only;
//! - accept errors never end the loop: out of file descriptors, it says so
//!   once and retries until some are free, the pending connections waiting
//!   in the listen queue.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Shared, http, live};

/// The longest request head (request line and headers), in bytes. Browsers
/// send 1 to 2 KB; cookies of other local apps on `localhost` can add some.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// The most header lines in a request head.
pub(crate) const MAX_HEADERS: usize = 64;
/// How long a whole request head may take to arrive, from the moment the
/// server waits for it (so also how long an idle kept-alive connection
/// stays open).
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole answer (or one event of a stream) may take to write.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections are served at once; beyond, new ones get 503. A
/// browser opens about six per site.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// Enough for a request's handling: pages are built on the heap.
const STACK: usize = 256 * 1024;
/// How long the input is drained after the last answer before closing, so
/// that unread input does not make the system reset the connection and
/// lose that answer.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 64 * 1024;
/// The pause before accepting again after an accept error.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// A request head, parsed. Only what the server looks at is kept.
pub(crate) struct Request {
    pub method: String,
    /// The request target exactly as sent (`/aides/?x=1`).
    pub target: String,
    pub host: Option<String>,
}

impl Request {
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// A whole answer, its length known. Header values are ASCII without
/// controls (constants, or percent-encoded by the caller).
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// What a request gets: an answer, or the event stream of an open page.
pub(crate) enum Answer {
    Page(Response),
    Stream(live::Stream),
}

/// The accept loop, running; [`Listening::stop`] ends it.
pub(crate) struct Listening {
    stopping: Arc<AtomicBool>,
    addr: SocketAddr,
    thread: JoinHandle<()>,
}

/// Serves `listener` on a thread of its own until stopped.
pub(crate) fn serve(listener: TcpListener, shared: Arc<Shared>) -> io::Result<Listening> {
    let addr = listener.local_addr()?;
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = stopping.clone();
    let thread = std::thread::Builder::new()
        .name("vitrine-accept".into())
        .spawn(move || accept_loop(&listener, &shared, &flag))?;
    Ok(Listening {
        stopping,
        addr,
        thread,
    })
}

impl Listening {
    /// Stops accepting and lets each connection end after its current
    /// answer. The accept loop is woken by a connection to itself.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        // Without the wake-up the loop would wait for the next client: the
        // process is ending anyway, so do not wait for it.
        if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok() {
            let _ = self.thread.join();
        }
    }
}

/// Writes a line on stderr, never panicking (`eprintln!` panics when
/// stderr is gone, which must not end the accept loop).
pub(crate) fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// Lets a repeated message through at most once per interval.
struct Throttle(Option<Instant>);

impl Throttle {
    fn ready(&mut self) -> bool {
        let now = Instant::now();
        if self
            .0
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(10))
        {
            return false;
        }
        self.0 = Some(now);
        true
    }
}

/// Decrements the count of open connections when its thread ends, even by
/// a panic.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stopping: &AtomicBool) {
    let open = Arc::new(AtomicUsize::new(0));
    let mut out_of_files = false;
    let mut errors = Throttle(None);
    let mut spawns = Throttle(None);
    let mut full = Throttle(None);
    loop {
        let accepted = listener.accept();
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) if out_of_files_limit(&e).is_some() => {
                if !out_of_files {
                    let limit = out_of_files_limit(&e).unwrap_or_default();
                    say(&format!(
                        "vitrine : trop de fichiers ouverts ({limit}) ; les nouvelles \
                         connexions attendent qu'il s'en ferme, le serveur écoute toujours"
                    ));
                    out_of_files = true;
                }
                std::thread::sleep(ACCEPT_PAUSE);
                continue;
            }
            Err(e) => {
                // A client that left before being accepted, a signal: go on.
                if !matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::Interrupted
                ) {
                    if errors.ready() {
                        say(&format!(
                            "vitrine : une connexion n'a pas pu être acceptée : {e} ; \
                             le serveur continue d'écouter"
                        ));
                    }
                    std::thread::sleep(ACCEPT_PAUSE);
                }
                continue;
            }
        };
        if out_of_files {
            say("vitrine : des fichiers se sont fermés, les connexions sont de nouveau acceptées");
            out_of_files = false;
        }
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            if full.ready() {
                say(&format!(
                    "vitrine : plus de {MAX_CONNECTIONS} connexions ouvertes, les suivantes \
                     sont refusées (503) le temps que certaines se ferment"
                ));
            }
            refuse_busy(stream);
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(open.clone());
        let shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("vitrine-http".into())
            .stack_size(STACK)
            .spawn(move || {
                let _slot = slot;
                connection(stream, &shared);
            });
        // The closure, and with it the stream and the slot, is dropped.
        if let Err(e) = spawned
            && spawns.ready()
        {
            say(&format!(
                "vitrine : une connexion a été fermée faute de pouvoir démarrer un fil : {e}"
            ));
        }
    }
}

/// Which limit on open files an accept error hit, if any: EMFILE or
/// ENFILE (the same numbers on Linux, macOS and the BSDs).
fn out_of_files_limit(e: &io::Error) -> Option<&'static str> {
    match e.raw_os_error() {
        Some(24) if cfg!(unix) => Some("limite du processus, voir ulimit -n"),
        Some(23) if cfg!(unix) => Some("limite du système"),
        _ => None,
    }
}

/// A fresh connection's send buffer is empty: this small write does not
/// block the accept loop.
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let response = Response::new(
        503,
        b"503 serveur occup\xc3\xa9, r\xc3\xa9essayez\n".to_vec(),
    )
    .header("Content-Type", "text/plain; charset=utf-8")
    .header("Retry-After", "1");
    let _ = stream.write_all(&serialize(&response, false, false));
    let _ = stream.shutdown(Shutdown::Write);
}

/// One connection: requests answered in order until the client closes,
/// asks to close, or breaks a limit.
fn connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    loop {
        let head = match conn.read_head() {
            Ok(head) => head,
            Err(Refusal::Silent) => return,
            Err(Refusal::Status(status, text)) => return conn.refuse(status, text),
        };
        let head = match parse_head(&head) {
            Ok(head) => head,
            Err((status, text)) => return conn.refuse(status, text),
        };
        if !matches!(head.request.method.as_str(), "GET" | "HEAD") {
            return conn.refuse(405, "méthode non admise");
        }
        if head.has_body {
            return conn.refuse(413, "corps de requête refusé");
        }
        match http::handle(&head.request, shared) {
            Answer::Page(response) => {
                let bytes = serialize(&response, head.request.is_head(), head.keep_alive);
                if write_within(&mut conn.stream, &bytes, WRITE_TIMEOUT).is_err() {
                    return;
                }
                if !head.keep_alive {
                    return conn.close();
                }
            }
            Answer::Stream(events) => return live::serve(conn.stream, events),
        }
    }
}

/// Why no request could be read: close quietly (the client left, or an
/// idle connection timed out), or answer this status first.
enum Refusal {
    Silent,
    Status(u16, &'static str),
}

struct Conn {
    stream: TcpStream,
    /// Bytes read past the last head: the start of the next (pipelined)
    /// request. Never more than [`MAX_HEAD`] plus one read.
    buf: Vec<u8>,
}

impl Conn {
    /// The next request head, without its final empty line.
    fn read_head(&mut self) -> Result<Vec<u8>, Refusal> {
        let deadline = Instant::now() + HEAD_TIMEOUT;
        let mut chunk = [0u8; 4096];
        loop {
            // Empty lines before a request are to be ignored (RFC 9112 §2.2).
            let blank = self
                .buf
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            self.buf.drain(..blank);
            if let Some(end) = head_end(&self.buf) {
                if end.0 > MAX_HEAD {
                    return Err(Refusal::Status(431, "en-têtes trop grands"));
                }
                let head = self.buf[..end.0].to_vec();
                self.buf.drain(..end.1);
                return Ok(head);
            }
            let lines = self.buf.iter().filter(|&&b| b == b'\n').count();
            if self.buf.len() >= MAX_HEAD || lines > MAX_HEADERS {
                return Err(if lines == 0 {
                    Refusal::Status(414, "adresse trop longue")
                } else {
                    Refusal::Status(431, "en-têtes trop grands")
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(if self.buf.is_empty() {
                    Refusal::Silent
                } else {
                    Refusal::Status(408, "requête trop lente")
                });
            }
            if self.stream.set_read_timeout(Some(left)).is_err() {
                return Err(Refusal::Silent);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Refusal::Silent),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => return Err(Refusal::Silent),
            }
        }
    }

    /// Answers with an error and closes, whatever the client sends after.
    fn refuse(mut self, status: u16, text: &str) {
        let mut response = Response::new(status, format!("{status} {text}\n").into_bytes())
            .header("Content-Type", "text/plain; charset=utf-8");
        if status == 405 {
            response = response.header("Allow", "GET, HEAD");
        }
        let bytes = serialize(&response, false, false);
        if write_within(&mut self.stream, &bytes, WRITE_TIMEOUT).is_ok() {
            self.close();
        }
    }

    /// Closes after the last answer: says so to the client, then reads
    /// (and drops) what it still sends, briefly and up to a bound, so the
    /// answer is not lost to a reset caused by unread input.
    fn close(mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let deadline = Instant::now() + LINGER;
        let mut drained = 0;
        let mut chunk = [0u8; 4096];
        while drained < LINGER_BYTES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => drained += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    }
}

/// Where the head in `buf` ends: (end of its last line, start of what
/// follows the empty line). Lines end in CRLF or, leniently, LF.
fn head_end(buf: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(at) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + at;
        match &buf[nl + 1..] {
            [b'\n', ..] => return Some((nl + 1, nl + 2)),
            [b'\r', b'\n', ..] => return Some((nl + 1, nl + 3)),
            _ => i = nl + 1,
        }
    }
    None
}

/// A parsed head and what the connection does after it.
struct Head {
    request: Request,
    has_body: bool,
    keep_alive: bool,
}

fn parse_head(bytes: &[u8]) -> Result<Head, (u16, &'static str)> {
    const BAD: (u16, &str) = (400, "requête mal formée");
    let text = std::str::from_utf8(bytes).map_err(|_| BAD)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().ok_or(BAD)?;
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD);
    };
    if method.is_empty() || !method.bytes().all(is_token) || target.is_empty() {
        return Err(BAD);
    }
    if target.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(BAD);
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Err((505, "version de HTTP non prise en charge")),
        _ => return Err(BAD),
    };
    let mut host = None;
    let mut has_body = false;
    let mut close = !http11;
    let lines: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    if lines.len() > MAX_HEADERS {
        return Err((431, "en-têtes trop nombreux"));
    }
    for line in lines {
        // Folded lines (obsolete) and a space before the colon are refused
        // (RFC 9112 §5.1, §5.2).
        let (name, value) = line.split_once(':').ok_or(BAD)?;
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(BAD);
        }
        let value = value.trim_matches([' ', '\t']);
        if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            return Err(BAD);
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(BAD);
            }
            host = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("content-length") {
            let length: u64 = value
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| value.parse().ok())
                .flatten()
                .ok_or(BAD)?;
            has_body |= length > 0;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        } else if name.eq_ignore_ascii_case("connection") {
            for option in value.split(',').map(str::trim) {
                if option.eq_ignore_ascii_case("close") {
                    close = true;
                } else if option.eq_ignore_ascii_case("keep-alive") && !http11 {
                    close = false;
                }
            }
        }
    }
    Ok(Head {
        request: Request {
            method: method.to_string(),
            target: target.to_string(),
            host,
        },
        has_body,
        keep_alive: !close,
    })
}

/// The characters of a method or header name (RFC 9110 §5.6.2).
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The bytes of an answer: status line, headers, the length, and the body
/// unless the request was HEAD.
fn serialize(response: &Response, head_only: bool, keep_alive: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    if !keep_alive {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    bytes
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Writes all of `bytes` within `limit` in total, however slowly the
/// client reads.
pub(crate) fn write_within(
    stream: &mut TcpStream,
    bytes: &[u8],
    limit: Duration,
) -> io::Result<()> {
    let deadline = Instant::now() + limit;
    let mut rest = bytes;
    while !rest.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(&rest[..rest.len().min(64 * 1024)]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_end_at_the_first_empty_line() {
        assert_eq!(
            head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET"),
            Some((25, 27))
        );
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: a\n\nx"), Some((23, 24)));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    }

    #[test]
    fn heads_are_parsed_strictly() {
        let head = parse_head(b"GET /a?b HTTP/1.1\r\nHost: h:1\r\nConnection: Close\r\n").ok();
        let head = head.unwrap();
        assert_eq!(head.request.target, "/a?b");
        assert_eq!(head.request.host.as_deref(), Some("h:1"));
        assert!(!head.keep_alive && !head.has_body);
        let kept = parse_head(b"HEAD / HTTP/1.1\r\nHost: h\r\n").ok().unwrap();
        assert!(kept.keep_alive && kept.request.is_head());
        assert!(!parse_head(b"GET / HTTP/1.0\r\n").ok().unwrap().keep_alive);
        let body = parse_head(b"GET / HTTP/1.1\r\nContent-Length: 3\r\n");
        assert!(body.ok().unwrap().has_body);
        let chunked = parse_head(b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n");
        assert!(chunked.ok().unwrap().has_body);
        let status = |h: &[u8]| parse_head(h).err().map(|e| e.0);
        assert_eq!(status(b"GET / HTTP/2.0\r\n"), Some(505));
        for bad in [
            &b"GET /\r\n"[..],
            b"GET  / HTTP/1.1\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n",
            b"GET / HTTP/1.1\r\nHost : a\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: -1\r\n",
            b"GET / HTTP/1.1\r\nX: \xff\r\n",
            b"G\x01T / HTTP/1.1\r\n",
        ] {
            assert_eq!(status(bad), Some(400), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn answers_carry_their_length_and_head_omits_the_body() {
        let r = Response::new(200, b"abc".to_vec()).header("Content-Type", "text/plain");
        assert_eq!(
            serialize(&r, false, true),
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc"
        );
        assert_eq!(
            serialize(&r, true, false),
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\
              Connection: close\r\n\r\n"
        );
    }
}
