//! Maps of the territory, drawn at build time as SVG: no tiles, no script,
//! no other host. The map page (`/carte/`), each commune's locator map and
//! the printed guide all read one [`Geometry`], projected once per build.
//!
//! The projection is a local equirectangular one, `x = λ·cos φ₀, y = φ`
//! with φ₀ the middle latitude: over a département it stays within a few
//! pixels of Lambert-93 on a 1,000-unit map, and unlike Lambert-93 it holds
//! overseas too. Coordinates are rounded to whole units (about 90 m in the
//! 77, the precision of the simplified outlines) *before* being written as
//! relative moves, so a border two communes share stays identical in both
//! and no sliver opens between them. Outlines are drawn as given: the
//! département simplifies them beforehand (the README says how).

pub mod print;
mod svg;

use std::collections::HashMap;

use crate::model::{Kind, Periode, Profession, Ring, Site};

pub use svg::{
    Alt, Legend, Marks, Shading, legend, locator, map_body, patterns, sprite, standalone, swatch,
};

/// Width of every map, in SVG units.
pub const WIDTH: i64 = 1000;
/// Room left around the territory, in SVG units.
const MARGIN: f64 = 12.0;

/// The territory projected once: what every map of a build draws.
#[derive(Debug, Default)]
pub struct Geometry {
    pub width: i64,
    pub height: i64,
    /// One shape per commune, in INSEE order.
    pub shapes: Vec<Shape>,
    /// INSEE code → index in `shapes`.
    by_insee: HashMap<String, usize>,
    /// The département's outline (`d`), when `departement.geojson` is given.
    pub outline: Option<String>,
}

/// A commune on the map.
#[derive(Debug)]
pub struct Shape {
    pub insee: String,
    /// Its outline as a path (`d`), or `None`: drawn as a point.
    pub d: Option<String>,
    /// Its centre: the point of `communes.csv`, or the middle of its
    /// outline when the file gives none.
    pub point: (i64, i64),
}

impl Geometry {
    /// Projects the site's communes; empty when no commune can be placed
    /// (neither a centre nor an outline).
    pub fn new(site: &Site) -> Geometry {
        let contours = &site.contours;
        let mut lon = (f64::INFINITY, f64::NEG_INFINITY);
        let mut lat = (f64::INFINITY, f64::NEG_INFINITY);
        let mut grow = |p: [f64; 2]| {
            lon = (lon.0.min(p[0]), lon.1.max(p[0]));
            lat = (lat.0.min(p[1]), lat.1.max(p[1]));
        };
        let placed = |insee: &str| {
            site.communes
                .get(insee)
                .and_then(|c| Some([c.lon?, c.lat?]))
        };
        for c in site.communes.values() {
            if let Some(p) = placed(&c.insee) {
                grow(p);
            }
            for ring in contours.communes.get(&c.insee).into_iter().flatten() {
                ring.iter().copied().for_each(&mut grow);
            }
        }
        contours
            .departement
            .iter()
            .flatten()
            .copied()
            .for_each(&mut grow);
        if !lon.0.is_finite() {
            return Geometry::default();
        }
        let proj = Projection::fit(lon, lat);
        let mut shapes = Vec::new();
        for c in site.communes.values() {
            let rings = contours.communes.get(&c.insee);
            let d = rings.map(|r| proj.path(r)).filter(|d| !d.is_empty());
            let centre = placed(&c.insee).or_else(|| rings.and_then(|r| middle(r)));
            let Some(centre) = centre else { continue };
            shapes.push(Shape {
                insee: c.insee.clone(),
                d,
                point: proj.xy(centre),
            });
        }
        let by_insee = shapes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.insee.clone(), i))
            .collect();
        let outline = Some(proj.path(&contours.departement)).filter(|d| !d.is_empty());
        Geometry {
            width: WIDTH,
            height: proj.height,
            shapes,
            by_insee,
            outline,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Whether communes are drawn as outlines (else as points).
    pub fn outlined(&self) -> bool {
        self.shapes.iter().any(|s| s.d.is_some())
    }

    pub fn shape(&self, insee: &str) -> Option<&Shape> {
        self.by_insee.get(insee).and_then(|i| self.shapes.get(*i))
    }
}

/// The professions with a class in force somewhere, in `Profession::ALL`
/// order: one map each.
pub fn professions(site: &Site) -> Vec<Profession> {
    Profession::ALL
        .into_iter()
        .filter(|p| {
            site.zonage
                .iter()
                .any(|z| z.profession == *p && z.periode == Periode::EnVigueur)
        })
        .collect()
}

/// The class in force of each commune for one profession.
pub fn shading(site: &Site, p: Profession) -> Shading {
    site.zonage
        .iter()
        .filter(|z| z.profession == p && z.periode == Periode::EnVigueur)
        .map(|z| (z.insee.clone(), z.classe))
        .collect()
}

/// The communes with internship sites and with housing.
pub fn marks(site: &Site) -> Marks {
    let mut m = Marks::default();
    for (kind, set) in [
        (Kind::Stage, &mut m.stages),
        (Kind::Logement, &mut m.logements),
    ] {
        for r in site.of_kind(kind) {
            for (_, insee) in r.body.communes() {
                set.insert(insee.to_string());
            }
        }
    }
    m
}

