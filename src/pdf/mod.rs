//! The PDF of the printable guide, typeset by Typst embedded as a library.
//!
//! vitrine runs Typst in memory, offline, on nothing but the theme's
//! `typst/` directory (the layout, `guide.typ`, overridable by a département
//! like any template) and two JSON files of data, `guide.json` (the
//! [`Guide`] every edition of the guide is built from, so the PDF and the
//! HTML guide never differ in content) and `textes.json` (the theme's
//! interface strings). Records reach the template as data, never as
//! generated Typst source; their Markdown fields are converted to escaped
//! Typst markup ([`markup`]) that the template evaluates.
//!
//! The guide is typeset part by part, in parallel, then the table of
//! contents and the page furniture, and the pages are assembled into one
//! PDF (the module `assemble` says why, and what the template sees in each
//! pass).
//! Fonts are Typst's embedded ones, parsed once per process.

mod assemble;
pub mod markup;
mod merge;
mod world;

use rayon::prelude::*;
use serde_json::{Value as Json, json};

use crate::diag::Diagnostic;
use crate::guide::Guide;
use crate::model::Site;
use crate::model::config::PartieGuide;
use crate::theme::Theme;
use crate::url::Urls;

use markup::{Link, Options};

/// The theme file the PDF layout starts from, under `typst/`.
pub const MAIN: &str = "guide.typ";

/// Typesets the guide. Errors of the template are located in its file.
pub fn render(
    guide: &Guide,
    site: &Site,
    urls: &Urls,
    theme: &Theme,
    edition: jiff::civil::Date,
) -> Result<Vec<u8>, Diagnostic> {
    if !theme.typst.contains_key(MAIN) {
        return Err(Diagnostic::error(
            "themes",
            format!("gabarit du PDF `typst/{MAIN}` introuvable"),
        ));
    }
    let mut data = data(guide, site, urls);
    // The publisher's logo, when the site's theme supplies `typst/logo.svg`.
    if let Some(logo) = theme.typst.get("logo.svg") {
        data["logo"] = json!(String::from_utf8_lossy(&logo.bytes));
    }
    // The back cover, last: where to find the living guide.
    if let Some(Json::Array(parties)) = data.get_mut("parties") {
        parties.push(json!({ "kind": "dos", "ancre": "dos", "titre": "" }));
    }
    // Set in French typography when the theme was loaded.
    let strings = serde_json::to_vec(&theme.strings).unwrap_or_default();
    assemble::typeset(data, &theme.typst, strings, edition, &guide.titre)
}

/// The guide as the template reads it: the [`Guide`] with, next to each
/// Markdown field, its Typst markup in `typst.<field>` (and `page.typst`);
/// the HTML renderings are left out. Its texts are in French typography
/// already: the guide's own where it is built, the records' in their views.
pub fn data(guide: &Guide, site: &Site, urls: &Urls) -> Json {
    let mut data = serde_json::to_value(guide).unwrap_or(Json::Null);
    let targets = &guide.targets;
    let communes = crate::validate::communes_with_pages(site);
    let resolve = |dest: &str, prefix: Option<&str>| -> Option<Link> {
        if let Some(anchor) = dest.strip_prefix('#') {
            return prefix.map(|p| Link::Label(format!("{p}-{anchor}")));
        }
        let Some(target) = dest.strip_prefix("@/") else {
            let external = ["https://", "http://", "mailto:", "tel:"]
                .iter()
                .any(|s| dest.starts_with(s));
            return external.then(|| Link::Url(dest.to_string()));
        };
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let url = crate::validate::resolve(site, urls, &communes, path)
            .ok()?
            .url;
        if let Some(label) = targets.get(&url) {
            return Some(Link::Label(match anchor {
                Some(a) => format!("{label}-{a}"),
                None => label.clone(),
            }));
        }
        let rel = url.strip_prefix(urls.base_path()).unwrap_or(&url);
        let hash = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        Some(Link::Url(format!("{}{hash}", urls.absolute(rel))))
    };
    let credits = site.territoire_credits.as_deref();
    if let Some(Json::Array(parties)) = data.get_mut("parties") {
        for partie in parties {
            let kind = partie.get("kind").cloned();
            let is_credits = kind == Some(json!(PartieGuide::Credits));
            let prefix = partie["ancre"].as_str().unwrap_or_default().to_string();
            if let Some(page) = partie.get_mut("page").filter(|p| p.is_object()) {
                let link = |d: &str| resolve(d, Some(&prefix));
                let opts = Options {
                    heading_level: 2,
                    label_prefix: Some(&prefix),
                    footnote_prefix: &prefix,
                    link: &link,
                };
                let md = page["markdown"].as_str().unwrap_or_default();
                let mut typst = markup::to_typst(md, &opts);
                if is_credits && let Some(c) = credits {
                    let territoire = format!("{prefix}-territoire");
                    let opts = Options {
                        footnote_prefix: &territoire,
                        ..opts
                    };
                    typst.push_str("\n\n");
                    typst.push_str(&markup::to_typst(c, &opts));
                }
                page["typst"] = json!(typst);
                strip(page);
            }
            // Records, the bulk of the guide, are converted in parallel.
            let mut records: Vec<&mut Json> = Vec::new();
            for (key, value) in partie.as_object_mut().into_iter().flatten() {
                let list = value.as_array_mut().into_iter().flatten();
                match key.as_str() {
                    "groupes" => list
                        .filter_map(|g| g.get_mut("aides").and_then(Json::as_array_mut))
                        .for_each(|aides| records.extend(aides)),
                    "fiches" => records.extend(list),
                    _ => {}
                }
            }
            // The views are in French typography already (`Ctx::record`),
            // and so is the markup made from their Markdown.
            records
                .into_par_iter()
                .for_each(|record| with_markup(record, &resolve));
        }
    }
    data
}

/// Adds `typst.<field>` for each Markdown field of a record's view (the
/// fields the view has HTML for) and drops the HTML. A record is a level 3
/// heading: its text's `##` are level 4, labelled under its anchor.
fn with_markup(view: &mut Json, resolve: &(dyn Fn(&str, Option<&str>) -> Option<Link> + Sync)) {
    let fields: Vec<String> = view
        .get("html")
        .and_then(Json::as_object)
        .map(|h| h.keys().cloned().collect())
        .unwrap_or_default();
    let anchor = view["ancre"].as_str().unwrap_or_default().to_string();
    let link = |d: &str| resolve(d, Some(&anchor));
    let mut typst = serde_json::Map::new();
    for field in fields {
        let notes = format!("{anchor}-{field}");
        let opts = Options {
            heading_level: 4,
            label_prefix: Some(&anchor),
            footnote_prefix: &notes,
            link: &link,
        };
        if let Some(md) = view.get(&field).and_then(Json::as_str) {
            typst.insert(field, json!(markup::to_typst(md, &opts)));
        }
    }
    view["typst"] = Json::Object(typst);
    strip(view);
}

/// Removes what the PDF does not use: HTML renderings, raw page Markdown.
fn strip(view: &mut Json) {
    if let Some(o) = view.as_object_mut() {
        o.remove("html");
        o.remove("markdown");
    }
}
