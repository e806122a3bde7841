//! Renders the Markdown of pages and record fields once, resolving `@/…`
//! links against the whole site, and reports broken links and anchors at
//! their line in the source file.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Loaded;
use crate::load::node::Node;
use crate::markdown::{self, Problem, Resolved, Settings};
use crate::model::{Kind, Site};
use crate::url::Urls;

/// Communes that get a page: every commune of `communes.csv`, so a reader
/// can check any commune's zonage and what lies around it.
pub fn communes_with_pages(site: &Site) -> BTreeSet<String> {
    site.communes.keys().cloned().collect()
}

/// Resolves an `@/` target (without `@/` and anchor) to a URL.
pub fn resolve(
    site: &Site,
    urls: &Urls,
    communes: &BTreeSet<String>,
    target: &str,
) -> Result<Resolved, String> {
    let target = target.trim_end_matches('/');
    if let Some(path) = target.strip_prefix("pages/") {
        return match site.pages.iter().find(|p| p.path == path) {
            Some(p) => Ok(Resolved {
                url: urls.page(&p.path),
                page: Some(p.path.clone()),
            }),
            None => Err(format!(
                "aucune page content/pages/{path}{}",
                if path.ends_with(".md") {
                    ""
                } else {
                    " (le lien vers une page finit par .md)"
                }
            )),
        };
    }
    if target == "proposer-un-logement" {
        return Ok(Resolved {
            url: urls.to(crate::plan::PROPOSER_LOGEMENT_PATH),
            page: None,
        });
    }
    if target == "carte" {
        return if crate::plan::has_map(site) {
            Ok(Resolved {
                url: urls.to(crate::plan::CARTE_PATH),
                page: None,
            })
        } else {
            Err("pas de carte : aucune commune de communes.csv n'a de coordonnées".into())
        };
    }
    let (dir, id) = match target.split_once('/') {
        Some((d, i)) => (d, Some(i)),
        None => (target, None),
    };
    if dir == "communes" {
        return match id {
            None => Ok(Resolved {
                url: urls.to(crate::url::COMMUNES_PATH),
                page: None,
            }),
            Some(insee) => match site.communes.get(insee) {
                Some(c) if communes.contains(insee) => Ok(Resolved {
                    url: urls.commune(c),
                    page: None,
                }),
                Some(_) => Err(format!(
                    "la commune {insee} n'a pas de page : aucune fiche ne s'y rattache"
                )),
                None => Err(format!("aucune commune de code INSEE {insee}")),
            },
        };
    }
    let Some(kind) = Kind::from_dir(dir) else {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.dir()).collect();
        return Err(format!(
            "cibles admises : @/pages/<chemin>.md, @/communes/<insee>, @/carte, @/proposer-un-logement, @/<{}>[/<id>]",
            kinds.join("|")
        ));
    };
    match id {
        None => Ok(Resolved {
            url: urls.list(kind),
            page: None,
        }),
        Some(id) if site.get(kind, id).is_some() => Ok(Resolved {
            url: urls.record(kind, id),
            page: None,
        }),
        Some(id) => Err(format!(
            "aucune fiche publiée content/{}/{id}.yaml",
            kind.dir()
        )),
    }
}

/// Markdown renderings of each file (a record's fields, a page's body) by
/// its path, with the version of the file they were made from; valid while
/// the set of link targets (`env`, a hash of every record, page and
/// commune a link may name) stays the same: an edited record re-renders its
/// own text alone; a record added or removed re-renders every text.
#[derive(Default)]
pub struct MarkdownCache {
    env: u64,
    entries: HashMap<String, (u64, Vec<Arc<markdown::Rendered>>)>,
}

/// A hash of what `@/` links resolve against.
fn link_env(
    site: &Site,
    urls: &Urls,
    communes: &BTreeSet<String>,
    failed: &BTreeSet<(Kind, String)>,
    failed_pages: &BTreeSet<String>,
) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    urls.base_path().hash(&mut h);
    urls.absolute("").hash(&mut h);
    site.config.html_brut_autorise.hash(&mut h);
    for (kind, by_id) in &site.records {
        kind.hash(&mut h);
        for id in by_id.keys() {
            id.hash(&mut h);
        }
    }
    for p in &site.pages {
        p.path.hash(&mut h);
    }
    communes.hash(&mut h);
    failed.hash(&mut h);
    failed_pages.hash(&mut h);
    h.finish()
}

