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
        .args(["--today", "2026-12-04"])
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

fn check(site: &Path) -> (bool, String) {
    let o = vitrine(&["check", "--root", site.to_str().unwrap()]);
    (o.status.success(), stderr(&o))
}

fn edit(site: &Path, rel: &str, from: &str, to: &str) {
    let path = site.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Every URL-typed field of the model carries the schema's `uri` format,
/// which is where the one URL check runs: a new field named like an
/// address cannot skip it. Fields that hold site links (`@/…`) are listed.
#[test]
fn every_url_field_of_the_model_is_checked() {
    fn walk(v: &serde_json::Value, at: &str, found: &mut Vec<(String, bool)>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(serde_json::Value::Object(props)) = o.get("properties") {
                    for (name, p) in props {
                        let here = format!("{at}.{name}");
                        let addressy = name.contains("url") || name == "site";
                        if addressy {
                            let s = p.to_string();
                            found.push((here.clone(), s.contains("\"format\":\"uri\"")));
                        }
                        walk(p, &here, found);
                    }
                }
                for (k, child) in o {
                    if k != "properties" {
                        walk(child, &format!("{at}/{k}"), found);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|c| walk(c, at, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (stem, _, schema) in vitrine::reference::schemas() {
        walk(schema.as_value(), &stem, &mut found);
    }
    // `url_base` is parsed by the base URL builder, with its own error.
    let unchecked: Vec<_> = found
        .iter()
        .filter(|(name, ok)| !ok && !name.ends_with(".url_base"))
        .collect();
    assert!(found.len() >= 7, "{found:?}");
    assert!(
        unchecked.is_empty(),
        "URL fields without the check: {unchecked:?}"
    );
}

#[test]
fn unsafe_urls_are_refused_wherever_they_are_written() {
    let site = mini_site();
    let root = site.path();
    edit(
        root,
        "content/site.yaml",
        "url: https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "url: javascript:alert(1)",
    );
    let (ok, err) = check(root);
    assert!(!ok);
    assert!(
        err.contains("adresse `javascript:alert(1)` invalide")
            && err.contains("content/site.yaml:23"),
        "{err}"
    );
    let site = mini_site();
    let root = site.path();
    edit(
        root,
        "content/territoire/zonage.csv",
        "Arrêté ARS du 9 décembre 2025,",
        "Arrêté ARS du 9 décembre 2025,javascript:alert(1)",
    );
    let (ok, err) = check(root);
    assert!(!ok);
    assert!(
        err.contains("content/territoire/zonage.csv:2") && err.contains("arrete_url"),
        "{err}"
    );
    let site = mini_site();
    let root = site.path();
    let (ok, err) = check(root);
    assert!(ok, "{err}");
    std::fs::write(
        root.join("content/pages/lien.md"),
        "---\ntitre: Lien\n---\n\nUn [lien](vbscript:msgbox) et un [autre](file:///etc/passwd).\n",
    )
    .unwrap();
    let (ok, err) = check(root);
    assert!(!ok);
    assert!(err.contains("lien interdit `vbscript:msgbox`"), "{err}");
    assert!(err.contains("lien interdit `file:///etc/passwd`"), "{err}");
}

#[test]
fn the_theme_and_the_pdf_name_are_names_not_paths() {
    for theme in ["../../ailleurs", "/etc"] {
        let site = mini_site();
        let root = site.path();
        let text = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
        let lines = text.lines().count();
        std::fs::write(
            root.join("content/site.yaml"),
            format!("{text}theme: \"{theme}\"\n"),
        )
        .unwrap();
        let (ok, err) = check(root);
        assert!(!ok);
        assert!(
            err.contains(&format!("nom de thème `{theme}` invalide"))
                && err.contains(&format!("content/site.yaml:{}", lines + 1)),
            "{err}"
        );
    }
    let site = mini_site();
    edit(
        site.path(),
        "content/site.yaml",
        "fichier_pdf: guide-test.pdf",
        "fichier_pdf: ../../evade.pdf",
    );
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(
        err.contains("nom de fichier PDF `../../evade.pdf` refusé") && err.contains("site.yaml:25"),
        "{err}"
    );
}

#[test]
fn a_guide_part_naming_a_missing_page_is_an_error_with_a_suggestion() {
    let site = mini_site();
    edit(
        site.path(),
        "content/site.yaml",
        "zonage: zonage.md",
        "zonage: zonnage.md",
    );
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(
        err.contains("page `zonnage.md` introuvable pour le guide"),
        "{err}"
    );
    assert!(err.contains("vouliez-vous dire `zonage.md`"), "{err}");
}

#[test]
fn page_names_are_slugs_and_only_index_md_stands_for_its_directory() {
    let site = mini_site();
    let pages = site.path().join("content/pages");
    std::fs::write(
        pages.join("reindex.md"),
        "---\ntitre: Réindexation\n---\n\nTexte.\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("reindex/index.html").exists());
    assert!(!out.join("re/index.html").exists());
    std::fs::write(
        pages.join("Zonage.md"),
        "---\ntitre: Zonage bis\n---\n\nTexte.\n",
    )
    .unwrap();
    std::fs::write(
        pages.join("mon fichier.md"),
        "---\ntitre: Espace\n---\n\nTexte.\n",
    )
    .unwrap();
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(
        err.contains("nom de page `Zonage` invalide") && err.contains("`content/pages/zonage.md`"),
        "{err}"
    );
    assert!(
        err.contains("nom de page `mon fichier` invalide")
            && err.contains("`content/pages/mon-fichier.md`"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_under_content_is_refused_with_a_message() {
    let site = mini_site();
    let root = site.path();
    let outside = root.join("ailleurs.yaml");
    std::fs::copy(root.join("content/aides/prime-installation.yaml"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/aides/lien.yaml")).unwrap();
    let (ok, err) = check(root);
    assert!(!ok);
    assert!(
        err.contains("content/aides/lien.yaml") && err.contains("lien symbolique refusé"),
        "{err}"
    );
}

#[test]
fn replacement_cycles_are_errors() {
    let site = mini_site();
    let root = site.path();
    let prime =
        std::fs::read_to_string(root.join("content/aides/prime-installation.yaml")).unwrap();
    std::fs::write(
        root.join("content/aides/prime-installation.yaml"),
        format!("{prime}remplace_par: ancien-contrat\n"),
    )
    .unwrap();
    let (ok, err) = check(root);
    assert!(!ok);
    assert!(err.contains("remplacements en boucle"), "{err}");
    assert!(
        err.contains("content/aides/prime-installation.yaml")
            && err.contains("content/aides/ancien-contrat.yaml"),
        "{err}"
    );
}

#[test]
fn text_is_clean_dates_are_dates_and_numbers_are_finite() {
    let rel = "content/aides/prime-installation.yaml";
    let site = mini_site();
    edit(
        site.path(),
        rel,
        "mis_a_jour_le: 2026-11-01",
        "mis_a_jour_le: 2025-01-05T10:00:00+02:00",
    );
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(
        err.contains("date `2025-01-05T10:00:00+02:00` invalide") && err.contains("mis_a_jour_le"),
        "{err}"
    );
    for bad in [".nan", ".inf", "1e400"] {
        let site = mini_site();
        edit(site.path(), rel, "  max: 10000", &format!("  max: {bad}"));
        let (ok, err) = check(site.path());
        assert!(!ok);
        assert!(
            err.contains(&format!("nombre `{bad}` invalide")) && err.contains("max :"),
            "{err}"
        );
        assert!(err.contains(&format!("{rel}:19")), "{err}");
    }
    // An escaped NUL in a quoted YAML string, and a raw one in Markdown.
    let site = mini_site();
    let text = std::fs::read_to_string(site.path().join(rel)).unwrap();
    let first = text.lines().next().unwrap().to_string();
    edit(
        site.path(),
        rel,
        &first,
        "titre: \"Prime\\u0000 d'installation\"",
    );
    std::fs::write(
        site.path().join("content/pages/nul.md"),
        "---\ntitre: Nul\n---\n\nUn texte\u{1}caché.\n",
    )
    .unwrap();
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(
        err.contains("caractère de contrôle invisible `\\u{0}`")
            && err.contains(&format!("{rel}:1")),
        "{err}"
    );
    assert!(err.contains("content/pages/nul.md:5"), "{err}");
}

#[cfg(unix)]
#[test]
fn file_names_in_messages_are_printed_safely() {
    let site = mini_site();
    std::fs::write(
        site.path().join("content/aides/x\u{1b}[31m.yaml"),
        "titre: x\n",
    )
    .unwrap();
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("x\\u{1b}[31m.yaml"), "{err}");
}

/// Markdown that Typst could not take fails in the content, not in the
/// layout file: a note citing itself is typeset; a text nested hundreds of
/// levels deep is an error naming the page and its line.
#[cfg(feature = "pdf")]
#[test]
fn markdown_the_pdf_cannot_take_is_an_error_in_the_content() {
    let site = mini_site();
    let page = site.path().join("content/pages/zonage.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\nUne note[^a] et une autre[^b].\n\n[^a]: Elle se cite[^a] et cite[^b].\n\n[^b]: Seconde.\n"),
    )
    .unwrap();
    let out = site.path().join("public");
    let o = vitrine(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_dir(out.join("guide")).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".pdf"))
    );
    let lines = std::fs::read_to_string(&page).unwrap().lines().count();
    let deep = format!("{}fond\n", "> ".repeat(300));
    std::fs::write(
        &page,
        format!("{}\n{deep}", std::fs::read_to_string(&page).unwrap()),
    )
    .unwrap();
    let (ok, err) = check(site.path());
    assert!(!ok);
    assert!(err.contains("texte imbriqué trop profondément"), "{err}");
    assert!(
        err.contains(&format!("content/pages/zonage.md:{}", lines + 2)),
        "{err}"
    );
    assert!(!err.contains("guide.typ"), "{err}");
}
