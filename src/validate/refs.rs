//! Checks across records: references resolve, dates are coherent, sources are
//! usable, personal data has a recorded consent, records are fresh.

use std::collections::BTreeMap;

use jiff::ToSpan;

use super::Options;
use crate::diag::{Diagnostic, Diagnostics, closest};
use crate::load::Loaded;
use crate::model::aide::Montant;
use crate::model::common::Image;
use crate::model::{Body, Commune, Kind, Record, Statut};

type Records = BTreeMap<Kind, BTreeMap<String, Record>>;

/// Builds diagnostics pointing at a field of one record.
struct At<'a> {
    record: &'a Record,
    diags: &'a mut Diagnostics,
}

impl At<'_> {
    /// `path` uses dots for lookup (`sources.1.url`); it is shown as
    /// `sources[1].url`.
    fn push(&mut self, warning: bool, path: &str, message: String, help: String) {
        let span = self.record.node.span_of(path);
        let d = if warning {
            Diagnostic::warning(&self.record.file, message)
        } else {
            Diagnostic::error(&self.record.file, message)
        };
        self.diags
            .push(d.at(span).field(display_path(path)).help(help));
    }

    fn error(&mut self, path: &str, message: impl Into<String>, help: impl Into<String>) {
        self.push(false, path, message.into(), help.into());
    }

    fn warning(&mut self, path: &str, message: impl Into<String>, help: impl Into<String>) {
        self.push(true, path, message.into(), help.into());
    }
}

fn display_path(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.') {
        if part.chars().all(|c| c.is_ascii_digit()) && !out.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

/// Records that exist as files but not in the model: `failed` their
/// checks (errors reported), or drafts left `unfinished` (warnings).
pub struct Absent<'a> {
    pub failed: &'a std::collections::BTreeSet<(Kind, String)>,
    pub unfinished: &'a std::collections::BTreeSet<(Kind, String)>,
}

pub fn check(
    records: &Records,
    absent: &Absent,
    communes: &BTreeMap<String, Commune>,
    loaded: &Loaded,
    opts: &Options,
    freshness_months: u32,
    diags: &mut Diagnostics,
) {
    let statics: Statics = loaded
        .static_files
        .iter()
        .map(|(rel, path)| (rel.as_str(), path.as_path()))
        .collect();
    for record in records.values().flat_map(|m| m.values()) {
        let mut at = At { record, diags };
        check_references(&mut at, records, absent, opts);
        check_communes(&mut at, communes, loaded.communes.is_some());
        check_meta(&mut at, opts, freshness_months);
        check_kind(&mut at, opts, &statics);
    }
    check_replacement_cycles(records, diags);
}

/// `remplace_par` must lead somewhere: an aid replaced by one that is
/// replaced by the first would send the reader round in circles. Each
/// record of a cycle gets the error. Every aid is visited once (colouring),
/// so a long chain costs its length, not its square.
fn check_replacement_cycles(records: &Records, diags: &mut Diagnostics) {
    use std::collections::{HashMap, HashSet};
    let Some(aides) = records.get(&Kind::Aide) else {
        return;
    };
    let next = |id: &str| match aides.get(id).map(|r| &*r.body) {
        Some(Body::Aide(a)) => a.remplace_par.as_deref().filter(|n| *n != id),
        _ => None,
    };
    let mut done: HashSet<&str> = HashSet::new();
    for start in aides.keys() {
        let mut path: Vec<&str> = Vec::new();
        let mut on_path: HashMap<&str, usize> = HashMap::new();
        let mut at = start.as_str();
        while !done.contains(at) {
            if let Some(&i) = on_path.get(at) {
                let cycle = &path[i..];
                let shown = cycle
                    .iter()
                    .chain(std::iter::once(&at))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" → ");
                for id in cycle {
                    let Some(record) = aides.get(*id) else {
                        continue;
                    };
                    let mut at = At { record, diags };
                    at.error(
                        "remplace_par",
                        format!("remplacements en boucle : {shown}"),
                        "une aide est remplacée par une aide plus récente ; retirez `remplace_par` de la plus récente",
                    );
                }
                break;
            }
            on_path.insert(at, path.len());
            path.push(at);
            match next(at) {
                Some(n) if aides.contains_key(n) => at = n,
                _ => break,
            }
        }
        done.extend(path);
    }
}

fn one<'a>(
    field: &str,
    kind: Kind,
    id: &'a Option<String>,
    refs: &mut Vec<(String, Kind, &'a str)>,
) {
    if let Some(id) = id {
        refs.push((field.to_string(), kind, id.as_str()));
    }
}

