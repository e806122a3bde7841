//! Validate: turn what was loaded into a typed, resolved [`Site`], or say
//! everything that is wrong with it.
//!
//! Order matters only for what depends on what: types first (a record that
//! does not type-check cannot be cross-checked), then references, dates and
//! freshness, then Markdown (whose links need every record and page known).
//! Each step adds to the same sink, so one run reports every problem.

mod links;
mod markers;
pub use links::{SiteLinkAt, check_site_links, communes_with_pages, resolve};
pub(crate) mod refs;
pub(crate) use refs::references;
mod contours;
pub mod schema;
mod territoire;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::model::{Body, Kind, Page, PageMeta, Record, Site, SiteConfig};
use crate::url::Urls;

pub struct Options {
    /// Keep draft records and pages.
    pub drafts: bool,
    /// The date freshness and past-event warnings are measured against.
    pub today: Date,
    /// Replaces `url_base` of site.yaml (`--base-url`, or the dev server).
    pub base_url: Option<String>,
}

/// The validated site and the URL builder it was resolved with.
pub struct Validated {
    pub site: Site,
    pub urls: Urls,
    /// Plain site links of the Markdown, checked once the plan is known.
    pub site_links: Vec<links::SiteLinkAt>,
}

/// What a previous validation computed, reused for files whose text did not
/// change (the dev server keeps one between rebuilds).
#[derive(Default)]
pub struct Cache {
    /// Schema check of each record file, by path: the text it was made
    /// from, the typed record (when it type-checked) and its diagnostics.
    records: HashMap<String, (Arc<str>, Option<Record>, Diagnostics)>,
    pub(crate) markdown: links::MarkdownCache,
    /// A one-shot build (`build`, `check`) keeps nothing, so every record
    /// is moved into the model rather than copied, and no rendered
    /// Markdown is held twice.
    pub(crate) one_shot: bool,
}

pub fn validate(loaded: &Loaded, opts: &Options, diags: &mut Diagnostics) -> Option<Validated> {
    validate_cached(loaded, opts, diags, &mut Cache::default())
}

