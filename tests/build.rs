//! Building whole sites: the fixture and the shipped content.

mod common;

use std::collections::BTreeMap;

use common::*;

#[test]
fn the_fixture_builds_with_every_link_resolving_under_a_subpath() {
    let site = mini_site();
    let built = vitrine::build(&options(site.path()))
        .unwrap_or_else(|f| panic!("{}", vitrine::diag::render(&f.diags, &f.sources, false)));
    let broken = broken_links(&built.output, "/guide/");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    for page in [
        "index.html",
        "aides/index.html",
        "aides/prime-installation/index.html",
        "aides/profil/primo-installation/index.html",
        "stages/msp-nemours/index.html",
        "communes/nemours/index.html",
        "zonage/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(built.output.contains_key(page), "missing {page}");
    }
    // The commune page lists its records and the aids its zonage opens.
    let nemours = String::from_utf8_lossy(&built.output["communes/nemours/index.html"]);
    assert!(nemours.contains("/guide/stages/msp-nemours/"), "{nemours}");
    assert!(
        nemours.contains("Zone d’intervention prioritaire"),
        "{nemours}"
    );
    let zonage_section = nemours.find("id=\"zonage\"").unwrap();
    assert!(
        nemours[zonage_section..].contains("/guide/aides/prime-installation/"),
        "{nemours}"
    );
    let sitemap = String::from_utf8_lossy(&built.output["sitemap.xml"]);
    assert!(
        sitemap.contains("<loc>https://exemple.github.io/guide/aides/prime-installation/</loc>")
    );
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let site = mini_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    assert!(
        !built
            .output
            .contains_key("aides/bourse-brouillon/index.html")
    );
    let mut opts = options(site.path());
    opts.drafts = true;
    let built = vitrine::build(&opts).ok().unwrap();
    assert!(
        built
            .output
            .contains_key("aides/bourse-brouillon/index.html")
    );
}

#[test]
fn a_supervisor_name_needs_a_recorded_consent() {
    let site = mini_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let all: String = built
        .output
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(all.contains("Dr Consentant"));
    assert!(
        !all.contains("Dr Discret"),
        "a name without consent was published"
    );
}

#[test]
fn closed_aids_are_marked_and_listed_apart() {
    let site = mini_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let page = String::from_utf8_lossy(&built.output["aides/ancien-contrat/index.html"]);
    assert!(page.contains("Dispositif clos"), "{page}");
    assert!(page.contains("31\u{a0}décembre 2025"), "{page}");
    assert!(
        page.contains("/guide/aides/prime-installation/"),
        "replacement not linked"
    );
    let list = String::from_utf8_lossy(&built.output["aides/index.html"]);
    let closed_section = list.find("id=\"clos\"").expect("closed section");
    assert!(list.find("ancien-contrat").unwrap() > closed_section);
    assert!(list.find("prime-installation").unwrap() < closed_section);
}

#[test]
fn home_counts_agree_in_number_with_their_noun() {
    // The fixture has one profile with one aid and others with none:
    // "1 aide en vigueur", "0 aide en vigueur", never "1 aides".
    let site = mini_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let home = text_of(&String::from_utf8_lossy(&built.output["index.html"]));
    assert!(home.contains("1 aide en vigueur"), "{home}");
    assert!(!home.contains("1 aides"), "{home}");
    assert!(!home.contains("0 aides"), "{home}");
}

