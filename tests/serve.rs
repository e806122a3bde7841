//! `vitrine serve`, end to end through the real binary: pages, safety, live
//! reload, errors and recovery. Each test runs its own server on a port the
//! system picks (`--port 0`) in a temporary copy of the `mini` fixture.
//! Timeouts are generous and only bound the waits: nothing asserts on time.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(15);
const RECORD: &str = "content/aides/prime-installation.yaml";
const PAGE: &str = "/aides/prime-installation/";
const TITLE: &str = "Percevoir une aide à la première installation";

/// A running `vitrine serve`, killed on drop.
struct Served {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    fn start(root: &Path, extra: &[&str]) -> Served {
        Served::spawn(Command::new(env!("CARGO_BIN_EXE_vitrine")), root, extra)
    }

    /// The server with at most `files` open file descriptors (the shell's
    /// `ulimit -n`, then `exec`, so the child is the server itself).
    #[cfg(unix)]
    fn start_limited(root: &Path, files: u32) -> Served {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vitrine"));
        Served::spawn(sh, root, &[])
    }

    fn spawn(mut command: Command, root: &Path, extra: &[&str]) -> Served {
        let mut child = command
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--today", "2026-12-04"])
            .args(if extra.contains(&"--port") {
                &[][..]
            } else {
                &["--port", "0"][..]
            })
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vitrine serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child,
            port: 0,
            stderr,
        };
        let line = rx
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no URL printed; stderr:\n{}", served.stderr()));
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        served.port = port;
        served
    }

    /// The server's stderr once it contains `needle` (read on another thread,
    /// so it may lag behind the URL line), or as it is after 10 seconds.
    fn stderr_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.stderr();
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> Reply {
        self.raw("GET", path, &self.host())
    }

    fn raw(&self, method: &str, path: &str, host: &str) -> Reply {
        self.raw_within(method, path, host, WAIT)
    }

    /// A request whose answer must come within `limit` (else status 0).
    fn raw_within(&self, method: &str, path: &str, host: &str, limit: Duration) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(limit)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        Reply::parse(&bytes)
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v)
    }
}

/// An event-stream client: `(event, data)` pairs arrive on a channel.
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /__vitrine/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(s).lines().map_while(Result::ok);
            let status = lines.next().unwrap_or_default();
            assert!(status.starts_with("HTTP/1.1 200"), "{status}");
            let head: Vec<String> = lines.by_ref().take_while(|l| !l.is_empty()).collect();
            assert!(
                head.iter()
                    .any(|h| h
                        .eq_ignore_ascii_case("content-type: text/event-stream; charset=utf-8")),
                "{head:?}"
            );
            let (mut event, mut data) = (String::new(), Vec::new());
            for line in lines {
                if line.is_empty() {
                    if !event.is_empty() && tx.send((event.clone(), data.join("\n"))).is_err() {
                        return;
                    }
                    event.clear();
                    data.clear();
                } else if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push(d.to_string());
                }
            }
        });
        Events { rx }
    }

    /// The data of the next `name` event, skipping others.
    fn next(&self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => {}
                Err(e) => panic!("no `{name}` event: {e:?}"),
            }
        }
    }

    /// Any event arriving within `window`, which should not happen.
    fn unexpected(&self, window: Duration) -> Option<(String, String)> {
        match self.rx.recv_timeout(window) {
            Ok(e) => Some(e),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("stream closed"),
        }
    }
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Saves like vim or an atomic writer: a temporary file renamed over.
fn save_by_rename(path: &Path, text: &str) {
    let tmp: PathBuf = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn serves_pages_types_redirects_and_the_404_page() {
    let site = common::mini_site();
    let s = Served::start(site.path(), &[]);
    let home = s.get("/");
    assert_eq!(home.status, 200, "{home:?}");
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert!(
        home.body
            .contains("<script src=\"/__vitrine/client.js\" data-build=\"")
    );
    // Links point at the local server, whatever site.yaml's url_base says.
    assert!(home.body.contains(&format!("http://{}/", s.host())));

    let css = common::attr_values(&home.body, "href")
        .into_iter()
        .find(|h| h.contains(".css"))
        .unwrap()
        .to_string();
    let sheet = s.get(&css);
    assert_eq!(sheet.status, 200);
    assert_eq!(sheet.header("content-type"), "text/css; charset=utf-8");
    let svg = s.get("/images/foret.svg");
    assert_eq!(
        (svg.status, svg.header("content-type")),
        (200, "image/svg+xml")
    );
    let script = s.get("/__vitrine/client.js");
    assert_eq!(
        script.header("content-type"),
        "text/javascript; charset=utf-8"
    );
    assert!(script.body.contains("EventSource('/__vitrine/events')"));

    let page = s.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(TITLE));
    let dir = s.get("/aides");
    assert_eq!((dir.status, dir.header("location")), (302, "/aides/"));

    let missing = s.get("/aides/inexistante/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), "text/html; charset=utf-8");
    let site_404 = s.get("/404.html");
    assert_eq!(site_404.status, 200);
    let start = site_404.body.find("<main").unwrap();
    let end = site_404.body.find("</main>").unwrap();
    assert!(missing.body.contains(&site_404.body[start..end]));

    let head = s.raw("HEAD", "/", &s.host());
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(s.raw("POST", "/", &s.host()).status, 405);
    // The dev server skips the PDF (it would slow every reload) and its
    // guide page does not link to one.
    let guide = s.get("/guide/");
    assert_eq!(guide.status, 200);
    assert!(!guide.body.contains(".pdf"), "{}", guide.body);
}

#[test]
fn the_reload_script_is_never_in_a_build() {
    let site = common::mini_site();
    let built = vitrine::build(&common::options(site.path())).ok().unwrap();
    for (path, bytes) in &built.output {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__vitrine"),
            "{path}"
        );
    }
}

