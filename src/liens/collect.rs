//! The external addresses of a site, each with every place it is written.
//!
//! The raw text of every content file is scanned rather than the model's
//! URL fields: an address in a Markdown link, a source, `url_demarche`,
//! `inscription_url`, `site` or a CSV column is found the same way, at its
//! exact line and column, and a field added to the model later is covered
//! without a change here.

use std::collections::BTreeMap;

use crate::diag::{LineIndex, Span};
use crate::load::Loaded;
use crate::load::node::{Node, Value};

/// One place an address is written.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: String,
    pub span: Span,
    pub field: Option<String>,
}

/// Every external address, in order, with its places.
pub fn urls(loaded: &Loaded) -> BTreeMap<String, Vec<Place>> {
    let mut out: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let mut scan = |file: &str, text: &str, node: Option<&Node>| {
        let index = LineIndex::new(text);
        for (start, url) in find_urls(text) {
            let span = index.span(text, start..start + url.len());
            let field = node.and_then(|n| field_at(n, start, ""));
            // The site's own address: maybe not online yet, and not a
            // link a reader follows.
            if field.as_deref() == Some("url_base") {
                continue;
            }
            out.entry(url.to_string()).or_default().push(Place {
                file: file.to_string(),
                span,
                field,
            });
        }
    };
    if let Some((file, node)) = &loaded.config {
        scan(&file.rel, &file.text, Some(node));
    }
    for r in &loaded.records {
        scan(&r.file.rel, &r.file.text, Some(&r.node));
    }
    for p in &loaded.pages {
        scan(&p.file.rel, &p.file.text, Some(&p.front.node));
    }
    for f in loaded.zonage.iter().chain(&loaded.communes) {
        scan(&f.rel, &f.text, None);
    }
    out
}

/// Addresses starting with `http://` or `https://` in `text`, with their
/// byte offset. An address ends at a space, a quote, a bracket closing a
/// Markdown link or autolink, or a comma outside a path (CSV); trailing
/// punctuation of the sentence is not part of it.
pub fn find_urls(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("http") {
        let start = from + i;
        let rest = &text[start..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            from = start + 4;
            continue;
        };
        // Part of a longer word (`xhttp://`): not an address.
        let glued = text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric());
        let mut end = rest
            .find(|c: char| c.is_whitespace() || "\"'<>`|)]".contains(c) || c == ',')
            .unwrap_or(rest.len());
        // `(…)` inside an address (Wikipedia) is kept when balanced.
        while rest[..end].matches('(').count() > rest[..end].matches(')').count()
            && rest[end..].starts_with(')')
        {
            end += 1 + rest[end + 1..]
                .find(|c: char| c.is_whitespace() || "\"'<>`|)]".contains(c) || c == ',')
                .unwrap_or(rest.len() - end - 1);
        }
        let url = rest[..end].trim_end_matches(['.', ';', ':', '!', '?', '*', '_']);
        if !glued && url.len() > scheme + 3 {
            out.push((start, url));
        }
        from = start + end.max(scheme);
    }
    out
}

/// The field path of the innermost node holding `offset`
/// (`sources[1].url`): entries are in file order, so it is the last one
/// starting before the offset (a block scalar's span may stop short of
/// its last line; its start does not).
fn field_at(node: &Node, offset: usize, prefix: &str) -> Option<String> {
    let (path, child) = match &node.value {
        Value::Map(entries) => {
            let (k, v) = entries.iter().rev().find(|(k, _)| k.span.start <= offset)?;
            let path = if prefix.is_empty() {
                k.name.clone()
            } else {
                format!("{prefix}.{}", k.name)
            };
            (path, v)
        }
        Value::Seq(items) => {
            let (i, v) = items
                .iter()
                .enumerate()
                .rev()
                .find(|(_, v)| v.span.start <= offset)?;
            (format!("{prefix}[{i}]"), v)
        }
        _ => return None,
    };
    Some(field_at(child, offset, &path).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_of_an_address_is_named() {
        let text = "titre: x\nsources:\n  - titre: a\n    url: https://a.fr/\n  - titre: b\n    url: https://b.fr/\ndescription: |\n  Voir https://c.fr/.\n";
        let node = crate::load::node::parse(text).unwrap_or_else(|_| Node::empty());
        let fields: Vec<Option<String>> = find_urls(text)
            .into_iter()
            .map(|(at, _)| field_at(&node, at, ""))
            .collect();
        assert_eq!(
            fields,
            [
                Some("sources[0].url".to_string()),
                Some("sources[1].url".to_string()),
                Some("description".to_string())
            ]
        );
    }

    #[test]
    fn addresses_are_found_where_editors_write_them() {
        let text = "url: https://www.ameli.fr/page\n\
                    texte: Voir [ici](https://a.fr/x?y=1), <https://b.fr/>, et https://c.fr/fin.\n\
                    csv: 77001,zip,https://d.fr/arrete.pdf,\n\
                    wiki: https://fr.wikipedia.org/wiki/Melun_(ville) ok\n\
                    pas: xhttps://e.fr/ http:// https://\n";
        let urls: Vec<&str> = find_urls(text).into_iter().map(|(_, u)| u).collect();
        assert_eq!(
            urls,
            [
                "https://www.ameli.fr/page",
                "https://a.fr/x?y=1",
                "https://b.fr/",
                "https://c.fr/fin",
                "https://d.fr/arrete.pdf",
                "https://fr.wikipedia.org/wiki/Melun_(ville)",
            ]
        );
    }
}
