//! A YAML document as a tree of nodes that remember where they came from.
//!
//! serde-saphyr stops at the first error of a typed deserialization. Editors
//! need every problem of a file at once, so we parse each file once into this
//! untyped, spanned tree (syntax errors and duplicate keys are caught here),
//! and the schema check walks it to report all the type, enum, unknown-key and
//! missing-field problems together.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{LineIndex, Span};

/// A node and its place in the source text.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

impl Node {
    /// An empty map with no position.
    pub fn empty() -> Node {
        Node {
            value: Value::Map(Vec::new()),
            span: Span {
                start: 0,
                end: 0,
                line: 1,
                column: 1,
            },
        }
    }

    /// What kind of value this is, in the words an editor reads.
    pub fn kind_fr(&self) -> &'static str {
        match self.value {
            Value::Null => "une valeur vide",
            Value::Bool(_) => "un booléen",
            Value::Int(_) => "un nombre entier",
            Value::Float(_) => "un nombre décimal",
            Value::Str(_) => "un texte",
            Value::Seq(_) => "une liste",
            Value::Map(_) => "un ensemble de champs",
        }
    }

    /// Looks a key up in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Finds the node at a dotted path such as `sources.1.url` or
    /// `montant.max`; used to point semantic diagnostics at a field.
    pub fn at_path(&self, path: &str) -> Option<&Node> {
        let mut node = self;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            node = match &node.value {
                Value::Map(_) => node.get(part)?,
                Value::Seq(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The span of the key naming `path` when there is one (pointing at the key
    /// reads better for "missing" or "invalid" fields), else of the value.
    pub fn span_of(&self, path: &str) -> Option<Span> {
        let (parent, last) = match path.rsplit_once('.') {
            Some((p, l)) => (self.at_path(p)?, l),
            None => (self, path),
        };
        if let Value::Map(entries) = &parent.value
            && let Some((_, v)) = entries.iter().find(|(k, _)| k.name == last)
        {
            return Some(v.span.clone());
        }
        // A missing field: point at what should hold it.
        Some(
            parent
                .at_path(last)
                .map_or_else(|| parent.span.clone(), |n| n.span.clone()),
        )
    }
}

/// The tree as serde-saphyr hands it over, before byte spans are turned into
/// our [`Span`] (which needs the source text for columns).
pub(crate) struct RawNode(Spanned<RawValue>);

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<RawNode>),
    Map(Vec<(Spanned<String>, RawNode)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<RawValue>::deserialize(d).map(RawNode)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        i64::try_from(v)
            .map(RawValue::Int)
            .or(Ok(RawValue::Float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<RawNode>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<RawNode>()?;
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

/// A YAML syntax problem, with its position in the parsed text.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub span: Option<Span>,
}

/// Parses one YAML document into a spanned tree. Booleans are strict
/// (`no` stays the text "no"), duplicate keys are errors, and the budget
/// limits make hostile input (alias bombs, deep nesting) fail fast.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Map(Vec::new()),
            span: Span::from_range(text, 0..0),
        });
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<RawNode>(text, options) {
        Ok(raw) => Ok(convert(text, &LineIndex::new(text), raw)),
        Err(err) => {
            let span = err.location().map(|loc| {
                let s = loc.span();
                match s.byte_offset().and_then(|o| usize::try_from(o).ok()) {
                    Some(start) => {
                        let len = s
                            .byte_len()
                            .and_then(|l| usize::try_from(l).ok())
                            .unwrap_or(0);
                        Span::from_range(text, start..start + len.max(1))
                    }
                    None => {
                        let start = offset_of(text, loc.line(), loc.column());
                        Span::from_range(text, start..start + 1)
                    }
                }
            });
            let message = err.without_snippet().to_string();
            // The message repeats "line N column M:"; the span carries that.
            let message = strip_location_prefix(&message).to_string();
            Err(ParseError { message, span })
        }
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            let col = usize::try_from(column.saturating_sub(1)).unwrap_or(0);
            return offset + l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

fn strip_location_prefix(message: &str) -> &str {
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains("column") => &message[..i],
        _ => message,
    };
    if let Some(rest) = message.strip_prefix("line ")
        && let Some(idx) = rest.find(": ")
        && rest[..idx].contains("column")
    {
        return &rest[idx + 2..];
    }
    message
}

fn span_of(text: &str, lines: &LineIndex, loc: &serde_saphyr::Location) -> Span {
    let s = loc.span();
    let start = s
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or(0);
    let len = s
        .byte_len()
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or(0);
    lines.span(text, start..start + len)
}

fn convert(text: &str, lines: &LineIndex, raw: RawNode) -> Node {
    let span = span_of(text, lines, &raw.0.referenced);
    let value = match raw.0.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => {
            Value::Seq(items.into_iter().map(|n| convert(text, lines, n)).collect())
        }
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        span: span_of(text, lines, &k.referenced),
                        name: k.value,
                    };
                    (key, convert(text, lines, v))
                })
                .collect(),
        ),
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "titre: Aide\nmontant:\n  max: 10000\n";
        let node = parse(text).unwrap();
        let max = node.at_path("montant.max").unwrap();
        assert!(matches!(max.value, Value::Int(10000)));
        assert_eq!((max.span.line, max.span.column), (3, 8));
        let Value::Map(entries) = &node.value else {
            panic!("map expected")
        };
        assert_eq!(entries[1].0.name, "montant");
        assert_eq!(entries[1].0.span.line, 2);
    }

    #[test]
    fn booleans_are_strict() {
        let node = parse("pays: no\nok: true\n").unwrap();
        assert!(matches!(node.get("pays").unwrap().value, Value::Str(_)));
        assert!(matches!(node.get("ok").unwrap().value, Value::Bool(true)));
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_line() {
        let err = parse("titre: a\ntitre: b\n").unwrap_err();
        assert_eq!(err.span.unwrap().line, 2, "{}", err.message);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse("titre: a\n  - b: [\n").unwrap_err();
        assert!(err.span.is_some(), "{}", err.message);
    }

    #[test]
    fn alias_bombs_fail_fast() {
        let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 1..9 {
            text.push_str(&format!(
                "{}: &{} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n",
                (b'a' + i) as char,
                (b'a' + i) as char,
                p = (b'a' + i - 1) as char
            ));
        }
        assert!(parse(&text).is_err());
    }
}
