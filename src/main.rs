//! The `vitrine` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use vitrine::diag::{Diagnostics, Sources};
use vitrine::report::{self, Format};

/// mimalloc rather than the system allocator: a build makes millions of
/// small allocations from both cores, and glibc's per-thread arenas grow
/// a few pages at a time (one `mprotect` each), which cost a fifth of the
/// CPU time of `check` on a site of 4,000 records.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "vitrine",
    version,
    about = "Génère le site d'un guide départemental pour les professionnels de santé à partir de fiches YAML et de pages Markdown."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Common {
    /// Racine du site (le dossier qui contient content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Inclure les fiches et pages en brouillon (statut: brouillon).
    #[arg(long)]
    drafts: bool,
    /// Date de référence des avertissements (AAAA-MM-JJ) ; aujourd'hui par défaut.
    #[arg(long, value_name = "DATE")]
    today: Option<jiff::civil::Date>,
    /// Afficher le temps passé dans chaque étape (lecture, vérification, plan, rendu, PDF, écriture).
    #[arg(long)]
    timings: bool,
    /// Forme des diagnostics : human (terminal), github (annotations de GitHub Actions et résumé de l'étape), gitlab (rapport Code Quality, JSON), json. github par défaut quand GITHUB_ACTIONS=true.
    #[arg(long, value_enum, value_name = "FORME")]
    format: Option<Format>,
}

#[derive(Subcommand)]
enum Command {
    /// Construit le site dans le dossier de sortie (remplacé d'un seul coup, seulement si tout a réussi).
    Build {
        #[command(flatten)]
        common: Common,
        /// Dossier de sortie ; par défaut <root>/public.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Adresse de base du site, à la place de `url_base` de site.yaml (ex. https://compte.github.io/guide/).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Ne pas produire le PDF du guide (aperçus rapides) ; la page du guide n'y renvoie alors pas.
        #[arg(long)]
        no_pdf: bool,
        /// Ne pas produire l'index de recherche ; le site n'affiche alors pas de champ de recherche.
        #[arg(long)]
        no_search: bool,
        /// Remplacer le dossier de sortie même s'il n'a pas été écrit par vitrine (jamais un fichier ni un lien symbolique).
        #[arg(long)]
        force: bool,
    },
    /// Vérifie le contenu et les gabarits sans rien écrire : affiche toutes les erreurs et tous les avertissements. Le PDF n'est composé qu'avec --pdf ; l'index de recherche n'est pas construit.
    Check {
        #[command(flatten)]
        common: Common,
        /// Composer aussi le PDF du guide, pour en vérifier le gabarit (plus lent).
        #[arg(long)]
        pdf: bool,
    },
    /// Crée une fiche en brouillon à remplir, content/<type>/<id>.yaml, avec chaque champ obligatoire vide et un commentaire qui dit quoi y mettre.
    New {
        /// Type de fiche : aides, logements, stages, atouts, evenements ou organisations.
        #[arg(value_name = "TYPE")]
        kind: String,
        /// Identifiant de la fiche, qui est aussi le nom du fichier : minuscules sans accents, chiffres et tirets.
        id: String,
        /// Racine du site (le dossier qui contient content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Date de `mis_a_jour_le` (AAAA-MM-JJ) ; aujourd'hui par défaut.
        #[arg(long, value_name = "DATE")]
        today: Option<jiff::civil::Date>,
    },
    /// Vérifie les adresses externes du contenu (sources, démarches, liens des textes) : liens morts en erreurs, redirections définitives et refus en avertissements. Les adresses trouvées valides sont gardées 7 jours dans .vitrine/liens.json.
    Liens {
        /// Racine du site (le dossier qui contient content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Forme des diagnostics : human, github, gitlab ou json (comme pour check).
        #[arg(long, value_enum, value_name = "FORME")]
        format: Option<Format>,
        /// Pause entre deux requêtes au même site, en millisecondes.
        #[arg(long, default_value_t = 1000, value_name = "MS")]
        pause: u64,
        /// Délai de réponse accordé à chaque adresse, en secondes.
        #[arg(long, default_value_t = 15, value_name = "S")]
        delai: u64,
        /// Sites interrogés en même temps.
        #[arg(long, default_value_t = 4, value_name = "N")]
        paralleles: usize,
        /// Tout revérifier, sans reprendre les adresses valides du cache.
        #[arg(long)]
        sans_cache: bool,
        /// Date du jour (AAAA-MM-JJ), pour l'âge du cache ; aujourd'hui par défaut.
        #[arg(long, value_name = "DATE")]
        today: Option<jiff::civil::Date>,
    },
    /// Crée le site d'un autre département : site.yaml, pages légales à compléter, dossiers des fiches, communes du département (table nationale intégrée) et un README pour les éditeurs.
    Init {
        /// Dossier du nouveau site (créé s'il n'existe pas) ; le dossier courant par défaut.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Code du département (91, 2A, 974…).
        #[arg(long, value_name = "CODE")]
        departement: String,
    },
    /// Sert le site sur cet ordinateur et le met à jour à chaque enregistrement (pour relire ses modifications).
    Serve {
        #[command(flatten)]
        common: Common,
        /// Port d'écoute ; s'il est pris, les 10 suivants sont essayés (0 : un port libre au hasard).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Adresse d'écoute ; 127.0.0.1 par défaut. Une autre adresse ouvre le site aux autres machines du réseau.
        #[arg(long, value_name = "ADRESSE")]
        bind: Option<std::net::IpAddr>,
        /// Ouvrir le site dans le navigateur.
        #[arg(long)]
        open: bool,
        /// Relire les fichiers régulièrement au lieu d'attendre les notifications du système (disques réseau, WSL).
        #[arg(long)]
        poll: bool,
    },
}

