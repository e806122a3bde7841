//! The site's own settings (`content/site.yaml`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Réglages du site.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Titre du site.
    pub titre: String,
    /// Sous-titre affiché sous le titre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sous_titre: Option<String>,
    /// Description du site (moteurs de recherche, partage).
    pub description: String,
    /// Adresse publique du site, avec son éventuel sous-chemin (https://exemple.github.io/guide/).
    pub url_base: String,
    /// Langue des pages (code BCP 47).
    #[serde(default = "default_langue")]
    pub langue: String,
    /// Le département couvert.
    pub departement: Departement,
    /// Thème dont les gabarits surchargent ceux du thème intégré (`themes/<theme>/templates/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Éditeur du site, pour les mentions légales.
    pub editeur: Editeur,
    /// Hébergeur du site, obligatoire dans les mentions légales (LCEN, art. 6) : à renseigner au déploiement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hebergeur: Option<Hebergeur>,
    /// Liens du menu principal, dans l'ordre.
    #[serde(default)]
    pub navigation: Vec<LienNavigation>,
    /// Licence des données publiées.
    pub licence_donnees: Licence,
    /// Autoriser le HTML brut dans le Markdown (sinon il est neutralisé).
    #[serde(default)]
    pub html_brut_autorise: bool,
    /// Le guide imprimable (page /guide/ et PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<GuideConfig>,
    /// Au-delà de ce nombre de mois sans vérification, une fiche produit un avertissement.
    #[serde(default = "default_fraicheur")]
    pub fraicheur_mois: u32,
}

fn default_langue() -> String {
    "fr".to_string()
}

fn default_fraicheur() -> u32 {
    12
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Departement {
    /// Code du département (77).
    pub code: String,
    /// Nom du département.
    pub nom: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Editeur {
    /// Nom de l'éditeur.
    pub nom: String,
    /// Adresse du siège.
    pub adresse: String,
    /// Téléphone du standard.
    pub telephone: String,
    /// Fonction du directeur de la publication.
    pub directeur_publication: String,
    /// Site web de l'éditeur.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub site: Option<String>,
    /// Adresse de contact pour l'accessibilité et les données personnelles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hebergeur {
    pub nom: String,
    pub adresse: String,
    pub telephone: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LienNavigation {
    /// Texte du lien.
    pub titre: String,
    /// Cible : `@/pages/x.md`, `@/aides` (liste) ou `@/aides/id` (fiche).
    pub lien: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    pub nom: String,
    #[schemars(url)]
    pub url: String,
}

/// Réglages du guide imprimable.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideConfig {
    /// Titre du guide ; par défaut le titre du site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub titre: Option<String>,
    /// Nom du fichier PDF (par exemple guide-installation-seine-et-marne.pdf).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fichier_pdf: Option<String>,
    /// Page d'introduction (chemin dans content/pages, par exemple index.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// Page qui explique le zonage (par exemple zonage.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zonage: Option<String>,
    /// Page des crédits et licences (par exemple credits-licences.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<String>,
    /// Ordre des parties ; par défaut : couverture, sommaire, introduction, aides, aides_closes, stages, logements, atouts, evenements, contacts, zonage, credits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartieGuide>,
}

/// Une partie du guide imprimable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartieGuide {
    Couverture,
    Sommaire,
    Introduction,
    Aides,
    AidesCloses,
    Stages,
    Logements,
    Atouts,
    Evenements,
    Contacts,
    Zonage,
    Credits,
}

impl PartieGuide {
    pub const DEFAULT_ORDER: [PartieGuide; 12] = [
        PartieGuide::Couverture,
        PartieGuide::Sommaire,
        PartieGuide::Introduction,
        PartieGuide::Aides,
        PartieGuide::AidesCloses,
        PartieGuide::Stages,
        PartieGuide::Logements,
        PartieGuide::Atouts,
        PartieGuide::Evenements,
        PartieGuide::Contacts,
        PartieGuide::Zonage,
        PartieGuide::Credits,
    ];
}
