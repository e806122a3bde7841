//! The guide typeset in independent passes, assembled into one PDF.
//!
//! One Typst document for the whole guide costs memory in proportion to the
//! guide, several times over: Typst keeps every memoised layout until the
//! compilation ends (about twice the size of the pages themselves), and lays
//! the whole document out a second time as soon as one page asks where it
//! is (a page number, the table of contents, a link checked by `query`).
//! So the guide is typeset in passes that never look at the rest of the
//! document, from the same template (`g.mode` tells which pass it is):
//!
//! 1. one pass per part, or per slice of a long part ([`SLICE`]), in
//!    parallel (`g.mode == "corps"`, `g.parties` holds that part alone).
//!    Nothing in it depends on the rest of the document: links to anchors
//!    are written `link("#anchor")` and resolved at assembly. Typst lays it
//!    out once, and the memoised layouts are dropped as it goes
//!    ([`evicting`]);
//! 2. the table of contents, the parts of kind `sommaire`, once the pages of
//!    the others are known (`g.sommaire`: their headings, with their page);
//! 3. the page furniture (`g.mode == "folios"`): one page per page of the
//!    guide, with only its header and footer, from `g.folios`.
//!
//! The pages are then put together ([`super::merge`]), each under its
//! furniture, their links pointed at pages of the whole guide, and exported
//! once. Each pass starts on a new page; counters (footnote numbers) start
//! again in each.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rayon::prelude::*;
use serde_json::{Map, Value as Json, json};
use typst::foundations::{NativeElement, StyleChain};
use typst::introspection::Introspector;
use typst::model::HeadingElem;
use typst_layout::PagedDocument;

use super::world::Sources;
use crate::diag::Diagnostic;

/// How often memoised layouts no longer used are dropped while passes run.
const EVICTION: Duration = Duration::from_millis(100);

/// Rounds of the table of contents before its page count is taken as is
/// (its page numbers can change its length, which changes them).
const SOMMAIRE_ROUNDS: usize = 4;

/// A part of the guide and what typesetting it gave.
struct Pass {
    /// `{kind, ancre, titre}`: what the furniture and the cover know of it.
    plan: Json,
    /// The part, content included; taken when its pass runs.
    partie: Option<Json>,
    sommaire: bool,
    /// Whether the pass starts its part (not a later slice of it).
    first: bool,
    document: Option<PagedDocument>,
}

/// Most records a pass typesets: a longer part is typeset in slices, so that
/// the passes, of similar sizes, keep every core busy to the end. A slice
/// starts on a new page; the parts of a guide of usual size are one slice.
/// A constant, not a count of cores: the pages must not depend on the
/// machine.
const SLICE: usize = 250;

/// Typesets the guide: `data` is [`super::data`], `strings` `textes.json`.
pub fn typeset(
    data: Json,
    theme: &std::collections::BTreeMap<String, crate::theme::ThemeFile>,
    strings: Vec<u8>,
    edition: jiff::civil::Date,
    title: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let Json::Object(mut top) = data else {
        return Err(Diagnostic::error(
            "themes",
            "données du guide PDF invalides",
        ));
    };
    let mut passes: Vec<Pass> = match top.remove("parties") {
        Some(Json::Array(parties)) => parties.into_iter().flat_map(passes_of).collect(),
        _ => Vec::new(),
    };
    let plan: Vec<Json> = passes
        .iter()
        .filter(|p| p.first)
        .map(|p| p.plan.clone())
        .collect();
    top.insert("plan".into(), Json::Array(plan));
    // Pass `passes.len()` is the furniture.
    let sources = Sources::new(theme, strings, passes.len() + 1, edition)?;
    let result = evicting(|| {
        body(&sources, &top, &mut passes)?;
        sommaire(&sources, &top, &mut passes)?;
        folios(&sources, &top, &passes)
    });
    // Nothing of the layout is needed any more; the pages are reused as is
    // (a frame still shared with the cache would be copied when relinked).
    typst::comemo::evict(0);
    let documents = passes.into_iter().filter_map(|p| p.document).collect();
    let document = super::merge::merge(documents, result?)?;
    let pdf = sources.export(&document, title);
    // Freeing the pages, millions of allocations, is left to a thread of its
    // own: the build goes on meanwhile (if no thread is left, the pages are
    // freed here, the closure dropped with the error).
    let _ = std::thread::Builder::new().spawn(move || {
        drop(document);
        typst::comemo::evict(0);
    });
    pdf
}

