//! `À COMPLÉTER` markers left by `vitrine init` (or by an editor): each is
//! a warning until resolved, so a site never goes online with a template
//! sentence nobody noticed.

use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::init::TO_COMPLETE;
use crate::load::Loaded;

pub fn check(loaded: &Loaded, diags: &mut Diagnostics) {
    let files = loaded
        .config
        .iter()
        .map(|(f, _)| f)
        .chain(loaded.pages.iter().map(|p| &p.file))
        .chain(loaded.records.iter().map(|r| &r.file));
    for file in files {
        let text = &*file.text;
        if !text.contains(TO_COMPLETE) {
            continue;
        }
        let index = LineIndex::new(text);
        for (at, _) in text.match_indices(TO_COMPLETE) {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            // What follows the marker, up to the end of its emphasis or
            // quotes (`**À COMPLÉTER : nom de l'éditeur**.`).
            let rest =
                text[at + TO_COMPLETE.len()..line_end].trim_start_matches([' ', ':', '\u{a0}']);
            let what = rest.find(['*', '"']).map_or(rest, |i| &rest[..i]).trim();
            let mut d = Diagnostic::warning(&file.rel, "à compléter avant la mise en ligne")
                .at(Some(index.span(text, at..at + TO_COMPLETE.len())));
            if !what.is_empty() {
                d = d.help(format!("écrivez ici : {what}"));
            }
            diags.push(d);
        }
    }
}