fn main() -> ExitCode {
    vitrine::no_huge_pages();
    let cli = Cli::parse();
    let start = Instant::now();
    let color = std::io::stderr().is_terminal();
    let (common, output, base_url, skip_pdf, skip_search) = match cli.command {
        Command::Serve {
            common,
            port,
            bind,
            open,
            poll,
        } => {
            let config = vitrine::serve::Config {
                root: common.root,
                port,
                bind,
                open,
                poll,
                drafts: common.drafts,
                today: common.today,
            };
            return match vitrine::serve::run(&config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("vitrine : {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Build {
            common,
            output,
            base_url,
            no_pdf,
            no_search,
            force,
        } => {
            let out = output.unwrap_or_else(|| common.root.join("public"));
            (common, Some((out, force)), base_url, no_pdf, no_search)
        }
        Command::Check { common, pdf } => (common, None, None, !pdf, true),
        Command::Liens {
            root,
            format,
            pause,
            delai,
            paralleles,
            sans_cache,
            today,
        } => {
            let opts = vitrine::liens::Options {
                today: today.unwrap_or_else(vitrine::today),
                pause: std::time::Duration::from_millis(pause),
                timeout: std::time::Duration::from_secs(delai.max(1)),
                parallel: paralleles,
                use_cache: !sans_cache,
            };
            let report = vitrine::liens::run(&root, &opts);
            let format = format.unwrap_or_else(default_format);
            let prefix = report::repo_prefix(&root);
            print_diags(format, &report.diags, &report.sources, &prefix, color);
            eprintln!(
                "vitrine : {} adresse(s) vérifiée(s), {} reprise(s) du cache de moins de 7 jours ; {} lien(s) mort(s), {} avertissement(s)",
                report.checked,
                report.cached,
                report.diags.error_count(),
                report.diags.warning_count()
            );
            return if report.diags.has_errors() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
        Command::Init { dir, departement } => {
            return match vitrine::init::init(&dir, &departement) {
                Ok(files) => {
                    println!(
                        "vitrine : site créé dans {} ({} fichiers)",
                        dir.display(),
                        files.len()
                    );
                    println!(
                        "Complétez les passages marqués « {} » (vitrine check les signale), puis lancez `vitrine serve` pour voir le site.",
                        vitrine::init::TO_COMPLETE
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("vitrine : {message}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::New {
            kind,
            id,
            root,
            today,
        } => return new_record(&root, &kind, &id, today.unwrap_or_else(vitrine::today)),
    };
    let opts = vitrine::Options {
        root: common.root.clone(),
        drafts: common.drafts,
        base_url,
        today: common.today,
        inject: Default::default(),
        default_theme_dir: None,
        skip_pdf,
        skip_search,
        search_in_background: false,
    };
    let result = match &output {
        Some((out, force)) => vitrine::build_to_dir(&opts, out, *force),
        None => vitrine::check(&opts),
    };
    let seconds = format!("{:.2}", start.elapsed().as_secs_f64()).replace('.', ",");
    if common.timings {
        let timings = match &result {
            Ok(b) => &b.timings,
            Err(f) => &f.timings,
        };
        eprint!("{}", timings.report());
        eprintln!("temps	total	{:.4}", start.elapsed().as_secs_f64());
    }
    let format = common.format.unwrap_or_else(default_format);
    let prefix = report::repo_prefix(&common.root);
    let machine = matches!(format, Format::Gitlab | Format::Json);
    match result {
        Ok(built) => {
            print_diags(format, &built.diags, &built.sources, &prefix, color);
            let warnings = built.diags.warning_count();
            let what = match &output {
                Some((out, _)) => format!("{} pages écrites dans {}", built.pages, out.display()),
                None => format!("{} pages vérifiées", built.pages),
            };
            let line = format!("vitrine : {what}, {warnings} avertissement(s), en {seconds} s");
            // The standard output of a machine format is its report only.
            if machine {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            // Everything is written: the process ends without freeing the
            // site piece by piece (the system takes the memory back at once).
            std::mem::forget(built);
            ExitCode::SUCCESS
        }
        Err(failed) => {
            print_diags(format, &failed.diags, &failed.sources, &prefix, color);
            eprintln!(
                "vitrine : échec, {} erreur(s) et {} avertissement(s) ; rien n'a été écrit",
                failed.diags.error_count(),
                failed.diags.warning_count()
            );
            ExitCode::FAILURE
        }
    }
}

/// Prints diagnostics in the chosen form. With `github`, the snippets stay
/// on the error output so the job's log shows them, and the annotations go
/// to the standard output, where the runner reads workflow commands.
fn print_diags(format: Format, diags: &Diagnostics, sources: &Sources, prefix: &str, color: bool) {
    use std::io::Write as _;
    let text = match format {
        Format::Human => {
            eprint!("{}", vitrine::diag::render(diags, sources, color));
            return;
        }
        Format::Github => {
            eprint!("{}", vitrine::diag::render(diags, sources, color));
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
                let appended = std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(&path)
                    .and_then(|mut f| {
                        f.write_all(report::github_summary(diags, prefix).as_bytes())
                    });
                if let Err(e) = appended {
                    eprintln!("vitrine : résumé non écrit dans GITHUB_STEP_SUMMARY ({e})");
                }
            }
            report::github(diags, sources, prefix)
        }
        Format::Gitlab => report::gitlab(diags, prefix),
        Format::Json => report::json(diags, sources, prefix),
    };
    print!("{text}");
}

/// `vitrine new`: writes the draft and says what to do next.
fn new_record(root: &std::path::Path, kind: &str, id: &str, today: jiff::civil::Date) -> ExitCode {
    use vitrine::scaffold;
    let Some(kind) = scaffold::kind_named(kind) else {
        let kinds: Vec<&str> = vitrine::model::Kind::ALL.iter().map(|k| k.dir()).collect();
        eprintln!(
            "vitrine : type de fiche `{kind}` inconnu ; types : {}",
            kinds.join(", ")
        );
        return ExitCode::FAILURE;
    };
    let written = scaffold::new_record(root, kind, id, today)
        .and_then(|path| Ok((path, scaffold::ensure_schema(root, kind)?)));
    match written {
        Ok((path, schema)) => {
            println!("vitrine : brouillon écrit dans {}", path.display());
            if let Some(schema) = schema {
                println!(
                    "vitrine : schéma des champs écrit dans {}",
                    schema.display()
                );
            }
            println!(
                "Remplissez les champs vides, puis lancez `vitrine check` : il liste ce qui reste avant la publication (`statut: publie`)."
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("vitrine : {message}");
            ExitCode::FAILURE
        }
    }
}

/// `github` under GitHub Actions, where annotations reach the pull
/// request; `human` elsewhere.
fn default_format() -> Format {
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        Format::Github
    } else {
        Format::Human
    }
}
