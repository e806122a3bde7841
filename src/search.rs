//! The search index (feature `search`): one Pagefind record per record and
//! per Markdown page, built from the model rather than by re-reading the
//! rendered HTML, with filters for kind, profession, stage and commune.
//!
//! Pagefind runs as a library, in memory: its files go through the same
//! output as every page (the staging directory of `build`, the memory of
//! `serve`), so the index is swapped in atomically with the pages it
//! describes. Only the files the search needs are kept (no Pagefind UI,
//! no other language).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value as Json;

use crate::deps::Fingerprints;
use crate::diag::Diagnostic;
use crate::model::{Body, Kind, Record, Site};
use crate::url::Urls;

/// Where the bundle goes in the output.
pub const DIR: &str = crate::plan::SEARCH_DIR;

/// One entry of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub url: String,
    pub text: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The string at `path` in the theme's strings (`profession.sage_femme`).
fn string<'a>(strings: &'a Json, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(strings, |v, k| v.get(*k))
        .and_then(Json::as_str)
}

/// Text of an HTML fragment: tags dropped, the common entities decoded.
pub fn text_of_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The entries of the index: every record and every Markdown page but the
/// home page's text, in a stable order.
pub fn entries(site: &Site, urls: &Urls, strings: &Json) -> Vec<Entry> {
    entries_cached(site, urls, strings, None, &mut Memo::new())
        .0
        .into_iter()
        .map(Arc::unwrap_or_clone)
        .collect()
}

/// What an entry is of: a record, a Markdown page (its path), a commune
/// (its INSEE code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Of {
    Record(Kind, String),
    Page(String),
    Commune(String),
}

/// Entries of a previous build, with the fingerprint of what each was
/// made from. Shared, not copied: the dev server's background index reads
/// the same entries the next build may reuse.
pub type Memo = HashMap<Of, (u64, Arc<Entry>)>;

/// [`entries`], taking from `memo` each entry whose fingerprint (with
/// `fps`: a record's with the records it names, a page's own text, the
/// global inputs for each) is the one it was made with, and leaving this
/// build's entries in it: a save in the dev server recomputes one entry,
/// not thousands. Returns the entries and a key of them all that changes
/// when any entry does: the hash of their fingerprints, so an unchanged
/// index is known without hashing its text.
pub fn entries_cached(
    site: &Site,
    urls: &Urls,
    strings: &Json,
    fps: Option<&Fingerprints>,
    memo: &mut Memo,
) -> (Vec<Arc<Entry>>, u64) {
    use std::hash::{Hash, Hasher};
    let input = Input {
        site,
        urls,
        strings,
    };
    let input = &input;
    let mut out = Vec::new();
    let mut next = Memo::new();
    let mut key = std::hash::DefaultHasher::new();
    let mut entry = |of: Of, fp: Option<u64>, make: &mut dyn FnMut() -> Entry| {
        let entry = match (fp, memo.remove(&of)) {
            (Some(fp), Some((old, entry))) if old == fp => entry,
            _ => Arc::new(make()),
        };
        // Without fingerprints (the command line) there is no next build
        // to compare with: nothing is kept, the key is never read.
        if let Some(fp) = fp {
            (&of, fp).hash(&mut key);
            next.insert(of, (fp, Arc::clone(&entry)));
        }
        out.push(entry);
    };
    for kind in Kind::ALL {
        let label = string(strings, &["kinds", kind.dir(), "court"]).unwrap_or(kind.dir());
        for r in input.site.of_kind(kind) {
            let fp = fps.and_then(|f| f.anchor(&crate::guide::anchor(kind, &r.id)));
            entry(Of::Record(kind, r.id.clone()), fp, &mut || {
                record_entry(input, r, label)
            });
        }
    }
    let page_label = string(strings, &["recherche", "type_page"]).unwrap_or("Page");
    for p in &input.site.pages {
        if p.path == "index.md" {
            continue;
        }
        let fp = fps.map(|f| f.with_global(p.version));
        entry(Of::Page(p.path.clone()), fp, &mut || {
            page_entry(input, p, page_label)
        });
    }
    // Communes, found by name and postcode.
    let commune_label = string(strings, &["recherche", "type_commune"]).unwrap_or("Commune");
    for insee in crate::validate::communes_with_pages(input.site) {
        let Some(c) = input.site.communes.get(&insee) else {
            continue;
        };
        let fp = fps.map(|f| f.with_global(0));
        entry(Of::Commune(insee), fp, &mut || {
            commune_entry(input, c, commune_label)
        });
    }
    *memo = next;
    (out, key.finish())
}

