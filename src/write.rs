//! Write: put a rendered site on disk atomically.
//!
//! Everything is written into a staging directory next to the output, then
//! swapped in. A build that fails before the swap leaves the previous
//! output byte-identical.
//!
//! vitrine owns an output only if it wrote it: every output carries a
//! marker file, [`MARKER`]. An existing directory is replaced only if it is
//! empty or carries the marker (or with `--force`); a regular file or a
//! symbolic link in its place is refused. So `-o ~/Documents` by mistake
//! deletes nothing.
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every moment
//! the output path holds a complete site, the old or the new. Elsewhere,
//! or on a file system without it, the swap is two renames (output to
//! `.vitrine-old-<name>`, staging to output); killed between them, the
//! output is missing until the next build, which finds the old copy there
//! and cleans it.

use std::io;
use std::path::{Path, PathBuf};

use crate::render::Output;

#[derive(Debug)]
pub enum WriteError {
    /// The output directory is unsafe to replace.
    Refused(String),
    /// The output exists and vitrine did not write it.
    NotOurs(PathBuf, &'static str),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(why) => write!(f, "{why}"),
            WriteError::NotOurs(path, what) => write!(
                f,
                "refus de remplacer {} : {what} que vitrine n'a pas écrit ; choisissez un dossier de sortie vide ou nouveau, ou ajoutez --force pour le remplacer quand même",
                path.display()
            ),
            WriteError::Io(path, err) => {
                write!(f, "écriture impossible de {} : {err}", path.display())
            }
        }
    }
}

/// The file that marks a directory as an output of vitrine.
pub const MARKER: &str = ".vitrine-sortie";

const MARKER_TEXT: &str = "Ce dossier est produit par vitrine et remplacé à chaque construction.\n";

/// What may be replaced at `path`: nothing, an empty directory or one that
/// carries the marker; with `force`, any directory.
fn owned(path: &Path, force: bool) -> Result<(), WriteError> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let what = if meta.file_type().is_symlink() {
        "c'est un lien symbolique"
    } else if !meta.is_dir() {
        "c'est un fichier, pas un dossier,"
    } else if force || path.join(MARKER).is_file() {
        return Ok(());
    } else {
        match std::fs::read_dir(path).map_err(io_err(path))?.next() {
            None => return Ok(()),
            Some(_) => "ce dossier contient des fichiers",
        }
    };
    Err(WriteError::NotOurs(path.to_path_buf(), what))
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_path_buf(), e)
}

/// Absolute, normalised form of a path that may not exist yet.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    // Canonicalise the longest existing ancestor, keep the rest as written.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize()?;
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    Ok(out)
}

/// Refuses an output directory that is, or contains, the site root or its
/// `content/`, or that looks like a source tree.
pub fn check_output(root: &Path, output: &Path) -> Result<PathBuf, WriteError> {
    let out = absolute(output).map_err(io_err(output))?;
    let root = absolute(root).map_err(io_err(root))?;
    let content = root.join("content");
    if root.starts_with(&out) || content.starts_with(&out) {
        return Err(WriteError::Refused(format!(
            "refus d'écrire dans {} : ce dossier contient le site lui-même ; choisissez un dossier de sortie dédié, par exemple public/",
            out.display()
        )));
    }
    if out.starts_with(&content) {
        return Err(WriteError::Refused(format!(
            "refus d'écrire dans {} : le dossier de sortie ne peut pas être dans content/",
            out.display()
        )));
    }
    if out.join(".git").exists() || out.join("content").join("site.yaml").exists() {
        return Err(WriteError::Refused(format!(
            "refus de remplacer {} : il contient un dépôt ou un site, pas une sortie de vitrine",
            out.display()
        )));
    }
    if out.parent().is_none() {
        return Err(WriteError::Refused(
            "refus d'écrire à la racine du système de fichiers".into(),
        ));
    }
    Ok(out)
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".vitrine-{tag}-{name}"))
}