#[test]
fn base_url_override_changes_every_link() {
    let site = mini_site();
    let mut opts = options(site.path());
    opts.base_url = Some("http://127.0.0.1:1111/".into());
    let built = vitrine::build(&opts).ok().unwrap();
    assert!(broken_links(&built.output, "/").is_empty());
    let home = String::from_utf8_lossy(&built.output["index.html"]);
    assert!(home.contains("href=\"/aides/\""), "{home}");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = mini_site();
    let out1 = site.path().join("public1");
    let out2 = site.path().join("public2");
    vitrine::build_to_dir(&options(site.path()), &out1, false)
        .ok()
        .unwrap();
    vitrine::build_to_dir(&options(site.path()), &out2, false)
        .ok()
        .unwrap();
    let (a, b) = (read_tree(&out1), read_tree(&out2));
    assert!(!a.is_empty());
    // The search index is part of what must not vary.
    #[cfg(feature = "search")]
    assert!(a.keys().any(|k| k.starts_with("pagefind/fragment/")));
    // So are the open data, the calendars and the feed.
    for file in [
        "donnees/datapackage.json",
        "donnees/aides.csv",
        "evenements/agenda.ics",
        "atom.xml",
    ] {
        assert!(a.contains_key(file), "{file} missing");
    }
    let differing: Vec<&String> = a.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
    assert!(
        differing.is_empty() && a.len() == b.len(),
        "files differ: {differing:?}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = mini_site();
    let out = site.path().join("public");
    vitrine::build_to_dir(&options(site.path()), &out, false)
        .ok()
        .unwrap();
    let before = read_tree(&out);
    // Break a template through a site theme override.
    std::fs::create_dir_all(site.path().join("themes/casse/templates")).unwrap();
    std::fs::write(site.path().join("themes/casse/templates/aide.html"), "{% extends \"base.html\" %}{% block content %}{{ page.fiche.inexistant.x }}{% endblock content %}").unwrap();
    let config = site.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}theme: casse\n")).unwrap();
    let failed = vitrine::build_to_dir(&options(site.path()), &out, false)
        .err()
        .expect("the build must fail");
    let report = vitrine::diag::render(&failed.diags, &failed.sources, false);
    assert!(
        report.contains("themes/casse/templates/aide.html"),
        "{report}"
    );
    assert!(
        report.contains("aides/prime-installation/index.html"),
        "the page being rendered is named: {report}"
    );
    assert_eq!(before, read_tree(&out), "the previous output changed");
}

#[test]
fn a_site_template_overrides_the_embedded_one() {
    let site = mini_site();
    std::fs::create_dir_all(site.path().join("themes/local/templates")).unwrap();
    std::fs::write(site.path().join("themes/local/templates/404.html"), "{% extends \"base.html\" %}{% block content %}<h1>Perdu en Brie</h1>{% endblock content %}").unwrap();
    let config = site.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}theme: local\n")).unwrap();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    assert!(String::from_utf8_lossy(&built.output["404.html"]).contains("Perdu en Brie"));
    assert!(String::from_utf8_lossy(&built.output["index.html"]).contains("lang=\"fr\""));
}

#[test]
fn a_site_card_shows_on_every_list_and_its_error_is_told_once() {
    let site = mini_site();
    let partials = site.path().join("themes/local/templates/partials");
    std::fs::create_dir_all(&partials).unwrap();
    let card = partials.join("carte.html");
    std::fs::write(&card, "<article class=\"carte\"><h3><a href=\"{{ fiche.url }}\">{{ fiche.titre }}</a></h3><p>Carte locale</p></article>").unwrap();
    let config = site.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}theme: local\n")).unwrap();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    for list in [
        "aides/index.html",
        "logements/index.html",
        "aides/profil/primo-installation/index.html",
    ] {
        let html = String::from_utf8_lossy(&built.output[list]).into_owned();
        let cards = html.matches("<article class=\"carte").count();
        assert!(cards > 0, "{list} shows no card");
        assert_eq!(html.matches("Carte locale").count(), cards, "{list}");
    }

    // Broken, it fails the build once, not once per record.
    std::fs::write(&card, "<article>{{ fiche.inexistant.x }}</article>").unwrap();
    let failed = vitrine::build(&options(site.path()))
        .err()
        .expect("the build must fail");
    let report = vitrine::diag::render(&failed.diags, &failed.sources, false);
    assert_eq!(failed.diags.error_count(), 1, "{report}");
    assert!(
        report.contains("themes/local/templates/partials/carte.html"),
        "{report}"
    );
    assert!(report.contains("en produisant la carte de /"), "{report}");
}

#[test]
fn the_output_may_not_contain_the_site() {
    let site = mini_site();
    assert!(vitrine::build_to_dir(&options(site.path()), site.path(), false).is_err());
    assert!(
        vitrine::build_to_dir(&options(site.path()), &site.path().join("content"), false).is_err()
    );
    assert!(site.path().join("content/site.yaml").exists());
}

#[test]
fn the_shipped_content_builds_and_every_link_resolves() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path()))
        .unwrap_or_else(|f| panic!("{}", vitrine::diag::render(&f.diags, &f.sources, false)));
    assert!(built.pages > 20, "only {} pages", built.pages);
    let broken = broken_links(&built.output, "/");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    // Every page has exactly one h1 and the French language.
    for (path, bytes) in built.output.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert_eq!(html.matches("<h1").count(), 1, "{path} must have one h1");
        assert!(html.contains("<html lang=\"fr\">"), "{path}");
    }
}

