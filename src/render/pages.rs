//! The template and context of each kind of page.
//!
//! Page data is composed of tera values: a record's view is built once per
//! build ([`Shared`]) and shared by every page that shows it as a
//! reference-counted value, so a list of N records costs N pointer copies,
//! not N serialisations. Lists, profiles, communes and the home page show
//! records as cards: each record's card is rendered once per build by
//! `partials/carte.html` (and kept across the dev server's rebuilds while
//! its record is unchanged), and every list inserts it as it is, so an aid
//! shown on twenty pages is typeset once, not twenty times.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use serde_json::{Value as Json, json};
use tera::{Context, Tera, Value as TeraValue};

use super::views::Ctx;
use super::{RenderInput, template_error};
use crate::diag::Diagnostic;
use crate::facets::{profession_path, profession_stade_path};
use crate::model::common::{Profession, Stade};
use crate::model::{Body, Kind, Record, Statut};
use crate::plan::{Item, Target, profile_path};

/// What many pages show, computed once per build, and only when a page
/// that shows it is rendered (a rebuild that reuses most pages builds few).
pub struct Shared<'a> {
    ctx: Ctx<'a>,
    /// Every record's card, by kind and id, rendered on first use.
    cards: HashMap<(Kind, &'a str), OnceLock<Card>>,
    /// The previous build's cards (the dev server), reused when their
    /// fingerprint still holds.
    previous_cards: CardCache,
    /// The first error of the card template: one error, not one per record.
    card_error: Mutex<Option<Diagnostic>>,
    tera: &'a Tera,
    /// The "Je suis…" profiles with their counts.
    profiles: OnceLock<TeraValue>,
    /// The professions by group, with their counts.
    professions: OnceLock<TeraValue>,
    input: &'a RenderInput<'a>,
}

