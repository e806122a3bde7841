//! The search index as an output of the build: built from the model's
//! entries, reused when they did not change, and, in the dev server, built
//! beside the site rather than before it.
//!
//! Pagefind costs about a millisecond per entry, on one core (its records
//! are added one at a time): seconds on a site of thousands of records.
//! A save in `vitrine serve` must not wait for that, so with
//! [`Options::search_in_background`](crate::Options) a changed index is
//! built on a thread of its own while the build hands out the previous
//! one; the next build takes the new index once it is ready (the dev
//! server rebuilds as soon as [`SearchCache::ready`] says so).

use crate::diag::Diagnostic;
use crate::render::{Bytes, RenderInput};

type Files = Vec<(String, Bytes)>;

/// The previous bundle, and the one being built in the background.
#[derive(Default)]
pub(crate) struct SearchCache {
    /// The hash of the entries and the files built from them.
    #[cfg(feature = "search")]
    last: Option<(u64, Files)>,
    #[cfg(feature = "search")]
    pending: Option<(u64, std::thread::JoinHandle<Result<Files, Diagnostic>>)>,
    /// The records' entries, reused while their record is unchanged.
    #[cfg(feature = "search")]
    entries: crate::search::Memo,
}

impl SearchCache {
    /// Whether an index built in the background is ready to be taken by
    /// the next build.
    pub(crate) fn ready(&self) -> bool {
        #[cfg(feature = "search")]
        {
            self.pending.as_ref().is_some_and(|(_, h)| h.is_finished())
        }
        #[cfg(not(feature = "search"))]
        {
            false
        }
    }
}

/// The search index's files: the previous build's when the entries are the
/// same; in the background mode, the previous ones while the new ones are
/// being built.
pub(crate) fn search_output(
    input: &RenderInput,
    cache: &mut SearchCache,
    background: bool,
) -> Result<Files, Diagnostic> {
    #[cfg(feature = "search")]
    {
        let (entries, key) = crate::search::entries_cached(
            input.site,
            input.urls,
            &input.theme.strings,
            input.fingerprints,
            &mut cache.entries,
        );
        if let Some((k, files)) = &cache.last
            && *k == key
        {
            return Ok(files.clone());
        }
        // One index at a time is built in the background. A finished one
        // is taken: it is the index of these entries, or of entries newer
        // than those of the last one, and then a fresh one starts.
        if let Some((k, handle)) = cache.pending.take() {
            if handle.is_finished() || !background || (k == key && cache.last.is_none()) {
                let files = handle.join().unwrap_or_else(|_| Err(stopped()))?;
                cache.last = Some((k, files.clone()));
                if k == key {
                    return Ok(files);
                }
            } else {
                cache.pending = Some((k, handle));
            }
        }
        if background && let Some((_, files)) = &cache.last {
            if cache.pending.is_none() {
                let handle = std::thread::Builder::new()
                    .name("vitrine-recherche".into())
                    .spawn(move || {
                        idle_priority();
                        bundle(entries, 1)
                    })
                    .map_err(|e| {
                        Diagnostic::error(
                            "themes",
                            format!("index de recherche impossible à lancer : {e}"),
                        )
                    })?;
                cache.pending = Some((key, handle));
            }
            return Ok(files.clone());
        }
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let files = bundle(entries, threads)?;
        cache.last = Some((key, files.clone()));
        Ok(files)
    }
    #[cfg(not(feature = "search"))]
    {
        let _ = (input, cache, background);
        Err(Diagnostic::error(
            "themes",
            "index de recherche demandé mais vitrine est construit sans la fonction `search`",
        ))
    }
}

#[cfg(feature = "search")]
fn bundle(
    entries: Vec<std::sync::Arc<crate::search::Entry>>,
    threads: usize,
) -> Result<Files, Diagnostic> {
    Ok(crate::search::bundle(entries, threads)?
        .into_iter()
        .map(|(p, b)| (p, Bytes::from(b)))
        .collect())
}

/// Lowers the calling thread (and the threads it starts: Pagefind's pool)
/// to the idle class: it then runs only on a core nothing else wants, so a
/// save in the dev server is rebuilt at full speed while the previous
/// save's index is still being built. Best effort: elsewhere than Linux,
/// or if refused, the index is built at normal priority.
#[cfg(feature = "search")]
fn idle_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: plain system calls on the calling thread (pid 0), with a
        // valid parameter; their results are only checked.
        unsafe {
            if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
                libc::setpriority(libc::PRIO_PROCESS, 0, 19);
            }
        }
    }
}

#[cfg(feature = "search")]
fn stopped() -> Diagnostic {
    Diagnostic::error("themes", "index de recherche interrompu (arrêt inattendu)")
}