/// Every record `body` names, with the field that names it.
pub(crate) fn references(body: &Body) -> Vec<(String, Kind, &str)> {
    let mut refs: Vec<(String, Kind, &str)> = Vec::new();
    match body {
        Body::Aide(a) => {
            refs.push(("financeur".into(), Kind::Organisation, a.financeur.as_str()));
            for (i, o) in a.cofinanceurs.iter().enumerate() {
                refs.push((format!("cofinanceurs.{i}"), Kind::Organisation, o));
            }
            one("instructeur", Kind::Organisation, &a.instructeur, &mut refs);
            one("contact", Kind::Organisation, &a.contact, &mut refs);
            one("remplace_par", Kind::Aide, &a.remplace_par, &mut refs);
        }
        Body::Logement(l) => {
            one(
                "gestionnaire",
                Kind::Organisation,
                &l.gestionnaire,
                &mut refs,
            );
            one("contact", Kind::Organisation, &l.contact, &mut refs);
            for (i, s) in l.sites_stage_proches.iter().enumerate() {
                refs.push((format!("sites_stage_proches.{i}"), Kind::Stage, s));
            }
        }
        Body::Stage(s) => {
            one("contact", Kind::Organisation, &s.contact, &mut refs);
            for (i, l) in s.logements_lies.iter().enumerate() {
                refs.push((format!("logements_lies.{i}"), Kind::Logement, l));
            }
            for (i, o) in s.financeurs.iter().enumerate() {
                refs.push((format!("financeurs.{i}"), Kind::Organisation, o));
            }
        }
        Body::Evenement(e) => {
            for (i, o) in e.organisateurs.iter().enumerate() {
                refs.push((format!("organisateurs.{i}"), Kind::Organisation, o));
            }
        }
        Body::Atout(_) | Body::Organisation(_) => {}
    }
    refs
}

fn check_references(at: &mut At, records: &Records, absent: &Absent, opts: &Options) {
    for (field, kind, id) in references(&at.record.body) {
        let ids = records.get(&kind);
        match ids.and_then(|m| m.get(id)) {
            Some(target)
                if target.body.meta().statut.is_draft()
                    && !opts.drafts
                    && !at.record.body.meta().statut.is_draft() =>
            {
                at.error(
                    &field,
                    format!("la fiche `{}/{id}` est un brouillon", kind.dir()),
                    "publiez la fiche visée (`statut: publie`) ou retirez la référence",
                );
            }
            Some(_) => {}
            None if absent.failed.contains(&(kind, id.to_string())) => {}
            None if absent.unfinished.contains(&(kind, id.to_string())) => {
                if !at.record.body.meta().statut.is_draft() {
                    at.error(
                        &field,
                        format!("la fiche `{}/{id}` est un brouillon inachevé", kind.dir()),
                        "complétez et publiez la fiche visée (`statut: publie`) ou retirez la référence",
                    );
                }
            }
            None => {
                let mut help = format!("aucune fiche content/{}/{id}.yaml", kind.dir());
                let known: Vec<&str> = ids
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                // A near spelling, else an id that contains the one written
                // (`cpam` for `cpam-seine-et-marne`).
                let near = closest(id, known.iter().copied()).or_else(|| {
                    known
                        .iter()
                        .copied()
                        .filter(|k| id.len() >= 3 && (k.contains(id) || id.contains(k)))
                        .min_by_key(|k| (k.len(), *k))
                });
                if let Some(near) = near {
                    help = format!("vouliez-vous dire `{near}` ? {help}");
                } else if !known.is_empty() && known.len() <= 15 {
                    help = format!("{help} ; fiches existantes : {}", known.join(", "));
                }
                at.error(&field, format!("référence inconnue `{id}`"), help);
            }
        }
    }
}

fn check_communes(at: &mut At, communes: &BTreeMap<String, Commune>, have_list: bool) {
    if !have_list {
        return;
    }
    for (field, insee) in at.record.body.communes() {
        if !communes.contains_key(insee) {
            let help = if insee.len() != 5 {
                "un code INSEE a 5 caractères, par exemple 77288 pour Melun".to_string()
            } else {
                "le code n'est pas dans content/territoire/communes.csv (attention : le code INSEE n'est pas le code postal)".to_string()
            };
            at.error(&field, format!("commune inconnue `{insee}`"), help);
        }
    }
}

