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

pub mod diag;
pub mod guide;
pub mod load;
pub mod markdown;
pub mod model;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod plan;
pub mod reference;
pub mod render;
pub mod serve;
pub mod theme;
pub mod url;
pub mod validate;
pub mod write;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use diag::{Diagnostics, Sources};
use render::{Inject, Output};

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
}

/// A site rendered in memory, ready to be written or served.
pub struct Built {
    pub output: Output,
    /// Warnings (a successful build has no error).
    pub diags: Diagnostics,
    pub sources: Sources,
    /// Number of HTML pages.
    pub pages: usize,
}

/// A build that did not produce a site: its diagnostics say why.
pub struct Failed {
    pub diags: Diagnostics,
    pub sources: Sources,
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

/// Runs every stage but writing: load, validate, plan, render.
pub fn build(opts: &Options) -> Result<Built, Failed> {
    let mut diags = Diagnostics::default();
    let loaded = load::load(&opts.root, &mut diags);
    let vopts = validate::Options {
        drafts: opts.drafts,
        today: opts.today.unwrap_or_else(today),
        base_url: opts.base_url.clone(),
    };
    let validated = validate::validate(&loaded, &vopts, &mut diags);
    let sources = loaded.sources.clone();
    let fail = |diags, sources| Err(Failed { diags, sources });
    let Some(validated) = validated else {
        return fail(diags, sources);
    };
    let validate::Validated { site, urls } = validated;
    let theme = theme::load(
        &opts.root,
        site.config.theme.as_deref(),
        &site.config.langue,
        opts.default_theme_dir.as_deref(),
        &mut diags,
    );
    let with_pdf = cfg!(feature = "pdf") && !opts.skip_pdf;
    let plan = plan::plan(&site, &theme, with_pdf, &mut diags);
    let tera = render::compile(&theme, &mut diags);
    let (Some(mut tera), false) = (tera, diags.has_errors()) else {
        return fail(diags, sources);
    };
    let static_root = opts.root.join("content").join("static");
    let index = render::views::Index::new(&site);
    let edition = edition_date(&site);
    let guide = {
        let ctx = render::views::Ctx {
            site: &site,
            urls: &urls,
            index: &index,
        };
        guide::build(&site, &ctx, &theme.strings, edition, with_pdf)
    };
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
    };
    match render::render(&input, &mut tera, &mut diags) {
        Some(output) => {
            let pages = output.keys().filter(|k| k.ends_with(".html")).count();
            Ok(Built {
                output,
                diags,
                sources,
                pages,
            })
        }
        None => fail(diags, sources),
    }
}

/// Builds and writes to `output`, leaving it untouched on any error.
pub fn build_to_dir(opts: &Options, output: &Path) -> Result<Built, Failed> {
    // Refuse a dangerous output before spending time on the build.
    if let Err(e) = write::check_output(&opts.root, output) {
        let mut diags = Diagnostics::default();
        diags.push(diag::Diagnostic::error("--output", e.to_string()));
        return Err(Failed {
            diags,
            sources: Sources::default(),
        });
    }
    let built = build(opts)?;
    match write::write_dir(&opts.root, output, &built.output) {
        Ok(()) => Ok(built),
        Err(e) => {
            let mut diags = built.diags;
            diags.push(diag::Diagnostic::error("--output", e.to_string()));
            Err(Failed {
                diags,
                sources: built.sources,
            })
        }
    }
}
