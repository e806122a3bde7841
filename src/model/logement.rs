//! Housing for interns (`content/logements/*.yaml`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Acces, Image, Meta};

/// Un logement proposé aux internes et aux étudiants en santé.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Logement {
    /// Nom du logement.
    pub nom: String,
    /// Nature du logement.
    #[serde(rename = "type")]
    pub type_logement: TypeLogement,
    /// Présentation, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Organisation gestionnaire (identifiant d'une fiche de `organisations/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gestionnaire: Option<String>,
    /// Code INSEE de la commune (5 caractères) ; obligatoire pour publier, à omettre tant qu'elle est inconnue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_insee: Option<String>,
    /// Adresse ; à omettre si elle n'est communiquée que sur demande.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adresse: Option<String>,
    /// Publics accueillis.
    pub public: Vec<PublicLogement>,
    /// Nombre de places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<u32>,
    /// Loyer mensuel, en euros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loyer_mensuel_eur: Option<f64>,
    /// Charges comprises dans le loyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charges_incluses: Option<bool>,
    /// Logement meublé.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meuble: Option<bool>,
    /// Accès à internet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet: Option<bool>,
    /// Cuisine ou coin cuisine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuisine: Option<bool>,
    /// Espace de travail ou salle commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub espace_travail: Option<bool>,
    /// Place de stationnement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parking: Option<bool>,
    /// Durée minimale de séjour, en mois.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duree_min_mois: Option<u32>,
    /// Durée maximale de séjour, en mois.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duree_max_mois: Option<u32>,
    /// Conforme à la charte des hébergements territoriaux de 2019.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conforme_charte_2019: Option<bool>,
    /// Logement financé par une collectivité : l'indemnité d'hébergement de 300 € est alors perdue.
    pub finance_par_collectivite: bool,
    /// Accès en transport en commun.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acces_transport: Vec<Acces>,
    /// Sites de stage proches (identifiants de fiches de `stages/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites_stage_proches: Vec<String>,
    /// Organisation à contacter (identifiant d'une fiche de `organisations/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Photos, chacune avec son texte alternatif.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Image>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeLogement {
    InternatHospitalier,
    MaisonDesInternes,
    Colocation,
    Studio,
    ChambreChezHabitant,
    Residence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicLogement {
    Interne,
    DocteurJunior,
    Externe,
    EtudiantParamedical,
    Remplacant,
}
