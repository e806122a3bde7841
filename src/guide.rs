//! The printable guide: one structure built from the model, rendered twice
//! (the one-page HTML guide and the PDF). Never a second copy of content.
//!
//! The structure is plain JSON-ready data: parts in order, aids grouped by
//! who they are for (each published aid exactly once), closed schemes in a
//! table, and every record reachable by an anchor inside the guide.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::model::common::{Profession, Stade};
use crate::model::config::{GuideConfig, PartieGuide};
use crate::model::{Body, Kind, Record, Site, Statut};
use crate::render::format;
use crate::render::views::Ctx;
use crate::typo::typo;

/// The anchor of a record inside the guide (`aide-cesp`).
pub fn anchor(kind: Kind, id: &str) -> String {
    format!("{}-{id}", kind.key())
}

/// The anchor prefix of a page inside the guide (`page-zonage`).
pub fn page_anchor(path: &str) -> String {
    format!("page-{}", slug::slugify(path.trim_end_matches(".md")))
}

#[derive(Debug, Serialize)]
pub struct Guide {
    pub titre: String,
    pub sous_titre: Option<String>,
    pub departement: String,
    pub editeur: String,
    pub edition_fr: String,
    pub edition: String,
    pub licence: Json,
    pub fichier_pdf: String,
    /// Whether this build writes the PDF (vitrine built with the `pdf`
    /// feature): the HTML guide links to it only then.
    pub pdf: bool,
    /// The site's address as printed (`guide.exemple.fr/sous-chemin`), its
    /// URL and a QR code to it (an SVG document, empty if the URL cannot be
    /// encoded): a reader of the paper guide finds the living one.
    pub site_adresse: String,
    pub site_url: String,
    pub qr: String,
    /// Where owners and managers propose housing, absolute.
    pub proposer_logement_url: String,
    /// The parts, in reading order.
    pub parties: Vec<Partie>,
    /// Site URL → anchor inside the guide of every page and record the
    /// guide contains (`/aides/cesp/` → `aide-cesp`): how links to them are
    /// written in the guide, HTML and PDF alike.
    #[serde(skip)]
    pub targets: HashMap<String, String>,
}

/// One part of the guide. `kind` says what it holds.
#[derive(Debug, Serialize)]
pub struct Partie {
    pub kind: PartieGuide,
    /// Anchor of the part (`partie-aides`).
    pub ancre: String,
    /// Title, from the translation file or the page.
    pub titre: String,
    /// For `aides`: the groups, each with its aids.
    pub groupes: Vec<Groupe>,
    /// For record parts (stages, logements…), the records' views.
    pub fiches: Vec<View>,
    /// For `aides_closes`: one row per closed or suspended scheme.
    pub lignes: Vec<Json>,
    /// For page parts: the page (title, HTML, Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<Json>,
    /// For `zonage`: a map per profession with a zonage in force.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cartes: Vec<Json>,
}

#[derive(Debug, Serialize)]
pub struct Groupe {
    pub cle: String,
    pub ancre: String,
    pub titre: String,
    pub aides: Vec<View>,
}

/// A record's guide view, shared: a rebuild keeps an unchanged record's
/// view from the previous guide without copying it.
pub type View = std::sync::Arc<Json>;

/// Which group an aid belongs to: the earliest stage of the career it
/// serves; installed professionals are grouped by their profession.
fn group_of(stades: &[Stade], beneficiaires: &[Profession]) -> String {
    if stades.contains(&Stade::Etudiant) {
        return "etudiants".into();
    }
    if stades.contains(&Stade::Interne) || stades.contains(&Stade::DocteurJunior) {
        return "internes".into();
    }
    let structure = stades.contains(&Stade::Structure)
        || beneficiaires
            .iter()
            .all(|p| matches!(p, Profession::Collectivite | Profession::Structure));
    if structure {
        return "structures".into();
    }
    let first = beneficiaires
        .iter()
        .find(|p| !matches!(p, Profession::Collectivite | Profession::Structure))
        .and_then(|p| {
            serde_json::to_value(p)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| "autres".into());
    format!("professionnels-{first}")
}

/// Builds the guide. `t` is the theme's strings (titles of parts and groups).
pub fn build(
    site: &Site,
    ctx: &Ctx,
    t: &Json,
    edition: jiff::civil::Date,
    with_pdf: bool,
) -> Guide {
    let facets = crate::facets::Facets::new(site);
    build_cached(site, ctx, &facets, t, edition, with_pdf, None, &Memo::new())
}

/// The memo of a built guide: each record's view by anchor, with the
/// fingerprint it was made from.
pub fn memo<'a>(guide: &'a Guide, fps: &crate::deps::Fingerprints) -> Memo<'a> {
    guide
        .parties
        .iter()
        .flat_map(|p| {
            p.fiches
                .iter()
                .chain(p.groupes.iter().flat_map(|g| g.aides.iter()))
        })
        .filter_map(|v| {
            let ancre = v.get("ancre")?.as_str()?;
            Some((ancre, (fps.anchor(ancre)?, v)))
        })
        .collect()
}

