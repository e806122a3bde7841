//! The Atom feed (RFC 4287) of the records, newest check first: one entry
//! per record with its permanent URL as `id`, `mis_a_jour_le` (midnight in
//! the département's time zone) as `updated`, its summary and its kind.

use super::Context;
use crate::model::{Body, Record, Statut};
use crate::render::format::xml_escape;

/// How many records the feed holds: a reader polls it for what changed.
pub const ENTRIES: usize = 50;

/// The records of the feed, newest first (then by kind and id, so equal
/// dates keep one order).
pub fn entries<'a>(ctx: &Context<'a>) -> Vec<&'a Record> {
    let mut all: Vec<&Record> = ctx.site.records.values().flat_map(|m| m.values()).collect();
    all.sort_by(|a, b| {
        b.body
            .meta()
            .mis_a_jour_le
            .cmp(&a.body.meta().mis_a_jour_le)
            .then(a.kind.cmp(&b.kind))
            .then(a.id.cmp(&b.id))
    });
    all.truncate(ENTRIES);
    all
}

/// Midnight of `d` in the département's time zone, in RFC 3339.
fn instant(ctx: &Context, d: jiff::civil::Date) -> String {
    match d.to_zoned(ctx.tz.clone()) {
        Ok(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => format!("{d}T00:00:00Z"),
    }
}

fn summary(body: &Body) -> Option<&str> {
    match body {
        Body::Aide(a) => Some(&a.resume),
        Body::Atout(a) => Some(&a.resume),
        Body::Evenement(e) => Some(&e.resume),
        Body::Logement(_) | Body::Stage(_) | Body::Organisation(_) => None,
    }
}

/// The feed.
pub fn feed(ctx: &Context) -> Vec<u8> {
    let c = &ctx.site.config;
    let urls = ctx.urls;
    let entries = entries(ctx);
    let updated = entries
        .first()
        .map(|r| r.body.meta().mis_a_jour_le)
        .unwrap_or(jiff::civil::Date::constant(2000, 1, 1));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.langue)
    ));
    let home = urls.absolute("");
    for line in [
        format!("  <id>{}</id>", xml_escape(&home)),
        format!("  <title>{}</title>", xml_escape(&c.titre)),
        format!("  <subtitle>{}</subtitle>", xml_escape(&c.description)),
        format!("  <updated>{}</updated>", instant(ctx, updated)),
        format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
            xml_escape(&urls.absolute(super::ATOM_PATH))
        ),
        format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&home)
        ),
        format!(
            "  <author><name>{}</name></author>",
            xml_escape(&c.editeur.nom)
        ),
        format!("  <rights>{}</rights>", xml_escape(&c.licence_donnees.nom)),
        "  <generator>vitrine</generator>".to_string(),
    ] {
        out.push_str(&line);
        out.push('\n');
    }
    for r in entries {
        let url = urls.absolute(&crate::url::record_path(r.kind, &r.id));
        let meta = r.body.meta();
        let mut title = r.body.title().to_string();
        if matches!(meta.statut, Statut::Archive | Statut::Suspendu) {
            let key = if meta.statut == Statut::Archive {
                "archive"
            } else {
                "suspendu"
            };
            title = format!("{title} ({})", ctx.label("statut", key).to_lowercase());
        }
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        out.push_str(&format!("    <title>{}</title>\n", xml_escape(&title)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            instant(ctx, meta.mis_a_jour_le)
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            r.kind.dir(),
            xml_escape(&ctx.label("kinds", r.kind.dir()))
        ));
        if let Some(s) = summary(&r.body) {
            out.push_str(&format!("    <summary>{}</summary>\n", xml_escape(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}
