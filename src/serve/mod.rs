//! `vitrine serve`: builds the site in memory, serves it on the local
//! machine and rebuilds it whenever a file changes, for editors to see
//! their edits (or their errors) in the browser as soon as they save.
//!
//! Threads: one accepts connections and each connection has its own, which
//! answers requests from the last good build ([`wire`], [`http`]) or, for an
//! open page, keeps its event stream ([`live`]); one thread waits for file
//! changes and rebuilds ([`watch`], [`rebuild`]). The only shared state is
//! [`Shared`]: the served site behind a lock, swapped whole.
//! The order matters for editors: a rebuild is swapped in first and only
//! then are pages told to reload, so a reload never sees the old site.

mod http;
mod live;
mod rebuild;
mod state;
mod watch;
mod wire;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use std::thread::JoinHandle;

use crate::{Options, render::Inject};
use state::{Broken, Good, State};

/// Where the server's own resources live, apart from any site path.
pub(crate) const PREFIX: &str = "/__vitrine/";
/// What the build injects before `</body>` of every page (and `build` never
/// does): the server adds the page's build name to it when serving.
pub(crate) const SCRIPT_TAG: &str = "<script src=\"/__vitrine/client.js\"></script>";
/// The reload and error-overlay script.
pub(crate) const CLIENT_JS: &str = include_str!("client.js");

/// How many ports are tried after the requested one when it is taken.
const PORT_TRIES: u16 = 10;

/// What `vitrine serve` was asked for.
#[derive(Clone, Debug)]
pub struct Config {
    pub root: PathBuf,
    /// The first port tried; 0 lets the system pick a free one.
    pub port: u16,
    /// The address to listen on; loopback (127.0.0.1) when `None`.
    pub bind: Option<IpAddr>,
    /// Open the site in the browser once it is served.
    pub open: bool,
    /// Poll the files instead of relying on system notifications.
    pub poll: bool,
    pub drafts: bool,
    pub today: Option<jiff::civil::Date>,
}

/// What the HTTP workers, the event streams and the rebuild loop share.
pub(crate) struct Shared {
    state: RwLock<State>,
    live: live::Live,
    ip: IpAddr,
    port: u16,
}

impl Shared {
    /// The current site and error, cloned out so the lock is held briefly.
    fn snapshot(&self) -> (Option<Arc<Good>>, Option<Arc<Broken>>) {
        let s = self.state.read().unwrap_or_else(|e| e.into_inner());
        (s.good.clone(), s.broken.clone())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running dev server. Dropping it without [`Server::stop`] leaves its
/// threads running until the process exits.
pub struct Server {
    url: String,
    shared: Arc<Shared>,
    http: wire::Listening,
    watcher: Arc<watch::Watcher>,
    rebuilds: JoinHandle<()>,
}

/// Runs `vitrine serve` until Ctrl-C.
pub fn run(config: &Config) -> io::Result<()> {
    let server = Server::start(config)?;
    println!(
        "vitrine : site servi sur {} (Ctrl-C pour arrêter)",
        server.url()
    );
    if config.open {
        open_browser(server.url());
    }
    let (tx, rx) = mpsc::channel();
    match ctrlc::set_handler(move || {
        let _ = tx.send(());
    }) {
        Ok(()) => {
            let _ = rx.recv();
        }
        // Without a handler, Ctrl-C ends the process the usual way.
        Err(e) => {
            eprintln!("vitrine : Ctrl-C ne pourra pas arrêter proprement le serveur : {e}");
            loop {
                std::thread::park();
            }
        }
    }
    server.stop();
    eprintln!("vitrine : serveur arrêté");
    Ok(())
}

impl Server {
    /// Binds, builds once, starts watching and serving; returns at once.
    pub fn start(config: &Config) -> io::Result<Server> {
        if !config.root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("le dossier du site {} n'existe pas", config.root.display()),
            ));
        }
        let ip = config.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        if !ip.is_loopback() {
            eprintln!(
                "vitrine : attention, le site est ouvert aux autres machines du réseau ({ip}) ; \
                 il n'est fait que pour prévisualiser"
            );
        }
        let listener = bind(ip, config.port)?;
        let port = listener.local_addr()?.port();
        let host = match ip {
            IpAddr::V4(v4) if v4.is_unspecified() => Ipv4Addr::LOCALHOST.to_string(),
            IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
            IpAddr::V4(v4) => v4.to_string(),
        };
        let url = format!("http://{host}:{port}/");
        let default_theme_dir = crate::theme::default_source_dir();
        let opts = Options {
            root: config.root.clone(),
            drafts: config.drafts,
            base_url: Some(url.clone()),
            today: config.today,
            inject: Inject {
                before_body_end: SCRIPT_TAG.to_string(),
            },
            default_theme_dir: default_theme_dir.clone(),
            skip_pdf: true,
            skip_search: false,
            search_in_background: true,
        };
        let shared = Arc::new(Shared {
            state: RwLock::new(State::default()),
            live: live::Live::default(),
            ip,
            port,
        });
        let mut builder = rebuild::Builder::new(opts, shared.clone());
        builder.build_and_apply();