#[test]
fn paths_escaping_the_site_are_refused() {
    let site = common::mini_site();
    std::fs::write(site.path().join("secret.txt"), "SECRET-ON-DISK").unwrap();
    let s = Served::start(site.path(), &[]);
    for path in [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/aides/..%2f..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/aides\\..\\..\\secret.txt",
        "//etc/passwd",
        "//secret.txt",
        "/%00",
        "/index.html%00.css",
        "/%c0%ae%c0%ae/secret.txt",
        "/./secret.txt",
        "/secret.txt",
        "/content/site.yaml",
        "/etc/passwd",
        "http://127.0.0.1/../secret.txt",
    ] {
        let reply = s.get(path);
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
        assert!(!reply.body.contains("SECRET-ON-DISK"), "{path}");
        assert!(!reply.body.contains("root:"), "{path}");
        assert!(!reply.body.contains("url_base"), "{path}");
    }
}

#[test]
fn a_foreign_host_header_is_refused() {
    let site = common::mini_site();
    let s = Served::start(site.path(), &[]);
    let port = s.port;
    assert_eq!(s.raw("GET", "/", &format!("localhost:{port}")).status, 200);
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_string(),
        String::new(),
    ] {
        assert_eq!(s.raw("GET", "/", &host).status, 403, "{host:?}");
    }
    assert_eq!(
        s.raw("GET", "/__vitrine/events", "evil.example").status,
        403
    );
}

#[test]
fn an_edit_reloads_an_error_shows_and_a_fix_recovers() {
    let site = common::mini_site();
    let root = site.path();
    let s = Served::start(root, &[]);
    let events = s.events();
    let first = events.next("hello");

    edit(root, RECORD, TITLE, "Nouveau titre de l'aide");
    let reload = events.next("reload");
    assert_ne!(reload, first);
    let page = s.get(PAGE);
    assert!(page.body.contains("Nouveau titre de l"));
    assert!(!page.body.contains("vitrine-erreurs"));

    edit(root, RECORD, "titre: Nouveau", "titre: \"Nouveau");
    let error = events.next("error");
    assert!(
        error.contains("\"file\":\"content/aides/prime-installation.yaml\""),
        "{error}"
    );
    assert!(error.contains("\"line\":1"), "{error}");
    assert!(error.contains("\"text\":\"erreur: "), "{error}");
    // The last good page is still served, with the errors for the overlay.
    let page = s.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Nouveau titre de l"), "last good page");
    assert!(
        page.body
            .contains("<script type=\"application/json\" id=\"vitrine-erreurs\">")
    );
    assert!(
        page.body
            .contains("content/aides/prime-installation.yaml:1:")
    );
    let state = s.get("/__vitrine/state");
    assert!(state.body.contains("prime-installation.yaml"));
    // The terminal shows the same diagnostic.
    let needle = "--> content/aides/prime-installation.yaml:1:";
    assert!(s.stderr_with(needle).contains(needle));
    // A page opened now learns of the error as soon as it connects.
    let late = s.events();
    late.next("hello");
    assert!(late.next("error").contains("prime-installation.yaml"));

    edit(root, RECORD, "titre: \"Nouveau", "titre: Titre corrigé");
    events.next("reload");
    let page = s.get(PAGE);
    assert!(page.body.contains("Titre corrigé"));
    assert!(!page.body.contains("vitrine-erreurs"));
    assert_eq!(s.get("/__vitrine/state").body, "null");
}

