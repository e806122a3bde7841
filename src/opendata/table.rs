//! The columns of a kind's export and its Table Schema, derived from the
//! kind's JSON Schema (the one the validator and `docs/champs.md` use), so
//! the open data cannot drift from the model.
//!
//! One row per record, one column per field: a group of fields
//! (`montant`) becomes one column per member (`montant_max`); a list of
//! fixed values or of identifiers one `list` column whose items are joined
//! by [`LIST_SEPARATOR`] (they never contain it: values are fixed, ids are
//! slugs, INSEE codes digits); any other list (free text, groups of fields)
//! one `array` column holding the JSON array. A field marked personal in the
//! model ([`PERSONAL`]) has no column at all.

use serde_json::{Map, Value as Json, json};

use crate::model::Kind;
use crate::reference::{enum_values, non_null};

/// What joins the items of a `list` column in the CSV.
pub const LIST_SEPARATOR: &str = ";";

/// The JSON Schema keyword that marks a field as personal data: it never
/// goes into an export, even when the record publishes it with consent.
pub const PERSONAL: &str = "x-donnee-personnelle";

/// Lists of plain strings whose items are identifiers or INSEE codes: safe
/// to join with [`LIST_SEPARATOR`]. Any other list of strings (free text)
/// is exported as a JSON array. A new list field is classed in one of the
/// two by the test below.
const IDENTIFIER_LISTS: &[&str] = &[
    "cofinanceurs",
    "communes",
    "sites_stage_proches",
    "logements_lies",
    "financeurs",
    "organisateurs",
];

/// Lists of free text, exported as JSON arrays.
#[cfg(test)]
const FREE_TEXT_LISTS: &[&str] = &["conditions"];

/// How a column's cells are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One value (text, number, date, true/false).
    Scalar,
    /// Items joined by [`LIST_SEPARATOR`] in the CSV, an array in JSON.
    List,
    /// A JSON array, as text in the CSV.
    Json,
}

/// One column of a kind's export.
#[derive(Clone, Debug)]
pub struct Column {
    /// Its name in the CSV header and the JSON rows (`montant_max`).
    pub name: String,
    /// Where its value is in the record (`["montant", "max"]`).
    pub path: Vec<String>,
    pub shape: Shape,
    /// Its Table Schema field.
    pub field: Json,
    /// A reference to another kind's records (`financeur`), for
    /// `foreignKeys`.
    pub references: Option<Kind>,
    /// A list of plain strings taken for free text (a JSON array): what
    /// the test that every such list is classed reads.
    #[cfg_attr(not(test), allow(dead_code))]
    text_items: bool,
}

/// The columns of `kind`, `id` first, in the model's order.
pub fn columns(kind: Kind) -> Vec<Column> {
    let schema = kind.schema();
    let root = schema.as_value();
    let mut out = vec![Column {
        name: "id".into(),
        path: vec!["id".into()],
        shape: Shape::Scalar,
        field: json!({
            "name": "id",
            "type": "string",
            "description": "Identifiant de la fiche : le nom de son fichier sans `.yaml`, et la fin de l'adresse de sa page.",
            "constraints": { "required": true, "unique": true },
        }),
        references: None,
        text_items: false,
    }];
    walk(root, root, &[], true, &mut out);
    out
}

fn required_of(schema: &Json) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

