//! Plan: every output file and what produces it, decided before anything
//! renders. Two sources claiming one path is an error, never a silent winner.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::facets::{Facets, profession_path, profession_stade_path};
use crate::model::common::{Profession, Stade};
use crate::model::{Kind, Site};
use crate::theme::Theme;
use crate::url;
use crate::validate::communes_with_pages;

/// What renders one output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Home,
    List(Kind),
    Record(Kind, String),
    /// Aids for one stage of a career ("Je suis…").
    Profile(Stade),
    /// Aids for one profession (`beneficiaires`), grouped by stage.
    Profession(Profession),
    /// Aids in force for one profession at one stage.
    ProfessionStade(Profession, Stade),
    /// The site map (RGAA 12.1: a second way to every page).
    SiteMapPage,
    /// The search page (feature `search`).
    Search,
    /// The search index, a bundle of files under `pagefind/` whose names
    /// Pagefind derives from their content; this item stands for all of
    /// them at the path of its entry file. Built beside the pages by
    /// [`crate::search`], not by a template.
    SearchIndex,
    Communes,
    Commune(String),
    /// The map of the territory: zonage by profession, sites and housing.
    Carte,
    /// How to propose housing for interns: what the Département records,
    /// from the housing model, and where to send it.
    ProposerLogement,
    /// Index in `site.pages`.
    Page(usize),
    /// The one-page printable guide.
    Guide,
    /// The guide as PDF (feature `pdf`).
    GuidePdf,
    /// One file of the open data (`/donnees/`), by [`crate::opendata`].
    Data(crate::opendata::File),
    /// The page listing the open data.
    DataPage,
    /// The calendar of one dated event, by its id ([`crate::feeds`]).
    Calendar(String),
    /// The calendar of every dated event.
    Agenda,
    /// The Atom feed of the records.
    Atom,
    NotFound,
    Sitemap,
    Robots,
    /// A theme asset, by its path under the theme's `static/`.
    ThemeAsset(String),
    /// A file of `content/static`, by its path under it.
    Static(String),
}

#[derive(Clone, Debug)]
pub struct Item {
    /// File path in the output, `/`-separated (`aides/cesp/index.html`).
    pub file: String,
    /// Site path of the page (`aides/cesp/`), for pages listed in the sitemap.
    pub page: Option<String>,
    pub target: Target,
}

/// Where the printable guide goes.
pub const GUIDE_PATH: &str = "guide/";

/// The site map page.
pub const PLAN_DU_SITE_PATH: &str = "plan-du-site/";

/// The map of the territory.
pub const CARTE_PATH: &str = "carte/";

/// The page for owners and managers of housing.
pub const PROPOSER_LOGEMENT_PATH: &str = "proposer-un-logement/";

/// The search page.
pub const RECHERCHE_PATH: &str = "recherche/";

/// Where theme assets go in the output.
pub const ASSETS_DIR: &str = "assets/";

pub fn profile_path(stade: Stade) -> String {
    format!("aides/profil/{}/", stade.key().replace('_', "-"))
}

/// The optional outputs of a build.
#[derive(Clone, Copy, Debug)]
pub struct Outputs {
    pub pdf: bool,
    pub search: bool,
}

/// The folder of the search bundle.
pub const SEARCH_DIR: &str = "pagefind/";
/// The search index's entry file, which stands for its whole bundle.
pub const SEARCH_ENTRY: &str = "pagefind/pagefind-entry.json";