/// A save is served without waiting for the search index, which follows
/// on its own, without reloading the page again.
#[cfg(feature = "search")]
#[test]
fn the_search_index_follows_an_edit_without_a_second_reload() {
    let site = common::mini_site();
    let root = site.path();
    let s = Served::start(root, &[]);
    let events = s.events();
    events.next("hello");
    let entry = "/pagefind/pagefind-entry.json";
    let before = s.get(entry).body;
    assert!(before.contains("\"fr\""), "{before}");

    edit(root, RECORD, TITLE, "Nouveau titre de l'aide");
    events.next("reload");
    assert!(s.get(PAGE).body.contains("Nouveau titre de l"));
    let log = s.stderr_with("index de recherche mis à jour");
    assert!(log.contains("index de recherche mis à jour"), "{log}");
    assert_ne!(s.get(entry).body, before, "the index describes the edit");
    // The index's update told no page to reload.
    assert_eq!(events.unexpected(Duration::from_millis(500)), None);
}

#[test]
fn a_stylesheet_edit_swaps_styles_without_reload() {
    let site = common::mini_site();
    let root = site.path();
    let theme = root.join("themes/essai/static");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("vitrine.css"), "body { color: #111; }\n").unwrap();
    let config = root.join("content/site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}theme: essai\n")).unwrap();
    let s = Served::start(root, &[]);
    let before = s.get("/").body;
    let events = s.events();
    events.next("hello");

    std::fs::write(theme.join("vitrine.css"), "body { color: #222; }\n").unwrap();
    let css = events.next("css");
    assert!(css.contains("\"files\":[\"assets/vitrine.css\"]"), "{css}");
    let after = s.get("/").body;
    assert_ne!(before, after, "the ?v= of the stylesheet changed");
    let href = common::attr_values(&after, "href")
        .into_iter()
        .find(|h| h.contains("vitrine.css"))
        .unwrap()
        .to_string();
    assert!(s.get(&href).body.contains("#222"));
}

#[test]
fn a_burst_of_changes_is_one_rebuild_and_editor_files_none() {
    let site = common::mini_site();
    let root = site.path();
    let s = Served::start(root, &[]);
    let events = s.events();
    events.next("hello");

    // A checkout-like burst: 30 new records and a rename-on-save.
    let record = std::fs::read_to_string(root.join(RECORD)).unwrap();
    for i in 0..30 {
        let path = root.join(format!("content/aides/copie-{i}.yaml"));
        std::fs::write(path, record.replace(TITLE, &format!("Copie {i}"))).unwrap();
    }
    save_by_rename(&root.join(RECORD), &record.replace(TITLE, "Renommée"));
    events.next("reload");
    assert_eq!(s.get("/aides/copie-29/").status, 200);
    assert!(s.get(PAGE).body.contains("Renommée"));
    assert_eq!(events.unexpected(Duration::from_millis(1500)), None);

    // Editor temporaries and lock files are not the site.
    for name in [
        ".#prime-installation.yaml",
        "prime-installation.yaml.swp",
        "prime-installation.yaml~",
        "4913",
    ] {
        std::fs::write(root.join("content/aides").join(name), "titre: [").unwrap();
    }
    assert_eq!(events.unexpected(Duration::from_millis(1500)), None);
}

#[test]
fn a_failed_first_build_serves_an_error_page_until_fixed() {
    let site = common::mini_site();
    let root = site.path();
    edit(root, RECORD, "titre: ", "titre: \"");
    let s = Served::start(root, &[]);
    let page = s.get("/");
    assert_eq!(page.status, 500);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert!(
        page.body
            .contains("content/aides/prime-installation.yaml:1:")
    );
    assert!(page.body.contains("id=\"vitrine-erreurs\""));
    assert!(page.body.contains("/__vitrine/client.js"));
    let events = s.events();
    events.next("hello");
    events.next("error");

    edit(root, RECORD, "titre: \"", "titre: ");
    events.next("reload");
    let page = s.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(TITLE));
}

