//! The theme: templates, static assets and interface strings.
//!
//! `themes/default` is embedded in the binary, so vitrine runs anywhere. A
//! site overrides any file by putting one of the same name in its own
//! `themes/<theme>/` (theme named in site.yaml): a département changes one
//! template, one stylesheet or a few strings without copying the theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, DirEntry, include_dir};
use serde_json::Value as Json;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics, rel_path};

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a theme file came from, for error messages.
#[derive(Clone, Debug)]
pub struct ThemeFile {
    /// Shown in diagnostics: `themes/default/templates/aide.html` for the
    /// embedded theme, the path relative to the site root for overrides.
    pub origin: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct Theme {
    /// Template name (`aide.html`, `partials/carte.html`) → source.
    pub templates: BTreeMap<String, ThemeFile>,
    /// Asset path under `static/` → bytes.
    pub statics: BTreeMap<String, ThemeFile>,
    /// Files of the PDF layout (`typst/guide.typ`, its imports and images),
    /// by path under `typst/`.
    pub typst: BTreeMap<String, ThemeFile>,
    /// Interface strings (`i18n/<langue>.yaml`), merged.
    pub strings: Json,
}

/// The directory overriding the embedded theme, if the site names one.
pub fn override_dir(root: &Path, theme: Option<&str>) -> Option<PathBuf> {
    // Never a path: validation reports a theme that is not a name.
    theme
        .filter(|t| crate::load::is_slug(t))
        .map(|t| root.join("themes").join(t))
}

/// The source directory of the embedded theme, when this binary runs from
/// its own checkout (the dev server watches it and reads it live).
pub fn default_source_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    dir.join("templates").is_dir().then_some(dir)
}

/// Loads the theme. `default_dir`, when given, replaces the embedded copy of
/// the default theme by the files on disk.
pub fn load(
    root: &Path,
    theme: Option<&str>,
    langue: &str,
    default_dir: Option<&Path>,
    diags: &mut Diagnostics,
) -> Theme {
    let mut out = Theme::default();
    let mut files = BTreeMap::new();
    match default_dir {
        Some(dir) => read_dir_into(dir, root, &mut files, diags),
        None => collect_embedded(&DEFAULT, &mut files),
    }
    // The default strings, before an override replaces their file: the
    // override is merged over them key by key.
    let strings_name = format!("i18n/{langue}.yaml");
    let mut strings = Json::Object(Default::default());
    let default_strings = files.get(&strings_name).map(|f| f.origin.clone());
    if let Some(file) = files.get(&strings_name) {
        match parse_strings(file) {
            Ok(v) => merge(&mut strings, v),
            Err(d) => diags.push(d),
        }
    }
    if let Some(dir) = override_dir(root, theme) {
        if !dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    "content/site.yaml",
                    format!("thème `{}` introuvable", theme.unwrap_or("")),
                )
                .field("theme")
                .help(format!(
                    "créez le dossier {} ou retirez le champ `theme`",
                    rel_path(root, &dir)
                )),
            );
        } else {
            for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
                if !entry.file_type().is_file()
                    || crate::load::is_ignored(&entry.file_name().to_string_lossy())
                {
                    continue;
                }
                let rel_in_theme = rel_path(&dir, entry.path());
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(
                            rel_in_theme,
                            ThemeFile {
                                origin: rel_path(root, entry.path()),
                                bytes,
                            },
                        );
                    }
                    Err(err) => diags.push(Diagnostic::error(
                        rel_path(root, entry.path()),
                        format!("lecture impossible : {err}"),
                    )),
                }
            }
        }
    }
    for (path, file) in files {
        if let Some(name) = path.strip_prefix("templates/") {
            out.templates.insert(name.to_string(), file);
        } else if let Some(name) = path.strip_prefix("static/") {
            out.statics.insert(name.to_string(), file);
        } else if let Some(name) = path.strip_prefix("typst/") {
            out.typst.insert(name.to_string(), file);
        } else if path == strings_name && Some(&file.origin) != default_strings.as_ref() {
            match parse_strings(&file) {
                Ok(v) => merge(&mut strings, v),
                Err(d) => diags.push(d),
            }
        }
    }
    // Interface text follows the same French typography as the content.
    crate::typo::json(&mut strings, &[]);
    out.strings = strings;
    out
}

