//! Load: walk `content/`, read every file once, parse YAML and front matter
//! into spanned trees. Nothing here knows the record types; problems found
//! (unreadable files, bad YAML, misplaced files, bad ids) go to the sink.

pub mod frontmatter;
pub mod node;
mod yaml_fr;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics, Sources, rel_path};
use crate::model::Kind;
use node::Node;

/// A text file read from the site.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated, for messages.
    pub rel: String,
    pub text: Arc<str>,
}

/// A YAML record file, parsed but not yet typed.
#[derive(Clone, Debug)]
pub struct RawRecord {
    pub kind: Kind,
    pub id: String,
    pub file: SourceFile,
    /// Shared with the validated record, which points diagnostics at it.
    pub node: Arc<Node>,
}

/// A Markdown page, its front matter parsed but not yet typed.
#[derive(Clone, Debug)]
pub struct RawPage {
    /// Path relative to `content/pages`, `/`-separated.
    pub path: String,
    pub file: SourceFile,
    pub front: frontmatter::FrontMatter,
    pub body: String,
    /// Line of the file where the body starts (1-based).
    pub body_line: usize,
}

/// Everything read from a site, in a stable order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Option<(SourceFile, Node)>,
    pub records: Vec<RawRecord>,
    /// Records whose file could not be read or parsed (already reported).
    pub unparsed: Vec<(Kind, String)>,
    pub pages: Vec<RawPage>,
    pub communes: Option<SourceFile>,
    pub zonage: Option<SourceFile>,
    /// `territoire/communes.geojson`: the communes' outlines (optional).
    pub contours: Option<SourceFile>,
    /// `territoire/departement.geojson`: the département's outline (optional).
    pub departement: Option<SourceFile>,
    pub territoire_credits: Option<String>,
    /// Files of `content/static`, relative to it, and their full path.
    pub static_files: Vec<(String, PathBuf)>,
    pub sources: Sources,
}

/// Editor temporaries and hidden files are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// A record id: a lowercase slug, as it appears in URLs.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The time and size of a file when it was read: a rebuild reads again only
/// the files whose stamp changed.
type Stamp = (Option<std::time::SystemTime>, u64);

/// What the previous load read, by path. The dev server keeps one between
/// rebuilds, so a save re-reads and re-parses that file alone.
#[derive(Default)]
pub struct Cache {
    files: HashMap<PathBuf, (Stamp, Outcome)>,
    /// A one-shot build (`build`, `check`) keeps nothing: a kept outcome
    /// would hold every parsed tree alive to the end of the build.
    pub(crate) one_shot: bool,
}

pub fn load(root: &Path, diags: &mut Diagnostics) -> Loaded {
    load_cached(root, diags, &mut Cache::default())
}