impl<'a> Shared<'a> {
    pub fn new(
        input: &'a RenderInput<'a>,
        tera: &'a Tera,
        previous_cards: CardCache,
    ) -> Shared<'a> {
        let ctx = Ctx {
            site: input.site,
            urls: input.urls,
            index: input.index,
        };
        Shared {
            ctx,
            cards: per_record(input),
            previous_cards,
            card_error: Mutex::new(None),
            tera,
            profiles: OnceLock::new(),
            professions: OnceLock::new(),
            input,
        }
    }

    /// A record's full view. Not kept: its page and its card are its only
    /// readers, and [`crate::render::render`] renders every record's page
    /// before the lists, so the card is made from the page's view
    /// ([`Shared::page_view`]) and the views of a whole site are never
    /// alive at once.
    fn view(&self, r: &Record) -> TeraValue {
        TeraValue::from_serializable(&self.ctx.record(r))
    }

    /// The view a record's own page shows; its card is rendered from the
    /// same view on the way, unless a list did it already.
    pub(super) fn page_view(&self, r: &Record) -> TeraValue {
        let view = self.view(r);
        if let Some(cell) = self.cards.get(&(r.kind, r.id.as_str())) {
            cell.get_or_init(|| self.render_card(r, Some(&view)));
        }
        view
    }

    /// A record as lists show it: its card, with the few fields a list
    /// template may test (`kind`, `id`, `url`, `titre`, `statut`, `clos`).
    pub(super) fn card(&self, r: &Record) -> TeraValue {
        match self.cards.get(&(r.kind, r.id.as_str())) {
            Some(cell) => cell.get_or_init(|| self.render_card(r, None)).value.clone(),
            None => self.render_card(r, None).value,
        }
    }

    fn render_card(&self, r: &Record, view: Option<&TeraValue>) -> Card {
        let fp = self
            .input
            .fingerprints
            .and_then(|f| f.anchor(&crate::guide::anchor(r.kind, &r.id)))
            .map(|fp| fp ^ crate::deps::hash_str(CARD_TEMPLATE));
        let reused = self
            .previous_cards
            .get(&(r.kind, r.id.clone()))
            .filter(|(old, _)| Some(*old) == fp)
            .map(|(_, carte)| carte.clone());
        let (fp, carte) = match reused {
            Some(carte) => (fp, carte),
            None => {
                let mut ctx = Context::new();
                ctx.insert_value("fiche", view.cloned().unwrap_or_else(|| self.view(r)));
                match self.tera.render(CARD_TEMPLATE, &ctx) {
                    Ok(html) => (fp, TeraValue::safe_string(&html)),
                    Err(e) => {
                        let what = format!("la carte de {}", self.input.urls.record(r.kind, &r.id));
                        let d = template_error(&e, self.input.theme, Some(&what));
                        if let Ok(mut first) = self.card_error.lock() {
                            first.get_or_insert(d);
                        }
                        // Never kept: the build fails with the error.
                        (None, TeraValue::safe_string(""))
                    }
                }
            }
        };
        let meta = r.body.meta();
        let value = object(vec![
            ("carte", carte.clone()),
            ("kind", tv(json!(r.kind))),
            ("id", TeraValue::from(r.id.as_str())),
            (
                "url",
                TeraValue::from(self.input.urls.record(r.kind, &r.id)),
            ),
            // As the record's view says it (French typography).
            ("titre", TeraValue::from(crate::typo::typo(r.body.title()))),
            ("statut", tv(json!(meta.statut))),
            ("clos", TeraValue::from(meta.statut != Statut::Publie)),
        ]);
        Card { fp, carte, value }
    }

    /// Ends the build's use of cards: the first card error, if any, and
    /// the cards to keep for the next rebuild (those rendered now, and the
    /// previous ones of records whose card was not needed this time).
    pub fn finish_cards(self) -> (Option<Diagnostic>, CardCache) {
        let mut previous = self.previous_cards;
        let error = self.card_error.into_inner().ok().flatten();
        let mut next = CardCache::new();
        for ((kind, id), cell) in self.cards {
            let key = (kind, id.to_string());
            match cell.into_inner() {
                Some(Card {
                    fp: Some(fp),
                    carte,
                    ..
                }) => {
                    next.insert(key, (fp, carte));
                }
                Some(_) => {}
                None => {
                    if let Some(old) = previous.remove(&key) {
                        next.insert(key, old);
                    }
                }
            }
        }
        (error, next)
    }

    fn profiles(&self) -> TeraValue {
        self.profiles
            .get_or_init(|| TeraValue::from_serializable(&profiles(self.input)))
            .clone()
    }

    /// Views of records, split into current (`publie`, or `brouillon` with
    /// `--drafts`) and the others (`suspendu`, `archive`), listed apart.
    fn split<'r>(&self, records: impl Iterator<Item = &'r Record>) -> (TeraValue, TeraValue) {
        let (open, closed): (Vec<&Record>, Vec<&Record>) = records
            .partition(|r| matches!(r.body.meta().statut, Statut::Publie | Statut::Brouillon));
        let list = |v: Vec<&Record>| {
            TeraValue::from(v.into_iter().map(|r| self.card(r)).collect::<Vec<_>>())
        };
        (list(open), list(closed))
    }
}

impl Shared<'_> {
    /// Cards of the aids named by `ids`, in the given order.
    fn aids(&self, ids: &[String]) -> TeraValue {
        TeraValue::from(
            ids.iter()
                .filter_map(|id| self.input.site.get(Kind::Aide, id))
                .map(|r| self.card(r))
                .collect::<Vec<_>>(),
        )
    }

    /// The professions, grouped as the home page shows them, with their
    /// number of aids in force and their page.
    fn professions(&self) -> TeraValue {
        self.professions
            .get_or_init(|| TeraValue::from_serializable(&professions(self.input)))
            .clone()
    }
}

/// The template of a record's card.
const CARD_TEMPLATE: &str = "partials/carte.html";

/// Cards kept between builds: record → (fingerprint, HTML).
/// (Tera values share their text: a reuse copies no HTML.)
pub type CardCache = HashMap<(Kind, String), (u64, TeraValue)>;

/// One record's card: its fingerprint (when rebuilds may reuse it), its
/// HTML, and the value lists show.
struct Card {
    fp: Option<u64>,
    carte: TeraValue,
    value: TeraValue,
}

/// One empty cell per record, by kind and id, filled on first use.
fn per_record<'a, T>(input: &'a RenderInput<'a>) -> HashMap<(Kind, &'a str), OnceLock<T>> {
    input
        .site
        .records
        .values()
        .flat_map(|m| m.values())
        .map(|r| ((r.kind, r.id.as_str()), OnceLock::new()))
        .collect()
}

