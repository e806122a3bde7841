//! iCalendar (RFC 5545) for events: CRLF line ends, lines folded at 75
//! octets on character boundaries, TEXT values escaped, times in UTC (so
//! no `VTIMEZONE` is needed), a UID stable across builds (`<id>@<host>`)
//! and `DTSTAMP` from the record's `mis_a_jour_le`.

use super::Context;
use crate::model::{Evenement, Kind, Record};

/// One calendar holding `events`, named `name`.
pub fn calendar<'a>(
    ctx: &Context,
    name: &str,
    events: impl Iterator<Item = (&'a Record, &'a Evenement)>,
) -> Vec<u8> {
    let mut out = String::new();
    let c = &ctx.site.config;
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//vitrine//{}//FR", text(&c.departement.nom)),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", text(name)),
    ] {
        push(&mut out, &line);
    }
    for (record, event) in events {
        vevent(ctx, record, event, &mut out);
    }
    push(&mut out, "END:VCALENDAR");
    out.into_bytes()
}

fn vevent(ctx: &Context, record: &Record, e: &Evenement, out: &mut String) {
    let Some(start) = e.debut else {
        return;
    };
    let url = ctx
        .urls
        .absolute(&crate::url::record_path(Kind::Evenement, &record.id));
    let host = ctx.urls.host();
    push(out, "BEGIN:VEVENT");
    push(out, &format!("UID:{}@{host}", record.id));
    push(
        out,
        &format!(
            "DTSTAMP:{}T000000Z",
            e.meta.mis_a_jour_le.strftime("%Y%m%d")
        ),
    );
    push(out, &format!("DTSTART:{}", utc(ctx, start)));
    if let Some(end) = e.fin.filter(|end| *end >= start) {
        push(out, &format!("DTEND:{}", utc(ctx, end)));
    }
    push(out, &format!("SUMMARY:{}", text(&e.titre)));
    let mut description = e.resume.clone();
    if let Some(f) = &e.frequence {
        description.push_str(&format!("\n{f}"));
    }
    description.push_str(&format!("\n{url}"));
    push(out, &format!("DESCRIPTION:{}", text(&description)));
    let commune = e
        .commune_insee
        .as_ref()
        .and_then(|insee| ctx.site.communes.get(insee))
        .map(|c| c.nom.as_str());
    let location: Vec<&str> = [e.lieu.as_deref(), commune].into_iter().flatten().collect();
    if !location.is_empty() {
        push(out, &format!("LOCATION:{}", text(&location.join(", "))));
    }
    push(out, &format!("URL:{url}"));
    if e.meta.statut == crate::model::Statut::Suspendu {
        push(out, "STATUS:TENTATIVE");
    }
    push(out, "END:VEVENT");
}

/// A local time of the département as a UTC DATE-TIME (`20261203T170000Z`).
fn utc(ctx: &Context, t: jiff::civil::DateTime) -> String {
    // A local time skipped or repeated by a clock change is resolved as
    // jiff's `compatible` strategy does (as most calendars do). A time
    // jiff cannot place (beyond its range) stays a floating local time,
    // which RFC 5545 allows, rather than a wrong UTC one.
    match t.to_zoned(ctx.tz.clone()) {
        Ok(z) => z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string(),
        Err(_) => t.strftime("%Y%m%dT%H%M%S").to_string(),
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded so that no line is longer than 75
/// octets (continuation lines start with a space), ended by CRLF.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        push(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