/// [`validate`], reusing what `cache` holds for unchanged files.
pub fn validate_cached(
    loaded: &Loaded,
    opts: &Options,
    diags: &mut Diagnostics,
    cache: &mut Cache,
) -> Option<Validated> {
    let config = check_config(loaded, diags);
    markers::check(loaded, diags);
    let urls = config.as_ref().and_then(|c| {
        let base = opts.base_url.as_deref().unwrap_or(&c.url_base);
        match Urls::new(base) {
            Ok(u) => Some(u),
            Err(msg) => {
                let file = "content/site.yaml";
                let span = loaded.config.as_ref().and_then(|(_, n)| n.span_of("url_base"));
                diags.push(
                    Diagnostic::error(file, msg)
                        .at(span)
                        .field("url_base")
                        .help("par exemple https://guide.seine-et-marne.fr/ ou https://compte.github.io/guide/"),
                );
                None
            }
        }
    });

    // Each record is checked on its own, in parallel, against its kind's
    // schema (derived once per kind, not once per file).
    let schemas: BTreeMap<Kind, schemars::Schema> =
        Kind::ALL.iter().map(|k| (*k, k.schema())).collect();
    let mut previous = std::mem::take(&mut cache.records);
    // `None`: unchanged since the previous build, taken from `previous`.
    let checked: Vec<Option<(Option<Record>, Diagnostics)>> = loaded
        .records
        .par_iter()
        .map(|raw| {
            if let Some((text, _, _)) = previous.get(&raw.file.rel)
                && Arc::ptr_eq(text, &raw.file.text)
            {
                return None;
            }
            let mut local = Diagnostics::default();
            let record = schemas.get(&raw.kind).and_then(|schema| {
                let schema::Checked::Valid(json) = schema::check_draftable(
                    schema,
                    &raw.node,
                    &raw.file.text,
                    &raw.file.rel,
                    &mut local,
                ) else {
                    return None;
                };
                match Body::from_json(raw.kind, json) {
                    Ok(body) => Some(Record {
                        kind: raw.kind,
                        id: raw.id.clone(),
                        file: raw.file.rel.clone(),
                        body: Arc::new(body),
                        node: raw.node.clone(),
                        html: BTreeMap::new(),
                        version: crate::deps::hash_str(&raw.file.text),
                    }),
                    Err(err) => {
                        local.push(Diagnostic::error(
                            &raw.file.rel,
                            format!("fiche illisible : {err}"),
                        ));
                        None
                    }
                }
            });
            Some((record, local))
        })
        .collect();
    let mut records: BTreeMap<Kind, BTreeMap<String, Record>> = BTreeMap::new();
    // Drafts left unfinished: not published, no error (their missing
    // fields are warnings), but a published record may not point at them.
    let mut unfinished = std::collections::BTreeSet::new();
    for (raw, fresh) in loaded.records.iter().zip(checked) {
        let entry = match fresh {
            Some((record, local)) => (raw.file.text.clone(), record, local),
            None => match previous.remove(&raw.file.rel) {
                Some(entry) => entry,
                None => continue,
            },
        };
        if entry.1.is_none() && !entry.2.has_errors() {
            unfinished.insert((raw.kind, raw.id.clone()));
        }
        if cache.one_shot {
            diags.extend(entry.2);
            if let Some(r) = entry.1 {
                records.entry(r.kind).or_default().insert(r.id.clone(), r);
            }
            continue;
        }
        diags.extend(entry.2.clone());
        if let Some(r) = &entry.1 {
            records
                .entry(r.kind)
                .or_default()
                .insert(r.id.clone(), r.clone());
        }
        cache.records.insert(raw.file.rel.clone(), entry);
    }
    drop(previous);

    let mut pages = Vec::new();
    let schema = schemars::schema_for!(PageMeta);
    // Pages that failed their own checks (reported): links to them add no
    // error. Drafts are not among them: a link to one is broken.
    let mut failed_pages = std::collections::BTreeSet::new();
    for raw in &loaded.pages {
        let json = match schema::check_draftable(
            &schema,
            &raw.front.node,
            &raw.file.text,
            &raw.file.rel,
            diags,
        ) {
            schema::Checked::Valid(json) => json,
            schema::Checked::Unfinished => continue,
            schema::Checked::Invalid => {
                failed_pages.insert(raw.path.clone());
                continue;
            }
        };
        match serde_json::from_value::<PageMeta>(json) {
            Ok(mut meta) => pages.push(Page {
                path: raw.path.clone(),
                file: raw.file.rel.clone(),
                meta: {
                    // Titles show in menus, lists, tabs and the guide: set
                    // in French typography once, here.
                    meta.titre = crate::typo::typo(&meta.titre);
                    meta.description = meta.description.as_deref().map(crate::typo::typo);
                    meta
                },
                markdown: raw.body.clone(),
                html: String::new(),
                toc: Vec::new(),
                version: crate::deps::hash_str(&raw.file.text),
            }),
            Err(err) => {
                failed_pages.insert(raw.path.clone());
                diags.push(Diagnostic::error(
                    &raw.file.rel,
                    format!("en-tête illisible : {err}"),
                ));
            }
        }
    }

    // Records that exist but did not type-check: their own errors are
    // reported; references to them must not add "unknown" errors on top.
    let failed: std::collections::BTreeSet<(Kind, String)> = loaded
        .records
        .iter()
        .filter(|r| !records.get(&r.kind).is_some_and(|m| m.contains_key(&r.id)))
        .map(|r| (r.kind, r.id.clone()))
        .filter(|key| !unfinished.contains(key))
        .chain(loaded.unparsed.iter().cloned())
        .collect();
    let (communes, zonage) = territoire::load(loaded, opts.today, diags);
    let contours = contours::load(loaded, &communes, diags);
    let freshness = config.as_ref().map_or(12, |c| c.fraicheur_mois);
    refs::check(
        &records,
        &refs::Absent {
            failed: &failed,
            unfinished: &unfinished,
        },
        &communes,
        loaded,
        opts,
        freshness,
        diags,
    );

    if !opts.drafts {
        for by_id in records.values_mut() {
            by_id.retain(|_, r| !r.body.meta().statut.is_draft());
        }
        pages.retain(|p| !p.meta.statut.is_draft());
    }

    let (config, urls) = (config?, urls?);
    let mut site = Site {
        config,
        records,
        pages,
        communes,
        zonage,
        contours,
        static_files: loaded
            .static_files
            .iter()
            .map(|(rel, _)| rel.clone())
            .collect(),
        territoire_credits: loaded.territoire_credits.clone(),
    };
    let site_links = links::render_markdown(
        &mut site,
        &urls,
        loaded,
        &failed,
        &failed_pages,
        diags,
        (!cache.one_shot).then_some(&mut cache.markdown),
    );
    // The parsed trees served to point diagnostics at fields; every check
    // is done, so the model lets them go (a tenth of a large site's memory).
    let empty = Arc::new(crate::load::node::Node::empty());
    for r in site.records.values_mut().flat_map(|m| m.values_mut()) {
        r.node = empty.clone();
    }
    (!diags.has_errors()).then_some(Validated {
        site,
        urls,
        site_links,
    })
}

