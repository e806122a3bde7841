//! One test per kind of bad input: the diagnostic names the file, line,
//! column and field, and says what would be valid.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use vitrine::diag::{Diagnostic, Severity};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Builds and returns the diagnostics (errors and warnings).
fn diagnostics(root: &Path) -> Vec<Diagnostic> {
    match vitrine::build(&options(root)) {
        Ok(b) => b.diags.into_vec(),
        Err(f) => f.diags.into_vec(),
    }
}

/// The single error of a run, checked for file, position and field.
fn the_error(root: &Path, file: &str, line: usize, column: usize, field: &str) -> Diagnostic {
    let errors: Vec<Diagnostic> = diagnostics(root)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors.into_iter().next().unwrap();
    assert_eq!(d.file, file, "{d:#?}");
    let pos = d.span.as_ref().map(|s| (s.line, s.column));
    assert_eq!(pos, Some((line, column)), "{d:#?}");
    assert_eq!(d.field.as_deref().unwrap_or(""), field, "{d:#?}");
    d
}

const AIDE: &str = "content/aides/prime-installation.yaml";

#[test]
fn yaml_syntax_error() {
    let site = mini_site();
    replace(site.path(), AIDE, "financeur: cpam\n", "financeur: [cpam\n");
    let d = the_error(site.path(), AIDE, 12, 12, "");
    assert!(d.message.starts_with("YAML invalide"), "{d:#?}");
}

#[test]
fn unknown_field_with_a_suggestion() {
    let site = mini_site();
    replace(
        site.path(),
        AIDE,
        "financeur: cpam",
        "financeurs: cpam\nfinanceur: cpam",
    );
    let d = the_error(site.path(), AIDE, 11, 1, "financeurs");
    assert_eq!(d.message, "champ inconnu `financeurs`");
    assert!(
        d.help
            .unwrap()
            .starts_with("vouliez-vous dire `financeur` ?")
    );
}

#[test]
fn duplicate_key() {
    let site = mini_site();
    replace(
        site.path(),
        AIDE,
        "financeur: cpam",
        "financeur: cpam\nfinanceur: cpam",
    );
    let d = the_error(site.path(), AIDE, 12, 1, "financeur");
    assert!(
        d.message.contains("champ `financeur` écrit deux fois"),
        "{d:#?}"
    );
}

#[test]
fn wrong_type() {
    let site = mini_site();
    replace(site.path(), AIDE, "max: 10000", "max: dix mille");
    let d = the_error(site.path(), AIDE, 19, 8, "montant.max");
    assert_eq!(d.message, "on attend un nombre, la valeur est un texte");
}

#[test]
fn value_outside_an_enumeration() {
    let site = mini_site();
    replace(site.path(), AIDE, "niveau: national", "niveau: nationale");
    let d = the_error(site.path(), AIDE, 13, 9, "niveau");
    assert_eq!(d.message, "valeur `nationale` non admise");
    let help = d.help.unwrap();
    assert!(
        help.contains("vouliez-vous dire `national`") && help.contains("departemental"),
        "{help}"
    );
}

#[test]
fn missing_required_field() {
    let site = mini_site();
    replace(site.path(), AIDE, "niveau: national\n", "");
    let d = the_error(site.path(), AIDE, 1, 1, "niveau");
    assert_eq!(d.message, "champ obligatoire `niveau` manquant");
}

#[test]
fn invalid_date() {
    let site = mini_site();
    replace(
        site.path(),
        AIDE,
        "date_ouverture: 2026-01-01",
        "date_ouverture: 01/01/2026",
    );
    let d = the_error(site.path(), AIDE, 31, 17, "date_ouverture");
    assert!(d.help.unwrap().contains("AAAA-MM-JJ"));
}

#[test]
fn dangling_reference() {
    let site = mini_site();
    replace(site.path(), AIDE, "financeur: cpam", "financeur: cpan");
    let d = the_error(site.path(), AIDE, 11, 12, "financeur");
    assert_eq!(d.message, "référence inconnue `cpan`");
    assert!(d.help.unwrap().starts_with("vouliez-vous dire `cpam` ?"));
}

#[test]
fn unknown_commune() {
    let site = mini_site();
    let file = "content/logements/maison-internes.yaml";
    replace(
        site.path(),
        file,
        "commune_insee: 77288",
        "commune_insee: 77000",
    );
    let d = the_error(site.path(), file, 3, 16, "commune_insee");
    assert!(d.help.unwrap().contains("code postal"));
}

#[test]
fn closing_before_opening() {
    let site = mini_site();
    replace(
        site.path(),
        AIDE,
        "date_ouverture: 2026-01-01",
        "date_ouverture: 2026-01-01\ndate_cloture: 2025-01-01",
    );
    let d = the_error(site.path(), AIDE, 32, 15, "date_cloture");
    assert_eq!(d.message, "clôture avant l'ouverture");
}