fn check_meta(at: &mut At, opts: &Options, freshness_months: u32) {
    let meta = at.record.body.meta();
    if meta.sources.is_empty() {
        at.error(
            "sources",
            "aucune source",
            "citez au moins une source : titre, url ou document, publie_le ou consulte_le",
        );
    }
    for (i, s) in meta.sources.iter().enumerate() {
        // The address itself is checked by the schema (`uri` format).
        if s.url.is_none() && s.document.is_none() {
            at.error(
                &format!("sources.{i}"),
                "source sans adresse ni document",
                "ajoutez `url: https://…` ou `document: …` (délibération, bilan…)",
            );
        }
        if s.publie_le.is_none() && s.consulte_le.is_none() {
            at.error(
                &format!("sources.{i}"),
                "source sans date",
                "ajoutez `publie_le: AAAA-MM-JJ` (date que donne la source) ou `consulte_le: AAAA-MM-JJ` (date où vous l'avez consultée)",
            );
        }
        for (field, date) in [("publie_le", s.publie_le), ("consulte_le", s.consulte_le)] {
            if date.is_some_and(|d| d > opts.today) {
                at.warning(
                    &format!("sources.{i}.{field}"),
                    "date de source dans le futur",
                    "vérifiez la date (AAAA-MM-JJ)",
                );
            }
        }
    }
    if meta.mis_a_jour_le > opts.today {
        at.warning(
            "mis_a_jour_le",
            "date de mise à jour dans le futur",
            "indiquez la date de la dernière vérification",
        );
    } else if meta.statut != Statut::Archive {
        let limit = opts
            .today
            .checked_sub((freshness_months as i64).months())
            .unwrap_or(opts.today);
        if meta.mis_a_jour_le < limit {
            at.warning(
                "mis_a_jour_le",
                format!("fiche non vérifiée depuis plus de {freshness_months} mois"),
                "revérifiez la fiche auprès de ses sources, puis mettez à jour `mis_a_jour_le`",
            );
        }
    }
}

/// The files of `content/static/`, by their path under it.
type Statics<'a> = std::collections::HashMap<&'a str, &'a std::path::Path>;

/// Most bytes an image may weigh: the guide is read on phones, on weak
/// networks.
pub const IMAGE_BUDGET: u64 = 250 * 1024;

fn check_image(at: &mut At, path: &str, image: &Image, statics: &Statics) {
    if image.alt.trim().is_empty() {
        at.error(
            &format!("{path}.alt"),
            "texte alternatif vide",
            "décrivez l'image en une phrase : ce qu'elle montre d'utile au lecteur",
        );
    }
    for (field, value) in [("credit", &image.credit), ("licence", &image.licence)] {
        if value.trim().is_empty() {
            at.error(
                &format!("{path}.{field}"),
                format!("{field} vide"),
                "une image ne se publie qu'avec son crédit et la licence ou l'autorisation enregistrée",
            );
        }
    }
    let src = image.src.trim_start_matches('/');
    let Some(file) = statics.get(src) else {
        at.error(
            &format!("{path}.src"),
            format!("image `{}` introuvable", image.src),
            "placez l'image dans content/static/ et indiquez son chemin depuis ce dossier",
        );
        return;
    };
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if bytes > IMAGE_BUDGET {
        at.error(
            &format!("{path}.src"),
            format!(
                "image trop lourde : {} Ko (au plus {} Ko)",
                bytes / 1024,
                IMAGE_BUDGET / 1024
            ),
            "réduisez-la (1 600 pixels de large suffisent) ou enregistrez-la en JPEG ou WebP compressé",
        );
    }
    // A vector image has no pixel size of its own: its width and height
    // give the space the page reserves.
    if src.ends_with(".svg") {
        return;
    }
    match imagesize::size(file) {
        Ok(size)
            if size.width == image.largeur as usize && size.height == image.hauteur as usize => {}
        Ok(size) => at.error(
            &format!("{path}.largeur"),
            format!(
                "dimensions indiquées {} × {}, le fichier mesure {} × {} pixels",
                image.largeur, image.hauteur, size.width, size.height
            ),
            format!(
                "écrivez `largeur: {}` et `hauteur: {}`",
                size.width, size.height
            ),
        ),
        Err(_) => at.error(
            &format!("{path}.src"),
            format!("`{}` n'est pas une image lisible", image.src),
            "utilisez une image JPEG, PNG, WebP ou AVIF",
        ),
    }
}

fn check_montant(at: &mut At, m: &Montant) {
    if m.min.is_none()
        && m.max.is_none()
        && m.taux.is_none()
        && m.selon_zonage.is_empty()
        && m.texte.is_none()
    {
        at.error(
            "montant",
            "montant vide",
            "indiquez `max` (et `unite`) ou, s'il n'est pas chiffrable, `texte`",
        );
    }
    if (m.min.is_some() || m.max.is_some()) && m.unite.is_none() {
        at.error(
            "montant",
            "unité manquante",
            "ajoutez `unite:` eur, eur_mois, eur_an ou pct",
        );
    }
    if let (Some(min), Some(max)) = (m.min, m.max)
        && min > max
    {
        at.error(
            "montant.min",
            "minimum supérieur au maximum",
            "vérifiez `min` et `max`",
        );
    }
    for (field, v) in [("montant.min", m.min), ("montant.max", m.max)] {
        if v.is_some_and(|v| v < 0.0) {
            at.error(field, "montant négatif", "un montant est positif");
        }
    }
    if let Some(taux) = m.taux {
        if !(taux > 0.0 && taux <= 100.0) {
            at.error(
                "montant.taux",
                format!("taux de {taux} % impossible"),
                "un taux est un pourcentage entre 0 et 100 (30 pour 30 %)",
            );
        }
        if m.unite == Some(crate::model::aide::Unite::Pct) {
            at.error(
                "montant.unite",
                "`unite: pct` avec un `taux`",
                "avec un taux, `max` est le plafond en euros : indiquez `unite: eur` (ou eur_an, eur_mois…)",
            );
        }
    }
    if !m.selon_zonage.is_empty() && m.unite.is_none() {
        at.error(
            "montant.selon_zonage",
            "unité manquante",
            "ajoutez `unite:` eur, eur_mois, eur_an ou eur_semestre : elle vaut pour chaque montant selon le zonage",
        );
    }
    for (i, z) in m.selon_zonage.iter().enumerate() {
        if z.montant < 0.0 {
            at.error(
                &format!("montant.selon_zonage[{i}].montant"),
                "montant négatif",
                "un montant est positif",
            );
        }
    }
}

