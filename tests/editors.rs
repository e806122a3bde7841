//! The editors' loop: diagnostics for CI (`--format`), drafts started with
//! `vitrine new`, messages an editor can act on.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn vitrine(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(args)
        .args(["--today", "2026-12-04", "--root"])
        .arg(root)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn first_aide(root: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content/aides"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    format!("content/aides/{}", names[0])
}

fn append(root: &Path, rel: &str, extra: &str) -> usize {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}{extra}")).unwrap();
    text.lines().count() + 1
}

#[test]
fn an_unknown_key_is_a_github_annotation_and_a_code_quality_issue() {
    let site = shipped_site();
    let root = site.path();
    let aide = first_aide(root);
    let line = append(root, &aide, "champ_inconnu: 1\n");

    let summary = root.join("summary.md");
    let github = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args([
            "check",
            "--format",
            "github",
            "--today",
            "2026-12-04",
            "--root",
        ])
        .arg(root)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(github.status.code(), Some(1));
    let out = stdout(&github);
    let expected =
        format!("::error file={aide},line={line},col=1,endColumn=14,title=champ_inconnu::");
    assert!(out.lines().any(|l| l.starts_with(&expected)), "{out}");
    // Every line on the standard output is a workflow command.
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    // The log keeps the snippets.
    assert!(String::from_utf8_lossy(&github.stderr).contains("-->"));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains(&format!("| `{aide}:{line}` | erreur | champ_inconnu |")),
        "{summary}"
    );

    let gitlab = vitrine(root, &["check", "--format", "gitlab"]);
    assert_eq!(gitlab.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&gitlab.stdout).unwrap();
    let issues = report.as_array().unwrap();
    let issue = issues
        .iter()
        .find(|i| i["location"]["path"] == aide.as_str())
        .unwrap();
    assert_eq!(issue["location"]["lines"]["begin"], line);
    assert_eq!(issue["severity"], "major");
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} missing in {i}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
    }
    let fingerprints: std::collections::BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");

    let json = vitrine(root, &["check", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(report["errors"].as_u64().unwrap() >= 1);
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == aide.as_str()
                && d["line"] == line
                && d["field"] == "champ_inconnu")
    );
}

