//! The département's communes (`content/territoire/communes.csv`) and,
//! where known, their zonage (`content/territoire/zonage.csv`).
//!
//! Columns of `communes.csv`: `insee,name,postcodes,lat,lon,population`
//! (postcodes separated by `;`), the format of the shipped Seine-et-Marne
//! data; another département supplies the same columns.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::{Loaded, SourceFile};
use crate::model::{ClasseZonage, Commune, Periode, Profession, Zonage};

pub fn load(
    loaded: &Loaded,
    today: Date,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, Commune>, Vec<Zonage>) {
    let communes = loaded
        .communes
        .as_ref()
        .map(|f| communes(f, diags))
        .unwrap_or_default();
    let zonage = loaded
        .zonage
        .as_ref()
        .map(|f| zonage(f, &communes, today, diags))
        .unwrap_or_default();
    (communes, zonage)
}

/// Reads a CSV with a header, checking the header names, and hands each row
/// (with its line span) to `row`.
fn read_csv(
    file: &SourceFile,
    expected: &[&str],
    diags: &mut Diagnostics,
    mut row: impl FnMut(&csv::StringRecord, Span, &mut Diagnostics),
) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(file.text.as_bytes());
    match reader.headers() {
        Ok(h) => {
            let got: Vec<&str> = h.iter().collect();
            if got != expected {
                diags.push(
                    Diagnostic::error(
                        &file.rel,
                        format!("en-tête CSV inattendu : {}", got.join(",")),
                    )
                    .at(Some(Span::from_range(
                        &file.text,
                        0..file.text.find('\n').unwrap_or(0),
                    )))
                    .help(format!("colonnes attendues : {}", expected.join(","))),
                );
                return;
            }
        }
        Err(err) => {
            diags.push(Diagnostic::error(
                &file.rel,
                format!("CSV illisible : {err}"),
            ));
            return;
        }
    }
    for result in reader.records() {
        match result {
            Ok(rec) => {
                let start = rec.position().map_or(0, |p| p.byte() as usize);
                let end = file.text[start..]
                    .find('\n')
                    .map_or(file.text.len(), |i| start + i);
                row(&rec, Span::from_range(&file.text, start..end), diags);
            }
            Err(err) => {
                let span = err.position().map(|p| {
                    let start = p.byte() as usize;
                    Span::from_range(&file.text, start..start + 1)
                });
                diags.push(
                    Diagnostic::error(&file.rel, format!("ligne CSV invalide : {err}"))
                        .at(span)
                        .help(format!(
                            "chaque ligne a {} colonnes : {}",
                            expected.len(),
                            expected.join(",")
                        )),
                );
            }
        }
    }
}

fn communes(file: &SourceFile, diags: &mut Diagnostics) -> BTreeMap<String, Commune> {
    let mut out = BTreeMap::new();
    let mut slugs = HashSet::new();
    let expected = ["insee", "name", "postcodes", "lat", "lon", "population"];
    read_csv(file, &expected, diags, |rec, span, diags| {
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let insee = get(0).to_string();
        if insee.len() != 5 || !insee.chars().all(|c| c.is_ascii_alphanumeric()) {
            diags.push(
                Diagnostic::error(&file.rel, format!("code INSEE `{insee}` invalide"))
                    .at(Some(span.clone()))
                    .field("insee")
                    .help("5 caractères, par exemple 77288"),
            );
            return;
        }
        let number = |i: usize, name: &str, diags: &mut Diagnostics| -> Option<f64> {
            let v = get(i);
            if v.is_empty() {
                return None;
            }
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    diags.push(
                        Diagnostic::error(&file.rel, format!("nombre `{v}` invalide"))
                            .at(Some(span.clone()))
                            .field(name)
                            .help("un nombre avec un point décimal, par exemple 48.54432"),
                    );
                    None
                }
            }
        };
        let lat = number(3, "lat", diags);
        let lon = number(4, "lon", diags);
        let population = number(5, "population", diags).map(|p| p as u64);
        let nom = get(1).to_string();
        let mut slug = slug::slugify(&nom);
        if slug.is_empty() || !slugs.insert(slug.clone()) {
            slug = format!("{slug}-{insee}")
                .trim_start_matches('-')
                .to_string();
            slugs.insert(slug.clone());
        }
        let commune = Commune {
            codes_postaux: get(2)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            insee: insee.clone(),
            nom,
            population,
            lat,
            lon,
            slug,
        };
        if out.insert(insee.clone(), commune).is_some() {
            diags.push(
                Diagnostic::error(&file.rel, format!("code INSEE `{insee}` en double"))
                    .at(Some(span))
                    .field("insee")
                    .help("chaque commune a une seule ligne"),
            );
        }
    });
    out
}

