//! Strengths of the territory (`content/atouts/*.yaml`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Image, Meta};

/// Un atout du territoire : nature, patrimoine, transports, écoles, emploi…
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Atout {
    /// Titre de l'atout.
    pub titre: String,
    /// Catégorie.
    pub categorie: CategorieAtout,
    /// Résumé en une ou deux phrases.
    pub resume: String,
    /// Présentation détaillée, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Communes concernées (codes INSEE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communes: Vec<String>,
    /// Illustration, avec son texte alternatif.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Chiffres clés, chacun sourcé.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chiffres: Vec<Chiffre>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chiffre {
    /// La valeur, telle qu'affichée (par exemple « 25 000 ha »).
    pub valeur: String,
    /// Ce que la valeur mesure.
    pub libelle: String,
    /// La source du chiffre.
    pub source: String,
    /// Année du chiffre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annee: Option<i32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategorieAtout {
    Nature,
    Patrimoine,
    Culture,
    Transport,
    EducationFamille,
    EmploiConjoint,
    SportLoisirs,
    EcosystemeSante,
}
