//! French formatting of amounts, dates and phone numbers, shared by the
//! template filters and the views.

use crate::model::aide::{ClasseZonage, Montant, Unite};

/// Narrow no-break space: the French thousands separator.
const NNBSP: char = '\u{202F}';
/// No-break space: before `€`, `%` and the like.
const NBSP: char = '\u{00A0}';

/// `10000` → `10 000`, `12.5` → `12,5` (thin no-break spaces between groups).
pub fn number(n: f64) -> String {
    let negative = n < 0.0;
    let n = n.abs();
    let rounded = (n * 100.0).round() / 100.0;
    let int = rounded.trunc() as u64;
    let cents = ((rounded - rounded.trunc()) * 100.0).round() as u64;
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    if cents > 0 {
        if cents.is_multiple_of(10) {
            out.push_str(&format!(",{}", cents / 10));
        } else {
            out.push_str(&format!(",{cents:02}"));
        }
    }
    if negative { format!("-{out}") } else { out }
}

/// `10000` → `10 000 €`.
pub fn euros(n: f64) -> String {
    format!("{}{NBSP}€", number(n))
}

fn with_unit(n: f64, unite: Option<Unite>) -> String {
    match unite {
        Some(Unite::Pct) => format!("{}{NBSP}%", number(n)),
        _ => euros(n),
    }
}

fn per(unite: Option<Unite>) -> &'static str {
    match unite {
        Some(Unite::EurMois) => " par mois",
        Some(Unite::EurAn) => " par an",
        Some(Unite::EurSemestre) => " par semestre",
        Some(Unite::Pct) => " de la dépense",
        _ => "",
    }
}

/// "en ZIP", "en zone sous-dotée": where a zonage-dependent amount applies.
fn in_class(c: ClasseZonage) -> &'static str {
    match c {
        ClasseZonage::Zip => "en ZIP",
        ClasseZonage::Zac => "en ZAC",
        ClasseZonage::Qpv => "en QPV",
        ClasseZonage::TresSousDotee => "en zone très sous-dotée",
        ClasseZonage::SousDotee => "en zone sous-dotée",
        ClasseZonage::Intermediaire => "en zone intermédiaire",
        ClasseZonage::TresDotee => "en zone très dotée",
        ClasseZonage::SurDotee => "en zone sur-dotée",
        ClasseZonage::NonPrioritaire => "en zone non prioritaire",
        ClasseZonage::HorsZonage => "hors zonage",
    }
}

/// The headline amount of an aid, as it is: `10 000 €` (fixed: `min` =
/// `max`), `jusqu'à 10 000 €` (`max` alone is a ceiling), `de 3 000 à
/// 10 000 €`, `1 200 € par mois`, `30 % de la dépense, jusqu'à 250 000 €`,
/// `10 000 € en ZIP, 5 000 € en ZAC`; `None` when not figured.
pub fn montant(m: &Montant) -> Option<String> {
    let u = m.unite;
    if !m.selon_zonage.is_empty() {
        let parts: Vec<String> = m
            .selon_zonage
            .iter()
            .map(|z| {
                format!(
                    "{}{} {}",
                    with_unit(z.montant, u),
                    per(u),
                    in_class(z.classe)
                )
            })
            .collect();
        return Some(parts.join(", "));
    }
    if let Some(taux) = m.taux {
        let base = m.assiette.as_deref().unwrap_or("de la dépense");
        let ceiling = m
            .max
            .map(|max| format!(", jusqu'à {}{}", euros(max), per(u)))
            .unwrap_or_default();
        return Some(format!("{}{NBSP}% {base}{ceiling}", number(taux)));
    }
    let core = match (m.min, m.max) {
        (Some(min), Some(max)) if (min - max).abs() < f64::EPSILON => with_unit(max, u),
        (Some(min), Some(max)) => format!("de {} à {}", number(min), with_unit(max, u)),
        (None, Some(max)) => format!("jusqu'à {}", with_unit(max, u)),
        (Some(min), None) => format!("à partir de {}", with_unit(min, u)),
        (None, None) => return None,
    };
    Some(format!("{core}{}", per(u)))
}

/// The editor's wording of an amount, unless it only repeats the headline
/// (`50 000 €` under `50 000 €`): spaces and case aside, the same text.
pub fn montant_texte(m: &Montant) -> Option<String> {
    let texte = m.texte.as_deref()?;
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202F}')
            .flat_map(char::to_lowercase)
            .collect()
    };
    match montant(m) {
        Some(head) if squash(&head) == squash(texte) => None,
        _ => Some(texte.to_string()),
    }
}

/// The amount as a detail page says it, each line once: the headline
/// figure then the editor's text, or the text alone when it already gives
/// every figure of the headline ("1 200 € bruts par mois" after
/// "1 200 € par mois" says the same twice).
pub fn montant_lignes(m: &Montant) -> Vec<String> {
    let head = montant(m);
    let texte = montant_texte(m);
    match (head, texte) {
        (Some(h), Some(t)) if figures(&h).iter().all(|f| figures(&t).contains(f)) => vec![t],
        (h, t) => h.into_iter().chain(t).collect(),
    }
}