#[test]
fn event_ending_before_it_starts() {
    let site = mini_site();
    let file = "content/evenements/soiree.yaml";
    replace(
        site.path(),
        file,
        "frequence: deux fois par an",
        "debut: 2027-05-12T18:30\nfin: 2027-05-12T17:00",
    );
    let d = the_error(site.path(), file, 5, 6, "fin");
    assert_eq!(d.message, "fin avant le début");
}

#[test]
fn broken_internal_link_in_a_record() {
    let site = mini_site();
    replace(
        site.path(),
        AIDE,
        "(@/aides/ancien-contrat)",
        "(@/aides/ancien-contrats)",
    );
    let d = the_error(site.path(), AIDE, 4, 46, "description");
    assert_eq!(d.message, "lien interne cassé `@/aides/ancien-contrats`");
}

#[test]
fn broken_anchor_in_a_page_link() {
    let site = mini_site();
    replace(site.path(), AIDE, "zonage.md#zip", "zonage.md#zrr");
    let d = the_error(site.path(), AIDE, 4, 8, "");
    assert!(d.message.contains("#zrr"), "{d:#?}");
    assert!(d.help.unwrap().contains("zip"));
}

#[test]
fn broken_link_in_a_page() {
    let site = mini_site();
    let file = "content/pages/index.md";
    replace(site.path(), file, "(@/stages)", "(@/stage)");
    let d = the_error(site.path(), file, 6, 43, "");
    assert_eq!(d.message, "lien interne cassé `@/stage`");
}

#[test]
fn bad_front_matter_field() {
    let site = mini_site();
    let file = "content/pages/zonage.md";
    replace(site.path(), file, "ordre: 10", "ordre: dix");
    let d = the_error(site.path(), file, 3, 8, "ordre");
    assert!(
        d.message.starts_with("on attend un nombre entier"),
        "{d:#?}"
    );
}

#[test]
fn record_id_must_be_a_slug() {
    let site = mini_site();
    write(site.path(), "content/aides/Prime Été.yaml", "titre: x\n");
    let errors: Vec<Diagnostic> = diagnostics(site.path())
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, "content/aides/Prime Été.yaml");
    assert!(
        errors[0].help.as_ref().unwrap().contains("prime-ete.yaml"),
        "{errors:#?}"
    );
}

#[test]
fn missing_alt_text() {
    let site = mini_site();
    let file = "content/atouts/foret.yaml";
    replace(
        site.path(),
        file,
        "alt: Un carré vert figurant la forêt",
        "alt: \"\"",
    );
    let d = the_error(site.path(), file, 7, 8, "image.alt");
    assert_eq!(d.message, "texte alternatif vide");
}

#[test]
fn name_published_without_a_dated_consent() {
    let site = mini_site();
    let file = "content/stages/msp-nemours.yaml";
    replace(site.path(), file, "    date_consentement: 2026-10-01\n", "");
    let d = the_error(site.path(), file, 7, 5, "msu[0].date_consentement");
    assert_eq!(d.message, "consentement sans date");
}

#[test]
fn warnings_do_not_fail_the_build() {
    let site = mini_site();
    // Not checked for over a year, and a closed aid still shown as open.
    replace(
        site.path(),
        AIDE,
        "mis_a_jour_le: 2026-11-01",
        "mis_a_jour_le: 2025-06-01",
    );
    replace(
        site.path(),
        AIDE,
        "date_ouverture: 2026-01-01",
        "date_ouverture: 2024-01-01\ndate_cloture: 2026-06-30",
    );
    let built = vitrine::build(&options(site.path()))
        .ok()
        .expect("warnings must not fail");
    let warnings: Vec<&Diagnostic> = built.diags.sorted();
    let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"fiche non vérifiée depuis plus de 12 mois"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"aide close encore publiée comme ouverte"),
        "{messages:?}"
    );
}

#[test]
fn raw_html_is_neutralised_with_a_warning() {
    let site = mini_site();
    replace(
        site.path(),
        AIDE,
        "## Montants",
        "<script>alert(1)</script>\n\n  ## Montants",
    );
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let page = String::from_utf8_lossy(&built.output["aides/prime-installation/index.html"]);
    assert!(!page.contains("<script>alert"), "raw script published");
    assert!(
        built
            .diags
            .sorted()
            .iter()
            .any(|d| d.message.starts_with("HTML brut neutralisé"))
    );
}

