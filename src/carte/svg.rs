//! The SVG markup of the maps. Colours and patterns are presentation
//! attributes, not CSS, so that a map looks the same in the page, in print
//! and in the PDF (whose SVG renderer reads no stylesheet of the site).
//!
//! Each class has a pattern as well as a colour (WCAG 1.4.1: colour is not
//! the only way to tell them apart); the pattern's ink is dark enough for
//! 3:1 against its own ground and against white (WCAG 1.4.11).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::Geometry;
use crate::model::ClasseZonage;

/// Writes `x y`, leaving out the space before a minus sign.
pub(super) fn pair(d: &mut String, x: i64, y: i64) {
    let _ = write!(d, "{x}");
    if y >= 0 {
        d.push(' ');
    }
    let _ = write!(d, "{y}");
}

/// Commune INSEE code → its class on one map.
pub type Shading = HashMap<String, ClasseZonage>;

/// Communes with internship sites, with housing: where markers go.
#[derive(Debug, Default)]
pub struct Marks {
    pub stages: BTreeSet<String>,
    pub logements: BTreeSet<String>,
}

/// How one class is drawn.
struct Motif {
    ground: &'static str,
    ink: &'static str,
    /// The pattern's strokes in a 10 × 10 tile (`None`: dots).
    strokes: Option<&'static str>,
}

/// Communes with no class recorded: white, no pattern.
const BLANK: &str = "#ffffff";
const BORDER: &str = "#5c5c5c";

fn motif(c: ClasseZonage) -> Motif {
    use ClasseZonage::*;
    let (ground, ink, strokes) = match c {
        Zip | TresSousDotee => ("#f4a582", "#67001f", Some("M0 0l10 10M10 0l-10 10")),
        Zac | SousDotee => ("#fddbc7", "#b2182b", Some("M-2 2l4-4M0 10l10-10M8 12l4-4")),
        Qpv | Intermediaire => ("#f7f7f7", "#2166ac", None),
        TresDotee => ("#d1e5f0", "#053061", Some("M0 5h10")),
        SurDotee => ("#92c5de", "#053061", Some("M5 0v10")),
        NonPrioritaire | HorsZonage => ("#e0e0e0", "#4d4d4d", Some("M-2 8l4 4M0 0l10 10M8-2l4 4")),
    };
    Motif {
        ground,
        ink,
        strokes,
    }
}

/// The fill of a commune of class `c` (`None`: no class recorded), with
/// the patterns of ids `<prefix>m-<class>`.
fn fill(prefix: &str, c: Option<ClasseZonage>) -> String {
    match c {
        Some(c) => format!("url(#{prefix}m-{})", c.key()),
        None => BLANK.to_string(),
    }
}