fn check_kind(at: &mut At, opts: &Options, statics: &Statics) {
    let record = at.record;
    let statut = record.body.meta().statut;
    match &*record.body {
        Body::Aide(a) => {
            check_montant(at, &a.montant);
            if let (Some(open), Some(close)) = (a.date_ouverture, a.date_cloture)
                && close < open
            {
                at.error(
                    "date_cloture",
                    "clôture avant l'ouverture",
                    "vérifiez `date_ouverture` et `date_cloture`",
                );
            }
            if let Some(close) = a.date_cloture
                && close < opts.today
                && statut == Statut::Publie
            {
                at.warning(
                        "date_cloture",
                        "aide close encore publiée comme ouverte",
                        "passez `statut: archive` (la fiche reste visible, marquée close) et indiquez `remplace_par` s'il y a lieu",
                    );
            }
            if statut == Statut::Archive && a.date_cloture.is_none() {
                at.warning(
                    "statut",
                    "aide archivée sans date de clôture",
                    "indiquez `date_cloture`",
                );
            }
            if a.remplace_par.as_deref() == Some(record.id.as_str()) {
                at.error(
                    "remplace_par",
                    "l'aide se remplace elle-même",
                    "indiquez l'aide qui lui succède",
                );
            }
            if a.beneficiaires.is_empty() {
                at.error(
                    "beneficiaires",
                    "aucun bénéficiaire",
                    "indiquez au moins une profession ou un public",
                );
            }
        }
        Body::Evenement(e) => {
            if let (Some(start), Some(end)) = (e.debut, e.fin)
                && end < start
            {
                at.error("fin", "fin avant le début", "vérifiez `debut` et `fin`");
            }
            let last = e.fin.or(e.debut).map(|d| d.date());
            if last.is_some_and(|d| d < opts.today) && statut == Statut::Publie {
                at.warning(
                    "debut",
                    "événement passé",
                    "indiquez la prochaine date, ou passez `statut: archive`",
                );
            }
            if e.debut.is_none() && e.frequence.is_none() {
                at.error(
                    "debut",
                    "ni date ni fréquence",
                    "indiquez `debut` ou, si la date n'est pas fixée, `frequence`",
                );
            }
        }
        Body::Stage(s) => {
            for (i, m) in s.msu.iter().enumerate() {
                if m.consentement_publication && m.date_consentement.is_none() {
                    at.error(
                        &format!("msu.{i}.date_consentement"),
                        "consentement sans date",
                        "un nom n'est publié qu'avec la date du consentement enregistré ; sinon `consentement_publication: false`",
                    );
                }
            }
        }
        Body::Logement(l) => {
            if l.commune_insee.is_none() && statut != Statut::Brouillon {
                at.error(
                    "commune_insee",
                    "commune manquante",
                    "un logement publié indique sa commune (code INSEE) ; laissez la fiche en brouillon tant qu'elle est inconnue",
                );
            }
            for (i, p) in l.photos.iter().enumerate() {
                check_image(at, &format!("photos.{i}"), p, statics);
            }
            if let (Some(min), Some(max)) = (l.duree_min_mois, l.duree_max_mois)
                && max < min
            {
                at.error(
                    "duree_max_mois",
                    "durée maximale inférieure à la minimale",
                    "vérifiez les deux durées",
                );
            }
        }
        Body::Atout(a) => {
            if let Some(img) = &a.image {
                check_image(at, "image", img, statics);
            }
        }
        Body::Organisation(o) => {
            if let Some(e) = &o.email
                && (!e.contains('@') || e.contains(char::is_whitespace))
            {
                at.error(
                    "email",
                    format!("adresse électronique `{e}` invalide"),
                    "par exemple contact@exemple.fr",
                );
            }
        }
    }
}