#[test]
fn a_reconnecting_page_learns_the_current_build() {
    let site = common::mini_site();
    let root = site.path();
    let s = Served::start(root, &[]);
    let watching = s.events();
    let first = watching.next("hello");
    let gone = s.events();
    assert_eq!(gone.next("hello"), first);
    drop(gone);

    edit(root, RECORD, TITLE, "Titre changé pendant la déconnexion");
    watching.next("reload");
    let back = s.events();
    let hello = back.next("hello");
    assert_ne!(hello, first, "a page of the old build would reload");
}

#[test]
fn polling_also_rebuilds() {
    let site = common::mini_site();
    let root = site.path();
    let s = Served::start(root, &["--poll"]);
    let err = s.stderr_with("--poll");
    assert!(err.contains("--poll"), "{err}");
    let events = s.events();
    events.next("hello");
    edit(root, RECORD, TITLE, "Titre relu par sondage");
    events.next("reload");
    assert!(s.get(PAGE).body.contains("Titre relu par sondage"));
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let site = common::mini_site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    if port > u16::MAX - 20 {
        return;
    }
    let s = Served::start(site.path(), &["--port", &port.to_string()]);
    assert!(
        s.port > port && s.port <= port + 10,
        "{} after {port}",
        s.port
    );
    let needle = format!("le port {port} est déjà utilisé");
    assert!(s.stderr_with(&needle).contains(&needle));
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn listening_beyond_loopback_warns_and_still_checks_the_host() {
    let site = common::mini_site();
    let s = Served::start(site.path(), &["--bind", "0.0.0.0"]);
    let err = s.stderr_with("attention");
    assert!(err.contains("attention"), "{err}");
    assert_eq!(s.get("/").status, 200);
    assert_eq!(
        s.raw("GET", "/", &format!("rebinding.example:{}", s.port))
            .status,
        403
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = common::mini_site();
    let mut s = Served::start(site.path(), &[]);
    let pid = s.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    // Give the stderr reader a moment to drain the last line.
    let deadline = Instant::now() + WAIT;
    while !s.stderr().contains("serveur arrêté") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(s.stderr().contains("serveur arrêté"), "{}", s.stderr());
}

/// How long a plain GET may take while the server is under pressure.
const GET_BUDGET: Duration = Duration::from_secs(1);

/// A plain GET of the home page, answered in full within [`GET_BUDGET`].
fn assert_quick_get(s: &Served, when: &str) {
    let start = Instant::now();
    let reply = s.raw_within("GET", "/", &s.host(), GET_BUDGET);
    let took = start.elapsed();
    assert_eq!(reply.status, 200, "{when}: {reply:?}");
    assert!(reply.body.contains("</html>"), "{when}: truncated page");
    assert!(took < GET_BUDGET, "{when}: GET took {took:?}");
}

#[test]
fn slow_and_pipelining_clients_do_not_hold_the_server() {
    let site = common::mini_site();
    let root = site.path();
    let s = Served::start(root, &[]);
    let host = s.host();
    // Open pages: their event streams stay open all along.
    let pages: Vec<Events> = (0..8).map(|_| s.events()).collect();
    for page in &pages {
        page.next("hello");
    }
    let mut trickled = Vec::new();
    let mut pipelining = Vec::new();
    for i in 0..20 {
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        c.set_write_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let head = match i % 4 {
            // A body announced, then trickled.
            0 => format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000000\r\n\r\n"),
            1 => format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000000\r\n\r\n"),
            // A head that never ends.
            2 => format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Lent: "),
            // Thousands of requests whose answers are never read.
            _ => {
                let one = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
                let all = one.repeat(3000);
                let mut writer = c.try_clone().unwrap();
                writer.set_write_timeout(Some(WAIT)).unwrap();
                std::thread::spawn(move || {
                    let _ = writer.write_all(all.as_bytes());
                });
                pipelining.push(c);
                continue;
            }
        };
        c.write_all(head.as_bytes()).unwrap();
        trickled.push(c);
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for c in &mut trickled {
                    let _ = c.write_all(b"a");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            trickled
        })
    };
    // Let the server take every connection in before measuring.
    std::thread::sleep(Duration::from_millis(500));
    for i in 0..10 {
        assert_quick_get(&s, &format!("GET {i} with 20 slow connections held"));
        std::thread::sleep(Duration::from_millis(200));
    }
    // The streams were not starved either: they still see a rebuild.
    edit(root, RECORD, TITLE, "Titre pendant la charge");
    for page in &pages {
        page.next("reload");
    }
    assert_quick_get(&s, "after the rebuild");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    drop(trickler.join().unwrap());
    drop(pipelining);
}

#[test]
fn request_bodies_are_refused_and_the_connection_closed() {
    let site = common::mini_site();
    let s = Served::start(site.path(), &[]);
    let host = s.host();
    for (head, status) in [
        (
            format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\n\r\n"),
            405,
        ),
        (
            format!("PUT /x HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\n\r\n"),
            405,
        ),
        (
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\n\r\n"),
            413,
        ),
        (
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n"),
            413,
        ),
    ] {
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        c.set_read_timeout(Some(WAIT)).unwrap();
        // The body is never sent: the answer must not wait for it, and the
        // server closes (read_to_end returns) instead of keeping it alive.
        c.write_all(head.as_bytes()).unwrap();
        let start = Instant::now();
        let mut bytes = Vec::new();
        let read = c.read_to_end(&mut bytes);
        assert!(
            read.is_ok(),
            "{head:?}: {read:?} after {:?}",
            start.elapsed()
        );
        let reply = Reply::parse(&bytes);
        assert_eq!(reply.status, status, "{head:?}: {reply:?}");
        assert_eq!(reply.header("connection"), "close", "{head:?}");
    }
}

/// The peak resident memory of a process, in kilobytes (Linux).
#[cfg(target_os = "linux")]
fn peak_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_huge_header_is_refused() {
    let site = common::mini_site();
    let s = Served::start(site.path(), &[]);
    assert_eq!(s.get("/").status, 200);
    #[cfg(target_os = "linux")]
    let before = peak_kb(s.child.id());
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_write_timeout(Some(WAIT)).unwrap();
    c.set_read_timeout(Some(WAIT)).unwrap();
    write!(c, "GET / HTTP/1.1\r\nHost: {}\r\nX-Enorme: ", s.host()).unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    let mut cut = None;
    while sent < 200 * 1024 * 1024 {
        match c.write_all(&chunk) {
            Ok(()) => sent += chunk.len(),
            Err(e) => {
                cut = Some(e);
                break;
            }
        }
    }
    if cut.is_none() {
        cut = c.write_all(b"\r\n\r\n").err();
    }
    // Closing the connection (reset, broken pipe) is a refusal; a write
    // that merely times out is a server that stopped reading but holds on.
    if let Some(e) = &cut {
        assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{e:?} after {sent} bytes"
        );
    }
    let mut bytes = Vec::new();
    let _ = c.read_to_end(&mut bytes);
    let reply = Reply::parse(&bytes);
    assert!(
        cut.is_some() || reply.status == 431,
        "{sent} bytes of header accepted: {reply:?}"
    );
    assert!(matches!(reply.status, 0 | 431), "{reply:?}");
    #[cfg(target_os = "linux")]
    {
        let after = peak_kb(s.child.id());
        assert!(
            after < before + 32 * 1024,
            "peak memory went from {before} kB to {after} kB"
        );
    }
    assert_quick_get(&s, "after the huge header");
}

