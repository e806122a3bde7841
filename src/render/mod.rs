//! Render: every planned item to bytes, in parallel, from the in-memory
//! model. Templates are compiled once per run; site-wide data goes into the
//! global context once; each page adds only its own data.

mod carte;
mod census;
mod commune;
pub mod format;
pub mod nearby;
mod pages;
pub(crate) use pages::CardCache;
pub mod views;

use std::collections::{BTreeMap, HashMap};

use crate::deps::RenderCache;

use rayon::prelude::*;
use serde_json::{Value as Json, json};
use tera::{Context, Kwargs, State, Tera};

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::model::Site;
use crate::plan::{ASSETS_DIR, Item, Target};
use crate::theme::Theme;
use crate::url::{self, Urls};

/// The output of a build: file path → bytes, ordered. The bytes are shared
/// (a rebuild reuses unchanged pages without copying them).
pub type Output = BTreeMap<String, Bytes>;

/// The bytes of one output file.
pub type Bytes = std::sync::Arc<[u8]>;

/// Extra markup the dev server adds to every HTML page (its reload script).
#[derive(Clone, Debug, Default)]
pub struct Inject {
    pub before_body_end: String,
}

pub struct RenderInput<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls,
    pub theme: &'a Theme,
    pub plan: &'a [Item],
    /// Date printed as "à jour au" (derived from content or SOURCE_DATE_EPOCH).
    pub edition: jiff::civil::Date,
    pub inject: &'a Inject,
    /// `content/static`, where static files are read from.
    pub static_root: &'a std::path::Path,
    /// Reverse links between records, built once.
    pub index: &'a views::Index,
    /// The printable guide's structure, built once.
    pub guide: &'a crate::guide::Guide,
    /// Aids by profession and stage, built once.
    pub facets: &'a crate::facets::Facets,
    /// What each item depends on, when outputs of a previous build may be
    /// reused (the dev server); `None` renders everything.
    pub fingerprints: Option<&'a crate::deps::Fingerprints>,
    /// Where each output goes as soon as it is rendered (`build`: the
    /// staging directory), instead of being kept in the returned
    /// [`Output`] (`serve`, tests).
    pub sink: Option<&'a Sink<'a>>,
}

/// Takes one rendered output, its path and bytes.
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Compiles the theme's templates; syntax errors are located in their file.
pub fn compile(theme: &Theme, diags: &mut Diagnostics) -> Option<Tera> {
    let mut tera = Tera::default();
    register_filters(&mut tera);
    let mut sources = Vec::new();
    for (name, file) in &theme.templates {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => sources.push((name.clone(), text.to_string())),
            Err(_) => diags.push(Diagnostic::error(
                &file.origin,
                "gabarit non encodé en UTF-8",
            )),
        }
    }
    match tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        Ok(()) => Some(tera),
        Err(err) => {
            diags.push(template_error(&err, theme, None));
            None
        }
    }
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "date_fr",
        |s: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            s.parse::<jiff::civil::Date>()
                .map(format::date)
                .map_err(|e| {
                    tera::Error::message(format!("date_fr: `{s}` n'est pas une date : {e}"))
                })
        },
    );
    tera.register_filter("euros", |n: f64, _: Kwargs, _: &State| format::euros(n));
    tera.register_filter("nombre", |n: f64, _: Kwargs, _: &State| format::number(n));
    tera.register_filter("tel_href", |s: &str, _: Kwargs, _: &State| {
        format::tel_href(s)
    });
}

/// Turns a tera error into a diagnostic naming the template, its line and
/// column, and the page being rendered.
fn template_error(err: &tera::Error, theme: &Theme, page: Option<&str>) -> Diagnostic {
    let suffix = page
        .map(|p| format!(" (en produisant {p})"))
        .unwrap_or_default();
    match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = theme.templates.get(r.filename());
            let origin = file.map_or_else(|| r.filename().to_string(), |f| f.origin.clone());
            let span = file
                .and_then(|f| std::str::from_utf8(&f.bytes).ok())
                .map(|text| {
                    let range = r.span().range.clone();
                    Span::from_range(text, range)
                });
            Diagnostic::error(
                origin,
                format!("erreur de gabarit : {}{suffix}", r.message()),
            )
            .at(span)
        }
        _ => {
            let mut message = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                message.push_str(&format!(" : {s}"));
                source = s.source();
            }
            Diagnostic::error("themes", format!("erreur de gabarit : {message}{suffix}"))
        }
    }
}