/// A record's rendered Markdown fields, by field name.
type RecordFields = (Kind, String, Vec<(String, Arc<markdown::Rendered>)>);

pub fn render_markdown(
    site: &mut Site,
    urls: &Urls,
    loaded: &Loaded,
    failed: &BTreeSet<(Kind, String)>,
    failed_pages: &BTreeSet<String>,
    diags: &mut Diagnostics,
    cache: Option<&mut MarkdownCache>,
) -> Vec<SiteLinkAt> {
    let communes = communes_with_pages(site);
    let mut none = MarkdownCache::default();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut none);
    let env = link_env(site, urls, &communes, failed, failed_pages);
    let previous = if cache.env == env {
        std::mem::take(&mut cache.entries)
    } else {
        HashMap::new()
    };
    cache.env = env;
    let reuse = |file: &str, version: u64| -> Option<&Vec<Arc<markdown::Rendered>>> {
        previous
            .get(file)
            .filter(|(v, _)| *v == version)
            .map(|(_, r)| r)
    };
    let allow_html = site.config.html_brut_autorise;
    let frozen: &Site = site;
    let resolver = |t: &str| {
        resolve(frozen, urls, &communes, t).or_else(|e| {
            // A link to a record that failed its own checks is not broken.
            let target = t.trim_end_matches('/');
            let page_failed = target
                .strip_prefix("pages/")
                .is_some_and(|p| failed_pages.contains(p));
            let is_failed = page_failed
                || target
                    .split_once('/')
                    .and_then(|(dir, id)| Kind::from_dir(dir).map(|k| (k, id.to_string())))
                    .is_some_and(|key| failed.contains(&key));
            if is_failed {
                Ok(Resolved {
                    url: String::new(),
                    page: None,
                })
            } else {
                Err(e)
            }
        })
    };

    // Navigation links of site.yaml.
    if let Some((file, node)) = &loaded.config {
        for (i, link) in frozen.config.navigation.iter().enumerate() {
            let span = node.span_of(&format!("navigation.{i}.lien"));
            let error = match link.lien.strip_prefix("@/") {
                Some(target) => resolver(target.split('#').next().unwrap_or("")).err(),
                None if crate::url::check_external(&link.lien).is_ok() => None,
                None => Some(
                    "écrivez `@/pages/<chemin>.md`, `@/aides` ou une adresse https://…".to_string(),
                ),
            };
            if let Some(help) = error {
                diags.push(
                    Diagnostic::error(
                        &file.rel,
                        format!("lien de navigation cassé `{}`", link.lien),
                    )
                    .at(span)
                    .field(format!("navigation[{i}].lien"))
                    .help(help),
                );
            }
        }
    }

    let site_url = |path: &str| urls.to(path);
    // Pages: positions map straight into the file (body offset).
    let page_results: Vec<_> = frozen
        .pages
        .par_iter()
        .map(|page| {
            let here = crate::url::page_dir(&page.path);
            let settings = Settings {
                resolve: &resolver,
                allow_html,
                heading_shift: 0,
                id_prefix: None,
                here: &here,
                site_url: &site_url,
            };
            match reuse(&page.file, page.version).and_then(|r| r.first()) {
                Some(r) => r.clone(),
                None => Arc::new(markdown::render(&page.markdown, &settings)),
            }
        })
        .collect();

    // Record fields: positions map into the YAML value.
    let record_results: Vec<RecordFields> = frozen
        .records
        .values()
        .flat_map(|m| m.values())
        .collect::<Vec<_>>()
        .par_iter()
        .map(|r| {
            let here = crate::url::record_path(r.kind, &r.id);
            let settings = Settings {
                resolve: &resolver,
                allow_html,
                heading_shift: 1,
                id_prefix: None,
                here: &here,
                site_url: &site_url,
            };
            let texts = r.body.markdown_fields();
            let fields = match reuse(&r.file, r.version).filter(|f| f.len() == texts.len()) {
                Some(done) => texts
                    .iter()
                    .zip(done)
                    .map(|((name, _), rendered)| (name.to_string(), rendered.clone()))
                    .collect(),
                None => texts
                    .into_iter()
                    .map(|(name, text)| {
                        (
                            name.to_string(),
                            Arc::new(markdown::render(text, &settings)),
                        )
                    })
                    .collect(),
            };
            (r.kind, r.id.clone(), fields)
        })
        .collect();

    drop(previous);
    for (page, r) in frozen.pages.iter().zip(&page_results).filter(|_| keep) {
        cache
            .entries
            .insert(page.file.clone(), (page.version, vec![r.clone()]));
    }
    for (kind, id, fields) in record_results.iter().filter(|_| keep) {
        if let Some(record) = frozen.get(*kind, id) {
            let rendered = fields.iter().map(|(_, r)| r.clone()).collect();
            cache
                .entries
                .insert(record.file.clone(), (record.version, rendered));
        }
    }
    let mut anchors_to_check = Vec::new();
    let mut site_links = Vec::new();
    for (page, rendered) in frozen.pages.iter().zip(&page_results) {
        let text = loaded.sources.get(&page.file).unwrap_or("");
        let body_offset = text.len() - page.markdown.len().min(text.len());
        for p in &rendered.problems {
            let span =
                Span::from_range(text, body_offset + p.range.start..body_offset + p.range.end);
            diags.push(problem_diag(&page.file, p, Some(span), None));
        }
        for link in &rendered.anchor_links {
            let span = Span::from_range(
                text,
                body_offset + link.range.start..body_offset + link.range.end,
            );
            anchors_to_check.push((page.file.clone(), link.clone(), span));
        }
        for link in &rendered.site_links {
            let span = Span::from_range(
                text,
                body_offset + link.range.start..body_offset + link.range.end,
            );
            site_links.push(SiteLinkAt {
                file: page.file.clone(),
                span: Some(span),
                field: None,
                dest: link.dest.clone(),
                path: link.path.clone(),
            });
        }
    }
    for (kind, id, fields) in &record_results {
        let Some(record) = frozen.get(*kind, id) else {
            continue;
        };
        let text = loaded.sources.get(&record.file).unwrap_or("");
        for (field, rendered) in fields {
            let value = record.node.get(field);
            for p in &rendered.problems {
                let span = value
                    .map(|v| span_in_scalar(text, v, &source_field(record, field), p.range.start));
                diags.push(problem_diag(&record.file, p, span, Some(field)));
            }
            for link in &rendered.anchor_links {
                let span = value.map(|v| {
                    span_in_scalar(text, v, &source_field(record, field), link.range.start)
                });
                if let Some(span) = span {
                    anchors_to_check.push((record.file.clone(), link.clone(), span));
                }
            }
            for link in &rendered.site_links {
                site_links.push(SiteLinkAt {
                    file: record.file.clone(),
                    span: value.map(|v| {
                        span_in_scalar(text, v, &source_field(record, field), link.range.start)
                    }),
                    field: Some(field.clone()),
                    dest: link.dest.clone(),
                    path: link.path.clone(),
                });
            }
        }
    }
    let ids: BTreeMap<&str, BTreeSet<&str>> = frozen
        .pages
        .iter()
        .zip(&page_results)
        .map(|(p, r)| {
            (
                p.path.as_str(),
                r.headings.iter().map(|h| h.id.as_str()).collect(),
            )
        })
        .collect();
    for (file, link, span) in anchors_to_check {
        let known = ids.get(link.page.as_str());
        if known.is_none() {
            // The target page failed its own checks, already reported.
            continue;
        }
        if !known.is_some_and(|set| set.contains(link.anchor.as_str())) {
            let list = known
                .map(|s| s.iter().copied().collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    file,
                    format!("ancre `#{}` introuvable dans {}", link.anchor, link.page),
                )
                .at(Some(span))
                .help(format!("ancres de cette page : {list}")),
            );
        }
    }

    // Moved out when no cache shares them (a one-shot build), else copied;
    // a record's HTML is shared either way.
    let own = |r: Arc<markdown::Rendered>| Arc::try_unwrap(r).unwrap_or_else(|r| (*r).clone());
    for (page, rendered) in site.pages.iter_mut().zip(page_results) {
        let rendered = own(rendered);
        page.html = rendered.html.to_string();
        page.toc = rendered.headings;
    }
    for (kind, id, fields) in record_results {
        if let Some(record) = site.records.get_mut(&kind).and_then(|m| m.get_mut(&id)) {
            record.html = fields
                .into_iter()
                .map(|(f, r)| (f, Arc::clone(&r.html)))
                .collect();
        }
    }
    site_links
}

