//! Hostile or careless inputs: outputs vitrine does not own, paths and URLs
//! from configuration, content that would change address or disappear.
//! Each case is an error naming the file, or is handled as documented.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn vitrine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(args)
        .args(["--today", "2026-11-24"])
        .output()
        .unwrap()
}

fn build(site: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--no-pdf",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    vitrine(&args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_directory_vitrine_did_not_write_is_never_replaced() {
    let site = mini_site();
    let docs = site.path().join("Documents");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("thèse.odt"), "précieux").unwrap();
    let o = build(site.path(), &docs, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("n'a pas écrit") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(docs.join("thèse.odt")).unwrap(),
        "précieux"
    );
    assert_eq!(std::fs::read_dir(&docs).unwrap().count(), 1);
    // Nothing left beside it either.
    let beside: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".vitrine"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
    // With --force, the directory is replaced.
    let o = build(site.path(), &docs, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(docs.join("index.html").exists() && !docs.join("thèse.odt").exists());
}

#[test]
fn an_output_of_vitrine_is_replaced_and_marked() {
    let site = mini_site();
    let out = site.path().join("public");
    std::fs::create_dir_all(&out).unwrap(); // empty: may be used
    assert!(build(site.path(), &out, &[]).status.success());
    assert!(out.join(".vitrine-sortie").is_file());
    std::fs::write(out.join("périmé.html"), "x").unwrap();
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("périmé.html").exists());
    assert!(out.join("index.html").exists());
}

#[test]
fn a_file_or_a_symlink_in_place_of_the_output_is_refused() {
    let site = mini_site();
    let file = site.path().join("public");
    std::fs::write(&file, "pas un dossier").unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let o = build(site.path(), &file, extra);
        assert!(!o.status.success());
        assert!(stderr(&o).contains("c'est un fichier"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&file).unwrap(), b"pas un dossier");
    }
    #[cfg(unix)]
    {
        let target = site.path().join("ailleurs");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("garder.txt"), "à garder").unwrap();
        let link = site.path().join("lien");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let o = build(site.path(), &link, &["--force"]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains("lien symbolique"), "{}", stderr(&o));
        assert!(target.join("garder.txt").exists());
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn a_killed_builds_leftovers_are_cleaned_but_only_if_ours() {
    let site = mini_site();
    let out = site.path().join("public");
    assert!(build(site.path(), &out, &[]).status.success());
    // A staging directory left by a killed build carries the marker.
    let staging = site.path().join(".vitrine-staging-public");
    std::fs::create_dir_all(staging.join("aides")).unwrap();
    std::fs::write(staging.join(".vitrine-sortie"), "").unwrap();
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!staging.exists());
    // Someone else's directory with that name is not touched.
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("notes.txt"), "à moi").unwrap();
    let o = build(site.path(), &out, &[]);
    assert!(!o.status.success());
    assert!(staging.join("notes.txt").exists());
}
