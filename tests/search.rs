//! The search index of the shipped content (feature `search`): one entry
//! per record and per Markdown page, with its filters, and a bundle of
//! only the files the search needs.
#![cfg(feature = "search")]

mod common;

use common::*;

/// The site at `root`, validated, and its index entries.
fn indexed(
    root: &std::path::Path,
    base_url: Option<&str>,
) -> (vitrine::validate::Validated, Vec<vitrine::search::Entry>) {
    let mut diags = vitrine::diag::Diagnostics::default();
    let loaded = vitrine::load::load(root, &mut diags);
    let opts = vitrine::validate::Options {
        drafts: false,
        today: jiff::civil::date(2026, 12, 4),
        base_url: base_url.map(str::to_string),
    };
    let v = vitrine::validate::validate(&loaded, &opts, &mut diags).unwrap();
    let theme = vitrine::theme::load(root, None, "fr", None, &mut diags);
    let entries = vitrine::search::entries(&v.site, &v.urls, &theme.strings);
    (v, entries)
}

#[test]
fn every_record_and_page_is_indexed_once_with_its_filters() {
    let site = shipped_site();
    let (v, entries) = indexed(site.path(), Some("https://example.org/guide-sante/"));
    let records: usize = v.site.records.values().map(|m| m.len()).sum();
    let pages = v.site.pages.iter().filter(|p| p.path != "index.md").count();
    assert_eq!(entries.len(), records + pages + v.site.communes.len());
    let mut urls: Vec<&str> = entries.iter().map(|e| e.url.as_str()).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), entries.len(), "an entry indexed twice");
    assert!(
        urls.iter().all(|u| u.starts_with("/guide-sante/")),
        "{urls:?}"
    );
    // Filters: kind everywhere; profession and stage on aids; commune on
    // the records placed in one.
    assert!(entries.iter().all(|e| e.filters.contains_key("type")));
    let aid = entries
        .iter()
        .find(|e| e.url == "/guide-sante/aides/cpam-infirmiers-aide-installation/")
        .unwrap();
    assert_eq!(aid.filters["profession"], ["Infirmiers et infirmières"]);
    assert!(!aid.filters["stade"].is_empty());
    // Both genders of the profession are in the text.
    assert!(aid.text.contains("infirmière") && aid.text.contains("infirmier"));
    let stage = entries
        .iter()
        .find(|e| e.url == "/guide-sante/stages/msp-universitaire-fontainebleau/")
        .unwrap();
    assert_eq!(stage.filters["commune"], ["Fontainebleau"]);
    assert!(stage.text.contains("77300"), "{}", stage.text);
    // Every commune, by name and postcode.
    let nemours = entries
        .iter()
        .find(|e| e.url == "/guide-sante/communes/nemours/")
        .unwrap();
    assert_eq!(nemours.meta["title"], "Nemours");
    assert!(nemours.text.contains("77140"), "{}", nemours.text);
    assert_eq!(nemours.filters["type"], ["Commune"]);

    // The built bundle: its entry counts every entry; no Pagefind UI.
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let entry: serde_json::Value =
        serde_json::from_slice(&built.output["pagefind/pagefind-entry.json"]).unwrap();
    assert_eq!(
        entry["languages"]["fr"]["page_count"].as_u64(),
        Some(entries.len() as u64)
    );
    let files: Vec<&String> = built
        .output
        .keys()
        .filter(|k| k.starts_with("pagefind/"))
        .collect();
    assert!(files.iter().any(|f| f.starts_with("pagefind/filter/")));
    assert!(
        files
            .iter()
            .any(|f| f.as_str() == "pagefind/wasm.fr.pagefind")
    );
    assert!(
        !files
            .iter()
            .any(|f| f.contains("-ui") || f.contains("unknown")),
        "{files:?}"
    );
    // The search page exists and the home page offers the search box.
    assert!(built.output.contains_key("recherche/index.html"));
    let home = String::from_utf8_lossy(&built.output["index.html"]);
    assert!(home.contains("data-recherche hidden"));
}

#[test]
fn without_the_index_no_search_box_is_offered() {
    let site = shipped_site();
    let opts = vitrine::Options {
        skip_search: true,
        ..options(site.path())
    };
    let built = vitrine::build(&opts).ok().unwrap();
    assert!(!built.output.keys().any(|k| k.starts_with("pagefind/")));
    assert!(!built.output.contains_key("recherche/index.html"));
    for (path, bytes) in built.output.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("data-recherche"), "{path}");
    }
}

/// Indexes built side by side on rayon's global pool (the test harness,
/// a dev server rebuilding while a build runs) each come out whole:
/// Pagefind's own parallelism must neither nest its async runtime in
/// another build's nor wait for workers that are all busy waiting.
#[test]
fn concurrent_indexes_each_come_out_whole() {
    let site = shipped_site();
    let (_, entries) = indexed(site.path(), None);
    let entries: Vec<_> = entries.into_iter().map(std::sync::Arc::new).collect();
    // Each thread hands its index to the pool from outside, as each test
    // (or each dev-server rebuild) does: a worker waiting inside Pagefind
    // may then be handed another thread's index.
    let bundles: Vec<_> = std::thread::scope(|scope| {
        // 32 threads: enough to make the interleaving happen on 2 cores.
        let handles: Vec<_> = (0..32)
            .map(|_| {
                scope.spawn(|| {
                    let (bundle, ()) =
                        rayon::join(|| vitrine::search::bundle(entries.clone(), 2).ok(), || ());
                    bundle.unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(bundles.windows(2).all(|w| w[0] == w[1]));
    assert!(!bundles[0].is_empty());
}
