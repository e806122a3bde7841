//! Answers one HTTP request from the in-memory site.
//!
//! Only files of the last good build are served: a request path is decoded
//! segment by segment and looked up in the output map, so nothing on disk
//! is ever reachable; paths that try to escape (`..`, encoded slashes,
//! backslashes, NUL, empty segments) are refused before the lookup anyway.
//! The `Host` header must name the server itself, so a page of another site
//! cannot reach it through DNS rebinding.

use std::net::IpAddr;

use super::state::{Broken, Good};
use super::wire::{Answer, Request, Response};
use super::{CLIENT_JS, PREFIX, SCRIPT_TAG, Shared, live};

/// The answer to a GET or HEAD (the wire layer refuses other methods and
/// request bodies before this is reached).
pub(crate) fn handle(request: &Request, shared: &Shared) -> Answer {
    let reply = |status: u16, text: &str| Answer::Page(text_response(status, text));
    if !request
        .host
        .as_deref()
        .is_some_and(|h| host_allowed(h, shared.ip, shared.port))
    {
        return reply(403, "hôte non autorisé");
    }
    let url = request.target.as_str();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if let Some(own) = path.strip_prefix(PREFIX) {
        return own_resource(request, own, shared);
    }
    let Ok(key) = site_path(path) else {
        return reply(400, "chemin refusé");
    };
    let (good, broken) = shared.snapshot();
    let Some(good) = good else {
        // The very first build failed: every page is the error page.
        return match &broken {
            Some(b) if key.is_empty() || key.ends_with(".html") || key.ends_with('/') => {
                Answer::Page(html_response(500, error_page(b)))
            }
            _ => reply(404, "introuvable"),
        };
    };
    let file = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    Answer::Page(if let Some(bytes) = good.output.get(&file) {
        file_response(200, &file, bytes, &good, broken.as_deref())
    } else if good.output.contains_key(&format!("{key}/index.html")) {
        // `/aides` → `/aides/`: relative links in the page need the slash.
        // Temporary: the next build may make `aides` a file.
        let location = match query {
            "" => format!("{path}/"),
            q => format!("{path}/?{q}"),
        };
        text_response(302, "voir l'adresse avec une barre finale")
            .header("Location", &ascii_only(&location))
    } else if let Some(bytes) = good.output.get("404.html") {
        file_response(404, "404.html", bytes, &good, broken.as_deref())
    } else {
        text_response(404, "introuvable")
    })
}

/// `/__vitrine/…`: the reload script, the event stream and the error state.
fn own_resource(request: &Request, name: &str, shared: &Shared) -> Answer {
    Answer::Page(match name {
        "client.js" => Response::new(200, CLIENT_JS.as_bytes().to_vec())
            .header("Content-Type", "text/javascript; charset=utf-8")
            .header("Cache-Control", "no-cache"),
        "events" if request.is_head() => Response::new(200, Vec::new())
            .header("Content-Type", "text/event-stream; charset=utf-8")
            .header("Cache-Control", "no-cache"),
        "events" => {
            let Some(subscription) = shared.live.subscribe() else {
                return Answer::Page(
                    text_response(503, "trop de pages ouvertes sur ce serveur")
                        .header("Retry-After", "5"),
                );
            };
            let (good, broken) = shared.snapshot();
            let build = good.as_ref().map_or("", |g| g.build.as_str());
            let mut first = vec![live::format_event(
                "hello",
                &serde_json::json!({ "build": build }).to_string(),
            )];
            if let Some(b) = broken {
                first.push(live::format_event("error", &b.json));
            }
            return Answer::Stream(subscription.with_first(first));
        }
        "state" => {
            let (_, broken) = shared.snapshot();
            let json = broken.map_or_else(|| "null".to_string(), |b| b.json.clone());
            Response::new(200, json.into_bytes())
                .header("Content-Type", "application/json")
                .header("Cache-Control", "no-cache")
        }
        _ => text_response(404, "introuvable"),
    })
}

/// Percent-encodes what a header value cannot hold (non-ASCII, controls).
fn ascii_only(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn text_response(status: u16, text: &str) -> Response {
    Response::new(status, format!("{status} {text}\n").into_bytes())
        .header("Content-Type", "text/plain; charset=utf-8")
}

fn html_response(status: u16, body: Vec<u8>) -> Response {
    Response::new(status, body)
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-cache")
}

fn file_response(
    status: u16,
    file: &str,
    bytes: &[u8],
    good: &Good,
    broken: Option<&Broken>,
) -> Response {
    let body = if file.ends_with(".html") {
        decorate(bytes, &good.build, broken)
    } else {
        bytes.to_vec()
    };
    Response::new(status, body)
        .header("Content-Type", content_type(file))
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
}

/// Tells the page's script which build it comes from (so it reloads if it
/// missed a rebuild while connecting) and, while the latest build is broken,
/// embeds the errors so the overlay shows at once.
fn decorate(html: &[u8], build: &str, broken: Option<&Broken>) -> Vec<u8> {
    let tag = SCRIPT_TAG.as_bytes();
    let Some(at) = html.windows(tag.len()).rposition(|w| w == tag) else {
        return html.to_vec();
    };
    let mut out = Vec::with_capacity(html.len() + 256);
    out.extend_from_slice(&html[..at]);
    if let Some(b) = broken {
        out.extend_from_slice(state_block(b).as_bytes());
    }
    let build = build.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "");
    out.extend_from_slice(
        format!("<script src=\"{PREFIX}client.js\" data-build=\"{build}\"></script>").as_bytes(),
    );
    out.extend_from_slice(&html[at + tag.len()..]);
    out
}

