//! The records around each commune: internship sites, housing, strengths
//! and events of the nearest communes, by straight-line distance between
//! the communes' centres (`lat`, `lon` of `communes.csv`), as the commune
//! pages show them ("à 12 km à vol d'oiseau").
//!
//! The centres are bucketed in a grid of cells as wide as the search
//! radius, so each commune compares itself with the centres of its 3 × 3
//! cells only: the cost grows with the communes times the density of the
//! territory, never communes × records.

use std::collections::HashMap;

use crate::model::{Kind, Site};

/// How far around a commune records are looked for, in kilometres.
pub const RADIUS_KM: f64 = 20.0;
/// How many records of each kind a commune page lists around it.
pub const PER_KIND: usize = 5;
/// The kinds placed in a commune and listed around others.
pub const KINDS: [Kind; 4] = [Kind::Stage, Kind::Logement, Kind::Evenement, Kind::Atout];

/// One record near a commune.
#[derive(Clone, Debug, PartialEq)]
pub struct Near {
    pub kind: Kind,
    pub id: String,
    /// The commune the record is in.
    pub insee: String,
    /// Whole kilometres between the two centres, at least 1.
    pub km: u32,
}

const EARTH_KM: f64 = 6371.0;

/// Great-circle distance between two points, in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
}

/// A grid cell of a point: `RADIUS_KM` wide, with a margin for the
/// longitude scale changing with latitude.
fn cell(lat: f64, lon: f64) -> (i64, i64) {
    let size = RADIUS_KM * 1.25;
    let y = lat * 111.2;
    let x = lon * 111.2 * lat.to_radians().cos();
    ((y / size).floor() as i64, (x / size).floor() as i64)
}

/// A commune with records: its centre and its records of each of
/// [`KINDS`] (in the order of `Kind`), each list sorted by id, made once
/// so the scan of a neighbour costs only what it keeps.
struct Centre<'a> {
    insee: &'a str,
    point: (f64, f64),
    records: Vec<(Kind, Vec<&'a str>)>,
}

/// For every commune with a centre, the records of [`KINDS`] in the other
/// communes within [`RADIUS_KM`], nearest first, at most [`PER_KIND`] of
/// each kind. `by_commune` lists each commune's records. Communes are
/// looked at in parallel: each reads the grid only.
pub fn index(
    site: &Site,
    by_commune: &HashMap<String, Vec<(Kind, String)>>,
) -> HashMap<String, Vec<Near>> {
    use rayon::prelude::*;
    let centre = |insee: &str| {
        site.communes
            .get(insee)
            .and_then(|c| Some((c.lat?, c.lon?)))
    };
    let mut kinds = KINDS;
    kinds.sort();
    // The communes holding records of the listed kinds, by cell.
    let mut grid: HashMap<(i64, i64), Vec<Centre>> = HashMap::new();
    for (insee, records) in by_commune {
        let records: Vec<(Kind, Vec<&str>)> = kinds
            .iter()
            .map(|kind| {
                let mut ids: Vec<&str> = records
                    .iter()
                    .filter(|(k, _)| k == kind)
                    .map(|(_, id)| id.as_str())
                    .collect();
                ids.sort_unstable();
                (*kind, ids)
            })
            .filter(|(_, ids)| !ids.is_empty())
            .collect();
        if records.is_empty() {
            continue;
        }
        if let Some(point) = centre(insee) {
            grid.entry(cell(point.0, point.1))
                .or_default()
                .push(Centre {
                    insee,
                    point,
                    records,
                });
        }
    }
    if grid.is_empty() {
        return HashMap::new();
    }
    let grid = &grid;
    site.communes
        .par_iter()
        .filter_map(|(insee, c)| {
            let (lat, lon) = (c.lat?, c.lon?);
            let near = around(grid, insee, (lat, lon));
            (!near.is_empty()).then(|| (insee.clone(), near))
        })
        .collect()
}

/// The records around the commune `insee` at `point`.
fn around(grid: &HashMap<(i64, i64), Vec<Centre>>, insee: &str, point: (f64, f64)) -> Vec<Near> {
    let (cy, cx) = cell(point.0, point.1);
    let mut around: Vec<(f64, &Centre)> = Vec::new();
    for dy in -1..=1 {
        for dx in -1..=1 {
            for other in grid.get(&(cy + dy, cx + dx)).into_iter().flatten() {
                if other.insee == insee {
                    continue;
                }
                let d = distance_km(point, other.point);
                if d <= RADIUS_KM {
                    around.push((d, other));
                }
            }
        }
    }
    around.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.insee.cmp(b.1.insee)));
    let mut counts = [0usize; KINDS.len()];
    let mut near: Vec<Near> = Vec::new();
    for (d, other) in around {
        for (kind, ids) in &other.records {
            let Some(slot) = KINDS.iter().position(|k| k == kind) else {
                continue;
            };
            for id in ids {
                if counts[slot] >= PER_KIND {
                    break;
                }
                // A strength spanning several communes is listed once, at
                // its nearest.
                if near.iter().any(|n| n.kind == *kind && n.id == *id) {
                    continue;
                }
                counts[slot] += 1;
                near.push(Near {
                    kind: *kind,
                    id: id.to_string(),
                    insee: other.insee.to_string(),
                    km: (d.round() as u32).max(1),
                });
            }
        }
        if counts.iter().all(|n| *n >= PER_KIND) {
            break;
        }
    }
    near
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn melun_to_fontainebleau_is_about_15_km() {
        // Centres of communes.csv: Melun 77288, Fontainebleau 77186.
        let d = distance_km((48.54432, 2.65802), (48.40649, 2.68091));
        assert!((15.0..16.0).contains(&d), "{d}");
    }

    #[test]
    fn neighbouring_cells_cover_the_radius() {
        // Two points RADIUS_KM apart east–west are at most one cell apart.
        let lat: f64 = 48.5;
        let dlon = RADIUS_KM / (111.2 * lat.to_radians().cos());
        for i in 0..50 {
            let lon = 2.0 + f64::from(i) * 0.013;
            let (a, b) = (cell(lat, lon), cell(lat, lon + dlon));
            assert!((a.1 - b.1).abs() <= 1 && a.0 == b.0);
        }
    }
}
