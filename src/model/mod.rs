//! The typed model of a site: records, pages, communes, settings.
//!
//! Field doc comments in this module are written in French on purpose: they
//! become the JSON Schema descriptions that editors read in diagnostics, in
//! their editor's YAML completion and in `docs/champs.md`.

pub mod aide;
pub mod atout;
pub mod common;
pub mod config;
pub mod evenement;
pub mod logement;
pub mod organisation;
pub mod page;
pub mod stage;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::load::node::Node;
pub use aide::{Aide, ClasseZonage};
pub use atout::Atout;
pub use common::{Meta, Profession, Statut};
pub use config::SiteConfig;
pub use evenement::Evenement;
pub use logement::Logement;
pub use organisation::Organisation;
pub use page::PageMeta;
pub use stage::Stage;

/// The kinds of record, one directory of `content/` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Aide,
    Logement,
    Stage,
    Atout,
    Organisation,
    Evenement,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Aide,
        Kind::Logement,
        Kind::Stage,
        Kind::Atout,
        Kind::Organisation,
        Kind::Evenement,
    ];

    /// The directory under `content/`, which is also the URL segment.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Aide => "aides",
            Kind::Logement => "logements",
            Kind::Stage => "stages",
            Kind::Atout => "atouts",
            Kind::Organisation => "organisations",
            Kind::Evenement => "evenements",
        }
    }

    pub fn from_dir(dir: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.dir() == dir)
    }

    /// The singular key used for template names and translations.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Aide => "aide",
            Kind::Logement => "logement",
            Kind::Stage => "stage",
            Kind::Atout => "atout",
            Kind::Organisation => "organisation",
            Kind::Evenement => "evenement",
        }
    }

    /// The template of this kind's record pages.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Aide => "aide.html",
            Kind::Logement => "logement.html",
            Kind::Stage => "stage.html",
            Kind::Atout => "atout.html",
            Kind::Organisation => "organisation.html",
            Kind::Evenement => "evenement.html",
        }
    }

    /// The JSON Schema of this kind's YAML files.
    pub fn schema(self) -> schemars::Schema {
        match self {
            Kind::Aide => schemars::schema_for!(Aide),
            Kind::Logement => schemars::schema_for!(Logement),
            Kind::Stage => schemars::schema_for!(Stage),
            Kind::Atout => schemars::schema_for!(Atout),
            Kind::Organisation => schemars::schema_for!(Organisation),
            Kind::Evenement => schemars::schema_for!(Evenement),
        }
    }
}

/// The typed content of a record.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Body {
    Aide(Box<Aide>),
    Logement(Box<Logement>),
    Stage(Box<Stage>),
    Atout(Box<Atout>),
    Organisation(Box<Organisation>),
    Evenement(Box<Evenement>),
}

impl Body {
    /// Deserializes a schema-checked JSON value into the kind's type.
    pub fn from_json(kind: Kind, value: serde_json::Value) -> Result<Body, serde_json::Error> {
        Ok(match kind {
            Kind::Aide => Body::Aide(Box::new(serde_json::from_value(value)?)),
            Kind::Logement => Body::Logement(Box::new(serde_json::from_value(value)?)),
            Kind::Stage => Body::Stage(Box::new(serde_json::from_value(value)?)),
            Kind::Atout => Body::Atout(Box::new(serde_json::from_value(value)?)),
            Kind::Organisation => Body::Organisation(Box::new(serde_json::from_value(value)?)),
            Kind::Evenement => Body::Evenement(Box::new(serde_json::from_value(value)?)),
        })
    }

    pub fn meta(&self) -> &Meta {
        match self {
            Body::Aide(r) => &r.meta,
            Body::Logement(r) => &r.meta,
            Body::Stage(r) => &r.meta,
            Body::Atout(r) => &r.meta,
            Body::Organisation(r) => &r.meta,
            Body::Evenement(r) => &r.meta,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Body::Aide(r) => &r.titre,
            Body::Logement(r) => &r.nom,
            Body::Stage(r) => &r.nom,
            Body::Atout(r) => &r.titre,
            Body::Organisation(r) => &r.nom,
            Body::Evenement(r) => &r.titre,
        }
    }