/// The text of an HTML fragment without tags, for content checks.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn shipped_record_pages_show_what_a_reader_needs() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path()))
        .ok()
        .expect("the shipped content builds");
    let aid_pages: Vec<(&String, String)> = built
        .output
        .iter()
        .filter(|(p, _)| {
            p.starts_with("aides/") && p.ends_with("/index.html") && p.matches('/').count() == 2
        })
        .map(|(p, b)| (p, String::from_utf8_lossy(b).into_owned()))
        .filter(|(p, _)| *p != "aides/index.html")
        .collect();
    assert!(aid_pages.len() >= 20, "only {} aid pages", aid_pages.len());
    for (path, html) in &aid_pages {
        let text = text_of(html);
        for label in [
            "Montant",
            "Pour qui",
            "Financeur",
            "Sources",
            "Mis à jour le",
        ] {
            assert!(text.contains(label), "{path} lacks « {label} »");
        }
        let sources = &html[html.find("id=\"sources-titre\"").expect("sources section")..];
        assert!(sources.contains("<li>"), "{path} shows no source");
        let main = text_of(&html[html.find("<main").unwrap()..]);
        if html.contains("bandeau-clos") {
            // A closed aid says so once, in its banner; its amount subdued;
            // no procedure offered.
            assert_eq!(main.matches("clos").count(), 1, "{path}: {main}");
            assert!(html.contains("<dd class=\"attenue\">"), "{path}");
            assert!(!html.contains("Votre démarche"), "{path}");
        } else if !html.contains("bandeau-suspendu") {
            assert!(text.contains("Statut"), "{path} lacks « Statut »");
            // How to apply comes before the details, near the top.
            if let Some(at) = html.find("Votre démarche") {
                assert!(at < html.find("id=\"en-bref\"").unwrap(), "{path}");
            }
        }
    }
    let cesp = &aid_pages
        .iter()
        .find(|(p, _)| p.contains("etat-cesp"))
        .unwrap()
        .1;
    assert!(cesp.contains("Votre démarche"));
    // Every record page says when it was last checked.
    for kind in [
        "logements",
        "stages",
        "atouts",
        "organisations",
        "evenements",
    ] {
        for (path, bytes) in built
            .output
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{kind}/")) && p.matches('/').count() == 2)
        {
            assert!(
                String::from_utf8_lossy(bytes).contains("Mis à jour le"),
                "{path}"
            );
        }
    }
}

#[test]
fn pages_load_nothing_from_another_host_and_stay_light() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    for (path, bytes) in built.output.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        // Stylesheets, scripts, fonts and images come from the site itself.
        for tag in html.split('<').filter(|t| {
            t.starts_with("link")
                || t.starts_with("script")
                || t.starts_with("img")
                || t.starts_with("source")
        }) {
            let external = attr_values(&format!(" {tag}"), "src")
                .into_iter()
                .chain(
                    attr_values(&format!(" {tag}"), "href")
                        .into_iter()
                        .filter(|_| !tag.contains("rel=\"canonical\"")),
                )
                .any(|u| u.starts_with("http") || u.starts_with("//"));
            assert!(!external, "{path} loads from another host: <{tag}");
        }
        assert!(
            !html.contains("@import") && !html.contains("fonts.googleapis"),
            "{path}"
        );
    }
    // What a record page loads: its stylesheets and scripts.
    let page = String::from_utf8_lossy(&built.output["aides/etat-cesp/index.html"]).into_owned();
    let weight: usize = attr_values(&page, "href")
        .into_iter()
        .chain(attr_values(&page, "src"))
        .map(|u| u.split('?').next().unwrap_or("").trim_start_matches('/'))
        .filter(|u| u.ends_with(".css") || u.ends_with(".js"))
        .map(|u| built.output.get(u).map_or(0, |b| b.len()))
        .sum();
    assert!(weight > 0, "no stylesheet found");
    assert!(weight < 40 * 1024, "CSS + JS weigh {weight} bytes");
}

