//! One address asked for, and what its answer means for an editor.
//!
//! GET, never HEAD: some servers answer HEAD with 405 while the page is
//! fine. Redirects are followed by hand, so a permanent one (301, 308) can
//! be reported with the address to write instead. A server that refuses
//! robots (401, 403) or asks to slow down (429) is not a dead link: those
//! are warnings, as are timeouts and server errors, which pass.

use std::time::Duration;

use ureq::Agent;

/// How to ask.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Time allowed for one request, connection included.
    pub timeout: Duration,
    /// The `User-Agent`: a plain product name with the site's address,
    /// which servers block less than a library's default.
    pub user_agent: String,
    /// Longest wait honoured from a `Retry-After` (and the wait before
    /// the one retry of a server error).
    pub max_retry_wait: Duration,
}

/// What checking an address found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// A permanent redirect, to an address that works.
    Moved(String),
    /// Published, it is a dead link (an error).
    Dead(String),
    /// Maybe fine for a reader, not checkable from here (a warning).
    Doubtful(String),
}

const MAX_REDIRECTS: usize = 5;

pub fn agent(settings: &Settings) -> Agent {
    Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(settings.user_agent.as_str())
        .build()
        .into()
}

/// Checks `url`, following up to five redirects, retrying once a 429 or a
/// server error.
pub fn check(agent: &Agent, settings: &Settings, url: &str) -> Verdict {
    let mut current = url.to_string();
    let mut moved = false;
    for _ in 0..=MAX_REDIRECTS {
        let answer = match ask(agent, settings, &current) {
            Ok(a) => a,
            Err(verdict) => return verdict,
        };
        match answer.status {
            200..=299 => {
                return if moved && current != url {
                    Verdict::Moved(current)
                } else {
                    Verdict::Ok
                };
            }
            301 | 302 | 303 | 307 | 308 => {
                let Some(location) = answer.location else {
                    return Verdict::Dead(format!(
                        "redirection ({}) sans adresse de destination",
                        answer.status
                    ));
                };
                // Only a chain of permanent redirects is worth rewriting
                // the address for.
                let permanent = matches!(answer.status, 301 | 308);
                moved = (moved || current == url) && permanent;
                current = join(&current, &location);
            }
            404 | 410 => {
                return Verdict::Dead(format!("page introuvable ({})", answer.status));
            }
            401 | 403 => {
                return Verdict::Doubtful(format!(
                    "accès refusé ({}) : le site refuse peut-être les vérifications automatiques ; ouvrez l'adresse dans un navigateur",
                    answer.status
                ));
            }
            429 => {
                return Verdict::Doubtful(
                    "le site demande de ralentir (429) : adresse non vérifiée, réessayez plus tard"
                        .into(),
                );
            }
            s if s >= 500 => {
                return Verdict::Doubtful(format!(
                    "erreur du serveur ({s}) : le site est peut-être en panne ; réessayez plus tard"
                ));
            }
            s => return Verdict::Dead(format!("réponse {s} du serveur")),
        }
    }
    Verdict::Dead(format!("plus de {MAX_REDIRECTS} redirections (boucle ?)"))
}

struct Answer {
    status: u16,
    location: Option<String>,
}

/// One GET, retried once after a 429 or a 5xx.
fn ask(agent: &Agent, settings: &Settings, url: &str) -> Result<Answer, Verdict> {
    let mut retried = false;
    loop {
        let response = agent
            .get(url)
            .header("Accept", "text/html, */*")
            .call()
            .map_err(failure)?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if !retried && (status == 429 || status >= 500) {
            let wait = header("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map_or(settings.max_retry_wait, Duration::from_secs)
                .min(settings.max_retry_wait);
            drop(response);
            std::thread::sleep(wait);
            retried = true;
            continue;
        }
        return Ok(Answer {
            status,
            location: header("location"),
        });
    }
}

fn failure(e: ureq::Error) -> Verdict {
    match e {
        ureq::Error::HostNotFound => {
            Verdict::Dead("serveur introuvable : le nom du site n'existe pas (ou plus)".into())
        }
        ureq::Error::ConnectionFailed => Verdict::Dead("connexion refusée par le serveur".into()),
        ureq::Error::Timeout(_) => {
            Verdict::Doubtful("pas de réponse dans le délai : le site est peut-être lent".into())
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            Verdict::Doubtful("pas de réponse dans le délai : le site est peut-être lent".into())
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Verdict::Dead("connexion refusée par le serveur".into())
        }
        // The resolver's failure has no kind of its own in std.
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
            Verdict::Dead("serveur introuvable : le nom du site n'existe pas (ou plus)".into())
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            Verdict::Dead("connexion sécurisée impossible (certificat invalide ou expiré)".into())
        }
        other => Verdict::Doubtful(format!("vérification impossible : {other}")),
    }
}

/// A `Location` against the address it came from.
fn join(base: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let origin_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    if location.starts_with('/') {
        return format!("{}{location}", &base[..origin_end]);
    }
    let path_end = base
        .rfind('/')
        .filter(|&i| i >= origin_end)
        .map_or(base.len(), |i| i + 1);
    let dir = &base[..path_end];
    if dir.ends_with('/') {
        format!("{dir}{location}")
    } else {
        format!("{dir}/{location}")
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn locations_are_joined_to_their_base() {
        assert_eq!(join("https://a.fr/x/y", "/z"), "https://a.fr/z");
        assert_eq!(join("https://a.fr/x/y", "z"), "https://a.fr/x/z");
        assert_eq!(join("https://a.fr", "z"), "https://a.fr/z");
        assert_eq!(join("https://a.fr/x", "https://b.fr/"), "https://b.fr/");
        assert_eq!(join("https://a.fr/x", "//b.fr/y"), "https://b.fr/y");
    }
}
