//! Markdown to HTML for pages and record fields.
//!
//! Internal links are written `@/pages/x.md`, `@/aides` or `@/aides/<id>`
//! (optionally with `#anchor`); they are resolved through the caller's
//! resolver so a broken one becomes a located error instead of a dead link.
//! Raw HTML is shown as text unless the site allows it, so a record can never
//! inject a script or an event handler into a page.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::model::Heading;

/// A problem found while rendering, as a byte range of the Markdown source.
#[derive(Debug, Clone)]
pub struct Problem {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
    pub warning: bool,
}

/// A link to another page's anchor, checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorLink {
    pub page: String,
    pub anchor: String,
    pub range: Range<usize>,
}

/// A plain link to a page of the site (`/aides/cesp/`, `../zonage/`),
/// checked against every planned output once the plan is known.
#[derive(Debug, Clone)]
pub struct SiteLink {
    /// The site path it resolves to (`aides/cesp/`).
    pub path: String,
    /// As written.
    pub dest: String,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// Shared: a record's HTML goes from the dev server's cache into each
    /// build's model without a copy.
    pub html: std::sync::Arc<str>,
    pub headings: Vec<Heading>,
    pub problems: Vec<Problem>,
    pub anchor_links: Vec<AnchorLink>,
    pub site_links: Vec<SiteLink>,
}

/// What an internal link target resolves to.
pub struct Resolved {
    pub url: String,
    /// The page path when the target is a Markdown page (for anchor checks).
    pub page: Option<String>,
}

pub struct Settings<'a> {
    /// Resolves `@/…` targets (without the `@/` and the anchor).
    pub resolve: &'a dyn Fn(&str) -> Result<Resolved, String>,
    pub allow_html: bool,
    /// Added to every heading level: record fields sit under the record's own
    /// `h2` sections, so their `##` becomes an `h3`.
    pub heading_shift: u8,
    /// Prefix of every id the text defines (headings, footnotes) and of its
    /// local `#x` links, so several texts side by side in one page (the
    /// printable guide) never share an id.
    pub id_prefix: Option<&'a str>,
    /// The site path of the page the text is shown on (`aides/cesp/`),
    /// against which relative links resolve.
    pub here: &'a str,
    /// The address of a site path (`aides/cesp/` → `/guide/aides/cesp/`,
    /// or an anchor in the printable guide).
    pub site_url: &'a dyn Fn(&str) -> String,
}

/// How deep lists, quotes and emphasis may nest in a text. Far beyond what
/// any page needs, well below what Typst accepts (its call depth limit is
/// reached a few hundred levels deep, with an error in the layout file).
pub const MAX_DEPTH: usize = 32;

pub fn render(source: &str, settings: &Settings) -> Rendered {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_SMART_PUNCTUATION);
    let mut out = Rendered::default();
    let mut events: Vec<(Event, Range<usize>)> = Parser::new_ext(source, options)
        .into_offset_iter()
        .collect();

    let mut depth = 0usize;
    let mut too_deep = false;
    for (event, range) in events.iter_mut() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH && !too_deep {
            // Once per text: the PDF's typesetter (and a reader) gives up
            // long before such depths.
            too_deep = true;
            out.problems.push(Problem {
                range: range.clone(),
                message: format!("texte imbriqué trop profondément (plus de {MAX_DEPTH} niveaux de listes ou de citations)"),
                help: "mettez les listes et citations à plat : quelques niveaux suffisent à un lecteur".into(),
                warning: false,
            });
        }
        match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(url) = rewrite_link(dest_url, range, settings, &mut out) {
                    *dest_url = CowStr::from(url);
                }
            }
            Event::FootnoteReference(label) => {
                if let Some(p) = settings.id_prefix {
                    *label = CowStr::from(format!("{p}-{label}"));
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                if let Some(p) = settings.id_prefix {
                    *label = CowStr::from(format!("{p}-{label}"));
                }
            }
            Event::Html(text) | Event::InlineHtml(text) if !settings.allow_html => {
                out.problems.push(Problem {
                    range: range.clone(),
                    message: "HTML brut neutralisé : il est affiché comme du texte".into(),
                    help: "écrivez en Markdown ; le HTML n'est admis que si `html_brut_autorise: true` dans site.yaml".into(),
                    warning: true,
                });
                *event = Event::Text(text.clone());
            }
            _ => {}
        }
    }
    set_heading_ids(&mut events, settings, &mut out);
    let events = footnotes(link_contacts(typography(events)));
    let mut html = String::new();
    html::push_html(
        &mut html,
        events.into_iter().flat_map(|(e, _)| wrap_table(e)),
    );
    out.html = html.into();
    out
}

