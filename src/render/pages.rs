//! The template and context of each kind of page.

use serde_json::{Value as Json, json};

use super::RenderInput;
use super::views::Ctx;
use crate::model::common::Stade;
use crate::model::{Body, Kind, Statut};
use crate::plan::{Item, Target, profile_path};

/// Which template renders `item`, and with what page data.
pub fn context(input: &RenderInput, item: &Item) -> (String, Json) {
    let ctx = Ctx {
        site: input.site,
        urls: input.urls,
        index: input.index,
    };
    let page_url = item
        .page
        .as_deref()
        .map(|p| input.urls.to(p))
        .unwrap_or_default();
    let canonical = item
        .page
        .as_deref()
        .map(|p| input.urls.absolute(p))
        .unwrap_or_default();
    let (template, mut data) = match &item.target {
        Target::Home => ("index.html".to_string(), home(input, &ctx)),
        Target::List(kind) => {
            let (actifs, clos) = ctx.split(input.site.of_kind(*kind));
            (
                "liste.html".to_string(),
                json!({ "kind": kind, "dir": kind.dir(), "actifs": actifs, "clos": clos, "profils": profiles(input) }),
            )
        }
        Target::Record(kind, id) => {
            let view = input
                .site
                .get(*kind, id)
                .map(|r| ctx.record(r))
                .unwrap_or(Json::Null);
            (
                format!("{}.html", kind.key()),
                json!({ "fiche": view, "liste_url": input.urls.list(*kind) }),
            )
        }
        Target::Profile(stade) => {
            let matching = input
                .site
                .of_kind(Kind::Aide)
                .filter(|r| matches!(&r.body, Body::Aide(a) if a.stade.contains(stade)));
            let (actifs, clos) = ctx.split(matching);
            (
                "profil.html".to_string(),
                json!({ "profil": stade.key(), "actifs": actifs, "clos": clos, "profils": profiles(input) }),
            )
        }
        Target::Communes => {
            let list: Vec<Json> = crate::validate::communes_with_records(input.site)
                .iter()
                .map(|insee| ctx.commune(insee))
                .collect();
            ("communes.html".to_string(), json!({ "communes": list }))
        }
        Target::Commune(insee) => ("commune.html".to_string(), commune(input, &ctx, insee)),
        Target::Page(i) => {
            let page = &input.site.pages[*i];
            (
                "page.html".to_string(),
                json!({
                    "titre": page.meta.titre,
                    "description": page.meta.description,
                    "contenu": page.html,
                    "sommaire": page.toc,
                    "mis_a_jour_le_fr": page.meta.mis_a_jour_le.map(super::format::date),
                    "chemin": page.path,
                    "credits_territoire": credits(input, &page.path),
                    "informations_legales": page.meta.informations_legales,
                }),
            )
        }
        Target::NotFound => ("404.html".to_string(), json!({})),
        _ => ("404.html".to_string(), json!({})),
    };
    if let Json::Object(m) = &mut data {
        m.insert("url".into(), json!(page_url));
        m.insert("canonical".into(), json!(canonical));
    }
    (template, json!({ "page": data }))
}

/// The credits of the territory data appear on the credits page.
fn credits(input: &RenderInput, path: &str) -> Json {
    if path.starts_with("credits") {
        json!(
            input
                .site
                .territoire_credits
                .as_deref()
                .map(crate::markdown::render_plain)
        )
    } else {
        Json::Null
    }
}

fn profiles(input: &RenderInput) -> Vec<Json> {
    Stade::ALL
        .iter()
        .map(|s| {
            let count = input
                .site
                .of_kind(Kind::Aide)
                .filter(|r| r.body.meta().statut == Statut::Publie)
                .filter(|r| matches!(&r.body, Body::Aide(a) if a.stade.contains(s)))
                .count();
            json!({ "cle": s.key(), "url": input.urls.to(&profile_path(*s)), "nombre": count })
        })
        .collect()
}

fn home(input: &RenderInput, ctx: &Ctx) -> Json {
    let intro = input.site.pages.iter().find(|p| p.path == "index.md");
    // A list, not a map: templates iterate it, and tera's maps have no order.
    let counts: Vec<Json> = Kind::ALL
        .iter()
        .map(|k| {
            let n = input
                .site
                .of_kind(*k)
                .filter(|r| r.body.meta().statut == Statut::Publie)
                .count();
            json!({ "cle": k.dir(), "nombre": n })
        })
        .collect();
    let mut events: Vec<&crate::model::Record> = input
        .site
        .of_kind(Kind::Evenement)
        .filter(|r| r.body.meta().statut == Statut::Publie)
        .collect();
    events.sort_by_key(|r| match &r.body {
        Body::Evenement(e) => (e.debut.is_none(), e.debut),
        _ => (true, None),
    });
    let mut pages: Vec<&crate::model::Page> = input
        .site
        .pages
        .iter()
        .filter(|p| p.path != "index.md" && !p.meta.pied_de_page)
        .collect();
    pages.sort_by_key(|p| (p.meta.ordre.unwrap_or(i32::MAX), p.path.clone()));
    json!({
        "titre": intro.map_or(input.site.config.titre.as_str(), |p| p.meta.titre.as_str()),
        "description": intro.and_then(|p| p.meta.description.clone()),
        "contenu": intro.map(|p| p.html.clone()),
        "profils": profiles(input),
        "nombres": counts,
        "evenements": events.iter().take(3).map(|r| ctx.record(r)).collect::<Vec<_>>(),
        "pages": pages.iter().map(|p| json!({ "titre": p.meta.titre, "description": p.meta.description, "url": input.urls.page(&p.path) })).collect::<Vec<_>>(),
    })
}

fn commune(input: &RenderInput, ctx: &Ctx, insee: &str) -> Json {
    let site = input.site;
    let Some(c) = site.communes.get(insee) else {
        return Json::Null;
    };
    let attached = ctx
        .index
        .by_commune
        .get(insee)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut by_kind = Vec::new();
    for kind in Kind::ALL {
        let list: Vec<Json> = attached
            .iter()
            .filter(|(k, _)| *k == kind)
            .filter_map(|(k, id)| site.get(*k, id))
            .map(|r| ctx.record(r))
            .collect();
        if !list.is_empty() {
            by_kind.push(json!({ "cle": kind.dir(), "fiches": list }));
        }
    }
    let zonage: Vec<&crate::model::Zonage> = ctx
        .index
        .zonage
        .get(insee)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|i| site.zonage.get(*i))
        .collect();
    // Aids whose required zonage matches one of this commune's classes.
    let mut ids: Vec<&String> = zonage
        .iter()
        .filter_map(|z| {
            ctx.index
                .aids_by_zone
                .get(&(z.profession.clone(), z.classe.clone()))
        })
        .flatten()
        .collect();
    ids.sort();
    ids.dedup();
    let aides_zonage: Vec<Json> = ids.into_iter().map(|id| ctx.link(Kind::Aide, id)).collect();
    json!({
        "commune": c,
        "fiches": by_kind,
        "zonage": zonage,
        "aides_zonage": aides_zonage,
    })
}

pub fn sitemap(input: &RenderInput) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls: Vec<String> = input
        .plan
        .iter()
        .filter_map(|i| i.page.as_deref())
        .map(|p| input.urls.absolute(p))
        .collect();
    urls.sort();
    for u in urls {
        out.push_str(&format!("  <url><loc>{}</loc></url>\n", xml_escape(&u)));
    }
    out.push_str("</urlset>\n");
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