/// Reads `zonage.csv`: one row per (profession, commune, period), so a
/// commune can carry several professions and successive arrêtés. Every row
/// is checked (known commune, profession with a zonage, class allowed for
/// it, dates real and in order, arrêté cited, URL safe) and two rows of one
/// profession and commune may not overlap in time; each row is then placed
/// against `today` (past, in force, to come).
fn zonage(
    file: &SourceFile,
    communes: &BTreeMap<String, Commune>,
    today: Date,
    diags: &mut Diagnostics,
) -> Vec<Zonage> {
    let mut out = Vec::new();
    // (profession, insee) → (du, au, line span) of the rows kept.
    let mut periods: HashMap<(Profession, String), Vec<Period>> = HashMap::new();
    let expected = [
        "profession",
        "insee",
        "classe",
        "du",
        "au",
        "arrete",
        "arrete_url",
    ];
    read_csv(file, &expected, diags, |rec, span, diags| {
        let get = |i: usize| {
            let v = rec.get(i).unwrap_or("").trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let error = |message: String, field: &str, help: String| {
            Diagnostic::error(&file.rel, message)
                .at(Some(span.clone()))
                .field(field)
                .help(help)
        };
        let mut ok = true;
        let insee = get(1).unwrap_or_default();
        if !communes.contains_key(&insee) {
            diags.push(error(
                format!("commune inconnue `{insee}`"),
                "insee",
                "le code doit figurer dans content/territoire/communes.csv".into(),
            ));
            ok = false;
        }
        let profession_text = get(0).unwrap_or_default();
        let zoned: Vec<&str> = Profession::ALL
            .iter()
            .filter(|p| !p.zonage_classes().is_empty())
            .map(|p| p.key())
            .collect();
        let profession = Profession::ALL
            .into_iter()
            .find(|p| p.key() == profession_text);
        let profession = match profession {
            Some(p) if !p.zonage_classes().is_empty() => Some(p),
            Some(_) => {
                diags.push(error(
                    format!("la profession `{profession_text}` n'a pas de zonage"),
                    "profession",
                    format!(
                        "les aides des internes et des étudiants suivent le zonage des médecins ; professions zonées : {}",
                        zoned.join(", ")
                    ),
                ));
                None
            }
            None => {
                let help = match crate::diag::closest(&profession_text, zoned.iter().copied()) {
                    Some(near) => format!("vouliez-vous dire `{near}` ?"),
                    None => format!("valeurs admises : {}", zoned.join(", ")),
                };
                diags.push(error(
                    format!("profession `{profession_text}` inconnue"),
                    "profession",
                    help,
                ));
                None
            }
        };
        let classe_text = get(2).unwrap_or_default();
        let classe = ClasseZonage::ALL
            .into_iter()
            .find(|c| c.key() == classe_text);
        if let Some(p) = profession {
            let allowed: Vec<&str> = p.zonage_classes().iter().map(|c| c.key()).collect();
            if !classe.is_some_and(|c| p.zonage_classes().contains(&c)) {
                let help = match crate::diag::closest(&classe_text, allowed.iter().copied()) {
                    Some(near) if classe.is_none() => format!("vouliez-vous dire `{near}` ?"),
                    _ => format!(
                        "classes admises pour `{}` : {}",
                        p.key(),
                        allowed.join(", ")
                    ),
                };
                diags.push(error(
                    format!("classe `{classe_text}` non admise pour `{}`", p.key()),
                    "classe",
                    help,
                ));
                ok = false;
            }
        }
        let mut date = |i: usize, name: &str, diags: &mut Diagnostics| -> Option<Date> {
            let d = get(i)?;
            match d.parse::<Date>() {
                Ok(date) => Some(date),
                Err(_) => {
                    let (message, help) = super::schema::date_problem(&d);
                    diags.push(error(message, name, help));
                    ok = false;
                    None
                }
            }
        };
        let du = date(3, "du", diags);
        let au = date(4, "au", diags);
        if let (Some(d), Some(a)) = (du, au)
            && a < d
        {
            diags.push(error(
                format!("la fin ({a}) précède le début ({d})"),
                "au",
                "`au` est le dernier jour d'application de l'arrêté, après `du`".into(),
            ));
            ok = false;
        }
        let arrete = get(5);
        if arrete.is_none() {
            diags.push(error(
                "arrêté manquant".into(),
                "arrete",
                "citez l'arrêté qui fixe ce classement, par exemple « Arrêté ARS Île-de-France n° … du 9 décembre 2025 »".into(),
            ));
            ok = false;
        }
        let arrete_url = get(6);
        if let Some(url) = &arrete_url
            && let Err((message, help)) = crate::url::check_external(url)
        {
            diags.push(error(message, "arrete_url", help.to_string()));
            ok = false;
        }
        let (Some(profession), Some(classe), Some(arrete), true) = (profession, classe, arrete, ok)
        else {
            return;
        };
        let rows = periods.entry((profession, insee.clone())).or_default();
        if let Some((.., other)) = rows
            .iter()
            .find(|(d2, a2, _)| overlaps((du, au), (*d2, *a2)))
        {
            diags.push(
                error(
                    format!(
                        "deux classements de `{}` se chevauchent pour la commune {insee} (voir la ligne {})",
                        profession.key(),
                        other.line
                    ),
                    "du",
                    "un nouvel arrêté commence le lendemain de la fin (`au`) du précédent".into(),
                ),
            );
            return;
        }
        rows.push((du, au, span.clone()));
        let periode = if du.is_some_and(|d| d > today) {
            Periode::AVenir
        } else if au.is_some_and(|a| a < today) {
            Periode::Passe
        } else {
            Periode::EnVigueur
        };
        out.push(Zonage {
            profession,
            insee,
            classe,
            du,
            au,
            arrete,
            arrete_url,
            periode,
        });
    });
    out
}

/// A row's period (`du`, `au`) and where it is written.
type Period = (Option<Date>, Option<Date>, Span);

/// Whether two inclusive periods (open at a missing end) share a day.
fn overlaps(a: (Option<Date>, Option<Date>), b: (Option<Date>, Option<Date>)) -> bool {
    let starts_before_end = |start: Option<Date>, end: Option<Date>| match (start, end) {
        (Some(s), Some(e)) => s <= e,
        _ => true,
    };
    starts_before_end(a.0, b.1) && starts_before_end(b.0, a.1)
}
