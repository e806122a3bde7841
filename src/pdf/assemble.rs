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
//! 1. one pass per part, the parts in parallel (`g.mode == "corps"`,
//!    `g.parties` holds that part alone). Nothing in it depends on the rest
//!    of the document: links to anchors are written `link("#anchor")` and
//!    resolved here. Typst lays it out once, and the memoised layouts are
//!    dropped as it goes ([`evicting`]);
//! 2. the table of contents, the parts of kind `sommaire`, once the pages of
//!    the others are known (`g.sommaire`: their headings, with their page);
//! 3. the page furniture (`g.mode == "folios"`): one page per page of the
//!    guide, with only its header and footer, from `g.folios`.
//!
//! The pages are then put together, each under its furniture, their links
//! pointed at pages of the whole guide, and exported once. Each part starts
//! on a new page; counters (footnote numbers) start again in each part.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rayon::prelude::*;
use serde_json::{Map, Value as Json, json};
use typst::ecow::{EcoString, EcoVec};
use typst::foundations::{NativeElement, StyleChain};
use typst::introspection::{Introspector, Location, PagedPosition, Tag};
use typst::layout::{Frame, FrameItem, Point};
use typst::model::{Destination, Document, HeadingElem, LinkMarker};
use typst_layout::{Page, PagedDocument};

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
    document: Option<PagedDocument>,
}

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
        Some(Json::Array(parties)) => parties.into_iter().map(pass).collect(),
        _ => Vec::new(),
    };
    let plan: Vec<Json> = passes.iter().map(|p| p.plan.clone()).collect();
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
    let document = assemble(passes, result?)?;
    let pdf = sources.export(&document, title);
    drop(document);
    typst::comemo::evict(0);
    pdf
}

