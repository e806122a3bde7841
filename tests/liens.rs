//! `vitrine liens` against a local server (no outside network): dead
//! links are errors at their line, moved and refused ones warnings, and
//! working addresses are not asked again within a week.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use common::*;

type Hits = Arc<Mutex<BTreeMap<String, usize>>>;

/// A tiny HTTP/1.1 server: one thread per connection, one answer per
/// connection, routes by path; counts the requests per path.
fn serve() -> (String, Hits) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits: Hits = Arc::default();
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let hits = counted.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                let n = {
                    let mut hits = hits.lock().unwrap();
                    let n = hits.entry(path.clone()).or_insert(0);
                    *n += 1;
                    *n
                };
                let (status, extra) = match path.as_str() {
                    "/ok" | "/ok2" | "/ok3" | "/autre" => ("200 OK", String::new()),
                    "/mort" => ("404 Not Found", String::new()),
                    "/parti" => ("410 Gone", String::new()),
                    "/deplace" => ("301 Moved Permanently", "Location: /autre\r\n".into()),
                    "/temporaire" => ("302 Found", "Location: /ok\r\n".into()),
                    "/boucle" => ("301 Moved Permanently", "Location: /boucle\r\n".into()),
                    "/interdit" => ("403 Forbidden", String::new()),
                    "/ralentir" => ("429 Too Many Requests", "Retry-After: 0\r\n".into()),
                    "/passager" if n == 1 => {
                        ("503 Service Unavailable", "Retry-After: 0\r\n".into())
                    }
                    "/passager" => ("200 OK", String::new()),
                    "/lent" => {
                        std::thread::sleep(std::time::Duration::from_secs(4));
                        ("200 OK", String::new())
                    }
                    _ => ("404 Not Found", String::new()),
                };
                let body = "<html></html>";
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{extra}Content-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (base, hits)
}

fn liens(root: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args([
            "liens",
            "--pause",
            "0",
            "--delai",
            "1",
            "--today",
            "2026-12-04",
            "--root",
        ])
        .arg(root)
        .args(extra)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

/// Every external address of the mini site pointed at the local server.
fn local_site(base: &str) -> tempfile::TempDir {
    let site = mini_site();
    for entry in walk(&site.path().join("content")) {
        let Ok(text) = std::fs::read_to_string(&entry) else {
            continue;
        };
        let text = text
            .replace("https://www.example.org/source", &format!("{base}/ok"))
            .replace("https://www.ameli.fr/", &format!("{base}/ok2"))
            .replace(
                "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
                &format!("{base}/ok3"),
            );
        std::fs::write(&entry, text).unwrap();
    }
    site
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "md" || x == "csv")
        {
            out.push(p);
        }
    }
    out
}

const AIDE: &str = "content/aides/prime-installation.yaml";

#[test]
fn dead_links_fail_moved_ones_warn_and_live_ones_pass() {
    let (base, hits) = serve();
    let site = local_site(&base);
    let root = site.path();

    // Nothing wrong: success, and nothing reported.
    let out = liens(root, &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        0,
        "{report}"
    );
    assert!(hits.lock().unwrap()["/ok"] >= 1);

    // One source per case, in the aid, and a Markdown link in a page.
    let text = std::fs::read_to_string(root.join(AIDE)).unwrap();
    let cases = [
        "mort",
        "parti",
        "deplace",
        "temporaire",
        "boucle",
        "interdit",
        "ralentir",
        "passager",
        "lent",
    ];
    let mut sources = String::new();
    for c in cases {
        sources.push_str(&format!(
            "  - titre: Cas {c}\n    url: {base}/{c}\n    consulte_le: 2026-11-01\n"
        ));
    }
    let text = text.replacen("sources:\n", &format!("sources:\n{sources}"), 1);
    std::fs::write(root.join(AIDE), &text).unwrap();
    let page = "content/pages/zonage.md";
    let page_text = std::fs::read_to_string(root.join(page)).unwrap()
        + &format!("\nVoir [l'arrêté]({base}/mort).\n");
    std::fs::write(root.join(page), &page_text).unwrap();

    let out = liens(root, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = report["diagnostics"].as_array().unwrap();
    let find = |case: &str, file: &str| {
        let url = format!("{base}/{case}");
        diags
            .iter()
            .find(|d| {
                d["file"] == file && d["message"].as_str().unwrap().contains(&format!("`{url}`"))
            })
            .unwrap_or_else(|| panic!("{case} in {file}: {diags:#?}"))
            .clone()
    };
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (case, severity) in [
        ("mort", "error"),
        ("parti", "error"),
        ("boucle", "error"),
        ("deplace", "warning"),
        ("interdit", "warning"),
        ("ralentir", "warning"),
        ("lent", "warning"),
    ] {
        let d = find(case, AIDE);
        assert_eq!(d["severity"], severity, "{case}: {d}");
        let url = format!("{base}/{case}");
        assert_eq!(
            d["line"],
            line_of(&text, &format!("url: {url}")),
            "{case}: {d}"
        );
        assert!(d["field"].as_str().unwrap().starts_with("sources["), "{d}");
        assert!(d["field"].as_str().unwrap().ends_with("].url"), "{d}");
    }
    let moved = find("deplace", AIDE);
    assert!(
        moved["help"]
            .as_str()
            .unwrap()
            .contains(&format!("{base}/autre")),
        "{moved}"
    );
    let in_page = find("mort", page);
    assert_eq!(in_page["line"], line_of(&page_text, "l'arrêté"));
    assert_eq!(in_page["severity"], "error");
    // A temporary redirect to a live page and a server error that passes
    // on retry are fine.
    for fine in ["temporaire", "passager"] {
        let url = format!("{base}/{fine}`");
        assert!(
            !diags
                .iter()
                .any(|d| d["message"].as_str().unwrap().contains(&url)),
            "{fine}: {diags:#?}"
        );
    }
    assert_eq!(hits.lock().unwrap()["/passager"], 2, "retried once");
    assert_eq!(hits.lock().unwrap()["/ralentir"], 2, "retried once");

    // Working addresses are not asked again within the week; others are.
    let before = hits.lock().unwrap().clone();
    let out = liens(root, &[]);
    assert_eq!(out.status.code(), Some(1));
    let after = hits.lock().unwrap().clone();
    assert_eq!(
        after["/ok"], before["/ok"],
        "cached: {before:?} -> {after:?}"
    );
    assert_eq!(
        after["/mort"],
        before["/mort"] + 1,
        "failures are asked again"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lien mort"), "{stderr}");
    assert!(stderr.contains(&format!("--> {AIDE}:")), "{stderr}");
    // Without the cache, or a week later, they are asked again.
    let out = liens(root, &["--sans-cache"]);
    assert_eq!(out.status.code(), Some(1));
    let again = hits.lock().unwrap().clone();
    assert!(again["/ok"] > after["/ok"], "{again:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args([
            "liens",
            "--pause",
            "0",
            "--delai",
            "1",
            "--today",
            "2026-12-12",
            "--root",
        ])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        hits.lock().unwrap()["/ok2"] > again["/ok2"],
        "re-asked after a week"
    );

    // The GitHub format annotates the `url:` line.
    let out = liens(root, &["--format", "github"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = line_of(&text, &format!("url: {base}/mort"));
    assert!(
        stdout.contains(&format!("::error file={AIDE},line={line},")),
        "{stdout}"
    );
}