fn page_entry(input: &Input, p: &crate::model::Page, label: &str) -> Entry {
    let mut meta = BTreeMap::new();
    meta.insert("title".to_string(), p.meta.titre.clone());
    if let Some(d) = &p.meta.description {
        meta.insert("resume".to_string(), d.clone());
    }
    meta.insert("type".to_string(), label.to_string());
    let mut filters = BTreeMap::new();
    filters.insert("type".to_string(), vec![label.to_string()]);
    Entry {
        url: input.urls.page(&p.path),
        text: format!("{}\n{}", p.meta.titre, text_of_html(&p.html)),
        meta,
        filters,
    }
}

fn commune_entry(input: &Input, c: &crate::model::Commune, label: &str) -> Entry {
    let postcodes = c.codes_postaux.join(", ");
    let mut meta = BTreeMap::new();
    meta.insert("title".to_string(), c.nom.clone());
    meta.insert("resume".to_string(), postcodes);
    meta.insert("type".to_string(), label.to_string());
    let mut filters = BTreeMap::new();
    filters.insert("type".to_string(), vec![label.to_string()]);
    Entry {
        url: input.urls.commune(c),
        text: format!("{}\n{}", c.nom, c.codes_postaux.join("\n")),
        meta,
        filters,
    }
}

/// What the entries are made from.
struct Input<'a> {
    site: &'a Site,
    urls: &'a Urls,
    strings: &'a Json,
}

fn record_entry(input: &Input, r: &Record, kind_label: &str) -> Entry {
    let strings = input.strings;
    let site = input.site;
    let mut text = vec![r.body.title().to_string()];
    let mut meta = BTreeMap::new();
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    meta.insert("title".to_string(), r.body.title().to_string());
    meta.insert("type".to_string(), kind_label.to_string());
    filters.insert("type".to_string(), vec![kind_label.to_string()]);
    let statut = r.body.meta().statut;
    if !crate::facets::in_force(r)
        && let Some(s) = string(strings, &["statut", key_of(&statut).as_str()])
    {
        meta.insert("statut".to_string(), s.to_string());
    }
    let resume = match &*r.body {
        Body::Aide(a) => Some(a.resume.as_str()),
        Body::Atout(a) => Some(a.resume.as_str()),
        Body::Evenement(e) => Some(e.resume.as_str()),
        _ => None,
    };
    if let Some(resume) = resume {
        meta.insert("resume".to_string(), resume.to_string());
        text.push(resume.to_string());
    }
    for html in r.html.values() {
        text.push(text_of_html(html));
    }
    if let Body::Aide(a) = &*r.body {
        let mut professions = Vec::new();
        for p in &a.beneficiaires {
            for table in ["profession", "profession_court", "profession_mots"] {
                if let Some(s) = string(strings, &[table, p.key()]) {
                    text.push(s.to_string());
                }
            }
            if let Some(s) = string(strings, &["profession", p.key()]) {
                professions.push(s.to_string());
            }
        }
        filters.insert("profession".to_string(), professions);
        let stades: Vec<String> = a
            .stade
            .iter()
            .filter_map(|s| string(strings, &["stade", s.key()]).map(str::to_string))
            .collect();
        filters.insert("stade".to_string(), stades);
        for org in std::iter::once(&a.financeur).chain(&a.cofinanceurs) {
            if let Some(Body::Organisation(o)) = site.get(Kind::Organisation, org).map(|r| &*r.body)
            {
                text.push(o.nom.clone());
                if let Some(s) = &o.sigle {
                    text.push(s.clone());
                }
            }
        }
        for c in &a.conditions {
            text.push(c.clone());
        }
        if let Some(t) = &a.montant.texte {
            text.push(t.clone());
        }
    }
    let mut communes = Vec::new();
    for (_, insee) in r.body.communes() {
        if let Some(c) = site.communes.get(insee) {
            text.push(c.nom.clone());
            text.extend(c.codes_postaux.iter().cloned());
            if !communes.contains(&c.nom) {
                communes.push(c.nom.clone());
            }
        }
    }
    if !communes.is_empty() {
        filters.insert("commune".to_string(), communes);
    }
    Entry {
        url: input.urls.record(r.kind, &r.id),
        text: text.join("\n"),
        meta,
        filters,
    }
}