/// Site-wide data every template sees.
fn global(input: &RenderInput) -> Json {
    let RenderInput {
        site, urls, theme, ..
    } = input;
    let c = &site.config;
    let communes = crate::validate::communes_with_pages(site);
    let nav: Vec<Json> = c
        .navigation
        .iter()
        .map(|l| {
            let target = l.lien.strip_prefix("@/").unwrap_or(&l.lien);
            let url = crate::validate::resolve(site, urls, &communes, target)
                .map(|r| r.url)
                .unwrap_or_else(|_| l.lien.clone());
            json!({ "titre": l.titre, "url": url })
        })
        .collect();
    let mut footer: Vec<&crate::model::Page> =
        site.pages.iter().filter(|p| p.meta.pied_de_page).collect();
    footer.sort_by_key(|p| (p.meta.ordre.unwrap_or(i32::MAX), p.path.clone()));
    let footer: Vec<Json> = footer
        .iter()
        .map(|p| json!({ "titre": p.meta.titre, "url": urls.page(&p.path) }))
        .collect();
    let assets: serde_json::Map<String, Json> = theme
        .statics
        .iter()
        .map(|(name, f)| {
            let hash = blake3_short(&f.bytes);
            (
                name.clone(),
                json!(format!(
                    "{}?v={hash}",
                    urls.to(&format!("{ASSETS_DIR}{name}"))
                )),
            )
        })
        .collect();
    let lists: serde_json::Map<String, Json> = crate::model::Kind::ALL
        .iter()
        .map(|k| (k.dir().to_string(), json!(urls.list(*k))))
        .collect();
    // Every tab names the département (a reader has several guides open).
    let titre_onglet = if c.titre.contains(&c.departement.nom) {
        c.titre.clone()
    } else {
        format!("{} · {}", c.titre, c.departement.nom)
    };
    let mut global = json!({
        "titre": c.titre,
        "titre_onglet": titre_onglet,
        "plan_du_site_url": urls.to(crate::plan::PLAN_DU_SITE_PATH),
        "recherche_url": urls.to(crate::plan::RECHERCHE_PATH),
        "recherche": input.plan.iter().any(|i| i.target == Target::SearchIndex),
        "pagefind_url": urls.to(crate::plan::SEARCH_ENTRY.trim_end_matches("pagefind-entry.json")),
        "sous_titre": c.sous_titre,
        "description": c.description,
        "langue": c.langue,
        "departement": c.departement,
        "editeur": c.editeur,
        "hebergeur": c.hebergeur,
        "licence_donnees": c.licence_donnees,
        "accueil": urls.home(),
        "communes_url": urls.to(url::COMMUNES_PATH),
        "proposer_logement_url": urls.to(crate::plan::PROPOSER_LOGEMENT_PATH),
        "carte_url": input.plan.iter().any(|i| i.target == Target::Carte).then(|| urls.to(crate::plan::CARTE_PATH)),
        "base_path": urls.base_path(),
        "navigation": nav,
        "pied_de_page": footer,
        "listes": lists,
        "guide_url": urls.to(crate::plan::GUIDE_PATH),
        "donnees_url": urls.to(crate::opendata::DIR),
        "atom_url": urls.to(crate::feeds::ATOM_PATH),
        "agenda_url": input.plan.iter().any(|i| i.target == Target::Agenda).then(|| urls.to(&crate::feeds::agenda_path())),
        "assets": assets,
        "edition_fr": format::date(input.edition),
        "edition": input.edition.to_string(),
    });
    crate::typo::json(&mut global, crate::typo::NOT_TEXT);
    global
}

/// A short, stable fingerprint of an asset for cache busting.
fn blake3_short(bytes: &[u8]) -> String {
    // FNV-1a: enough to change the URL when the file changes; not security.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{:08x}", h >> 32)
}

