//! The census page for housing (`/proposer-un-logement/`): the convention
//! asks the Département to list housing for interns, so owners and managers
//! need to know what it records and where to send it. The list of fields
//! comes from the housing model ([`crate::reference::fields`]), worded for
//! the public by the theme's strings where they have a sentence for a
//! field, so that a field added to the model shows up here by itself.

use serde_json::{Value as Json, json};
use tera::Value as TeraValue;

use super::RenderInput;
use super::pages::tv;
use crate::model::Kind;

pub fn page(input: &RenderInput) -> Vec<(&'static str, TeraValue)> {
    let labels = &input.theme.strings["proposer_logement"]["champs"];
    let mut model = crate::reference::fields(Kind::Logement);
    // What a record cannot do without first, then in the model's order.
    model.sort_by_key(|f| !f.required);
    let fields: Vec<Json> = model
        .into_iter()
        .map(|f| {
            let label = labels
                .get(&f.name)
                .and_then(Json::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| crate::typo::typo(&f.description));
            // The values in words, where the theme names them
            // (`type_logement`, `public_logement`).
            let names = &input.theme.strings[format!("{}_logement", f.name).as_str()];
            let values: Vec<&str> = f
                .values
                .iter()
                .map(|v| names.get(v).and_then(Json::as_str).unwrap_or(v))
                .collect();
            json!({
                "cle": f.name,
                "libelle": label,
                "obligatoire": f.required,
                "valeurs": values,
            })
        })
        .collect();
    vec![("champs", tv(Json::Array(fields)))]
}