/// The errors as inert JSON in the page (`<` escaped so no text can close
/// the element).
fn state_block(broken: &Broken) -> String {
    format!(
        "<script type=\"application/json\" id=\"vitrine-erreurs\">{}</script>",
        broken.json.replace('<', "\\u003c")
    )
}

/// The page served for every address while no build has ever succeeded.
fn error_page(broken: &Broken) -> Vec<u8> {
    let text = broken
        .text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Le site n'a pas pu être construit</title>\n\
         <style>body {{ font: 1.125rem/1.5 system-ui, sans-serif; margin: 1rem auto; \
         padding: 0 1rem; max-width: 60rem; }} pre {{ overflow: auto; }}</style>\n</head>\n<body>\n<main>\n\
         <h1>Le site n'a pas pu être construit</h1>\n\
         <p>Corrigez l'erreur ci-dessous et enregistrez : la page se mettra à jour d'elle-même.</p>\n\
         <pre tabindex=\"0\">{text}</pre>\n</main>\n{}<script src=\"{PREFIX}client.js\" data-build=\"\"></script>\n\
         </body>\n</html>\n",
        state_block(broken)
    )
    .into_bytes()
}

/// The output key of a request path, or `Err` for any path that is not a
/// plain `/`-separated list of names: each segment is percent-decoded on
/// its own and must not be empty (`//`), `.` or `..`, nor contain `/`, `\`,
/// NUL or control characters once decoded.
pub(crate) fn site_path(path: &str) -> Result<String, ()> {
    let rest = path.strip_prefix('/').ok_or(())?;
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    let mut key = String::with_capacity(rest.len());
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            if i == last {
                break; // trailing slash: a directory
            }
            return Err(());
        }
        let name = String::from_utf8(percent_decode(segment)?).map_err(|_| ())?;
        if name == "."
            || name == ".."
            || name
                .chars()
                .any(|c| c == '/' || c == '\\' || c.is_control())
        {
            return Err(());
        }
        key.push_str(&name);
        if i < last {
            key.push('/');
        }
    }
    Ok(key)
}

fn percent_decode(s: &str) -> Result<Vec<u8>, ()> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(())?;
            let hex = std::str::from_utf8(hex).map_err(|_| ())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Whether a `Host` header names this server: `localhost` or the bound
/// address with the bound port; when bound to every interface, any IP
/// address (a DNS rebinding attack needs a host *name*).
pub(crate) fn host_allowed(host: &str, ip: IpAddr, port: u16) -> bool {
    let (name, host_port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((name, rest)) => (name, rest.strip_prefix(':')),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, p)) => (name, Some(p)),
            None => (host, None),
        },
    };
    if host_port.map_or(port != 80, |p| p.parse::<u16>() != Ok(port)) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(asked) => {
            asked == ip || ip.is_unspecified() || (ip.is_loopback() && asked.is_loopback())
        }
        Err(_) => false,
    }
}

pub(crate) fn content_type(file: &str) -> &'static str {
    if file == crate::feeds::ATOM_PATH {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_map_to_output_keys() {
        assert_eq!(site_path("/"), Ok(String::new()));
        assert_eq!(site_path("/aides/"), Ok("aides/".into()));
        assert_eq!(
            site_path("/aides/x/index.html"),
            Ok("aides/x/index.html".into())
        );
        assert_eq!(site_path("/pages/%C3%A9t%C3%A9"), Ok("pages/été".into()));
        assert_eq!(site_path("/a%20b.pdf"), Ok("a b.pdf".into()));
    }

    #[test]
    fn escaping_paths_are_refused() {
        for bad in [
            "/../Cargo.toml",
            "/aides/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/aides/..%2f..%2fx",
            "/aides%2fx",
            "/..%5c..%5cx",
            "/..\\..\\x",
            "/a\\b",
            "//etc/passwd",
            "/aides//x",
            "/%00",
            "/a%00.html",
            "/./x",
            "/%",
            "/%zz",
            "/%ff",
            "etc/passwd",
            "http://evil/etc/passwd",
            "*",
        ] {
            assert_eq!(site_path(bad), Err(()), "{bad}");
        }
    }

    #[test]
    fn only_this_server_is_a_valid_host() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(host_allowed("127.0.0.1:1111", lo, 1111));
        assert!(host_allowed("localhost:1111", lo, 1111));
        assert!(host_allowed("LocalHost:1111", lo, 1111));
        assert!(!host_allowed("127.0.0.1:1112", lo, 1111));
        assert!(!host_allowed("evil.example:1111", lo, 1111));
        assert!(!host_allowed("127.0.0.1", lo, 1111));
        assert!(!host_allowed("192.168.1.5:1111", lo, 1111));
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert!(host_allowed("192.168.1.5:1111", lan, 1111));
        assert!(!host_allowed("evil.example:1111", lan, 1111));
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("10.0.0.7:1111", any, 1111));
        assert!(!host_allowed("evil.example:1111", any, 1111));
        let v6: IpAddr = "::1".parse().unwrap();
        assert!(host_allowed("[::1]:1111", v6, 1111));
        assert!(!host_allowed("[::1:1111", v6, 1111));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/vitrine.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("x.GeoJSON"), "application/geo+json");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("evenements/agenda.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