/// Records' guide views of a previous build, by anchor, with the
/// fingerprint of what they were made from ([`crate::deps`]).
pub type Memo<'a> = HashMap<&'a str, (u64, &'a View)>;

/// Builds the guide. `t` is the theme's strings (titles of parts and groups).
/// A record whose fingerprint (`fps`) matches its entry in `memo` keeps
/// its view from there instead of rendering its Markdown again.
#[allow(clippy::too_many_arguments)]
pub fn build_cached(
    site: &Site,
    ctx: &Ctx,
    facets: &crate::facets::Facets,
    t: &Json,
    edition: jiff::civil::Date,
    with_pdf: bool,
    fps: Option<&crate::deps::Fingerprints>,
    memo: &Memo,
) -> Guide {
    let config = site.config.guide.clone().unwrap_or_default();
    let title = |key: &str| {
        t.get("guide")
            .and_then(|g| g.get(key))
            .and_then(Json::as_str)
            .unwrap_or(key)
            .to_string()
    };
    let targets = targets(site, ctx.urls, &config);
    let links = GuideLinks {
        site,
        urls: ctx.urls,
        targets: &targets,
        communes: crate::validate::communes_with_pages(site),
        fps,
        memo,
    };
    let mut parties = Vec::new();
    for kind in config.ordre() {
        let ancre = format!(
            "partie-{}",
            serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
                .replace('_', "-")
        );
        let mut partie = Partie {
            kind,
            ancre,
            titre: title(&format!("{kind:?}").to_lowercase()),
            groupes: Vec::new(),
            fiches: Vec::new(),
            lignes: Vec::new(),
            page: None,
            cartes: Vec::new(),
        };
        match kind {
            PartieGuide::Couverture | PartieGuide::Sommaire => {}
            PartieGuide::Introduction | PartieGuide::Zonage | PartieGuide::Credits => {
                let path = match kind {
                    PartieGuide::Introduction => config.introduction.as_deref(),
                    PartieGuide::Zonage => config.zonage.as_deref(),
                    _ => config.credits.as_deref(),
                };
                let Some(page) = path.and_then(|p| site.pages.iter().find(|pg| pg.path == p))
                else {
                    continue;
                };
                partie.titre = page.meta.titre.clone();
                let prefix = page_anchor(&page.path);
                let here = crate::url::page_dir(&page.path);
                let mut html = links.render(&page.markdown, &here, 0, Some(&prefix));
                if kind == PartieGuide::Credits
                    && let Some(c) = &site.territoire_credits
                {
                    html.push_str(&crate::markdown::render_plain(c));
                }
                if kind == PartieGuide::Zonage {
                    partie.cartes = crate::carte::print::maps(site, &ctx.index.carte, t, &prefix);
                    partie
                        .cartes
                        .iter_mut()
                        .for_each(|c| crate::typo::json(c, crate::typo::NOT_TEXT));
                }
                partie.ancre = prefix;
                partie.page = Some(json!({
                    "titre": page.meta.titre,
                    "html": html,
                    "markdown": page.markdown,
                    "chemin": page.path,
                }));
            }
            PartieGuide::Aides => {
                let mut groups: Vec<Groupe> = Vec::new();
                let aids: Vec<&Record> = facets
                    .ordered(site, Kind::Aide)
                    .into_iter()
                    .filter(|r| in_guide(r))
                    .collect();
                let mut views: Vec<View> = aids
                    .par_iter()
                    .map(|r| guide_view(ctx, &links, r))
                    .collect::<Vec<_>>();
                for (r, view) in aids.iter().zip(views.drain(..)) {
                    let Body::Aide(a) = &*r.body else { continue };
                    let cle = group_of(&a.stade, &a.beneficiaires);
                    let idx = match groups.iter().position(|g| g.cle == cle) {
                        Some(i) => i,
                        None => {
                            let titre = match cle.strip_prefix("professionnels-") {
                                Some(prof) => format!(
                                    "{} : {}",
                                    title("professionnels"),
                                    t.get("profession")
                                        .and_then(|p| p.get(prof))
                                        .and_then(Json::as_str)
                                        .unwrap_or(prof)
                                ),
                                None => title(&cle),
                            };
                            groups.push(Groupe {
                                ancre: format!("groupe-{cle}"),
                                cle: cle.clone(),
                                titre,
                                aides: Vec::new(),
                            });
                            groups.len() - 1
                        }
                    };
                    groups[idx].aides.push(view);
                }
                groups.sort_by_key(|g| group_rank(&g.cle));
                partie.groupes = groups;
            }
            PartieGuide::AidesCloses => {
                let mut lignes: Vec<Json> = facets.ordered(site, Kind::Aide)
                    .into_iter()
                    .filter(|r| r.body.meta().statut == Statut::Archive)
                    .map(|r| {
                        let Body::Aide(a) = &*r.body else { return Json::Null };
                        let next = a.remplace_par.as_deref().and_then(|n| site.get(Kind::Aide, n)).map(|n| {
                            json!({ "titre": n.body.title(), "ancre": anchor(Kind::Aide, &n.id), "dans_le_guide": in_guide(n) })
                        });
                        json!({
                            "titre": r.body.title(),
                            "ancre": anchor(Kind::Aide, &r.id),
                            "date_cloture_fr": a.date_cloture.map(format::date),
                            "remplace_par": next,
                        })
                    })
                    .collect();
                if lignes.is_empty() {
                    continue;
                }
                lignes
                    .iter_mut()
                    .for_each(|l| crate::typo::json(l, crate::typo::NOT_TEXT));
                partie.lignes = lignes;
            }
            PartieGuide::Stages
            | PartieGuide::Logements
            | PartieGuide::Atouts
            | PartieGuide::Evenements
            | PartieGuide::Contacts => {
                let kind_of = match kind {
                    PartieGuide::Stages => Kind::Stage,
                    PartieGuide::Logements => Kind::Logement,
                    PartieGuide::Atouts => Kind::Atout,
                    PartieGuide::Evenements => Kind::Evenement,
                    _ => Kind::Organisation,
                };
                let records: Vec<&Record> = facets
                    .ordered(site, kind_of)
                    .into_iter()
                    .filter(|r| in_guide(r))
                    .collect();
                partie.fiches = records
                    .par_iter()
                    .map(|r| guide_view(ctx, &links, r))
                    .collect();
                if partie.fiches.is_empty() && kind != PartieGuide::Logements {
                    continue;
                }
            }
        }
        parties.push(partie);
    }
    Guide {
        // The guide's own texts, in French typography like the records'
        // views it holds (HTML and PDF alike).
        titre: typo(config.titre.as_deref().unwrap_or(&site.config.titre)),
        sous_titre: site.config.sous_titre.as_deref().map(typo),
        departement: typo(&site.config.departement.nom),
        editeur: typo(&site.config.editeur.nom),
        edition_fr: format::date(edition),
        edition: edition.to_string(),
        licence: json!(site.config.licence_donnees),
        fichier_pdf: config.fichier_pdf_or_default(&site.config.departement.nom),
        pdf: with_pdf,
        site_adresse: format::printed_address(&ctx.urls.absolute("")),
        site_url: ctx.urls.absolute(""),
        qr: qr_svg(&ctx.urls.absolute("")),
        proposer_logement_url: ctx.urls.absolute(crate::plan::PROPOSER_LOGEMENT_PATH),
        parties,
        targets,
    }
}

/// A QR code to `url`, as an SVG document; empty if it cannot be encoded.
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Records shown in the guide: published or suspended (marked), never
/// drafts; closed aids appear only in the closed-schemes table.
fn in_guide(r: &Record) -> bool {
    matches!(r.body.meta().statut, Statut::Publie | Statut::Suspendu)
}

fn group_rank(cle: &str) -> (u8, String) {
    match cle {
        "etudiants" => (0, String::new()),
        "internes" => (1, String::new()),
        "structures" => (3, String::new()),
        other => (2, other.to_string()),
    }
}

/// A record's view with its guide anchor, its Markdown rendered for the
/// guide: links inside it, headings two levels lower (a record is an `h4`
/// under its part and group, so its text's `##` is an `h5`).
fn guide_view(ctx: &Ctx, links: &GuideLinks, r: &Record) -> View {
    let ancre = anchor(r.kind, &r.id);
    if let (Some(fp), Some((old, view))) = (
        links.fps.and_then(|f| f.anchor(&ancre)),
        links.memo.get(ancre.as_str()),
    ) && fp == *old
    {
        return View::clone(view);
    }
    let mut v = ctx.record(r);
    v["ancre"] = json!(ancre);
    let here = crate::url::record_path(r.kind, &r.id);
    let html: serde_json::Map<String, Json> = r
        .body
        .markdown_fields()
        .into_iter()
        .map(|(name, text)| {
            let notes = format!("{}-{name}", v["ancre"].as_str().unwrap_or_default());
            (
                name.to_string(),
                json!(links.render(text, &here, 3, Some(&notes))),
            )
        })
        .collect();
    v["html"] = Json::Object(html);
    View::new(v)
}

/// How Markdown links are written in the guide: a page or record the guide
/// contains becomes an anchor inside it (`@/aides/cesp` → `#aide-cesp`, as
/// mdBook's print page does); any other page of the site becomes an
/// absolute address, readable on paper.
struct GuideLinks<'a> {
    site: &'a Site,
    urls: &'a crate::url::Urls,
    targets: &'a HashMap<String, String>,
    communes: std::collections::BTreeSet<String>,
    fps: Option<&'a crate::deps::Fingerprints>,
    memo: &'a Memo<'a>,
}

