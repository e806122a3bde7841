//! Markdown pages (`content/pages/**/*.md`) and their front matter.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Statut;

/// L'en-tête YAML d'une page Markdown, entre deux lignes `---`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Titre de la page (son unique titre de niveau 1).
    pub titre: String,
    /// Description de la page (une ou deux phrases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Rang dans les listes de pages (croissant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordre: Option<i32>,
    /// Afficher la page dans le pied de page.
    #[serde(default)]
    pub pied_de_page: bool,
    /// Afficher à la fin de la page l'éditeur et l'hébergeur déclarés dans site.yaml (page des mentions légales).
    #[serde(default)]
    pub informations_legales: bool,
    /// Statut : brouillon, publie (par défaut)…
    #[serde(default = "default_statut")]
    pub statut: Statut,
    /// Date de dernière mise à jour (AAAA-MM-JJ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mis_a_jour_le: Option<Date>,
}

fn default_statut() -> Statut {
    Statut::Publie
}
