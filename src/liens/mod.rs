//! `vitrine liens`: checks every external address of the content.
//!
//! Sources rot: a page moves, a scheme closes and its page goes. `build`
//! stays offline and deterministic, so this is a command of its own, for a
//! scheduled CI job or an editor before a review. Each host is asked one
//! request at a time, a pause apart (a département's guide cites a few
//! official sites many times: ameli.fr, iledefrance.fr…), several hosts in
//! parallel. Answers that were fine are kept a week in
//! `.vitrine/liens.json`, so a rerun asks only for the rest.

mod cache;
mod collect;
pub mod http;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, Sources};

pub use collect::find_urls;

/// What `vitrine liens` is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    pub today: Date,
    /// Pause between two requests to the same host.
    pub pause: Duration,
    pub timeout: Duration,
    /// Hosts asked at the same time.
    pub parallel: usize,
    /// Reuse answers younger than a week from `.vitrine/liens.json`.
    pub use_cache: bool,
}

/// The result: diagnostics located at every place an address is written.
pub struct Report {
    pub diags: Diagnostics,
    pub sources: Sources,
    /// Addresses asked for in this run, and taken from the cache.
    pub checked: usize,
    pub cached: usize,
}

/// Reads the content under `root` and checks its external addresses.
pub fn run(root: &Path, opts: &Options) -> Report {
    let mut load_diags = Diagnostics::default();
    let loaded = crate::load::load(root, &mut load_diags);
    let urls = collect::urls(&loaded);
    let base = loaded
        .config
        .as_ref()
        .and_then(|(_, n)| match n.get("url_base").map(|v| &v.value) {
            Some(crate::load::node::Value::Str(s)) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let settings = http::Settings {
        timeout: opts.timeout,
        user_agent: format!("vitrine/{} (+{base})", env!("CARGO_PKG_VERSION")),
        max_retry_wait: opts.timeout.min(Duration::from_secs(30)),
    };
    let cache_path = root.join(".vitrine").join("liens.json");
    let mut known = if opts.use_cache {
        cache::read(&cache_path)
    } else {
        cache::Cache::default()
    };
    let (fresh, to_check): (Vec<&String>, Vec<&String>) =
        urls.keys().partition(|u| known.is_fresh(u, opts.today));
    let verdicts = check_all(&to_check, &settings, opts);
    for (url, verdict) in &verdicts {
        if *verdict == http::Verdict::Ok {
            known.record(url, opts.today);
        }
    }
    // The cache is a convenience: failing to write it fails nothing.
    let _ = cache::write(&cache_path, &known);

    let mut diags = Diagnostics::default();
    for (url, verdict) in &verdicts {
        let Some(places) = urls.get(*url) else {
            continue;
        };
        for place in places {
            let d = match verdict {
                http::Verdict::Ok => continue,
                http::Verdict::Moved(to) => Diagnostic::warning(
                    &place.file,
                    format!("adresse déplacée définitivement `{url}`"),
                )
                .help(format!("remplacez-la par {to} (après avoir vérifié que la page est la bonne)")),
                http::Verdict::Dead(why) => {
                    Diagnostic::error(&place.file, format!("lien mort `{url}` : {why}")).help(
                        "cherchez la nouvelle adresse de la page sur le site de l'organisme, ou la page d'archive ; si le dispositif a disparu, marquez la fiche close",
                    )
                }
                http::Verdict::Doubtful(why) => {
                    Diagnostic::warning(&place.file, format!("lien non vérifié `{url}` : {why}"))
                }
            };
            diags.push(
                d.at(Some(place.span.clone()))
                    .field(place.field.clone().unwrap_or_default()),
            );
        }
    }
    let mut sources = loaded.sources.clone();
    sources.keep_cited(&diags, std::iter::empty());
    Report {
        diags,
        sources,
        checked: to_check.len(),
        cached: fresh.len(),
    }
}

/// The host of an address, to queue requests per server.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Checks every address: hosts are shared out between `parallel`
/// threads, and each host's addresses are asked in order, a pause apart.
fn check_all<'u>(
    urls: &[&'u String],
    settings: &http::Settings,
    opts: &Options,
) -> Vec<(&'u String, http::Verdict)> {
    let mut by_host: BTreeMap<&str, Vec<&'u String>> = BTreeMap::new();
    for url in urls {
        by_host.entry(host_of(url)).or_default().push(url);
    }
    let queue = Mutex::new(by_host.into_values().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    let agent = http::agent(settings);
    std::thread::scope(|scope| {
        for _ in 0..opts.parallel.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                    let Some(host_urls) = next else {
                        break;
                    };
                    for (i, url) in host_urls.into_iter().enumerate() {
                        if i > 0 {
                            std::thread::sleep(opts.pause);
                        }
                        let verdict = http::check(&agent, settings, url);
                        if let Ok(mut r) = results.lock() {
                            r.push((url, verdict));
                        }
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(b.0));
    results
}