impl GuideLinks<'_> {
    fn resolve(&self, target: &str) -> Result<crate::markdown::Resolved, String> {
        let r = crate::validate::resolve(self.site, self.urls, &self.communes, target)?;
        let url = match self.targets.get(&r.url) {
            Some(a) => format!("#{a}"),
            None => {
                let rel = r.url.strip_prefix(self.urls.base_path()).unwrap_or(&r.url);
                self.urls.absolute(rel)
            }
        };
        Ok(crate::markdown::Resolved { url, page: r.page })
    }

    /// Markdown to HTML for the guide. Problems were reported when the
    /// site's own rendering ran; they are not reported twice.
    fn render(
        &self,
        markdown: &str,
        here: &str,
        heading_shift: u8,
        id_prefix: Option<&str>,
    ) -> String {
        let resolve = |t: &str| self.resolve(t);
        // A plain site link (`/aides/cesp/`) goes to the anchor of what the
        // guide contains, else to the site.
        let site_url = |path: &str| {
            let url = self.urls.to(path);
            let slashed = format!("{url}/");
            match self
                .targets
                .get(&url)
                .or_else(|| self.targets.get(&slashed))
            {
                Some(a) => format!("#{a}"),
                None => self.urls.absolute(path),
            }
        };
        let settings = crate::markdown::Settings {
            resolve: &resolve,
            allow_html: self.site.config.html_brut_autorise,
            heading_shift,
            id_prefix,
            here,
            site_url: &site_url,
        };
        crate::markdown::render(markdown, &settings)
            .html
            .to_string()
    }
}

