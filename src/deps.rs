//! What each output depends on, in one place.
//!
//! Every planned item gets a fingerprint: a hash of the versions of exactly
//! the inputs it reads. A rebuild renders again only the items whose
//! fingerprint changed and reuses the bytes of the others (the dev server;
//! a one-shot build renders everything). Nothing else in vitrine knows what
//! depends on what: when a page starts reading a new input, the rule for
//! its target here is the one place to change.
//!
//! The inputs and who reads them:
//! - *global*: site.yaml, the theme, the territory files, the options, the
//!   edition date, the list of pages (navigation, footer, home) and the set
//!   of records (lists, links, sitemap). Every output reads it, so a change
//!   there renders everything, as does adding or removing a record.
//! - a record's *view*: the record and every record its page shows a piece
//!   of: the ones it names (funder, contact, replacement…) and the ones
//!   naming it (aids replaced by it, aids an organisation funds).
//! - lists, profiles, communes and the guide read the views they show.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::model::{Kind, Site};
use crate::plan::{Item, Target};
use crate::render::views::Index;
use crate::theme::Theme;

/// A stable hash of a text (`DefaultHasher::new()` has fixed keys).
pub fn hash_str(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Fingerprints of one build's inputs.
pub struct Fingerprints {
    global: u64,
    /// Record → fingerprint of its view.
    views: HashMap<(Kind, String), u64>,
    /// Every record's version, in order: what reads "all records".
    all: u64,
    /// Per kind, the views of its records, in order.
    by_kind: HashMap<Kind, u64>,
    /// Guide anchor (`aide-cesp`) → fingerprint of that record's view.
    anchors: HashMap<String, u64>,
}

impl Fingerprints {
    /// `extra` is whatever else the output depends on (options, the
    /// edition date, the dev server's injected markup), already hashed.
    pub fn new(site: &Site, index: &Index, theme: &Theme, extra: u64) -> Fingerprints {
        let mut g = DefaultHasher::new();
        extra.hash(&mut g);
        for files in [&theme.templates, &theme.statics, &theme.typst] {
            for (name, f) in files {
                name.hash(&mut g);
                f.bytes.hash(&mut g);
            }
        }
        theme.strings.to_string().hash(&mut g);
        format!("{:?}", site.config).hash(&mut g);
        format!("{:?}", site.communes).hash(&mut g);
        format!("{:?}", site.zonage).hash(&mut g);
        site.contours.version.hash(&mut g);
        site.territoire_credits.hash(&mut g);
        site.static_files.hash(&mut g);
        for p in &site.pages {
            // What other pages show of a page: its place and its title.
            (&p.path, format!("{:?}", p.meta)).hash(&mut g);
        }
        let mut all = DefaultHasher::new();
        for r in site.records.values().flat_map(|m| m.values()) {
            (r.kind, &r.id).hash(&mut g);
            r.version.hash(&mut all);
        }
        let global = g.finish();
        let version = |kind: Kind, id: &str| site.get(kind, id).map(|r| r.version);
        let mut views = HashMap::new();
        for r in site.records.values().flat_map(|m| m.values()) {
            let mut h = DefaultHasher::new();
            r.version.hash(&mut h);
            for (_, kind, id) in crate::validate::references(&r.body) {
                version(kind, id).hash(&mut h);
            }
            for (kind, id) in index.naming(r.kind, &r.id) {
                version(kind, id).hash(&mut h);
            }
            views.insert((r.kind, r.id.clone()), h.finish());
        }
        let by_kind = Kind::ALL
            .iter()
            .map(|k| {
                let mut h = DefaultHasher::new();
                for r in site.of_kind(*k) {
                    views.get(&(r.kind, r.id.clone())).hash(&mut h);
                }
                (*k, h.finish())
            })
            .collect();
        let anchors = views
            .iter()
            .map(|((kind, id), fp)| (crate::guide::anchor(*kind, id), *fp ^ global))
            .collect();
        Fingerprints {
            global,
            views,
            all: all.finish(),
            by_kind,
            anchors,
        }
    }

    /// The fingerprint of the record behind a guide anchor, with the
    /// global inputs (templates, strings).
    pub fn anchor(&self, anchor: &str) -> Option<u64> {
        self.anchors.get(anchor).copied()
    }

    /// `version` (of a page, of anything read whole) with the global
    /// inputs: the fingerprint of what is made of it and of them only.
    pub fn with_global(&self, version: u64) -> u64 {
        let mut h = DefaultHasher::new();
        (self.global, version).hash(&mut h);
        h.finish()
    }

    /// The fingerprint of a record's view.
    pub fn view(&self, kind: Kind, id: &str) -> Option<u64> {
        self.views.get(&(kind, id.to_string())).copied()
    }

    /// Hashes the views of the aids a commune's zonage opens.
    fn zoned_aids(&self, site: &Site, index: &Index, insee: &str, h: &mut DefaultHasher) {
        for z in index.zonage.get(insee).into_iter().flatten() {
            let Some(z) = site.zonage.get(*z) else {
                continue;
            };
            for id in index
                .aids_by_zone
                .get(&(z.profession, z.classe))
                .into_iter()
                .flatten()
            {
                self.view(Kind::Aide, id).hash(h);
            }
        }
    }

    /// The fingerprint of an output item: what it reads (see the module's
    /// documentation), with the global inputs.
    pub fn item(&self, item: &Item, site: &Site, index: &Index) -> Option<u64> {
        let mut h = DefaultHasher::new();
        self.global.hash(&mut h);
        item.file.hash(&mut h);
        match &item.target {
            Target::Record(kind, id) => {
                self.view(*kind, id)?.hash(&mut h);
                // Internship sites and housing show the aids their
                // commune's zonage opens.
                if let Some(r) = site.get(*kind, id)
                    && matches!(kind, Kind::Stage | Kind::Logement)
                {
                    for (_, insee) in r.body.communes() {
                        self.zoned_aids(site, index, insee, &mut h);
                    }
                    for id in &index.trainee_zoned {
                        self.view(Kind::Aide, id).hash(&mut h);
                    }
                }
            }
            Target::List(kind) => self.by_kind.get(kind).hash(&mut h),
            Target::Profile(_) | Target::Profession(_) | Target::ProfessionStade(..) => {
                self.by_kind.get(&Kind::Aide).hash(&mut h)
            }
            Target::Commune(insee) => {
                // Its records, those around it, and the aids that apply
                // through its zonage.
                for (kind, id) in index.by_commune.get(insee).into_iter().flatten() {
                    self.view(*kind, id).hash(&mut h);
                }
                for n in index.near.get(insee).into_iter().flatten() {
                    (n.km, self.view(n.kind, &n.id)).hash(&mut h);
                }
                self.zoned_aids(site, index, insee, &mut h);
            }
            // Zonage and outlines are global; its markers and table name
            // the sites and housing.
            Target::Carte => {
                self.by_kind.get(&Kind::Stage).hash(&mut h);
                self.by_kind.get(&Kind::Logement).hash(&mut h);
            }
            Target::Page(i) => site.pages.get(*i)?.version.hash(&mut h),
            Target::Data(file) => match file {
                crate::opendata::File::Csv(kind) | crate::opendata::File::Json(kind) => {
                    self.by_kind.get(kind).hash(&mut h)
                }
                // The model and the theme's strings: global.
                crate::opendata::File::Schema(_) => {}
                // The sources and dates of every record.
                crate::opendata::File::Package => self.all.hash(&mut h),
            },
            Target::Calendar(id) => self.view(Kind::Evenement, id)?.hash(&mut h),
            Target::Agenda => self.by_kind.get(&Kind::Evenement).hash(&mut h),
            // The sitemap gives each page's check date.
            Target::DataPage | Target::Atom | Target::Sitemap => self.all.hash(&mut h),
            Target::Home | Target::Communes | Target::Guide | Target::SiteMapPage => {
                self.all.hash(&mut h)
            }
            Target::NotFound
            | Target::Robots
            | Target::ThemeAsset(_)
            | Target::ProposerLogement
            | Target::Search => {}
            // Read from disk at render time, never reused; the PDF is not a
            // page.
            Target::Static(_) | Target::GuidePdf | Target::SearchIndex => return None,
        }
        Some(h.finish())
    }
}

/// Rendered outputs of the previous build with their fingerprints: what the
/// dev server hands to the next rebuild.
#[derive(Default)]
pub struct RenderCache {
    pub(crate) pages: HashMap<String, (u64, crate::render::Bytes)>,
    /// The guide's records rendered by their partials, by anchor.
    /// (Tera values share their text: a reuse copies no HTML.)
    pub(crate) fiches: HashMap<String, (u64, tera::Value)>,
    /// Every record's card, rendered by `partials/carte.html`.
    pub(crate) cards: crate::render::CardCache,
    /// Every record's line in the open-data exports.
    pub(crate) rows: crate::opendata::rows::RowCache,
}
