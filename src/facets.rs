//! The reader's ways into the aids: by profession (`beneficiaires`), by
//! stage of career (`stade`), and both, computed once per build from the
//! model so that the plan (which pages exist) and the render (what they
//! list) agree, and no page scans every record.
//!
//! Also the reader's order of every list ([`reader_order`]): never the
//! file name.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::aide::Niveau;
use crate::model::common::{Profession, Stade};
use crate::model::{Body, Kind, Record, Site, Statut};

/// Aids of one facet value, in reader order, split as every list is.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// In force (`publie`; `brouillon` with `--drafts`).
    pub open: Vec<String>,
    /// Closed or suspended, listed apart.
    pub closed: Vec<String>,
}

/// The aids by profession, and by profession and stage.
#[derive(Clone, Debug, Default)]
pub struct Facets {
    /// Every profession named by a shown aid.
    pub by_profession: BTreeMap<Profession, Split>,
    /// Aids in force by profession and stage (only non-empty pairs).
    pub by_profession_stade: BTreeMap<(Profession, Stade), Vec<String>>,
    /// Every kind's ids in reader order, sorted once per build (titles
    /// are folded to sort, which is too dear to do for every list).
    order: BTreeMap<Kind, Vec<String>>,
}

/// Whether a record counts as "en vigueur".
pub fn in_force(r: &Record) -> bool {
    matches!(r.body.meta().statut, Statut::Publie | Statut::Brouillon)
}

impl Facets {
    pub fn new(site: &Site) -> Facets {
        let mut f = Facets {
            order: Kind::ALL
                .iter()
                .map(|k| {
                    let ids = reader_order(site, *k)
                        .iter()
                        .map(|r| r.id.clone())
                        .collect();
                    (*k, ids)
                })
                .collect(),
            ..Facets::default()
        };
        for r in f.ordered(site, Kind::Aide) {
            let Body::Aide(a) = &*r.body else { continue };
            let open = in_force(r);
            // A value written twice in a record counts once; deduplicating
            // the record's own short lists keeps this linear in the aids
            // (a `contains` on each facet's list would not be).
            let professions: BTreeSet<Profession> = a.beneficiaires.iter().copied().collect();
            let stades: BTreeSet<Stade> = a.stade.iter().copied().collect();
            for p in professions {
                let split = f.by_profession.entry(p).or_default();
                if open {
                    split.open.push(r.id.clone());
                    for s in &stades {
                        f.by_profession_stade
                            .entry((p, *s))
                            .or_default()
                            .push(r.id.clone());
                    }
                } else {
                    split.closed.push(r.id.clone());
                }
            }
        }
        f
    }

    /// The records of `kind` in reader order ([`reader_order`]).
    pub fn ordered<'s>(&self, site: &'s Site, kind: Kind) -> Vec<&'s Record> {
        self.order
            .get(&kind)
            .into_iter()
            .flatten()
            .filter_map(|id| site.get(kind, id))
            .collect()
    }

    /// The stages in which `p` has aids in force, in career order.
    pub fn stades_of(&self, p: Profession) -> Vec<Stade> {
        Stade::ALL
            .into_iter()
            .filter(|s| self.by_profession_stade.contains_key(&(p, *s)))
            .collect()
    }

    /// Whether `p` × `s` has a page of its own: only when `p` has aids in
    /// force at more than one stage (else it would repeat the profession
    /// page).
    pub fn has_pair_page(&self, p: Profession, s: Stade) -> bool {
        self.by_profession_stade.contains_key(&(p, s)) && self.stades_of(p).len() > 1
    }

    /// Number of aids in force for `p`.
    pub fn count(&self, p: Profession) -> usize {
        self.by_profession.get(&p).map_or(0, |s| s.open.len())
    }
}

/// `sage_femme` → `sage-femme`: the URL segment of a facet value.
pub fn segment(key: &str) -> String {
    key.replace('_', "-")
}

pub fn profession_path(p: Profession) -> String {
    format!("aides/profession/{}/", segment(p.key()))
}

pub fn profession_stade_path(p: Profession, s: Stade) -> String {
    format!("{}{}/", profession_path(p), segment(s.key()))
}

/// Aids from the closest funder to the furthest: the Département's guide
/// shows local schemes first, then the Région's, then national ones.
fn niveau_rank(n: Niveau) -> u8 {
    match n {
        Niveau::Communal => 0,
        Niveau::Intercommunal => 1,
        Niveau::Departemental => 2,
        Niveau::Regional => 3,
        Niveau::National => 4,
    }
}

/// Closed last; then a rank (funder level, undated last); then the first
/// text key (date, commune); then the folded title.
type SortKey = (bool, u8, String, String);

/// The records of `kind` in the order a reader scans them, documented in
/// the README ("Ordre des listes"): in force first, then
/// - aids by funder level (commune, intercommunalité, Département, Région,
///   national), then title;
/// - events by start date (undated last), then title;
/// - housing and internship sites by commune name, then title;
/// - strengths and organisations by title.
///
/// Titles compare without case or accents ("Équipe" sorts with "E"); the
/// id breaks ties so the order is total and builds stay deterministic.
pub fn reader_order(site: &Site, kind: Kind) -> Vec<&Record> {
    let commune_name = |insee: Option<&str>| -> String {
        insee
            .and_then(|i| site.communes.get(i))
            .map(|c| slug::slugify(&c.nom))
            .unwrap_or_else(|| "~".into())
    };
    let mut keyed: Vec<(SortKey, &Record)> = site
        .of_kind(kind)
        .map(|r| {
            let title = slug::slugify(r.body.title());
            let (rank, first) = match &*r.body {
                Body::Aide(a) => (niveau_rank(a.niveau), String::new()),
                Body::Evenement(e) => (
                    u8::from(e.debut.is_none()),
                    e.debut.map(|d| d.to_string()).unwrap_or_default(),
                ),
                Body::Logement(l) => (0, commune_name(l.commune_insee.as_deref())),
                Body::Stage(s) => (0, commune_name(Some(&s.commune_insee))),
                Body::Atout(_) | Body::Organisation(_) => (0, String::new()),
            };
            ((!in_force(r), rank, first, title), r)
        })
        .collect();
    keyed.sort_by(|(a, ra), (b, rb)| a.cmp(b).then_with(|| ra.id.cmp(&rb.id)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profession_is_listed_once_with_its_yaml_key_and_a_group() {
        let mut seen = std::collections::BTreeSet::new();
        for p in Profession::ALL {
            assert!(seen.insert(p), "{p:?} twice");
            let yaml = serde_json::to_value(p).unwrap();
            assert_eq!(yaml.as_str(), Some(p.key()));
            assert!(Profession::GROUPS.contains(&p.group()));
        }
        // Every variant deserializes from its key: none is missing from ALL.
        let schema = serde_json::to_value(schemars::schema_for!(Profession)).unwrap();
        let values = schema["enum"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(values, Profession::ALL.len(), "{schema}");
        assert_eq!(
            profession_path(Profession::SageFemme),
            "aides/profession/sage-femme/"
        );
        assert_eq!(
            profession_stade_path(Profession::Infirmier, Stade::PrimoInstallation),
            "aides/profession/infirmier/primo-installation/"
        );
    }
}