/// The passes of a part: one, or one per slice of its records.
fn passes_of(partie: Json) -> Vec<Pass> {
    let field = |k: &str| partie.get(k).cloned().unwrap_or(Json::Null);
    let plan = json!({ "kind": field("kind"), "ancre": field("ancre"), "titre": field("titre") });
    let sommaire = partie.get("kind").and_then(Json::as_str) == Some("sommaire");
    slices(partie)
        .into_iter()
        .enumerate()
        .map(|(i, partie)| Pass {
            plan: plan.clone(),
            partie: Some(partie),
            sommaire,
            first: i == 0,
            document: None,
        })
        .collect()
}

/// A part cut into slices of at most [`SLICE`] records, of even sizes. A
/// later slice has `suite: true` (its part's title is not repeated), and so
/// has a group of aids whose first aids are in the slice before.
fn slices(mut partie: Json) -> Vec<Json> {
    let Some(part) = partie.as_object_mut() else {
        return vec![partie];
    };
    let mut take = |key: &str| match part.remove(key) {
        Some(Json::Array(list)) => list,
        _ => Vec::new(),
    };
    let fiches = take("fiches");
    let groupes = take("groupes");
    let count = |g: &Json| g.get("aides").and_then(Json::as_array).map_or(0, Vec::len);
    let records = fiches.len() + groupes.iter().map(count).sum::<usize>();
    let n = records.div_ceil(SLICE).max(1);
    let size = records.div_ceil(n).max(1);
    let slice_of = |record: usize| (record / size).min(n - 1);
    let mut out: Vec<(Vec<Json>, Vec<Json>)> = (0..n).map(|_| (Vec::new(), Vec::new())).collect();
    for (i, fiche) in fiches.into_iter().enumerate() {
        if let Some((list, _)) = out.get_mut(slice_of(i)) {
            list.push(fiche);
        }
    }
    let mut seen = 0;
    for mut groupe in groupes {
        let aides = match groupe.get_mut("aides").map(Json::take) {
            Some(Json::Array(aides)) => aides,
            _ => Vec::new(),
        };
        // The group's aids by slice, in order; an empty group stays.
        let mut pieces: Vec<(usize, Vec<Json>)> = Vec::new();
        for aide in aides {
            let slice = slice_of(seen);
            seen += 1;
            match pieces.last_mut() {
                Some((s, list)) if *s == slice => list.push(aide),
                _ => pieces.push((slice, vec![aide])),
            }
        }
        if pieces.is_empty() {
            pieces.push((slice_of(seen), Vec::new()));
        }
        for (k, (slice, aides)) in pieces.into_iter().enumerate() {
            let mut piece = groupe.clone();
            set(&mut piece, "suite", json!(k > 0));
            set(&mut piece, "aides", Json::Array(aides));
            if let Some((_, list)) = out.get_mut(slice) {
                list.push(piece);
            }
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, (fiches, groupes))| {
            let mut slice = part.clone();
            slice.insert("suite".into(), json!(i > 0));
            slice.insert("fiches".into(), Json::Array(fiches));
            slice.insert("groupes".into(), Json::Array(groupes));
            Json::Object(slice)
        })
        .collect()
}

/// Sets a field of an object (anything else is left as it is).
fn set(value: &mut Json, key: &str, field: Json) {
    if let Some(object) = value.as_object_mut() {
        object.insert(key.into(), field);
    }
}

/// `guide.json` of a pass: the guide's own fields, `plan`, and `extra`.
fn pass_data(top: &Map<String, Json>, extra: Json) -> Vec<u8> {
    let mut data = top.clone();
    if let Json::Object(extra) = extra {
        data.extend(extra);
    }
    serde_json::to_vec(&Json::Object(data)).unwrap_or_default()
}

