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
