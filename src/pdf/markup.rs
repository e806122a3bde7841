//! Markdown → Typst markup, for the PDF guide.
//!
//! Editors write Markdown; the PDF template receives each Markdown field as
//! Typst markup it evaluates (`eval(s, mode: "markup")`). The markup is built
//! from pulldown-cmark events, never by pasting the editor's text: every
//! character Typst gives a meaning to is escaped, structure is written with
//! function calls (`#strong[…]`, `#list(…)`), so no record can break the
//! document or inject code into it, whatever it contains.
//!
//! French typography is applied to the text on the way ([`typo`]).

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Options as MdOptions, Parser, Tag, TagEnd};

use crate::typo::typo;

/// Where a link of the Markdown goes in the PDF.
pub enum Link {
    /// An anchor of the guide (`aide-cesp`), written `#link("#aide-cesp")`;
    /// linked only if some part of the PDF has that label.
    Label(String),
    /// An address outside the document.
    Url(String),
}

pub struct Options<'a> {
    /// Document level of the text's `##` headings.
    pub heading_level: u8,
    /// Prefix of the labels given to headings (`page-zonage` → the heading
    /// "Zone ZIP" gets `<page-zonage-zone-zip>`, the anchor the HTML guide
    /// uses), and of local `#anchor` links; `None`: headings get no label.
    pub label_prefix: Option<&'a str>,
    /// Prefix of footnote labels (a footnote cited twice is one footnote),
    /// unique in the document.
    pub footnote_prefix: &'a str,
    /// Resolves a link destination as written (`@/aides/x`, `https://…`);
    /// `None` keeps the text without a link.
    pub link: &'a dyn Fn(&str) -> Option<Link>,
}

/// Characters escaped in markup text: every one Typst markup gives a meaning
/// to (alone, doubled or at line start), plus `(` and `.` so that text right
/// after a generated `#call[…]` never continues the call.
const SPECIAL: &[char] = &[
    '\\', '#', '$', '*', '_', '@', '<', '>', '`', '[', ']', '~', '=', '-', '+', '/', '\'', '"',
    ':', '.', '(',
];

/// Escapes text for Typst markup: it reads back exactly as given.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            c if SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            // A line break would start a new markup line (`= `, `- `…).
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Typst string literal (`"a \"b\""`).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn md_options() -> MdOptions {
    let mut md = MdOptions::empty();
    md.insert(MdOptions::ENABLE_TABLES);
    md.insert(MdOptions::ENABLE_FOOTNOTES);
    md.insert(MdOptions::ENABLE_STRIKETHROUGH);
    md.insert(MdOptions::ENABLE_SMART_PUNCTUATION);
    md
}

/// Converts Markdown to Typst markup.
pub fn to_typst(markdown: &str, opts: &Options) -> String {
    // Adjacent texts are joined, so typography sees ` :` even where the
    // parser split the text.
    let mut events: Vec<Event> = Vec::new();
    for e in Parser::new_ext(markdown, md_options()) {
        match (events.last_mut(), e) {
            (Some(Event::Text(prev)), Event::Text(t)) => {
                *prev = format!("{prev}{t}").into();
            }
            (_, e) => events.push(e),
        }
    }
    let mut w = Writer::new(opts);
    w.footnotes = footnote_bodies(&events, opts);
    for e in events {
        w.event(e);
    }
    w.out.trim().to_string()
}

/// Footnote definitions, converted first: Typst puts a footnote's body at
/// its reference.
fn footnote_bodies(events: &[Event], opts: &Options) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(name)) = &events[i] {
            let mut depth = 0;
            let mut j = i + 1;
            while j < events.len() {
                match &events[j] {
                    Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                    Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                    Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let mut w = Writer::new(opts);
            // A reference inside a note's own text (to itself or another
            // note) is written as its mark, not as a footnote: Typst would
            // find the label twice, or a note inside its own body.
            w.in_note = true;
            for e in events[i + 1..j.min(events.len())].iter().cloned() {
                w.event(e);
            }
            out.insert(name.to_string(), w.out.trim().to_string());
            i = j;
        }
        i += 1;
    }
    out
}