/// Renders every planned item. With fingerprints ([`crate::deps`]), an
/// item whose fingerprint is the one `cache` holds is not rendered again:
/// its previous bytes are reused; `cache` then holds this build's outputs.
pub fn render(
    input: &RenderInput,
    tera: &mut Tera,
    diags: &mut Diagnostics,
    cache: &mut RenderCache,
) -> Option<Output> {
    let global = global(input);
    tera.global_context().insert("site", &global);
    tera.global_context().insert("t", &input.theme.strings);
    let tera: &Tera = tera;
    let shared = pages::Shared::new(input, tera, std::mem::take(&mut cache.cards));
    let previous = std::mem::take(&mut cache.pages);
    let fiches = GuideFiches {
        previous: std::mem::take(&mut cache.fiches),
        next: std::sync::Mutex::new(HashMap::new()),
    };
    // Only a build that keeps its results for the next one keeps lines.
    let rows = input.fingerprints.map(|_| crate::opendata::rows::Memo {
        previous: std::mem::take(&mut cache.rows),
        next: Default::default(),
    });
    // Records' own pages first, then the rest: each record's full view
    // then lives only while its page renders (its card is made from it),
    // instead of all of them until the last list is done.
    let (records, others): (Vec<&Item>, Vec<&Item>) = input
        .plan
        .iter()
        .filter(|item| !matches!(item.target, Target::GuidePdf | Target::SearchIndex))
        .partition(|item| matches!(item.target, Target::Record(..)));
    let render_one = |item: &&Item| {
        let fp = input
            .fingerprints
            .and_then(|f| f.item(item, input.site, input.index));
        if let (Some(fp), Some((old, bytes))) = (fp, previous.get(&item.file))
            && *old == fp
        {
            return Ok((item.file.clone(), Some(fp), Some(bytes.clone()), true));
        }
        let bytes = render_item(input, &shared, &fiches, rows.as_ref(), tera, item)?;
        if let Some(sink) = input.sink {
            sink(&item.file, &bytes)?;
            return Ok((item.file.clone(), None, None, false));
        }
        Ok((item.file.clone(), fp, Some(Bytes::from(bytes)), false))
    };
    let mut results: Vec<Result<Rendered, Diagnostic>> =
        records.par_iter().map(render_one).collect();
    // One item per job: the few dear pages (guide, site map, lists) sit
    // together in the plan, and coarser splits left them to one core
    // while the other ran out of work.
    results.par_extend(others.par_iter().with_max_len(1).map(render_one));
    drop(previous);
    let (card_error, cards) = shared.finish_cards();
    cache.cards = cards;
    // `VITRINE_LOG=rendu`: which items a rebuild rendered again.
    if std::env::var("VITRINE_LOG").is_ok_and(|v| v.split(',').any(|w| w == "rendu")) {
        let rendered: Vec<&str> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|(_, _, _, reused)| !reused)
            .map(|(p, _, _, _)| p.as_str())
            .collect();
        eprintln!(
            "rendu\t{} sur {} : {}",
            rendered.len(),
            results.len(),
            rendered
                .iter()
                .take(12)
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let mut out = Output::new();
    let mut ok = true;
    if let Some(d) = card_error {
        ok = false;
        diags.push(d);
    }
    for r in results {
        match r {
            Ok((path, fp, Some(bytes), _)) => {
                if let Some(fp) = fp {
                    cache.pages.insert(path.clone(), (fp, bytes.clone()));
                }
                out.insert(path, bytes);
            }
            // Written to the sink already.
            Ok((_, _, None, _)) => {}
            Err(d) => {
                ok = false;
                diags.push(d);
            }
        }
    }
    if let Some(rows) = rows {
        // Lines of exports reused whole stay; those of removed records go.
        let mut kept = rows.previous;
        kept.extend(rows.next.into_inner().unwrap_or_default());
        kept.retain(|(kind, id, _), _| input.site.get(*kind, id).is_some());
        cache.rows = kept;
    }
    let GuideFiches { previous, next } = fiches;
    cache.fiches = match next.into_inner() {
        Ok(next) if !next.is_empty() => next,
        // The guide page was reused: its records' renderings still hold.
        _ => previous,
    };
    ok.then_some(out)
}

/// One output: its path, its fingerprint (when rebuilds can reuse it), its
/// bytes (`None` once given to the sink), and whether they were reused.
type Rendered = (String, Option<u64>, Option<Bytes>, bool);

/// The guide's records rendered by their partials: the previous build's,
/// and this build's (filled when the guide page is rendered).
struct GuideFiches {
    previous: HashMap<String, (u64, tera::Value)>,
    next: std::sync::Mutex<HashMap<String, (u64, tera::Value)>>,
}

fn render_item(
    input: &RenderInput,
    shared: &pages::Shared,
    fiches: &GuideFiches,
    rows: Option<&crate::opendata::rows::Memo>,
    tera: &Tera,
    item: &Item,
) -> Result<Vec<u8>, Diagnostic> {
    match &item.target {
        Target::ThemeAsset(name) => {
            return input
                .theme
                .statics
                .get(name)
                .map(|f| f.bytes.clone())
                .ok_or_else(|| {
                    Diagnostic::error("themes", format!("ressource `{name}` introuvable"))
                });
        }
        Target::Static(rel) => {
            let path = input.static_root.join(rel);
            return std::fs::read(&path).map_err(|e| {
                Diagnostic::error(
                    format!("content/static/{rel}"),
                    format!("lecture impossible : {e}"),
                )
            });
        }
        Target::Sitemap => return Ok(pages::sitemap(input).into_bytes()),
        Target::Data(file) => {
            return crate::opendata::render(&opendata_context(input), *file, rows);
        }
        Target::Atom => return Ok(crate::feeds::atom::feed(&feeds_context(input))),
        Target::Agenda => {
            let ctx = feeds_context(input);
            let name = format!(
                "{} · {}",
                input.site.config.titre,
                crate::feeds::Context::label_of(input.theme.strings.get("kinds"), "evenements")
            );
            let events = crate::feeds::dated_events(input.site);
            return Ok(crate::feeds::ics::calendar(&ctx, &name, events));
        }
        Target::Calendar(id) => {
            let ctx = feeds_context(input);
            let event = input.site.get(crate::model::Kind::Evenement, id);
            let name = event.map_or(id.as_str(), |r| r.body.title());
            let events = event.and_then(crate::feeds::dated).into_iter();
            return Ok(crate::feeds::ics::calendar(&ctx, name, events));
        }
        // Typeset (indexed) beside the pages by their own stage, not here.
        Target::GuidePdf | Target::SearchIndex => {
            return Err(Diagnostic::error(
                "themes",
                "le PDF n'est pas une page : il est produit par son propre module",
            ));
        }
        Target::Robots => {
            return Ok(format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                input.urls.absolute("sitemap.xml")
            )
            .into_bytes());
        }
        _ => {}
    }
    if item.target == Target::Guide {
        let mut ctx = Context::new();
        ctx.insert_value("guide", guide_outline(input.guide));
        let (rendus, size) = guide_fiches(input, fiches, tera)?;
        ctx.insert_value("rendus", rendus);
        ctx.insert(
            "page",
            &json!({ "url": input.urls.to(crate::plan::GUIDE_PATH) }),
        );
        // The page is mostly its records' renderings: room for them and
        // the rest at once, not a growing buffer copied as it doubles.
        let html = render_bytes(tera, "guide.html", &ctx, size + (size >> 4) + 65536)
            .map_err(|e| template_error(&e, input.theme, Some(&item.file)))?;
        return Ok(inject(html, input.inject));
    }
    let (template, page) = pages::context(input, shared, item);
    let mut context = Context::new();
    context.insert_value("page", page);
    let html = render_bytes(tera, &template, &context, 16 * 1024)
        .map_err(|e| template_error(&e, input.theme, Some(&item.file)))?;
    Ok(inject(html, input.inject))
}

