//! What the server holds between builds: the last good site, the current
//! error if the latest build failed, and how two good builds differ.

use std::sync::Arc;

use serde::Serialize;

use crate::Failed;
use crate::diag::{self, Diagnostics, Severity};
use crate::render::Output;

/// A build that succeeded, as served. `build` names it for the pages: a page
/// whose build differs from the server's current one is stale.
pub(crate) struct Good {
    pub output: Output,
    pub build: String,
}

/// The latest build failed: the diagnostics as JSON for the overlay, and as
/// the terminal prints them for the error page.
pub(crate) struct Broken {
    pub json: String,
    pub text: String,
}

/// Swapped as a whole under a lock. A failed build sets `broken` and never
/// touches `good`, so the last good site stays served.
#[derive(Default)]
pub(crate) struct State {
    pub good: Option<Arc<Good>>,
    pub broken: Option<Arc<Broken>>,
}

/// How a new good build differs from the one served.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// Byte-identical output: nothing to tell the pages.
    Same,
    /// Only these stylesheets changed (and, in HTML, only their `?v=`): the
    /// pages can swap their stylesheets without reloading.
    Css(Vec<String>),
    /// Only the search index changed (built in the background after a
    /// save): swapped in without reloading.
    Search,
    /// Anything else: the pages reload.
    Full,
}

pub(crate) fn classify(old: &Output, new: &Output) -> Change {
    // The search bundle's files are named by their content: its set of
    // names changes with the index, and alone it reloads no page.
    let is_search = |p: &&String| p.starts_with(crate::plan::SEARCH_DIR);
    let (old_search, new_search): (Vec<_>, Vec<_>) = (
        old.iter().filter(|(p, _)| is_search(p)).collect(),
        new.iter().filter(|(p, _)| is_search(p)).collect(),
    );
    let old_keys = old.keys().filter(|p| !is_search(p));
    let new_keys = new.keys().filter(|p| !is_search(p));
    if old.len() - old_search.len() != new.len() - new_search.len()
        || old_keys.zip(new_keys).any(|(a, b)| a != b)
    {
        return Change::Full;
    }
    let search = old_search != new_search;
    let mut css = Vec::new();
    let mut html_versions_only = false;
    for (path, bytes) in new.iter().filter(|(p, _)| !is_search(p)) {
        let Some(before) = old.get(path) else {
            return Change::Full;
        };
        if before == bytes {
            continue;
        }
        if path.ends_with(".css") {
            css.push(path.clone());
        } else if path.ends_with(".html") && strip_css_versions(before) == strip_css_versions(bytes)
        {
            html_versions_only = true;
        } else {
            return Change::Full;
        }
    }
    match (css.is_empty(), html_versions_only) {
        (true, false) if search => Change::Search,
        (true, false) => Change::Same,
        (true, true) => Change::Full,
        (false, _) => Change::Css(css),
    }
}

/// The HTML without the cache-busting `?v=…` that follows `.css` in asset
/// URLs: a stylesheet edit changes it on every page, and nothing else.
fn strip_css_versions(html: &[u8]) -> Vec<u8> {
    const NEEDLE: &[u8] = b".css?v=";
    let mut out = Vec::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        if html[i..].starts_with(NEEDLE) {
            out.extend_from_slice(b".css");
            i += NEEDLE.len();
            while i < html.len() && html[i].is_ascii_alphanumeric() {
                i += 1;
            }
        } else {
            out.push(html[i]);
            i += 1;
        }
    }
    out
}

#[derive(Serialize)]
struct Payload<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Item<'a>>,
}

/// One diagnostic for the overlay: its fields for the headline, and `text`,
/// exactly what the terminal prints for it (snippet and `aide:` included).
#[derive(Serialize)]
struct Item<'a> {
    severity: Severity,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    location: String,
    field: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
    text: String,
}

impl Broken {
    pub fn new(failed: &Failed) -> Broken {
        let diagnostics = failed
            .diags
            .sorted()
            .into_iter()
            .map(|d| {
                let mut one = Diagnostics::default();
                one.push(d.clone());
                Item {
                    severity: d.severity,
                    file: &d.file,
                    line: d.span.as_ref().map(|s| s.line),
                    column: d.span.as_ref().map(|s| s.column),
                    location: d.location(),
                    field: d.field.as_deref(),
                    message: &d.message,
                    help: d.help.as_deref(),
                    text: diag::render(&one, &failed.sources, false)
                        .trim_end()
                        .to_string(),
                }
            })
            .collect();
        let payload = Payload {
            errors: failed.diags.error_count(),
            warnings: failed.diags.warning_count(),
            diagnostics,
        };
        Broken {
            json: serde_json::to_string(&payload).unwrap_or_else(|_| "{}".into()),
            text: diag::render(&failed.diags, &failed.sources, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        files
            .iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().into()))
            .collect()
    }

    #[test]
    fn a_stylesheet_edit_is_a_css_change() {
        let old = output(&[
            ("assets/vitrine.css", "a{}"),
            ("index.html", "<link href=\"/assets/vitrine.css?v=1a2b\">x"),
        ]);
        let new = output(&[
            ("assets/vitrine.css", "a{color:red}"),
            ("index.html", "<link href=\"/assets/vitrine.css?v=9f8e\">x"),
        ]);
        assert_eq!(
            classify(&old, &new),
            Change::Css(vec!["assets/vitrine.css".into()])
        );
    }

    #[test]
    fn a_new_search_index_alone_reloads_nothing() {
        let old = output(&[
            ("index.html", "x"),
            ("pagefind/fragment/fr_1a.pf_fragment", "a"),
            ("pagefind/pagefind-entry.json", "{1}"),
        ]);
        let new = output(&[
            ("index.html", "x"),
            ("pagefind/fragment/fr_2b.pf_fragment", "b"),
            ("pagefind/fragment/fr_3c.pf_fragment", "c"),
            ("pagefind/pagefind-entry.json", "{2}"),
        ]);
        assert_eq!(classify(&old, &new), Change::Search);
        let page = output(&[
            ("index.html", "y"),
            ("pagefind/fragment/fr_2b.pf_fragment", "b"),
            ("pagefind/pagefind-entry.json", "{2}"),
        ]);
        assert_eq!(classify(&old, &page), Change::Full);
    }

    #[test]
    fn any_other_difference_is_a_full_reload() {
        let old = output(&[("assets/vitrine.css", "a{}"), ("index.html", "x")]);
        assert_eq!(classify(&old, &old.clone()), Change::Same);
        let text = output(&[("assets/vitrine.css", "a{}"), ("index.html", "y")]);
        assert_eq!(classify(&old, &text), Change::Full);
        let both = output(&[("assets/vitrine.css", "b{}"), ("index.html", "y")]);
        assert_eq!(classify(&old, &both), Change::Full);
        let added = output(&[
            ("assets/vitrine.css", "a{}"),
            ("index.html", "x"),
            ("b/index.html", "x"),
        ]);
        assert_eq!(classify(&old, &added), Change::Full);
    }
}