#[test]
fn paths_are_relative_to_the_repository_when_the_site_is_in_a_subfolder() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let root = repo.path().join("site");
    copy_tree(&manifest().join("content"), &root.join("content"));
    let aide = first_aide(&root);
    append(&root, &aide, "champ_inconnu: 1\n");
    let out = vitrine(&root, &["check", "--format", "github"]);
    assert!(
        stdout(&out).contains(&format!("::error file=site/{aide},")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_clean_site_gives_no_annotation_and_succeeds() {
    let site = shipped_site();
    let out = vitrine(site.path(), &["check", "--format", "gitlab"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["severity"] == "minor")
    );
}

const AIDE: &str = "content/aides/prime-installation.yaml";

/// The errors of the mini site with `AIDE` replaced by `text`.
fn errors_of(text: &str) -> Vec<vitrine::diag::Diagnostic> {
    let site = mini_site();
    std::fs::write(site.path().join(AIDE), text).unwrap();
    match vitrine::build(&options(site.path())) {
        Ok(b) => b.diags.into_vec(),
        Err(f) => f.diags.into_vec(),
    }
    .into_iter()
    .filter(|d| d.severity == vitrine::diag::Severity::Error)
    .collect()
}

#[test]
fn yaml_syntax_errors_are_in_french_with_what_to_do() {
    let cases = [
        ("titre: x\nmontant:\n\tmax: 3\n", "tabulation"),
        ("titre: Aide: la prime\n", "« : » inattendu"),
        ("description: |\n\tTexte\n", "tabulation"),
        ("titre: x\n\tresume: y\n", "tabulation"),
        (
            "titre: \"abc\nresume: x\n",
            "guillemet ouvert et jamais refermé",
        ),
        ("financeur: [cpam\n", "crochet `[` ouvert et jamais refermé"),
        ("titre: {a\n", "accolade `{` ouvert"),
        ("titre: x\n  resume: y\n", "« : » inattendu"),
        ("titre: x\ntitre: y\n", "champ `titre` écrit deux fois"),
        ("beneficiaires:\n  - a\n -b\n", "ligne mal alignée"),
        ("titre: x\n- y\n", "ligne mal alignée"),
        (
            "titre: x\nresume: 'a'b\n",
            "texte après le guillemet fermant",
        ),
        ("titre: \"a\"b\n", "texte après le guillemet fermant"),
        ("titre: @x\n", "caractère `@` interdit"),
        ("titre: *x\n", "`*` ou `&` au début d'une valeur"),
        ("titre: x\nresume: [a, b]]\n", "crochet ou accolade fermant"),
        (
            "  titre: x\nresume: y\n",
            "texte inattendu au premier niveau",
        ),
        (
            "titre: x # c\n#c\nresume:y:z\n",
            "« : » attendu après le nom du champ",
        ),
        ("description: | x\n  y\n", "texte sur la ligne du `|`"),
    ];
    for (text, needle) in cases {
        let errors = errors_of(text);
        assert_eq!(errors.len(), 1, "{text:?}: {errors:#?}");
        let d = &errors[0];
        assert!(d.message.contains(needle), "{text:?}: {d:#?}");
        assert!(d.span.is_some(), "{text:?}: {d:#?}");
        assert!(
            !d.message.contains("le lecteur YAML dit"),
            "untranslated {text:?}: {d:#?}"
        );
        assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{d:#?}");
    }
}

#[test]
fn a_tab_is_visible_in_the_snippet() {
    let site = mini_site();
    std::fs::write(site.path().join(AIDE), "titre: x\nmontant:\n\tmax: 3\n").unwrap();
    let out = vitrine(site.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("→max: 3"), "{stderr}");
    assert!(stderr.contains("tabulation"), "{stderr}");
}

#[test]
fn an_empty_file_is_one_error() {
    for text in ["", "\n\n", "# à remplir\n"] {
        let errors = errors_of(text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].message, "le fichier est vide");
        assert_eq!(errors[0].file, AIDE);
        assert!(
            errors[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("vitrine new aides prime-installation")),
            "{errors:#?}"
        );
    }
}

fn replace_in(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn the_error(root: &Path) -> vitrine::diag::Diagnostic {
    let errors: Vec<_> = match vitrine::build(&options(root)) {
        Ok(b) => b.diags.into_vec(),
        Err(f) => f.diags.into_vec(),
    }
    .into_iter()
    .filter(|d| d.severity == vitrine::diag::Severity::Error)
    .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn an_impossible_date_is_said_so() {
    for (date, needle) in [
        ("2026-02-30", "février 2026 n'a que 28 jours"),
        ("2028-02-30", "février 2028 n'a que 29 jours"),
        ("2026-13-01", "il n'y a pas de mois 13"),
        ("2026-04-31", "avril 2026 n'a que 30 jours"),
        ("2026-04-00", "il n'y a pas de jour 0"),
    ] {
        let site = mini_site();
        replace_in(
            site.path(),
            AIDE,
            "date_ouverture: 2026-01-01",
            &format!("date_ouverture: {date}"),
        );
        let d = the_error(site.path());
        assert!(d.message.contains("impossible"), "{d:#?}");
        assert!(d.message.contains(needle), "{date}: {d:#?}");
        assert!(
            !d.help
                .as_deref()
                .unwrap_or("")
                .contains("au format AAAA-MM-JJ, par"),
            "{d:#?}"
        );
    }
    let site = mini_site();
    replace_in(
        site.path(),
        AIDE,
        "date_ouverture: 2026-01-01",
        "date_ouverture: 1/1/2026",
    );
    let d = the_error(site.path());
    assert!(
        d.help.as_deref().unwrap_or("").contains("AAAA-MM-JJ"),
        "{d:#?}"
    );
}

#[test]
fn an_unknown_organisation_gets_a_suggestion_or_the_list() {
    let site = mini_site();
    replace_in(
        site.path(),
        AIDE,
        "financeur: cpam\n",
        "financeur: cpam-77\n",
    );
    let d = the_error(site.path());
    assert_eq!(d.field.as_deref(), Some("financeur"));
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("vouliez-vous dire `cpam` ?"),
        "{d:#?}"
    );

    let site = mini_site();
    replace_in(
        site.path(),
        AIDE,
        "financeur: cpam\n",
        "financeur: assurance-maladie\n",
    );
    let d = the_error(site.path());
    let help = d.help.as_deref().unwrap_or("");
    assert!(
        help.contains("fiches existantes : cpam, departement"),
        "{d:#?}"
    );
}

#[test]
fn plain_internal_links_are_checked_and_follow_the_base_path() {
    let site = mini_site();
    let root = site.path();
    let page = "content/pages/zonage.md";
    append(
        root,
        page,
        "\nVoir [l'aide](/aides/prime-installation/), [la liste](../aides), \
         [l'image](/images/foret.svg) et [le profil](/aides/profil/primo-installation/#x).\n",
    );
    let built = vitrine::build(&options(root)).unwrap_or_else(|f| panic!("{:#?}", f.diags));
    let html = String::from_utf8_lossy(&built.output["zonage/index.html"]).into_owned();
    for href in [
        "/guide/aides/prime-installation/",
        "/guide/aides",
        "/guide/images/foret.svg",
        "/guide/aides/profil/primo-installation/#x",
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{href} in {html}"
        );
    }

    // A misspelled address, as in the page and in a record's text.
    append(root, page, "\nEt [celle-ci](/aides/prime-instalation/).\n");
    replace_in(
        root,
        AIDE,
        "Voir [le zonage]",
        "Voir [l'autre](../ancien-contrat/) [la fausse](../nulle-part/) et [le zonage]",
    );
    let errors: Vec<_> = match vitrine::build(&options(root)) {
        Ok(b) => b.diags.into_vec(),
        Err(f) => f.diags.into_vec(),
    }
    .into_iter()
    .filter(|d| d.severity == vitrine::diag::Severity::Error)
    .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    let in_page = errors.iter().find(|d| d.file == page).unwrap();
    assert_eq!(
        in_page.message,
        "lien interne cassé `/aides/prime-instalation/`"
    );
    let text = std::fs::read_to_string(root.join(page)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("prime-instalation"))
        .unwrap()
        + 1;
    assert_eq!(in_page.span.as_ref().map(|s| s.line), Some(line));
    assert!(
        in_page
            .help
            .as_deref()
            .unwrap_or("")
            .contains("vouliez-vous dire `/aides/prime-installation/` ?"),
        "{in_page:#?}"
    );
    let in_record = errors.iter().find(|d| d.file == AIDE).unwrap();
    assert_eq!(in_record.message, "lien interne cassé `../nulle-part/`");
    assert_eq!(in_record.field.as_deref(), Some("description"));
    assert_eq!(in_record.span.as_ref().map(|s| s.line), Some(4));
}

#[test]
fn a_new_draft_of_every_kind_passes_check_and_lists_what_is_left() {
    let site = mini_site();
    let root = site.path();
    for kind in [
        "aides",
        "logements",
        "stages",
        "atouts",
        "evenements",
        "organisations",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args([
                "new",
                kind,
                "nouvelle-fiche",
                "--today",
                "2026-12-04",
                "--root",
            ])
            .arg(root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rel = format!("content/{kind}/nouvelle-fiche.yaml");
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../docs/schemas/"),
            "{text}"
        );
        assert!(text.contains("\nstatut: brouillon\n"), "{text}");
        assert!(text.contains("\nmis_a_jour_le: 2026-12-04\n"), "{text}");
        assert!(
            text.contains("# Une valeur parmi : brouillon, publie, suspendu, archive"),
            "{text}"
        );
    }
    for schema in [
        "aide",
        "logement",
        "stage",
        "atout",
        "evenement",
        "organisation",
    ] {
        let path = root.join(format!("docs/schemas/{schema}.json"));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert!(json["properties"]["statut"].is_object(), "{schema}");
    }
    let check = vitrine(root, &["check", "--format", "json"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let drafts: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["file"]
                .as_str()
                .unwrap()
                .ends_with("/nouvelle-fiche.yaml")
        })
        .collect();
    assert!(drafts.len() >= 6 * 2, "{drafts:#?}");
    for d in &drafts {
        assert_eq!(d["severity"], "warning", "{d}");
        assert_eq!(d["message"], "à remplir (brouillon)", "{d}");
        // Each warning is on the line of its empty field.
        let text = std::fs::read_to_string(root.join(d["file"].as_str().unwrap())).unwrap();
        let line = text
            .lines()
            .nth(d["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let field = d["field"].as_str().unwrap();
        let last = field.rsplit('.').next().unwrap();
        assert!(
            line.trim_start_matches([' ', '-'])
                .starts_with(&format!("{last}:")),
            "{d} on {line:?}"
        );
    }
    // The draft is not published.
    let built = vitrine::build(&options(root)).unwrap_or_else(|f| panic!("{:#?}", f.diags));
    assert!(!built.output.keys().any(|k| k.contains("nouvelle-fiche")));

    // Published unfinished, it fails, naming the file.
    let rel = "content/aides/nouvelle-fiche.yaml";
    replace_in(root, rel, "statut: brouillon", "statut: publie");
    let check = vitrine(root, &["check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains(&format!("--> {rel}:")), "{stderr}");
    assert!(stderr.contains("titre : valeur vide"), "{stderr}");
}

#[test]
fn new_refuses_a_bad_id_an_existing_record_and_an_unknown_kind() {
    let site = mini_site();
    let root = site.path();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args(args)
            .arg("--root")
            .arg(root)
            .output()
            .unwrap()
    };
    let before = std::fs::read(root.join(AIDE)).unwrap();
    let out = run(&["new", "aides", "prime-installation"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("existe déjà"));
    assert_eq!(
        std::fs::read(root.join(AIDE)).unwrap(),
        before,
        "nothing overwritten"
    );
    let out = run(&["new", "aides", "Prime Été"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`prime-ete`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["new", "bourses", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("aides, logements"));
}

#[test]
fn a_draft_keeps_its_other_errors_and_may_not_be_pointed_at() {
    // An unknown key in a draft stays an error.
    let site = mini_site();
    let root = site.path();
    let new = |id: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args(["new", "organisations", id, "--root"])
            .arg(root)
            .output()
            .unwrap();
        assert!(out.status.success());
    };
    new("ars");
    append(
        root,
        "content/organisations/ars.yaml",
        "sigle_inconnu: ARS\n",
    );
    let d = the_error(root);
    assert_eq!(d.message, "champ inconnu `sigle_inconnu`");

    // A published aid funded by an unfinished draft.
    let site = mini_site();
    let root = site.path();
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["new", "organisations", "ars", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success());
    replace_in(root, AIDE, "financeur: cpam\n", "financeur: ars\n");
    let d = the_error(root);
    assert_eq!(
        d.message,
        "la fiche `organisations/ars` est un brouillon inachevé"
    );
    assert_eq!(d.field.as_deref(), Some("financeur"));
}

#[test]
fn a_link_to_a_draft_page_is_broken() {
    let site = mini_site();
    let root = site.path();
    std::fs::write(
        root.join("content/pages/projet.md"),
        "---\ntitre: Projet\nstatut: brouillon\n---\n\nEn préparation.\n",
    )
    .unwrap();
    append(
        root,
        "content/pages/zonage.md",
        "\nVoir [le projet](@/pages/projet.md).\n",
    );
    let d = the_error(root);
    assert_eq!(d.file, "content/pages/zonage.md");
    assert!(d.message.starts_with("lien interne cassé"), "{d:#?}");
}

#[test]
fn init_makes_a_site_that_builds_at_once_for_any_departement() {
    for (code, name, communes) in [
        ("91", "Essonne", 194),
        ("2A", "Corse-du-Sud", 124),
        ("95", "Val-d'Oise", 183),
        ("974", "La Réunion", 24),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .arg("init")
            .arg(&root)
            .args(["--departement", &code.to_lowercase()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let site = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
        assert!(
            site.contains(&format!(
                "  code: \"{code}\"\n  nom: \"{}\"",
                name.replace('"', "\\\"")
            )),
            "{site}"
        );
        let csv = std::fs::read_to_string(root.join("content/territoire/communes.csv")).unwrap();
        assert!(csv.starts_with("insee,name,postcodes,lat,lon,population\n"));
        assert_eq!(csv.lines().count() - 1, communes, "{code}");
        assert!(root.join("README.md").exists());
        assert!(root.join("docs/schemas/aide.json").exists());

        let build = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args(["build", "--no-pdf", "--no-search", "--root"])
            .arg(&root)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&build.stderr);
        assert!(build.status.success(), "{code}: {stderr}");
        assert!(
            stderr.contains("à compléter avant la mise en ligne"),
            "{stderr}"
        );
        let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
        // Typography turns the apostrophe into ’.
        assert!(home.contains(&name.replace('\'', "’")), "{code}");
        assert!(root.join("public/communes/index.html").exists());
        assert!(root.join("public/mentions-legales/index.html").exists());
        // The marker names what to write, at its line.
        let check = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args(["check", "--format", "json", "--root"])
            .arg(&root)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
        let marker = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| {
                d["file"] == "content/site.yaml"
                    && d["message"] == "à compléter avant la mise en ligne"
            })
            .unwrap_or_else(|| panic!("{report}"))
            .clone();
        assert!(
            marker["help"]
                .as_str()
                .unwrap()
                .starts_with("écrivez ici :"),
            "{marker}"
        );
        // `vitrine new` works in the new site.
        let new = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args(["new", "aides", "premiere-aide", "--root"])
            .arg(&root)
            .output()
            .unwrap();
        assert!(new.status.success());
    }
}

#[test]
fn init_never_overwrites_a_site_and_refuses_an_unknown_code() {
    let site = mini_site();
    let before = std::fs::read(site.path().join("content/site.yaml")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("init")
        .arg(site.path())
        .args(["--departement", "91"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("existe déjà"));
    assert_eq!(
        std::fs::read(site.path().join("content/site.yaml")).unwrap(),
        before
    );
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("init")
        .arg(dir.path())
        .args(["--departement", "100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("département `100` inconnu"));
    assert!(!dir.path().join("content").exists());
}

#[test]
fn an_impossible_day_in_a_date_and_time_is_said_so() {
    let site = mini_site();
    let root = site.path();
    let rel = "content/evenements/soiree.yaml";
    append(root, rel, "debut: 2026-02-30T18:30\n");
    let d = the_error(root);
    assert_eq!(
        d.message,
        "date `2026-02-30T18:30` impossible : février 2026 n'a que 28 jours"
    );
}
