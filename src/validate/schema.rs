//! Checks a spanned YAML tree against the JSON Schema derived from the model
//! types (schemars), reporting every problem with its position.
//!
//! Why not deserialize straight into the types? serde stops at the first
//! error, and its messages name Rust types. Walking the tree against the
//! schema finds all unknown keys, missing fields, wrong types and invalid enum
//! values of a file in one pass, in the editors' words, and yields a JSON value
//! that then deserializes into the typed record without surprises.
//!
//! Only the subset of JSON Schema that schemars emits for our types is
//! interpreted: `$ref`, `anyOf`/`oneOf`, `type`, `enum`/`const`,
//! `properties`/`required`, `items`, `format` (date, partial-date-time,
//! uri, uint32) and `maxLength`. Objects are closed: a key not in `properties` is
//! an error, which is what editors need (a typo must never vanish silently).

use serde_json::{Map, Value as Json, json};

use crate::diag::{Diagnostic, Diagnostics, Span, closest};
use crate::load::node::{Node, Value};

/// Checks `node` (parsed from `text`, the file `file`) against `schema`.
/// Returns the JSON value when the file has no error.
pub fn check(
    schema: &schemars::Schema,
    node: &Node,
    text: &str,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<Json> {
    match run(schema, node, text, file, false, diags) {
        Checked::Valid(json) => Some(json),
        Checked::Unfinished | Checked::Invalid => None,
    }
}

/// What checking a record or a page gave.
pub enum Checked {
    Valid(Json),
    /// A draft (`statut: brouillon`) whose only problems are required
    /// fields still missing or empty: each is a warning, the file is not
    /// published, and the build goes on.
    Unfinished,
    /// Errors were reported.
    Invalid,
}

/// [`check`] for a file that may be a draft: in a `brouillon`, a missing
/// or empty required field is what is left to do before publication, a
/// warning; anything else (unknown keys, types of the fields present)
/// stays an error.
pub fn check_draftable(
    schema: &schemars::Schema,
    node: &Node,
    text: &str,
    file: &str,
    diags: &mut Diagnostics,
) -> Checked {
    let draft =
        matches!(&node.get("statut").map(|n| &n.value), Some(Value::Str(s)) if s == "brouillon");
    run(schema, node, text, file, draft, diags)
}

fn run(
    schema: &schemars::Schema,
    node: &Node,
    text: &str,
    file: &str,
    draft: bool,
    diags: &mut Diagnostics,
) -> Checked {
    let root = schema.as_value();
    let mut checker = Checker {
        root,
        text,
        file,
        draft,
        errors: Vec::new(),
        pending: Vec::new(),
    };
    let value = checker.check(root, node, &Path::default());
    let ok = checker.errors.is_empty();
    let unfinished = !checker.pending.is_empty();
    for d in checker.errors.into_iter().chain(checker.pending) {
        diags.push(d);
    }
    match value {
        Some(json) if ok && !unfinished => Checked::Valid(json),
        _ if ok => Checked::Unfinished,
        _ => Checked::Invalid,
    }
}

/// A field path, kept both for display (`sources[1].url`) and for looking
/// nodes up (`sources.1.url`).
#[derive(Clone, Default)]
struct Path {
    display: String,
}

impl Path {
    fn key(&self, k: &str) -> Path {
        let display = if self.display.is_empty() {
            k.to_string()
        } else {
            format!("{}.{}", self.display, k)
        };
        Path { display }
    }

    fn index(&self, i: usize) -> Path {
        Path {
            display: format!("{}[{}]", self.display, i),
        }
    }
}

struct Checker<'a> {
    root: &'a Json,
    text: &'a str,
    file: &'a str,
    /// The file is a `brouillon`: missing or empty required fields go to
    /// `pending`, as warnings.
    draft: bool,
    errors: Vec<Diagnostic>,
    pending: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, span: &Span, path: &Path, message: String, help: Option<String>) {
        let mut d = Diagnostic::error(self.file, message)
            .at(Some(span.clone()))
            .field(path.display.clone());
        if let Some(h) = help {
            d = d.help(h);
        }
        self.errors.push(d);
    }

    /// Follows `$ref` to the definition it names.
    fn resolve(&self, schema: &'a Json) -> &'a Json {
        let mut s = schema;
        for _ in 0..16 {
            match s.get("$ref").and_then(Json::as_str) {
                Some(r) => {
                    let name = r.trim_start_matches("#/$defs/");
                    match self.root.get("$defs").and_then(|d| d.get(name)) {
                        Some(def) => s = def,
                        None => return s,
                    }
                }
                None => return s,
            }
        }
        s
    }

    /// A field a draft leaves to fill: a warning at its place saying what
    /// it takes.
    fn pending(&mut self, span: &Span, path: &Path, schema: &'a Json) {
        let help = format!(
            "à remplir avant de passer à `statut: publie`{}",
            describe(schema)
        );
        let help = match self.allowed_values(schema) {
            Some(values) => format!("{help} ; valeurs admises : {values}"),
            None => help,
        };
        self.pending.push(
            Diagnostic::warning(self.file, "à remplir (brouillon)")
                .at(Some(span.clone()))
                .field(path.display.clone())
                .help(help),
        );
    }

    /// The allowed values of an enumeration (or a list of one), for hints.
    fn allowed_values(&self, schema: &'a Json) -> Option<String> {
        let schema = self.resolve(schema);
        let schema = schema.get("items").map_or(schema, |i| self.resolve(i));
        if let Some(v) = enum_values(schema) {
            return Some(v.join(", "));
        }
        let alts = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)?;
        let mut all = Vec::new();
        for a in alts {
            let a = self.resolve(a);
            if type_names(a) == ["null"] {
                continue;
            }
            all.extend(enum_values(a)?);
        }
        (!all.is_empty()).then(|| all.join(", "))
    }

    /// Whether the schema takes `null` (an optional field).
    fn nullable(&self, schema: &'a Json) -> bool {
        let schema = self.resolve(schema);
        type_names(schema).contains(&"null")
            || schema
                .get("anyOf")
                .or_else(|| schema.get("oneOf"))
                .and_then(Json::as_array)
                .is_some_and(|alts| alts.iter().any(|a| self.nullable(a)))
    }

    fn check(&mut self, schema: &'a Json, node: &Node, path: &Path) -> Option<Json> {
        let schema = self.resolve(schema);
        if self.draft && matches!(node.value, Value::Null) && !self.nullable(schema) {
            self.pending(&node.span, path, schema);
            return None;
        }
        if let Some(alts) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            return self.check_alternatives(schema, alts, node, path);
        }
        if let Some(values) = enum_values(schema) {
            return self.check_enum(schema, &values, node, path);
        }
        let types = type_names(schema);
        if matches!(node.value, Value::Null) {
            if types.contains(&"null") {
                return Some(Json::Null);
            }
            self.error(
                &node.span,
                path,
                "valeur vide".to_string(),
                Some(format!(
                    "{} attendu ; retirez la ligne si l'information est inconnue{}",
                    expected_fr(&types),
                    describe(schema)
                )),
            );
            return None;
        }
        let primary = types.iter().copied().find(|t| *t != "null").unwrap_or("");
        match primary {
            "object" => self.check_object(schema, node, path),
            "array" => self.check_array(schema, node, path),
            "string" => self.check_string(schema, node, path),
            "integer" => self.check_integer(schema, node, path),
            "number" => match node.value {
                Value::Int(i) => Some(json!(i)),
                Value::Float(f) => Some(json!(f)),
                _ => self.mismatch(schema, node, path, "un nombre (par exemple 10000 ou 12.5)"),
            },
            "boolean" => match node.value {
                Value::Bool(b) => Some(Json::Bool(b)),
                _ => self.mismatch(schema, node, path, "true ou false"),
            },
            _ => Some(plain_json(node)),
        }
    }

    fn mismatch(
        &mut self,
        schema: &Json,
        node: &Node,
        path: &Path,
        expected: &str,
    ) -> Option<Json> {
        self.error(
            &node.span,
            path,
            format!(
                "on attend {}, la valeur est {}",
                expected_word(expected),
                node.kind_fr()
            ),
            Some(format!("écrivez {expected}{}", describe(schema))),
        );
        None
    }

    fn check_alternatives(
        &mut self,
        schema: &'a Json,
        alts: &'a [Json],
        node: &Node,
        path: &Path,
    ) -> Option<Json> {
        let resolved: Vec<&Json> = alts.iter().map(|a| self.resolve(a)).collect();
        let nullable = resolved.iter().any(|a| type_names(a) == ["null"]);
        if matches!(node.value, Value::Null) && nullable {
            return Some(Json::Null);
        }
        let non_null: Vec<&Json> = resolved
            .into_iter()
            .filter(|a| type_names(a) != ["null"])
            .collect();
        // An enum whose variants carry docs is a oneOf of enum/const lists.
        let mut all_values = Vec::new();
        let mut all_enums = !non_null.is_empty();
        for a in &non_null {
            match enum_values(a) {
                Some(v) => all_values.extend(v),
                None => all_enums = false,
            }
        }
        if all_enums {
            return self.check_enum(schema, &all_values, node, path);
        }
        match non_null.as_slice() {
            [single] => self.check(single, node, path),
            _ => {
                // Not emitted for our types today; try each alternative.
                for a in &non_null {
                    let mut probe = Checker {
                        root: self.root,
                        text: self.text,
                        file: self.file,
                        draft: self.draft,
                        errors: Vec::new(),
                        pending: Vec::new(),
                    };
                    if let Some(v) = probe.check(a, node, path)
                        && probe.errors.is_empty()
                    {
                        return Some(v);
                    }
                }
                self.error(
                    &node.span,
                    path,
                    "valeur non admise".to_string(),
                    Some(describe(schema).trim_start_matches(" ; ").to_string()),
                );
                None
            }
        }
    }

    fn check_enum(
        &mut self,
        schema: &Json,
        values: &[String],
        node: &Node,
        path: &Path,
    ) -> Option<Json> {
        let given = match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) => Some(self.raw(node).to_string()),
            _ => None,
        };
        if let Some(g) = &given
            && values.iter().any(|v| v == g)
        {
            return Some(Json::String(g.clone()));
        }
        let allowed = values.join(", ");
        let mut help = format!("valeurs admises : {allowed}");
        if let Some(g) = &given
            && let Some(near) = closest(g, values.iter().map(String::as_str))
        {
            help = format!("vouliez-vous dire `{near}` ? {help}");
        }
        let message = match given {
            Some(g) => format!("valeur `{g}` non admise"),
            None => format!(
                "on attend une des valeurs admises, la valeur est {}",
                node.kind_fr()
            ),
        };
        let _ = schema;
        self.error(&node.span, path, message, Some(help));
        None
    }

    fn check_object(&mut self, schema: &'a Json, node: &Node, path: &Path) -> Option<Json> {
        let Value::Map(entries) = &node.value else {
            return self.mismatch(
                schema,
                node,
                path,
                "un ensemble de champs (une ligne `champ: valeur` par champ, en retrait)",
            );
        };
        static EMPTY: std::sync::OnceLock<Map<String, Json>> = std::sync::OnceLock::new();
        let props = schema
            .get("properties")
            .and_then(Json::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let mut out = Map::new();
        let mut ok = true;
        for (key, value) in entries {
            let child = path.key(&key.name);
            match props.get(&key.name) {
                Some(prop) => match self.check(prop, value, &child) {
                    Some(v) => {
                        out.insert(key.name.clone(), v);
                    }
                    None => ok = false,
                },
                None => {
                    ok = false;
                    let names: Vec<&str> = props.keys().map(String::as_str).collect();
                    let mut help = format!("champs admis ici : {}", names.join(", "));
                    if let Some(near) = closest(&key.name, names.iter().copied()) {
                        help = format!("vouliez-vous dire `{near}` ? {help}");
                    }
                    self.error(
                        &key.span,
                        &child,
                        format!("champ inconnu `{}`", key.name),
                        Some(help),
                    );
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Json::as_array) {
            for name in required.iter().filter_map(Json::as_str) {
                if !entries.iter().any(|(k, _)| k.name == name) {
                    ok = false;
                    if self.draft {
                        let at = if path.display.is_empty() {
                            Span::from_range(self.text, 0..0)
                        } else {
                            node.span.clone()
                        };
                        let prop = props.get(name).unwrap_or(&Json::Null);
                        self.pending(&at, &path.key(name), prop);
                        continue;
                    }
                    let desc = props
                        .get(name)
                        .and_then(|p| p.get("description"))
                        .and_then(Json::as_str)
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default();
                    let at = if path.display.is_empty() {
                        Span::from_range(self.text, 0..0)
                    } else {
                        node.span.clone()
                    };
                    self.error(
                        &at,
                        &path.key(name),
                        format!("champ obligatoire `{name}` manquant"),
                        Some(format!("ajoutez une ligne `{name}: …`{desc}")),
                    );
                }
            }
        }
        ok.then_some(Json::Object(out))
    }

    fn check_array(&mut self, schema: &'a Json, node: &Node, path: &Path) -> Option<Json> {
        let Value::Seq(items) = &node.value else {
            return self.mismatch(
                schema,
                node,
                path,
                "une liste (une ligne par élément, commençant par `- `)",
            );
        };
        let item_schema = schema.get("items").unwrap_or(&Json::Bool(true));
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.check(item_schema, item, &path.index(i)) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(Json::Array(out))
    }

    fn check_string(&mut self, schema: &Json, node: &Node, path: &Path) -> Option<Json> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            // An unquoted number where text is expected (a postcode, an INSEE
            // code, a year in a title) is taken as written.
            Value::Int(_) | Value::Float(_) => self.raw(node).to_string(),
            _ => return self.mismatch(schema, node, path, "un texte"),
        };
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && *c != '\n' && *c != '\t')
        {
            self.error(
                &node.span,
                path,
                format!("caractère de contrôle invisible `{}` dans le texte", c.escape_unicode()),
                Some("retirez-le (il vient souvent d'un copier-coller) ; seuls les retours à la ligne et les tabulations sont admis".into()),
            );
            return None;
        }
        match schema.get("format").and_then(Json::as_str) {
            // jiff also reads `2025-01-05T10:00:00+02:00` as a date, dropping
            // the time: a date field takes a date and nothing else.
            Some("date") if !is_plain_date(&text) => {
                let (message, help) = date_problem(&text);
                self.error(&node.span, path, message, Some(help));
                return None;
            }
            // A date and time whose day does not exist is told so.
            Some("partial-date-time")
                if text.parse::<jiff::civil::DateTime>().is_err()
                    && text.get(..10).is_some_and(|d| {
                        date_problem(d).0.contains("impossible")
                            && text.as_bytes().get(10) == Some(&b'T')
                    }) =>
            {
                let (message, help) = date_problem(&text[..10]);
                self.error(
                    &node.span,
                    path,
                    message.replace(&text[..10], &text),
                    Some(help),
                );
                return None;
            }
            Some("partial-date-time") if text.parse::<jiff::civil::DateTime>().is_err() => {
                self.error(
                        &node.span,
                        path,
                        format!("date et heure `{text}` invalides"),
                        Some(
                            "écrivez la date et l'heure au format AAAA-MM-JJTHH:MM, par exemple 2026-05-12T18:30"
                                .into(),
                        ),
                    );
                return None;
            }
            Some("uri") => {
                if let Err((message, help)) = crate::url::check_external(&text) {
                    self.error(&node.span, path, message, Some(help.into()));
                    return None;
                }
            }
            _ => {}
        }
        if let Some(max) = schema.get("maxLength").and_then(Json::as_u64) {
            let len = text.chars().count() as u64;
            if len > max {
                self.error(
                    &node.span,
                    path,
                    format!("texte trop long ({len} caractères)"),
                    Some(format!("{max} caractères au plus")),
                );
                return None;
            }
        }
        Some(Json::String(text))
    }

    fn check_integer(&mut self, schema: &Json, node: &Node, path: &Path) -> Option<Json> {
        let Value::Int(i) = node.value else {
            return self.mismatch(schema, node, path, "un nombre entier (par exemple 12)");
        };
        let unsigned = schema
            .get("format")
            .and_then(Json::as_str)
            .is_some_and(|f| f.starts_with("uint"))
            || schema.get("minimum").and_then(Json::as_i64) == Some(0);
        if unsigned && i < 0 {
            self.error(
                &node.span,
                path,
                format!("nombre négatif `{i}`"),
                Some("écrivez un nombre positif ou nul".into()),
            );
            return None;
        }
        Some(json!(i))
    }

    /// The text of a scalar as written in the file.
    fn raw(&self, node: &Node) -> &str {
        self.text
            .get(node.span.start..node.span.end)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("")
    }
}