/// The professions with aids, grouped (médecins, sages-femmes…), in the
/// order of [`Profession::GROUPS`].
fn professions(input: &RenderInput) -> Vec<Json> {
    let facets = input.facets;
    Profession::GROUPS
        .iter()
        .filter_map(|group| {
            let members: Vec<Json> = Profession::ALL
                .iter()
                .filter(|p| p.group() == *group && facets.by_profession.contains_key(p))
                .map(|p| {
                    json!({
                        "cle": p.key(),
                        "url": input.urls.to(&profession_path(*p)),
                        "nombre": facets.count(*p),
                    })
                })
                .collect();
            (!members.is_empty()).then(|| json!({ "cle": group, "professions": members }))
        })
        .collect()
}

/// The professions with aids in force at `stade`, each linked to its page
/// for that stage (or to its own page when it has no pair page).
fn professions_at(input: &RenderInput, stade: Stade) -> Json {
    let facets = input.facets;
    let list: Vec<Json> = Profession::ALL
        .iter()
        .filter_map(|p| {
            let ids = facets.by_profession_stade.get(&(*p, stade))?;
            let path = if facets.has_pair_page(*p, stade) {
                profession_stade_path(*p, stade)
            } else {
                profession_path(*p)
            };
            Some(json!({ "cle": p.key(), "url": input.urls.to(&path), "nombre": ids.len() }))
        })
        .collect();
    json!(list)
}

/// The stages at which `p` has aids in force, each with its aids and, when
/// it exists, the page of that pair.
fn stade_groups(input: &RenderInput, shared: &Shared, p: Profession) -> TeraValue {
    let facets = input.facets;
    TeraValue::from(
        facets
            .stades_of(p)
            .into_iter()
            .filter_map(|s| {
                let ids = facets.by_profession_stade.get(&(p, s))?;
                let url = facets
                    .has_pair_page(p, s)
                    .then(|| input.urls.to(&profession_stade_path(p, s)));
                Some(object(vec![
                    ("cle", TeraValue::from(s.key())),
                    ("url", tv(json!(url))),
                    ("aides", shared.aids(ids)),
                ]))
            })
            .collect::<Vec<_>>(),
    )
}