/// Runs `f` while memoised layouts that went unused for an interval are
/// dropped: a pass that asks nothing of its document is laid out once, so
/// what it has laid out is never needed again, and memory stays bounded
/// whatever the size of the guide. (A pass that does ask, for footnote
/// numbers, is laid out twice, its second layout without the memo.)
fn evicting<T>(f: impl FnOnce() -> T) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let evictor = std::thread::Builder::new().spawn_scoped(scope, || {
            while !done.load(Ordering::Acquire) {
                std::thread::park_timeout(EVICTION);
                typst::comemo::evict(1);
            }
        });
        // Without a thread (none left?), the guide is typeset all the same.
        let out = f();
        done.store(true, Ordering::Release);
        if let Ok(evictor) = evictor {
            evictor.thread().unpark();
        }
        out
    })
}

/// Phase 1: every part but the tables of contents, in parallel, the
/// largest first (the parts are few and uneven).
fn body(sources: &Sources, top: &Map<String, Json>, passes: &mut [Pass]) -> Result<(), Diagnostic> {
    let parts: Vec<(usize, Json)> = passes
        .iter_mut()
        .enumerate()
        .filter(|(_, p)| !p.sommaire)
        .filter_map(|(i, p)| Some((i, p.partie.take()?)))
        .collect();
    let mut jobs: Vec<(usize, Vec<u8>)> = parts
        .into_par_iter()
        .map(|(i, partie)| {
            let extra =
                json!({ "mode": "corps", "parties": [partie], "sommaire": [], "folios": [] });
            (i, pass_data(top, extra))
        })
        .collect();
    jobs.sort_by_key(|(i, data)| (std::cmp::Reverse(data.len()), *i));
    let mut documents: Vec<(usize, Result<PagedDocument, Diagnostic>)> = jobs
        .into_par_iter()
        .with_max_len(1)
        .map(|(i, data)| (i, sources.compile(i, data)))
        .collect();
    // The first error in reading order is the one reported.
    documents.sort_by_key(|(i, _)| *i);
    for (i, document) in documents {
        passes[i].document = Some(document?);
    }
    Ok(())
}

/// The number of pages of each pass; `guess` for those not typeset yet.
fn counts(passes: &[Pass], guess: &[usize]) -> Vec<usize> {
    passes
        .iter()
        .zip(guess)
        .map(|(p, g)| p.document.as_ref().map_or(*g, |d| d.pages().len()))
        .collect()
}

/// The page before the first page of each pass.
pub(super) fn offsets(counts: &[usize]) -> Vec<usize> {
    counts
        .iter()
        .scan(0, |before, n| {
            let offset = *before;
            *before += n;
            Some(offset)
        })
        .collect()
}

/// Phase 2: the tables of contents, from the headings of the other parts,
/// until their own length no longer moves the pages after them.
fn sommaire(
    sources: &Sources,
    top: &Map<String, Json>,
    passes: &mut [Pass],
) -> Result<(), Diagnostic> {
    if !passes.iter().any(|p| p.sommaire) {
        return Ok(());
    }
    let mut guess = vec![1; passes.len()];
    for _ in 0..SOMMAIRE_ROUNDS {
        let offsets = offsets(&counts(passes, &guess));
        let mut entries = Vec::new();
        for (pass, offset) in passes.iter().zip(&offsets) {
            if let (false, Some(document)) = (pass.sommaire, &pass.document) {
                entries.extend(headings(document, *offset));
            }
        }
        let mut stable = true;
        for (i, pass) in passes.iter_mut().enumerate().filter(|(_, p)| p.sommaire) {
            let partie = pass.partie.clone().unwrap_or(Json::Null);
            let extra =
                json!({ "mode": "corps", "parties": [partie], "sommaire": entries, "folios": [] });
            let document = sources.compile(i, pass_data(top, extra))?;
            stable &= document.pages().len() == guess[i];
            guess[i] = document.pages().len();
            pass.document = Some(document);
        }
        if stable {
            break;
        }
    }
    Ok(())
}