/// A staging directory next to the output, filled while the pages render
/// (each page is written by the worker that rendered it and then dropped,
/// so a build never holds the whole site in memory), then swapped in by
/// [`Staging::commit`]. Dropped without a commit (a failed build), it
/// deletes itself and the output stays as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Checks `output` ([`check_output`]) and creates an empty staging
    /// directory beside it, removing the leftovers of an interrupted build.
    /// With `force`, an existing directory is replaced even without the
    /// marker (never a file or a symbolic link).
    pub fn new(root: &Path, output: &Path, force: bool) -> Result<Staging, WriteError> {
        // Before `check_output` resolves it: a symbolic link is refused,
        // not followed (`lien/` would be followed, hence the components).
        let given: PathBuf = output.components().collect();
        if std::fs::symlink_metadata(&given).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::NotOurs(given, "c'est un lien symbolique"));
        }
        let out = check_output(root, output)?;
        owned(&out, force)?;
        let dir = sibling(&out, "staging");
        let old = sibling(&out, "old");
        for leftover in [&dir, &old] {
            // Only ours: a leftover of a killed build carries the marker.
            if std::fs::symlink_metadata(leftover).is_ok() {
                owned(leftover, false)?;
                remove_tree(leftover).map_err(io_err(leftover))?;
            }
        }
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let staging = Staging {
            out,
            dir,
            committed: false,
        };
        staging.put(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Writes one file at `rel` (a `/`-separated path from the plan) in the
    /// staging directory. Safe to call from several threads at once.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::write(&path, bytes).map_err(io_err(&path))
    }

    /// Swaps the staging directory in place of the output and deletes the
    /// previous output.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let (out, staging) = (&self.out, &self.dir);
        let old = sibling(out, "old");
        // Checked again: the output may have changed during the build.
        owned(out, true)?;
        if out.exists() && exchange(staging, out).is_ok() {
            // The staging path now holds the previous output.
            self.committed = true;
            return remove_tree(staging).map_err(io_err(staging));
        }
        if out.exists() {
            std::fs::rename(out, &old).map_err(io_err(out))?;
            if let Err(e) = std::fs::rename(staging, out) {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&old, out);
                return Err(WriteError::Io(out.clone(), e));
            }
            self.committed = true;
            remove_tree(&old).map_err(io_err(&old))?;
        } else {
            std::fs::rename(staging, out).map_err(io_err(out))?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.dir);
        }
    }
}

/// Swaps two paths in one step (Linux 3.15+, on file systems that allow
/// it; an error otherwise, and the caller falls back to two renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call;
    // AT_FDCWD makes them relative to the working directory, as `rename`.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// `remove_dir_all`, its top-level entries in parallel (an output has a
/// few large sections, each thousands of files).
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        // Not followed: a symlink is removed, never what it points to.
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Writes `files` to `output` atomically (see the module docs).
pub fn write_dir(root: &Path, output: &Path, files: &Output) -> Result<(), WriteError> {
    use rayon::prelude::*;
    let staging = Staging::new(root, output, false)?;
    files
        .par_iter()
        .try_for_each(|(rel, bytes)| staging.put(rel, bytes))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_outputs_that_contain_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output(&root, &root).is_err());
        assert!(check_output(&root, dir.path()).is_err());
        assert!(check_output(&root, &root.join("content/out")).is_err());
        assert!(check_output(&root, &root.join("public")).is_ok());
        assert!(check_output(&root, &root.join("public/../content")).is_err());
    }

    #[test]
    fn swaps_in_the_new_tree_and_drops_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = root.join("public");
        let mut files = Output::new();
        files.insert("a/index.html".into(), b"one".as_slice().into());
        files.insert("old.html".into(), b"x".as_slice().into());
        write_dir(&root, &out, &files).unwrap();
        files.remove("old.html");
        files.insert("a/index.html".into(), b"two".as_slice().into());
        write_dir(&root, &out, &files).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
        assert!(!out.join("old.html").exists());
        assert!(!sibling(&out, "staging").exists() && !sibling(&out, "old").exists());
    }

    #[test]
    fn a_staging_dropped_without_commit_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = root.join("public");
        let mut files = Output::new();
        files.insert("index.html".into(), b"good".as_slice().into());
        write_dir(&root, &out, &files).unwrap();
        let staging = Staging::new(&root, &out, false).unwrap();
        staging.put("index.html", b"half").unwrap();
        staging.put("deep/er/page.html", b"half").unwrap();
        drop(staging);
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"good");
        assert!(!out.join("deep").exists());
        assert!(!sibling(&out, "staging").exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_exchange_swaps_two_directories_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("f"), "a").unwrap();
        std::fs::write(b.join("f"), "b").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read(a.join("f")).unwrap(), b"b");
        assert_eq!(std::fs::read(b.join("f")).unwrap(), b"a");
    }
}
