//! Feeds: the events as iCalendar files (one per event, one for all) and
//! the records as an Atom feed. Both are written by hand rather than with
//! the `icalendar`, `atom_syndication` or `rss` crates: those stamp the
//! current time or a random UID when a field is missing (two builds would
//! differ) and bring chrono, while every date here comes from the records
//! (`mis_a_jour_le`) so builds stay byte-identical.

pub mod atom;
pub mod ics;

use crate::model::{Body, Evenement, Kind, Record, Site};
use crate::url::Urls;

/// The Atom feed.
pub const ATOM_PATH: &str = "atom.xml";

/// The calendar of every dated event.
pub fn agenda_path() -> String {
    format!("{}agenda.ics", crate::url::list_path(Kind::Evenement))
}

/// The calendar of one event, in its page's folder.
pub fn event_path(id: &str) -> String {
    format!("{}{id}.ics", crate::url::record_path(Kind::Evenement, id))
}

/// The events that get a calendar entry: those with a start date.
pub fn dated_events(site: &Site) -> impl Iterator<Item = (&Record, &Evenement)> {
    site.of_kind(Kind::Evenement).filter_map(dated)
}

/// The event `r`, when it has a start date.
pub fn dated(r: &Record) -> Option<(&Record, &Evenement)> {
    match &*r.body {
        Body::Evenement(e) if e.debut.is_some() => Some((r, e.as_ref())),
        _ => None,
    }
}

/// Whether a record has a calendar file of its own.
pub fn has_calendar(r: &Record) -> bool {
    dated(r).is_some()
}

/// The time zone of the département's clocks, by its code: the events'
/// times are written as local times there.
pub fn time_zone(code: &str) -> jiff::tz::TimeZone {
    let name = match code {
        "971" | "977" | "978" => "America/Guadeloupe",
        "972" => "America/Martinique",
        "973" => "America/Cayenne",
        "974" => "Indian/Reunion",
        "975" => "America/Miquelon",
        "976" => "Indian/Mayotte",
        _ => "Europe/Paris",
    };
    jiff::tz::TimeZone::get(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// What the feeds need besides the site.
pub struct Context<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls,
    /// The theme's interface strings (kinds' and statuses' labels).
    pub strings: &'a serde_json::Value,
    pub tz: jiff::tz::TimeZone,
}

impl Context<'_> {
    /// A label of the theme's strings (`statut.archive`), or the key.
    fn label(&self, group: &str, key: &str) -> String {
        Self::label_of(self.strings.get(group), key)
    }

    /// `key`'s label in a group of the theme's strings: its text, or the
    /// `court` of a kind (`kinds.evenements.court`), or the key itself.
    pub fn label_of(group: Option<&serde_json::Value>, key: &str) -> String {
        group
            .and_then(|g| g.get(key))
            .and_then(|v| {
                v.as_str()
                    .or_else(|| v.get("court").and_then(|c| c.as_str()))
            })
            .unwrap_or(key)
            .to_string()
    }
}
