//! The commune pages, the communes index, and the zonage a commune's
//! internship sites and housing show: what the commune data
//! (`communes.csv`, `zonage.csv`) and the records placed in it give a
//! reader deciding where to train or settle.

use serde_json::{Value as Json, json};
use tera::Value as TeraValue;

use super::RenderInput;
use super::format;
use super::nearby::{KINDS, Near};
use super::pages::{Shared, object, tv};
use super::views::Ctx;
use crate::model::{Body, Kind, Periode, Profession, Statut, Zonage};

/// The zonage of a commune, one entry per profession with data: the class
/// in force (if any) and the next one when an arrêté already dates it.
pub fn zonage(ctx: &Ctx, insee: &str) -> Json {
    let rows: Vec<&Zonage> = rows(ctx, insee).collect();
    let view = |z: &Zonage| {
        json!({
            "classe": z.classe,
            "du_fr": z.du.map(format::date),
            "au_fr": z.au.map(format::date),
            "arrete": z.arrete,
            "arrete_url": z.arrete_url,
        })
    };
    let mut out = Vec::new();
    for p in Profession::ALL {
        let current = rows
            .iter()
            .find(|z| z.profession == p && z.periode == Periode::EnVigueur);
        let next = rows
            .iter()
            .filter(|z| z.profession == p && z.periode == Periode::AVenir)
            .min_by_key(|z| z.du);
        if current.is_none() && next.is_none() {
            continue;
        }
        out.push(json!({
            "profession": p,
            "en_vigueur": current.map(|z| view(z)),
            "suivant": next.map(|z| view(z)),
        }));
    }
    Json::Array(out)
}

/// The zonage rows of a commune in force or to come.
fn rows<'a>(ctx: &'a Ctx, insee: &str) -> impl Iterator<Item = &'a Zonage> {
    ctx.index
        .zonage
        .get(insee)
        .into_iter()
        .flatten()
        .filter_map(|i| ctx.site.zonage.get(*i))
}

/// The published aids that the classes in force in a commune open, in id
/// order, keeping those `keep` accepts.
fn zoned_aids<'a>(
    ctx: &Ctx<'a>,
    insee: &str,
    keep: impl Fn(&crate::model::Aide) -> bool,
) -> Vec<&'a crate::model::Record> {
    let mut ids: Vec<&String> = rows(ctx, insee)
        .filter(|z| z.periode == Periode::EnVigueur)
        .filter_map(|z| ctx.index.aids_by_zone.get(&(z.profession, z.classe)))
        .flatten()
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| ctx.site.get(Kind::Aide, id))
        .filter(|r| matches!(&*r.body, Body::Aide(a) if keep(a)))
        .collect()
}

/// The URL of the page that explains the zonage, when the site has one.
pub(super) fn zonage_page(input: &RenderInput) -> Option<String> {
    let path = input.site.config.guide.as_ref()?.zonage.as_deref()?;
    input
        .site
        .pages
        .iter()
        .any(|p| p.path == path)
        .then(|| input.urls.page(path))
}

/// What an internship site's or a housing's page says of its commune's
/// zonage: the classes in force, and the aids for trainees they open; with
/// no class recorded, the aids that depend on it, so the reader knows what
/// to check.
pub fn for_record(input: &RenderInput, ctx: &Ctx, kind: Kind, id: &str) -> Option<TeraValue> {
    if !matches!(kind, Kind::Stage | Kind::Logement) {
        return None;
    }
    let r = input.site.get(kind, id)?;
    let (_, insee) = r.body.communes().into_iter().next()?;
    let zonage = zonage(ctx, insee);
    let known = zonage.as_array().is_some_and(|z| !z.is_empty());
    let aids: Vec<Json> = if known {
        zoned_aids(ctx, insee, crate::model::Aide::for_trainees)
            .iter()
            .map(|r| ctx.link(Kind::Aide, &r.id))
            .collect()
    } else {
        ctx.index
            .trainee_zoned
            .iter()
            .map(|id| ctx.link(Kind::Aide, id))
            .collect()
    };
    Some(tv(json!({
        "commune": ctx.commune(insee),
        "zonage": zonage,
        "connu": known,
        "aides": aids,
        "page_zonage": zonage_page(input),
    })))
}

