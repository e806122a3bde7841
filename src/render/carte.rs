//! The map page (`/carte/`): one map per profession with a zonage in force,
//! all drawn from one set of shapes ([`crate::carte::sprite`]) by `<use>`,
//! and beside them the tables that say the same in text (RGAA 1.6): the
//! communes by class, and the internship sites and housing by commune.

use serde_json::{Value as Json, json};
use tera::Value as TeraValue;

use super::RenderInput;
use super::format;
use super::pages::tv;
use super::views::Ctx;
use crate::carte;
use crate::model::{ClasseZonage, Kind, Periode, Profession};

pub fn page(input: &RenderInput, ctx: &Ctx) -> Vec<(&'static str, TeraValue)> {
    let site = input.site;
    let g = &ctx.index.carte;
    let marks = carte::marks(site);
    let professions = carte::professions(site);
    let mut maps: Vec<Json> = professions
        .iter()
        .map(|p| {
            let shading = carte::shading(site, *p);
            json!({
                "profession": p,
                "id": format!("carte-{}", p.key().replace('_', "-")),
                "corps": carte::map_body(g, &shading, &marks),
                "legende": carte::legend(&shading),
                "lignes": rows(ctx, *p),
                "sans_classe": g.shapes.len().saturating_sub(shading.len()),
            })
        })
        .collect();
    if maps.is_empty() {
        // No zonage: one map of the communes, sites and housing.
        maps.push(json!({
            "profession": null,
            "id": "carte-territoire",
            "corps": carte::map_body(g, &carte::Shading::new(), &marks),
            "legende": [],
            "lignes": [],
            "sans_classe": g.shapes.len(),
        }));
    }
    vec![
        ("largeur", TeraValue::from(g.width)),
        ("hauteur", TeraValue::from(g.height)),
        ("defs", TeraValue::safe_string(&carte::sprite(g))),
        ("cartes", tv(json!(maps))),
        ("lieux", tv(json!(places(ctx, &marks)))),
        ("contours", TeraValue::from(g.outlined())),
        ("communes", TeraValue::from(g.shapes.len())),
        ("page_zonage", tv(json!(super::commune::zonage_page(input)))),
    ]
}

/// The communes with a class in force for `p`, by class (most in need
/// first) then by name: the map's text alternative.
fn rows(ctx: &Ctx, p: Profession) -> Vec<Json> {
    let site = ctx.site;
    let order = |c: ClasseZonage| ClasseZonage::ALL.iter().position(|x| *x == c);
    let mut rows: Vec<(Option<usize>, &str, &crate::model::Zonage)> = site
        .zonage
        .iter()
        .filter(|z| z.profession == p && z.periode == Periode::EnVigueur)
        .filter_map(|z| {
            Some((
                order(z.classe),
                site.communes.get(&z.insee)?.slug.as_str(),
                z,
            ))
        })
        .collect();
    rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    rows.into_iter()
        .map(|(_, _, z)| {
            json!({
                "commune": ctx.commune(&z.insee),
                "classe": z.classe,
                "arrete": z.arrete,
                "arrete_url": z.arrete_url,
                "du_fr": z.du.map(format::date),
            })
        })
        .collect()
}

/// The communes with internship sites or housing, by name, with links to
/// them: what the markers show.
fn places(ctx: &Ctx, marks: &carte::Marks) -> Vec<Json> {
    let site = ctx.site;
    let mut communes: Vec<&crate::model::Commune> = marks
        .stages
        .union(&marks.logements)
        .filter_map(|insee| site.communes.get(insee))
        .collect();
    communes.sort_by(|a, b| (&a.slug, &a.insee).cmp(&(&b.slug, &b.insee)));
    communes
        .into_iter()
        .map(|c| {
            let of = |kind: Kind| -> Vec<Json> {
                ctx.index
                    .by_commune
                    .get(&c.insee)
                    .into_iter()
                    .flatten()
                    .filter(|(k, _)| *k == kind)
                    .map(|(k, id)| ctx.link(*k, id))
                    .filter(|l| !l.is_null())
                    .collect()
            };
            json!({
                "commune": ctx.commune(&c.insee),
                "stages": of(Kind::Stage),
                "logements": of(Kind::Logement),
            })
        })
        .collect()
}
