//! Open data (`/donnees/`), calendars and the Atom feed, on the shipped
//! content and the `mini` fixture (which has a dated event and two
//! supervisors, one who consented to the publication of their name).
//! `tests/opendata/check.sh` validates the same files with frictionless,
//! Python's icalendar and an XML parser.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{mini_site, options, shipped_site};

const KINDS: [&str; 6] = [
    "aides",
    "logements",
    "stages",
    "atouts",
    "organisations",
    "evenements",
];

fn output(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let opts = vitrine::Options {
        skip_pdf: true,
        skip_search: true,
        ..options(root)
    };
    match vitrine::build(&opts) {
        Ok(built) => built
            .output
            .into_iter()
            .map(|(k, v)| (k, v.to_vec()))
            .collect(),
        Err(f) => panic!("build failed: {:?}", f.diags.sorted()),
    }
}

fn text<'a>(out: &'a BTreeMap<String, Vec<u8>>, file: &str) -> &'a str {
    let bytes = out.get(file).unwrap_or_else(|| panic!("{file} missing"));
    std::str::from_utf8(bytes).unwrap()
}

/// The ids of the records of `content/<dir>` that the site shows.
fn shown_ids(root: &Path, dir: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(root.join("content").join(dir)).unwrap() {
        let path = entry.unwrap().path();
        let body = std::fs::read_to_string(&path).unwrap();
        if !body.lines().any(|l| l.trim() == "statut: brouillon") {
            ids.insert(path.file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    ids
}

#[test]
fn each_kind_has_one_row_per_shown_record_in_csv_json_and_a_schema() {
    let site = shipped_site();
    let out = output(site.path());
    for dir in KINDS {
        let expected = shown_ids(site.path(), dir);
        let raw = &out[&format!("donnees/{dir}.csv")];
        assert!(raw.ends_with(b"\r\n"), "{dir}.csv: CRLF at the end");
        let header_end = raw.iter().position(|b| *b == b'\n').unwrap();
        assert_eq!(
            raw[header_end - 1],
            b'\r',
            "{dir}.csv: CRLF after the header"
        );
        let mut reader = csv::Reader::from_reader(raw.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header[0], "id");
        let ids: BTreeSet<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(ids, expected, "{dir}.csv: one row per shown record");
        // Every record ends with CRLF: as many record ends as rows + header.
        let mut rows = 0;
        let mut quoted = false;
        for (i, b) in raw.iter().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => {
                    assert_eq!(raw[i - 1], b'\r', "{dir}.csv: bare LF ending a row");
                    rows += 1;
                }
                _ => {}
            }
        }
        assert_eq!(rows, expected.len() + 1);

        let json: serde_json::Value =
            serde_json::from_slice(&out[&format!("donnees/{dir}.json")]).unwrap();
        let json_ids: BTreeSet<String> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(json_ids, expected, "{dir}.json");

        let schema: serde_json::Value =
            serde_json::from_slice(&out[&format!("donnees/{dir}.schema.json")]).unwrap();
        let fields: Vec<&str> = schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(fields, header, "{dir}: the schema names the CSV's columns");
        assert!(
            schema["fields"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["description"].is_string())
        );
    }
    // Lists of fixed values are joined with `;`, amounts have their column.
    let aides = text(&out, "donnees/aides.csv");
    let mut reader = csv::Reader::from_reader(aides.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let cesp = rows
        .iter()
        .find(|r| &r[0] == "etat-cesp")
        .expect("etat-cesp row");
    assert!(
        cesp[col("beneficiaires")].contains(';'),
        "{:?}",
        &cesp[col("beneficiaires")]
    );
    assert!(
        cesp[col("sources")].starts_with("[{"),
        "sources as a JSON array"
    );
    assert!(rows.iter().any(|r| !r[col("montant_max")].is_empty()));
}

#[test]
fn the_data_package_describes_every_file_with_the_licence() {
    let site = shipped_site();
    let out = output(site.path());
    let package: serde_json::Value =
        serde_json::from_slice(&out["donnees/datapackage.json"]).unwrap();
    let resources = package["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 12);
    for r in resources {
        let path = r["path"].as_str().unwrap();
        assert!(out.contains_key(&format!("donnees/{path}")), "{path}");
        let schema = r["schema"].as_str().unwrap();
        assert!(out.contains_key(&format!("donnees/{schema}")), "{schema}");
    }
    assert_eq!(
        package["licenses"][0]["path"],
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    );
    assert!(package["created"].as_str().unwrap().ends_with("T00:00:00Z"));
    // The sources the records cite are named, once each.
    let aides = &resources[0];
    let sources = aides["sources"].as_array().unwrap();
    assert!(!sources.is_empty());
    let distinct: BTreeSet<String> = sources.iter().map(|s| s.to_string()).collect();
    assert_eq!(distinct.len(), sources.len());

    let page = text(&out, "donnees/index.html");
    for file in [
        "aides.csv",
        "aides.json",
        "aides.schema.json",
        "datapackage.json",
        "evenements.csv",
    ] {
        assert!(
            page.contains(&format!("/donnees/{file}\"")),
            "{file} linked from /donnees/"
        );
    }
    assert!(page.contains("Licence Ouverte"));
    // Reachable from every page (footer) and from the site map.
    assert!(text(&out, "index.html").contains("href=\"/donnees/\""));
    assert!(text(&out, "plan-du-site/index.html").contains("href=\"/donnees/\""));
}

#[test]
fn no_supervisor_name_is_exported_even_with_consent() {
    let site = mini_site();
    let out = output(site.path());
    // The fixture publishes one name on the site, with consent.
    assert!(text(&out, "stages/msp-nemours/index.html").contains("Dr Consentant"));
    let exports: Vec<&String> = out
        .keys()
        .filter(|k| k.starts_with("donnees/") || k.ends_with(".ics") || k.ends_with(".xml"))
        .collect();
    assert!(exports.iter().any(|k| k.as_str() == "donnees/stages.csv"));
    for file in exports {
        let body = String::from_utf8_lossy(&out[file]);
        for name in ["Dr Consentant", "Dr Discret", "consentement"] {
            assert!(!body.contains(name), "{name} in {file}");
        }
    }
}

#[test]
fn a_dated_event_has_a_calendar_file_and_an_add_link() {
    let site = mini_site();
    let out = output(site.path());
    let file = "evenements/journee-installation/journee-installation.ics";
    let ics = text(&out, file);
    for line in ics.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "CRLF: {line:?}");
        assert!(line.len() <= 77, "folded at 75 octets: {line:?}");
    }
    let unfolded = ics.replace("\r\n ", "");
    for needle in [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
        "UID:journee-installation@exemple.github.io\r\n",
        // mis_a_jour_le: 2026-11-15, so two builds are identical.
        "DTSTAMP:20261115T000000Z\r\n",
        // 09:30 and 17:00 in Paris, winter time (UTC+1).
        "DTSTART:20260328T083000Z\r\n",
        "DTEND:20260328T160000Z\r\n",
        "SUMMARY:Journée installation\\, à Melun \\; avec la CPAM\r\n",
        "LOCATION:Salle des fêtes\\, 1 place de la Mairie\\, Melun\r\n",
        "URL:https://exemple.github.io/guide/evenements/journee-installation/\r\n",
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
    ] {
        assert!(unfolded.contains(needle), "{needle:?} in {unfolded}");
    }
    // The undated event has none; the calendar of all events holds the
    // dated one only.
    assert!(
        !out.keys()
            .any(|k| k.starts_with("evenements/soiree/") && k.ends_with(".ics"))
    );
    let agenda = text(&out, "evenements/agenda.ics");
    assert_eq!(agenda.matches("BEGIN:VEVENT").count(), 1);
    let page = text(&out, "evenements/journee-installation/index.html");
    assert!(
        page.contains("href=\"/guide/evenements/journee-installation/journee-installation.ics\"")
    );
    assert!(page.contains("Ajouter à mon agenda"));
    assert!(!text(&out, "evenements/soiree/index.html").contains("Ajouter à mon agenda"));
    assert!(text(&out, "evenements/index.html").contains("href=\"/guide/evenements/agenda.ics\""));
}

#[test]
fn the_atom_feed_has_every_recent_record_with_absolute_links() {
    let site = mini_site();
    let out = output(site.path());
    let feed = text(&out, "atom.xml");
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    let shown: usize = KINDS.iter().map(|d| shown_ids(site.path(), d).len()).sum();
    assert_eq!(entries.len(), shown.min(50));
    let mut previous = String::from("9999");
    for e in &entries {
        assert!(e.contains("<id>https://exemple.github.io/guide/"), "{e}");
        let updated = e
            .split("<updated>")
            .nth(1)
            .unwrap()
            .split("</updated>")
            .next()
            .unwrap();
        assert!(updated <= previous.as_str(), "newest first");
        previous = updated.to_string();
    }
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://exemple.github.io/guide/atom.xml\"/>"));
    assert!(entries[0].contains("<updated>2026-11-15T00:00:00+01:00</updated>"));
    for (file, body) in &out {
        if file.ends_with(".html") {
            let html = String::from_utf8_lossy(body);
            assert!(
                html.contains("<link rel=\"alternate\" type=\"application/atom+xml\""),
                "{file}"
            );
        }
    }
    // The sitemap gives each record's page its check date, and lists and
    // the home page the latest of theirs; a Markdown page without
    // `mis_a_jour_le` gets none rather than a made-up one.
    let sitemap = text(&out, "sitemap.xml");
    let base = "https://exemple.github.io/guide/";
    for line in sitemap.lines().filter(|l| l.contains("<url>")) {
        let loc = line
            .split("<loc>")
            .nth(1)
            .unwrap()
            .split("</loc>")
            .next()
            .unwrap();
        let path = loc.strip_prefix(base).unwrap();
        let kind = path.split('/').next().unwrap();
        let is_record = path.matches('/').count() == 2 && KINDS.contains(&kind);
        if path.is_empty() || is_record {
            assert!(line.contains("<lastmod>"), "{line}");
        }
    }
    assert!(sitemap.contains(
        "<loc>https://exemple.github.io/guide/evenements/journee-installation/</loc><lastmod>2026-11-15</lastmod>"
    ));
}
