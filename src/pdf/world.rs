//! The in-memory Typst [`World`] the guide is typeset in.
//!
//! It holds nothing but the theme's `typst/` files and the data: no file
//! system, no package download (`@preview/…` imports fail), no clock (today
//! is the edition date), so a build is offline and reproducible.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::diag::{Diagnostic, Span};
use crate::theme::ThemeFile;

/// The standard library, built once per process (immutable).
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Typst's embedded fonts, indexed once per process (immutable; each font
/// is parsed on first use and kept).
static FONTS: LazyLock<FontStore> = LazyLock::new(|| {
    let mut store = FontStore::new();
    store.extend(typst_kit::fonts::embedded());
    store
});

/// What the document is made from.
pub struct Files<'a> {
    /// Every file of the theme's `typst/` directory: `guide.typ`, where
    /// typesetting starts, and what it imports or shows (images).
    pub theme: &'a BTreeMap<String, ThemeFile>,
    /// `guide.json`.
    pub guide: Vec<u8>,
    /// `textes.json`.
    pub strings: Vec<u8>,
}

struct GuideWorld {
    main: FileId,
    /// Typst sources of the theme, with the path diagnostics name them by.
    sources: HashMap<FileId, (Source, String)>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

/// The id of a file at the root of the virtual project.
fn id(name: &str) -> Option<FileId> {
    let path = VirtualPath::new(format!("/{name}")).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl World for GuideWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        FONTS.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.sources.get(&id) {
            Some((s, _)) => Ok(s.clone()),
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match self.files.get(&id) {
            Some(b) => Ok(b.clone()),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    match id.root() {
        // Packages are never downloaded: the PDF must build offline.
        VirtualRoot::Package(_) => FileError::AccessDenied,
        VirtualRoot::Project => {
            FileError::NotFound(id.vpath().get_without_slash().to_string().into())
        }
    }
}

/// Typesets the document and exports it as PDF.
pub fn compile(
    files: Files,
    edition: jiff::civil::Date,
    title: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let today = Datetime::from_ymd(
        i32::from(edition.year()),
        edition.month() as u8,
        edition.day() as u8,
    )
    .unwrap_or_else(|| Datetime::from_ymd(2000, 1, 1).expect("valid date"));
    let world = GuideWorld::new(files, today)?;
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| world.diagnostic(errors.as_slice()))?;
    let options = PdfOptions {
        // Stable identifiers and dates: two builds give the same bytes.
        ident: Smart::Custom(title.to_string()),
        timestamp: Some(Timestamp::new_utc(today)),
        ..PdfOptions::default()
    };
    let pdf =
        typst_pdf::pdf(&document, &options).map_err(|errors| world.diagnostic(errors.as_slice()));
    // Typst memoises across compilations (the dev server rebuilds): keep
    // only what recent ones used.
    typst::comemo::evict(10);
    pdf
}

impl GuideWorld {
    fn new(files: Files, today: Datetime) -> Result<GuideWorld, Diagnostic> {
        let main = id(super::MAIN).expect("valid path");
        let mut world = GuideWorld {
            main,
            sources: HashMap::new(),
            files: HashMap::new(),
            today,
        };
        for (name, file) in files.theme {
            let Some(fid) = id(name) else { continue };
            if name.ends_with(".typ") {
                let text = String::from_utf8(file.bytes.clone()).map_err(|_| {
                    Diagnostic::error(&file.origin, "gabarit du PDF non encodé en UTF-8")
                })?;
                world
                    .sources
                    .insert(fid, (Source::new(fid, text), file.origin.clone()));
            }
            world.files.insert(fid, Bytes::new(file.bytes.clone()));
        }
        for (name, bytes) in [("guide.json", files.guide), ("textes.json", files.strings)] {
            if let Some(fid) = id(name) {
                world.files.insert(fid, Bytes::new(bytes));
            }
        }
        Ok(world)
    }

    /// The first error as a vitrine diagnostic, at its place in the theme
    /// file; an error inside evaluated markup is placed at the call that
    /// evaluated it.
    fn diagnostic(&self, errors: &[SourceDiagnostic]) -> Diagnostic {
        let Some(first) = errors.first() else {
            return Diagnostic::error("themes", "erreur du PDF sans message");
        };
        let spans =
            std::iter::once(first.span).chain(first.trace.iter().rev().map(|t| t.span.into()));
        let place = spans.filter_map(|s| self.locate(s)).next();
        let mut message = format!("erreur de gabarit PDF : {}", first.message);
        if errors.len() > 1 {
            message.push_str(&format!(" (et {} autres erreurs)", errors.len() - 1));
        }
        let mut d = match place {
            Some((origin, span)) => Diagnostic::error(origin, message).at(Some(span)),
            None => Diagnostic::error(self.sources[&self.main].1.clone(), message),
        };
        let hints: Vec<String> = first.hints.iter().map(|h| h.v.to_string()).collect();
        if !hints.is_empty() {
            d = d.help(hints.join(" ; "));
        }
        d
    }

    /// The theme file and line/column of a span, if it is in a theme source.
    fn locate(&self, span: DiagSpan) -> Option<(String, Span)> {
        let (id, range): (FileId, Option<Range<usize>>) = match span.get() {
            DiagSpanKind::Detached => return None,
            DiagSpanKind::Number { id, num, sub_range } => {
                let (source, _) = self.sources.get(&id)?;
                (id, source.range(num, sub_range))
            }
            DiagSpanKind::Range { id, range } => (id, Some(range)),
        };
        let (source, origin) = self.sources.get(&id)?;
        Some((origin.clone(), Span::from_range(source.text(), range?)))
    }
}
