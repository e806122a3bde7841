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
    /// Date de publication que donne la source (AAAA-MM-JJ) : celle d'une
    /// délibération, d'un communiqué, d'un article. `publie_le` ou
    /// `consulte_le` est obligatoire ; les deux peuvent figurer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publie_le: Option<Date>,
    /// Date à laquelle la source a été consultée pour vérifier la fiche
    /// (AAAA-MM-JJ), pour une page en ligne qui ne donne pas de date ou qui
    /// change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consulte_le: Option<Date>,
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
    /// Crédit : l'auteur ou le détenteur des droits (obligatoire).
    pub credit: String,
    /// Licence ou autorisation de publication enregistrée (par exemple
    /// « CC BY-SA 4.0 » ou « droits cédés au Département, convention du
    /// 2 mars 2026 ») : une image sans licence connue ne se publie pas.
    pub licence: String,
    /// Largeur de l'image, en pixels (vérifiée sur le fichier) : la page
    /// réserve sa place, sans décalage au chargement.
    pub largeur: u32,
    /// Hauteur de l'image, en pixels (vérifiée sur le fichier).
    pub hauteur: u32,
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

impl Profession {
    pub const ALL: [Profession; 22] = [
        Profession::MedecinGeneraliste,
        Profession::MedecinSpecialiste,
        Profession::Interne,
        Profession::DocteurJunior,
        Profession::SageFemme,
        Profession::Infirmier,
        Profession::MasseurKinesitherapeute,
        Profession::ChirurgienDentiste,
        Profession::Pharmacien,
        Profession::Orthophoniste,
        Profession::Orthoptiste,
        Profession::PedicurePodologue,
        Profession::Psychologue,
        Profession::EtudiantMedecine,
        Profession::EtudiantMaieutique,
        Profession::EtudiantIfsi,
        Profession::EtudiantKine,
        Profession::EtudiantOdontologie,
        Profession::EtudiantPharmacie,
        Profession::EtudiantParamedical,
        Profession::Structure,
        Profession::Collectivite,
    ];

    /// The value as written in YAML and in translation keys.
    pub fn key(self) -> &'static str {
        match self {
            Profession::MedecinGeneraliste => "medecin_generaliste",
            Profession::MedecinSpecialiste => "medecin_specialiste",
            Profession::ChirurgienDentiste => "chirurgien_dentiste",
            Profession::SageFemme => "sage_femme",
            Profession::Pharmacien => "pharmacien",
            Profession::MasseurKinesitherapeute => "masseur_kinesitherapeute",
            Profession::Infirmier => "infirmier",
            Profession::Orthophoniste => "orthophoniste",
            Profession::Orthoptiste => "orthoptiste",
            Profession::PedicurePodologue => "pedicure_podologue",
            Profession::Psychologue => "psychologue",
            Profession::EtudiantMedecine => "etudiant_medecine",
            Profession::EtudiantMaieutique => "etudiant_maieutique",
            Profession::EtudiantKine => "etudiant_kine",
            Profession::EtudiantIfsi => "etudiant_ifsi",
            Profession::EtudiantOdontologie => "etudiant_odontologie",
            Profession::EtudiantPharmacie => "etudiant_pharmacie",
            Profession::EtudiantParamedical => "etudiant_paramedical",
            Profession::Interne => "interne",
            Profession::DocteurJunior => "docteur_junior",
            Profession::Collectivite => "collectivite",
            Profession::Structure => "structure",
        }
    }

    /// The group the home page's "Je suis…" shows it in: a reader looks
    /// for "médecin" or "étudiant" before the exact value.
    pub fn group(self) -> &'static str {
        use Profession::*;
        match self {
            MedecinGeneraliste | MedecinSpecialiste | Interne | DocteurJunior => "medecins",
            SageFemme => "sages_femmes",
            Infirmier => "infirmiers",
            MasseurKinesitherapeute => "kines",
            ChirurgienDentiste => "dentistes",
            Pharmacien => "pharmaciens",
            Orthophoniste | Orthoptiste | PedicurePodologue | Psychologue => "autres",
            EtudiantMedecine | EtudiantMaieutique | EtudiantKine | EtudiantIfsi
            | EtudiantOdontologie | EtudiantPharmacie | EtudiantParamedical => "etudiants",
            Collectivite | Structure => "structures",
        }
    }

    /// The groups of [`Profession::group`], in the order they are shown.
    /// The zonage classes an arrêté can give this profession: ZIP and ZAC
    /// for médecins (ARS zonage, art. L. 1434-4 CSP), the conventional scale
    /// for the professions that have one; none for the others, whose aids
    /// follow the zonage of the médecins (internes, students) or none.
    pub fn zonage_classes(self) -> &'static [crate::model::ClasseZonage] {
        use crate::model::ClasseZonage::*;
        match self {
            Profession::MedecinGeneraliste | Profession::MedecinSpecialiste => {
                &[Zip, Zac, HorsZonage]
            }
            Profession::SageFemme
            | Profession::Infirmier
            | Profession::MasseurKinesitherapeute
            | Profession::ChirurgienDentiste
            | Profession::Orthophoniste => &[
                TresSousDotee,
                SousDotee,
                Intermediaire,
                TresDotee,
                SurDotee,
                NonPrioritaire,
            ],
            _ => &[],
        }
    }

    pub const GROUPS: [&'static str; 9] = [
        "medecins",
        "sages_femmes",
        "infirmiers",
        "kines",
        "dentistes",
        "pharmaciens",
        "autres",
        "etudiants",
        "structures",
    ];
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