        let dirs = watched_dirs(&config.root, default_theme_dir.as_deref());
        let (watcher, events) = watch::start(&dirs, config.poll)
            .map_err(|e| io::Error::other(format!("surveillance des fichiers impossible : {e}")))?;
        eprintln!("vitrine : {} de {}", watcher.describe(), list(&dirs));
        let watcher = Arc::new(watcher);
        let watching = watcher.clone();
        let rebuilds = std::thread::Builder::new()
            .name("vitrine-rebuild".into())
            .spawn(move || rebuild::rebuild_loop(&events, &watching, &mut builder))?;

        let http = wire::serve(listener, shared.clone())?;
        Ok(Server {
            url,
            shared,
            http,
            watcher,
            rebuilds,
        })
    }

    /// The address the site is served at, e.g. `http://127.0.0.1:1111/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops watching and serving: no new connection, the streams ended.
    pub fn stop(self) {
        self.http.stop();
        self.shared.live.close();
        self.watcher.stop();
        let _ = self.rebuilds.join();
    }
}

/// Binds `port`, or the next ones when it is taken, saying so.
fn bind(ip: IpAddr, port: u16) -> io::Result<TcpListener> {
    let mut last = None;
    for p in (0..=PORT_TRIES).filter_map(|i| port.checked_add(i)) {
        match TcpListener::bind(SocketAddr::new(ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && port != 0 => {
                eprintln!("vitrine : le port {p} est déjà utilisé, essai du suivant");
                last = Some(e);
            }
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("impossible d'écouter sur {ip}:{p} : {e}"),
                ));
            }
        }
    }
    let e = last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse));
    Err(io::Error::new(
        e.kind(),
        format!(
            "aucun port libre entre {port} et {} : {e}",
            port.saturating_add(PORT_TRIES)
        ),
    ))
}

/// The site's content, its theme overrides and, from a checkout, the
/// default theme's sources; canonical, so event paths compare with them.
/// A directory missing at start (no `themes/` yet) is listed all the same:
/// the watcher arms it as soon as it is created.
fn watched_dirs(root: &Path, default_theme: Option<&Path>) -> Vec<PathBuf> {
    if !root.join("content").is_dir() {
        eprintln!(
            "vitrine : attention, {} n'existe pas : créez-le, il sera suivi dès sa création",
            root.join("content").display()
        );
    }
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let candidates = [
        Some(base.join("content")),
        Some(base.join("themes")),
        default_theme.map(Path::to_path_buf),
    ];
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in candidates.into_iter().flatten() {
        let dir = dir.canonicalize().unwrap_or(dir);
        if !dirs.iter().any(|d| dir.starts_with(d)) {
            dirs.push(dir);
        }
    }
    dirs
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Opens the site in the default browser; failing is only a warning.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let url = url.to_string();
    let spawned = std::process::Command::new(opener)
        .arg(&url)
        .stdin(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reap it without holding up the server.
            std::thread::spawn(move || match child.wait() {
                Ok(s) if !s.success() && !cfg!(windows) => {
                    eprintln!("vitrine : attention, {opener} n'a pas pu ouvrir {url} ({s})");
                }
                _ => {}
            });
        }
        Err(e) => {
            eprintln!("vitrine : attention, impossible d'ouvrir le navigateur ({opener} : {e})")
        }
    }
}