fn check_config(loaded: &Loaded, diags: &mut Diagnostics) -> Option<SiteConfig> {
    let Some((file, node)) = &loaded.config else {
        if loaded.root.join("content").is_dir() {
            diags.push(
                Diagnostic::error("content/site.yaml", "fichier de réglages du site manquant")
                    .help("créez content/site.yaml avec au moins titre, description, url_base, departement, editeur, hebergeur et licence_donnees"),
            );
        }
        return None;
    };
    let schema = schemars::schema_for!(SiteConfig);
    let json = schema::check(&schema, node, &file.text, &file.rel, diags)?;
    match serde_json::from_value::<SiteConfig>(json) {
        Ok(c) => {
            check_config_paths(&c, loaded, file, node, diags);
            if c.hebergeur.is_none() {
                diags.push(
                    Diagnostic::warning(&file.rel, "hébergeur non renseigné")
                        .at(Some(crate::diag::Span::from_range(&file.text, 0..0)))
                        .field("hebergeur")
                        .help("les mentions légales doivent nommer l'hébergeur (nom, adresse, téléphone) : ajoutez `hebergeur:` avant la mise en ligne"),
                );
            }
            Some(c)
        }
        Err(err) => {
            diags.push(Diagnostic::error(
                &file.rel,
                format!("réglages illisibles : {err}"),
            ));
            None
        }
    }
}

/// Paths read from site.yaml: the theme is a name under `themes/`, never a
/// path (`../x` or `/etc` would publish another directory's files), nor
/// is the PDF's file name; the guide's parts name pages that exist (a missing one would vanish from
/// the guide without a word).
fn check_config_paths(
    c: &SiteConfig,
    loaded: &Loaded,
    file: &crate::load::SourceFile,
    node: &crate::load::node::Node,
    diags: &mut Diagnostics,
) {
    if let Some(theme) = &c.theme
        && !crate::load::is_slug(theme)
    {
        diags.push(
            Diagnostic::error(&file.rel, format!("nom de thème `{}` invalide", theme.escape_debug()))
                .at(node.span_of("theme"))
                .field("theme")
                .help("le thème est un nom de dossier de themes/ (minuscules, chiffres et tirets), pas un chemin : par exemple `theme: departement`"),
        );
    }
    let Some(guide) = &c.guide else { return };
    // Here too, not only in the plan: `check`, which plans no PDF, reports it.
    if let Some(pdf) = &guide.fichier_pdf
        && !crate::plan::is_plain_pdf_name(pdf)
    {
        diags.push(
            Diagnostic::error(
                &file.rel,
                format!("nom de fichier PDF `{}` refusé", pdf.escape_debug()),
            )
            .at(node.span_of("guide.fichier_pdf"))
            .field("guide.fichier_pdf")
            .help(crate::plan::PDF_NAME_HELP),
        );
    }
    let pages: Vec<&str> = loaded.pages.iter().map(|p| p.path.as_str()).collect();
    for (field, value) in [
        ("introduction", &guide.introduction),
        ("zonage", &guide.zonage),
        ("credits", &guide.credits),
    ] {
        let Some(page) = value else { continue };
        if pages.contains(&page.as_str()) {
            continue;
        }
        let mut help =
            "indiquez le chemin d'une page depuis content/pages/, par exemple `index.md`"
                .to_string();
        if let Some(near) = crate::diag::closest(page, pages.iter().copied()) {
            help = format!("vouliez-vous dire `{near}` ? {help}");
        }
        diags.push(
            Diagnostic::error(
                &file.rel,
                format!("page `{page}` introuvable pour le guide"),
            )
            .at(node.span_of(&format!("guide.{field}")))
            .field(format!("guide.{field}"))
            .help(help),
        );
    }
}