/// The site URL of every page and record the guide contains, with its
/// anchor in the guide (`/guide/aides/cesp/` → `aide-cesp`). Decided from
/// the configuration and statuses alone, before anything is rendered, so
/// the guide's links are written right the first time.
fn targets(site: &Site, urls: &crate::url::Urls, config: &GuideConfig) -> HashMap<String, String> {
    let mut targets = HashMap::new();
    for part in config.ordre() {
        let kind = match part {
            PartieGuide::Aides => Kind::Aide,
            PartieGuide::Stages => Kind::Stage,
            PartieGuide::Logements => Kind::Logement,
            PartieGuide::Atouts => Kind::Atout,
            PartieGuide::Evenements => Kind::Evenement,
            PartieGuide::Contacts => Kind::Organisation,
            PartieGuide::AidesCloses => {
                for r in site
                    .of_kind(Kind::Aide)
                    .filter(|r| r.body.meta().statut == Statut::Archive)
                {
                    targets.insert(urls.record(Kind::Aide, &r.id), anchor(Kind::Aide, &r.id));
                }
                continue;
            }
            PartieGuide::Introduction | PartieGuide::Zonage | PartieGuide::Credits => {
                let path = match part {
                    PartieGuide::Introduction => config.introduction.as_deref(),
                    PartieGuide::Zonage => config.zonage.as_deref(),
                    _ => config.credits.as_deref(),
                };
                if let Some(page) = path.and_then(|p| site.pages.iter().find(|pg| pg.path == p)) {
                    targets.insert(urls.page(&page.path), page_anchor(&page.path));
                }
                continue;
            }
            PartieGuide::Couverture | PartieGuide::Sommaire => continue,
        };
        for r in site.of_kind(kind).filter(|r| in_guide(r)) {
            targets.insert(urls.record(kind, &r.id), anchor(kind, &r.id));
        }
    }
    targets
}

impl GuideConfig {
    /// The parts, in the order of site.yaml or the default order.
    pub fn ordre(&self) -> Vec<PartieGuide> {
        if self.parties.is_empty() {
            PartieGuide::DEFAULT_ORDER.to_vec()
        } else {
            self.parties.clone()
        }
    }

    pub fn fichier_pdf_or_default(&self, departement: &str) -> String {
        self.fichier_pdf
            .clone()
            .unwrap_or_else(|| format!("guide-installation-{}.pdf", slug::slugify(departement)))
    }
}
