//! `vitrine init [DIR] --departement CODE`: a working site for another
//! département.
//!
//! A second département should not have to hand-make its `territoire/`
//! nor guess which legal pages a public site needs. The skeleton holds
//! `site.yaml` with the département filled in, the legal pages as
//! templates, empty kinds, an editors' README, and the communes of the
//! département from a national table embedded in the binary
//! (`data/SOURCE.md`: @etalab/decoupage-administratif 6.0.0, Licence
//! Ouverte). Whatever only the editor knows is marked `À COMPLÉTER`, and
//! the build warns on each marker until it is resolved; it succeeds at
//! once, so the editor starts from a site that works.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::model::Kind;

/// The marker of what an editor must still write; `vitrine check` warns
/// on each.
pub const TO_COMPLETE: &str = "À COMPLÉTER";

static SKELETON: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/init/skeleton");
const COMMUNES: &str = include_str!("data/communes-france.csv");
const DEPARTEMENTS: &str = include_str!("data/departements.csv");

/// A département of the national table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Departement {
    pub code: String,
    pub nom: String,
}

/// The département of `code` (`91`, `2a`, `974`; `1` for `01`).
pub fn departement(code: &str) -> Result<Departement, String> {
    let wanted = code.trim().to_ascii_uppercase();
    let wanted = if wanted.len() == 1 && wanted.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{wanted}")
    } else {
        wanted
    };
    let all: Vec<(&str, &str)> = DEPARTEMENTS
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .collect();
    match all.iter().find(|(c, _)| *c == wanted) {
        Some((c, n)) => Ok(Departement {
            code: (*c).to_string(),
            nom: n.trim_matches('"').to_string(),
        }),
        None => Err(format!(
            "département `{code}` inconnu ; codes admis : {}",
            all.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// `communes.csv` of a département from the national table, in the
/// columns the validator reads; no centres (the table has none).
pub fn communes_csv(dep: &Departement) -> Result<String, String> {
    let mut reader = csv::Reader::from_reader(COMMUNES.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header = ["insee", "name", "postcodes", "lat", "lon", "population"];
    writer.write_record(header).map_err(|e| e.to_string())?;
    let mut count = 0;
    for row in reader.records() {
        let row = row.map_err(|e| e.to_string())?;
        if row.get(0) != Some(dep.code.as_str()) {
            continue;
        }
        let field = |i: usize| row.get(i).unwrap_or("");
        writer
            .write_record([field(1), field(2), field(3), "", "", field(4)])
            .map_err(|e| e.to_string())?;
        count += 1;
    }
    if count == 0 {
        return Err(format!(
            "aucune commune pour le département {} dans la table nationale",
            dep.code
        ));
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Writes the skeleton into `dir` (created if needed) and returns the
/// files written. Refuses a folder that already has a `content/`: nothing
/// of an existing site is ever overwritten.
pub fn init(dir: &Path, code: &str) -> Result<Vec<PathBuf>, String> {
    let dep = departement(code)?;
    let content = dir.join("content");
    if content.exists() {
        return Err(format!(
            "{} existe déjà : vitrine init crée un site neuf et ne remplace rien",
            content.display()
        ));
    }
    let communes = communes_csv(&dep)?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let fill = |text: &str| {
        text.replace("{{nom}}", &dep.nom)
            .replace("{{code}}", &dep.code)
    };
    collect(&SKELETON, &mut |path, text| {
        files.push((dir.join(path), fill(text)));
    });
    if dir.join("README.md").exists() {
        files.retain(|(p, _)| *p != dir.join("README.md"));
    }
    files.push((content.join("site.yaml"), site_yaml(&dep)));
    files.push((content.join("territoire").join("communes.csv"), communes));
    files.push((
        content.join("territoire").join("CREDITS.md"),
        "## Données géographiques\n\n- **Codes, noms et population des communes** : INSEE, Code officiel géographique 2026 et populations légales 2023 ; **codes postaux** : La Poste, Base officielle des codes postaux ; via @etalab/decoupage-administratif 6.0.0 (data.gouv.fr), Licence Ouverte / Etalab.\n".into(),
    ));
    for kind in Kind::ALL {
        // Git keeps no empty folder; the loader ignores dot files.
        files.push((content.join(kind.dir()).join(".gitkeep"), String::new()));
    }
    files.push((content.join("static").join(".gitkeep"), String::new()));
    if !dir.join(".gitignore").exists() {
        files.push((dir.join(".gitignore"), "public/\n.vitrine/\n".into()));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{} : {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{} : {e}", path.display()))?;
        written.push(path);
    }
    for kind in Kind::ALL {
        if let Some(p) = crate::scaffold::ensure_schema(dir, kind)? {
            written.push(p);
        }
    }
    Ok(written)
}

/// Every file of an embedded folder, with its path inside it.
fn collect(dir: &Dir, each: &mut dyn FnMut(&Path, &str)) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            each(file.path(), text);
        }
    }
    for sub in dir.dirs() {
        collect(sub, each);
    }
}

/// `site.yaml` of the new site: what is known (the département, the
/// guide's structure, the recommended licence), and markers for the rest.
fn site_yaml(dep: &Departement) -> String {
    let slug = slug::slugify(&dep.nom);
    format!(
        r#"# Réglages du site. Chaque champ est décrit dans docs/champs.md (dépôt de vitrine).
titre: Guide de l'installation en santé
sous_titre: "Aides, stages, logements et atouts du territoire pour les étudiants, internes et professionnels de santé — {nom}"
description: "Guide pour les étudiants, internes et professionnels de santé — {nom} : aides à l'installation, lieux de stage, logement des internes et atouts du territoire."
# {marker} : l'adresse publique du site, avec son sous-chemin (par exemple
# https://compte.github.io/guide/) ; --base-url la remplace à la construction.
url_base: https://guide.invalid/
langue: fr
departement:
  code: "{code}"
  nom: "{nom}"
editeur:
  nom: "{marker} : nom de l'éditeur du site (la collectivité ou l'organisme qui publie le guide)"
  adresse: "{marker} : adresse postale de l'éditeur"
  telephone: "{marker} : téléphone de l'éditeur"
  directeur_publication: "{marker} : le directeur de la publication (sa fonction, par exemple le président de la collectivité)"
# hebergeur: à renseigner au déploiement (nom, adresse, telephone), exigé par les mentions légales.
navigation:
  - titre: Aides
    lien: "@/aides"
  - titre: Zonage
    lien: "@/pages/zonage.md"
  - titre: Stages
    lien: "@/stages"
  - titre: Logement
    lien: "@/logements"
  - titre: Vivre sur le territoire
    lien: "@/atouts"
# La Licence Ouverte 2.0 est celle que recommande l'État pour les données
# publiques ; remplacez-la si vous en choisissez une autre (ODbL).
licence_donnees:
  nom: Licence Ouverte / Open Licence 2.0 (Etalab)
  url: https://www.etalab.gouv.fr/licence-ouverte-open-licence/
guide:
  titre: "Guide des aides à l'installation des professionnels de santé — {nom}"
  fichier_pdf: guide-installation-{slug}.pdf
  introduction: index.md
  zonage: zonage.md
  credits: credits-licences.md
"#,
        nom = dep.nom.replace('"', "\\\""),
        code = dep.code,
        marker = TO_COMPLETE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_in_their_usual_forms() {
        assert_eq!(departement("91").map(|d| d.nom), Ok("Essonne".to_string()));
        assert_eq!(departement("2a").map(|d| d.code), Ok("2A".to_string()));
        assert_eq!(departement("1").map(|d| d.code), Ok("01".to_string()));
        assert!(departement("100").is_err());
    }

    #[test]
    fn the_national_table_agrees_with_the_shipped_seine_et_marne() {
        let dep = departement("77").unwrap_or_else(|e| panic!("{e}"));
        let ours = communes_csv(&dep).unwrap_or_else(|e| panic!("{e}"));
        let shipped = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("content/territoire/communes.csv"),
        )
        .unwrap_or_default();
        let key = |text: &str| -> Vec<String> {
            text.lines()
                .skip(1)
                .map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    format!("{},{},{},{}", f[0], f[1], f[2], f[f.len() - 1])
                })
                .collect()
        };
        assert_eq!(key(&ours).len(), 507);
        assert_eq!(key(&ours), key(&shipped));
    }
}