/// Reads a theme directory on disk, file path within the theme → file.
fn read_dir_into(
    dir: &Path,
    root: &Path,
    files: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Diagnostics,
) {
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file()
            || crate::load::is_ignored(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let origin = if entry.path().starts_with(root) {
            rel_path(root, entry.path())
        } else {
            entry.path().display().to_string()
        };
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                files.insert(rel_path(dir, entry.path()), ThemeFile { origin, bytes });
            }
            Err(err) => diags.push(Diagnostic::error(
                origin,
                format!("lecture impossible : {err}"),
            )),
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut BTreeMap<String, ThemeFile>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) => collect_embedded(d, out),
            DirEntry::File(f) => {
                let path = f.path().to_string_lossy().replace('\\', "/");
                out.insert(
                    path.clone(),
                    ThemeFile {
                        origin: format!("themes/default/{path}"),
                        bytes: f.contents().to_vec(),
                    },
                );
            }
        }
    }
}

fn parse_strings(file: &ThemeFile) -> Result<Json, Diagnostic> {
    let text = String::from_utf8_lossy(&file.bytes);
    let options = serde_saphyr::options! { strict_booleans: true };
    let value = serde_saphyr::from_str_with_options::<Json>(&text, options).map_err(|e| {
        Diagnostic::error(
            &file.origin,
            format!("traductions illisibles : {}", e.without_snippet()),
        )
    })?;
    // Merged over the default strings, anything but a map would replace
    // them all and fail every template, far from its cause.
    match value {
        Json::Object(_) => Ok(value),
        Json::Null => Ok(Json::Object(Default::default())),
        _ => Err(Diagnostic::error(
            &file.origin,
            "traductions illisibles : le fichier doit être une liste de clés `nom: texte`, regroupées par section",
        )
        .help("voyez themes/default/i18n/fr.yaml : chaque section (`site:`, `aides:`…) contient des lignes `clé: texte` ; ne redéfinissez que les textes à changer")),
    }
}

fn merge(base: &mut Json, over: Json) {
    match (base, over) {
        (Json::Object(b), Json::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Json::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_theme_has_templates_strings_and_styles() {
        let mut diags = Diagnostics::default();
        let theme = load(Path::new("/nonexistent"), None, "fr", None, &mut diags);
        assert!(diags.is_empty());
        assert!(theme.templates.contains_key("base.html"));
        assert!(theme.typst.contains_key("guide.typ"));
        assert!(theme.statics.keys().any(|k| k.ends_with(".css")));
        assert!(theme.strings.get("site").is_some());
    }

    #[test]
    fn strings_that_are_not_a_map_name_their_file_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/77/i18n")).unwrap();
        std::fs::write(dir.path().join("themes/77/i18n/fr.yaml"), "- un\n- deux\n").unwrap();
        let mut diags = Diagnostics::default();
        let theme = load(dir.path(), Some("77"), "fr", None, &mut diags);
        let all = diags.into_vec();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].file, "themes/77/i18n/fr.yaml");
        assert!(theme.strings.get("site").is_some(), "the defaults stay");
    }

    #[test]
    fn a_site_template_overrides_the_embedded_one() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("themes/77/templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("404.html"), "perdu").unwrap();
        std::fs::create_dir_all(dir.path().join("themes/77/i18n")).unwrap();
        std::fs::write(
            dir.path().join("themes/77/i18n/fr.yaml"),
            "site:\n  passer: Aller au contenu\n",
        )
        .unwrap();
        let mut diags = Diagnostics::default();
        let theme = load(dir.path(), Some("77"), "fr", None, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(theme.templates["404.html"].bytes, b"perdu");
        assert_eq!(
            theme.templates["404.html"].origin,
            "themes/77/templates/404.html"
        );
        assert!(theme.templates.contains_key("base.html"));
        assert_eq!(theme.strings["site"]["passer"], "Aller au contenu");
        // The strings the override does not name keep their default text.
        assert!(theme.strings["site"].as_object().unwrap().len() > 1);
        assert!(theme.strings.get("kinds").is_some());
    }
}