fn type_names(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn enum_values(schema: &Json) -> Option<Vec<String>> {
    if let Some(values) = schema.get("enum").and_then(Json::as_array) {
        return Some(
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        );
    }
    schema
        .get("const")
        .and_then(Json::as_str)
        .map(|c| vec![c.to_string()])
}

fn expected_fr(types: &[&str]) -> &'static str {
    match types.iter().copied().find(|t| *t != "null") {
        Some("string") => "un texte",
        Some("integer") => "un nombre entier",
        Some("number") => "un nombre",
        Some("boolean") => "true ou false",
        Some("array") => "une liste",
        Some("object") => "un ensemble de champs",
        _ => "une valeur",
    }
}

fn expected_word(expected: &str) -> &str {
    match expected.split_once(" (") {
        Some((head, _)) => head,
        None => expected,
    }
}

/// The field's own description, appended to help texts.
fn describe(schema: &Json) -> String {
    schema
        .get("description")
        .and_then(Json::as_str)
        .map(|d| format!(" ; {d}"))
        .unwrap_or_default()
}

fn plain_json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(plain_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), plain_json(v)))
                .collect(),
        ),
    }
}

/// `AAAA-MM-JJ`, a real day of the calendar.
/// What is wrong with a date, in the editor's words: a date in the right
/// format that does not exist (`2026-02-30`) is told so, not sent back to
/// the format it already follows.
pub(crate) fn date_problem(text: &str) -> (String, String) {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let number = |r: std::ops::Range<usize>| text.get(r).and_then(|t| t.parse::<i16>().ok());
    if let (true, Some(year), Some(month), Some(day)) =
        (shape, number(0..4), number(5..7), number(8..10))
    {
        if !(1..=12).contains(&month) {
            return (
                format!("date `{text}` impossible : il n'y a pas de mois {month}"),
                "le mois vient au milieu, entre 01 et 12 : AAAA-MM-JJ, par exemple 2026-11-24"
                    .into(),
            );
        }
        if let Ok(first) = jiff::civil::Date::new(year, month as i8, 1) {
            let days = first.days_in_month();
            if day < 1 {
                return (
                    format!("date `{text}` impossible : il n'y a pas de jour 0"),
                    "le jour vient en dernier, à partir de 01 : AAAA-MM-JJ, par exemple 2026-11-01"
                        .into(),
                );
            }
            if day > i16::from(days) {
                let name = crate::render::format::MONTHS[(month - 1) as usize];
                return (
                    format!("date `{text}` impossible : {name} {year} n'a que {days} jours"),
                    format!("vérifiez le jour (de 01 à {days}) dans la source"),
                );
            }
        }
    }
    (
        format!("date `{text}` invalide"),
        "écrivez la date au format AAAA-MM-JJ, par exemple 2026-11-24".into(),
    )
}

