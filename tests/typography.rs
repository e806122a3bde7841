//! French typography on the shipped site: no line may break before `; : ! ?`
//! or `€`, inside a number or after `n°`, and one apostrophe style, on the
//! home page and every aid page. The text is read as a browser lays it out:
//! tags removed (they are not spaces), entities decoded.

mod common;

use common::*;

/// The text of `html` outside tags, `<script>` and `<style>`, with the
/// entities the renderer writes decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let skip_to = if rest.starts_with("<script") {
            "</script>"
        } else if rest.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        match rest.find(skip_to) {
            Some(end) => rest = &rest[end + skip_to.len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out.replace("&nbsp;", "\u{a0}")
        .replace("&#8239;", "\u{202f}")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Where a line may break that French typography forbids, with some context.
fn breakable(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let context = |i: usize| -> String {
        chars[i.saturating_sub(25)..(i + 25).min(chars.len())]
            .iter()
            .collect::<String>()
            .replace('\n', " ")
    };
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let bad = match c {
            ' ' => {
                matches!(next, Some(';' | ':' | '!' | '?' | '€' | '»'))
                    || prev == Some('«')
                    || (prev == Some('°') && i >= 2 && matches!(chars[i - 2], 'n' | 'N'))
                    || (prev.is_some_and(|p| p.is_ascii_digit())
                        && chars[i + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .count()
                            == 3
                        && !chars.get(i + 4).is_some_and(|c| c.is_alphanumeric())
                        && group_before(&chars, i))
            }
            '\'' => prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic),
            _ => false,
        };
        if bad {
            found.push(context(i));
        }
    }
    found
}

/// Whether the digits before `i` are a group of one to three that starts a
/// word: `10 000`, not a year or a phone number (`2024 150`, `01 64`).
fn group_before(chars: &[char], i: usize) -> bool {
    let n = chars[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (1..=3).contains(&n) && (i == n || !chars[i - n - 1].is_alphanumeric())
}

#[test]
fn no_breakable_space_in_french_punctuation_or_numbers_on_aids_and_home() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let mut pages: Vec<&String> = built
        .output
        .keys()
        .filter(|p| p.starts_with("aides/") && p.ends_with("/index.html"))
        .collect();
    pages.push(built.output.keys().find(|p| *p == "index.html").unwrap());
    assert!(pages.len() > 40, "{pages:?}");
    let mut problems = Vec::new();
    for p in pages {
        let text = visible_text(&String::from_utf8_lossy(&built.output[p]));
        for hit in breakable(&text) {
            problems.push(format!("{p}: …{hit}…"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_what_it_must_refuse() {
    // The test above cannot pass by seeing nothing.
    assert_eq!(breakable("Montant : 10 000 € ; l'aide n° 3").len(), 6);
    assert!(breakable("Montant\u{a0}: 10\u{202f}000\u{a0}€\u{202f}; l’aide n°\u{a0}3").is_empty());
    assert!(breakable("en 2024 150 médecins, 01 64 14 77 77").is_empty());
    assert_eq!(visible_text("<p>a<b>b</b>&nbsp;:</p>"), "ab\u{a0}:");
}
