//! Funders and contacts (`content/organisations/*.yaml`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Meta;

/// Une organisation : financeur, instructeur, contact. Jamais une personne.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Organisation {
    /// Nom complet.
    pub nom: String,
    /// Sigle (CPAM, ARS…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigle: Option<String>,
    /// Nature de l'organisation.
    #[serde(rename = "type")]
    pub type_organisation: TypeOrganisation,
    /// Présentation, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Site web (https://…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub site: Option<String>,
    /// Adresse électronique générique (jamais personnelle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Téléphone du standard ou du service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    /// Adresse postale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adresse: Option<String>,
    /// Code INSEE de la commune du siège, s'il est dans le département.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_insee: Option<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeOrganisation {
    Etat,
    Ars,
    Cpam,
    Region,
    Departement,
    Epci,
    Commune,
    Ordre,
    Urps,
    Universite,
    Chu,
    Association,
    StructureSoins,
}
