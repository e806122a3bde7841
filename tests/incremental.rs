//! Rebuilds that reuse the previous build (the dev server's) give exactly
//! the site a fresh build gives, after every kind of change: a record
//! edited, an organisation its aids show, a page, a record added and one
//! removed, a broken file and its fix.

mod common;

use std::path::Path;

use common::*;

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    // A different length, so the file's stamp changes even within one
    // tick of a coarse clock.
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The cached rebuild and a fresh build of the same files are identical.
fn same_as_fresh(root: &Path, cache: &mut vitrine::Cache) -> vitrine::render::Output {
    let opts = options(root);
    let cached = vitrine::build_cached(&opts, cache)
        .unwrap_or_else(|f| panic!("{}", vitrine::diag::render(&f.diags, &f.sources, false)));
    let fresh = vitrine::build(&opts).ok().unwrap();
    let files = |o: &vitrine::render::Output| o.keys().cloned().collect::<Vec<_>>();
    assert_eq!(files(&cached.output), files(&fresh.output));
    for (path, bytes) in &fresh.output {
        assert!(
            cached.output[path] == *bytes,
            "{path} differs between the cached rebuild and a fresh build"
        );
    }
    cached.output
}

fn page(output: &vitrine::render::Output, path: &str) -> String {
    String::from_utf8_lossy(&output[path]).into_owned()
}

#[test]
fn cached_rebuilds_equal_fresh_builds_after_each_change() {
    let site = mini_site();
    let root = site.path();
    let mut cache = vitrine::Cache::default();
    same_as_fresh(root, &mut cache);

    // A record's title: its page, the list, the funder's page, the guide.
    edit(
        root,
        "content/aides/prime-installation.yaml",
        "titre: Percevoir une aide à la première installation",
        "titre: Percevoir la prime de première installation",
    );
    let out = same_as_fresh(root, &mut cache);
    for p in [
        "aides/prime-installation/index.html",
        "aides/index.html",
        "organisations/cpam/index.html",
        "guide/index.html",
    ] {
        assert!(
            page(&out, p).contains("Percevoir la prime de première installation"),
            "{p} kept the old title"
        );
    }

    // An organisation: the aids it funds show its phone number.
    edit(
        root,
        "content/organisations/cpam.yaml",
        "telephone: 36 46",
        "telephone: 01 02 03 04 05",
    );
    same_as_fresh(root, &mut cache);
    // Its acronym, which its aids' cards and search entries name.
    edit(
        root,
        "content/organisations/cpam.yaml",
        "sigle: CPAM",
        "sigle: CPAM 77",
    );
    let out = same_as_fresh(root, &mut cache);
    assert!(page(&out, "aides/index.html").contains("CPAM 77"));

    // A page's text, then its title (which the navigation and home show).
    edit(
        root,
        "content/pages/zonage.md",
        "titre: Le zonage expliqué",
        "titre: Le zonage, expliqué simplement",
    );
    let out = same_as_fresh(root, &mut cache);
    assert!(page(&out, "index.html").contains("Le zonage, expliqué simplement"));

    // A record added, then one removed.
    let aides = root.join("content/aides");
    std::fs::copy(
        aides.join("prime-installation.yaml"),
        aides.join("prime-bis.yaml"),
    )
    .unwrap();
    let out = same_as_fresh(root, &mut cache);
    assert!(out.contains_key("aides/prime-bis/index.html"));
    std::fs::remove_file(aides.join("prime-bis.yaml")).unwrap();
    let out = same_as_fresh(root, &mut cache);
    assert!(!out.contains_key("aides/prime-bis/index.html"));

    // A broken record fails the rebuild; fixed, the next one is right.
    edit(
        root,
        "content/aides/prime-installation.yaml",
        "financeur: cpam",
        "financeur: cpam-inconnue",
    );
    assert!(vitrine::build_cached(&options(root), &mut cache).is_err());
    edit(
        root,
        "content/aides/prime-installation.yaml",
        "financeur: cpam-inconnue",
        "financeur: cpam",
    );
    same_as_fresh(root, &mut cache);
}
