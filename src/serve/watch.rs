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
//! arrives in several batches: the rebuild loop (in `rebuild.rs`) waits for
//! the first one with [`Watcher::wait`], then drains until nothing has come
//! for [`QUIET`].
//!
//! A watched directory that is deleted (or moved, or replaced) takes its
//! system watch with it, and nothing says so: the loop looks at the
//! directories every [`CHECK_EVERY`] and watches them again when they are
//! back, saying so on the terminal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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

/// How often the watched directories are looked at: one that was deleted,
/// moved or replaced is no longer watched by the system (its watch went
/// with it), so the loop notices and watches it again once it is back.
pub(crate) const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The system's watcher or the poller.
enum Kind {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Kind {
    fn watch(&mut self, dir: &Path) -> notify::Result<()> {
        match self {
            Kind::Native(d) => d.watch(dir, RecursiveMode::Recursive),
            Kind::Poll(d) => d.watch(dir, RecursiveMode::Recursive),
        }
    }

    fn unwatch(&mut self, dir: &Path) {
        // The system may have dropped the watch already: nothing to undo.
        let _ = match self {
            Kind::Native(d) => d.unwatch(dir),
            Kind::Poll(d) => d.unwatch(dir),
        };
    }
}

/// Which directory a path names: a directory deleted and created again
/// has another inode or, if the inode is reused, another birth time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity {
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
    born: Option<std::time::SystemTime>,
}

fn identity(dir: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;
    Some(Identity {
        #[cfg(unix)]
        dev: meta.dev(),
        #[cfg(unix)]
        ino: meta.ino(),
        born: meta.created().ok(),
    })
}

/// The watch of the site's directories. Shared by the rebuild loop, which
/// re-arms it ([`Watcher::recheck`]), and the server, which stops it.
pub(crate) struct Watcher {
    kind: Mutex<Option<Kind>>,
    dirs: Vec<PathBuf>,
    /// What each directory was when last watched; `None` while missing.
    seen: Mutex<Vec<Option<Identity>>>,
    /// Directories whose own removal or renaming was reported: their
    /// watch is gone even if the same inode comes back.
    lost: Mutex<BTreeSet<PathBuf>>,
    /// Directories watched at least once: one missing at start that
    /// appears is "created", not "back".
    armed: Mutex<BTreeSet<PathBuf>>,
    describe: &'static str,
}

impl Watcher {
    fn new(kind: Kind, dirs: &[PathBuf]) -> Watcher {
        let describe = match kind {
            Kind::Native(_) => "surveillance native des fichiers",
            Kind::Poll(_) => "surveillance par relecture périodique (--poll)",
        };
        Watcher {
            kind: Mutex::new(Some(kind)),
            dirs: dirs.to_vec(),
            seen: Mutex::new(dirs.iter().map(|d| identity(d)).collect()),
            lost: Mutex::new(BTreeSet::new()),
            armed: Mutex::new(
                dirs.iter()
                    .filter(|d| identity(d).is_some())
                    .cloned()
                    .collect(),
            ),
            describe,
        }
    }

    /// Stops the watch and waits for the debouncer's thread; the event
    /// channel closes, which ends the rebuild loop.
    pub fn stop(&self) {
        let kind = lock(&self.kind).take();
        match kind {
            Some(Kind::Native(d)) => d.stop(),
            Some(Kind::Poll(d)) => d.stop(),
            None => {}
        }
    }