/// A plain site link of the Markdown (`/aides/cesp/`), located, waiting
/// for the plan: only the plan knows every address the site will have
/// (lists, facets, communes, static files).
#[derive(Clone, Debug)]
pub struct SiteLinkAt {
    pub file: String,
    pub span: Option<Span>,
    pub field: Option<String>,
    pub dest: String,
    pub path: String,
}

/// Checks plain site links against the planned outputs, as `@/` links are
/// checked against the model: a link to no page is an error, with the
/// nearest address and the `@/` way of writing links.
pub fn check_site_links(links: &[SiteLinkAt], plan: &[crate::plan::Item], diags: &mut Diagnostics) {
    if links.is_empty() {
        return;
    }
    let pages: HashSet<&str> = plan.iter().filter_map(|i| i.page.as_deref()).collect();
    let files: HashSet<&str> = plan.iter().map(|i| i.file.as_str()).collect();
    for link in links {
        let p = link.path.as_str();
        let found = pages.contains(p)
            || files.contains(p)
            || (!p.ends_with('/') && pages.contains(format!("{p}/").as_str()));
        if found {
            continue;
        }
        let wanted = p.trim_end_matches('/');
        let near = crate::diag::closest(
            wanted,
            pages
                .iter()
                .map(|q| q.trim_end_matches('/'))
                .filter(|q| !q.is_empty()),
        );
        let mut help = format!("aucune page du site à l'adresse /{p}");
        if let Some(near) = near {
            help = format!("vouliez-vous dire `/{near}/` ? {help}");
        }
        help.push_str(" ; un lien `@/aides/<id>` ou `@/pages/<page>.md` est vérifié et suit le site s'il change d'adresse");
        diags.push(
            Diagnostic::error(&link.file, format!("lien interne cassé `{}`", link.dest))
                .at(link.span.clone())
                .field(link.field.clone().unwrap_or_default())
                .help(help),
        );
    }
}

