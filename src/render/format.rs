//! French formatting of amounts, dates and phone numbers, shared by the
//! template filters and the views.

use crate::model::aide::{Montant, Unite};

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

/// The headline amount of an aid: `10 000 €`, `de 3 000 à 10 000 €`,
/// `1 200 € par mois`, `50 % de la dépense`; `None` when not figured.
pub fn montant(m: &Montant) -> Option<String> {
    let u = m.unite;
    let core = match (m.min, m.max) {
        (Some(min), Some(max)) if (min - max).abs() < f64::EPSILON => with_unit(max, u),
        (Some(min), Some(max)) => format!("de {} à {}", number(min), with_unit(max, u)),
        (None, Some(max)) => with_unit(max, u),
        (Some(min), None) => format!("à partir de {}", with_unit(min, u)),
        (None, None) => return None,
    };
    Some(format!("{core}{}", per(u)))
}

const MONTHS: [&str; 12] = [
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
            texte: None,
            versement: None,
        };
        assert_eq!(
            montant(&m).unwrap(),
            "de 3\u{202F}000 à 10\u{202F}000\u{A0}€"
        );
        let m = Montant {
            min: None,
            max: Some(1200.0),
            unite: Some(Unite::EurMois),
            texte: None,
            versement: None,
        };
        assert_eq!(montant(&m).unwrap(), "1\u{202F}200\u{A0}€ par mois");
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