/// The aid links of a page's cards, split at the closed section: (in
/// force, closed).
fn card_links(html: &str) -> (Vec<String>, Vec<String>) {
    let (open, closed) = html.split_once("id=\"clos\"").unwrap_or((html, ""));
    let links = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = s
            .split("class=\"carte-titre\"><a href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    (links(open), links(closed))
}

#[test]
fn each_profession_page_lists_exactly_the_aids_in_force_for_it() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    // What the YAML says: profession → (aids in force, closed aids).
    let mut expected: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for entry in std::fs::read_dir(site.path().join("content/aides")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        let yaml: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let statut = yaml["statut"].as_str().unwrap();
        if statut == "brouillon" {
            continue;
        }
        for p in yaml["beneficiaires"].as_array().unwrap() {
            let slot = expected
                .entry(p.as_str().unwrap().replace('_', "-"))
                .or_default();
            let url = format!("/aides/{id}/");
            if statut == "publie" {
                slot.0.push(url);
            } else {
                slot.1.push(url);
            }
        }
    }
    assert!(expected.len() > 10, "{expected:?}");
    for (profession, (mut open, mut closed)) in expected {
        open.sort();
        closed.sort();
        let file = format!("aides/profession/{profession}/index.html");
        let html = String::from_utf8_lossy(
            built
                .output
                .get(&file)
                .unwrap_or_else(|| panic!("no page {file}")),
        );
        let (shown_open, shown_closed) = card_links(&html);
        assert_eq!(shown_open, open, "{file}: aids in force");
        assert_eq!(shown_closed, closed, "{file}: closed aids");
    }
    // A midwife finds the Région's aids whose titles do not name her.
    let midwife = String::from_utf8_lossy(&built.output["aides/profession/sage-femme/index.html"]);
    assert!(midwife.contains("/aides/region-bonus-installation-2026/"));
    // Pair pages hold the aids in force of one stage only.
    let pair = String::from_utf8_lossy(
        &built.output["aides/profession/sage-femme/primo-installation/index.html"],
    );
    let (pair_open, pair_closed) = card_links(&pair);
    assert!(!pair_open.is_empty() && pair_closed.is_empty());
    // The home page asks by profession, grouped, then by stage.
    let home = String::from_utf8_lossy(&built.output["index.html"]);
    let by_profession = home.find("/aides/profession/sage-femme/").unwrap();
    let by_stage = home.find("/aides/profil/interne/").unwrap();
    assert!(by_profession < by_stage);
    assert!(home.contains("Infirmiers et infirmières"));
}

#[test]
fn amounts_say_ceiling_range_rate_and_zonage_as_they_are() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let page = |p: &str| text_of(&String::from_utf8_lossy(&built.output[p]));
    let aides = page("aides/index.html");
    // A ceiling alone, a rate with its ceiling, amounts by zonage class.
    assert!(aides.contains("jusqu’à 10\u{202F}000\u{A0}€"), "{aides}");
    assert!(
        aides.contains("30\u{A0}% des acquisitions et travaux, jusqu’à 250\u{202F}000\u{A0}€"),
        "{aides}"
    );
    assert!(
        aides.contains("10\u{202F}000\u{A0}€ en ZIP, 5\u{202F}000\u{A0}€ en ZAC"),
        "{aides}"
    );
    // A fixed sum stays a plain sum; its wording is not repeated under it.
    // A text that gives the headline's figures replaces it: said once.
    let cesp = page("aides/etat-cesp/index.html");
    assert!(
        cesp.contains("1\u{202F}200\u{A0}€ bruts par mois"),
        "{cesp}"
    );
    assert!(!cesp.contains("1\u{202F}200\u{A0}€ par mois"), "{cesp}");
    let dentists = String::from_utf8_lossy(
        &built.output["aides/cpam-chirurgiens-dentistes-aide-installation/index.html"],
    );
    assert!(dentists.contains("<strong>50\u{202F}000\u{A0}€</strong>"));
    assert!(!dentists.contains("<strong>50\u{202F}000\u{A0}€</strong><br>50"));
    // Lists are in reader order, never by file name: the Département's
    // aids before the Région's, before national ones; closed ones last.
    let list = String::from_utf8_lossy(&built.output["aides/index.html"]);
    let at = |id: &str| list.find(&format!("/aides/{id}/")).unwrap();
    assert!(at("departement-soutien-msp-universitaires") < at("region-bonus-installation-2026"));
    assert!(at("region-bonus-installation-2026") < at("cpam-caim"));
}