#[test]
fn too_many_headers_are_refused() {
    let site = common::mini_site();
    let s = Served::start(site.path(), &[]);
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(WAIT)).unwrap();
    let many: String = (0..500).map(|i| format!("X-{i}: a\r\n")).collect();
    write!(c, "GET / HTTP/1.1\r\nHost: {}\r\n{many}\r\n", s.host()).unwrap();
    let mut bytes = Vec::new();
    let _ = c.read_to_end(&mut bytes);
    assert_eq!(Reply::parse(&bytes).status, 431);
}

#[cfg(unix)]
#[test]
fn running_out_of_file_descriptors_is_survived() {
    let site = common::mini_site();
    let mut s = Served::start_limited(site.path(), 64);
    assert_eq!(s.get("/").status, 200);
    // More connections than the server may have descriptors: the ones it
    // cannot take wait in the listen queue.
    let held: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(("127.0.0.1", s.port)).unwrap())
        .collect();
    let needle = "trop de fichiers ouverts";
    let err = s.stderr_with(needle);
    assert!(err.contains(needle), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    drop(held);
    let reply = s.get("/");
    assert_eq!(reply.status, 200, "{reply:?}\n{}", s.stderr());
    assert_quick_get(&s, "once descriptors are free again");
    assert!(s.child.try_wait().unwrap().is_none(), "the server exited");
}

