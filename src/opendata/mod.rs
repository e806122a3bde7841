//! Open data (`/donnees/`): for each kind, a CSV (UTF-8, CRLF), the same
//! rows as JSON and their Table Schema, and one Frictionless
//! `datapackage.json` describing them all with the site's data licence.
//! Every file is derived from the model ([`table`]), like `docs/champs.md`,
//! and holds one row per record the site shows. Personal data never goes
//! in: fields marked [`table::PERSONAL`] have no column.

pub mod rows;
pub mod table;

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};

use crate::diag::Diagnostic;
use crate::model::{Kind, Site};
use crate::url::Urls;

/// The folder of the exports and of their page.
pub const DIR: &str = "donnees/";

/// One file of the exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum File {
    Csv(Kind),
    Json(Kind),
    Schema(Kind),
    Package,
}

impl File {
    /// Every file, in the order of the page.
    pub fn all() -> Vec<File> {
        let mut out: Vec<File> = Kind::ALL
            .iter()
            .flat_map(|k| [File::Csv(*k), File::Json(*k), File::Schema(*k)])
            .collect();
        out.push(File::Package);
        out
    }

    /// The file's name inside [`DIR`].
    pub fn name(self) -> String {
        match self {
            File::Csv(k) => format!("{}.csv", k.dir()),
            File::Json(k) => format!("{}.json", k.dir()),
            File::Schema(k) => format!("{}.schema.json", k.dir()),
            File::Package => "datapackage.json".into(),
        }
    }

    /// Its path in the output.
    pub fn path(self) -> String {
        format!("{DIR}{}", self.name())
    }
}

/// What the exports need besides the site.
pub struct Context<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls,
    /// The theme's interface strings (a kind's title and introduction).
    pub strings: &'a Json,
    pub edition: jiff::civil::Date,
}

impl Context<'_> {
    fn kind_text(&self, kind: Kind, key: &str) -> String {
        self.strings
            .get("kinds")
            .and_then(|k| k.get(kind.dir()))
            .and_then(|k| k.get(key))
            .and_then(Json::as_str)
            .unwrap_or(kind.dir())
            .to_string()
    }
}

/// The bytes of one export; with `memo` (the dev server), the lines of
/// unchanged records are those of the previous build.
pub fn render(ctx: &Context, file: File, memo: Option<&rows::Memo>) -> Result<Vec<u8>, Diagnostic> {
    let records = |kind| ctx.site.of_kind(kind);
    match file {
        File::Csv(kind) => rows::file(
            &table::columns(kind),
            records(kind),
            rows::Format::Csv,
            memo,
        ),
        File::Json(kind) => rows::file(
            &table::columns(kind),
            records(kind),
            rows::Format::Json,
            memo,
        ),
        File::Schema(kind) => {
            let mut schema = table::table_schema(
                kind,
                &ctx.kind_text(kind, "titre"),
                &ctx.kind_text(kind, "intro"),
            );
            // The metadata schema.data.gouv.fr asks of a published schema.
            let c = &ctx.site.config;
            schema["$schema"] = json!("https://frictionlessdata.io/schemas/table-schema.json");
            schema["countryCode"] = json!("FR");
            schema["homepage"] = json!(ctx.urls.absolute(DIR));
            schema["path"] = json!(ctx.urls.absolute(&File::Schema(kind).path()));
            schema["licenses"] =
                json!([{ "title": c.licence_donnees.nom, "path": c.licence_donnees.url }]);
            schema["contributors"] = json!([{ "title": c.editeur.nom, "role": "author" }]);
            pretty(&schema)
        }
        File::Package => pretty(&package(ctx)),
    }
}

