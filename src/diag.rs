//! Diagnostics: every problem found in a run, collected and printed together.
//!
//! Editors are not developers, so each diagnostic names the file, the line and
//! column, the field path, and says what would be valid. Stages never stop at
//! the first problem: they push into a [`Diagnostics`] sink and the pipeline
//! decides at the end of a stage whether it can go on.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How serious a diagnostic is. Warnings never fail `build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A byte range in a source file, with the line and column (1-based, in
/// characters) of its start, as editors count them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

impl Span {
    /// Computes line and column for a byte range of `text`.
    pub fn from_range(text: &str, range: Range<usize>) -> Span {
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Span {
            start,
            end,
            line,
            column,
        }
    }

    /// Moves a span found in an embedded text (front matter) to its place in
    /// the whole file.
    pub fn shifted(&self, bytes: usize, lines: usize) -> Span {
        Span {
            start: self.start + bytes,
            end: self.end + bytes,
            line: self.line + lines,
            column: self.column,
        }
    }
}

/// Line starts of a text, so that many spans in one file cost a binary
/// search each instead of a scan from the top of the file.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The same as [`Span::from_range`], in logarithmic time.
    pub fn span(&self, text: &str, range: Range<usize>) -> Span {
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
        let line = self.starts.partition_point(|&s| s <= start).max(1);
        let line_start = self.starts[line - 1];
        let column = text[line_start..start].chars().count() + 1;
        Span {
            start,
            end,
            line,
            column,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem, located in a file.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub span: Option<Span>,
    /// Field path inside the record, e.g. `montant.max` or `sources[1].url`.
    pub field: Option<String>,
    pub message: String,
    /// What would be valid, or how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, message)
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, message)
    }

    fn new(severity: Severity, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            span: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.field = (!field.is_empty()).then_some(field);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, or just the file when the position is unknown.
    pub fn location(&self) -> String {
        match &self.span {
            Some(s) => format!("{}:{}:{}", self.file, s.line, s.column),
            None => self.file.clone(),
        }
    }

    fn sort_key(&self) -> (String, usize, usize, Severity) {
        let (line, col) = self.span.as_ref().map_or((0, 0), |s| (s.line, s.column));
        (self.file.clone(), line, col, self.severity)
    }
}

/// The texts of the files diagnostics point into, so snippets can be shown.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    texts: BTreeMap<String, Arc<str>>,
}

impl Sources {
    pub fn insert(&mut self, file: &str, text: Arc<str>) {
        self.texts.insert(file.to_string(), text);
    }

    pub fn get(&self, file: &str) -> Option<&str> {
        self.texts.get(file).map(|t| &**t)
    }

    /// Keeps only the texts that `diags` point into: a one-shot build
    /// needs no other once its content is checked (the text of a large
    /// site is a tenth of its memory).
    /// `also` names files later diagnostics may point into.
    pub fn keep_cited<'a>(&mut self, diags: &'a Diagnostics, also: impl Iterator<Item = &'a str>) {
        let cited: std::collections::BTreeSet<&str> = diags
            .items
            .iter()
            .map(|d| d.file.as_str())
            .chain(also)
            .collect();
        self.texts.retain(|file, _| cited.contains(file.as_str()));
    }
}

/// The sink every stage writes to.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, line and column, so the output reads top to bottom.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by_key(|d| d.sort_key());
        v
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Renders diagnostics as rustc-style reports (plain text, or with colours
/// when `color` is set), followed by a count line.
pub fn render(diags: &Diagnostics, sources: &Sources, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags.sorted() {
        out.push_str(&render_one(d, sources, &renderer));
        out.push_str("\n\n");
    }
    out
}

fn render_one(d: &Diagnostic, sources: &Sources, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR.with_name("erreur"),
        Severity::Warning => Level::WARNING.with_name("avertissement"),
    };
    let title = match &d.field {
        Some(f) => format!("{} : {}", f, d.message),
        None => d.message.clone(),
    };
    // A file name is shown as text: an escape character in it must not
    // drive the terminal.
    let location = printable(&d.location());
    let file = printable(&d.file);
    let label = d.field.as_deref().map(|f| format!("champ `{f}`"));
    let title = level.primary_title(title.as_str());
    let shown = match (&d.span, sources.get(&d.file)) {
        (Some(span), Some(text)) => Some(tabs_visible(text, span.start..span.end.max(span.start))),
        _ => None,
    };
    let group = match &shown {
        Some((text, range)) => {
            let text = text.as_ref();
            let annotation = AnnotationKind::Primary.span(range.clone());
            let annotation = match &label {
                Some(l) => annotation.label(l.as_str()),
                None => annotation,
            };
            title.element(
                Snippet::source(text)
                    .path(file.as_str())
                    .annotation(annotation),
            )
        }
        _ => title.element(annotate_snippets::Origin::path(location.as_str())),
    };
    let mut report: Vec<Group> = vec![group];
    if let Some(help) = &d.help {
        report.push(Group::with_title(
            Level::HELP.with_name("aide").secondary_title(help.as_str()),
        ));
    }
    renderer.render(&report)
}

