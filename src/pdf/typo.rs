//! French typography for the PDF: the no-break spaces a typesetter puts
//! where editors type plain ones (before `:` `;` `?` `!`, inside `« »`, in
//! amounts such as `10 000 €`), and the typographic apostrophe. A printed
//! brochure must not break a line before a colon or inside an amount.

const NBSP: char = '\u{00A0}';
const NNBSP: char = '\u{202F}';

/// French typography: a no-break space before `:` and inside `« »`, a narrow
/// one before `; ? !` and between thousands (`10 000`), a no-break space
/// before `€` and `%` after a figure, the typographic apostrophe between
/// letters (`l’aide`). Only text with a space is changed, so that URLs,
/// addresses and ids are left as they are.
pub fn typo(text: &str) -> String {
    if !text.contains(' ') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c == '\'' {
            let letters = i > 0
                && chars[i - 1].is_alphabetic()
                && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
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
            (Some(p), Some('€' | '%')) if p.is_ascii_digit() => NBSP,
            (Some(p), Some(_)) if p.is_ascii_digit() && thousands(&chars, i) => NNBSP,
            _ => ' ',
        };
        out.push(replacement);
    }
    out
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
        assert_eq!(
            typo("10 000 € et 1 500 000 € ou 50 %"),
            "10\u{202f}000\u{a0}€ et 1\u{202f}500\u{202f}000\u{a0}€ ou 50\u{a0}%"
        );
        // Not numbers in groups of three: years, phone numbers.
        assert_eq!(typo("en 2024 150 médecins"), "en 2024 150 médecins");
        assert_eq!(typo("01 64 14 77 77"), "01 64 14 77 77");
        assert_eq!(typo("https://x.fr/a:b"), "https://x.fr/a:b");
    }
}
