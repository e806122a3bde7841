//! Front matter of Markdown pages: a YAML block between two `---` lines at
//! the top of the file. Spans are shifted so errors point into the `.md` file.

use crate::diag::{Diagnostic, Span};

use super::node::{self, Node};

/// A parsed front matter, with spans relative to the whole file.
#[derive(Clone, Debug)]
pub struct FrontMatter {
    pub node: Node,
}

pub struct SplitError {
    message: String,
    help: String,
    span: Option<Span>,
}

impl SplitError {
    pub fn into_diagnostic(self, file: &str) -> Diagnostic {
        Diagnostic::error(file, self.message)
            .at(self.span)
            .help(self.help)
    }
}

/// Splits `text` into its front matter, its body, and the line where the
/// body starts.
pub fn split(text: &str) -> Result<(FrontMatter, &str, usize), SplitError> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Err(SplitError {
            message: "en-tête YAML manquant".into(),
            help: "une page commence par une ligne `---`, les champs (au moins `titre: …`), puis une autre ligne `---`".into(),
            span: Some(Span::from_range(text, 0..first_line_end.min(1))),
        });
    }
    let mut offset = first_line_end;
    let mut closing = None;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            closing = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = closing else {
        return Err(SplitError {
            message: "en-tête YAML non fermé".into(),
            help: "ajoutez une ligne `---` après les champs de l'en-tête".into(),
            span: Some(Span::from_range(text, 0..3)),
        });
    };
    let yaml = &text[first_line_end..yaml_end];
    let body_line = text[..body_start].matches('\n').count() + 1;
    let node = match node::parse(yaml) {
        Ok(n) => shift(n, first_line_end, 1),
        Err(err) => {
            let fr = super::yaml_fr::explain(&err.message);
            return Err(SplitError {
                message: format!("YAML invalide dans l'en-tête : {}", fr.message),
                help: fr.help,
                span: err.span.map(|s| s.shifted(first_line_end, 1)),
            });
        }
    };
    Ok((FrontMatter { node }, &text[body_start..], body_line))
}

fn shift(node: Node, bytes: usize, lines: usize) -> Node {
    use node::Value;
    let value = match node.value {
        Value::Seq(items) => {
            Value::Seq(items.into_iter().map(|n| shift(n, bytes, lines)).collect())
        }
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(mut k, v)| {
                    k.span = k.span.shifted(bytes, lines);
                    (k, shift(v, bytes, lines))
                })
                .collect(),
        ),
        other => other,
    };
    Node {
        value,
        span: node.span.shifted(bytes, lines),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_into_the_markdown_file() {
        let text = "---\ntitre: Zonage\nordre: x\n---\n\n## Texte\n";
        let (front, body, line) = split(text).ok().unwrap();
        let ordre = front.node.get("ordre").unwrap();
        assert_eq!((ordre.span.line, ordre.span.column), (3, 8));
        assert_eq!(&text[ordre.span.start..ordre.span.end], "x");
        assert_eq!(body, "\n## Texte\n");
        assert_eq!(line, 5);
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_an_error() {
        assert!(split("## Texte\n").is_err());
        assert!(split("---\ntitre: x\n").is_err());
    }
}