    /// Markdown fields of the record, by field name, for rendering and link checks.
    pub fn markdown_fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields: Vec<(&'static str, &Option<String>)> = match self {
            Body::Aide(r) => vec![
                ("description", &r.description),
                ("comment_candidater", &r.comment_candidater),
            ],
            Body::Logement(r) => vec![("description", &r.description)],
            Body::Stage(r) => vec![("description", &r.description)],
            Body::Atout(r) => vec![("description", &r.description)],
            Body::Organisation(r) => vec![("description", &r.description)],
            Body::Evenement(r) => vec![("description", &r.description)],
        };
        fields.push(("avertissement", &self.meta().avertissement));
        fields
            .into_iter()
            .filter_map(|(name, v)| v.as_deref().map(|t| (name, t)))
            .collect()
    }

    /// Communes (INSEE codes) a record is attached to, with the field naming them.
    pub fn communes(&self) -> Vec<(String, &str)> {
        match self {
            Body::Logement(r) => r
                .commune_insee
                .iter()
                .map(|c| ("commune_insee".into(), c.as_str()))
                .collect(),
            Body::Stage(r) => vec![("commune_insee".into(), r.commune_insee.as_str())],
            Body::Atout(r) => r
                .communes
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("communes.{i}"), c.as_str()))
                .collect(),
            Body::Evenement(r) => r
                .commune_insee
                .iter()
                .map(|c| ("commune_insee".into(), c.as_str()))
                .collect(),
            Body::Organisation(r) => r
                .commune_insee
                .iter()
                .map(|c| ("commune_insee".into(), c.as_str()))
                .collect(),
            Body::Aide(r) => r
                .communes
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("communes.{i}"), c.as_str()))
                .collect(),
        }
    }
}

/// One record, with where it came from.
#[derive(Clone, Debug)]
pub struct Record {
    pub kind: Kind,
    pub id: String,
    /// Path relative to the site root, for diagnostics.
    pub file: String,
    pub body: std::sync::Arc<Body>,
    /// The parsed tree, kept to point diagnostics at fields.
    pub node: std::sync::Arc<Node>,
    /// Markdown fields rendered to HTML, by field name.
    pub html: BTreeMap<String, std::sync::Arc<str>>,
    /// A hash of the record's file: what a rebuild compares to know whether
    /// the record changed ([`crate::deps`]).
    pub version: u64,
}

/// A Markdown page.
#[derive(Clone, Debug)]
pub struct Page {
    /// Path relative to `content/pages`, with `/` separators (`legal/mentions.md`).
    pub path: String,
    pub file: String,
    pub meta: PageMeta,
    pub markdown: String,
    pub html: String,
    /// Headings (level, id, text) for a table of contents.
    pub toc: Vec<Heading>,
    /// A hash of the page's file ([`crate::deps`]).
    pub version: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A commune of the département.
#[derive(Clone, Debug, Serialize)]
pub struct Commune {
    pub insee: String,
    pub nom: String,
    pub codes_postaux: Vec<String>,
    pub population: Option<u64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// URL slug, unique within the département.
    pub slug: String,
}

/// A zonage class of one commune for one profession, from one arrêté, over
/// the period `du`–`au` (both optional, inclusive).
#[derive(Clone, Debug, Serialize)]
pub struct Zonage {
    pub profession: Profession,
    pub insee: String,
    pub classe: ClasseZonage,
    pub du: Option<jiff::civil::Date>,
    pub au: Option<jiff::civil::Date>,
    /// The arrêté that sets the class (required: a class is never shown
    /// without the text it comes from).
    pub arrete: String,
    pub arrete_url: Option<String>,
    /// Where the row stands against the build's reference date.
    pub periode: Periode,
}

/// A zonage row against the build's reference date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Periode {
    Passe,
    EnVigueur,
    AVenir,
}

/// A ring of a polygon: longitude, latitude pairs (WGS84).
pub type Ring = Vec<[f64; 2]>;

/// The territory's outlines, from the optional GeoJSON files of
/// `territoire/`: what the map draws (a département without them still gets
/// a map of points, from the centres of `communes.csv`).
#[derive(Clone, Debug, Default)]
pub struct Contours {
    /// INSEE code → its rings (outer rings and holes, every polygon).
    pub communes: BTreeMap<String, Vec<Ring>>,
    /// The département's outline.
    pub departement: Vec<Ring>,
    /// Hash of both files' text: what the outputs drawn from them read.
    pub version: u64,
}

/// Everything a site is made of, validated and resolved.
#[derive(Clone, Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Records by kind, then by id (ordered: output is deterministic).
    pub records: BTreeMap<Kind, BTreeMap<String, Record>>,
    pub pages: Vec<Page>,
    pub communes: BTreeMap<String, Commune>,
    pub zonage: Vec<Zonage>,
    pub contours: Contours,
    /// Files of `content/static`, relative to it.
    pub static_files: Vec<String>,
    /// Credits of the territory data, in Markdown, shown on the credits page.
    pub territoire_credits: Option<String>,
}

impl Site {
    pub fn get(&self, kind: Kind, id: &str) -> Option<&Record> {
        self.records.get(&kind).and_then(|m| m.get(id))
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Record> {
        self.records.get(&kind).into_iter().flat_map(|m| m.values())
    }
}