fn source_field(record: &crate::model::Record, field: &str) -> String {
    record
        .body
        .markdown_fields()
        .into_iter()
        .find(|(n, _)| *n == field)
        .map(|(_, t)| t.to_string())
        .unwrap_or_default()
}

fn problem_diag(file: &str, p: &Problem, span: Option<Span>, field: Option<&str>) -> Diagnostic {
    let d = if p.warning {
        Diagnostic::warning(file, p.message.clone())
    } else {
        Diagnostic::error(file, p.message.clone())
    };
    d.at(span)
        .field(field.unwrap_or_default())
        .help(p.help.clone())
}

/// Maps a byte offset in a YAML scalar's value back to the file. Block
/// scalars (`|`, `>`) lose their indentation and quoted ones their quotes,
/// so the line of the offset is found again in the file by its content.
fn span_in_scalar(file: &str, node: &Node, value: &str, offset: usize) -> Span {
    let offset = offset.min(value.len());
    let line_idx = value[..offset].matches('\n').count();
    let line_text = value.split('\n').nth(line_idx).unwrap_or("");
    let col_in_line = offset - value[..offset].rfind('\n').map_or(0, |i| i + 1);
    let start = node.span.start.min(file.len());
    let raw = &file[start..];
    let mut pos = if raw.starts_with('|') || raw.starts_with('>') {
        start + raw.find('\n').map_or(0, |i| i + 1)
    } else {
        file[..start].rfind('\n').map_or(0, |i| i + 1)
    };
    for _ in 0..line_idx {
        match file[pos..].find('\n') {
            Some(i) => pos += i + 1,
            None => break,
        }
    }
    let line_end = file[pos..].find('\n').map_or(file.len(), |i| pos + i);
    let probe = line_text.get(..line_text.len().min(12)).unwrap_or("");
    let indent = if probe.is_empty() {
        0
    } else {
        file[pos..line_end].find(probe).unwrap_or(0)
    };
    let at = (pos + indent + col_in_line).min(line_end);
    Span::from_range(file, at..(at + 1).min(line_end.max(at + 1)))
}
