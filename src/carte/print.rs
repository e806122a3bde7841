//! The maps of the printed guide (HTML and PDF alike): one per profession
//! with a zonage in force, each a document of its own, with its legend and
//! the list of communes by class (the map's text alternative on paper).

use serde_json::{Value as Json, json};

use super::{Alt, Geometry};
use crate::model::{ClasseZonage, Site};

/// The string at `path` of the theme's strings, or the last key.
fn string(t: &Json, path: &[&str]) -> String {
    path.iter()
        .try_fold(t, |v, k| v.get(*k))
        .and_then(Json::as_str)
        .map_or_else(
            || path.last().copied().unwrap_or_default().to_string(),
            str::to_string,
        )
}

/// The guide's maps; empty without zonage data. `prefix` is the anchor of
/// the guide's part, which keeps the maps' ids unique in the guide.
pub fn maps(site: &Site, g: &Geometry, t: &Json, prefix: &str) -> Vec<Json> {
    if g.is_empty() {
        return Vec::new();
    }
    let marks = super::marks(site);
    let desc = [
        string(t, &["carte", "description"]).replace("{n}", &g.shapes.len().to_string()),
        string(
            t,
            &["carte", if g.outlined() { "contours" } else { "points" }],
        ),
        string(t, &["carte", "description_zonage"]),
        string(t, &["carte", "description_marqueurs"]),
        string(t, &["carte", "description_liste"]),
    ]
    .join(" ");
    super::professions(site)
        .into_iter()
        .map(|p| {
            let shading = super::shading(site, p);
            let profession = string(t, &["profession", p.key()]);
            let titre = string(t, &["carte", "zonage_de"]).replace("{profession}", &profession);
            let id = format!("{prefix}-carte-{}", p.key().replace('_', "-"));
            let svg = super::standalone(
                g,
                &shading,
                &marks,
                &Alt {
                    id: &id,
                    title: &titre,
                    desc: &desc,
                },
            );
            let classes: Vec<Json> = ClasseZonage::ALL
                .iter()
                .filter_map(|c| {
                    let mut communes: Vec<(&str, &str)> = shading
                        .iter()
                        .filter(|(_, v)| *v == c)
                        .filter_map(|(insee, _)| site.communes.get(insee))
                        .map(|c| (c.slug.as_str(), c.nom.as_str()))
                        .collect();
                    if communes.is_empty() {
                        return None;
                    }
                    communes.sort();
                    Some(json!({
                        "classe": c,
                        "libelle": string(t, &["classe_zonage", c.key()]),
                        "pastille": super::swatch(Some(*c)),
                        "fill": format!("url(#{id}-m-{})", c.key()),
                        "communes": communes.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
                    }))
                })
                .collect();
            json!({
                "profession": p,
                "ancre": id,
                "titre": titre,
                "svg": svg,
                "classes": classes,
                "sans_classe": g.shapes.len().saturating_sub(shading.len()),
                "pastille_vide": super::swatch(None),
            })
        })
        .collect()
}
