//! Benchmark of `vitrine serve`: the time from saving a record to the
//! `reload` event reaching a page's event stream, on the shipped content.
//!
//!     cargo run --release --example reload_latency [-- SAVES]
//!
//! Copies `content/` to a temporary directory, serves it on a free port,
//! then saves one record `SAVES` times (20 by default), each time with a
//! new title, and waits for the `reload` event. Prints every figure and
//! their median. The latency is the debouncer's wait, the quiet window that
//! merges bursts of events, the full rebuild and the swap; the build alone
//! is measured too, for comparison.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vitrine::serve::{Config, Server};

fn main() {
    let saves: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().expect("temporary directory");
    copy_tree(&repo.join("content"), &site.path().join("content"));

    let builds: Vec<Duration> = (0..saves.max(5))
        .map(|_| {
            let start = Instant::now();
            let opts = vitrine::Options {
                root: site.path().to_path_buf(),
                ..Default::default()
            };
            let built = vitrine::build(&opts);
            assert!(built.is_ok(), "the shipped content builds");
            start.elapsed()
        })
        .collect();

    let server = Server::start(&Config {
        root: site.path().to_path_buf(),
        port: 0,
        bind: None,
        open: false,
        poll: false,
        drafts: false,
        today: None,
    })
    .expect("server starts");
    let port: u16 = server
        .url()
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port in URL");
    let events = listen(port);
    wait_for(&events, "hello");

    let record = first_record(&site.path().join("content/aides"));
    let original = std::fs::read_to_string(&record).expect("record");
    let title = original
        .lines()
        .find(|l| l.starts_with("titre:"))
        .expect("a titre line")
        .to_string();
    let mut latencies = Vec::new();
    for i in 0..saves {
        let text = original.replacen(&title, &format!("{title} (essai {i})"), 1);
        let saved = Instant::now();
        std::fs::write(&record, text).expect("save");
        let received = wait_for(&events, "reload");
        latencies.push(received.duration_since(saved));
        // Let the watcher settle, as between two real saves.
        std::thread::sleep(Duration::from_millis(300));
    }
    server.stop();

    let ms = |d: &Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    eprintln!();
    println!(
        "sauvegarde → événement reload, {saves} sauvegardes (ms) : {}",
        latencies.iter().map(ms).collect::<Vec<_>>().join(" ")
    );
    println!(
        "médiane {} ms (min {}, max {}) ; construction seule : médiane {} ms",
        ms(&median(&mut latencies)),
        ms(latencies.first().unwrap()),
        ms(latencies.last().unwrap()),
        ms(&median(&mut builds.clone())),
    );
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The first published record of `dir`, by name.
fn first_record(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("content/aides")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        // A published record: editing a draft changes no page.
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l == "statut: publie"))
        })
        .collect();
    files.sort();
    files.into_iter().next().expect("a record")
}

/// Reads the event stream on a thread; sends each event name with the
/// instant its blank terminating line arrived.
fn listen(port: u16) -> mpsc::Receiver<(String, Instant)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET /__vitrine/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .expect("request");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if line.is_empty()
                && !event.is_empty()
                && tx
                    .send((std::mem::take(&mut event), Instant::now()))
                    .is_err()
            {
                return;
            }
        }
    });
    rx
}

fn wait_for(events: &mpsc::Receiver<(String, Instant)>, name: &str) -> Instant {
    loop {
        match events.recv_timeout(Duration::from_secs(10)) {
            Ok((event, at)) if event == name => return at,
            Ok(_) => {}
            Err(e) => panic!("no `{name}` event: {e}"),
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let dest = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}
