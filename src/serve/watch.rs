//! Watching the site's directories and turning bursts of file events into
//! one rebuild.
//!
//! Directories only, recursively, never single files: editors that save by
//! renaming (vim) replace the file a single-file watch points to (notify#531).
//! The output is never watched (it is in memory anyway), so a build cannot
//! trigger another one.
//!
//! notify-debouncer-full merges the events of each file and follows renames,
//! but it waits per file, so a burst over many files (`git checkout`) still
//! arrives in several batches: the rebuild loop (in `mod.rs`) waits for the
//! first one with [`wait`], then drains until nothing has come for [`QUIET`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, RecommendedCache, new_debouncer, new_debouncer_opt,
};

/// How long the debouncer waits after a file's last event.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How long nothing must arrive before the collected changes are rebuilt.
/// The debouncer already merges the events of one file (a truncate-then-
/// write save, VS Code); this merges the batches of a burst over many files
/// (`git checkout`), which come a debounce period apart. A burst split
/// anyway costs one more incremental rebuild, not a wrong site.
pub(crate) const QUIET: Duration = Duration::from_millis(50);
/// How often the polling fallback looks at the files.
const POLL_EVERY: Duration = Duration::from_millis(400);

/// Keeps the watch alive; dropping it stops it and closes the event channel.
pub(crate) enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Watcher {
    /// Stops the watch and waits for the debouncer's thread.
    pub fn stop(self) {
        match self {
            Watcher::Native(d) => d.stop(),
            Watcher::Poll(d) => d.stop(),
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Watcher::Native(_) => "surveillance native des fichiers",
            Watcher::Poll(_) => "surveillance par relecture périodique (--poll)",
        }
    }
}

pub(crate) type Events = Receiver<DebounceEventResult>;

/// Watches `dirs` with the system's watcher, or by polling when asked or
/// when the native watcher fails (inotify limits, network file systems):
/// then says why on the terminal.
pub(crate) fn start(dirs: &[PathBuf], poll: bool) -> notify::Result<(Watcher, Events)> {
    if !poll {
        match native(dirs) {
            Ok(w) => return Ok(w),
            Err(e) => {
                eprintln!("vitrine : la surveillance native des fichiers a échoué : {e}");
                if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                    eprintln!(
                        "  la limite du système est atteinte ; pour l'augmenter : \
                         sudo sysctl fs.inotify.max_user_watches=524288"
                    );
                }
                eprintln!("  repli sur la relecture périodique des fichiers (comme --poll)");
            }
        }
    }
    polling(dirs)
}

fn native(dirs: &[PathBuf]) -> notify::Result<(Watcher, Events)> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
    for dir in dirs {
        debouncer.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok((Watcher::Native(debouncer), rx))
}

fn polling(dirs: &[PathBuf]) -> notify::Result<(Watcher, Events)> {
    let (tx, rx) = mpsc::channel();
    // notify's poller keeps modification times in whole seconds, so two
    // saves within a second would go unseen: compare contents too (a few
    // hundred kilobytes of text per poll for a whole site).
    let config = notify::Config::default()
        .with_poll_interval(POLL_EVERY)
        .with_compare_contents(true);
    let mut debouncer = new_debouncer_opt::<_, PollWatcher, _>(
        DEBOUNCE,
        None,
        tx,
        RecommendedCache::new(),
        config,
    )?;
    for dir in dirs {
        debouncer.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok((Watcher::Poll(debouncer), rx))
}

/// What [`wait`] saw.
pub(crate) enum Next {
    /// Site files changed (paths as reported).
    Changed(BTreeSet<PathBuf>),
    /// Nothing relevant within the time allowed.
    Quiet,
    /// The watch has stopped.
    Closed,
}

/// Waits for changes to site files under `dirs`: for at most `timeout`, or
/// until there are some when `None`. Batches with only editor temporaries
/// or reads do not end the wait.
pub(crate) fn wait(events: &Events, dirs: &[PathBuf], timeout: Option<Duration>) -> Next {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let batch = match deadline {
            None => match events.recv() {
                Ok(b) => b,
                Err(_) => return Next::Closed,
            },
            Some(d) => match events.recv_timeout(d.saturating_duration_since(Instant::now())) {
                Ok(b) => b,
                Err(RecvTimeoutError::Timeout) => return Next::Quiet,
                Err(RecvTimeoutError::Disconnected) => return Next::Closed,
            },
        };
        let mut changed = BTreeSet::new();
        collect(batch, dirs, &mut changed);
        if !changed.is_empty() {
            return Next::Changed(changed);
        }
    }
}

fn collect(batch: DebounceEventResult, dirs: &[PathBuf], changed: &mut BTreeSet<PathBuf>) {
    match batch {
        Ok(events) => {
            for event in events.iter().filter(|e| counts(&e.kind)) {
                changed.extend(event.paths.iter().filter(|p| relevant(p, dirs)).cloned());
            }
        }
        Err(errors) => {
            for e in errors {
                eprintln!("vitrine : surveillance des fichiers : {e}");
                if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                    eprintln!(
                        "  la limite du système est atteinte : relancez avec --poll, ou \
                         sudo sysctl fs.inotify.max_user_watches=524288"
                    );
                }
            }
        }
    }
}

/// Whether an event kind can change the site. Reads are not changes: the
/// build itself opens every file (inotify reports opens) and may update
/// access times (reported as bare metadata changes), which would otherwise
/// trigger a rebuild after each rebuild. Polling reports writes as
/// `WriteTime` metadata changes, which do count.
fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(m)) => *m == MetadataKind::WriteTime,
        _ => true,
    }
}

/// Whether a path is a site file rather than an editor's temporary: no
/// component (below the watched directory) may be an ignored name
/// (`*.swp`, `*~`, vim's `4913` probe, emacs's `.#*` locks, dot files).
pub(crate) fn relevant(path: &Path, dirs: &[PathBuf]) -> bool {
    let Some(rel) = dirs.iter().find_map(|d| path.strip_prefix(d).ok()) else {
        return false;
    };
    rel.components().all(|c| {
        let name = c.as_os_str().to_string_lossy();
        !(crate::load::is_ignored(&name)
            || name.ends_with(".swp")
            || name.ends_with('~')
            || name.starts_with(".#")
            || name == "4913")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temporaries_are_not_changes() {
        let dirs = [PathBuf::from("/site/content")];
        let yes = |p: &str| relevant(Path::new(p), &dirs);
        assert!(yes("/site/content/aides/x.yaml"));
        assert!(yes("/site/content/pages/a/b.md"));
        assert!(yes("/site/content"));
        assert!(!yes("/site/content/aides/.x.yaml.swp"));
        assert!(!yes("/site/content/aides/x.yaml.swp"));
        assert!(!yes("/site/content/aides/x.yaml~"));
        assert!(!yes("/site/content/aides/4913"));
        assert!(!yes("/site/content/aides/.#x.yaml"));
        assert!(!yes("/site/content/.git/index"));
        assert!(!yes("/site/public/index.html"));
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, DataChange};
        assert!(!counts(&EventKind::Access(AccessKind::Open(
            notify::event::AccessMode::Any
        ))));
        assert!(!counts(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Any
        ))));
        assert!(counts(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::WriteTime
        ))));
        assert!(counts(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(counts(&EventKind::Create(CreateKind::File)));
    }
}
