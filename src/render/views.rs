//! What templates see: records as JSON objects with their URLs, resolved
//! references, rendered Markdown and French-formatted figures computed once
//! in Rust, so templates stay thin and never guess.
//!
//! Personal data never reaches a template unless consented: the `msu` list
//! is dropped from views and only `msu_publies` (names with a dated consent)
//! is added.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value as Json, json};

use super::format;
use crate::model::{Body, ClasseZonage, Kind, Periode, Profession, Record, Site, Statut};
use crate::url::Urls;

/// Reverse links, computed once per render so that no page needs to scan
/// every record (which would make a build quadratic in the record count).
#[derive(Default)]
pub struct Index {
    /// Aid id → aids it replaced (`remplace_par` pointing to it).
    replaced: HashMap<String, Vec<String>>,
    /// Organisation id → aids it funds.
    funded: HashMap<String, Vec<String>>,
    /// INSEE code → records attached to that commune.
    pub by_commune: HashMap<String, Vec<(Kind, String)>>,
    /// INSEE code → its zonage rows in force or to come (indices into
    /// `site.zonage`).
    pub zonage: HashMap<String, Vec<usize>>,
    /// (profession, zonage class) → published aids requiring it.
    pub aids_by_zone: HashMap<(Profession, ClasseZonage), Vec<String>>,
    /// Published aids for students, interns and docteurs juniors that
    /// require a zonage, in id order: what a site or housing page lists
    /// when its commune's class is unknown.
    pub trainee_zoned: Vec<String>,
    /// INSEE code → the records of the nearest other communes.
    pub near: Arc<Nearby>,
    /// The territory projected for the maps, once per build.
    pub carte: Arc<crate::carte::Geometry>,
}

/// INSEE code → the records of the nearest other communes.
pub type Nearby = HashMap<String, Vec<super::nearby::Near>>;

/// The parts of the [`Index`] that a save rarely changes, kept by the dev
/// server with a hash of what they were computed from: the records around
/// each commune (from which records are in which commune, and where the
/// communes are) and the projected map (from the communes and outlines).
#[derive(Default)]
pub struct IndexMemo {
    near: Option<(u64, Arc<Nearby>)>,
    carte: Option<(u64, Arc<crate::carte::Geometry>)>,
}

/// A hash of where the communes are.
fn communes_hash(site: &Site) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for c in site.communes.values() {
        (&c.insee, c.lat.map(f64::to_bits), c.lon.map(f64::to_bits)).hash(&mut h);
    }
    h.finish()
}

/// A hash of which records are in which commune, whatever the map's order.
fn by_commune_hash(by_commune: &HashMap<String, Vec<(Kind, String)>>) -> u64 {
    use std::hash::{Hash, Hasher};
    by_commune.iter().fold(0u64, |acc, entry| {
        let mut h = std::hash::DefaultHasher::new();
        entry.hash(&mut h);
        acc.wrapping_add(h.finish())
    })
}

impl Index {
    pub fn new(site: &Site) -> Index {
        Index::new_cached(site, None)
    }

    /// [`Index::new`], reusing from `memo` the parts whose inputs did not
    /// change and leaving this build's in it.
    pub fn new_cached(site: &Site, memo: Option<&mut IndexMemo>) -> Index {
        let mut index = Index::default();
        for r in site.records.values().flat_map(|m| m.values()) {
            if let Body::Aide(a) = &*r.body {
                if r.body.meta().statut == Statut::Publie {
                    if !a.zonage_requis.is_empty() && a.for_trainees() {
                        index.trainee_zoned.push(r.id.clone());
                    }
                    for req in &a.zonage_requis {
                        for class in &req.classes {
                            let key = (req.profession, *class);
                            index
                                .aids_by_zone
                                .entry(key)
                                .or_default()
                                .push(r.id.clone());
                        }
                    }
                }
                if let Some(next) = &a.remplace_par {
                    index
                        .replaced
                        .entry(next.clone())
                        .or_default()
                        .push(r.id.clone());
                }
                for org in std::iter::once(&a.financeur).chain(&a.cofinanceurs) {
                    index
                        .funded
                        .entry(org.clone())
                        .or_default()
                        .push(r.id.clone());
                }
            }
            for (_, insee) in r.body.communes() {
                let list = index.by_commune.entry(insee.to_string()).or_default();
                if !list.iter().any(|(k, id)| *k == r.kind && *id == r.id) {
                    list.push((r.kind, r.id.clone()));
                }
            }
        }
        for (i, z) in site.zonage.iter().enumerate() {
            if z.periode != Periode::Passe {
                index.zonage.entry(z.insee.clone()).or_default().push(i);
            }
        }
        let Some(memo) = memo else {
            index.near = Arc::new(super::nearby::index(site, &index.by_commune));
            index.carte = Arc::new(crate::carte::Geometry::new(site));
            return index;
        };
        let places = communes_hash(site);
        let near_key = places ^ by_commune_hash(&index.by_commune).rotate_left(1);
        index.near = match &memo.near {
            Some((key, near)) if *key == near_key => near.clone(),
            _ => Arc::new(super::nearby::index(site, &index.by_commune)),
        };
        memo.near = Some((near_key, index.near.clone()));
        let carte_key = places ^ site.contours.version.rotate_left(7);
        index.carte = match &memo.carte {
            Some((key, carte)) if *key == carte_key => carte.clone(),
            _ => Arc::new(crate::carte::Geometry::new(site)),
        };
        memo.carte = Some((carte_key, index.carte.clone()));
        index
    }
}

