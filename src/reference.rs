//! The editors' field reference (`docs/champs.md`) and the JSON Schemas
//! (`docs/schemas/*.json`), generated from the model types so they can never
//! drift from what the validator accepts. `tests/reference.rs` fails when
//! the committed files are stale; `VITRINE_BLESS=1 cargo test --test
//! reference` rewrites them.

use serde_json::Value as Json;

use crate::model::{Kind, PageMeta, SiteConfig};

/// Every schema documented: file stem, title, schema.
pub fn schemas() -> Vec<(String, String, schemars::Schema)> {
    let mut out: Vec<(String, String, schemars::Schema)> = Kind::ALL
        .iter()
        .map(|k| {
            (
                k.key().to_string(),
                format!("Fiches `content/{}/<id>.yaml`", k.dir()),
                k.schema(),
            )
        })
        .collect();
    out.push((
        "site".into(),
        "Réglages `content/site.yaml`".into(),
        schemars::schema_for!(SiteConfig),
    ));
    out.push((
        "page".into(),
        "En-tête des pages `content/pages/**/*.md`".into(),
        schemars::schema_for!(PageMeta),
    ));
    out
}

/// The Markdown reference, in French.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Référence des champs\n\n\
         Ce fichier est produit à partir du code de vitrine (`src/model/`) : il dit exactement ce que la \
         vérification accepte. Ne le modifiez pas à la main.\n\n\
         Les dates s'écrivent AAAA-MM-JJ, les dates et heures AAAA-MM-JJTHH:MM. Une liste s'écrit une \
         valeur par ligne, chaque ligne commençant par `- `, ou entre crochets : `[a, b]`. Un champ \
         facultatif inconnu se laisse absent.\n",
    );
    for (_, title, schema) in schemas() {
        let root = schema.as_value();
        out.push_str(&format!("\n## {title}\n\n"));
        if let Some(d) = root.get("description").and_then(Json::as_str) {
            out.push_str(&format!("{d}\n\n"));
        }
        table(root, root, "", &mut out);
    }
    out
}

/// Follows a `$ref` to its definition.
pub(crate) fn resolve<'a>(root: &'a Json, s: &'a Json) -> &'a Json {
    match s.get("$ref").and_then(Json::as_str) {
        Some(r) => root
            .get("$defs")
            .and_then(|d| d.get(r.trim_start_matches("#/$defs/")))
            .unwrap_or(s),
        None => s,
    }
}

/// The non-null alternative of an `Option<T>` schema, resolved.
pub(crate) fn non_null<'a>(root: &'a Json, s: &'a Json) -> &'a Json {
    let s = resolve(root, s);
    match s.get("anyOf").and_then(Json::as_array) {
        Some(alts) => alts
            .iter()
            .map(|a| resolve(root, a))
            .find(|a| a.get("type").and_then(Json::as_str) != Some("null"))
            .unwrap_or(s),
        None => s,
    }
}

/// The values of an enumeration (`enum`, or a `oneOf` of `const`s, as
/// schemars writes an enum whose variants are documented).
pub(crate) fn enum_values(root: &Json, s: &Json) -> Option<Vec<String>> {
    let s = non_null(root, s);
    if let Some(v) = s.get("enum").and_then(Json::as_array) {
        return Some(
            v.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        );
    }
    let alts = s.get("oneOf").and_then(Json::as_array)?;
    let mut out = Vec::new();
    for a in alts {
        let a = resolve(root, a);
        match (
            a.get("enum").and_then(Json::as_array),
            a.get("const").and_then(Json::as_str),
        ) {
            (Some(v), _) => out.extend(v.iter().filter_map(|x| x.as_str().map(str::to_string))),
            (None, Some(c)) => out.push(c.to_string()),
            _ => return None,
        }
    }
    Some(out)
}

fn type_fr(root: &Json, s: &Json) -> String {
    if enum_values(root, s).is_some() {
        return "valeur imposée".into();
    }
    let s = non_null(root, s);
    let types: Vec<&str> = match s.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(Json::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => vec![],
    };
    match (
        types.first().copied(),
        s.get("format").and_then(Json::as_str),
    ) {
        (Some("string"), Some("date")) => "date".into(),
        (Some("string"), Some("partial-date-time")) => "date et heure".into(),
        (Some("string"), _) => "texte".into(),
        (Some("integer"), _) => "nombre entier".into(),
        (Some("number"), _) => "nombre".into(),
        (Some("boolean"), _) => "true ou false".into(),
        (Some("object"), _) => "ensemble de champs".into(),
        (Some("array"), _) => {
            let item = s.get("items").unwrap_or(&Json::Null);
            format!("liste de {}", plural(&type_fr(root, item)))
        }
        _ => "valeur".into(),
    }
}

fn plural(t: &str) -> String {
    match t {
        "valeur imposée" => "valeurs imposées".into(),
        "ensemble de champs" => "ensembles de champs".into(),
        "texte" => "textes".into(),
        "date" => "dates".into(),
        other => other.into(),
    }
}

/// One field of a record kind, as a page for the public describes it.
pub struct Field {
    pub name: String,
    pub description: String,
    pub required: bool,
    /// The values admitted, for a field with a fixed list.
    pub values: Vec<String>,
}

/// Fields every record carries for its review (status, date, sources): the
/// editors fill them, not the people who send the information.
const REVIEW_FIELDS: &[&str] = &[
    "statut",
    "mis_a_jour_le",
    "verifie_par",
    "sources",
    "avertissement",
];

/// The top-level fields of `kind` but its review fields, from the model
/// itself: a page that asks the public for them cannot drift from what the
/// validator accepts.
pub fn fields(kind: Kind) -> Vec<Field> {
    let schema = kind.schema();
    let root = schema.as_value();
    let required: Vec<&str> = root
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let Some(props) = root.get("properties").and_then(Json::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .filter(|(name, _)| !REVIEW_FIELDS.contains(&name.as_str()))
        .map(|(name, prop)| Field {
            name: name.clone(),
            description: prop
                .get("description")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string(),
            required: required.contains(&name.as_str()),
            values: enum_values(root, prop)
                .or_else(|| prop.get("items").and_then(|i| enum_values(root, i)))
                .unwrap_or_default(),
        })
        .collect()
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(root: &Json, schema: &Json, prefix: &str, out: &mut String) {
    let schema = non_null(root, schema);
    let Some(props) = schema.get("properties").and_then(Json::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    if prefix.is_empty() {
        out.push_str("| champ | type | obligatoire | valeurs admises | description |\n|---|---|---|---|---|\n");
    }
    let mut nested = Vec::new();
    for (name, prop) in props {
        let path = format!("{prefix}{name}");
        let values = enum_values(root, prop)
            .or_else(|| prop.get("items").and_then(|i| enum_values(root, i)))
            .map(|v| {
                v.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let desc = prop.get("description").and_then(Json::as_str).unwrap_or("");
        let req = if required.contains(&name.as_str()) {
            "oui"
        } else {
            "non"
        };
        out.push_str(&format!(
            "| `{path}` | {} | {req} | {values} | {} |\n",
            type_fr(root, prop),
            cell(desc)
        ));
        let inner = non_null(root, prop);
        let item = inner.get("items").map(|i| non_null(root, i));
        if inner.get("properties").is_some() {
            nested.push((format!("{path}."), inner));
        } else if let Some(item) = item.filter(|i| i.get("properties").is_some()) {
            nested.push((format!("{path}[]."), item));
        }
    }
    for (p, s) in nested {
        table(root, s, &p, out);
    }
}
