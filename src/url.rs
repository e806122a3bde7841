//! Every URL of the site goes through [`Urls`], so a site published under a
//! subpath (`https://x.github.io/guide/`) works unchanged: links are written
//! root-relative with the base path (`/guide/aides/`), and absolute where
//! the web requires it (sitemap, canonical links).

use crate::model::{Commune, Kind};

/// The one check of an external address written by an editor, for every
/// URL field of the model (through the schema's `uri` format), zonage.csv
/// and site.yaml: `http://` or `https://`, a host, no space or control
/// character. Anything else (`javascript:`, `data:`, a bare host) would be
/// published as a live link. Returns the message and the help.
pub fn check_external(url: &str) -> Result<(), (String, &'static str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        (host.len() > 2 && host.contains('.')) || host.starts_with("localhost")
    });
    if host_ok && !url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(())
    } else {
        Err((
            format!("adresse `{}` invalide", url.escape_debug()),
            "une adresse complète commence par https:// suivi du nom du site, sans espace (par exemple https://www.ameli.fr/…)",
        ))
    }
}

/// The schemes a link in Markdown may use; a destination without a scheme
/// is a site link (`@/…`, `#…`, a path). Allow-list, not deny-list: an
/// unknown scheme is refused.
pub fn link_scheme_allowed(dest: &str) -> bool {
    let dest = dest.trim();
    let scheme_len = dest.find(':').filter(|&i| {
        i > 0
            && dest[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            && dest.as_bytes()[0].is_ascii_alphabetic()
    });
    match scheme_len {
        None => !dest.chars().any(char::is_control),
        Some(i) => {
            let scheme = dest[..i].to_ascii_lowercase();
            match scheme.as_str() {
                "https" | "http" => check_external(dest).is_ok(),
                "mailto" | "tel" => !dest.chars().any(char::is_control),
                _ => false,
            }
        }
    }
}

/// The site path a plain link of the Markdown points to: root-relative
/// (`/aides/cesp/`) or relative to `here`, the site path of the page the
/// text is shown on (`../zonage/`), with `.` and `..` resolved. Returns the
/// path (`aides/cesp/`) and what follows it (`#zip`, `?x`), or a help when
/// it leaves the site; `None` for what is not a plain site link (`@/…`,
/// `#…`, an address with a scheme).
pub fn site_path_of(dest: &str, here: &str) -> Option<Result<(String, String), String>> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with(['#', '?']) || dest.starts_with("@/") {
        return None;
    }
    if dest.starts_with("//") {
        return Some(Err(
            "l'adresse d'un autre site s'écrit en entier, avec https:// devant".into(),
        ));
    }
    let cut = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(cut);
    let first = path.split('/').next().unwrap_or("");
    if first.contains(':') {
        // A scheme (`https:`, `mailto:`), checked elsewhere.
        return None;
    }
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        here.split('/').filter(|p| !p.is_empty()).collect()
    };
    let segments: Vec<&str> = path.split('/').collect();
    for seg in &segments {
        match *seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(format!(
                        "le lien `{dest}` remonte au-dessus de la racine du site ; écrivez l'adresse depuis la racine, par exemple `/aides/`, ou un lien `@/…`"
                    )));
                }
            }
            s => parts.push(s),
        }
    }
    let dir = matches!(segments.last(), Some(&"" | &"." | &".."));
    let mut out = parts.join("/");
    if dir && !out.is_empty() {
        out.push('/');
    }
    Some(Ok((out, suffix.to_string())))
}

#[derive(Clone, Debug)]
pub struct Urls {
    /// Scheme and host, without a trailing slash (`https://x.github.io`).
    origin: String,
    /// Base path, starting and ending with `/` (`/guide/`, or `/`).
    base_path: String,
}

impl Urls {
    /// Parses a base URL such as `https://x.github.io/guide/`. A URL without a
    /// scheme or host is refused with a message for the editor.
    pub fn new(base_url: &str) -> Result<Urls, String> {
        let trimmed = base_url.trim();
        let rest = trimmed
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| trimmed.strip_prefix("http://").map(|r| ("http://", r)));
        let Some((scheme, rest)) = rest else {
            return Err(format!(
                "adresse de base `{trimmed}` invalide : elle doit commencer par https:// (ou http://)"
            ));
        };
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(['?', '#', ' ']) || path.contains(['?', '#', ' ']) {
            return Err(format!("adresse de base `{trimmed}` invalide"));
        }
        let mut base_path = path.to_string();
        if !base_path.ends_with('/') {
            base_path.push('/');
        }
        Ok(Urls {
            origin: format!("{scheme}{host}"),
            base_path,
        })
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The host (`x.github.io`): what makes identifiers global (an event's
    /// calendar UID).
    pub fn host(&self) -> &str {
        self.origin
            .split_once("://")
            .map_or(&self.origin, |(_, h)| h)
    }

    /// The root-relative URL of a site path (`aides/cesp/` → `/guide/aides/cesp/`).
    pub fn to(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute URL of a site path, for the sitemap and canonical links.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.origin, self.to(path))
    }

