//! vitrine turns a département's YAML records and Markdown pages into a
//! static website for health professionals.
//!
//! Data flows one way, one module per stage:
//! [`load`] (walk, parse, spans) → [`validate`] (types, references, dates;
//! all diagnostics collected) → [`model`] (the resolved site) → [`plan`]
//! (every output path) → [`render`] (tera, in parallel) → [`write`] (atomic
//! swap on disk). The CLI only calls [`build`].

// Diagnostics travel only on the error path and are built once per
// problem; boxing them to shrink `Result` would add noise and buy nothing.
#![allow(clippy::result_large_err)]

pub mod carte;
pub mod deps;
pub mod diag;
pub mod facets;
pub mod feeds;
pub mod guide;
pub mod init;
pub mod liens;
pub mod load;
pub mod markdown;
pub mod model;
pub mod opendata;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod plan;
pub mod reference;
pub mod render;
pub mod report;
pub mod scaffold;
#[cfg(feature = "search")]
pub mod search;
mod search_output;
pub mod serve;
pub mod theme;
pub mod timings;
pub mod typo;
pub mod url;
pub mod validate;
pub mod write;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use diag::{Diagnostics, Sources};
use render::{Inject, Output};
use timings::Timings;

/// What a build needs to know besides the site's own files.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// The date warnings are measured against; today when `None`.
    pub today: Option<Date>,
    pub inject: Inject,
    /// Read the default theme from this directory instead of the copy
    /// embedded in the binary (the dev server, to edit the theme live).
    pub default_theme_dir: Option<PathBuf>,
    /// Leave the PDF out (the dev server: typesetting it would double the
    /// time from a save to the reload; its guide page links to no PDF).
    pub skip_pdf: bool,
    /// Leave the search index out (`build --no-search`, `check`): the site
    /// then shows no search box.
    pub skip_search: bool,
    /// Build a changed search index on a thread of its own and hand out
    /// the previous one meanwhile (the dev server: a save must not wait
    /// for the index; [`Cache::search_ready`] says when to rebuild).
    pub search_in_background: bool,
}

/// A site rendered in memory, ready to be written or served.
pub struct Built {
    pub output: Output,
    /// Warnings (a successful build has no error).
    pub diags: Diagnostics,
    pub sources: Sources,
    /// Number of HTML pages.
    pub pages: usize,
    /// Wall time of each stage.
    pub timings: Timings,
    /// What the build was made from, kept until the result is dropped.
    pub model: Leftovers,
}