fn pass(partie: Json) -> Pass {
    let field = |k: &str| partie.get(k).cloned().unwrap_or(Json::Null);
    let plan = json!({ "kind": field("kind"), "ancre": field("ancre"), "titre": field("titre") });
    Pass {
        sommaire: partie.get("kind").and_then(Json::as_str) == Some("sommaire"),
        plan,
        partie: Some(partie),
        document: None,
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
        let evictor = scope.spawn(|| {
            while !done.load(Ordering::Acquire) {
                std::thread::park_timeout(EVICTION);
                typst::comemo::evict(1);
            }
        });
        let out = f();
        done.store(true, Ordering::Release);
        evictor.thread().unpark();
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
fn offsets(counts: &[usize]) -> Vec<usize> {
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
                "premiere": page == 0,
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

/// The pages of every pass, in order, under their furniture, their links
/// resolved in the whole guide.
fn assemble(passes: Vec<Pass>, folios: PagedDocument) -> Result<PagedDocument, Diagnostic> {
    let documents: Vec<PagedDocument> = passes.into_iter().filter_map(|p| p.document).collect();
    let Some(info) = documents.first().map(|d| d.info().clone()) else {
        return Err(Diagnostic::error("themes", "le guide PDF n'a aucune page"));
    };
    let counts: Vec<usize> = documents.iter().map(|d| d.pages().len()).collect();
    let offsets = offsets(&counts);
    // Anchors of the whole guide, the first of a name winning.
    let mut anchors: HashMap<String, PagedPosition> = HashMap::new();
    for (document, offset) in documents.iter().zip(&offsets) {
        let introspector = document.introspector();
        for elem in introspector.query_labelled().iter() {
            let (Some(label), Some(loc)) = (elem.label(), elem.location()) else {
                continue;
            };
            if let Some(pos) = introspector.position(loc).and_then(|p| shift(p, *offset)) {
                anchors.entry(label.resolve().to_string()).or_insert(pos);
            }
        }
    }
    let furniture = pages_of(folios, 0, &anchors);
    let mut pages = Vec::with_capacity(furniture.len());
    for (document, offset) in documents.into_iter().zip(offsets) {
        pages.extend(pages_of(document, offset, &anchors));
    }
    let mut out = EcoVec::with_capacity(pages.len());
    for (i, (mut page, folio)) in pages.into_iter().zip(furniture).enumerate() {
        page.frame.push_frame(Point::zero(), folio.frame);
        page.number = i as u64 + 1;
        out.push(page);
    }
    Ok(PagedDocument::new(out, info))
}

/// The pages of a pass placed `offset` pages into the guide, their links
/// pointed at pages of the guide. The pass is dropped first, so that its
/// frames are no longer shared and are changed in place.
fn pages_of(
    document: PagedDocument,
    offset: usize,
    anchors: &HashMap<String, PagedPosition>,
) -> Vec<Page> {
    let introspector = document.introspector().clone();
    let mut pages: Vec<Page> = document.pages().to_vec();
    drop(document);
    for page in &mut pages {
        let mut locations = Vec::new();
        linked_locations(&page.frame, &mut locations);
        let located = locations
            .into_iter()
            .filter_map(|loc| Some((loc, shift(introspector.position(loc)?, offset)?)))
            .collect();
        let links = Links {
            anchors,
            located,
            offset,
        };
        links.relink(&mut page.frame);
    }
    pages
}

/// A position of a pass placed `offset` pages into the guide.
fn shift(pos: PagedPosition, offset: usize) -> Option<PagedPosition> {
    Some(PagedPosition {
        page: NonZeroUsize::new(pos.page.get() + offset)?,
        point: pos.point,
    })
}

/// Where the links of a page of a pass go in the assembled guide.
struct Links<'a> {
    anchors: &'a HashMap<String, PagedPosition>,
    /// The locations the page links to, placed in the guide.
    located: HashMap<Location, PagedPosition>,
    offset: usize,
}

impl Links<'_> {
    /// Where a link goes; `None` drops the link (its text stays): an anchor
    /// or a location the guide does not have.
    fn resolve(&self, dest: &Destination) -> Option<Destination> {
        match dest {
            Destination::Url(url) => match url.strip_prefix('#') {
                Some(anchor) => self.anchors.get(anchor).copied().map(Destination::Position),
                None => Some(dest.clone()),
            },
            Destination::Location(loc) => self.located.get(loc).copied().map(Destination::Position),
            Destination::Position(pos) => shift(*pos, self.offset).map(Destination::Position),
        }
    }

    /// What a reader of the tagged PDF is told of a link to `#anchor` (Typst
    /// says the URL): the page it goes to, as for any link to a page.
    fn alt(&self, alt: &str) -> Option<Option<EcoString>> {
        let anchor = alt.strip_prefix('#')?;
        let pos = self.anchors.get(anchor);
        Some(pos.map(|p| typst::ecow::eco_format!("Page {}", p.page)))
    }

    /// Rewrites the links of a frame (only the frames on the way to one are
    /// touched, so the others stay shared).
    fn relink(&self, frame: &mut Frame) {
        if !self.changes(frame) {
            return;
        }
        frame.retain(|item| match item {
            FrameItem::Group(group) => {
                self.relink(&mut group.frame);
                true
            }
            FrameItem::Link(dest, _) => match self.resolve(dest) {
                Some(new) => {
                    *dest = new;
                    true
                }
                None => false,
            },
            FrameItem::Tag(Tag::Start(elem, _)) => {
                if let Some(marker) = elem.to_packed_mut::<LinkMarker>()
                    && let Some(alt) = marker.alt.as_deref().and_then(|a| self.alt(a))
                {
                    marker.alt = alt;
                }
                true
            }
            _ => true,
        });
    }

    /// Whether [`Self::relink`] changes something in a frame.
    fn changes(&self, frame: &Frame) -> bool {
        frame.items().any(|(_, item)| match item {
            FrameItem::Group(group) => self.changes(&group.frame),
            FrameItem::Link(Destination::Url(url), _) => url.starts_with('#'),
            FrameItem::Link(Destination::Position(_), _) => self.offset > 0,
            FrameItem::Link(Destination::Location(_), _) => true,
            FrameItem::Tag(Tag::Start(elem, _)) => elem
                .to_packed::<LinkMarker>()
                .and_then(|m| m.alt.as_deref())
                .is_some_and(|a| a.starts_with('#')),
            _ => false,
        })
    }
}

/// The locations a frame links to.
fn linked_locations(frame: &Frame, out: &mut Vec<Location>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => linked_locations(&group.frame, out),
            FrameItem::Link(Destination::Location(loc), _) => out.push(*loc),
            _ => {}
        }
    }
}
