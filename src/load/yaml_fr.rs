//! YAML syntax errors in French, with what to do.
//!
//! The parser (granit-parser, under serde-saphyr) words its errors in
//! English for programmers ("mapping values are not allowed in this
//! context"). Editors need the mistake in their words and the fix. The
//! parser's texts are matched here; the version is pinned by Cargo.lock
//! and the tests of `tests/editors.rs` feed every common mistake, so a
//! changed wording shows as a failing test, never as an English message
//! (an unknown one is still shown, after a French sentence).

/// A YAML syntax error as an editor reads it.
pub struct Explained {
    pub message: String,
    pub help: String,
    /// The field the error is about, when the parser names it.
    pub field: Option<String>,
}

const TAB_HELP: &str = "YAML n'admet que des espaces pour décaler une ligne : remplacez la tabulation (montrée `→` dans l'extrait) par des espaces, deux par niveau ; votre éditeur peut le faire (« convertir les tabulations en espaces »)";
const QUOTE_HELP: &str = "mettez tout le texte entre guillemets droits, par exemple `titre: \"Aide : la prime\"` ; une apostrophe dans un texte entre apostrophes se double : 'l''aide'";

/// Translates the parser's message (without its location).
pub fn explain(english: &str) -> Explained {
    let plain = |message: &str, help: &str| Explained {
        message: message.to_string(),
        help: help.to_string(),
        field: None,
    };
    let e = english.trim();
    if e.contains("tab") && !e.contains("table") {
        return plain("tabulation dans le fichier YAML", TAB_HELP);
    }
    if let Some(rest) = e.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim().to_string();
        return Explained {
            message: format!("champ `{key}` écrit deux fois"),
            help: format!(
                "gardez une seule ligne `{key}:` (réunissez les deux valeurs si elles sont toutes deux utiles)"
            ),
            field: Some(key),
        };
    }
    if e.starts_with("mapping values are not allowed") {
        return plain(
            "« : » inattendu",
            "un texte qui contient « : » se met entre guillemets, par exemple `titre: \"Aide : la prime\"` ; sinon vérifiez que la ligne n'est pas plus décalée que le champ du dessus",
        );
    }
    if e == "unclosed quote" {
        return plain(
            "guillemet ouvert et jamais refermé",
            "refermez le texte par le même guillemet (\" ou ') à la fin de la valeur ; une apostrophe dans un texte entre apostrophes se double : 'l''aide'",
        );
    }
    if e.starts_with("invalid trailing content after") {
        return plain("texte après le guillemet fermant", QUOTE_HELP);
    }
    if let Some(rest) = e.strip_prefix("unclosed bracket '") {
        let open = rest.chars().next().unwrap_or('[');
        let (what, close) = if open == '{' {
            ("accolade `{`", "}")
        } else {
            ("crochet `[`", "]")
        };
        return plain(
            &format!("{what} ouvert et jamais refermé"),
            &format!(
                "refermez-le par `{close}` sur la même ligne, par exemple `type_aide: [prime, bourse]` ; ou écrivez un élément par ligne, précédé de `- `"
            ),
        );
    }
    if e.starts_with("mismatched bracket") || e == "misplaced bracket" {
        return plain(
            "crochet ou accolade fermant en trop ou mal apparié",
            "une liste s'écrit `[a, b]` : un `[` pour un `]` ; un texte qui contient des crochets se met entre guillemets",
        );
    }
    if e.contains("did not find expected key") || e.contains("did not find expected '-'") {
        return plain(
            "ligne mal alignée",
            "alignez la ligne sur les champs (ou les `- `) de même niveau au-dessus, avec le même nombre d'espaces en début de ligne",
        );
    }
    if e.contains("did not find expected <document start>")
        || e.contains("invalid content after document end")
        || e.contains("multiple documents")
    {
        return plain(
            "texte inattendu au premier niveau du fichier",
            "les champs principaux commencent tout à gauche (colonne 1), sans espace devant ; une ligne `---` ou `...` ne doit pas figurer au milieu d'une fiche",
        );
    }
    if let Some(rest) = e.strip_prefix("unexpected character: `") {
        let c = rest.trim_end_matches('\'');
        return plain(
            &format!("caractère `{c}` interdit au début d'une valeur"),
            "mettez la valeur entre guillemets droits, par exemple `titre: \"@santé77\"`",
        );
    }
    if e.contains("unknown anchor") || e.contains("anchor or alias") {
        return plain(
            "`*` ou `&` au début d'une valeur",
            "ces signes ont un sens en YAML : mettez la valeur entre guillemets droits, par exemple `resume: \"*Nouveau* : …\"`",
        );
    }
    if e.starts_with("simple key expected") || e.contains("simple key is no longer valid") {
        return plain(
            "« : » attendu après le nom du champ",
            "écrivez `champ: valeur`, avec une espace après les deux-points ; un nom de champ tient sur une ligne",
        );
    }
    if e.contains("block sequence entries are not allowed") {
        return plain(
            "élément de liste `- ` inattendu à cet endroit",
            "une liste se place sous son champ, à la ligne suivante : `conditions:` puis `  - première condition`",
        );
    }
    if e.contains("'-' must be followed") {
        return plain(
            "« - » doit être suivi d'une espace",
            "écrivez `- élément` ; un texte qui commence par un tiret se met entre guillemets",
        );
    }
    if e.contains("wrongly indented line in block scalar") || e.contains("invalid indentation") {
        return plain(
            "ligne mal décalée",
            "dans un texte sur plusieurs lignes (après `|`), chaque ligne commence par au moins autant d'espaces que la première",
        );
    }
    if e.contains("block scalar, did not find expected comment") {
        return plain(
            "texte sur la ligne du `|` ou du `>`",
            "après `|` (ou `>`), le texte commence à la ligne suivante, décalé de deux espaces",
        );
    }
    if e.contains("comment") {
        return plain(
            "commentaire `#` mal placé",
            "un commentaire commence par ` #` (une espace avant) ; dans un texte sur plusieurs lignes, retirez-le ou mettez le texte entre guillemets",
        );
    }
    if e.contains("expected ',' or ']'") || e.contains("expected ',' or '}'") {
        return plain(
            "`,` attendue entre deux éléments de la liste",
            "séparez les éléments par une virgule : `[prime, bourse]` ; un élément qui contient une virgule se met entre guillemets",
        );
    }
    if e.contains("did not find expected node content") || e.contains("EOF") || e.contains("eof") {
        return plain(
            "valeur attendue",
            "complétez la ligne (`champ: valeur`) ou retirez-la ; une liste vide s'écrit `[]`",
        );
    }
    if e.contains("recursion limit") || e.contains("budget") || e.contains("limit") {
        return plain(
            "fichier trop imbriqué ou trop gros",
            "une fiche n'a que quelques niveaux de champs : vérifiez le décalage des lignes",
        );
    }
    plain(
        &format!("syntaxe YAML invalide (le lecteur YAML dit : « {e} »)"),
        "vérifiez le décalage des lignes (des espaces, pas de tabulations), l'espace après chaque `:`, et mettez entre guillemets un texte qui contient `: ` ou commence par un caractère spécial",
    )
}