/// A `<pattern>` per class, ids `<prefix>m-<class>`: defined once per
/// document (a prefix keeps the ids of several documents in one page
/// apart).
pub fn patterns(prefix: &str) -> String {
    let mut out = String::new();
    for c in ClasseZonage::ALL {
        let m = motif(c);
        let _ = write!(
            out,
            r#"<pattern id="{prefix}m-{}" width="10" height="10" patternUnits="userSpaceOnUse"><rect width="10" height="10" fill="{}"/>"#,
            c.key(),
            m.ground
        );
        match m.strokes {
            Some(d) => {
                let _ = write!(
                    out,
                    r#"<path d="{d}" stroke="{}" stroke-width="1.6"/>"#,
                    m.ink
                );
            }
            None => {
                let _ = write!(out, r#"<circle cx="5" cy="5" r="2" fill="{}"/>"#, m.ink);
            }
        }
        out.push_str("</pattern>");
    }
    out
}

/// One commune's shape: its outline, or a disc at its centre.
fn shape(out: &mut String, s: &super::Shape, attrs: &str) {
    match &s.d {
        Some(d) => {
            let _ = write!(out, r#"<path{attrs} d="{d}"/>"#);
        }
        None => {
            let _ = write!(
                out,
                r#"<circle{attrs} cx="{}" cy="{}" r="9"/>"#,
                s.point.0, s.point.1
            );
        }
    }
}

/// The definitions the map page's maps share: the patterns and every
/// commune's shape (`id="c<insee>"`), written once and drawn by `<use>`.
pub fn sprite(g: &Geometry) -> String {
    let mut out = patterns("");
    for s in &g.shapes {
        shape(&mut out, s, &format!(r#" id="c{}""#, s.insee));
    }
    out
}

/// Markers of the communes with internship sites (discs) and with housing
/// (squares), side by side when a commune has both.
fn marks(out: &mut String, g: &Geometry, m: &Marks) {
    out.push_str(r##"<g stroke="#ffffff" stroke-width="2.5">"##);
    for s in &g.shapes {
        let (stage, logement) = (m.stages.contains(&s.insee), m.logements.contains(&s.insee));
        let shift = if stage && logement { 10 } else { 0 };
        let (x, y) = s.point;
        if stage {
            let _ = write!(
                out,
                r##"<circle cx="{}" cy="{y}" r="10" fill="#003f8a"/>"##,
                x - shift
            );
        }
        if logement {
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="18" height="18" fill="#6b2e00"/>"##,
                x + shift - 9,
                y - 9
            );
        }
    }
    out.push_str("</g>");
}

/// The département's outline over the communes.
fn outline(out: &mut String, g: &Geometry, width: f64) {
    if let Some(d) = &g.outline {
        let _ = write!(
            out,
            r##"<path d="{d}" fill="none" stroke="#1a1a1a" stroke-width="{width}" stroke-linejoin="round"/>"##
        );
    }
}

/// One map of the map page: every commune drawn by `<use>` of the
/// [`sprite`], filled by its class, then the markers.
pub fn map_body(g: &Geometry, shading: &Shading, m: &Marks) -> String {
    let mut out = String::with_capacity(g.shapes.len() * 48);
    let _ = write!(
        out,
        r#"<g stroke="{BORDER}" stroke-width="1.2" stroke-linejoin="round">"#
    );
    for s in &g.shapes {
        let _ = write!(
            out,
            r##"<use href="#c{}" fill="{}"/>"##,
            s.insee,
            fill("", shading.get(&s.insee).copied())
        );
    }
    out.push_str("</g>");
    outline(&mut out, g, 2.5);
    marks(&mut out, g, m);
    out
}

/// The text alternative of a map as a document of its own.
pub struct Alt<'a> {
    /// Prefix of its ids, unique in the page that shows it.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// A map as a document of its own (the printed guide's, HTML and PDF): the
/// same drawing as [`map_body`] with the shapes written in place.
pub fn standalone(g: &Geometry, shading: &Shading, m: &Marks, alt: &Alt) -> String {
    let id = alt.id;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-titre {id}-desc"><title id="{id}-titre">{}</title><desc id="{id}-desc">{}</desc><defs>{}</defs><g stroke="{BORDER}" stroke-width="1.2" stroke-linejoin="round">"#,
        crate::render::format::xml_escape(alt.title),
        crate::render::format::xml_escape(alt.desc),
        patterns(&format!("{id}-")),
        w = g.width,
        h = g.height,
    );
    let prefix = format!("{id}-");
    for s in &g.shapes {
        let attrs = format!(
            r#" fill="{}""#,
            fill(&prefix, shading.get(&s.insee).copied())
        );
        shape(&mut out, s, &attrs);
    }
    out.push_str("</g>");
    outline(&mut out, g, 2.5);
    marks(&mut out, g, m);
    out.push_str("</svg>");
    out
}

/// The inside of a commune's locator map: the département (its outline, or
/// a frame when it has none), the commune filled, and a dot at its centre
/// that stays visible when the commune is small.
pub fn locator(g: &Geometry, insee: &str) -> Option<String> {
    let s = g.shape(insee)?;
    let mut out = String::new();
    match &g.outline {
        Some(d) => {
            let _ = write!(
                out,
                r##"<path d="{d}" fill="#eef2f7" stroke="#1a1a1a" stroke-width="6" stroke-linejoin="round"/>"##
            );
        }
        None => {
            let _ = write!(
                out,
                r##"<rect x="3" y="3" width="{}" height="{}" fill="#eef2f7" stroke="#1a1a1a" stroke-width="6"/>"##,
                g.width - 6,
                g.height - 6
            );
        }
    }
    if s.d.is_some() {
        shape(
            &mut out,
            s,
            r##" fill="#003f8a" stroke="#003f8a" stroke-width="4""##,
        );
    }
    let _ = write!(
        out,
        r##"<circle cx="{}" cy="{}" r="20" fill="#003f8a" stroke="#ffffff" stroke-width="7"/>"##,
        s.point.0, s.point.1
    );
    Some(out)
}

/// A legend's sample of class `c` (`None`: no class recorded) as a
/// document of its own, for the PDF.
pub fn swatch(c: Option<ClasseZonage>) -> String {
    let defs = c.map(|_| patterns("")).unwrap_or_default();
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 16"><defs>{defs}</defs><rect x="0.5" y="0.5" width="23" height="15" fill="{}" stroke="{BORDER}"/></svg>"#,
        fill("", c)
    )
}

/// The entries of a map's legend: the classes it shows, in the order of
/// `ClasseZonage::ALL`, each with its fill.
#[derive(Debug, serde::Serialize)]
pub struct Legend {
    pub classe: ClasseZonage,
    pub fill: String,
    pub communes: usize,
}

/// The legend of one map: each class present, with its commune count.
pub fn legend(shading: &Shading) -> Vec<Legend> {
    ClasseZonage::ALL
        .iter()
        .filter_map(|c| {
            let n = shading.values().filter(|v| *v == c).count();
            (n > 0).then(|| Legend {
                classe: *c,
                fill: fill("", Some(*c)),
                communes: n,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_own_pattern() {
        let p = patterns("");
        for c in ClasseZonage::ALL {
            assert!(p.contains(&format!(r#"id="m-{}""#, c.key())), "{c:?}");
        }
        let inks: BTreeSet<(&str, Option<&str>)> = ClasseZonage::ALL
            .iter()
            .map(|c| {
                let m = motif(*c);
                (m.ground, m.strokes)
            })
            .collect();
        // Classes shown side by side never share a look.
        for group in [
            crate::model::Profession::MedecinGeneraliste.zonage_classes(),
            crate::model::Profession::Infirmier.zonage_classes(),
        ] {
            let looks: BTreeSet<_> = group
                .iter()
                .map(|c| (motif(*c).ground, motif(*c).strokes))
                .collect();
            assert_eq!(looks.len(), group.len(), "{group:?}");
        }
        assert!(inks.len() >= 6);
    }

    #[test]
    fn a_negative_number_needs_no_space() {
        let mut d = String::new();
        pair(&mut d, 3, -4);
        pair(&mut d, -5, 6);
        assert_eq!(d, "3-4-5 6");
    }
}
