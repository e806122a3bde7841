//! Internship sites of university supervisors (`content/stages/*.yaml`).

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Acces, Meta};

/// Un lieu de stage ambulatoire auprès de maîtres de stage universitaires (MSU).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Stage {
    /// Nom de la structure.
    pub nom: String,
    /// Type de structure.
    pub type_structure: TypeStructure,
    /// Présentation, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Code INSEE de la commune (5 caractères).
    pub commune_insee: String,
    /// Adresse de la structure (jamais une adresse personnelle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adresse: Option<String>,
    /// Numéro FINESS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finess: Option<String>,
    /// Types de stage proposés.
    pub types_stage: Vec<TypeStage>,
    /// Université (département de médecine générale) d'agrément.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub universite_dmg: Option<Universite>,
    /// Nombre d'étudiants accueillis par semestre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacite_par_semestre: Option<u32>,
    /// Activités particulières du lieu.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activites: Vec<Activite>,
    /// Maîtres de stage : un nom n'est publié qu'avec un consentement enregistré et daté,
    /// et jamais dans les exports en données ouvertes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-donnee-personnelle" = true))]
    pub msu: Vec<Msu>,
    /// Accès en transport en commun.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acces_transport: Vec<Acces>,
    /// Une voiture est-elle nécessaire ?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voiture_necessaire: Option<bool>,
    /// Logements liés (identifiants de fiches de `logements/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logements_lies: Vec<String>,
    /// Organisation à contacter (identifiant d'une fiche de `organisations/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Organisations qui financent la structure (identifiants de `organisations/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub financeurs: Vec<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Msu {
    /// Nom du maître de stage (donnée personnelle).
    pub nom: String,
    /// Le maître de stage a consenti à la publication de son nom.
    pub consentement_publication: bool,
    /// Date du consentement (AAAA-MM-JJ), obligatoire pour publier le nom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_consentement: Option<Date>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeStructure {
    Cabinet,
    Msp,
    MspUniversitaire,
    CentreSante,
    Pmi,
    HopitalProximite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeStage {
    Externat,
    Sn1,
    Sn2Saspas,
    DocteurJunior,
    SanteFemme,
    SanteEnfant,
    StageLibre,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Universite {
    Upec,
    ParisCite,
    Sorbonne,
    ParisSaclay,
    Uvsq,
    SorbonneParisNord,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activite {
    Pdsa,
    Gyneco,
    Pediatrie,
    SoinsNonProgrammes,
}