/// Events with their source ranges, as the passes of [`render`] hand them on.
type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

/// Footnotes as a reader expects them: numbered calls in the text, the
/// notes gathered at the end in the order of their calls, each opening with
/// its number as a link back to its call (pulldown-cmark writes each note
/// where it is defined, its number alone on a line above its text).
fn footnotes(events: Events<'_>) -> Events<'_> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::FootnoteReference(_)))
    {
        return events;
    }
    let id = |label: &str| -> String {
        label
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut notes: Vec<(String, Events)> = Vec::new();
    // Label → its number, in the order of the first calls.
    let mut numbers: std::collections::HashMap<String, usize> = Default::default();
    let mut current: Option<(String, Events, usize)> = None;
    for (event, range) in events {
        if let Some((_, body, depth)) = current.as_mut() {
            match &event {
                Event::Start(Tag::FootnoteDefinition(_)) => *depth += 1,
                Event::End(TagEnd::FootnoteDefinition) if *depth == 0 => {
                    if let Some((label, body, _)) = current.take() {
                        notes.push((label, body));
                    }
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => *depth -= 1,
                _ => {}
            }
            body.push((event, range));
            continue;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                current = Some((label.to_string(), Vec::new(), 0));
            }
            Event::FootnoteReference(label) => {
                let first = !numbers.contains_key(label.as_ref());
                let next = numbers.len() + 1;
                let n = *numbers.entry(label.to_string()).or_insert(next);
                let key = id(&label);
                let anchor = if first {
                    format!(" id=\"appel-{key}\"")
                } else {
                    String::new()
                };
                out.push((
                    Event::InlineHtml(CowStr::from(format!(
                        "<sup class=\"appel-note\"><a href=\"#note-{key}\"{anchor}>{n}</a></sup>"
                    ))),
                    range,
                ));
            }
            e => out.push((e, range)),
        }
    }
    // Notes in the order of their calls; a note never called comes last.
    notes.sort_by_key(|(label, _)| numbers.get(label).copied().unwrap_or(usize::MAX));
    let end = out.last().map(|(_, r)| r.end..r.end).unwrap_or(0..0);
    out.push((
        Event::Html(CowStr::from("<div class=\"notes\"><ol>\n")),
        end.clone(),
    ));
    for (label, body) in notes {
        let key = id(&label);
        let opening = match numbers.get(&label) {
            Some(n) => format!(
                "<li id=\"note-{key}\"><a class=\"note-numero\" href=\"#appel-{key}\">{n}</a>"
            ),
            None => format!("<li id=\"note-{key}\">"),
        };
        out.push((Event::Html(CowStr::from(opening)), end.clone()));
        out.extend(body);
        out.push((Event::Html(CowStr::from("</li>\n")), end.clone()));
    }
    out.push((Event::Html(CowStr::from("</ol></div>\n")), end));
    out
}

/// French typography on the text (never in code): adjacent texts are joined
/// first, so that ` :` is seen where the parser split the line (at `'`
/// or `[`, say).
/// Ends a text run of [`typography`]: set in French typography, pushed.
fn flush<'a>(run: &mut Option<(CowStr<'a>, Range<usize>)>, out: &mut Events<'a>) {
    if let Some((text, range)) = run.take() {
        let text = if crate::typo::needs(&text) {
            CowStr::from(crate::typo::typo(&text))
        } else {
            text
        };
        out.push((Event::Text(text), range));
    }
}

fn typography(events: Events<'_>) -> Events<'_> {
    let mut out: Events = Vec::with_capacity(events.len());
    // The text run being gathered: borrowed while it is one text, then one
    // buffer (joining pairs of texts would copy a paragraph once per
    // apostrophe).
    let mut run: Option<(CowStr, Range<usize>)> = None;
    let mut code = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Text(t) if code == 0 => {
                run = Some(match run.take() {
                    Some((before, r)) => {
                        let mut joined = before.into_string();
                        joined.push_str(&t);
                        (CowStr::from(joined), r.start..range.end)
                    }
                    None => (t, range),
                });
                continue;
            }
            _ => {}
        }
        flush(&mut run, &mut out);
        out.push((event, range));
    }
    flush(&mut run, &mut out);
    out
}