/// What the open-data exports read.
pub(crate) fn opendata_context<'a>(input: &RenderInput<'a>) -> crate::opendata::Context<'a> {
    crate::opendata::Context {
        site: input.site,
        urls: input.urls,
        strings: &input.theme.strings,
        edition: input.edition,
    }
}

/// What the feeds read.
fn feeds_context<'a>(input: &RenderInput<'a>) -> crate::feeds::Context<'a> {
    crate::feeds::Context {
        site: input.site,
        urls: input.urls,
        strings: &input.theme.strings,
        tz: crate::feeds::time_zone(&input.site.config.departement.code),
    }
}

/// Renders a page as the bytes written out: tera's `render` would check
/// the whole page is UTF-8 once more to make a `String` (every template
/// and value is a `str` already).
fn render_bytes(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    capacity: usize,
) -> tera::TeraResult<Vec<u8>> {
    let mut out = Vec::with_capacity(capacity);
    tera.render_to(template, ctx, &mut out)?;
    Ok(out)
}

/// The guide as `guide.html` reads it: its parts in order, each record
/// reduced to its anchor, title and status (its rendering is in `rendus`),
/// so the page does not convert every record's full view once more. Built
/// as tera values directly: thousands of small objects, each converted
/// once instead of twice (through JSON).
fn guide_outline(guide: &crate::guide::Guide) -> tera::Value {
    use tera::Value as Tv;
    let text = |f: &Json, key: &'static str| -> (&'static str, Tv) {
        let v = f
            .get(key)
            .and_then(Json::as_str)
            .map_or_else(Tv::none, Tv::from);
        (key, v)
    };
    let slim = |fiches: &[crate::guide::View]| -> Tv {
        Tv::from(
            fiches
                .iter()
                .map(|f| {
                    Tv::from(BTreeMap::from([
                        text(f, "ancre"),
                        text(f, "titre"),
                        text(f, "statut"),
                    ]))
                })
                .collect::<Vec<_>>(),
        )
    };
    let parties: Vec<Tv> = guide
        .parties
        .iter()
        .map(|p| {
            let groupes: Vec<Tv> = p
                .groupes
                .iter()
                .map(|g| {
                    Tv::from(BTreeMap::from([
                        ("cle", Tv::from(g.cle.as_str())),
                        ("ancre", Tv::from(g.ancre.as_str())),
                        ("titre", Tv::from(g.titre.as_str())),
                        ("aides", slim(&g.aides)),
                    ]))
                })
                .collect();
            Tv::from(BTreeMap::from([
                ("kind", Tv::from_serializable(&p.kind)),
                ("ancre", Tv::from(p.ancre.as_str())),
                ("titre", Tv::from(p.titre.as_str())),
                ("page", Tv::from_serializable(&p.page)),
                ("cartes", Tv::from_serializable(&p.cartes)),
                ("lignes", Tv::from_serializable(&p.lignes)),
                ("fiches", slim(&p.fiches)),
                ("groupes", Tv::from(groupes)),
            ]))
        })
        .collect();
    let head = match serde_json::to_value(GuideHead::from(guide)) {
        Ok(Json::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let mut outline: BTreeMap<String, Tv> = head
        .into_iter()
        .map(|(k, v)| (k, Tv::from_serializable(&v)))
        .collect();
    outline.insert("parties".into(), Tv::from(parties));
    Tv::from(outline)
}

/// The guide's own fields, without its parts.
#[derive(serde::Serialize)]
struct GuideHead<'a> {
    titre: &'a str,
    sous_titre: &'a Option<String>,
    departement: &'a str,
    editeur: &'a str,
    edition_fr: &'a str,
    edition: &'a str,
    licence: &'a Json,
    fichier_pdf: &'a str,
    pdf: bool,
}