/// The resolved site and the structures built from it, past their use.
pub struct Leftovers(#[allow(dead_code)] Box<dyn std::any::Any + Send>);

/// A build that did not produce a site: its diagnostics say why.
pub struct Failed {
    pub diags: Diagnostics,
    pub sources: Sources,
    pub timings: Timings,
}

/// No transparent huge pages for this process, to be called first by a
/// program that runs builds (the `vitrine` binary, the serve benchmark).
/// mimalloc asks the kernel for them (`MADV_HUGEPAGE`) on its segments,
/// and a build touches much of its memory once: each first touch then
/// zeroes 2 MiB instead of 4 KiB, which was a fifth of a build's CPU time
/// (`clear_page` in the kernel) and a part of its peak memory never used
/// (N = 1,000 records per kind: 163 -> 150 MiB, 0.6 -> 0.5 s).
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes an integer flag and touches no
    // memory of ours; a kernel without it returns an error, ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Today's date in UTC, for warnings only: it never reaches the output.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// The edition date printed on the site ("à jour au …"): `SOURCE_DATE_EPOCH`
/// when set, else the latest check date of the content, so two builds of
/// the same input are identical whatever the day.
fn edition_date(site: &model::Site) -> Date {
    if let Some(d) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
    {
        return d.to_zoned(jiff::tz::TimeZone::UTC).date();
    }
    site.records
        .values()
        .flat_map(|m| m.values())
        .map(|r| r.body.meta().mis_a_jour_le)
        .chain(site.pages.iter().filter_map(|p| p.meta.mis_a_jour_le))
        .max()
        .unwrap_or(Date::constant(2000, 1, 1))
}

/// What a build keeps for the next one: files read, records checked,
/// Markdown and pages rendered, each with what it was made from, so a
/// rebuild redoes only what a change touched ([`deps`]). The dev server
/// holds one; [`build`] starts from an empty one and drops it.
#[derive(Default)]
pub struct Cache {
    load: load::Cache,
    validate: validate::Cache,
    render: deps::RenderCache,
    /// The previous guide, whose records' views a rebuild can keep.
    guide: Option<(guide::Guide, deps::Fingerprints)>,
    /// The previous search index.
    search: search_output::SearchCache,
    /// The index's parts a save rarely changes.
    index: render::views::IndexMemo,
}

impl Cache {
    /// Whether a search index built in the background is ready: the next
    /// build will serve it.
    pub fn search_ready(&self) -> bool {
        self.search.ready()
    }
}

/// Runs every stage but writing: load, validate, plan, render (the pages
/// and, beside them on another core, the PDF).
pub fn build(opts: &Options) -> Result<Built, Failed> {
    build_stages(opts, None, None)
}

/// [`build`] for `vitrine check`: every output is rendered (that is where
/// template errors show) and dropped at once, so nothing is kept or written.
pub fn check(opts: &Options) -> Result<Built, Failed> {
    build_stages(opts, None, Some(&|_: &str, _: &[u8]| Ok(())))
}

/// [`build`], reusing what `cache` holds from the previous build and
/// leaving this build's results in it.
pub fn build_cached(opts: &Options, cache: &mut Cache) -> Result<Built, Failed> {
    build_stages(opts, Some(cache), None)
}

/// The stages of a build; with a `sink`, each output is handed to it as
/// soon as it is rendered and left out of [`Built::output`].
fn build_stages(
    opts: &Options,
    cache: Option<&mut Cache>,
    sink: Option<&render::Sink>,
) -> Result<Built, Failed> {
    let mut fresh = Cache::default();
    fresh.load.one_shot = true;
    fresh.validate.one_shot = true;
    let reuse = cache.is_some();
    let cache = cache.unwrap_or(&mut fresh);
    let mut t = Timings::default();
    let mut diags = Diagnostics::default();
    let loaded = t.time("load", || {
        load::load_cached(&opts.root, &mut diags, &mut cache.load)
    });
    let vopts = validate::Options {
        drafts: opts.drafts,
        today: opts.today.unwrap_or_else(today),
        base_url: opts.base_url.clone(),
    };
    let validated = t.time("validate", || {
        validate::validate_cached(&loaded, &vopts, &mut diags, &mut cache.validate)
    });
    let mut sources = loaded.sources.clone();
    drop(loaded);
    if !reuse {
        // Later stages point no diagnostic into the content but at the
        // plain site links, checked once the plan is made.
        let linking = validated
            .iter()
            .flat_map(|v| &v.site_links)
            .map(|l| l.file.as_str());
        sources.keep_cited(&diags, linking);
    }
    let Some(validated) = validated else {
        return Err(Failed {
            diags,
            sources,
            timings: t,
        });
    };
    let validate::Validated {
        site,
        urls,
        site_links,
    } = validated;
    let with_pdf = cfg!(feature = "pdf") && !opts.skip_pdf;
    let with_search = cfg!(feature = "search") && !opts.skip_search;
    let planned = t.time("plan", || {
        let theme = theme::load(
            &opts.root,
            site.config.theme.as_deref(),
            &site.config.langue,
            opts.default_theme_dir.as_deref(),
            &mut diags,
        );
        let facets = facets::Facets::new(&site);
        let outputs = plan::Outputs {
            pdf: with_pdf,
            search: with_search,
        };
        let plan = plan::plan(&site, &facets, &theme, outputs, &mut diags);
        validate::check_site_links(&site_links, &plan, &mut diags);
        let tera = render::compile(&theme, &mut diags);
        (theme, facets, plan, tera)
    });
    let (theme, facets, plan, tera) = planned;
    let (Some(mut tera), false) = (tera, diags.has_errors()) else {
        return Err(Failed {
            diags,
            sources,
            timings: t,
        });
    };
    let static_root = opts.root.join("content").join("static");
    let (index, guide, edition, fingerprints) = t.time("model", || {
        let index = render::views::Index::new_cached(&site, reuse.then_some(&mut cache.index));
        let edition = edition_date(&site);
        let ctx = render::views::Ctx {
            site: &site,
            urls: &urls,
            index: &index,
        };
        let fingerprints = reuse.then(|| {
            let mut h = std::hash::DefaultHasher::new();
            use std::hash::{Hash, Hasher};
            (
                opts.drafts,
                &opts.base_url,
                &opts.inject.before_body_end,
                with_pdf,
                with_search,
                edition.to_string(),
            )
                .hash(&mut h);
            deps::Fingerprints::new(&site, &index, &theme, h.finish())
        });
        let previous = cache.guide.take();
        let memo = previous
            .as_ref()
            .map(|(g, f)| guide::memo(g, f))
            .unwrap_or_default();
        let guide = guide::build_cached(
            &site,
            &ctx,
            &facets,
            &theme.strings,
            edition,
            with_pdf,
            fingerprints.as_ref(),
            &memo,
        );
        (index, guide, edition, fingerprints)
    });
    let input = render::RenderInput {
        site: &site,
        urls: &urls,
        theme: &theme,
        plan: &plan,
        edition,
        inject: &opts.inject,
        static_root: &static_root,
        index: &index,
        guide: &guide,
        facets: &facets,
        fingerprints: fingerprints.as_ref(),
        sink,
    };
    // The PDF is typeset on its own core while the pages render on the
    // others: it is one long task, the pages many short ones.
    let start = std::time::Instant::now();
    let search_cache = &mut cache.search;
    let (pages, (pdf, search)) = rayon::join(
        || {
            let start = std::time::Instant::now();
            let mut page_diags = Diagnostics::default();
            let out = render::render(&input, &mut tera, &mut page_diags, &mut cache.render);
            (out, page_diags, start.elapsed())
        },
        || {
            rayon::join(
                || {
                    let start = std::time::Instant::now();
                    let pdf = with_pdf.then(|| pdf_output(&input));
                    (pdf, start.elapsed())
                },
                || {
                    let start = std::time::Instant::now();
                    let files = with_search.then(|| {
                        search_output::search_output(
                            &input,
                            search_cache,
                            opts.search_in_background,
                        )
                    });
                    (files, start.elapsed())
                },
            )
        },
    );
    let (output, page_diags, render_time) = pages;
    let (pdf, pdf_time) = pdf;
    let (search, search_time) = search;
    t.add("render", render_time);
    if with_pdf {
        t.add("pdf", pdf_time);
    }
    if with_search {
        t.add("search", search_time);
    }
    t.add("render+pdf", start.elapsed());
    diags.extend(page_diags);
    let mut output = output;
    let extra: Vec<Result<Vec<(String, render::Bytes)>, diag::Diagnostic>> = [
        pdf.map(|r| r.map(|(file, bytes)| vec![(file, render::Bytes::from(bytes))])),
        search,
    ]
    .into_iter()
    .flatten()
    .collect();
    for files in extra {
        match files {
            Ok(files) => {
                for (file, bytes) in files {
                    match (output.as_mut(), sink) {
                        (Some(_), Some(sink)) => {
                            if let Err(d) = sink(&file, &bytes) {
                                diags.push(d);
                                output = None;
                            }
                        }
                        (Some(out), None) => {
                            out.insert(file, bytes);
                        }
                        (None, _) => {}
                    }
                }
            }
            Err(d) => {
                diags.push(d);
                output = None;
            }
        }
    }
    // The model is freed by whoever ends the build (a large site's is
    // tens of thousands of allocations): the command line exits instead.
    let pages = plan.iter().filter(|i| i.file.ends_with(".html")).count();
    let model = match fingerprints {
        Some(fps) if output.is_some() => {
            cache.guide = Some((guide, fps));
            Leftovers(Box::new((site, index, plan)))
        }
        fps => Leftovers(Box::new((site, index, guide, plan, fps))),
    };
    match output {
        Some(output) => Ok(Built {
            output,
            diags,
            sources,
            pages,
            timings: t,
            model,
        }),
        None => Err(Failed {
            diags,
            sources,
            timings: t,
        }),
    }
}

/// The PDF of the guide, at the path the plan gave it.
fn pdf_output(input: &render::RenderInput) -> Result<(String, Vec<u8>), diag::Diagnostic> {
    let Some(item) = input
        .plan
        .iter()
        .find(|i| i.target == plan::Target::GuidePdf)
    else {
        return Err(diag::Diagnostic::error(
            "content/site.yaml",
            "le PDF du guide n'a pas de chemin de sortie",
        ));
    };
    #[cfg(feature = "pdf")]
    {
        pdf::render(
            input.guide,
            input.site,
            input.urls,
            input.theme,
            input.edition,
        )
        .map(|bytes| (item.file.clone(), bytes))
        .map_err(|d| {
            let message = format!("{} (en produisant {})", d.message, item.file);
            diag::Diagnostic { message, ..d }
        })
    }
    #[cfg(not(feature = "pdf"))]
    {
        Err(diag::Diagnostic::error(
            "themes",
            format!(
                "{} demandé mais vitrine est construit sans la fonction `pdf`",
                item.file
            ),
        ))
    }
}

/// Builds and writes to `output`, leaving it untouched on any error. Each
/// output is written to the staging directory as soon as it is rendered;
/// the swap happens only if the whole build succeeded. An existing output
/// that vitrine did not write is refused unless `force` ([`write`]).
pub fn build_to_dir(opts: &Options, output: &Path, force: bool) -> Result<Built, Failed> {
    // Refuse a dangerous output before spending time on the build.
    let staging = write::Staging::new(&opts.root, output, force).map_err(|e| {
        let mut diags = Diagnostics::default();
        diags.push(diag::Diagnostic::error("--output", e.to_string()));
        Failed {
            diags,
            sources: Sources::default(),
            timings: Timings::default(),
        }
    })?;
    let sink = |rel: &str, bytes: &[u8]| {
        staging
            .put(rel, bytes)
            .map_err(|e| diag::Diagnostic::error("--output", e.to_string()))
    };
    let mut built = build_stages(opts, None, Some(&sink))?;
    let start = std::time::Instant::now();
    let written = staging.commit();
    built.timings.add("write", start.elapsed());
    match written {
        Ok(()) => Ok(built),
        Err(e) => {
            let mut diags = built.diags;
            diags.push(diag::Diagnostic::error("--output", e.to_string()));
            Err(Failed {
                diags,
                sources: built.sources,
                timings: built.timings,
            })
        }
    }
}
