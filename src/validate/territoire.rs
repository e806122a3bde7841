//! The département's communes (`content/territoire/communes.csv`) and,
//! where known, their zonage (`content/territoire/zonage.csv`).
//!
//! Columns of `communes.csv`: `insee,name,postcodes,lat,lon,population`
//! (postcodes separated by `;`), the format of the shipped Seine-et-Marne
//! data; another département supplies the same columns.

use std::collections::{BTreeMap, HashSet};

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::{Loaded, SourceFile};
use crate::model::{Commune, Zonage};

pub fn load(loaded: &Loaded, diags: &mut Diagnostics) -> (BTreeMap<String, Commune>, Vec<Zonage>) {
    let communes = loaded
        .communes
        .as_ref()
        .map(|f| communes(f, diags))
        .unwrap_or_default();
    let zonage = loaded
        .zonage
        .as_ref()
        .map(|f| zonage(f, &communes, diags))
        .unwrap_or_default();
    (communes, zonage)
}

/// Reads a CSV with a header, checking the header names, and hands each row
/// (with its line span) to `row`.
fn read_csv(
    file: &SourceFile,
    expected: &[&str],
    diags: &mut Diagnostics,
    mut row: impl FnMut(&csv::StringRecord, Span, &mut Diagnostics),
) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(file.text.as_bytes());
    match reader.headers() {
        Ok(h) => {
            let got: Vec<&str> = h.iter().collect();
            if got != expected {
                diags.push(
                    Diagnostic::error(
                        &file.rel,
                        format!("en-tête CSV inattendu : {}", got.join(",")),
                    )
                    .at(Some(Span::from_range(
                        &file.text,
                        0..file.text.find('\n').unwrap_or(0),
                    )))
                    .help(format!("colonnes attendues : {}", expected.join(","))),
                );
                return;
            }
        }
        Err(err) => {
            diags.push(Diagnostic::error(
                &file.rel,
                format!("CSV illisible : {err}"),
            ));
            return;
        }
    }
    for result in reader.records() {
        match result {
            Ok(rec) => {
                let start = rec.position().map_or(0, |p| p.byte() as usize);
                let end = file.text[start..]
                    .find('\n')
                    .map_or(file.text.len(), |i| start + i);
                row(&rec, Span::from_range(&file.text, start..end), diags);
            }
            Err(err) => {
                let span = err.position().map(|p| {
                    let start = p.byte() as usize;
                    Span::from_range(&file.text, start..start + 1)
                });
                diags.push(
                    Diagnostic::error(&file.rel, format!("ligne CSV invalide : {err}"))
                        .at(span)
                        .help(format!(
                            "chaque ligne a {} colonnes : {}",
                            expected.len(),
                            expected.join(",")
                        )),
                );
            }
        }
    }
}

fn communes(file: &SourceFile, diags: &mut Diagnostics) -> BTreeMap<String, Commune> {
    let mut out = BTreeMap::new();
    let mut slugs = HashSet::new();
    let expected = ["insee", "name", "postcodes", "lat", "lon", "population"];
    read_csv(file, &expected, diags, |rec, span, diags| {
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let insee = get(0).to_string();
        if insee.len() != 5 || !insee.chars().all(|c| c.is_ascii_alphanumeric()) {
            diags.push(
                Diagnostic::error(&file.rel, format!("code INSEE `{insee}` invalide"))
                    .at(Some(span.clone()))
                    .field("insee")
                    .help("5 caractères, par exemple 77288"),
            );
            return;
        }
        let number = |i: usize, name: &str, diags: &mut Diagnostics| -> Option<f64> {
            let v = get(i);
            if v.is_empty() {
                return None;
            }
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    diags.push(
                        Diagnostic::error(&file.rel, format!("nombre `{v}` invalide"))
                            .at(Some(span.clone()))
                            .field(name)
                            .help("un nombre avec un point décimal, par exemple 48.54432"),
                    );
                    None
                }
            }
        };
        let lat = number(3, "lat", diags);
        let lon = number(4, "lon", diags);
        let population = number(5, "population", diags).map(|p| p as u64);
        let nom = get(1).to_string();
        let mut slug = slug::slugify(&nom);
        if slug.is_empty() || !slugs.insert(slug.clone()) {
            slug = format!("{slug}-{insee}")
                .trim_start_matches('-')
                .to_string();
            slugs.insert(slug.clone());
        }
        let commune = Commune {
            codes_postaux: get(2)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            insee: insee.clone(),
            nom,
            population,
            lat,
            lon,
            slug,
        };
        if out.insert(insee.clone(), commune).is_some() {
            diags.push(
                Diagnostic::error(&file.rel, format!("code INSEE `{insee}` en double"))
                    .at(Some(span))
                    .field("insee")
                    .help("chaque commune a une seule ligne"),
            );
        }
    });
    out
}

fn zonage(
    file: &SourceFile,
    communes: &BTreeMap<String, Commune>,
    diags: &mut Diagnostics,
) -> Vec<Zonage> {
    let mut out = Vec::new();
    let expected = [
        "profession",
        "insee",
        "classe",
        "du",
        "au",
        "arrete",
        "arrete_url",
    ];
    read_csv(file, &expected, diags, |rec, span, diags| {
        let get = |i: usize| {
            let v = rec.get(i).unwrap_or("").trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let insee = get(1).unwrap_or_default();
        if !communes.contains_key(&insee) {
            diags.push(
                Diagnostic::error(&file.rel, format!("commune inconnue `{insee}`"))
                    .at(Some(span.clone()))
                    .field("insee")
                    .help("le code doit figurer dans content/territoire/communes.csv"),
            );
            return;
        }
        for (i, name) in [(3, "du"), (4, "au")] {
            if let Some(d) = get(i)
                && d.parse::<jiff::civil::Date>().is_err()
            {
                diags.push(
                    Diagnostic::error(&file.rel, format!("date `{d}` invalide"))
                        .at(Some(span.clone()))
                        .field(name)
                        .help("AAAA-MM-JJ"),
                );
            }
        }
        if let Some(url) = get(6)
            && let Err((message, help)) = crate::url::check_external(&url)
        {
            diags.push(
                Diagnostic::error(&file.rel, message)
                    .at(Some(span.clone()))
                    .field("arrete_url")
                    .help(help),
            );
        }
        out.push(Zonage {
            profession: get(0).unwrap_or_default(),
            insee,
            classe: get(2).unwrap_or_default(),
            du: get(3),
            au: get(4),
            arrete: get(5),
            arrete_url: get(6),
        });
    });
    out
}
