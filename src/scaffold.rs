//! `vitrine new <kind> <id>`: a draft record written from the model.
//!
//! Copying an existing record carries its facts into the new one (a figure
//! left from another aid is an invented figure). The draft is built from
//! the kind's JSON Schema instead: every required field, empty, under a
//! French comment giving its description and allowed values, so the
//! editor fills blanks and `vitrine check` lists what is left. It is a
//! `brouillon`, so an unfinished draft never breaks the build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_json::Value as Json;

use crate::model::Kind;
use crate::reference::{enum_values, non_null, resolve};

/// The kind named by its folder (`aides`) or its key (`aide`).
pub fn kind_named(name: &str) -> Option<Kind> {
    Kind::from_dir(name).or_else(|| Kind::ALL.into_iter().find(|k| k.key() == name))
}

/// Writes `content/<kind>/<id>.yaml` under `root` and returns its path,
/// or a message for the editor. Refuses an id that is not a slug and a
/// file that exists (nothing is ever overwritten).
pub fn new_record(root: &Path, kind: Kind, id: &str, today: Date) -> Result<PathBuf, String> {
    if !crate::load::is_slug(id) {
        return Err(format!(
            "identifiant `{id}` invalide : minuscules sans accents, chiffres et tirets ; par exemple `{}`",
            slug::slugify(id)
        ));
    }
    let content = root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "pas de dossier content/ dans {} : lancez la commande à la racine du site, ou avec --root",
            root.display()
        ));
    }
    let dir = content.join(kind.dir());
    let path = dir.join(format!("{id}.yaml"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{} : {e}", dir.display()))?;
    let text = draft(kind, today);
    // `create_new`: an existing record is never overwritten, even when two
    // editors race.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "la fiche content/{}/{id}.yaml existe déjà : choisissez un autre identifiant",
                kind.dir()
            ),
            _ => format!("{} : {e}", path.display()),
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("{} : {e}", path.display()))?;
    Ok(path)
}

/// Writes `docs/schemas/<kind>.json` under `root` when it is missing, so
/// the draft's `yaml-language-server` header finds it (an editor such as
/// VS Code then completes and checks fields while typing). Returns the
/// path when it was written.
pub fn ensure_schema(root: &Path, kind: Kind) -> Result<Option<PathBuf>, String> {
    let path = root
        .join("docs")
        .join("schemas")
        .join(format!("{}.json", kind.key()));
    if path.exists() {
        return Ok(None);
    }
    let schema = kind.schema();
    let json = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())? + "\n";
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{} : {e}", dir.display()))?;
    }
    std::fs::write(&path, json).map_err(|e| format!("{} : {e}", path.display()))?;
    Ok(Some(path))
}

/// The text of a new draft of `kind`.
pub fn draft(kind: Kind, today: Date) -> String {
    let schema = kind.schema();
    let root = schema.as_value();
    let mut out = format!(
        "# yaml-language-server: $schema=../../docs/schemas/{}.json\n\
         # Brouillon : remplissez chaque champ vide (le commentaire au-dessus dit quoi),\n\
         # puis passez `statut` à `publie`. `vitrine check` liste ce qui reste à faire ;\n\
         # tous les champs, obligatoires ou non, sont dans docs/champs.md.\n",
        kind.key()
    );
    fields(root, root, 0, today, &mut out);
    out
}

/// The required fields of `schema`, at `indent`.
fn fields(root: &Json, schema: &Json, indent: usize, today: Date, out: &mut String) {
    let schema = resolve(root, schema);
    let Some(props) = schema.get("properties").and_then(Json::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let pad = " ".repeat(indent);
    for (name, prop) in props {
        let is_source_list = indent == 0 && name == "sources";
        if !required.contains(&name.as_str()) && !is_source_list {
            continue;
        }
        comment(root, prop, &pad, out);
        match name.as_str() {
            "statut" if indent == 0 => {
                let _ = writeln!(out, "{pad}statut: brouillon");
            }
            "mis_a_jour_le" if indent == 0 => {
                let _ = writeln!(out, "{pad}mis_a_jour_le: {today}");
            }
            "sources" if indent == 0 => {
                // One source to fill: where the facts come from, and when
                // it was read.
                let _ = writeln!(out, "{pad}sources:");
                let _ = writeln!(out, "{pad}  - titre:");
                let _ = writeln!(
                    out,
                    "{pad}    # Adresse de la page (https://…), ou `document:` pour une délibération non publiée en ligne."
                );
                let _ = writeln!(out, "{pad}    url:");
                let _ = writeln!(
                    out,
                    "{pad}    # Le jour où vous avez lu la source (AAAA-MM-JJ) ; `publie_le:` pour sa date de publication."
                );
                let _ = writeln!(out, "{pad}    consulte_le:");
            }
            _ => {
                let target = non_null(root, prop);
                let has_required_children = target
                    .get("required")
                    .and_then(Json::as_array)
                    .is_some_and(|r| !r.is_empty());
                let _ = writeln!(out, "{pad}{name}:");
                if has_required_children {
                    fields(root, target, indent + 2, today, out);
                }
            }
        }
    }
}

/// The comment above a field: its description and what it takes.
fn comment(root: &Json, prop: &Json, pad: &str, out: &mut String) {
    let desc = prop
        .get("description")
        .and_then(Json::as_str)
        .or_else(|| {
            resolve(root, prop)
                .get("description")
                .and_then(Json::as_str)
        })
        .unwrap_or("");
    let desc = desc.split_whitespace().collect::<Vec<_>>().join(" ");
    if !desc.is_empty() {
        let _ = writeln!(out, "{pad}# {desc}");
    }
    let target = non_null(root, prop);
    let is_list = type_of(target) == Some("array");
    let values = enum_values(root, target).or_else(|| {
        target
            .get("items")
            .and_then(|items| enum_values(root, items))
    });
    match (values, is_list) {
        (Some(v), true) => {
            let _ = writeln!(
                out,
                "{pad}# Une liste, par exemple [{}] ; valeurs admises : {}",
                v.first().map(String::as_str).unwrap_or(""),
                v.join(", ")
            );
        }
        (Some(v), false) => {
            let _ = writeln!(out, "{pad}# Une valeur parmi : {}", v.join(", "));
        }
        (None, true) => {
            let _ = writeln!(out, "{pad}# Une liste : une ligne `- …` par élément.");
        }
        (None, false) => {}
    }
}

fn type_of(schema: &Json) -> Option<&str> {
    match schema.get("type")? {
        Json::String(s) => Some(s),
        Json::Array(a) => a.iter().filter_map(Json::as_str).find(|t| *t != "null"),
        _ => None,
    }
}