pub fn plan(
    site: &Site,
    facets: &Facets,
    theme: &Theme,
    outputs: Outputs,
    diags: &mut Diagnostics,
) -> Vec<Item> {
    let mut items = Vec::new();
    let page = |path: String, target: Target, items: &mut Vec<Item>| {
        items.push(Item {
            file: format!("{path}index.html"),
            page: Some(path),
            target,
        });
    };
    page(String::new(), Target::Home, &mut items);
    for kind in Kind::ALL {
        page(url::list_path(kind), Target::List(kind), &mut items);
        for record in site.of_kind(kind) {
            page(
                url::record_path(kind, &record.id),
                Target::Record(kind, record.id.clone()),
                &mut items,
            );
        }
    }
    for stade in Stade::ALL {
        page(profile_path(stade), Target::Profile(stade), &mut items);
    }
    for p in facets.by_profession.keys() {
        page(profession_path(*p), Target::Profession(*p), &mut items);
        for s in facets.stades_of(*p) {
            if facets.has_pair_page(*p, s) {
                page(
                    profession_stade_path(*p, s),
                    Target::ProfessionStade(*p, s),
                    &mut items,
                );
            }
        }
    }
    page(
        PLAN_DU_SITE_PATH.to_string(),
        Target::SiteMapPage,
        &mut items,
    );
    page(GUIDE_PATH.to_string(), Target::Guide, &mut items);
    if outputs.search {
        page(RECHERCHE_PATH.to_string(), Target::Search, &mut items);
        items.push(Item {
            file: SEARCH_ENTRY.to_string(),
            page: None,
            target: Target::SearchIndex,
        });
    }
    if outputs.pdf
        && let Some(name) = pdf_file_name(site, diags)
    {
        items.push(Item {
            file: format!("{GUIDE_PATH}{name}"),
            page: None,
            target: Target::GuidePdf,
        });
    }
    let communes = communes_with_pages(site);
    if !communes.is_empty() {
        page(url::COMMUNES_PATH.to_string(), Target::Communes, &mut items);
    }
    if has_map(site) {
        page(CARTE_PATH.to_string(), Target::Carte, &mut items);
    }
    page(
        PROPOSER_LOGEMENT_PATH.to_string(),
        Target::ProposerLogement,
        &mut items,
    );
    for insee in communes {
        if let Some(c) = site.communes.get(&insee) {
            page(url::commune_path(c), Target::Commune(insee), &mut items);
        }
    }
    for (i, p) in site.pages.iter().enumerate() {
        let path = url::page_dir(&p.path);
        if path.is_empty() {
            // `index.md` is the home page's text, not a page of its own.
            continue;
        }
        page(path, Target::Page(i), &mut items);
    }
    page(
        crate::opendata::DIR.to_string(),
        Target::DataPage,
        &mut items,
    );
    for file in crate::opendata::File::all() {
        items.push(Item {
            file: file.path(),
            page: None,
            target: Target::Data(file),
        });
    }
    let mut dated = crate::feeds::dated_events(site).peekable();
    if dated.peek().is_some() {
        items.push(Item {
            file: crate::feeds::agenda_path(),
            page: None,
            target: Target::Agenda,
        });
    }
    for (record, _) in dated {
        items.push(Item {
            file: crate::feeds::event_path(&record.id),
            page: None,
            target: Target::Calendar(record.id.clone()),
        });
    }
    for (file, target) in [
        (crate::feeds::ATOM_PATH, Target::Atom),
        ("404.html", Target::NotFound),
        ("sitemap.xml", Target::Sitemap),
        ("robots.txt", Target::Robots),
    ] {
        items.push(Item {
            file: file.into(),
            page: None,
            target,
        });
    }
    for name in theme.statics.keys() {
        items.push(Item {
            file: format!("{ASSETS_DIR}{name}"),
            page: None,
            target: Target::ThemeAsset(name.clone()),
        });
    }
    for rel in &site.static_files {
        items.push(Item {
            file: rel.clone(),
            page: None,
            target: Target::Static(rel.clone()),
        });
    }
    check_collisions(&items, site, diags);
    items
}

/// Whether the site gets a map: some commune can be placed (a centre in
/// `communes.csv` or an outline).
pub fn has_map(site: &Site) -> bool {
    site.communes.values().any(|c| {
        (c.lat.is_some() && c.lon.is_some()) || site.contours.communes.contains_key(&c.insee)
    })
}

/// What to write in `guide.fichier_pdf`, for both places that check it.
pub(crate) const PDF_NAME_HELP: &str =
    "un nom de fichier sans dossier, en lettres sans accents, chiffres, - et _, terminé par .pdf";

