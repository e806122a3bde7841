//! Diagnostics for machines: GitHub workflow commands and step summary,
//! a GitLab Code Quality report, and plain JSON.
//!
//! The terminal gets [`diag::render`]'s snippets; a pull request needs the
//! same diagnostics where the reviewer looks. GitHub shows at most ten
//! annotations of each kind per step, so every diagnostic is also written
//! to the step summary. Paths in these formats are relative to the
//! repository (GitHub and GitLab resolve them from there), not to `--root`.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Severity, Sources, Span};

/// How `check` and `build` print their diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Snippets for a terminal, on the error output.
    Human,
    /// GitHub Actions annotations on the standard output (the snippets stay
    /// on the error output for the log) and a summary in
    /// `$GITHUB_STEP_SUMMARY` when it is set.
    Github,
    /// A GitLab Code Quality report (JSON) on the standard output.
    Gitlab,
    /// A JSON document on the standard output, for tools.
    Json,
}

/// The prefix that turns a path relative to the site root into one
/// relative to the repository: the root's place under the nearest
/// ancestor holding `.git`, or under the working directory when there is
/// none. Empty when the root is the repository itself.
pub fn repo_prefix(root: &Path) -> String {
    let Ok(abs) = std::fs::canonicalize(root) else {
        return String::new();
    };
    let base = abs
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok()?.canonicalize().ok());
    let Some(base) = base else {
        return String::new();
    };
    match abs.strip_prefix(&base) {
        Ok(rel) if rel.as_os_str().is_empty() => String::new(),
        Ok(rel) => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{}/", parts.join("/"))
        }
        Err(_) => String::new(),
    }
}

/// Where a diagnostic starts and ends, lines and columns 1-based.
struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn position(d: &Diagnostic, sources: &Sources) -> Option<Position> {
    let span = d.span.as_ref()?;
    let end = match sources.get(&d.file) {
        Some(text) => Span::from_range(text, span.end..span.end),
        None => span.clone(),
    };
    Some(Position {
        line: span.line,
        column: span.column,
        end_line: end.line,
        end_column: end.column,
    })
}

/// The message with its help, as one text.
fn full_message(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\naide : {help}", d.message),
        None => d.message.clone(),
    }
}

/// GitHub workflow commands, one line per diagnostic, escaped as the
/// actions toolkit does (`command.ts`).
pub fn github(diags: &Diagnostics, sources: &Sources, prefix: &str) -> String {
    let mut out = String::new();
    for d in diags.sorted() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!(
            "file={}",
            escape_property(&format!("{prefix}{}", d.file))
        )];
        if let Some(p) = position(d, sources) {
            props.push(format!("line={}", p.line));
            // The runner drops an annotation whose columns are incoherent
            // (actions/runner#4167): columns only on a one-line span.
            if p.end_line == p.line && p.end_column >= p.column {
                props.push(format!("col={}", p.column));
                props.push(format!("endColumn={}", p.end_column));
            }
        }
        let title = d.field.as_deref().unwrap_or(match d.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        });
        props.push(format!("title={}", escape_property(title)));
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&full_message(d))
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub's step summary accepts 1 MiB per step; past this the table is
/// cut, saying how many diagnostics are left out.
const SUMMARY_LIMIT: usize = 1000 * 1000;

/// Every diagnostic as a Markdown table, for `$GITHUB_STEP_SUMMARY`.
pub fn github_summary(diags: &Diagnostics, prefix: &str) -> String {
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    let mut out = format!("### vitrine : {errors} erreur(s), {warnings} avertissement(s)\n\n");
    if diags.is_empty() {
        out.push_str("Aucun problème trouvé.\n");
        return out;
    }
    out.push_str("| Fichier | Niveau | Champ | Message |\n|---|---|---|---|\n");
    let sorted = diags.sorted();
    for (i, d) in sorted.iter().enumerate() {
        let level = match d.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        };
        let place = match &d.span {
            Some(s) => format!("{prefix}{}:{}", d.file, s.line),
            None => format!("{prefix}{}", d.file),
        };
        let row = format!(
            "| `{}` | {level} | {} | {} |\n",
            cell(&place).replace('`', "'"),
            d.field.as_deref().map(cell).unwrap_or_default(),
            cell(&full_message(d)),
        );
        if out.len() + row.len() > SUMMARY_LIMIT {
            let _ = writeln!(
                out,
                "\n{} diagnostic(s) de plus : lancez `vitrine check` pour tout voir.",
                sorted.len() - i
            );
            break;
        }
        out.push_str(&row);
    }
    out
}

/// A table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

#[derive(Serialize)]
struct QualityIssue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: QualityLocation,
}

#[derive(Serialize)]
struct QualityLocation {
    path: String,
    lines: QualityLines,
}

#[derive(Serialize)]
struct QualityLines {
    begin: usize,
}