/// A map of tera values.
pub(super) fn object(pairs: Vec<(&'static str, TeraValue)>) -> TeraValue {
    TeraValue::from(
        pairs
            .into_iter()
            .collect::<BTreeMap<&'static str, TeraValue>>(),
    )
}

pub(super) fn tv(v: Json) -> TeraValue {
    TeraValue::from_serializable(&v)
}

/// Which template renders `item`, and with what page data (`page`).
pub fn context(input: &RenderInput, shared: &Shared, item: &Item) -> (String, TeraValue) {
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
    let (template, mut data): (&str, Vec<(&'static str, TeraValue)>) = match &item.target {
        Target::Home => ("index.html", home(input, shared)),
        Target::List(kind) => {
            let (actifs, clos) = shared.split(input.facets.ordered(input.site, *kind).into_iter());
            (
                "liste.html",
                vec![
                    ("kind", tv(json!(kind))),
                    ("dir", TeraValue::from(kind.dir())),
                    ("actifs", actifs),
                    ("clos", clos),
                    ("profils", shared.profiles()),
                ],
            )
        }
        Target::Record(kind, id) => {
            let view = input
                .site
                .get(*kind, id)
                .map_or_else(TeraValue::none, |r| shared.page_view(r));
            let mut data = vec![
                ("fiche", view),
                ("liste_url", TeraValue::from(input.urls.list(*kind))),
            ];
            if let Some(z) = super::commune::for_record(input, &ctx, *kind, id) {
                data.push(("zonage_commune", z));
            }
            if let Some(r) = input.site.get(*kind, id)
                && crate::feeds::has_calendar(r)
            {
                let url = input.urls.to(&crate::feeds::event_path(id));
                data.push(("agenda_url", TeraValue::from(url)));
            }
            (kind.template(), data)
        }
        Target::Profile(stade) => {
            let matching = input
                .facets
                .ordered(input.site, Kind::Aide)
                .into_iter()
                .filter(|r| matches!(&*r.body, Body::Aide(a) if a.stade.contains(stade)));
            let (actifs, clos) = shared.split(matching);
            (
                "profil.html",
                vec![
                    ("profil", TeraValue::from(stade.key())),
                    ("actifs", actifs),
                    ("clos", clos),
                    ("profils", shared.profiles()),
                    ("professions", tv(professions_at(input, *stade))),
                ],
            )
        }
        Target::Profession(p) => {
            let closed = input
                .facets
                .by_profession
                .get(p)
                .map(|s| s.closed.as_slice())
                .unwrap_or_default();
            (
                "profession.html",
                vec![
                    ("profession", TeraValue::from(p.key())),
                    ("nombre", TeraValue::from(input.facets.count(*p))),
                    ("stades", stade_groups(input, shared, *p)),
                    ("clos", shared.aids(closed)),
                    ("professions", shared.professions()),
                    ("profils", shared.profiles()),
                ],
            )
        }
        Target::ProfessionStade(p, s) => {
            let ids = input
                .facets
                .by_profession_stade
                .get(&(*p, *s))
                .map(Vec::as_slice)
                .unwrap_or_default();
            (
                "profession.html",
                vec![
                    ("profession", TeraValue::from(p.key())),
                    ("stade", TeraValue::from(s.key())),
                    ("nombre", TeraValue::from(ids.len())),
                    ("actifs", shared.aids(ids)),
                    (
                        "profession_url",
                        TeraValue::from(input.urls.to(&profession_path(*p))),
                    ),
                    ("professions", shared.professions()),
                    ("profils", shared.profiles()),
                ],
            )
        }
        Target::SiteMapPage => ("plan-du-site.html", site_map(input, &ctx, shared)),
        Target::Search => (
            "recherche.html",
            vec![
                ("professions", shared.professions()),
                ("profils", shared.profiles()),
            ],
        ),
        Target::Communes => ("communes.html", super::commune::index(input, &ctx)),
        Target::Commune(insee) => (
            "commune.html",
            super::commune::page(input, &ctx, shared, insee),
        ),
        Target::Carte => ("carte.html", super::carte::page(input, &ctx)),
        Target::ProposerLogement => ("proposer-logement.html", super::census::page(input)),
        Target::DataPage => {
            let data = crate::opendata::page(&super::opendata_context(input));
            ("donnees.html", vec![("donnees", tv(data))])
        }
        Target::Page(i) => {
            let page = &input.site.pages[*i];
            (
                "page.html",
                vec![
                    ("titre", TeraValue::from(page.meta.titre.as_str())),
                    ("description", tv(json!(page.meta.description))),
                    ("contenu", TeraValue::from(page.html.as_str())),
                    ("sommaire", tv(json!(page.toc))),
                    (
                        "mis_a_jour_le_fr",
                        tv(json!(page.meta.mis_a_jour_le.map(super::format::date))),
                    ),
                    ("chemin", TeraValue::from(page.path.as_str())),
                    ("credits_territoire", tv(credits(input, &page.path))),
                    (
                        "informations_legales",
                        tv(json!(page.meta.informations_legales)),
                    ),
                ],
            )
        }
        _ => ("404.html", Vec::new()),
    };
    data.push(("url", TeraValue::from(page_url)));
    data.push(("canonical", TeraValue::from(canonical)));
    (template.to_string(), object(data))
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
    let mut counts = vec![0usize; Stade::ALL.len()];
    for r in input.site.of_kind(Kind::Aide) {
        if let (Body::Aide(a), Statut::Publie) = (&*r.body, r.body.meta().statut) {
            for (i, s) in Stade::ALL.iter().enumerate() {
                if a.stade.contains(s) {
                    counts[i] += 1;
                }
            }
        }
    }
    Stade::ALL
        .iter()
        .zip(counts)
        .map(|(s, count)| {
            json!({ "cle": s.key(), "url": input.urls.to(&profile_path(*s)), "nombre": count })
        })
        .collect()
}

fn home(input: &RenderInput, shared: &Shared) -> Vec<(&'static str, TeraValue)> {
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
    events.sort_by_key(|r| match &*r.body {
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
    vec![
        (
            "titre",
            TeraValue::from(intro.map_or(input.site.config.titre.as_str(), |p| p.meta.titre.as_str())),
        ),
        ("description", tv(json!(intro.and_then(|p| p.meta.description.clone())))),
        ("contenu", tv(json!(intro.map(|p| p.html.clone())))),
        ("profils", shared.profiles()),
        ("professions", shared.professions()),
        ("nombres", tv(json!(counts))),
        (
            "evenements",
            TeraValue::from(events.iter().take(3).map(|r| shared.card(r)).collect::<Vec<_>>()),
        ),
        (
            "pages",
            tv(json!(pages.iter().map(|p| json!({ "titre": p.meta.titre, "description": p.meta.description, "url": input.urls.page(&p.path) })).collect::<Vec<_>>())),
        ),
    ]
}

/// Every page of the site by section, for the "plan du site".
fn site_map(input: &RenderInput, ctx: &Ctx, shared: &Shared) -> Vec<(&'static str, TeraValue)> {
    let urls = input.urls;
    // Each record by its card's value (title, URL, status): built once per
    // build for the lists already, where a link object per record would
    // be thousands of conversions more.
    let sections: Vec<TeraValue> = Kind::ALL
        .iter()
        .map(|k| {
            let fiches: Vec<TeraValue> = input
                .facets
                .ordered(input.site, *k)
                .into_iter()
                .map(|r| shared.card(r))
                .collect();
            object(vec![
                ("cle", TeraValue::from(k.dir())),
                ("url", TeraValue::from(urls.list(*k))),
                ("fiches", TeraValue::from(fiches)),
            ])
        })
        .collect();
    let mut pages: Vec<&crate::model::Page> = input
        .site
        .pages
        .iter()
        .filter(|p| p.path != "index.md")
        .collect();
    pages.sort_by_key(|p| (p.meta.ordre.unwrap_or(i32::MAX), p.path.clone()));
    let pages: Vec<Json> = pages
        .iter()
        .map(|p| json!({ "titre": p.meta.titre, "url": urls.page(&p.path) }))
        .collect();
    let communes: Vec<Json> = crate::validate::communes_with_pages(input.site)
        .iter()
        .map(|insee| ctx.commune(insee))
        .collect();
    vec![
        ("pages", tv(json!(pages))),
        ("sections", TeraValue::from(sections)),
        ("profils", shared.profiles()),
        ("professions", shared.professions()),
        ("communes", tv(json!(communes))),
    ]
}

pub fn sitemap(input: &RenderInput) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let latest: BTreeMap<Kind, jiff::civil::Date> = Kind::ALL
        .iter()
        .filter_map(|k| {
            let d = input
                .site
                .of_kind(*k)
                .map(|r| r.body.meta().mis_a_jour_le)
                .max()?;
            Some((*k, d))
        })
        .collect();
    let mut urls: Vec<(String, Option<jiff::civil::Date>)> = input
        .plan
        .iter()
        .filter_map(|i| {
            Some((
                input.urls.absolute(i.page.as_deref()?),
                lastmod(input, &latest, i),
            ))
        })
        .collect();
    urls.sort();
    for (u, date) in urls {
        let lastmod = date
            .map(|d| format!("<lastmod>{d}</lastmod>"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  <url><loc>{}</loc>{lastmod}</url>\n",
            super::format::xml_escape(&u)
        ));
    }
    out.push_str("</urlset>\n");
    out
}

/// When a page's content last changed, as far as the content says: a
/// record's check date, a page's `mis_a_jour_le`, the latest of a list's
/// records; pages drawn from the whole site take the edition date.
fn lastmod(
    input: &RenderInput,
    latest: &BTreeMap<Kind, jiff::civil::Date>,
    item: &Item,
) -> Option<jiff::civil::Date> {
    match &item.target {
        Target::Record(kind, id) => input
            .site
            .get(*kind, id)
            .map(|r| r.body.meta().mis_a_jour_le),
        Target::List(kind) => latest.get(kind).copied(),
        Target::Profile(_) | Target::Profession(_) | Target::ProfessionStade(..) => {
            latest.get(&Kind::Aide).copied()
        }
        Target::Page(i) => input.site.pages.get(*i).and_then(|p| p.meta.mis_a_jour_le),
        _ => Some(input.edition),
    }
}