/// [`load`], reusing what `cache` holds for files that did not change.
pub fn load_cached(root: &Path, diags: &mut Diagnostics, cache: &mut Cache) -> Loaded {
    let content = root.join("content");
    let mut loaded = Loaded {
        root: root.to_path_buf(),
        ..Loaded::default()
    };
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(rel_path(root, &content), "dossier `content/` introuvable")
                .help("lancez vitrine à la racine du site, ou indiquez-la avec --root"),
        );
        return loaded;
    }
    // Walking is cheap and sequential (it fixes the order); reading and
    // parsing every file is the work, done in parallel, then merged in
    // walk order so the result never depends on scheduling.
    let mut files = Vec::new();
    let walker = WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(|p| rel_path(root, p)).unwrap_or_default();
                diags.push(Diagnostic::error(
                    path,
                    format!("lecture impossible : {err}"),
                ));
                continue;
            }
        };
        if entry.path_is_symlink() {
            // Not followed: it could lead outside the site and publish what
            // it finds there. Said, never skipped silently.
            diags.push(
                Diagnostic::error(
                    rel_path(root, entry.path()),
                    "lien symbolique refusé dans content/",
                )
                .help("remplacez le lien par le fichier ou le dossier lui-même (copie)"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        files.push(entry.into_path());
    }
    let previous = std::mem::take(&mut cache.files);
    let outcomes: Vec<(PathBuf, Stamp, Outcome)> = files
        .into_par_iter()
        .filter_map(|path| {
            // Stamped here, in parallel: a rebuild of the dev server looks
            // at every file to find the one that changed.
            let stamp = std::fs::symlink_metadata(&path)
                .map(|m| (m.modified().ok(), m.len()))
                .unwrap_or((None, 0));
            if let Some((old, outcome)) = previous.get(&path)
                && *old == stamp
                && stamp.0.is_some()
            {
                return Some((path, stamp, outcome.clone()));
            }
            let inner = path.strip_prefix(&content).ok()?;
            let parts: Vec<String> = inner
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let outcome = classify(root, &path, &parts);
            Some((path, stamp, outcome))
        })
        .collect();
    for (path, stamp, outcome) in outcomes {
        if !cache.one_shot {
            cache.files.insert(path, (stamp, outcome.clone()));
        }
        for d in outcome.diags {
            diags.push(d);
        }
        if let Some((rel, text)) = outcome.source {
            loaded.sources.insert(&rel, text);
        }
        match outcome.item {
            Item::Config(file, node) => loaded.config = Some((file, node)),
            Item::Static(rel, path) => loaded.static_files.push((rel, path)),
            Item::Page(page) => loaded.pages.push((*page).clone()),
            Item::Communes(f) => loaded.communes = Some(f),
            Item::Zonage(f) => loaded.zonage = Some(f),
            Item::Contours(f) => loaded.contours = Some(f),
            Item::Departement(f) => loaded.departement = Some(f),
            Item::Credits(text) => loaded.territoire_credits = Some(text),
            Item::Record(r) => loaded.records.push((*r).clone()),
            Item::Unparsed(kind, id) => loaded.unparsed.push((kind, id)),
            Item::Nothing => {}
        }
    }
    loaded
}

/// What one file of `content/` turned out to be.
#[derive(Clone)]
enum Item {
    Config(SourceFile, Node),
    Static(String, PathBuf),
    Page(Arc<RawPage>),
    Communes(SourceFile),
    Zonage(SourceFile),
    Contours(SourceFile),
    Departement(SourceFile),
    Credits(String),
    Record(Arc<RawRecord>),
    /// A record file that could not be read or parsed (reported).
    Unparsed(Kind, String),
    Nothing,
}

/// One file read: what it is, the problems found, and its text (kept for
/// diagnostics).
#[derive(Clone)]
struct Outcome {
    item: Item,
    diags: Vec<Diagnostic>,
    source: Option<(String, Arc<str>)>,
}

impl Outcome {
    fn error(mut self, d: Diagnostic) -> Outcome {
        self.diags.push(d);
        self
    }
}

fn classify(root: &Path, path: &Path, parts: &[String]) -> Outcome {
    let rel = rel_path(root, path);
    let part = |i: usize| parts.get(i).map(String::as_str);
    let mut out = Outcome {
        item: Item::Nothing,
        diags: Vec::new(),
        source: None,
    };
    match (part(0), parts.len()) {
        (Some("site.yaml"), 1) => {
            if let Some((file, node)) = read_yaml(&mut out, path, &rel) {
                out.item = Item::Config(file, node);
            }
        }
        (Some("static"), n) if n >= 2 => {
            out.item = Item::Static(parts[1..].join("/"), path.to_path_buf());
        }
        (Some("pages"), n) if n >= 2 => {
            if !rel.ends_with(".md") {
                return out.error(
                    Diagnostic::error(&rel, "fichier inattendu dans `content/pages/`")
                        .help("les pages sont des fichiers Markdown `.md` ; les images et documents vont dans `content/static/`"),
                );
            }
            // Each part of the path is part of the page's address: a slug,
            // so no two files (`Zonage.md`, `zonage.md`) share an address
            // and none changes it silently.
            let stem = rel.strip_suffix(".md").unwrap_or(&rel);
            let names: Vec<&str> = stem.split('/').skip(2).collect();
            if let Some(bad) = names.iter().find(|n| !is_slug(n)) {
                let fixed: Vec<String> = names.iter().map(slug::slugify).collect();
                return out.error(
                    Diagnostic::error(&rel, format!("nom de page `{}` invalide", bad.escape_debug()))
                        .help(format!(
                            "le chemin du fichier fait l'adresse de la page : minuscules sans accents, chiffres et tirets ; renommez-le `content/pages/{}.md`",
                            fixed.join("/")
                        )),
                );
            }
            if let Some(page) = read_page(&mut out, path, &rel, parts[1..].join("/")) {
                out.item = Item::Page(Arc::new(page));
            }
        }
        (Some("territoire"), 2) => match part(1) {
            Some("communes.csv") => {
                if let Some(f) = read_text(&mut out, path, &rel) {
                    out.item = Item::Communes(f);
                }
            }
            Some("zonage.csv") => {
                if let Some(f) = read_text(&mut out, path, &rel) {
                    out.item = Item::Zonage(f);
                }
            }
            Some("communes.geojson") => {
                if let Some(f) = read_text(&mut out, path, &rel) {
                    out.item = Item::Contours(f);
                }
            }
            Some("departement.geojson") => {
                if let Some(f) = read_text(&mut out, path, &rel) {
                    out.item = Item::Departement(f);
                }
            }
            Some("CREDITS.md") => {
                if let Some(f) = read_text(&mut out, path, &rel) {
                    out.item = Item::Credits(f.text.to_string());
                }
            }
            // Provenance notes travel with the data.
            _ => {}
        },
        (Some(dir), 2) if Kind::from_dir(dir).is_some() => {
            let Some(kind) = Kind::from_dir(dir) else {
                return out;
            };
            let name = &parts[1];
            let Some(id) = name.strip_suffix(".yaml") else {
                let help = if name.ends_with(".yml") {
                    "renommez le fichier avec l'extension `.yaml`"
                } else {
                    "une fiche est un fichier `.yaml` ; les autres fichiers vont dans `content/static/`"
                };
                return out.error(
                    Diagnostic::error(&rel, "fichier inattendu dans un dossier de fiches")
                        .help(help),
                );
            };
            if !is_slug(id) {
                return out.error(
                    Diagnostic::error(&rel, format!("identifiant de fiche `{id}` invalide"))
                        .help(format!(
                            "le nom du fichier est l'identifiant de la fiche : minuscules sans accents, chiffres et tirets, par exemple `{}.yaml`",
                            slug::slugify(id)
                        )),
                );
            }
            out.item = match read_yaml(&mut out, path, &rel) {
                Some((file, node)) => Item::Record(Arc::new(RawRecord {
                    kind,
                    id: id.to_string(),
                    file,
                    node: Arc::new(node),
                })),
                None => Item::Unparsed(kind, id.to_string()),
            };
        }
        _ => {
            let dirs: Vec<&str> = Kind::ALL.iter().map(|k| k.dir()).collect();
            return out.error(
                Diagnostic::error(&rel, "fichier à un emplacement inconnu").help(format!(
                    "emplacements admis : content/site.yaml, content/{{{}}}/<id>.yaml, content/pages/**/*.md, content/static/**, content/territoire/",
                    dirs.join(",")
                )),
            );
        }
    }
    out
}

fn read_text(out: &mut Outcome, path: &Path, rel: &str) -> Option<SourceFile> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let text = text
                    .strip_prefix('\u{feff}')
                    .map(str::to_string)
                    .unwrap_or(text);
                let text: Arc<str> = Arc::from(text);
                out.source = Some((rel.to_string(), text.clone()));
                Some(SourceFile {
                    rel: rel.to_string(),
                    text,
                })
            }
            Err(_) => {
                out.diags.push(
                    Diagnostic::error(rel, "le fichier n'est pas encodé en UTF-8")
                        .help("enregistrez-le en UTF-8 depuis votre éditeur"),
                );
                None
            }
        },
        Err(err) => {
            out.diags.push(Diagnostic::error(
                rel,
                format!("lecture impossible : {err}"),
            ));
            None
        }
    }
}