    pub fn describe(&self) -> &'static str {
        self.describe
    }

    /// Looks at each watched directory: says when one disappears, and
    /// watches it again when it is back (or was replaced). Returns the
    /// directories watched again, whose content is to be rebuilt.
    pub fn recheck(&self) -> Vec<PathBuf> {
        let lost = std::mem::take(&mut *lock(&self.lost));
        let mut seen = lock(&self.seen);
        let mut again = Vec::new();
        for (dir, before) in self.dirs.iter().zip(seen.iter_mut()) {
            let now = identity(dir);
            match (now, *before) {
                (None, Some(_)) => {
                    super::wire::say(&format!(
                        "vitrine : le dossier {} a disparu ; ses modifications seront de \
                         nouveau suivies dès qu'il sera revenu",
                        dir.display()
                    ));
                    *before = None;
                }
                (Some(id), was) if was != Some(id) || lost.contains(dir) => {
                    *before = Some(id);
                    let (how, done) = if was.is_none() && !lock(&self.armed).contains(dir) {
                        ("a été créé", "ses fichiers sont désormais suivis")
                    } else if was.is_none() {
                        ("est revenu", "surveillance rétablie")
                    } else {
                        ("a été remplacé", "surveillance rétablie")
                    };
                    match self.rearm(dir) {
                        Ok(()) => super::wire::say(&format!(
                            "vitrine : le dossier {} {how} ; {done}",
                            dir.display()
                        )),
                        Err(e) => super::wire::say(&format!(
                            "vitrine : le dossier {} {how} mais ne peut plus être surveillé \
                             ({e}) : relancez vitrine serve pour voir vos modifications",
                            dir.display()
                        )),
                    }
                    again.push(dir.clone());
                }
                _ => {}
            }
        }
        again
    }

    fn rearm(&self, dir: &Path) -> notify::Result<()> {
        let mut kind = lock(&self.kind);
        let Some(kind) = kind.as_mut() else {
            return Ok(()); // stopping
        };
        kind.unwatch(dir);
        kind.watch(dir)?;
        lock(&self.armed).insert(dir.to_path_buf());
        Ok(())
    }

    /// Waits for changes to site files: for at most `timeout`, or until
    /// there are some when `None`. Batches with only editor temporaries or
    /// reads do not end the wait.
    pub fn wait(&self, events: &Events, timeout: Option<Duration>) -> Next {
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
            self.collect(batch, &mut changed);
            if !changed.is_empty() {
                return Next::Changed(changed);
            }
        }
    }

    fn collect(&self, batch: DebounceEventResult, changed: &mut BTreeSet<PathBuf>) {
        match batch {
            Ok(events) => {
                for event in events.iter().filter(|e| counts(&e.kind)) {
                    if matches!(
                        event.kind,
                        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
                    ) {
                        let gone = event.paths.iter().filter(|p| self.dirs.contains(p));
                        lock(&self.lost).extend(gone.cloned());
                    }
                    changed.extend(
                        event
                            .paths
                            .iter()
                            .filter(|p| relevant(p, &self.dirs))
                            .cloned(),
                    );
                }
            }
            Err(errors) => {
                // A path gone between two looks (the poller reports its
                // missing directory on every poll): `recheck` says it once.
                let gone = |e: &notify::Error| match &e.kind {
                    notify::ErrorKind::PathNotFound => true,
                    notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
                    _ => false,
                };
                for e in errors.into_iter().filter(|e| !gone(e)) {
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
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
    let mut kind = Kind::Native(new_debouncer(DEBOUNCE, None, tx)?);
    watch_present(&mut kind, dirs)?;
    Ok((Watcher::new(kind, dirs), rx))
}

fn polling(dirs: &[PathBuf]) -> notify::Result<(Watcher, Events)> {
    let (tx, rx) = mpsc::channel();
    // notify's poller keeps modification times in whole seconds, so two
    // saves within a second would go unseen: compare contents too (a few
    // hundred kilobytes of text per poll for a whole site).
    let config = notify::Config::default()
        .with_poll_interval(POLL_EVERY)
        .with_compare_contents(true);
    let mut kind = Kind::Poll(new_debouncer_opt::<_, PollWatcher, _>(
        DEBOUNCE,
        None,
        tx,
        RecommendedCache::new(),
        config,
    )?);
    watch_present(&mut kind, dirs)?;
    Ok((Watcher::new(kind, dirs), rx))
}

/// Watches the directories that exist; [`Watcher::recheck`] arms the
/// others when they are created.
fn watch_present(kind: &mut Kind, dirs: &[PathBuf]) -> notify::Result<()> {
    for dir in dirs.iter().filter(|d| identity(d).is_some()) {
        kind.watch(dir)?;
    }
    Ok(())
}

/// What [`Watcher::wait`] saw.
pub(crate) enum Next {
    /// Site files changed (paths as reported).
    Changed(BTreeSet<PathBuf>),
    /// Nothing relevant within the time allowed.
    Quiet,
    /// The watch has stopped.
    Closed,
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
