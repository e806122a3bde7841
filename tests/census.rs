//! The convention's two census duties on the site: the page for owners and
//! managers of housing, generated from the housing model, the page for
//! future supervisors in the menu, and an empty housing list that points to
//! what exists meanwhile instead of a dead end.

mod common;

use common::*;

fn page(built: &vitrine::Built, path: &str) -> String {
    String::from_utf8_lossy(&built.output[path]).into_owned()
}

#[test]
fn the_housing_page_asks_for_every_field_of_the_model() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let html = page(&built, "proposer-un-logement/index.html");
    let list = &html[html.find("class=\"champs-recenses\"").unwrap()..];
    let list = &list[..list.find("</ul>").unwrap()];
    let fields = vitrine::reference::fields(vitrine::model::Kind::Logement);
    assert!(fields.len() > 15);
    let items = list.matches("<li>").count();
    assert_eq!(items, fields.len(), "one line per field of the model");
    // Review fields are the editors' business, not the owner's.
    assert!(
        !fields
            .iter()
            .any(|f| f.name == "sources" || f.name == "statut")
    );
    // Required first, with their values in words.
    assert!(list.find("(indispensable)").unwrap() < list.find("Le nombre de places").unwrap());
    assert!(list.contains("internat hospitalier, maison des internes"));
    // Where to send it: the publisher's generic contact.
    assert!(html.contains("Hôtel du Département, CS 50377, 77010 Melun cedex"));
    assert!(
        html.contains("href=\"tel:+33164147777\"") || html.contains("tel:0164147777"),
        "{html}"
    );
    // Reachable: the housing list links to it.
    let logements = page(&built, "logements/index.html");
    assert!(
        logements.contains("href=\"/proposer-un-logement/\""),
        "{logements}"
    );
}

#[test]
fn the_supervisors_page_is_in_the_menu() {
    let site = shipped_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let home = page(&built, "index.html");
    let nav = &home[home.find("class=\"navigation\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(nav.contains("href=\"/devenir-maitre-de-stage/\""), "{nav}");
    let msu = page(&built, "devenir-maitre-de-stage/index.html");
    assert!(msu.contains("directeur général de l’ARS"));
    assert!(msu.contains("/aides/departement-accompagnement-maitrise-de-stage/"));
}

#[test]
fn an_empty_housing_list_says_what_exists_meanwhile() {
    let site = shipped_site();
    let dir = site.path().join("content/logements");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("statut: publie", "statut: brouillon")).unwrap();
    }
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let logements = page(&built, "logements/index.html");
    assert!(
        logements.contains("Aucun logement n’est recensé"),
        "{logements}"
    );
    assert!(logements.contains("indemnité d’hébergement de 300"));
    assert!(logements.contains("direction des affaires médicales"));
    assert!(logements.contains("href=\"/proposer-un-logement/\""));
    let guide = page(&built, "guide/index.html");
    assert!(
        guide.contains("direction des affaires médicales"),
        "the printable guide too"
    );
}
