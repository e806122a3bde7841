//! The rows of a kind's export, as CSV and as JSON, from the records
//! themselves (their serialised model) and the columns of [`super::table`].
//!
//! A file is its header and one line per record. The dev server keeps each
//! record's line ([`RowCache`], by the record's version) so that a save
//! writes again only the changed record's line, not the whole kind's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value as Json};

use super::table::{Column, LIST_SEPARATOR, Shape};
use crate::diag::Diagnostic;
use crate::model::{Kind, Record};

/// The two forms of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Json,
}

/// Each record's line in one format, with the version of the record it
/// was made from.
pub type RowCache = HashMap<(Kind, String, Format), (u64, Arc<[u8]>)>;

/// The lines of the previous build, and those of this one as they are made.
#[derive(Default)]
pub struct Memo {
    pub previous: RowCache,
    pub next: Mutex<RowCache>,
}

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

fn csv_error(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error("themes", format!("export CSV : {e}"))
}

/// One CSV line (RFC 4180 quoting by the csv crate, CRLF).
fn csv_line<I, S>(cells: I) -> Result<Vec<u8>, Diagnostic>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(1024)
        .from_writer(Vec::new());
    w.write_record(cells).map_err(csv_error)?;
    w.into_inner().map_err(csv_error)
}

/// One record's line: a CSV record, or a JSON object with the CSV's column
/// names in its order, lists as arrays and absent values `null` (every row
/// has every column: a reader such as frictionless takes the columns from
/// the first row's keys).
fn line(columns: &[Column], record: &Record, format: Format) -> Result<Vec<u8>, Diagnostic> {
    let tree = tree(record)?;
    match format {
        Format::Csv => csv_line(columns.iter().map(|c| cell(at(&tree, &c.path), c.shape))),
        Format::Json => {
            let row: Map<String, Json> = columns
                .iter()
                .map(|c| {
                    let v = at(&tree, &c.path).cloned().unwrap_or(Json::Null);
                    (c.name.clone(), v)
                })
                .collect();
            serde_json::to_vec(&row)
                .map_err(|e| Diagnostic::error(&record.file, format!("export JSON : {e}")))
        }
    }
}

/// The whole file of `records` in `format`: for CSV, UTF-8 with a header
/// line and CRLF line ends; for JSON, an array with one row per line.
/// With `memo`, a record's line is reused when the record is unchanged.
pub fn file<'a>(
    columns: &[Column],
    records: impl Iterator<Item = &'a Record>,
    format: Format,
    memo: Option<&Memo>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut out = match format {
        Format::Csv => csv_line(columns.iter().map(|c| c.name.as_str()))?,
        Format::Json => b"[".to_vec(),
    };
    let mut made = Vec::new();
    let mut first = true;
    for r in records {
        // Only a build that keeps lines needs the key (and its copy of the id).
        let key = memo.map(|_| (r.kind, r.id.clone(), format));
        let reused = memo
            .zip(key.as_ref())
            .and_then(|(m, key)| m.previous.get(key))
            .filter(|(version, _)| *version == r.version)
            .map(|(_, bytes)| bytes.clone());
        let bytes: Arc<[u8]> = match reused {
            Some(bytes) => bytes,
            None => Arc::from(line(columns, r, format)?),
        };
        if format == Format::Json {
            out.extend_from_slice(if first { b"\n" } else { b",\n" });
        }
        first = false;
        out.extend_from_slice(&bytes);
        if let Some(key) = key {
            made.push((key, (r.version, bytes)));
        }
    }
    if format == Format::Json {
        out.extend_from_slice(b"\n]\n");
    }
    if let Some(m) = memo
        && let Ok(mut next) = m.next.lock()
    {
        next.extend(made);
    }
    Ok(out)
}
