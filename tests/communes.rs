//! Commune pages and zonage on the shipped content, with a fixture
//! `zonage.csv` (the shipped content records no class: none is invented).

mod common;

use common::*;

const ZONAGE: &str = "profession,insee,classe,du,au,arrete,arrete_url\n\
medecin_generaliste,77333,zip,2025-12-09,,Arrêté d'essai n° 1,\n\
medecin_generaliste,77288,zac,2025-12-09,2026-12-31,Arrêté d'essai n° 1,\n\
medecin_generaliste,77288,zip,2027-01-01,,Arrêté d'essai n° 2,\n";

fn page(built: &vitrine::Built, path: &str) -> String {
    String::from_utf8_lossy(
        built
            .output
            .get(path)
            .unwrap_or_else(|| panic!("missing {path}")),
    )
    .into_owned()
}

#[test]
fn every_commune_has_a_page_and_the_zonage_shows_where_it_applies() {
    let site = shipped_site();
    std::fs::write(site.path().join("content/territoire/zonage.csv"), ZONAGE).unwrap();
    let mut opts = options(site.path());
    opts.skip_pdf = true;
    opts.skip_search = true;
    let built = vitrine::build(&opts)
        .unwrap_or_else(|f| panic!("{}", vitrine::diag::render(&f.diags, &f.sources, false)));
    let pages = built
        .output
        .keys()
        .filter(|k| {
            k.starts_with("communes/") && k.ends_with("/index.html") && k.matches('/').count() == 2
        })
        .count();
    assert_eq!(pages, 507);
    let nemours = page(&built, "communes/nemours/index.html");
    assert!(nemours.contains("intervention prioritaire (ZIP)"));
    let melun = page(&built, "communes/melun/index.html");
    assert!(melun.contains("action complémentaire (ZAC)"));
    // The next arrêté, dated, is announced.
    assert!(melun.contains("janvier 2027"));
    let site_nemours = page(&built, "stages/msp-universitaire-nemours/index.html");
    let zonage = &site_nemours[site_nemours.find("id=\"zonage\"").unwrap()..];
    assert!(zonage.contains("intervention prioritaire (ZIP)"));
    assert!(zonage.contains("/aides/interne-indemnite-hebergement/"));
    let index = page(&built, "communes/index.html");
    assert!(index.contains("Nemours</a> (77140)"));
    // Around a commune without records: the nearest sites, with distances.
    let amponville = page(&built, "communes/amponville/index.html");
    assert!(amponville.contains("/stages/msp-universitaire-nemours/"));
    assert!(amponville.contains("km à vol d"));
    // Its locator map: the département, the commune, a title.
    assert!(amponville.contains("class=\"situation\""));
    assert!(amponville.contains("Amponville sur la carte du département"));

    // The map: one shape per commune, drawn once, used by each map.
    let carte = page(&built, "carte/index.html");
    assert_eq!(carte.matches("<path id=\"c77").count(), 507);
    let map = &carte[carte.find("id=\"carte-medecin-generaliste\"").unwrap()..];
    let svg = &map[map.find("<svg").unwrap()..map.find("</svg>").unwrap()];
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title id=") && svg.contains("<desc id="));
    assert_eq!(svg.matches("<use href=\"#c77").count(), 507);
    assert!(svg.contains("<use href=\"#c77333\" fill=\"url(#m-zip)\"/>"));
    assert!(svg.contains("<use href=\"#c77288\" fill=\"url(#m-zac)\"/>"));
    // Markers for the communes with sites: Nemours has one.
    assert!(svg.contains("<circle cx="));
    // The table says the same, with links.
    let table = &map[map.find("<table>").unwrap()..map.find("</table>").unwrap()];
    assert!(table.contains("/communes/nemours/\">Nemours</a></th><td>Zone d"));
    assert!(table.contains("/communes/melun/\">Melun</a></th><td>Zone d"));
    assert!(
        table.find("Nemours").unwrap() < table.find("Melun").unwrap(),
        "ZIP first"
    );
    assert!(carte.contains("/stages/msp-universitaire-nemours/"));
    // The printable guide has the map and the communes by class.
    let guide = page(&built, "guide/index.html");
    let map = &guide[guide.find("class=\"guide-carte\"").unwrap()..];
    assert!(map.contains("role=\"img\"") && map.contains("Zonage\u{a0}: Médecins généralistes"));
    assert!(map.contains("fill=\"url(#page-zonage-carte-medecin-generaliste-m-zip)\""));
    assert!(map.contains("(ZIP)</strong>&nbsp;: Nemours."));
    // Light enough for a weak network.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, carte.as_bytes()).unwrap();
    let size = gz.finish().unwrap().len();
    assert!(size < 150_000, "{size} bytes gzipped");
}

#[test]
fn without_outlines_the_map_shows_points() {
    let site = shipped_site();
    for f in ["communes.geojson", "departement.geojson"] {
        std::fs::remove_file(site.path().join("content/territoire").join(f)).unwrap();
    }
    let mut opts = options(site.path());
    opts.skip_pdf = true;
    opts.skip_search = true;
    let built = vitrine::build(&opts)
        .unwrap_or_else(|f| panic!("{}", vitrine::diag::render(&f.diags, &f.sources, false)));
    let carte = page(&built, "carte/index.html");
    assert_eq!(carte.matches("<circle id=\"c77").count(), 507);
    assert!(!carte.contains("<path id=\"c77"));
    assert!(carte.contains("figurée par un point"));
    // The locator map falls back to a frame around the points.
    let nemours = page(&built, "communes/nemours/index.html");
    assert!(nemours.contains("class=\"situation\"") && nemours.contains("<rect"));
}

#[test]
fn bad_zonage_rows_are_told_with_their_line() {
    let site = shipped_site();
    std::fs::write(
        site.path().join("content/territoire/zonage.csv"),
        format!(
            "{ZONAGE}infirmier,77333,zip,2025-01-01,,Arrêté,\n\
             medecin_generaliste,77333,zac,2026-01-01,,Arrêté,\n\
             medecin_generaliste,77186,zip,2026-02-30,,,\n\
             interne,77186,zip,,,Arrêté,\n"
        ),
    )
    .unwrap();
    let failed = match vitrine::build(&options(site.path())) {
        Ok(_) => panic!("the build should fail"),
        Err(f) => f,
    };
    let text = vitrine::diag::render(&failed.diags, &failed.sources, false);
    for needle in [
        "classe `zip` non admise pour `infirmier`",
        "se chevauchent",
        "date `2026-02-30` impossible : février 2026 n'a que 28 jours",
        "arrêté manquant",
        "la profession `interne` n'a pas de zonage",
        "zonage.csv:5",
        "zonage.csv:6",
        "zonage.csv:7",
        "zonage.csv:8",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
}