/// The outlined headings of a pass: level, text, label, page in the guide.
fn headings(document: &PagedDocument, offset: usize) -> Vec<Json> {
    let introspector = document.introspector();
    introspector
        .query(&HeadingElem::ELEM.select())
        .iter()
        .filter_map(|elem| {
            let heading = elem.to_packed::<HeadingElem>()?;
            if !heading.outlined.get(StyleChain::default()) {
                return None;
            }
            let page = introspector.position(elem.location()?)?.page.get() + offset;
            Some(json!({
                "niveau": heading.resolve_level(StyleChain::default()).get(),
                "titre": heading.body.plain_text().as_str(),
                "ancre": elem.label().map(|l| l.resolve().to_string()),
                "page": page,
            }))
        })
        .collect()
}

/// Phase 3: the header and footer of every page, typeset apart.
fn folios(
    sources: &Sources,
    top: &Map<String, Json>,
    passes: &[Pass],
) -> Result<PagedDocument, Diagnostic> {
    let counts = counts(passes, &vec![0; passes.len()]);
    let total: usize = counts.iter().sum();
    if total == 0 {
        return Err(Diagnostic::error("themes", "le guide PDF n'a aucune page"));
    }
    let mut folios = Vec::with_capacity(total);
    for (pass, n) in passes.iter().zip(&counts) {
        for page in 0..*n {
            folios.push(json!({
                "numero": folios.len() + 1,
                "total": total,
                "partie": pass.plan,
                "premiere": pass.first && page == 0,
            }));
        }
    }
    let extra = json!({ "mode": "folios", "parties": [], "sommaire": [], "folios": folios });
    let document = sources.compile(passes.len(), pass_data(top, extra))?;
    if document.pages().len() != total {
        return Err(Diagnostic::error(
            sources.main_origin(),
            format!(
                "gabarit PDF : en mode « folios », le gabarit doit produire une page par entrée de `g.folios` ({total} attendues, {} produites)",
                document.pages().len()
            ),
        ));
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &Json, key: &str) -> Vec<u64> {
        list[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["id"].as_u64())
            .collect()
    }

    #[test]
    fn a_long_part_is_cut_into_even_slices_in_order() {
        let fiches: Vec<Json> = (0..600).map(|id| json!({ "id": id })).collect();
        let slices = slices(json!({ "kind": "stages", "fiches": fiches }));
        let sizes: Vec<usize> = slices.iter().map(|s| ids(s, "fiches").len()).collect();
        assert_eq!(sizes, [200, 200, 200]);
        let suite: Vec<bool> = slices.iter().filter_map(|s| s["suite"].as_bool()).collect();
        assert_eq!(suite, [false, true, true]);
        let all: Vec<u64> = slices.iter().flat_map(|s| ids(s, "fiches")).collect();
        assert_eq!(all, (0..600).collect::<Vec<u64>>());
        // A part of usual size is one slice.
        let one = super::slices(json!({ "kind": "stages", "fiches": [{ "id": 1 }] }));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0]["suite"], json!(false));
    }

    #[test]
    fn a_group_of_aids_cut_between_slices_goes_on_without_its_title() {
        let group = |cle: &str, ids: std::ops::Range<u64>| json!({ "cle": cle, "aides": ids.map(|id| json!({ "id": id })).collect::<Vec<_>>() });
        let partie = json!({
            "kind": "aides",
            "groupes": [group("a", 0..100), group("b", 100..260), group("c", 260..300), group("vide", 0..0)],
        });
        let slices = slices(partie);
        assert_eq!(slices.len(), 2);
        let groups = |s: &Json| -> Vec<(String, bool, usize)> {
            s["groupes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|g| {
                    let cle = g["cle"].as_str().unwrap_or_default().to_string();
                    (cle, g["suite"] == json!(true), ids(g, "aides").len())
                })
                .collect()
        };
        let s = |c: &str, suite, n| (c.to_string(), suite, n);
        assert_eq!(groups(&slices[0]), [s("a", false, 100), s("b", false, 50)]);
        assert_eq!(
            groups(&slices[1]),
            [s("b", true, 110), s("c", false, 40), s("vide", false, 0)]
        );
    }
}
