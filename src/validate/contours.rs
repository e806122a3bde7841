//! The outlines of `territoire/communes.geojson` and
//! `territoire/departement.geojson`: GeoJSON FeatureCollections of
//! `Polygon` or `MultiPolygon` features in WGS84 longitude/latitude, the
//! communes' features carrying their INSEE code in `properties.insee`.
//!
//! They are drawn as they are: simplifying shared borders at build time
//! would open slivers between neighbours, so a département bringing its own
//! outlines simplifies them beforehand (the README says how).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{Loaded, SourceFile};
use crate::model::{Commune, Contours, Ring};

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    properties: Properties,
    geometry: Geometry,
}

#[derive(Default, Deserialize)]
struct Properties {
    #[serde(default)]
    insee: Option<String>,
}

/// A position may carry an altitude after longitude and latitude.
type Position = Vec<f64>;

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<Position>>),
    MultiPolygon(Vec<Vec<Vec<Position>>>),
}

impl Geometry {
    fn rings(self) -> Option<Vec<Ring>> {
        let polygons = match self {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(ps) => ps,
        };
        let mut out = Vec::new();
        for ring in polygons.into_iter().flatten() {
            let ring: Option<Ring> = ring
                .iter()
                .map(|p| match p.as_slice() {
                    [lon, lat, ..] if lon.is_finite() && lat.is_finite() => Some([*lon, *lat]),
                    _ => None,
                })
                .collect();
            out.push(ring?);
        }
        Some(out)
    }
}

pub fn load(
    loaded: &Loaded,
    communes: &BTreeMap<String, Commune>,
    diags: &mut Diagnostics,
) -> Contours {
    let mut contours = Contours::default();
    let mut version = 0u64;
    if let Some(file) = &loaded.contours {
        version ^= crate::deps::hash_str(&file.text);
        for (insee, rings) in read(file, diags) {
            match insee {
                Some(insee) if communes.contains_key(&insee) => {
                    contours.communes.entry(insee).or_default().extend(rings);
                }
                Some(insee) => diags.push(
                    Diagnostic::warning(&file.rel, format!("contour d'une commune inconnue `{insee}`"))
                        .help("le code doit figurer dans content/territoire/communes.csv ; ce contour n'est pas dessiné"),
                ),
                None => diags.push(
                    Diagnostic::warning(&file.rel, "contour sans code INSEE")
                        .help("chaque entité porte son code dans `properties.insee` ; ce contour n'est pas dessiné"),
                ),
            }
        }
    }
    if let Some(file) = &loaded.departement {
        version ^= crate::deps::hash_str(&file.text).rotate_left(1);
        contours.departement = read(file, diags).into_iter().flat_map(|(_, r)| r).collect();
    }
    contours.version = version;
    contours
}

/// Every feature's INSEE code and rings; one error for an unreadable file.
fn read(file: &SourceFile, diags: &mut Diagnostics) -> Vec<(Option<String>, Vec<Ring>)> {
    let collection: Collection = match serde_json::from_str(&file.text) {
        Ok(c) => c,
        Err(err) => {
            diags.push(
                Diagnostic::error(&file.rel, format!("GeoJSON illisible : {err}"))
                    .at(Some(crate::diag::Span::from_range(&file.text, {
                        let at = offset_of(&file.text, err.line(), err.column());
                        at..(at + 1).min(file.text.len())
                    })))
                    .help("une FeatureCollection d'entités Polygon ou MultiPolygon en longitude, latitude (WGS84)"),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, f) in collection.features.into_iter().enumerate() {
        match f.geometry.rings() {
            Some(rings) => out.push((f.properties.insee, rings)),
            None => diags.push(
                Diagnostic::error(
                    &file.rel,
                    format!("entité n° {} : coordonnée invalide", i + 1),
                )
                .help("chaque position est un couple [longitude, latitude] de nombres"),
            ),
        }
    }
    out
}

/// The byte offset of a 1-based line and column (serde_json's positions).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    let col = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    (start + col).min(text.len())
}