impl Index {
    /// The records naming `(kind, id)` whose view shows a piece of it: the
    /// aids it replaced, the aids an organisation funds.
    pub fn naming(&self, kind: Kind, id: &str) -> Vec<(Kind, &str)> {
        let from = match kind {
            Kind::Aide => self.replaced.get(id),
            Kind::Organisation => self.funded.get(id),
            _ => None,
        };
        from.into_iter()
            .flatten()
            .map(|a| (Kind::Aide, a.as_str()))
            .collect()
    }
}

pub struct Ctx<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls,
    pub index: &'a Index,
}

impl Ctx<'_> {
    /// A short link to a record: title, URL, status.
    pub fn link(&self, kind: Kind, id: &str) -> Json {
        match self.site.get(kind, id) {
            Some(r) => {
                let mut o = json!({
                    "id": id,
                    "titre": crate::typo::typo(r.body.title()),
                    "url": self.urls.record(kind, id),
                    "statut": r.body.meta().statut,
                });
                if let Body::Organisation(org) = &*r.body {
                    o["sigle"] = json!(org.sigle);
                    o["telephone"] = json!(org.telephone);
                    o["email"] = json!(org.email);
                    o["site"] = json!(org.site);
                    o["site_affiche"] = json!(org.site.as_deref().map(format::printed_address));
                }
                o
            }
            None => Json::Null,
        }
    }

    fn links(&self, kind: Kind, ids: &[String]) -> Json {
        Json::Array(
            ids.iter()
                .map(|id| self.link(kind, id))
                .filter(|v| !v.is_null())
                .collect(),
        )
    }

    fn opt_link(&self, kind: Kind, id: &Option<String>) -> Json {
        id.as_deref().map_or(Json::Null, |id| self.link(kind, id))
    }

    pub fn commune(&self, insee: &str) -> Json {
        match self.site.communes.get(insee) {
            Some(c) => {
                json!({ "insee": c.insee, "nom": c.nom, "url": self.urls.commune(c), "codes_postaux": c.codes_postaux })
            }
            None => Json::Null,
        }
    }

    fn communes(&self, insee: &[String]) -> Json {
        Json::Array(
            insee
                .iter()
                .map(|c| self.commune(c))
                .filter(|c| !c.is_null())
                .collect(),
        )
    }

    /// The full view of a record.
    pub fn record(&self, r: &Record) -> Json {
        let mut v = match serde_json::to_value(&*r.body) {
            Ok(Json::Object(m)) => m,
            _ => Map::new(),
        };
        let meta = r.body.meta();
        v.remove("msu");
        v.insert("id".into(), json!(r.id));
        v.insert("kind".into(), json!(r.kind));
        v.insert("url".into(), json!(self.urls.record(r.kind, &r.id)));
        v.insert("titre".into(), json!(r.body.title()));
        v.insert("html".into(), json!(r.html));
        v.insert(
            "mis_a_jour_le_fr".into(),
            json!(format::date(meta.mis_a_jour_le)),
        );
        v.insert("clos".into(), json!(meta.statut != Statut::Publie));
        let sources: Vec<Json> = meta
            .sources
            .iter()
            .map(|s| {
                json!({
                    "titre": s.titre,
                    "url": s.url,
                    "document": s.document,
                    "publie_le_fr": s.publie_le.map(format::date),
                    "consulte_le_fr": s.consulte_le.map(format::date),
                })
            })
            .collect();
        v.insert("sources".into(), Json::Array(sources));
        match &*r.body {
            Body::Aide(a) => {
                v.insert("montant_fr".into(), json!(format::montant(&a.montant)));
                v.insert(
                    "montant_lignes".into(),
                    json!(format::montant_lignes(&a.montant)),
                );
                v.insert(
                    "montant_texte".into(),
                    json!(format::montant_texte(&a.montant)),
                );
                v.insert(
                    "financeur_org".into(),
                    self.link(Kind::Organisation, &a.financeur),
                );
                v.insert(
                    "cofinanceurs_orgs".into(),
                    self.links(Kind::Organisation, &a.cofinanceurs),
                );
                v.insert(
                    "instructeur_org".into(),
                    self.opt_link(Kind::Organisation, &a.instructeur),
                );
                v.insert(
                    "contact_org".into(),
                    self.opt_link(Kind::Organisation, &a.contact),
                );
                v.insert(
                    "remplace_par_aide".into(),
                    self.opt_link(Kind::Aide, &a.remplace_par),
                );
                v.insert("communes".into(), self.communes(&a.communes));
                v.insert(
                    "date_ouverture_fr".into(),
                    json!(a.date_ouverture.map(format::date)),
                );
                v.insert(
                    "date_cloture_fr".into(),
                    json!(a.date_cloture.map(format::date)),
                );
                let replaced = self
                    .index
                    .replaced
                    .get(&r.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                v.insert("remplace".into(), self.links(Kind::Aide, replaced));
            }
            Body::Logement(l) => {
                v.insert(
                    "commune".into(),
                    l.commune_insee
                        .as_deref()
                        .map_or(Json::Null, |c| self.commune(c)),
                );
                v.insert(
                    "loyer_fr".into(),
                    json!(l.loyer_mensuel_eur.map(format::euros)),
                );
                v.insert(
                    "gestionnaire_org".into(),
                    self.opt_link(Kind::Organisation, &l.gestionnaire),
                );
                v.insert(
                    "contact_org".into(),
                    self.opt_link(Kind::Organisation, &l.contact),
                );
                v.insert(
                    "sites_stage".into(),
                    self.links(Kind::Stage, &l.sites_stage_proches),
                );
            }
            Body::Stage(s) => {
                v.insert("commune".into(), self.commune(&s.commune_insee));
                v.insert(
                    "contact_org".into(),
                    self.opt_link(Kind::Organisation, &s.contact),
                );
                v.insert(
                    "logements".into(),
                    self.links(Kind::Logement, &s.logements_lies),
                );
                v.insert(
                    "financeurs_orgs".into(),
                    self.links(Kind::Organisation, &s.financeurs),
                );
                let names: Vec<&str> = s
                    .msu
                    .iter()
                    .filter(|m| m.consentement_publication && m.date_consentement.is_some())
                    .map(|m| m.nom.as_str())
                    .collect();
                v.insert("msu_publies".into(), json!(names));
            }
            Body::Atout(a) => {
                v.insert("communes".into(), self.communes(&a.communes));
                if let Some(img) = &a.image {
                    v.insert("image_url".into(), json!(self.urls.to(&img.src)));
                }
            }
            Body::Evenement(e) => {
                v.insert(
                    "commune".into(),
                    e.commune_insee
                        .as_deref()
                        .map_or(Json::Null, |c| self.commune(c)),
                );
                v.insert(
                    "organisateurs_orgs".into(),
                    self.links(Kind::Organisation, &e.organisateurs),
                );
                v.insert("debut_fr".into(), json!(e.debut.map(format::datetime)));
                v.insert("fin_fr".into(), json!(e.fin.map(format::datetime)));
            }
            Body::Organisation(o) => {
                v.insert(
                    "tel_href".into(),
                    json!(o.telephone.as_deref().map(format::tel_href)),
                );
                let funded = self
                    .index
                    .funded
                    .get(&r.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                v.insert("aides_financees".into(), self.links(Kind::Aide, funded));
            }
        }
        let mut v = Json::Object(v);
        crate::typo::json(&mut v, crate::typo::NOT_TEXT);
        v
    }
}