/// A table inside a wrapper that scrolls sideways on a narrow screen, so
/// that cells never split their words; the wrapper takes the keyboard focus
/// (a region that scrolls must be reachable without a mouse).
fn wrap_table(e: Event) -> impl Iterator<Item = Event> {
    let (before, after) = match &e {
        Event::Start(Tag::Table(_)) => (
            Some(Event::Html(CowStr::Borrowed(
                r#"<div class="tableau" tabindex="0" role="group">"#,
            ))),
            None,
        ),
        Event::End(TagEnd::Table) => (None, Some(Event::Html(CowStr::Borrowed("</div>\n")))),
        _ => (None, None),
    };
    before.into_iter().chain(std::iter::once(e)).chain(after)
}

/// Renders trusted Markdown that has no internal links (the territory
/// credits), with headings shifted under the page's own sections.
pub fn render_plain(source: &str) -> String {
    let settings = Settings {
        resolve: &|_| Err(String::new()),
        allow_html: false,
        heading_shift: 1,
        id_prefix: None,
        here: "",
        site_url: &|p| format!("/{p}"),
    };
    render(source, &settings).html.to_string()
}

fn rewrite_link(
    dest: &str,
    range: &Range<usize>,
    settings: &Settings,
    out: &mut Rendered,
) -> Option<String> {
    if !crate::url::link_scheme_allowed(dest) {
        out.problems.push(Problem {
            range: range.clone(),
            message: format!("lien interdit `{dest}`"),
            help: "un lien mène à une page : https://…, mailto:…, tel:… ou @/…".into(),
            warning: false,
        });
        return Some("#".into());
    }
    if let (Some(local), Some(p)) = (dest.strip_prefix('#'), settings.id_prefix) {
        return Some(format!("#{p}-{local}"));
    }
    if let Some(plain) = crate::url::site_path_of(dest, settings.here) {
        return Some(match plain {
            Ok((path, suffix)) => {
                out.site_links.push(SiteLink {
                    path: path.clone(),
                    dest: dest.to_string(),
                    range: range.clone(),
                });
                let url = (settings.site_url)(&path);
                match suffix.strip_prefix('#') {
                    Some(a) if url.starts_with('#') => format!("{url}-{a}"),
                    _ if url.starts_with('#') => url,
                    _ => format!("{url}{suffix}"),
                }
            }
            Err(help) => {
                out.problems.push(Problem {
                    range: range.clone(),
                    message: format!("lien interne cassé `{dest}`"),
                    help,
                    warning: false,
                });
                "#".into()
            }
        });
    }
    let target = dest.strip_prefix("@/")?;
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    match (settings.resolve)(path) {
        Ok(resolved) => {
            if let (Some(page), Some(anchor)) = (&resolved.page, anchor) {
                out.anchor_links.push(AnchorLink {
                    page: page.clone(),
                    anchor: anchor.to_string(),
                    range: range.clone(),
                });
            }
            Some(match anchor {
                // A target that is itself an anchor (a page inside the
                // printable guide) prefixes the ids of its headings.
                Some(a) if resolved.url.starts_with('#') => format!("{}-{}", resolved.url, a),
                Some(a) => format!("{}#{}", resolved.url, a),
                None => resolved.url,
            })
        }
        Err(help) => {
            out.problems.push(Problem {
                range: range.clone(),
                message: format!("lien interne cassé `{dest}`"),
                help,
                warning: false,
            });
            Some("#".into())
        }
    }
}

/// Gives every heading an id from its text (unique within the document),
/// shifts levels, refuses `#` (the page's only `h1` is its title).
fn set_heading_ids(events: &mut [(Event, Range<usize>)], settings: &Settings, out: &mut Rendered) {
    let shift = settings.heading_shift;
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i].0 {
            let level_num = *level as u8;
            if level_num == 1 {
                out.problems.push(Problem {
                    range: events[i].1.clone(),
                    message: "titre de niveau 1 (`#`) dans le texte".into(),
                    help: "le titre de la page vient du champ `titre` ; commencez les intertitres à `##`".into(),
                    warning: false,
                });
            }
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = unique_id(&mut used, &text);
            let new_level = heading_level(level_num.max(2).saturating_add(shift));
            out.headings.push(Heading {
                level: new_level as u8,
                id: id.clone(),
                text,
            });
            if let (Event::Start(Tag::Heading { level, id: hid, .. }), _) = &mut events[i] {
                *level = new_level;
                *hid = Some(CowStr::from(match settings.id_prefix {
                    Some(p) => format!("{p}-{id}"),
                    None => id,
                }));
            }
            if let Some((Event::End(TagEnd::Heading(level)), _)) = events.get_mut(j) {
                *level = new_level;
            }
            i = j;
        }
        i += 1;
    }
}