/// A GitLab Code Quality report. Its fingerprint hashes the file, the
/// field and the message, not the line, so an edit elsewhere in the file
/// does not turn a known finding into a new one; equal diagnostics are
/// told apart by their rank.
pub fn gitlab(diags: &Diagnostics, prefix: &str) -> String {
    let mut seen = std::collections::HashMap::new();
    let issues: Vec<QualityIssue> = diags
        .sorted()
        .into_iter()
        .map(|d| {
            let path = format!("{prefix}{}", d.file);
            let key = format!(
                "{path}\u{0}{}\u{0}{}",
                d.field.as_deref().unwrap_or(""),
                d.message
            );
            let rank = seen.entry(key.clone()).or_insert(0u32);
            *rank += 1;
            QualityIssue {
                description: match &d.field {
                    Some(f) => format!("{f} : {}", full_message(d)),
                    None => full_message(d),
                },
                check_name: format!("vitrine/{}", check_name(d)),
                fingerprint: format!("{:016x}{:08x}", fnv1a(key.as_bytes()), *rank),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: QualityLocation {
                    path,
                    lines: QualityLines {
                        begin: d.span.as_ref().map_or(1, |s| s.line),
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into()) + "\n"
}

/// The field path without its list indices (`sources[1].url` ->
/// `sources.url`), or `fichier` for a diagnostic on the whole file.
fn check_name(d: &Diagnostic) -> String {
    match &d.field {
        Some(f) => {
            let mut name = String::with_capacity(f.len());
            let mut depth = 0;
            for c in f.chars() {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ if depth == 0 => name.push(c),
                    _ => {}
                }
            }
            name
        }
        None => "fichier".into(),
    }
}

/// FNV-1a, 64 bits: stable across runs and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    field: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
}

/// Every diagnostic as JSON, sorted by file and position.
pub fn json(diags: &Diagnostics, sources: &Sources, prefix: &str) -> String {
    let report = JsonReport {
        errors: diags.error_count(),
        warnings: diags.warning_count(),
        diagnostics: diags
            .sorted()
            .into_iter()
            .map(|d| {
                let p = position(d, sources);
                JsonDiagnostic {
                    severity: d.severity,
                    file: format!("{prefix}{}", d.file),
                    line: p.as_ref().map(|p| p.line),
                    column: p.as_ref().map(|p| p.column),
                    end_line: p.as_ref().map(|p| p.end_line),
                    end_column: p.as_ref().map(|p| p.end_column),
                    field: d.field.as_deref(),
                    message: &d.message,
                    help: d.help.as_deref(),
                }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into()) + "\n"
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn sample() -> (Diagnostics, Sources) {
        let text = "titre: x\nniveau: nationale\n";
        let mut sources = Sources::default();
        sources.insert("content/aides/a.yaml", Arc::from(text));
        let mut diags = Diagnostics::default();
        let at = text.find("nationale").unwrap_or(0);
        diags.push(
            Diagnostic::error(
                "content/aides/a.yaml",
                "valeur `nationale` non admise, 100 %",
            )
            .at(Some(Span::from_range(text, at..at + 9)))
            .field("niveau")
            .help("vouliez-vous dire `national` ?"),
        );
        diags.push(Diagnostic::warning("content/site.yaml", "à revoir: a, b"));
        (diags, sources)
    }

    #[test]
    fn github_annotations_are_escaped_and_located() {
        let (diags, sources) = sample();
        let out = github(&diags, &sources, "site/");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=site/content/aides/a.yaml,line=2,col=9,endColumn=18,title=niveau::\
             valeur `nationale` non admise, 100 %25%0Aaide : vouliez-vous dire `national` ?"
        );
        assert_eq!(
            lines[1],
            "::warning file=site/content/site.yaml,title=avertissement::à revoir: a, b"
        );
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn gitlab_fingerprints_ignore_the_line() {
        let (diags, sources) = sample();
        let report: serde_json::Value = serde_json::from_str(&gitlab(&diags, "")).unwrap();
        assert_eq!(report[0]["location"]["path"], "content/aides/a.yaml");
        assert_eq!(report[0]["location"]["lines"]["begin"], 2);
        assert_eq!(report[0]["severity"], "major");
        assert_eq!(report[1]["severity"], "minor");
        // The same finding two lines lower keeps its fingerprint.
        let text = "titre: x\n\n\nniveau: nationale\n";
        let mut moved = Diagnostics::default();
        moved.push(
            Diagnostic::error(
                "content/aides/a.yaml",
                "valeur `nationale` non admise, 100 %",
            )
            .at(Some(Span::from_range(text, 20..29)))
            .field("niveau")
            .help("vouliez-vous dire `national` ?"),
        );
        let again: serde_json::Value = serde_json::from_str(&gitlab(&moved, "")).unwrap();
        assert_eq!(again[0]["fingerprint"], report[0]["fingerprint"]);
        assert_eq!(again[0]["location"]["lines"]["begin"], 4);
        let _ = sources;
    }

    #[test]
    fn summary_and_json_list_every_diagnostic() {
        let (diags, sources) = sample();
        let summary = github_summary(&diags, "");
        assert!(
            summary.contains("1 erreur(s), 1 avertissement(s)"),
            "{summary}"
        );
        assert!(
            summary.contains("| `content/aides/a.yaml:2` | erreur | niveau |"),
            "{summary}"
        );
        let report: serde_json::Value = serde_json::from_str(&json(&diags, &sources, "")).unwrap();
        assert_eq!(report["errors"], 1);
        assert_eq!(report["diagnostics"][0]["end_column"], 18);
        assert_eq!(report["diagnostics"][1]["line"], serde_json::Value::Null);
    }

    #[test]
    fn check_names_drop_list_indices() {
        let d = Diagnostic::error("f", "m").field("sources[1].url");
        assert_eq!(check_name(&d), "sources.url");
    }
}
