//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a directory tree (a fixture or the shipped content) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A temporary copy of the `mini` fixture site.
pub fn mini_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&manifest().join("tests/fixtures/mini"), dir.path());
    dir
}

/// A temporary copy of the shipped site (`content/` only).
pub fn shipped_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&manifest().join("content"), &dir.path().join("content"));
    dir
}

pub fn options(root: &Path) -> vitrine::Options {
    vitrine::Options {
        root: root.to_path_buf(),
        today: Some(jiff::civil::date(2026, 12, 4)),
        ..Default::default()
    }
}

/// Reads every file of a tree into a map, for comparisons.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Values of `attr="…"` in an HTML text.
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// Checks that every internal `href`/`src` of every HTML page resolves to a
/// file of the output (and its `#fragment` to an id of that file). Returns
/// the broken ones.
pub fn broken_links<B: AsRef<[u8]>>(files: &BTreeMap<String, B>, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes.as_ref());
        for link in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            let link = link.replace("&amp;", "&");
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
            {
                continue;
            }
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let target = target.split('?').next().unwrap_or("").to_string();
            let file = if target.is_empty() {
                path.clone()
            } else {
                let Some(rel) = target.strip_prefix(base_path) else {
                    broken.push(format!(
                        "{path}: {link} (outside the base path {base_path})"
                    ));
                    continue;
                };
                if rel.is_empty() || rel.ends_with('/') {
                    format!("{rel}index.html")
                } else {
                    rel.to_string()
                }
            };
            match files.get(&file) {
                None => broken.push(format!("{path}: {link}")),
                Some(target_bytes) => {
                    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                        let text = String::from_utf8_lossy(target_bytes.as_ref());
                        if !text.contains(&format!("id=\"{f}\"")) {
                            broken.push(format!("{path}: {link} (no id {f})"));
                        }
                    }
                }
            }
        }
    }
    broken
}