fn is_plain_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && text.parse::<jiff::civil::Date>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::node::parse;
    use crate::model::Kind;

    fn run(kind: Kind, text: &str) -> (Option<Json>, Vec<Diagnostic>) {
        let node = parse(text).unwrap();
        let mut diags = Diagnostics::default();
        let v = check(&kind.schema(), &node, text, "content/x.yaml", &mut diags);
        (v, diags.into_vec())
    }

    const ORG: &str = "nom: CPAM de Seine-et-Marne\ntype: cpam\nstatut: publie\nmis_a_jour_le: 2026-11-24\nsources:\n  - titre: ameli\n    url: https://www.ameli.fr\n    consulte_le: 2026-11-24\n";

    #[test]
    fn a_valid_record_passes_and_deserializes() {
        let (v, d) = run(Kind::Organisation, ORG);
        assert!(d.is_empty(), "{d:?}");
        let body = crate::model::Body::from_json(Kind::Organisation, v.unwrap()).unwrap();
        assert_eq!(body.title(), "CPAM de Seine-et-Marne");
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        let text = ORG
            .replace("type: cpam", "type: caisse")
            .replace("nom:", "nomm:")
            .replace("consulte_le: 2026-11-24", "consulte_le: 24/11/2026");
        let (v, d) = run(Kind::Organisation, &text);
        assert!(v.is_none());
        let msgs: Vec<String> = d
            .iter()
            .map(|d| {
                format!(
                    "{}|{}|{}",
                    d.field.clone().unwrap_or_default(),
                    d.message,
                    d.help.clone().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(d.len(), 4, "{msgs:#?}");
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("nomm|champ inconnu")
                    && m.contains("vouliez-vous dire `nom`")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter().any(|m| m.starts_with("nom|champ obligatoire")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("type|valeur `caisse` non admise") && m.contains("cpam")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("sources[0].consulte_le|date `24/11/2026` invalide")),
            "{msgs:#?}"
        );
        let unknown = d.iter().find(|d| d.message.contains("inconnu")).unwrap();
        assert_eq!(
            unknown.span.as_ref().map(|s| (s.line, s.column)),
            Some((1, 1))
        );
    }

    #[test]
    fn unquoted_numbers_are_taken_as_text_where_text_is_expected() {
        let text = format!("{ORG}commune_insee: 77288\n");
        let (v, d) = run(Kind::Organisation, &text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v.unwrap()["commune_insee"], "77288");
    }

    #[test]
    fn a_scalar_where_a_list_is_expected_is_explained() {
        let text = ORG.replace(
            "sources:\n  - titre: ameli\n    url: https://www.ameli.fr\n    consulte_le: 2026-11-24\n",
            "sources: ameli\n",
        );
        let (_, d) = run(Kind::Organisation, &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field.as_deref(), Some("sources"));
        assert!(
            d[0].message.starts_with("on attend une liste"),
            "{:?}",
            d[0]
        );
    }
}
