//! The in-memory Typst [`World`]s the guide is typeset in.
//!
//! A world holds nothing but the theme's `typst/` files and the data of one
//! pass (see [`super::assemble`]): no file system, no package download
//! (`@preview/…` imports fail), no clock (today is the edition date), so a
//! build is offline and reproducible.
//!
//! Every pass sees the theme under its own directory (`/3/guide.typ` for
//! pass 3): the spans, hence the element locations, of two passes never
//! coincide, so their pages can be put in one document. Paths are interned
//! once, in pass order, before any pass runs: interning is global and the
//! passes run in parallel.

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

/// The data files every pass reads, beside the theme's.
pub const GUIDE: &str = "guide.json";
pub const STRINGS: &str = "textes.json";

/// The theme's Typst files for every pass, and where diagnostics place them.
pub struct Sources {
    /// Parsed sources by file id (each pass has its own ids).
    sources: HashMap<FileId, (Source, String)>,
    /// Every theme file by its name under `typst/`.
    files: HashMap<String, Bytes>,
    /// The interface strings, shared by the passes.
    strings: Bytes,
    today: Datetime,
}

/// The directory of pass `pass` (`/3/`).
fn prefix(pass: usize) -> String {
    format!("/{pass}/")
}

/// The id of a file of the virtual project (`name` without leading slash).
fn id(dir: &str, name: &str) -> Option<FileId> {
    let path = VirtualPath::new(format!("{dir}{name}")).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl Sources {
    /// Reads the theme for `passes` passes; every path they can name is
    /// interned here, in order.
    pub fn new(
        theme: &BTreeMap<String, ThemeFile>,
        strings: Vec<u8>,
        passes: usize,
        edition: jiff::civil::Date,
    ) -> Result<Sources, Diagnostic> {
        let today = Datetime::from_ymd(
            i32::from(edition.year()),
            edition.month() as u8,
            edition.day() as u8,
        )
        .or_else(|| Datetime::from_ymd(2000, 1, 1));
        let Some(today) = today else {
            return Err(Diagnostic::error("themes", "date d'édition invalide"));
        };
        let mut out = Sources {
            sources: HashMap::new(),
            files: HashMap::new(),
            strings: Bytes::new(strings),
            today,
        };
        let mut texts = Vec::new();
        for (name, file) in theme {
            if name.ends_with(".typ") {
                let text = String::from_utf8(file.bytes.clone()).map_err(|_| {
                    Diagnostic::error(&file.origin, "gabarit du PDF non encodé en UTF-8")
                })?;
                texts.push((name, text, &file.origin));
            }
            out.files
                .insert(name.clone(), Bytes::new(file.bytes.clone()));
        }
        let dirs = std::iter::once("/".to_string()).chain((0..passes).map(prefix));
        for dir in dirs {
            for name in [GUIDE, STRINGS] {
                id(&dir, name);
            }
            for name in theme.keys() {
                id(&dir, name);
            }
            for (name, text, origin) in &texts {
                if let Some(fid) = id(&dir, name) {
                    let source = Source::new(fid, text.clone());
                    out.sources.insert(fid, (source, origin.to_string()));
                }
            }
        }
        Ok(out)
    }

    /// The first error as a vitrine diagnostic, at its place in the theme
    /// file; an error inside evaluated markup is placed at the call that
    /// evaluated it.
    pub fn diagnostic(&self, errors: &[SourceDiagnostic]) -> Diagnostic {
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
            None => Diagnostic::error(self.main_origin(), message),
        };
        let hints: Vec<String> = first.hints.iter().map(|h| h.v.to_string()).collect();
        if !hints.is_empty() {
            d = d.help(hints.join(" ; "));
        }
        d
    }

    /// The theme file typesetting starts from, for errors placed nowhere.
    pub fn main_origin(&self) -> String {
        id("/", super::MAIN)
            .and_then(|fid| self.sources.get(&fid))
            .map(|(_, origin)| origin.clone())
            .unwrap_or_else(|| "themes".to_string())
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

    /// Typesets pass `pass` from its `guide.json`.
    pub fn compile(&self, pass: usize, guide: Vec<u8>) -> Result<PagedDocument, Diagnostic> {
        let dir = prefix(pass);
        let Some(main) = id(&dir, super::MAIN) else {
            return Err(Diagnostic::error(
                "themes",
                "chemin du gabarit PDF invalide",
            ));
        };
        let world = PassWorld {
            sources: self,
            dir,
            main,
            guide: Bytes::new(guide),
        };
        typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|errors| self.diagnostic(errors.as_slice()))
    }

    /// Exports the assembled document as PDF.
    pub fn export(&self, document: &PagedDocument, title: &str) -> Result<Vec<u8>, Diagnostic> {
        let options = PdfOptions {
            // Stable identifiers and dates: two builds give the same bytes.
            ident: Smart::Custom(title.to_string()),
            timestamp: Some(Timestamp::new_utc(self.today)),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(document, &options).map_err(|errors| self.diagnostic(errors.as_slice()))
    }
}

/// The world of one pass: the theme under the pass's directory, its data.
struct PassWorld<'a> {
    sources: &'a Sources,
    dir: String,
    main: FileId,
    guide: Bytes,
}

impl PassWorld<'_> {
    /// The name of a file under `typst/` (or of a data file): its path
    /// inside the pass's directory, or from the root.
    fn name(&self, id: FileId) -> FileResult<String> {
        if let VirtualRoot::Package(_) = id.root() {
            // Packages are never downloaded: the PDF must build offline.
            return Err(FileError::AccessDenied);
        }
        let path = format!("/{}", id.vpath().get_without_slash());
        let name = path.strip_prefix(&self.dir).unwrap_or(&path[1..]);
        Ok(name.to_string())
    }
}

impl World for PassWorld<'_> {
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
        if let Some((source, _)) = self.sources.sources.get(&id) {
            return Ok(source.clone());
        }
        Err(FileError::NotFound(self.name(id)?.into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let name = self.name(id)?;
        match name.as_str() {
            GUIDE => Ok(self.guide.clone()),
            STRINGS => Ok(self.sources.strings.clone()),
            _ => match self.sources.files.get(&name) {
                Some(bytes) => Ok(bytes.clone()),
                None => Err(FileError::NotFound(name.into())),
            },
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.sources.today)
    }
}