/// What an open Markdown element closes with.
enum Open {
    /// Written as is at the end (`]`, `], `…).
    Close(&'static str),
    /// A heading, written once its text is known (for its label).
    Heading { start: usize, level: u8 },
    /// A list or a table: its items or cells are arguments of a call.
    Call,
    /// A code block: its text goes into a string literal.
    Code,
}

struct Writer<'o, 'a> {
    opts: &'o Options<'a>,
    out: String,
    stack: Vec<Open>,
    /// Depth inside footnote definitions and images, which are not written
    /// where they stand.
    skip: usize,
    /// Text of the heading being written, for its id.
    heading_text: String,
    used_ids: HashSet<String>,
    footnotes: HashMap<String, String>,
    /// Footnotes already given.
    cited: HashSet<String>,
    /// Writing a footnote's body.
    in_note: bool,
}

impl<'o, 'a> Writer<'o, 'a> {
    fn new(opts: &'o Options<'a>) -> Self {
        Writer {
            opts,
            out: String::new(),
            stack: Vec::new(),
            skip: 0,
            heading_text: String::new(),
            used_ids: HashSet::new(),
            footnotes: HashMap::new(),
            cited: HashSet::new(),
            in_note: false,
        }
    }

    fn event(&mut self, event: Event) {
        if self.skip > 0 {
            match event {
                Event::Start(Tag::FootnoteDefinition(_) | Tag::Image { .. }) => self.skip += 1,
                Event::End(TagEnd::FootnoteDefinition | TagEnd::Image) => self.skip -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => self.end(),
            Event::Text(t) => {
                if matches!(self.stack.last(), Some(Open::Code)) {
                    let s = string(&t);
                    self.out.push_str(&s[1..s.len() - 1]);
                    return;
                }
                if matches!(self.stack.last(), Some(Open::Heading { .. })) {
                    self.heading_text.push_str(&t);
                }
                self.out.push_str(&escape(&typo(&t)));
            }
            Event::Code(t) => {
                if matches!(self.stack.last(), Some(Open::Heading { .. })) {
                    self.heading_text.push_str(&t);
                }
                self.out.push_str(&format!("#raw({})", string(&t)));
            }
            // Raw HTML is never interpreted: shown as the text it is.
            Event::Html(t) | Event::InlineHtml(t) => self.out.push_str(&escape(&t)),
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self.out.push_str("\n\n#line(length: 100%)\n\n"),
            Event::FootnoteReference(name) if self.in_note => {
                self.out.push_str(&format!("#super[{}]", escape(&name)));
            }
            Event::FootnoteReference(name) => {
                let label = format!(
                    "{}-note-{}",
                    self.opts.footnote_prefix,
                    slug::slugify(&name)
                );
                if self.cited.insert(name.to_string()) {
                    let body = self.footnotes.get(name.as_ref()).cloned();
                    self.out
                        .push_str(&format!("#footnote[{}]<{label}>", body.unwrap_or_default()));
                } else {
                    self.out.push_str(&format!("#footnote(<{label}>)"));
                }
            }
            Event::TaskListMarker(done) => self.out.push_str(if done { "☑ " } else { "☐ " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.out.push_str(&escape(&t)),
        }
    }

    fn open(&mut self, text: &str, close: Open) {
        self.out.push_str(text);
        self.stack.push(close);
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.open("", Open::Close("\n\n")),
            Tag::Heading { level, .. } => {
                self.out.push_str("\n\n");
                self.heading_text.clear();
                let level = (level as u8).max(2) - 2 + self.opts.heading_level;
                let start = self.out.len();
                self.open(
                    "",
                    Open::Heading {
                        start,
                        level: level.min(6),
                    },
                );
            }
            Tag::BlockQuote(_) => self.open("\n\n#quote(block: true)[", Open::Close("]\n\n")),
            Tag::CodeBlock(_) => self.open("\n\n#raw(block: true, \"", Open::Code),
            Tag::List(Some(n)) => self.open(&format!("\n\n#enum(start: {n}, "), Open::Call),
            Tag::List(None) => self.open("\n\n#list(", Open::Call),
            Tag::Item => self.open("[", Open::Close("], ")),
            Tag::FootnoteDefinition(_) | Tag::Image { .. } => self.skip = 1,
            Tag::Table(aligns) => {
                let columns = aligns.len().max(1);
                self.open(&format!("\n\n#table(columns: {columns}, "), Open::Call)
            }
            Tag::TableHead => self.open("table.header(", Open::Close("), ")),
            Tag::TableRow => self.open("", Open::Close("")),
            Tag::TableCell => self.open("[", Open::Close("], ")),
            Tag::Emphasis => self.open("#emph[", Open::Close("]")),
            Tag::Strong => self.open("#strong[", Open::Close("]")),
            Tag::Strikethrough => self.open("#strike[", Open::Close("]")),
            Tag::Link { dest_url, .. } => match (self.opts.link)(&dest_url) {
                // On paper a link's text leads nowhere: an address of
                // another site follows it (`lien`, in the template's scope).
                Some(Link::Url(url)) if url.starts_with("http") => {
                    self.open(&format!("#lien({})[", string(&url)), Open::Close("]"))
                }
                Some(Link::Url(url)) => {
                    self.open(&format!("#link({})[", string(&url)), Open::Close("]"))
                }
                // An anchor of the guide, resolved once every part is
                // typeset (see `super::assemble`); a missing target (a
                // département's own template may leave it out) leaves the
                // text unlinked.
                Some(Link::Label(label)) => self.open(
                    &format!("#link({})[", string(&format!("#{label}"))),
                    Open::Close("]"),
                ),
                None => self.open("", Open::Close("")),
            },
            _ => self.open("", Open::Close("")),
        }
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Open::Close(s)) => self.out.push_str(s),
            Some(Open::Call) => self.out.push_str(")\n\n"),
            Some(Open::Code) => self.out.push_str("\")\n\n"),
            Some(Open::Heading { start, level }) => {
                let body = self.out.split_off(start);
                self.out.push_str(&format!(
                    "#heading(level: {level}, outlined: false, bookmarked: false)[{body}]"
                ));
                if let Some(prefix) = self.opts.label_prefix {
                    let text = std::mem::take(&mut self.heading_text);
                    let id = self.unique_id(&text);
                    self.out.push_str(&format!("<{prefix}-{id}>"));
                }
                self.out.push_str("\n\n");
            }
            None => {}
        }
    }