/// The page at `path` once it contains `text`, within [`WAIT`].
fn page_with(s: &Served, path: &str, text: &str) -> Reply {
    let deadline = Instant::now() + WAIT;
    loop {
        let page = s.get(path);
        if page.body.contains(text) || Instant::now() > deadline {
            return page;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_deleted_then_restored_content_directory_is_watched_again() {
    // The system's watch dies with the directory; the poller reports it
    // missing on every poll: both must pick the directory up again.
    for extra in [&[][..], &["--poll"][..]] {
        let site = common::mini_site();
        let root = site.path();
        let saved = tempfile::tempdir().unwrap();
        common::copy_tree(&root.join("content"), &saved.path().join("content"));
        let s = Served::start(root, extra);
        assert!(s.get(PAGE).body.contains(TITLE));

        std::fs::remove_dir_all(root.join("content")).unwrap();
        let gone = "a disparu";
        let err = s.stderr_with(gone);
        assert!(err.contains(gone), "{extra:?}: {err}");
        common::copy_tree(&saved.path().join("content"), &root.join("content"));
        let back = "est revenu";
        let err = s.stderr_with(back);
        assert!(err.contains(back), "{extra:?}: {err}");
        assert!(!err.contains("No such file"), "{extra:?}: {err}");

        edit(root, RECORD, TITLE, "Titre après restauration");
        let page = page_with(&s, PAGE, "Titre après restauration");
        assert!(
            page.body.contains("Titre après restauration"),
            "{extra:?}: {page:?}"
        );
        // And the edits after that one too.
        edit(root, RECORD, "après restauration", "encore changé");
        let page = page_with(&s, PAGE, "Titre encore changé");
        assert!(
            page.body.contains("Titre encore changé"),
            "{extra:?}: {page:?}"
        );
    }
}

#[test]
fn a_content_directory_replaced_at_once_is_watched_again() {
    let site = common::mini_site();
    let root = site.path();
    let saved = tempfile::tempdir().unwrap();
    common::copy_tree(&root.join("content"), &saved.path().join("content"));
    let s = Served::start(root, &[]);
    let events = s.events();
    events.next("hello");

    // Replaced between two looks (a checkout of another branch, a restore).
    std::fs::remove_dir_all(root.join("content")).unwrap();
    common::copy_tree(&saved.path().join("content"), &root.join("content"));
    let back = "surveillance rétablie";
    let err = s.stderr_with(back);
    assert!(err.contains(back), "{err}");

    edit(root, RECORD, TITLE, "Titre après remplacement");
    let page = page_with(&s, PAGE, "Titre après remplacement");
    assert!(page.body.contains("Titre après remplacement"), "{page:?}");
}

#[test]
fn a_theme_directory_created_while_serving_is_watched() {
    // `themes/` does not exist when the server starts (the first build
    // fails: the theme is missing): creating it later must be seen like
    // any other change, and the site built from it.
    let site = common::mini_site();
    let root = site.path();
    edit(
        root,
        "content/site.yaml",
        "titre: Guide de test",
        "titre: Guide de test\ntheme: maison",
    );
    assert!(!root.join("themes").exists());
    let s = Served::start(root, &[]);
    let missing = "thème `maison` introuvable";
    let err = s.stderr_with(missing);
    assert!(err.contains(missing), "{err}");

    let dir = root.join("themes/maison/static");
    std::fs::create_dir_all(&dir).unwrap();
    let created = "a été créé";
    let err = s.stderr_with(created);
    assert!(err.contains(created), "{err}");
    std::fs::write(dir.join("ajout.txt"), "ajouté en direct").unwrap();
    let page = page_with(&s, "/assets/ajout.txt", "ajouté en direct");
    assert!(page.body.contains("ajouté en direct"), "{page:?}");
    assert!(s.get(PAGE).body.contains(TITLE));
}