#[test]
fn ten_errors_in_several_files_are_all_printed_and_nothing_is_written() {
    let site = shipped_site();
    let root = site.path();
    let out = root.join("public");
    let bin = env!("CARGO_BIN_EXE_vitrine");
    let ok = Command::new(bin)
        .args(["build", "--today", "2026-12-04", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = read_tree(&out);

    // Ten different errors, spread over several files of the shipped content.
    let aides: Vec<_> = std::fs::read_dir(root.join("content/aides"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let append = |path: &Path, extra: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, format!("{text}{extra}")).unwrap();
    };
    append(&aides[0], "champ_inconnu: 1\n");
    append(&aides[1], "recurrence: parfois\n");
    append(&aides[2], "url_demarche: www.exemple.fr\n");
    append(&aides[3], "remplace_par: aide-qui-n-existe-pas\n");
    append(&aides[4], "date_ouverture: 2026-13-45\n");
    append(&aides[5], "conditions: une seule condition\n");
    write(
        root,
        "content/organisations/sans-nom.yaml",
        "type: cpam\nstatut: publie\nmis_a_jour_le: 2026-11-01\nsources:\n  - titre: x\n    consulte_le: 2026-11-01\n",
    );
    write(
        root,
        "content/pages/nouvelle.md",
        "---\ntitre: Nouvelle\n---\n\nVoir [la page](@/pages/absente.md).\n",
    );
    write(root, "content/evenements/Mauvais Nom.yaml", "titre: x\n");
    std::fs::write(
        root.join("content/territoire/zonage.csv"),
        "profession,insee,classe,du,au,arrete,arrete_url\nmedecin_generaliste,99999,zip,,,,\n",
    )
    .unwrap();

    let failed = Command::new(bin)
        .args(["build", "--today", "2026-12-04", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    let locations: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("-->"))
        .collect();
    // sans-nom.yaml has two problems (no `nom`, a source with neither url
    // nor document is only checked once types pass): count files instead.
    let files: std::collections::BTreeSet<&str> = locations
        .iter()
        .map(|l| {
            l.trim_start()
                .trim_start_matches("-->")
                .trim()
                .split(':')
                .next()
                .unwrap_or("")
        })
        .collect();
    assert!(
        files.len() >= 10,
        "expected errors in 10 files, got {files:#?}\n{stderr}"
    );
    for line in &locations[..] {
        if !line.contains("Mauvais Nom") {
            assert!(
                line.matches(':').count() >= 2,
                "no line and column in {line}"
            );
        }
    }
    assert!(
        stderr.contains("10 erreur(s)") || stderr.contains("11 erreur(s)"),
        "{stderr}"
    );
    assert_eq!(before, read_tree(&out), "the previous output changed");
}

#[test]
fn broken_navigation_link() {
    let site = mini_site();
    let file = "content/site.yaml";
    replace(
        site.path(),
        file,
        "lien: \"@/pages/zonage.md\"",
        "lien: \"@/pages/zonnage.md\"",
    );
    let d = the_error(site.path(), file, 20, 11, "navigation[1].lien");
    assert_eq!(d.message, "lien de navigation cassé `@/pages/zonnage.md`");
}

/// The header of a PNG of `w` × `h` pixels (all an image reader needs for
/// its size), padded to `len` bytes.
fn png(w: u32, h: u32, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 6, 0, 0, 0]);
    b.resize(len.max(b.len()), 0);
    b
}

/// The errors of a run, each as `field|message`.
fn error_lines(root: &Path) -> Vec<String> {
    diagnostics(root)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}|{}", d.field.unwrap_or_default(), d.message))
        .collect()
}

#[test]
fn an_image_needs_its_licence_its_true_size_and_a_light_file() {
    let site = mini_site();
    let root = site.path();
    let foret = "content/atouts/foret.yaml";
    replace(
        root,
        foret,
        "src: images/foret.svg",
        "src: images/foret.png",
    );
    replace(root, foret, "  licence: CC0 1.0\n", "");
    let png_path = root.join("content/static/images/foret.png");
    std::fs::write(&png_path, png(1600, 900, 300 * 1024)).unwrap();
    let msgs = error_lines(root);
    assert!(
        msgs.iter().any(|m| m.starts_with("image.licence|")),
        "{msgs:#?}"
    );
    // With its licence: the size and the weight are checked on the file.
    replace(root, foret, "  credit:", "  licence: CC0 1.0\n  credit:");
    let msgs = error_lines(root);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("image.largeur|") && m.contains("1600 × 900")),
        "{msgs:#?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("image trop lourde : 300 Ko")),
        "{msgs:#?}"
    );
    // The right size, a light file: published with its width and height.
    replace(root, foret, "largeur: 10", "largeur: 1600");
    replace(root, foret, "hauteur: 10", "hauteur: 900");
    std::fs::write(&png_path, png(1600, 900, 40 * 1024)).unwrap();
    let built = vitrine::build(&options(root)).ok().expect("builds");
    let page = String::from_utf8_lossy(&built.output["atouts/foret/index.html"]);
    assert!(page.contains("width=\"1600\" height=\"900\""), "{page}");
    assert!(page.contains("Vitrine, image de test, CC0 1.0"), "{page}");
}

#[test]
fn a_source_needs_a_publication_or_consultation_date() {
    let site = mini_site();
    let foret = "content/atouts/foret.yaml";
    replace(site.path(), foret, "    consulte_le: 2026-11-01\n", "");
    let d = the_error(site.path(), foret, 15, 5, "sources[0]");
    assert_eq!(d.message, "source sans date");
    assert!(
        d.help.as_deref().unwrap_or("").contains("publie_le"),
        "{d:#?}"
    );
}