/// The figures of a text, digits only (`10 000` and `10000` alike).
fn figures(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if matches!(c, ' ' | '\u{A0}' | '\u{202F}')
            && !cur.is_empty()
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            continue;
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Month names, for dates in words.
pub(crate) const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `2025-12-31` → `31 décembre 2025`; `2026-01-01` → `1er janvier 2026`.
pub fn date(d: jiff::civil::Date) -> String {
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    let month = MONTHS
        .get((d.month() as usize).saturating_sub(1))
        .copied()
        .unwrap_or("");
    format!("{day}{NBSP}{month} {}", d.year())
}

/// `2026-05-12T18:30` → `12 mai 2026 à 18 h 30`.
pub fn datetime(d: jiff::civil::DateTime) -> String {
    let time = if d.minute() == 0 {
        format!("{}{NBSP}h", d.hour())
    } else {
        format!("{}{NBSP}h{NBSP}{:02}", d.hour(), d.minute())
    };
    format!("{} à {time}", date(d.date()))
}

/// `01 64 14 77 77` → `tel:+33164147777`; other forms are kept digits-only.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    match digits.strip_prefix('0') {
        Some(rest) if digits.len() == 10 => format!("tel:+33{rest}"),
        _ => format!("tel:{digits}"),
    }
}

/// An address as a reader types it: no scheme, no trailing slash
/// (`www.ameli.fr`, `guide.exemple.fr/sous-chemin`).
pub fn printed_address(url: &str) -> String {
    let bare = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    bare.trim_end_matches('/').to_string()
}

/// Text escaped for XML (the sitemap, the maps' titles).
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_amounts() {
        assert_eq!(euros(10000.0), "10\u{202F}000\u{A0}€");
        assert_eq!(number(1234567.5), "1\u{202F}234\u{202F}567,5");
        assert_eq!(number(300.0), "300");
        let m = Montant {
            min: Some(3000.0),
            max: Some(10000.0),
            unite: Some(Unite::Eur),
            ..blank()
        };
        assert_eq!(
            montant(&m).unwrap(),
            "de 3\u{202F}000 à 10\u{202F}000\u{A0}€"
        );
        let m = Montant {
            min: Some(1200.0),
            max: Some(1200.0),
            unite: Some(Unite::EurMois),
            ..blank()
        };
        assert_eq!(montant(&m).unwrap(), "1\u{202F}200\u{A0}€ par mois");
    }

    #[test]
    fn an_amount_is_said_once() {
        let m = Montant {
            min: Some(1200.0),
            max: Some(1200.0),
            unite: Some(Unite::EurMois),
            texte: Some("1 200 € bruts par mois".into()),
            ..blank()
        };
        assert_eq!(
            montant_lignes(&m),
            vec!["1 200 € bruts par mois".to_string()]
        );
        // A text that adds a figure keeps the headline above it.
        let m = Montant {
            texte: Some("600 € par interne, 300 € par externe".into()),
            max: Some(900.0),
            unite: Some(Unite::Eur),
            ..blank()
        };
        assert_eq!(montant_lignes(&m).len(), 2);
        assert_eq!(figures("de 3 000 à 10\u{202F}000 €"), vec!["3000", "10000"]);
    }

    fn blank() -> Montant {
        Montant {
            min: None,
            max: None,
            taux: None,
            assiette: None,
            selon_zonage: Vec::new(),
            unite: None,
            texte: None,
            versement: None,
        }
    }

    #[test]
    fn a_ceiling_never_reads_as_a_flat_sum() {
        let ceiling = Montant {
            max: Some(10000.0),
            unite: Some(Unite::Eur),
            ..blank()
        };
        assert_eq!(montant(&ceiling).unwrap(), "jusqu'à 10\u{202F}000\u{A0}€");
        let rate = Montant {
            taux: Some(30.0),
            max: Some(250000.0),
            unite: Some(Unite::Eur),
            ..blank()
        };
        assert_eq!(
            montant(&rate).unwrap(),
            "30\u{A0}% de la dépense, jusqu'à 250\u{202F}000\u{A0}€"
        );
        let zoned = Montant {
            selon_zonage: vec![
                crate::model::aide::MontantZonage {
                    classe: ClasseZonage::Zip,
                    montant: 10000.0,
                },
                crate::model::aide::MontantZonage {
                    classe: ClasseZonage::Zac,
                    montant: 5000.0,
                },
            ],
            unite: Some(Unite::Eur),
            ..blank()
        };
        assert_eq!(
            montant(&zoned).unwrap(),
            "10\u{202F}000\u{A0}€ en ZIP, 5\u{202F}000\u{A0}€ en ZAC"
        );
        // The editor's words are kept unless they only repeat the figure.
        let same = Montant {
            texte: Some("jusqu'à 10 000 €".into()),
            ..ceiling.clone()
        };
        assert_eq!(montant_texte(&same), None);
        let more = Montant {
            texte: Some("Jusqu'à 10 000 €, 5 000 € en ZAC".into()),
            ..ceiling
        };
        assert!(montant_texte(&more).is_some());
    }

    #[test]
    fn french_dates_and_phones() {
        let d: jiff::civil::Date = "2025-12-31".parse().unwrap();
        assert_eq!(date(d), "31\u{A0}décembre 2025");
        let d: jiff::civil::Date = "2026-01-01".parse().unwrap();
        assert_eq!(date(d), "1er\u{A0}janvier 2026");
        let dt: jiff::civil::DateTime = "2026-05-12T18:30".parse().unwrap();
        assert_eq!(datetime(dt), "12\u{A0}mai 2026 à 18\u{A0}h\u{A0}30");
        assert_eq!(tel_href("01 64 14 77 77"), "tel:+33164147777");
    }
}
