//! Installation aids (`content/aides/*.yaml`).

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Meta, Profession, Stade};

/// Une aide à l'installation, aux études ou au maintien.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Aide {
    /// Intitulé de l'aide, de préférence commençant par un verbe.
    pub titre: String,
    /// Résumé en une ou deux phrases (300 caractères au plus).
    #[schemars(length(max = 300))]
    pub resume: String,
    /// Présentation détaillée, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Organisation qui finance (identifiant d'une fiche de `organisations/`).
    pub financeur: String,
    /// Autres financeurs, quand l'aide est cofinancée (identifiants de fiches de `organisations/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cofinanceurs: Vec<String>,
    /// Organisation qui instruit les demandes (identifiant d'une fiche de `organisations/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructeur: Option<String>,
    /// Échelon du financeur.
    pub niveau: Niveau,
    /// Nature de l'aide (une ou plusieurs).
    pub type_aide: Vec<TypeAide>,
    /// Catégorie au sens de la règle de non-cumul sur 10 ans (décret 2025-231).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categorie_anticumul: Option<CategorieAnticumul>,
    /// Professions et publics bénéficiaires.
    pub beneficiaires: Vec<Profession>,
    /// Moments du parcours concernés.
    pub stade: Vec<Stade>,
    /// Modes d'exercice concernés.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mode_exercice: Vec<ModeExercice>,
    /// Montant de l'aide et modalités de versement.
    pub montant: Montant,
    /// Communes où l'aide s'applique, quand elle ne couvre qu'une partie du département (codes INSEE de communes.csv, par exemple les communes d'une intercommunalité) ; absent : tout le département.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communes: Vec<String>,
    /// Zonage exigé, par profession.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zonage_requis: Vec<ZonageRequis>,
    /// Conditions d'éligibilité, une par ligne.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Engagement demandé en contrepartie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement: Option<Engagement>,
    /// Règles de cumul avec d'autres aides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cumul: Option<String>,
    /// Démarche pour demander l'aide, en Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_candidater: Option<String>,
    /// Adresse de la démarche en ligne (https://…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url_demarche: Option<String>,
    /// Organisation à contacter (identifiant d'une fiche de `organisations/`) : jamais une personne.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Date d'ouverture du dispositif (AAAA-MM-JJ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_ouverture: Option<Date>,
    /// Date de clôture du dispositif (AAAA-MM-JJ) ; une aide close garde sa fiche, en statut `archive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_cloture: Option<Date>,
    /// Rythme du dispositif.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Texte qui fonde l'aide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_legale: Option<BaseLegale>,
    /// Aide qui remplace celle-ci (identifiant d'une fiche de `aides/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remplace_par: Option<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Niveau {
    National,
    Regional,
    Departemental,
    Intercommunal,
    Communal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeAide {
    Subvention,
    Bourse,
    Prime,
    ContratConventionnel,
    ExonerationFiscale,
    Indemnite,
    Logement,
    Accompagnement,
    Pret,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategorieAnticumul {
    Installation,
    Maintien,
    Etudes,
    Aucune,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModeExercice {
    Liberal,
    Salarie,
    CentreSante,
    Msp,
    Cpts,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Permanente,
    Ponctuelle,
    AppelAProjets,
}

/// L'unité d'un montant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unite {
    /// euros, en une fois
    Eur,
    /// euros par mois
    EurMois,
    /// euros par an
    EurAn,
    /// euros par semestre
    EurSemestre,
    /// pourcentage de la dépense
    Pct,
}

/// Montant : `min` et/ou `max` chiffrés avec leur `unite`, ou un `texte` quand il n'est pas chiffrable. `max` seul est un plafond (« jusqu'à ») ; un montant fixe s'écrit avec `min` égal à `max`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Montant {
    /// Montant minimal ; égal à `max` pour un montant fixe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Plafond : affiché « jusqu'à … » sauf si `min` lui est égal (montant fixe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Taux de prise en charge, en pourcentage (par exemple 30 pour 30 %) ; `max` est alors le plafond en euros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taux: Option<f64>,
    /// Ce à quoi s'applique le taux, écrit pour suivre « 30 % » (par exemple « des honoraires conventionnés ») ; « de la dépense » par défaut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assiette: Option<String>,
    /// Montant selon la classe de zonage du lieu d'exercice (par exemple 10 000 € en ZIP, 5 000 € en ZAC), dans l'`unite` du montant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub selon_zonage: Vec<MontantZonage>,
    /// Unité : eur, eur_mois, eur_an, eur_semestre ou pct. Obligatoire avec min ou max.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unite: Option<Unite>,
    /// Le montant dit en toutes lettres quand il n'est pas chiffrable, ou précisé.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texte: Option<String>,
    /// Comment l'aide est versée (en une fois, mensuellement, par l'employeur…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versement: Option<String>,
}

/// Le montant versé dans une classe de zonage.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MontantZonage {
    /// Classe de zonage (zip, zac, qpv, tres_sous_dotee…).
    pub classe: ClasseZonage,
    /// Montant versé dans cette classe.
    pub montant: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZonageRequis {
    /// Profession dont le zonage s'applique.
    pub profession: Profession,
    /// Classes de zonage admises (par exemple zip, zac, tres_sous_dotee).
    pub classes: Vec<ClasseZonage>,
}

/// Classe de zonage ARS ou conventionnel.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClasseZonage {
    /// Zone d'intervention prioritaire (médecins).
    Zip,
    /// Zone d'action complémentaire (médecins).
    Zac,
    /// Quartier prioritaire de la politique de la ville.
    Qpv,
    TresSousDotee,
    SousDotee,
    Intermediaire,
    TresDotee,
    /// Zone sur-dotée (ancienne échelle des zonages conventionnels).
    SurDotee,
    NonPrioritaire,
    HorsZonage,
}

impl Aide {
    /// Whether the aid is for students, interns or docteurs juniors.
    pub fn for_trainees(&self) -> bool {
        self.stade
            .iter()
            .any(|s| matches!(s, Stade::Etudiant | Stade::Interne | Stade::DocteurJunior))
    }
}

impl ClasseZonage {
    pub const ALL: [ClasseZonage; 10] = [
        ClasseZonage::Zip,
        ClasseZonage::Zac,
        ClasseZonage::Qpv,
        ClasseZonage::TresSousDotee,
        ClasseZonage::SousDotee,
        ClasseZonage::Intermediaire,
        ClasseZonage::TresDotee,
        ClasseZonage::SurDotee,
        ClasseZonage::NonPrioritaire,
        ClasseZonage::HorsZonage,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ClasseZonage::Zip => "zip",
            ClasseZonage::Zac => "zac",
            ClasseZonage::Qpv => "qpv",
            ClasseZonage::TresSousDotee => "tres_sous_dotee",
            ClasseZonage::SousDotee => "sous_dotee",
            ClasseZonage::Intermediaire => "intermediaire",
            ClasseZonage::TresDotee => "tres_dotee",
            ClasseZonage::SurDotee => "sur_dotee",
            ClasseZonage::NonPrioritaire => "non_prioritaire",
            ClasseZonage::HorsZonage => "hors_zonage",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Secteur {
    #[serde(rename = "1")]
    Secteur1,
    Optam,
    Indifferent,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    /// Durée de l'engagement, en mois.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duree_mois: Option<u32>,
    /// Secteur conventionnel exigé : "1", optam ou indifferent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secteur: Option<Secteur>,
    /// L'engagement en clair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texte: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseLegale {
    /// Référence du texte (article, décret, délibération).
    pub texte: String,
    /// Adresse du texte (Légifrance…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url: Option<String>,
}