/// The YAML spelling of an enum value.
fn key_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Whether a file of Pagefind's bundle is one the search needs: the API
/// script and its worker, the entry, the French WASM, the index, meta,
/// filter and fragment files; never the UIs or the other languages' WASM.
fn needed(rel: &str) -> bool {
    matches!(
        rel,
        "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json"
    ) || rel.ends_with(".pf_meta")
        || rel == "wasm.fr.pagefind"
        || rel.starts_with("index/")
        || rel.starts_with("fragment/")
        || rel.starts_with("filter/")
}

/// Builds the bundle: `(path in the output, bytes)`, sorted by path, with
/// `threads` threads for Pagefind's parallel parts (the dev server gives
/// one, to leave the other cores to its rebuilds).
pub fn bundle(
    entries: Vec<Arc<Entry>>,
    threads: usize,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        Diagnostic::error(
            "themes",
            format!("index de recherche impossible à produire ({what}) : {e}"),
        )
    };
    // Pagefind splits its work with rayon from inside `block_on`. On the
    // global pool, a worker waiting there may steal another build's search
    // job (concurrent tests, a dev server) and start a second runtime
    // inside the first, which panics; and parking the caller on a plain
    // thread instead can leave no free worker for Pagefind (deadlock). A
    // pool of its own runs nothing but Pagefind's jobs, while the caller's
    // worker goes on with the pool it belongs to.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("pagefind-{i}"))
        .build()
        .map_err(|e| fail("fils d'exécution", &e))?;
    pool.install(|| run_pagefind(entries, &fail))
}

/// Feeds the entries to Pagefind on the current thread and keeps the
/// files the search needs.
fn run_pagefind(
    entries: Vec<Arc<Entry>>,
    fail: &dyn Fn(&str, &dyn std::fmt::Display) -> Diagnostic,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| fail("exécution", &e))?;
    // Pagefind unwraps on some I/O (its working directory, for one): a
    // panic there must be this build's error, not vitrine's crash.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            let options = pagefind::options::PagefindServiceConfig::builder()
                .force_language("fr".to_string())
                .build();
            let mut index = pagefind::api::PagefindIndex::new(Some(options))
                .map_err(|e| fail("réglages", &e))?;
            for e in entries {
                // The only owner but in the dev server, whose memo keeps
                // the entries for its next build.
                let e = Arc::unwrap_or_clone(e);
                index
                    .add_custom_record(
                        e.url,
                        e.text,
                        "fr".to_string(),
                        Some(e.meta),
                        Some(e.filters),
                        None,
                    )
                    .await
                    .map_err(|err| fail("fiche", &err))?;
            }
            index.get_files().await.map_err(|e| fail("fichiers", &e))
        })
    }));
    let files = match built {
        Ok(files) => files?,
        Err(_) => return Err(fail("Pagefind", &"arrêt inattendu")),
    };
    // In memory, Pagefind names its files relative to its bundle.
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| {
            let rel = f
                .filename
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            needed(&rel).then(|| (format!("{DIR}{rel}"), f.contents))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    if !out.iter().any(|(p, _)| p.ends_with("pagefind-entry.json")) {
        return Err(fail("entrée", &"pagefind-entry.json absent du paquet"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            text_of_html("<p>Aide <a href=\"x\">CPAM</a> &amp; ARS</p>").trim(),
            "Aide  CPAM  & ARS"
        );
    }

    #[test]
    fn only_the_files_the_search_needs_are_kept() {
        for kept in [
            "pagefind.js",
            "pagefind-worker.js",
            "pagefind-entry.json",
            "pagefind.fr_1a2b.pf_meta",
            "wasm.fr.pagefind",
            "index/fr_1.pf_index",
            "fragment/fr_2.pf_fragment",
            "filter/fr_3.pf_filter",
        ] {
            assert!(needed(kept), "{kept}");
        }
        for dropped in [
            "pagefind-ui.js",
            "pagefind-ui.css",
            "pagefind-component-ui.js",
            "pagefind-modular-ui.js",
            "pagefind-highlight.js",
            "wasm.unknown.pagefind",
        ] {
            assert!(!needed(dropped), "{dropped}");
        }
    }
}