/// A YAML syntax error for the editor. A number the parser rejects as
/// infinite or out of range (`.nan`, `.inf`, `1e400`) names its field,
/// read from the line it is on.
fn yaml_error(rel: &str, text: &str, err: node::ParseError) -> Diagnostic {
    if err.message.contains("non-finite float") {
        let field = err.span.as_ref().and_then(|span| {
            let line = text.lines().nth(span.line.checked_sub(1)?)?;
            let key = line.split_once(':')?.0.trim().trim_start_matches("- ");
            (!key.is_empty()).then(|| key.to_string())
        });
        let value = err.message.split('`').nth(1).unwrap_or("").to_string();
        let mut d = Diagnostic::error(
            rel,
            format!("nombre `{}` invalide : infini, indéfini ou trop grand", value.escape_debug()),
        )
        .at(err.span)
        .help("écrivez un nombre ordinaire, par exemple 10000, ou retirez la ligne si le montant est inconnu");
        if let Some(f) = field {
            d = d.field(f);
        }
        return d;
    }
    let fr = yaml_fr::explain(&err.message);
    let d = Diagnostic::error(rel, format!("YAML invalide : {}", fr.message))
        .at(err.span)
        .help(fr.help);
    match fr.field {
        Some(f) => d.field(f),
        None => d,
    }
}

fn read_yaml(out: &mut Outcome, path: &Path, rel: &str) -> Option<(SourceFile, Node)> {
    let file = read_text(out, path, rel)?;
    // One error for an empty file, not one per missing field.
    if file
        .text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        let help = match rel.strip_prefix("content/").and_then(|r| r.split_once('/')) {
            Some((dir, name)) => format!(
                "écrivez ses champs, ou partez d'un modèle : supprimez le fichier et lancez `vitrine new {dir} {}`",
                name.trim_end_matches(".yaml")
            ),
            None => "écrivez ses champs (voir docs/champs.md)".to_string(),
        };
        out.diags
            .push(Diagnostic::error(rel, "le fichier est vide").help(help));
        return None;
    }
    match node::parse(&file.text) {
        Ok(node) => Some((file, node)),
        Err(err) => {
            out.diags.push(yaml_error(rel, &file.text, err));
            None
        }
    }
}

fn read_page(out: &mut Outcome, path: &Path, rel: &str, page_path: String) -> Option<RawPage> {
    let file = read_text(out, path, rel)?;
    // YAML refuses raw control characters itself; Markdown would pass them
    // to the HTML.
    if let Some((at, c)) = file
        .text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        out.diags.push(
            Diagnostic::error(
                rel,
                format!("caractère de contrôle invisible `{}` dans la page", c.escape_unicode()),
            )
            .at(Some(crate::diag::Span::from_range(&file.text, at..at + c.len_utf8())))
            .help("retirez-le (il vient souvent d'un copier-coller) ; seuls les retours à la ligne et les tabulations sont admis"),
        );
        return None;
    }
    match frontmatter::split(&file.text) {
        Ok((front, body, body_line)) => Some(RawPage {
            path: page_path,
            body: body.to_string(),
            body_line,
            front,
            file,
        }),
        Err(d) => {
            out.diags.push(d.into_diagnostic(rel));
            None
        }
    }
}
