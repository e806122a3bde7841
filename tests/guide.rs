//! The printable HTML guide: every published aid once, no draft, unique ids,
//! every internal link resolving inside the page.

mod common;

use std::collections::BTreeSet;

use common::*;

fn ids(html: &str) -> Vec<&str> {
    attr_values(html, "id")
}

fn check_guide(output: &vitrine::render::Output, root: &std::path::Path) {
    let html = String::from_utf8_lossy(&output["guide/index.html"]).into_owned();
    let all = ids(&html);
    let unique: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len(), "duplicate ids in the guide");
    for link in attr_values(&html, "href")
        .into_iter()
        .filter(|h| h.starts_with('#'))
    {
        assert!(
            unique.contains(&link[1..]),
            "guide link {link} has no target"
        );
    }
    // Every published or suspended aid exactly once; archived ones in the
    // closed table only; drafts never.
    for entry in std::fs::read_dir(root.join("content/aides")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let anchor = format!("aide-{id}");
        let count = all.iter().filter(|i| **i == anchor).count();
        if text.contains("statut: brouillon") {
            assert_eq!(count, 0, "draft {id} in the guide");
            assert!(
                !html.contains(&format!("/aides/{id}/")),
                "link to draft {id}"
            );
        } else {
            assert_eq!(count, 1, "{id} appears {count} times");
        }
    }
    assert!(html.contains("<h1"), "the cover has the guide's title");
    assert_eq!(html.matches("<h1").count(), 1);
}

#[test]
fn the_fixture_guide_holds_every_published_aid_once() {
    let site = mini_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    check_guide(&built.output, site.path());
    let html = String::from_utf8_lossy(&built.output["guide/index.html"]);
    // Pages are included with prefixed ids; their footnotes still resolve.
    assert!(html.contains("id=\"page-zonage-zip\""), "{html}");
    // Links to content outside the guide become absolute addresses.
    assert!(
        html.contains("href=\"https://exemple.github.io/guide/aides/\""),
        "{html}"
    );
    // Closed schemes are in a table with their end date and replacement.
    let table = &html[html.find("<table>").unwrap()..];
    assert!(
        table.contains("31\u{a0}décembre 2025")
            && table.contains("href=\"#aide-prime-installation\"")
    );
    // The page footer links to the guide.
    assert!(
        String::from_utf8_lossy(&built.output["index.html"]).contains("href=\"/guide/guide/\"")
    );
}

#[test]
fn the_shipped_guide_holds_every_published_aid_once() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    check_guide(&built.output, site.path());
}