    /// The id the HTML gives the heading (`markdown::set_heading_ids`), so
    /// `@/pages/zonage.md#zip` finds it in the PDF too.
    fn unique_id(&mut self, text: &str) -> String {
        crate::markdown::unique_id(&mut self.used_ids, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(md: &str) -> String {
        let link = |d: &str| match d {
            "@/aides/cesp" => Some(Link::Label("aide-cesp".into())),
            d if d.starts_with("https://") => Some(Link::Url(d.into())),
            _ => None,
        };
        to_typst(
            md,
            &Options {
                heading_level: 2,
                label_prefix: Some("page-zonage"),
                footnote_prefix: "page-zonage",
                link: &link,
            },
        )
    }

    #[test]
    fn every_special_character_is_escaped() {
        let text = r#"#set $x$ *a* _b_ @r <l> `c` \ [d] ~ = - + / ' " : . ("#;
        let out = escape(text);
        // Each special character is preceded by a backslash (not escaped).
        let mut chars = out.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                assert!(chars.next().is_some_and(|n| SPECIAL.contains(&n)), "{out}");
            } else {
                assert!(!SPECIAL.contains(&c), "{c} unescaped in {out}");
            }
        }
        assert_eq!(escape("a\nb"), "a b");
        assert_eq!(string("a\"b\\c\n"), r#""a\"b\\c\n""#);
    }

    #[test]
    fn markdown_structure_becomes_calls() {
        assert_eq!(convert("**gras** et *it*"), "#strong[gras] et #emph[it]");
        assert_eq!(convert("- un\n- deux\n"), "#list([un], [deux], )");
        assert_eq!(
            convert("[cesp](@/aides/cesp) [x](https://a.fr/x?y=\"z\")"),
            "#link(\"#aide-cesp\")[cesp] #lien(\"https://a.fr/x?y=\\\"z\\\"\")[x]"
        );
        let h = convert("## Zone ZIP\n\n## Zone ZIP\n");
        assert!(h.contains("#heading(level: 2, outlined: false, bookmarked: false)[Zone ZIP]<page-zonage-zone-zip>"), "{h}");
        assert!(h.contains("<page-zonage-zone-zip-1>"), "{h}");
        let t = convert("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(
            t,
            "#table(columns: 2, table.header([a], [b], ), [1], [2], )"
        );
        let f = convert("Texte[^1], encore[^1].\n\n[^1]: Source *sûre*.\n");
        assert_eq!(
            f,
            "Texte#footnote[Source #emph[sûre]\\.]<page-zonage-note-1>, encore#footnote(<page-zonage-note-1>)\\."
        );
        assert_eq!(
            convert("```\n#x \"y\"\n```"),
            "#raw(block: true, \"#x \\\"y\\\"\\n\")"
        );
        assert_eq!(convert("<b>x</b>"), "\\<b\\>x\\<\\/b\\>");
    }
}
