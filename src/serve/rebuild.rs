//! The rebuild loop: waits for changes, builds, swaps a good site in and
//! only then tells the pages, or shows the errors and keeps the last good
//! site.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::{self, Broken, Change, Good};
use super::{Shared, watch};
use crate::{Options, diag};

/// Waits for changes and rebuilds, once per burst of changes.
///
/// The build starts as soon as the first batch of events arrives, while
/// the loop makes sure the burst is over (nothing for [`watch::QUIET`]):
/// a single save is then served after the quiet window rather than after
/// the window *and* the build. If more changes come during the window, that
/// build may have read half-written files: it is thrown away and the site
/// is built again once all is quiet. Either way, one swap and one reload.
///
/// While nothing happens, and after each burst, the watched directories
/// are looked at ([`watch::Watcher::recheck`]): one that came back after
/// being deleted is watched again and the site rebuilt from it.
pub(crate) fn rebuild_loop(
    events: &watch::Events,
    watcher: &watch::Watcher,
    builder: &mut Builder,
) {
    use watch::Next;
    loop {
        let mut changed = match watcher.wait(events, Some(watch::CHECK_EVERY)) {
            Next::Changed(changed) => changed,
            Next::Quiet => {
                let again = watcher.recheck();
                if again.is_empty() {
                    // A search index built in the background since the
                    // last save: a rebuild (everything else cached) takes it.
                    if builder.cache.search_ready() {
                        builder.build_and_apply();
                    }
                    continue;
                }
                again.into_iter().collect()
            }
            Next::Closed => return,
        };
        let opts = builder.opts.clone();
        let mut cache = std::mem::take(&mut builder.cache);
        let early = std::thread::spawn(move || {
            let outcome = timed_build(&opts, &mut cache);
            (outcome, cache)
        });
        let mut stale = false;
        loop {
            match watcher.wait(events, Some(watch::QUIET)) {
                Next::Changed(more) => {
                    changed.extend(more);
                    stale = true;
                }
                Next::Quiet => break,
                Next::Closed => return,
            }
        }
        // A directory deleted during the burst and already back is to be
        // watched again, and the early build may have missed its files.
        let again = watcher.recheck();
        if !again.is_empty() {
            changed.extend(again);
            stale = true;
        }
        // A stale build's cache is still right (it is keyed by content);
        // a panicked one's is lost and the next build starts afresh.
        let result = match early.join() {
            Ok((result, cache)) => {
                builder.cache = cache;
                if stale {
                    timed_build(&builder.opts, &mut builder.cache)
                } else {
                    result
                }
            }
            Err(_) => timed_build(&builder.opts, &mut builder.cache),
        };
        builder.apply(&changed.into_iter().collect::<Vec<_>>(), result);
    }
}

/// A build's result and how long it took.
pub(crate) type Outcome = (Result<crate::Built, crate::Failed>, Duration);

pub(crate) fn timed_build(opts: &Options, cache: &mut crate::Cache) -> Outcome {
    let start = Instant::now();
    let result = crate::build_cached(opts, cache);
    (result, start.elapsed())
}

/// The rebuild loop's state: how to build, and the name of the next build.
pub(crate) struct Builder {
    opts: Options,
    shared: Arc<Shared>,
    color: bool,
    /// Distinguishes this server's builds from a previous server's, so a
    /// page left open across a restart reloads.
    instance: String,
    builds: u64,
    /// What the last build can hand to the next.
    cache: crate::Cache,
}

impl Builder {
    pub fn new(opts: Options, shared: Arc<Shared>) -> Builder {
        Builder {
            opts,
            shared,
            color: std::io::stderr().is_terminal(),
            instance: format!("{:x}", std::process::id()),
            builds: 0,
            cache: crate::Cache::default(),
        }
    }

    /// Builds with the builder's cache and applies the result.
    pub fn build_and_apply(&mut self) {
        let outcome = timed_build(&self.opts, &mut self.cache);
        self.apply(&[], outcome);
    }

    /// Swaps a good result in, *then* tells the pages; on failure keeps
    /// the last good site and shows the errors.
    pub fn apply(&mut self, changed: &[PathBuf], (result, took): Outcome) {
        if let Some(first) = changed.first() {
            let root = self.opts.root.canonicalize().unwrap_or_default();
            let more = match changed.len() {
                1 => String::new(),
                n => format!(" (et {} autre(s))", n - 1),
            };
            eprintln!("vitrine : modifié : {}{more}", diag::rel_path(&root, first));
        }
        let ms = took.as_millis();
        // `VITRINE_LOG=temps`: the time of each stage of every rebuild.
        if std::env::var("VITRINE_LOG").is_ok_and(|v| v.split(',').any(|w| w == "temps")) {
            let timings = match &result {
                Ok(b) => &b.timings,
                Err(f) => &f.timings,
            };
            eprint!("{}", timings.report());
        }
        match result {
            Ok(built) => {
                eprint!("{}", diag::render(&built.diags, &built.sources, self.color));
                let (good, broken) = self.shared.snapshot();
                let change = match &good {
                    Some(old) if broken.is_none() => state::classify(&old.output, &built.output),
                    _ => Change::Full,
                };
                if change == Change::Same {
                    eprintln!("vitrine : reconstruit en {ms} ms, rien n'a changé");
                    return;
                }
                self.builds += 1;
                let build = format!("{}-{}", self.instance, self.builds);
                let new = Arc::new(Good {
                    output: built.output,
                    build: build.clone(),
                });
                {
                    let mut s = self.shared.write();
                    s.good = Some(new);
                    s.broken = None;
                }
                let (event, files) = match change {
                    Change::Css(files) => ("css", files),
                    // Pages fetch the index when a query is typed: the new
                    // one is there for the next query, no reload needed.
                    Change::Search => {
                        eprintln!("vitrine : index de recherche mis à jour en {ms} ms");
                        return;
                    }
                    _ => ("reload", Vec::new()),
                };
                let data = serde_json::json!({ "build": build, "files": files }).to_string();
                self.shared.live.broadcast(event, &data);
                eprintln!(
                    "vitrine : {} pages construites en {ms} ms, {} avertissement(s){}",
                    built.pages,
                    built.diags.warning_count(),
                    if event == "css" {
                        " ; styles mis à jour"
                    } else {
                        ""
                    }
                );
            }
            Err(failed) => {
                eprint!(
                    "{}",
                    diag::render(&failed.diags, &failed.sources, self.color)
                );
                let broken = Arc::new(Broken::new(&failed));
                let json = broken.json.clone();
                let had_good = {
                    let mut s = self.shared.write();
                    s.broken = Some(broken);
                    s.good.is_some()
                };
                self.shared.live.broadcast("error", &json);
                eprintln!(
                    "vitrine : échec en {ms} ms, {} erreur(s) ; {}",
                    failed.diags.error_count(),
                    if had_good {
                        "le navigateur affiche l'erreur, la dernière version valide reste servie"
                    } else {
                        "le navigateur affiche l'erreur"
                    }
                );
            }
        }
    }
}
