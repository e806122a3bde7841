//! Events (`content/evenements/*.yaml`).

use jiff::civil::DateTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Meta, Stade};

/// Un événement : soirée d'accueil, journée installation, permanence…
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Evenement {
    /// Titre de l'événement.
    pub titre: String,
    /// Nature de l'événement.
    #[serde(rename = "type")]
    pub type_evenement: TypeEvenement,
    /// Résumé en une phrase.
    pub resume: String,
    /// Présentation, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Début (AAAA-MM-JJTHH:MM). Laisser vide si la date n'est pas encore fixée.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debut: Option<DateTime>,
    /// Fin (AAAA-MM-JJTHH:MM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fin: Option<DateTime>,
    /// Fréquence en clair quand l'événement revient (« deux fois par an »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequence: Option<String>,
    /// Code INSEE de la commune où il se tient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_insee: Option<String>,
    /// Lieu (nom de la salle, adresse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lieu: Option<String>,
    /// Publics visés.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public: Vec<Stade>,
    /// Adresse d'inscription (https://…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub inscription_url: Option<String>,
    /// Organisateurs (identifiants de fiches de `organisations/`).
    pub organisateurs: Vec<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeEvenement {
    SoireeAccueilInternes,
    JourneeInstallation,
    Permanence,
    Webinaire,
}