/// A file name that stays inside `guide/`: no directory, no leading dot.
pub(crate) fn is_plain_pdf_name(name: &str) -> bool {
    !name.starts_with('.')
        && name.ends_with(".pdf")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The PDF's file name (`guide.fichier_pdf`), refused unless it is a plain
/// file name ending in `.pdf`: it must stay inside `guide/`.
fn pdf_file_name(site: &Site, diags: &mut Diagnostics) -> Option<String> {
    let config = site.config.guide.clone().unwrap_or_default();
    let name = config.fichier_pdf_or_default(&site.config.departement.nom);
    if is_plain_pdf_name(&name) {
        return Some(name);
    }
    diags.push(
        Diagnostic::error(
            "content/site.yaml",
            format!("nom de fichier PDF `{name}` refusé"),
        )
        .field("guide.fichier_pdf")
        .help(PDF_NAME_HELP),
    );
    None
}

fn describe(target: &Target, site: &Site) -> String {
    match target {
        Target::Page(i) => site
            .pages
            .get(*i)
            .map_or_else(String::new, |p| p.file.clone()),
        Target::Static(rel) => format!("content/static/{rel}"),
        Target::Record(kind, id) => format!("content/{}/{id}.yaml", kind.dir()),
        other => format!("{other:?}"),
    }
}

fn check_collisions(items: &[Item], site: &Site, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Target> = BTreeMap::new();
    for item in items {
        if let Some(previous) = seen.insert(item.file.as_str(), &item.target) {
            let (a, b) = (describe(previous, site), describe(&item.target, site));
            let file = if matches!(item.target, Target::Page(_) | Target::Static(_)) {
                &b
            } else {
                &a
            };
            diags.push(
                Diagnostic::error(
                    file.clone(),
                    format!("deux contenus produisent le même fichier `{}`", item.file),
                )
                .help(format!("{a} et {b} : renommez l'un des deux")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Page, PageMeta, SiteConfig};

    fn site(pages: &[&str], statics: &[&str]) -> Site {
        let config: SiteConfig = serde_json::from_value(serde_json::json!({
            "titre": "t", "description": "d", "url_base": "https://x.fr/",
            "departement": { "code": "77", "nom": "Seine-et-Marne" },
            "editeur": { "nom": "n", "adresse": "a", "telephone": "t", "directeur_publication": "d" },
            "licence_donnees": { "nom": "LO", "url": "https://x.fr/lo" }
        }))
        .unwrap();
        let page = |path: &str| Page {
            path: path.into(),
            file: format!("content/pages/{path}"),
            meta: serde_json::from_value::<PageMeta>(serde_json::json!({ "titre": "t" })).unwrap(),
            markdown: String::new(),
            html: String::new(),
            toc: Vec::new(),
            version: 0,
        };
        Site {
            config,
            records: Default::default(),
            pages: pages.iter().map(|p| page(p)).collect(),
            communes: Default::default(),
            zonage: Vec::new(),
            contours: Default::default(),
            static_files: statics.iter().map(|s| s.to_string()).collect(),
            territoire_credits: None,
        }
    }

    #[test]
    fn every_kind_has_a_list_and_pages_a_directory() {
        let mut diags = Diagnostics::default();
        let items = plan(
            &site(&["index.md", "zonage.md"], &[]),
            &Facets::default(),
            &Theme::default(),
            Outputs {
                pdf: true,
                search: true,
            },
            &mut diags,
        );
        assert!(diags.is_empty());
        let files: Vec<&str> = items.iter().map(|i| i.file.as_str()).collect();
        for f in [
            "index.html",
            "aides/index.html",
            "evenements/index.html",
            "zonage/index.html",
            "404.html",
            "sitemap.xml",
        ] {
            assert!(files.contains(&f), "{f} missing from {files:?}");
        }
        // index.md is the home page's text, not a second home page.
        assert_eq!(files.iter().filter(|f| **f == "index.html").count(), 1);
    }

    #[test]
    fn two_sources_for_one_path_is_an_error() {
        let mut diags = Diagnostics::default();
        plan(
            &site(&["aides.md"], &["robots.txt"]),
            &Facets::default(),
            &Theme::default(),
            Outputs {
                pdf: true,
                search: true,
            },
            &mut diags,
        );
        let messages: Vec<String> = diags.sorted().iter().map(|d| d.message.clone()).collect();
        assert_eq!(diags.error_count(), 2, "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("aides/index.html")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("robots.txt")),
            "{messages:?}"
        );
    }
}