/// The page of one commune.
pub fn page(
    input: &RenderInput,
    ctx: &Ctx,
    shared: &Shared,
    insee: &str,
) -> Vec<(&'static str, TeraValue)> {
    let site = input.site;
    let Some(c) = site.communes.get(insee) else {
        return Vec::new();
    };
    let attached = ctx
        .index
        .by_commune
        .get(insee)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut by_kind = Vec::new();
    for kind in Kind::ALL {
        let list: Vec<TeraValue> = attached
            .iter()
            .filter(|(k, _)| *k == kind)
            .filter_map(|(k, id)| site.get(*k, id))
            .map(|r| shared.card(r))
            .collect();
        if !list.is_empty() {
            by_kind.push(object(vec![
                ("cle", TeraValue::from(kind.dir())),
                ("fiches", TeraValue::from(list)),
            ]));
        }
    }
    let near: &[Near] = ctx
        .index
        .near
        .get(insee)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let around: Vec<Json> = KINDS
        .iter()
        .filter_map(|kind| {
            let list: Vec<Json> = near
                .iter()
                .filter(|n| n.kind == *kind)
                .map(|n| {
                    let mut link = ctx.link(n.kind, &n.id);
                    link["commune"] = ctx.commune(&n.insee);
                    link["km"] = json!(n.km);
                    link
                })
                .collect();
            (!list.is_empty()).then(|| json!({ "cle": kind.dir(), "fiches": list }))
        })
        .collect();
    let aides_zonage: Vec<TeraValue> = zoned_aids(ctx, insee, |_| true)
        .into_iter()
        .filter(|r| r.body.meta().statut == Statut::Publie)
        .map(|r| shared.card(r))
        .collect();
    let g = &ctx.index.carte;
    let situation = crate::carte::locator(g, insee)
        .map_or_else(TeraValue::none, |s| TeraValue::safe_string(&s));
    vec![
        ("commune", tv(json!(c))),
        ("situation", situation),
        ("largeur", TeraValue::from(g.width)),
        ("hauteur", TeraValue::from(g.height)),
        ("fiches", TeraValue::from(by_kind)),
        ("autour", tv(json!(around))),
        ("rayon_km", TeraValue::from(super::nearby::RADIUS_KM as u32)),
        ("zonage", tv(zonage(ctx, insee))),
        ("aides_zonage", TeraValue::from(aides_zonage)),
        ("page_zonage", tv(json!(zonage_page(input)))),
        ("aides_url", TeraValue::from(input.urls.list(Kind::Aide))),
    ]
}

/// The index of every commune, by initial letter, with its postcodes.
pub fn index(input: &RenderInput, ctx: &Ctx) -> Vec<(&'static str, TeraValue)> {
    let mut communes: Vec<(String, &crate::model::Commune)> = input
        .site
        .communes
        .values()
        .map(|c| (c.slug.clone(), c))
        .collect();
    communes.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.insee.cmp(&b.1.insee)));
    let mut groups: Vec<(String, Vec<Json>)> = Vec::new();
    for (folded, c) in communes {
        let letter = folded
            .chars()
            .next()
            .map(|l| l.to_uppercase().to_string())
            .unwrap_or_default();
        let entry = ctx.commune(&c.insee);
        match groups.last_mut() {
            Some((l, list)) if *l == letter => list.push(entry),
            _ => groups.push((letter, vec![entry])),
        }
    }
    let groups: Vec<Json> = groups
        .into_iter()
        .map(|(lettre, communes)| json!({ "lettre": lettre, "communes": communes }))
        .collect();
    vec![
        ("groupes", tv(json!(groups))),
        ("nombre", TeraValue::from(input.site.communes.len())),
    ]
}
