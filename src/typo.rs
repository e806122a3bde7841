//! French typography, shared by the site and the PDF: the no-break spaces a
//! typesetter puts where editors type plain ones (before `:` `;` `?` `!`,
//! inside `« »`, in amounts such as `10 000 €`, after `n°`), and the
//! typographic apostrophe. Neither a phone screen nor a printed brochure may
//! break a line before a colon or inside an amount. Applied to the text of
//! the data (record views, interface strings, Markdown text), never to
//! markup, so that URLs, attributes and code are left as they are.

use serde_json::Value as Json;

const NBSP: char = '\u{00A0}';
const NNBSP: char = '\u{202F}';

/// Keys of the views whose values are markup or addresses, not text.
pub const NOT_TEXT: &[&str] = &[
    "html",
    "contenu",
    "markdown",
    "typst",
    "url",
    "canonical",
    "site",
    "email",
    "tel_href",
    "assets",
    "listes",
    "accueil",
    "base_path",
    "pagefind_url",
    "guide_url",
    "communes_url",
    "carte_url",
    "recherche_url",
    "plan_du_site_url",
    "svg",
];

/// Units that stay on the line of their figure (`12 km`, `35 min`).
const UNITS: &[&str] = &[
    "€", "%", "km", "m", "m²", "ha", "h", "min", "kg", "ans", "mois", "jours",
];

/// French typography: a no-break space before `:` and inside `« »`, a narrow
/// one before `; ? !` and between thousands (`10 000`), a no-break space
/// before a unit after a figure (`50 €`, `12 km`) and after `n°`, the
/// typographic apostrophe between letters (`l’aide`). Only text with a space
/// or an apostrophe is changed; URLs, addresses and ids have neither.
pub fn typo(text: &str) -> String {
    if !needs(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c == '\'' {
            // Between letters (`l’aide`), or elided before a quote (`l’« Acte 2 »`).
            let letters = i > 0
                && chars[i - 1].is_alphabetic()
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_alphabetic() || *n == '«');
            out.push(if letters { '’' } else { c });
            continue;
        }
        if c != ' ' {
            out.push(c);
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let replacement = match (prev, next) {
            (_, Some(':')) | (Some('«'), _) | (_, Some('»')) => NBSP,
            (_, Some(';' | '?' | '!')) => NNBSP,
            (Some(p), Some(_)) if p.is_ascii_digit() && thousands(&chars, i) => NNBSP,
            (Some(p), Some(_)) if p.is_ascii_digit() && unit(&chars[i + 1..]) => NBSP,
            (Some('°'), Some(n)) if n.is_alphanumeric() && numero(&chars[..i]) => NBSP,
            _ => ' ',
        };
        out.push(replacement);
    }
    out
}

/// Whether [`typo`] may change `text`: an apostrophe, or a space next to
/// what French typography binds (punctuation, a figure, `«`, `°`). Most
/// texts of a build have none, and are then left without a copy.
pub fn needs(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| match b[i] {
        b'\'' => true,
        b' ' => {
            let next = b.get(i + 1).copied();
            let prev = i.checked_sub(1).map(|j| b[j]);
            matches!(next, Some(b':' | b';' | b'?' | b'!' | b'%' | 0xC2 | 0xE2))
                || prev.is_some_and(|p| p.is_ascii_digit() || p == 0xAB || p == 0xB0)
        }
        _ => false,
    })
}

/// Whether `rest` starts with a unit followed by the end of the word.
fn unit(rest: &[char]) -> bool {
    UNITS.iter().any(|u| {
        let n = u.chars().count();
        rest.len() >= n
            && rest.iter().zip(u.chars()).all(|(a, b)| *a == b)
            && !rest.get(n).is_some_and(|c| c.is_alphanumeric())
    })
}

/// Whether `before` ends with the abbreviation `n°` (or `N°`) as a word.
fn numero(before: &[char]) -> bool {
    match before {
        [.., p, 'n' | 'N', '°'] => !p.is_alphanumeric(),
        ['n' | 'N', '°'] => true,
        _ => false,
    }
}

