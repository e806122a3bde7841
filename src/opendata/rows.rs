//! The rows of a kind's export, as CSV and as JSON, from the records
//! themselves (their serialised model) and the columns of [`super::table`].

use serde_json::{Map, Value as Json};

use super::table::{Column, LIST_SEPARATOR, Shape};
use crate::diag::Diagnostic;
use crate::model::Record;

/// A record as the export reads it: its fields as serialised by the model,
/// and its id.
fn tree(record: &Record) -> Result<Json, Diagnostic> {
    let mut value = serde_json::to_value(&*record.body).map_err(|e| {
        Diagnostic::error(
            &record.file,
            format!("fiche impossible à exporter en données ouvertes : {e}"),
        )
    })?;
    if let Json::Object(m) = &mut value {
        m.insert("id".into(), Json::String(record.id.clone()));
    }
    Ok(value)
}

fn at<'a>(tree: &'a Json, path: &[String]) -> Option<&'a Json> {
    path.iter()
        .try_fold(tree, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

/// The text of one CSV cell.
fn cell(value: Option<&Json>, shape: Shape) -> String {
    let Some(value) = value else {
        return String::new();
    };
    match (shape, value) {
        (Shape::List, Json::Array(items)) => items
            .iter()
            .map(scalar)
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR),
        (Shape::Json, v) => v.to_string(),
        (_, v) => scalar(v),
    }
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// The CSV of `records`: UTF-8, CRLF line ends, RFC 4180 quoting, one
/// header line.
pub fn csv<'a>(
    columns: &[Column],
    records: impl Iterator<Item = &'a Record>,
) -> Result<Vec<u8>, Diagnostic> {
    let failed = |e: csv::Error| Diagnostic::error("themes", format!("export CSV : {e}"));
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(columns.iter().map(|c| c.name.as_str()))
        .map_err(failed)?;
    for r in records {
        let tree = tree(r)?;
        w.write_record(columns.iter().map(|c| cell(at(&tree, &c.path), c.shape)))
            .map_err(failed)?;
    }
    w.into_inner()
        .map_err(|e| Diagnostic::error("themes", format!("export CSV : {e}")))
}

/// The same rows as JSON: an array of objects, one line per row, with the
/// CSV's column names in its order; lists are arrays, absent values
/// `null` (every row has every column: a reader such as frictionless
/// takes the columns from the first row's keys).
pub fn json<'a>(
    columns: &[Column],
    records: impl Iterator<Item = &'a Record>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut out = b"[".to_vec();
    let mut first = true;
    for r in records {
        let tree = tree(r)?;
        let mut row = Map::new();
        for c in columns {
            let v = at(&tree, &c.path).cloned().unwrap_or(Json::Null);
            row.insert(c.name.clone(), v);
        }
        out.extend_from_slice(if first { b"\n" } else { b",\n" });
        first = false;
        serde_json::to_writer(&mut out, &row)
            .map_err(|e| Diagnostic::error(&r.file, format!("export JSON : {e}")))?;
    }
    out.extend_from_slice(b"\n]\n");
    Ok(out)
}
