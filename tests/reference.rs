//! `docs/champs.md` and `docs/schemas/*.json` are generated from the model;
//! this test fails when they are stale. Regenerate with
//! `VITRINE_BLESS=1 cargo test --test reference`.

mod common;

#[test]
fn the_field_reference_and_schemas_are_up_to_date() {
    let docs = common::manifest().join("docs");
    let mut expected = vec![("champs.md".to_string(), vitrine::reference::markdown())];
    for (stem, _, schema) in vitrine::reference::schemas() {
        let json = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        expected.push((format!("schemas/{stem}.json"), json));
    }
    let bless = std::env::var_os("VITRINE_BLESS").is_some();
    for (rel, text) in expected {
        let path = docs.join(&rel);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "docs/{rel} is stale: run VITRINE_BLESS=1 cargo test --test reference"
        );
    }
}