/// French typography on every string of `v` but under the keys `skip`
/// (markup rendered already, addresses) and keys naming an address
/// (`url`, `arrete_url`, `url_demarche`, `src`): a file name or a link may
/// hold an apostrophe that must stay as typed.
pub fn json(v: &mut Json, skip: &[&str]) {
    match v {
        Json::String(s) if needs(s) => *s = typo(s),
        Json::Array(a) => a.iter_mut().for_each(|v| json(v, skip)),
        Json::Object(o) => {
            for (k, v) in o.iter_mut() {
                if !(skip.contains(&k.as_str()) || k.contains("url") || k == "src") {
                    json(v, skip);
                }
            }
        }
        _ => {}
    }
}

/// Whether the space at `i` separates groups of a number (`1 500`,
/// `10 000 000`): a first group of 1 to 3 digits, then groups of exactly 3.
fn thousands(chars: &[char], i: usize) -> bool {
    let after = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if after != 3 || chars.get(i + 4).is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    // Walk back over the groups before the space.
    let mut end = i;
    loop {
        let n = chars[..end]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let start = end - n;
        if n == 0 || n > 3 {
            return false;
        }
        if start >= 2 && chars[start - 1] == ' ' && chars[start - 2].is_ascii_digit() {
            if n != 3 {
                return false;
            }
            end = start - 1;
            continue;
        }
        return start == 0 || !chars[start - 1].is_alphanumeric();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_typography() {
        assert_eq!(
            typo("Note : oui ; non ? si !"),
            "Note\u{a0}: oui\u{202f}; non\u{202f}? si\u{202f}!"
        );
        assert_eq!(typo("« cité »"), "«\u{a0}cité\u{a0}»");
        assert_eq!(typo("l'aide 'x'"), "l’aide 'x'");
        assert_eq!(typo("l'« Acte 2 »"), "l’«\u{a0}Acte 2\u{a0}»");
        assert_eq!(
            typo("10 000 € et 1 500 000 € ou 50 %"),
            "10\u{202f}000\u{a0}€ et 1\u{202f}500\u{202f}000\u{a0}€ ou 50\u{a0}%"
        );
        // Not numbers in groups of three: years, phone numbers.
        assert_eq!(typo("en 2024 150 médecins"), "en 2024 150 médecins");
        assert_eq!(typo("01 64 14 77 77"), "01 64 14 77 77");
        assert_eq!(typo("https://x.fr/a:b"), "https://x.fr/a:b");
        assert_eq!(typo("d'aide"), "d’aide");
        assert_eq!(
            typo("arrêté n° 12 à 10 km, 35 min ou 3 mois"),
            "arrêté n°\u{a0}12 à 10\u{a0}km, 35\u{a0}min ou 3\u{a0}mois"
        );
        // A unit is a whole word; a figure before a word is not an amount.
        assert_eq!(typo("2 médecins et 3 maisons"), "2 médecins et 3 maisons");
        assert_eq!(typo("un° 2"), "un° 2");
        // What typography changes, the fast test sees.
        for t in [
            "a : b", "l'a", "« a", "10 000", "50 €", "n° 3", "a ; b", "12 km",
        ] {
            assert!(needs(t), "{t}");
        }
        assert!(!needs("Une phrase sans rien à changer, ni chiffre."));
        // Addresses keep what was typed.
        let mut v = serde_json::json!({
            "titre": "l'aide",
            "image": { "src": "l'eglise.jpg" },
            "arrete_url": "https://x.fr/l'arrete",
        });
        json(&mut v, NOT_TEXT);
        assert_eq!(v["titre"], "l’aide");
        assert_eq!(v["image"]["src"], "l'eglise.jpg");
        assert_eq!(v["arrete_url"], "https://x.fr/l'arrete");
        // Applied twice, nothing more changes.
        let once = typo("Note : 10 000 € ; l'aide n° 3");
        assert_eq!(typo(&once), once);
    }
}