/// Makes French phone numbers (`01 64 14 77 77`, `01.64.14.77.77`) and
/// email addresses written in text into `tel:` and `mailto:` links, so a
/// reader on a phone can call or write with one tap. Text already inside a
/// link, code or a heading is left alone.
fn link_contacts<'a>(events: Vec<(Event<'a>, Range<usize>)>) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out = Vec::with_capacity(events.len());
    let mut depth = 0usize;
    for (event, range) in events {
        match &event {
            Event::Start(
                Tag::Link { .. } | Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::Image { .. },
            ) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Image) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
        match event {
            Event::Text(text) if depth == 0 => {
                // Most text holds neither a digit nor an `@`: no scan.
                if !text.bytes().any(|b| b == b'@' || b.is_ascii_digit()) {
                    out.push((Event::Text(text), range));
                    continue;
                }
                let pieces = split_contacts(&text);
                if pieces.len() == 1 && pieces[0].1.is_none() {
                    out.push((Event::Text(text), range));
                    continue;
                }
                for (piece, href) in pieces {
                    match href {
                        Some(href) => {
                            let link = Tag::Link {
                                link_type: pulldown_cmark::LinkType::Inline,
                                dest_url: CowStr::from(href),
                                title: CowStr::from(""),
                                id: CowStr::from(""),
                            };
                            out.push((Event::Start(link), range.clone()));
                            out.push((Event::Text(CowStr::from(piece)), range.clone()));
                            out.push((Event::End(TagEnd::Link), range.clone()));
                        }
                        None => out.push((Event::Text(CowStr::from(piece)), range.clone())),
                    }
                }
            }
            other => out.push((other, range)),
        }
    }
    out
}