/// The middle of the box around some rings.
fn middle(rings: &[Ring]) -> Option<[f64; 2]> {
    let mut it = rings.iter().flatten();
    let first = *it.next()?;
    let (mut lo, mut hi) = (first, first);
    for p in it {
        lo = [lo[0].min(p[0]), lo[1].min(p[1])];
        hi = [hi[0].max(p[0]), hi[1].max(p[1])];
    }
    Some([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0])
}

/// Longitude/latitude to map units.
struct Projection {
    lon0: f64,
    lat1: f64,
    /// cos φ₀: how much shorter a degree of longitude is than one of latitude.
    k: f64,
    /// Map units per degree of latitude.
    s: f64,
    height: i64,
}

impl Projection {
    /// The projection that fits the box (`lon`, `lat`: min, max) in the
    /// map's width.
    fn fit(lon: (f64, f64), lat: (f64, f64)) -> Projection {
        let k = ((lat.0 + lat.1) / 2.0).to_radians().cos().max(0.01);
        // The width is fixed; a box of one point (one commune) still gets
        // a scale.
        let span = ((lon.1 - lon.0) * k).max(1e-3);
        let s = (WIDTH as f64 - 2.0 * MARGIN) / span;
        let height = ((lat.1 - lat.0) * s + 2.0 * MARGIN).ceil() as i64;
        Projection {
            lon0: lon.0,
            lat1: lat.1,
            k,
            s,
            height,
        }
    }

    fn xy(&self, p: [f64; 2]) -> (i64, i64) {
        (
            ((p[0] - self.lon0) * self.k * self.s + MARGIN).round() as i64,
            ((self.lat1 - p[1]) * self.s + MARGIN).round() as i64,
        )
    }

    /// Rings as one path: absolute rounding, then relative moves; rings
    /// that rounding reduces to less than a triangle are left out.
    fn path(&self, rings: &[Ring]) -> String {
        let mut d = String::new();
        for ring in rings {
            let mut points: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
            for p in ring {
                let xy = self.xy(*p);
                if points.last() != Some(&xy) {
                    points.push(xy);
                }
            }
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 {
                continue;
            }
            let (x0, y0) = points[0];
            d.push('M');
            svg::pair(&mut d, x0, y0);
            d.push('l');
            let mut prev = (x0, y0);
            for (i, &(x, y)) in points.iter().enumerate().skip(1) {
                if i > 1 && x - prev.0 >= 0 {
                    d.push(' ');
                }
                svg::pair(&mut d, x - prev.0, y - prev.1);
                prev = (x, y);
            }
            d.push('z');
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_vertices_round_to_the_same_place() {
        let proj = Projection::fit((2.0, 3.0), (48.0, 49.0));
        // Two squares sharing the edge x = 2.5.
        let a = vec![vec![
            [2.0, 48.0],
            [2.5, 48.0],
            [2.5, 48.5],
            [2.0, 48.5],
            [2.0, 48.0],
        ]];
        let b = vec![vec![
            [2.5, 48.0],
            [3.0, 48.0],
            [3.0, 48.5],
            [2.5, 48.5],
            [2.5, 48.0],
        ]];
        let (da, db) = (proj.path(&a), proj.path(&b));
        let corner = proj.xy([2.5, 48.0]);
        assert!(da.contains('l') && da.ends_with('z'), "{da}");
        assert!(
            db.starts_with(&format!("M{} {}", corner.0, corner.1)),
            "{db}"
        );
        // The map is as wide as asked, and taller than wide at 48° N.
        assert_eq!(proj.xy([3.0, 48.0]).0, WIDTH - MARGIN as i64);
        assert!(proj.height > WIDTH);
    }

    #[test]
    fn relative_moves_add_up_to_the_vertices() {
        let proj = Projection::fit((2.0, 3.0), (48.0, 49.0));
        let ring = vec![vec![[2.0, 48.0], [2.7, 48.2], [2.1, 48.9], [2.0, 48.0]]];
        let d = proj.path(&ring);
        let body = d.trim_start_matches('M').trim_end_matches('z');
        let (start, moves) = body.split_once('l').unwrap();
        let nums = |s: &str| -> Vec<i64> {
            s.replace('-', " -")
                .split_whitespace()
                .map(|n| n.parse().unwrap())
                .collect()
        };
        let mut at = nums(start);
        let moves = nums(moves);
        for step in moves.chunks(2) {
            at = vec![at[0] + step[0], at[1] + step[1]];
        }
        let last = proj.xy([2.1, 48.9]);
        assert_eq!(at, vec![last.0, last.1]);
    }

    #[test]
    fn a_ring_rounded_to_a_point_is_dropped() {
        let proj = Projection::fit((2.0, 3.0), (48.0, 49.0));
        let tiny = vec![vec![
            [2.0, 48.0],
            [2.00001, 48.0],
            [2.0, 48.00001],
            [2.0, 48.0],
        ]];
        assert_eq!(proj.path(&tiny), "");
    }
}