fn walk(root: &Json, schema: &Json, prefix: &[String], required: bool, out: &mut Vec<Column>) {
    let schema = non_null(root, schema);
    let Some(props) = schema.get("properties").and_then(Json::as_object) else {
        return;
    };
    let needed = required_of(schema);
    for (name, prop) in props {
        if prop.get(PERSONAL).and_then(Json::as_bool) == Some(true) {
            continue;
        }
        let mut path = prefix.to_vec();
        path.push(name.clone());
        let inner = non_null(root, prop);
        let is_required = required && needed.contains(&name.as_str());
        if inner.get("properties").is_some() {
            walk(root, inner, &path, is_required, out);
            continue;
        }
        let description = prop
            .get("description")
            .or_else(|| inner.get("description"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        out.push(column(root, prop, path, description, is_required));
    }
}

fn column(
    root: &Json,
    prop: &Json,
    path: Vec<String>,
    description: String,
    required: bool,
) -> Column {
    let name = path.join("_");
    let inner = non_null(root, prop);
    let mut field = Map::new();
    field.insert("name".into(), json!(name));
    let mut constraints = Map::new();
    let mut description = description;
    let mut shape = Shape::Scalar;
    let mut text_items = false;
    if let Some(values) = enum_values(root, prop) {
        field.insert("type".into(), json!("string"));
        constraints.insert("enum".into(), json!(values));
    } else if type_of(inner) == Some("array") {
        let item = inner
            .get("items")
            .map_or(&Json::Null, |i| non_null(root, i));
        let values = enum_values(root, item);
        let last = path.last().map_or("", String::as_str);
        if values.is_some() || (type_of(item) == Some("string") && IDENTIFIER_LISTS.contains(&last))
        {
            shape = Shape::List;
            field.insert("type".into(), json!("list"));
            field.insert("delimiter".into(), json!(LIST_SEPARATOR));
            field.insert("itemType".into(), json!("string"));
            description.push_str(&format!(
                " Dans le CSV, les valeurs sont séparées par « {LIST_SEPARATOR} »."
            ));
            if let Some(values) = values {
                description.push_str(&format!(" Valeurs admises : {}.", values.join(", ")));
            }
        } else {
            shape = Shape::Json;
            text_items = type_of(item) == Some("string");
            field.insert("type".into(), json!("array"));
            description.push_str(" Dans le CSV, une liste au format JSON.");
        }
    } else {
        let (ty, format) = match (type_of(inner), inner.get("format").and_then(Json::as_str)) {
            (Some("string"), Some("date")) => ("date", None),
            (Some("string"), Some("partial-date-time")) => ("datetime", None),
            (Some("string"), Some("uri")) => ("string", Some("uri")),
            (Some("string"), Some("email")) => ("string", Some("email")),
            (Some("integer"), _) => ("integer", None),
            (Some("number"), _) => ("number", None),
            (Some("boolean"), _) => ("boolean", None),
            _ => ("string", None),
        };
        field.insert("type".into(), json!(ty));
        if let Some(f) = format {
            field.insert("format".into(), json!(f));
        }
        if ty == "integer"
            && inner
                .get("format")
                .and_then(Json::as_str)
                .is_some_and(|f| f.starts_with("uint"))
        {
            constraints.insert("minimum".into(), json!(0));
        }
    }
    if required && shape == Shape::Scalar {
        constraints.insert("required".into(), json!(true));
    }
    field.insert("description".into(), json!(description.trim()));
    if !constraints.is_empty() {
        field.insert("constraints".into(), Json::Object(constraints));
    }
    let references = (shape == Shape::Scalar && path.len() == 1)
        .then(|| reference_of(&name))
        .flatten();
    Column {
        name,
        path,
        shape,
        field: Json::Object(field),
        references,
        text_items,
    }
}

/// The kind a single-valued field names by id, for `foreignKeys`: the
/// single-valued fields of [`crate::validate::refs::references`], which a
/// test below holds this list to.
fn reference_of(field: &str) -> Option<Kind> {
    match field {
        "financeur" | "instructeur" | "contact" | "gestionnaire" => Some(Kind::Organisation),
        "remplace_par" => Some(Kind::Aide),
        _ => None,
    }
}

/// The JSON type of a schema (`"string"` for `["string", "null"]`).
fn type_of(s: &Json) -> Option<&str> {
    match s.get("type") {
        Some(Json::String(t)) => Some(t.as_str()),
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// The Table Schema of `kind`'s export.
pub fn table_schema(kind: Kind, title: &str, description: &str) -> Json {
    let columns = columns(kind);
    let foreign: Vec<Json> = columns
        .iter()
        .filter_map(|c| {
            let target = c.references?;
            Some(json!({
                "fields": c.name,
                "reference": { "resource": target.dir(), "fields": "id" },
            }))
        })
        .collect();
    let mut schema = json!({
        "name": kind.dir(),
        "title": title,
        "description": description,
        "fields": columns.iter().map(|c| c.field.clone()).collect::<Vec<_>>(),
        "primaryKey": ["id"],
        "missingValues": [""],
    });
    if !foreign.is_empty() {
        schema["foreignKeys"] = json!(foreign);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_of_text_is_classed() {
        // A list of plain strings is joined with `;` only when its items
        // cannot contain it: a new one must be classed here.
        for kind in Kind::ALL {
            for c in columns(kind).iter().filter(|c| c.text_items) {
                let last = c.path.last().map(String::as_str).unwrap_or_default();
                assert!(
                    FREE_TEXT_LISTS.contains(&last),
                    "{}: classez `{}` dans IDENTIFIER_LISTS ou FREE_TEXT_LISTS",
                    kind.dir(),
                    c.name
                );
            }
        }
    }

    #[test]
    fn foreign_keys_are_the_references_the_validator_checks() {
        // Every single-valued reference that the validator resolves in the
        // shipped records is a foreign key of its kind's export.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut seen = 0;
        for kind in Kind::ALL {
            let cols = columns(kind);
            let dir = root.join(kind.dir());
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let Ok(value) = serde_saphyr::from_str::<Json>(&text) else {
                    continue;
                };
                let Ok(body) = crate::model::Body::from_json(kind, value) else {
                    continue;
                };
                for (field, target, _) in crate::validate::refs::references(&body) {
                    if field.contains('.') {
                        continue;
                    }
                    let col = cols.iter().find(|c| c.name == field);
                    assert_eq!(
                        col.and_then(|c| c.references),
                        Some(target),
                        "{}: `{field}` doit être une clé étrangère vers {}",
                        kind.dir(),
                        target.dir()
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 0, "no reference found in the shipped content");
    }

    #[test]
    fn no_personal_field_has_a_column() {
        let names: Vec<String> = columns(Kind::Stage).into_iter().map(|c| c.name).collect();
        assert!(!names.iter().any(|n| n.starts_with("msu")), "{names:?}");
        assert!(names.contains(&"commune_insee".to_string()));
    }

    #[test]
    fn groups_are_flattened_and_lists_typed() {
        let cols = columns(Kind::Aide);
        let by = |n: &str| {
            cols.iter()
                .find(|c| c.name == n)
                .map(|c| (c.shape, c.field.clone()))
        };
        let (shape, field) = by("montant_max").expect("montant_max");
        assert_eq!(
            (shape, field["type"].as_str()),
            (Shape::Scalar, Some("number"))
        );
        let (shape, field) = by("beneficiaires").expect("beneficiaires");
        assert_eq!((shape, field["type"].as_str()), (Shape::List, Some("list")));
        assert_eq!(by("conditions").map(|c| c.0), Some(Shape::Json));
        assert_eq!(by("sources").map(|c| c.0), Some(Shape::Json));
        let (_, field) = by("titre").expect("titre");
        assert_eq!(field["constraints"]["required"], json!(true));
        let (_, field) = by("date_cloture").expect("date_cloture");
        assert_eq!(field["type"], json!("date"));
    }
}