impl<'a> From<&'a crate::guide::Guide> for GuideHead<'a> {
    fn from(g: &'a crate::guide::Guide) -> Self {
        GuideHead {
            titre: &g.titre,
            sous_titre: &g.sous_titre,
            departement: &g.departement,
            editeur: &g.editeur,
            edition_fr: &g.edition_fr,
            edition: &g.edition,
            licence: &g.licence,
            fichier_pdf: &g.fichier_pdf,
            pdf: g.pdf,
        }
    }
}

/// Every record of the guide rendered by its partial, in parallel, by
/// anchor: the guide page then only assembles them, so the largest page of
/// the site does not hold one core for its whole length.
fn guide_fiches(
    input: &RenderInput,
    fiches: &GuideFiches,
    tera: &Tera,
) -> Result<(tera::Value, usize), Diagnostic> {
    let mut todo: Vec<(&str, &Json)> = Vec::new();
    for partie in &input.guide.parties {
        for f in partie.groupes.iter().flat_map(|g| g.aides.iter()) {
            todo.push(("partials/guide-aide.html", f.as_ref()));
        }
        for f in &partie.fiches {
            todo.push(("partials/guide-fiche.html", f.as_ref()));
        }
    }
    let rendered: Result<Vec<(String, Option<u64>, tera::Value)>, Diagnostic> = todo
        .par_iter()
        .map(|(template, fiche)| {
            let anchor = fiche
                .get("ancre")
                .and_then(Json::as_str)
                .unwrap_or_default();
            let fp = input
                .fingerprints
                .and_then(|f| f.anchor(anchor))
                .map(|fp| fp ^ crate::deps::hash_str(template));
            if let (Some(fp), Some((old, html))) = (fp, fiches.previous.get(anchor))
                && *old == fp
            {
                return Ok((anchor.to_string(), Some(fp), html.clone()));
            }
            let mut ctx = Context::new();
            ctx.insert("fiche", fiche);
            let html = tera
                .render(template, &ctx)
                .map_err(|e| template_error(&e, input.theme, Some(crate::plan::GUIDE_PATH)))?;
            Ok((anchor.to_string(), fp, tera::Value::safe_string(&html)))
        })
        .collect();
    let mut map = BTreeMap::new();
    let mut next = HashMap::new();
    let mut size = 0;
    for (anchor, fp, html) in rendered? {
        size += html.as_str().map_or(0, str::len);
        map.insert(anchor.clone(), html.clone());
        if let Some(fp) = fp {
            next.insert(anchor, (fp, html));
        }
    }
    if let Ok(mut n) = fiches.next.lock() {
        *n = next;
    }
    Ok((tera::Value::from(map), size))
}

/// Adds the dev server's markup (if any) before `</body>`.
fn inject(mut html: Vec<u8>, inject: &Inject) -> Vec<u8> {
    let extra = inject.before_body_end.as_bytes();
    if !extra.is_empty() {
        let end = b"</body>";
        match html.windows(end.len()).rposition(|w| w == end) {
            Some(i) => {
                html.splice(i..i, extra.iter().copied());
            }
            None => html.extend_from_slice(extra),
        }
    }
    html
}
