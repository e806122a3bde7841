//! Types shared by every kind of record.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a record stands in its life. Only `publie` records are shown,
/// except with `--drafts`; `suspendu` and `archive` ones are shown apart,
/// visibly marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Statut {
    /// En cours de rédaction : jamais publié (sauf `--drafts`).
    Brouillon,
    /// Publié et en vigueur.
    Publie,
    /// Publié mais suspendu (dispositif interrompu, à confirmer).
    Suspendu,
    /// Clos ou remplacé : reste visible, marqué comme tel.
    Archive,
}

impl Statut {
    pub fn is_draft(self) -> bool {
        self == Statut::Brouillon
    }
}

/// Une source qui fonde le contenu de la fiche.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Titre de la source (page, délibération, communiqué…).
    pub titre: String,
    /// Adresse de la source en ligne (https://…). `url` ou `document` est obligatoire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url: Option<String>,
    /// Document non publié en ligne (délibération, bilan imprimé…) qui fonde la fiche.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// Date à laquelle la source a été consultée ou publiée (AAAA-MM-JJ).
    pub date: Date,
}

/// Champs communs à toutes les fiches.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Meta {
    /// Statut de publication : brouillon, publie, suspendu ou archive.
    pub statut: Statut,
    /// Date de la dernière vérification du contenu (AAAA-MM-JJ).
    pub mis_a_jour_le: Date,
    /// Service ou fonction ayant vérifié la fiche (jamais un nom de personne).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifie_par: Option<String>,
    /// Sources de la fiche (au moins une).
    pub sources: Vec<Source>,
    /// Point de vigilance affiché en tête de fiche, en Markdown : sources divergentes, chiffre non vérifié, projet non confirmé…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avertissement: Option<String>,
}

/// Une image avec son texte alternatif, obligatoire pour l'accessibilité.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Chemin de l'image dans `content/static/` (par exemple `images/nemours.jpg`).
    pub src: String,
    /// Texte alternatif décrivant l'image (obligatoire ; vide seulement si décorative : non admis ici).
    pub alt: String,
    /// Crédit photographique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// Un accès en transport en commun.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acces {
    /// Ligne (par exemple « Transilien P », « RER A »).
    pub ligne: String,
    /// Gare ou arrêt le plus proche.
    pub gare: String,
    /// Temps de marche ou de trajet depuis la gare, en minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

/// Les professions et publics visés.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    MedecinGeneraliste,
    MedecinSpecialiste,
    ChirurgienDentiste,
    SageFemme,
    Pharmacien,
    MasseurKinesitherapeute,
    Infirmier,
    Orthophoniste,
    Orthoptiste,
    PedicurePodologue,
    Psychologue,
    EtudiantMedecine,
    EtudiantMaieutique,
    EtudiantKine,
    EtudiantIfsi,
    EtudiantOdontologie,
    EtudiantPharmacie,
    EtudiantParamedical,
    Interne,
    DocteurJunior,
    Collectivite,
    Structure,
}

/// Le moment du parcours visé.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stade {
    Etudiant,
    Interne,
    DocteurJunior,
    Remplacant,
    PrimoInstallation,
    Installe,
    Structure,
}

impl Stade {
    pub const ALL: [Stade; 7] = [
        Stade::Etudiant,
        Stade::Interne,
        Stade::DocteurJunior,
        Stade::Remplacant,
        Stade::PrimoInstallation,
        Stade::Installe,
        Stade::Structure,
    ];

    /// The value as written in YAML and URLs.
    pub fn key(self) -> &'static str {
        match self {
            Stade::Etudiant => "etudiant",
            Stade::Interne => "interne",
            Stade::DocteurJunior => "docteur_junior",
            Stade::Remplacant => "remplacant",
            Stade::PrimoInstallation => "primo_installation",
            Stade::Installe => "installe",
            Stade::Structure => "structure",
        }
    }
}