fn pretty(value: &Json) -> Result<Vec<u8>, Diagnostic> {
    let mut out = serde_json::to_vec_pretty(value)
        .map_err(|e| Diagnostic::error("themes", format!("export JSON : {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// The latest check date of `kind`'s records.
fn last_checked(site: &Site, kind: Kind) -> Option<jiff::civil::Date> {
    site.of_kind(kind)
        .map(|r| r.body.meta().mis_a_jour_le)
        .max()
}

/// The distinct sources `kind`'s records cite, as Frictionless sources.
fn sources(site: &Site, kind: Kind) -> Vec<Json> {
    use std::borrow::Cow;
    let set: BTreeSet<(Cow<str>, Option<&str>)> = site
        .of_kind(kind)
        .flat_map(|r| r.body.meta().sources.iter())
        .map(|s| {
            let title = match (&s.url, &s.document) {
                (None, Some(doc)) if doc != &s.titre => Cow::Owned(format!("{} ({doc})", s.titre)),
                _ => Cow::Borrowed(s.titre.as_str()),
            };
            (title, s.url.as_deref())
        })
        .collect();
    set.into_iter()
        .map(|(title, path)| match path {
            Some(path) => json!({ "title": title, "path": path }),
            None => json!({ "title": title }),
        })
        .collect()
}

/// A package name as Frictionless wants it: lowercase letters, digits,
/// `-`, `_`, `.`.
fn package_name(site: &Site) -> String {
    let name = slug::slugify(format!(
        "{} {}",
        site.config.titre, site.config.departement.code
    ));
    if name.is_empty() {
        "vitrine".into()
    } else {
        name
    }
}

/// `datapackage.json`: every export, its schema, the licence of
/// `site.yaml`, the sources the records cite and the edition date.
fn package(ctx: &Context) -> Json {
    let site = ctx.site;
    let c = &site.config;
    let mut resources = Vec::new();
    for kind in Kind::ALL {
        let title = ctx.kind_text(kind, "titre");
        let description = ctx.kind_text(kind, "intro");
        let schema = File::Schema(kind).name();
        let mut csv = json!({
            "name": kind.dir(),
            "type": "table",
            "path": File::Csv(kind).name(),
            "title": title,
            "description": description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
            "sources": sources(site, kind),
        });
        if let Some(d) = last_checked(site, kind) {
            csv["lastModified"] = json!(d.to_string());
        }
        resources.push(csv);
        resources.push(json!({
            "name": format!("{}-json", kind.dir()),
            "type": "table",
            "path": File::Json(kind).name(),
            "title": format!("{title} (JSON)"),
            "description": format!("Les mêmes lignes que {}, en JSON.", File::Csv(kind).name()),
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "schema": schema,
        }));
    }
    json!({
        "name": package_name(site),
        "title": c.titre,
        "description": c.description,
        "homepage": ctx.urls.absolute(""),
        "created": format!("{}T00:00:00Z", ctx.edition),
        "keywords": ["santé", "installation", "aides", "internes", c.departement.nom],
        "licenses": [{ "title": c.licence_donnees.nom, "path": c.licence_donnees.url }],
        "contributors": [{ "title": c.editeur.nom, "role": "publisher" }],
        "sources": [{ "title": c.titre, "path": ctx.urls.absolute("") }],
        "resources": resources,
    })
}

/// What the page `/donnees/` shows: each kind's files, its number of
/// rows and its latest check date.
pub fn page(ctx: &Context) -> Json {
    let urls = ctx.urls;
    let jeux: Vec<Json> = Kind::ALL
        .iter()
        .map(|k| {
            json!({
                "cle": k.dir(),
                "titre": ctx.kind_text(*k, "titre"),
                "lignes": ctx.site.of_kind(*k).count(),
                "mis_a_jour_le_fr": last_checked(ctx.site, *k).map(crate::render::format::date),
                "csv": urls.to(&File::Csv(*k).path()),
                "csv_nom": File::Csv(*k).name(),
                "json": urls.to(&File::Json(*k).path()),
                "json_nom": File::Json(*k).name(),
                "schema": urls.to(&File::Schema(*k).path()),
                "schema_nom": File::Schema(*k).name(),
            })
        })
        .collect();
    json!({
        "jeux": jeux,
        "paquet": urls.to(&File::Package.path()),
        "paquet_nom": File::Package.name(),
        "separateur": table::LIST_SEPARATOR,
    })
}
