//! The pages of the passes ([`super::assemble`]) put together into one
//! document: each page under its furniture, every link pointed at a page of
//! the whole guide (Typst resolves a link in the document that has it; the
//! passes are separate documents).
//!
//! - `link("#anchor")`, a link to an anchor of the guide, goes to the element
//!   labelled `anchor`, whichever pass has it (the first, if several do);
//! - a link to a label or location of the pass itself, and a link to a page,
//!   go where they went in the pass, that many pages further;
//! - a link whose target the guide does not have is dropped, its text kept.

use std::collections::HashMap;
use std::num::NonZeroUsize;

use typst::ecow::{EcoString, EcoVec};
use typst::introspection::{Introspector, Location, PagedPosition, Tag};
use typst::layout::{Frame, FrameItem, Point};
use typst::model::{Destination, Document, LinkMarker};
use typst_layout::{Page, PagedDocument};

use super::assemble::offsets;
use crate::diag::Diagnostic;

/// The pages of every pass, in order, under their furniture, their links
/// resolved in the whole guide.
pub fn merge(
    documents: Vec<PagedDocument>,
    folios: PagedDocument,
) -> Result<PagedDocument, Diagnostic> {
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