/// Splits text into pieces, each with the link it should carry, if any.
fn split_contacts(text: &str) -> Vec<(String, Option<String>)> {
    let has_at = text.contains('@');
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut pieces = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let boundary = i == 0 || !chars[i - 1].1.is_alphanumeric();
        let found = if !boundary {
            None
        } else if c.is_ascii_digit() {
            phone_at(text, at).map(|(end, digits)| (end, crate::render::format::tel_href(&digits)))
        } else {
            None
        }
        .or_else(|| {
            has_at
                .then(|| email_at(text, at))
                .flatten()
                .map(|end| (end, format!("mailto:{}", &text[at..end])))
        });
        if let Some((end, href)) = found {
            if plain_start < at {
                pieces.push((text[plain_start..at].to_string(), None));
            }
            pieces.push((text[at..end].to_string(), Some(href)));
            plain_start = end;
            while i < chars.len() && chars[i].0 < end {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    if plain_start < text.len() || pieces.is_empty() {
        pieces.push((text[plain_start..].to_string(), None));
    }
    pieces
}

/// A French ten-digit number starting with 0, in pairs separated by spaces
/// (including no-break ones) or dots: returns its end and its digits.
fn phone_at(text: &str, at: usize) -> Option<(usize, String)> {
    let rest = &text[at..];
    let mut digits = String::new();
    let mut end = at;
    let mut chars = rest.char_indices().peekable();
    for pair in 0..5 {
        if pair > 0 {
            match chars.next() {
                Some((_, ' ' | '.' | '\u{a0}' | '\u{202f}')) => {}
                _ => return None,
            }
        }
        for _ in 0..2 {
            match chars.next() {
                Some((i, c)) if c.is_ascii_digit() => {
                    digits.push(c);
                    end = at + i + 1;
                }
                _ => return None,
            }
        }
    }
    let followed_by_digit = chars.peek().is_some_and(|(_, c)| c.is_ascii_digit());
    (digits.starts_with('0') && !followed_by_digit).then_some((end, digits))
}

/// An email address starting at `at`: returns its end.
fn email_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let local = rest.find(|c: char| !is_local(c))?;
    if local == 0 || !rest[local..].starts_with('@') {
        return None;
    }
    let domain_start = local + 1;
    let domain_len = rest[domain_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(rest.len() - domain_start);
    let domain = rest[domain_start..domain_start + domain_len].trim_end_matches('.');
    (domain.contains('.') && !domain.starts_with('.')).then(|| at + domain_start + domain.len())
}

/// The id of a heading: its slug, made unique within the document. The PDF
/// uses the same function, so an `@/pages/x.md#anchor` means the same
/// heading in the site and in the printed guide.
pub fn unique_id(used: &mut HashSet<String>, text: &str) -> String {
    let base = slug::slugify(text);
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn heading_level(n: u8) -> HeadingLevel {
    match n {
        0 | 1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(target: &str) -> Result<Resolved, String> {
        match target {
            "pages/zonage.md" => Ok(Resolved {
                url: "/guide/zonage/".into(),
                page: Some("zonage.md".into()),
            }),
            "aides/cesp" => Ok(Resolved {
                url: "/guide/aides/cesp/".into(),
                page: None,
            }),
            _ => Err("cible inconnue".into()),
        }
    }

    fn settings() -> Settings<'static> {
        Settings {
            resolve: &resolve,
            allow_html: false,
            heading_shift: 0,
            id_prefix: None,
            here: "aides/cesp/",
            site_url: &|p| format!("/guide/{p}"),
        }
    }

    #[test]
    fn internal_links_are_rewritten_and_checked() {
        let r = render(
            "[z](@/pages/zonage.md#zip) [c](@/aides/cesp) [x](@/aides/nope)",
            &settings(),
        );
        assert!(
            r.html.contains(r#"href="/guide/zonage/#zip""#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"href="/guide/aides/cesp/""#),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].message.contains("@/aides/nope"));
        assert_eq!(r.anchor_links[0].anchor, "zip");
    }

    #[test]
    fn plain_site_links_go_under_the_base_path_and_are_kept_for_checking() {
        let r = render(
            "[a](/aides/cpam/) [b](../../zonage/#zip) [c](../../../x)",
            &settings(),
        );
        assert!(
            r.html.contains(r#"href="/guide/aides/cpam/""#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"href="/guide/zonage/#zip""#),
            "{}",
            r.html
        );
        let paths: Vec<&str> = r.site_links.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["aides/cpam/", "zonage/"]);
        assert_eq!(r.site_links[1].dest, "../../zonage/#zip");
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let r = render(
            "<script>alert(1)</script>\n\n<b onclick=\"x()\">a</b> [x](javascript:alert(1))",
            &settings(),
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<b "), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn headings_get_unique_ids_tables_and_footnotes_work() {
        let r = render(
            "## Zone d'intervention\n\n## Zone d'intervention\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTexte[^1].\n\n[^1]: Source.\n",
            &settings(),
        );
        assert!(
            r.html.contains(r#"<h2 id="zone-d-intervention">"#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<h2 id="zone-d-intervention-1">"#),
            "{}",
            r.html
        );
        // In a wrapper that scrolls, reachable by keyboard.
        assert!(
            r.html
                .contains(r#"<div class="tableau" tabindex="0" role="group"><table>"#)
                && r.html.contains("</table>\n</div>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<table>") && r.html.contains("<th>"),
            "{}",
            r.html
        );
        // The call links to its note at the end, whose number links back.
        let call = r
            .html
            .find("<sup class=\"appel-note\"><a href=\"#note-1\" id=\"appel-1\">1</a></sup>");
        let note = r.html.find(
            "<li id=\"note-1\"><a class=\"note-numero\" href=\"#appel-1\">1</a>\n<p>Source.</p>",
        );
        assert!(
            call.is_some() && note.is_some() && call < note,
            "{}",
            r.html
        );
        assert!(!r.html.contains("footnote-definition"), "{}", r.html);
    }

    #[test]
    fn phone_numbers_and_emails_become_links() {
        let r = render(
            "Standard : 01 64 14 77 77 ou sante@departement77.fr. Code 012345678901 et [lien 01 02 03 04 05](https://x.fr).",
            &settings(),
        );
        assert!(
            r.html
                .contains(r#"<a href="tel:+33164147777">01 64 14 77 77</a>"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<a href="mailto:sante@departement77.fr">sante@departement77.fr</a>."#),
            "{}",
            r.html
        );
        assert!(!r.html.contains("tel:+3312345678901"), "{}", r.html);
        assert_eq!(r.html.matches("<a ").count(), 3, "{}", r.html);
    }

    #[test]
    fn a_level_one_heading_is_an_error_and_shift_applies() {
        let s = Settings {
            heading_shift: 1,
            ..settings()
        };
        let r = render("# Titre\n\n## Sous-titre\n", &s);
        assert_eq!(r.problems.len(), 1);
        assert!(r.html.contains("<h3 id=\"sous-titre\">"), "{}", r.html);
    }
}