    pub fn home(&self) -> String {
        self.to("")
    }

    pub fn list(&self, kind: Kind) -> String {
        self.to(&list_path(kind))
    }

    pub fn record(&self, kind: Kind, id: &str) -> String {
        self.to(&record_path(kind, id))
    }

    pub fn page(&self, page_path: &str) -> String {
        self.to(&page_dir(page_path))
    }

    pub fn commune(&self, commune: &Commune) -> String {
        self.to(&commune_path(commune))
    }
}

/// Site paths (relative, directory style) of each kind of output. The plan
/// turns them into files (`<path>index.html`).
pub fn list_path(kind: Kind) -> String {
    format!("{}/", kind.dir())
}

pub fn record_path(kind: Kind, id: &str) -> String {
    format!("{}/{}/", kind.dir(), id)
}

pub fn commune_path(commune: &Commune) -> String {
    format!("communes/{}/", commune.slug)
}

pub const COMMUNES_PATH: &str = "communes/";

/// `s-installer.md` → `s-installer/`; `aide/index.md` → `aide/`; `index.md` → `` (home).
pub fn page_dir(page_path: &str) -> String {
    let stem = page_path.strip_suffix(".md").unwrap_or(page_path);
    // Only a file named `index.md` stands for its directory (`reindex.md`
    // is the page `reindex/`).
    let stem = match stem.rsplit_once('/') {
        Some((dir, "index")) => dir,
        None if stem == "index" => "",
        _ => stem,
    };
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_links_resolve_to_site_paths() {
        let ok = |d: &str, here: &str| site_path_of(d, here).and_then(Result::ok);
        assert_eq!(
            ok("/aides/cesp/", "x/"),
            Some(("aides/cesp/".into(), String::new()))
        );
        assert_eq!(
            ok("/aides/cesp", ""),
            Some(("aides/cesp".into(), String::new()))
        );
        assert_eq!(
            ok("../zonage/#zip", "s-installer/"),
            Some(("zonage/".into(), "#zip".into()))
        );
        assert_eq!(
            ok("doc.pdf", "aides/cesp/"),
            Some(("aides/cesp/doc.pdf".into(), String::new()))
        );
        assert_eq!(ok("/", "aides/"), Some((String::new(), String::new())));
        assert_eq!(ok("..", "aides/"), Some((String::new(), String::new())));
        assert!(matches!(site_path_of("../../x", "aides/"), Some(Err(_))));
        assert!(matches!(site_path_of("//exemple.fr/x", ""), Some(Err(_))));
        for not_plain in [
            "@/aides",
            "#zip",
            "https://www.ameli.fr/",
            "mailto:a@b.fr",
            "?q=1",
            "",
        ] {
            assert!(site_path_of(not_plain, "aides/").is_none(), "{not_plain}");
        }
    }

    #[test]
    fn only_index_md_stands_for_its_directory() {
        assert_eq!(page_dir("index.md"), "");
        assert_eq!(page_dir("reindex.md"), "reindex/");
        assert_eq!(page_dir("guide/index.md"), "guide/");
        assert_eq!(page_dir("guide/reindex.md"), "guide/reindex/");
        assert_eq!(page_dir("zonage.md"), "zonage/");
    }

    #[test]
    fn subpaths_are_kept() {
        let u = Urls::new("https://x.github.io/guide").unwrap();
        assert_eq!(u.to("aides/"), "/guide/aides/");
        assert_eq!(
            u.absolute("aides/cesp/"),
            "https://x.github.io/guide/aides/cesp/"
        );
        assert_eq!(u.home(), "/guide/");
        let root = Urls::new("https://guide.example.fr").unwrap();
        assert_eq!(root.record(Kind::Aide, "cesp"), "/aides/cesp/");
    }

    #[test]
    fn bad_base_urls_are_refused() {
        assert!(Urls::new("guide.example.fr").is_err());
        assert!(Urls::new("https:///x").is_err());
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_dir("index.md"), "");
        assert_eq!(page_dir("s-installer.md"), "s-installer/");
        assert_eq!(page_dir("legal/index.md"), "legal/");
    }
}