/// The text with each tab shown as `→` and the range moved to match: a
/// tab is invisible in a snippet, and it is the most common YAML mistake
/// (a line indented with a tab looks right in the editor).
fn tabs_visible(text: &str, range: Range<usize>) -> (std::borrow::Cow<'_, str>, Range<usize>) {
    if !text.contains('\t') {
        return (std::borrow::Cow::Borrowed(text), range);
    }
    let extra = '→'.len_utf8() - 1;
    let moved = |at: usize| at + extra * text[..at.min(text.len())].matches('\t').count();
    let range = moved(range.start)..moved(range.end);
    (std::borrow::Cow::Owned(text.replace('\t', "→")), range)
}

/// `s` with its control characters escaped (`\u{1b}`).
fn printable(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        s.to_string()
    }
}

/// Path of `path` relative to `root`, with `/` separators, for messages.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The closest candidate to `word` by edit distance, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {

    #[test]
    fn line_index_spans_equal_scanned_spans() {
        let text = "a: 1\nbé: [x, y]\n\n  c: « d »\nfin";
        let index = LineIndex::new(text);
        for start in 0..=text.len() {
            for end in [start, start + 1, start + 3] {
                assert_eq!(
                    index.span(text, start..end),
                    Span::from_range(text, start..end),
                    "{start}..{end}"
                );
            }
        }
    }

    use super::*;

    #[test]
    fn span_counts_lines_and_characters() {
        let text = "a: 1\nété: x\n";
        let pos = text.find('x').unwrap();
        let s = Span::from_range(text, pos..pos + 1);
        assert_eq!((s.line, s.column), (2, 6));
    }

    #[test]
    fn closest_suggests_a_near_key() {
        assert_eq!(closest("tittre", ["titre", "resume"]), Some("titre"));
        assert_eq!(closest("zzzzzz", ["titre", "resume"]), None);
    }

    #[test]
    fn render_names_file_line_field_and_help() {
        let mut sources = Sources::default();
        sources.insert(
            "content/aides/a.yaml",
            Arc::from("titre: x\nmontant: lots\n"),
        );
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error("content/aides/a.yaml", "nombre attendu")
                .at(Some(Span::from_range("titre: x\nmontant: lots\n", 18..22)))
                .field("montant")
                .help("écrivez un nombre, par exemple 10000"),
        );
        let out = render(&diags, &sources, false);
        assert!(out.contains("content/aides/a.yaml:2:10"), "{out}");
        assert!(out.contains("montant : nombre attendu"), "{out}");
        assert!(out.contains("écrivez un nombre"), "{out}");
        assert!(out.contains("^^^^"), "{out}");
    }
    #[test]
    fn tabs_show_in_the_snippet() {
        let text = "titre: x\nmontant:\n\tmax: 3\n";
        let mut sources = Sources::default();
        sources.insert("a.yaml", Arc::from(text));
        let mut diags = Diagnostics::default();
        let at = text.find("max").unwrap_or(0);
        diags.push(
            Diagnostic::error("a.yaml", "tabulation").at(Some(Span::from_range(text, at..at + 3))),
        );
        let out = render(&diags, &sources, false);
        assert!(out.contains("3 | →max: 3"), "{out}");
        assert!(out.contains("  |  ^^^"), "{out}");
    }

    #[test]
    fn keep_cited_keeps_the_texts_diagnostics_show() {
        let text = "titre: x\nmontant: lots\n";
        let mut sources = Sources::default();
        sources.insert("content/aides/a.yaml", Arc::from(text));
        sources.insert("content/aides/b.yaml", Arc::from("titre: y\n"));
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::warning("content/aides/a.yaml", "à revoir")
                .at(Some(Span::from_range(text, 18..22))),
        );
        sources.keep_cited(&diags, std::iter::empty());
        assert_eq!(sources.get("content/aides/a.yaml"), Some(text));
        assert_eq!(sources.get("content/aides/b.yaml"), None);
        // The snippet is still shown.
        assert!(render(&diags, &sources, false).contains("^^^^"));
    }
}
