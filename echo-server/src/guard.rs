//! Who may talk to the server. Any page the user visits can reach a port on
//! 127.0.0.1, so:
//!
//! - every request must name a loopback host (`localhost`, `127.0.0.1`, `[::1]`) or
//!   the configured `--host` in its `Host` header; anything else is `403`. A page
//!   on `http://attacker.example:PORT` whose name is made to resolve to 127.0.0.1
//!   (DNS rebinding) sends `Host: attacker.example:PORT` and gets nothing;
//! - the admin paths check the `Origin` a browser sends with a WebSocket
//!   handshake: only the server's own origins (`http://<allowed host>:<port>`, and
//!   `https://` on the TLS port) and
//!   the `--admin-origin` ones pass;
//! - every response says `X-Content-Type-Options: nosniff`.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};

use crate::{handshake::plain, state::AppState, Config, Error};

/// `Host` names accepted whatever `--host` says.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The accepted `Host` names and admin origins of one server.
#[derive(Debug)]
pub(crate) struct Guard {
    hosts: Vec<String>,
    admin_origins: Vec<String>,
}

impl Guard {
    /// The loopback names and `config.host` as `Host` names; the server's own
    /// origins (`http://` on `port`, `https://` on `tls_port`) and
    /// `config.admin_origins` as admin origins.
    ///
    /// # Errors
    ///
    /// [`Error::AdminOrigin`] for an admin origin that is not `scheme://host[:port]`.
    pub(crate) fn new(config: &Config, port: u16, tls_port: Option<u16>) -> Result<Self, Error> {
        let mut hosts: Vec<String> = LOOPBACK_NAMES.iter().map(|&n| n.to_owned()).collect();
        let configured = host_name(&config.host);
        if !configured.is_empty() && !hosts.contains(&configured) {
            hosts.push(configured);
        }
        let mut admin_origins: Vec<String> = hosts
            .iter()
            .map(|host| origin("http", host, Some(port)))
            .collect();
        if let Some(tls_port) = tls_port {
            admin_origins.extend(
                hosts
                    .iter()
                    .map(|host| origin("https", host, Some(tls_port))),
            );
        }
        for extra in &config.admin_origins {
            let normalized =
                normalize_origin(extra).ok_or_else(|| Error::AdminOrigin(extra.clone()))?;
            admin_origins.push(normalized);
        }
        Ok(Self {
            hosts,
            admin_origins,
        })
    }

    /// Whether a `Host` header value (`name` or `name:port`) names this server.
    pub(crate) fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(strip_port(host));
        self.hosts.contains(&name)
    }

    /// Whether a request may use an admin path, judged by its `Origin`.
    ///
    /// Browsers send `Origin` with every WebSocket handshake, so a request without
    /// one does not come from a web page (curl, a native test) and passes. With one,
    /// it must be the server's own origin or an `--admin-origin`; `null` never passes.
    pub(crate) fn admin_origin_allowed(&self, headers: &HeaderMap) -> bool {
        let mut origins = headers.get_all(header::ORIGIN).iter();
        let Some(first) = origins.next() else {
            return true;
        };
        if origins.next().is_some() {
            return false;
        }
        first
            .to_str()
            .ok()
            .and_then(normalize_origin)
            .is_some_and(|origin| self.admin_origins.contains(&origin))
    }
}

/// Middleware refusing requests whose `Host` (or absolute request URI) does not
/// name this server: `400` without exactly one `Host` (none, or two, whatever
/// their order), `403` for another name.
pub(crate) async fn check_host(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let guard = &state.guard;
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let (Some(host), None) = (hosts.next(), hosts.next()) else {
        // RFC 9112 section 3.2: none, or more than one, is a bad request.
        return plain(
            StatusCode::BAD_REQUEST,
            "exactly one Host header is required",
        );
    };
    let Ok(host) = host.to_str() else {
        return plain(StatusCode::BAD_REQUEST, "the Host header is not ASCII");
    };
    let authority_ok = request
        .uri()
        .authority()
        .is_none_or(|authority| guard.host_allowed(authority.as_str()));
    if !guard.host_allowed(host) || !authority_ok {
        state.log(format_args!("refused Host {host:?}"));
        return plain(
            StatusCode::FORBIDDEN,
            "this server answers only to loopback host names (see --host)",
        );
    }
    next.run(request).await
}

/// Middleware adding `X-Content-Type-Options: nosniff` to every response.
pub(crate) async fn nosniff(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `name:port` → `name`, `[::1]:port` → `[::1]`; a value without a port unchanged.
/// A bracketed name followed by anything but `:port` (`[::1]evil.example`) is
/// returned whole, so it names no host.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.split_once(']') {
            Some((name, rest)) if rest.is_empty() || port_suffix(rest) => {
                host.get(..=name.len()).unwrap_or(host)
            }
            _ => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Whether `text` is `:` and a port (digits only; RFC 3986 allows none).
fn port_suffix(text: &str) -> bool {
    text.strip_prefix(':')
        .is_some_and(|port| port.bytes().all(|b| b.is_ascii_digit()))
}

/// A host name as compared: lowercase, no trailing dot, IPv6 literals in brackets.
fn host_name(name: &str) -> String {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if name.contains(':') && !name.starts_with('[') {
        format!("[{name}]")
    } else {
        name
    }
}

/// `scheme://host` with `:port` unless it is the scheme's default port (browsers
/// leave a default port out of `Origin`).
fn origin(scheme: &str, host: &str, port: Option<u16>) -> String {
    match (scheme, port) {
        (_, None) | ("http", Some(80)) | ("https", Some(443)) => format!("{scheme}://{host}"),
        (_, Some(port)) => format!("{scheme}://{host}:{port}"),
    }
}

/// `HTTP://Example.COM:80/` → `http://example.com`; `None` unless the text is an
/// `http` or `https` origin with a host and at most a port.
fn normalize_origin(text: &str) -> Option<String> {
    let text = text.trim();
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let name = strip_port(authority);
    if name.contains(':') && !(name.starts_with('[') && name.ends_with(']')) {
        return None;
    }
    let port = match &authority[name.len()..] {
        "" => None,
        with_colon => Some(with_colon.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    let name = host_name(name);
    if name.is_empty() || name == "[]" {
        return None;
    }
    Some(origin(&scheme, &name, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(host: &str, admin_origins: &[&str]) -> Guard {
        let config = Config {
            host: host.to_owned(),
            admin_origins: admin_origins.iter().map(|&o| o.to_owned()).collect(),
            ..Config::default()
        };
        Guard::new(&config, 4000, Some(4443)).expect("valid configuration")
    }

    fn with_origin(origin: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_str(origin).expect("header value"),
        );
        headers
    }

    #[test]
    fn loopback_host_names_pass_with_or_without_a_port() {
        let guard = guard("127.0.0.1", &[]);
        for host in [
            "127.0.0.1:4000",
            "127.0.0.1",
            "localhost:1",
            "LOCALHOST.",
            "[::1]:4000",
            "[::1]",
            "[::1]:",
        ] {
            assert!(guard.host_allowed(host), "{host}");
        }
    }

    #[test]
    fn other_host_names_are_refused() {
        let guard = guard("127.0.0.1", &[]);
        for host in [
            "attacker.example:4000",
            "attacker.example",
            "127.0.0.1.attacker.example",
            "localhost.attacker.example:4000",
            "127.0.0.2",
            "0.0.0.0:4000",
            "",
            "[::2]:4000",
            "[::1]evil.example",
            "[::1]evil.example:4000",
            "[::1].attacker.example",
            "[::1]:4000x",
            "[::1]:4000:1",
            "[::1",
        ] {
            assert!(!guard.host_allowed(host), "{host}");
        }
    }

    #[test]
    fn the_configured_host_is_accepted_too() {
        let named = guard("My-Box.local", &[]);
        assert!(named.host_allowed("my-box.local:4000"));
        assert!(named.host_allowed("localhost:4000"));
        let v6 = guard("::1", &[]);
        assert!(v6.host_allowed("[::1]:4000"));
    }

    #[test]
    fn admin_origins_are_the_servers_own_and_the_listed_ones() {
        let guard = guard("127.0.0.1", &["http://127.0.0.1:8000/"]);
        assert!(guard.admin_origin_allowed(&HeaderMap::new()));
        for allowed in [
            "http://127.0.0.1:4000",
            "http://localhost:4000",
            "http://[::1]:4000",
            "HTTP://LOCALHOST:4000",
            "http://127.0.0.1:8000",
            "https://127.0.0.1:4443",
            "https://localhost:4443",
        ] {
            assert!(
                guard.admin_origin_allowed(&with_origin(allowed)),
                "{allowed}"
            );
        }
        for refused in [
            "http://127.0.0.1:4001",
            "http://127.0.0.1",
            "https://127.0.0.1:4000",
            "http://127.0.0.1:4443",
            "https://attacker.example:4443",
            "http://attacker.example:4000",
            "null",
            "",
            "http://127.0.0.1:4000@attacker.example",
        ] {
            assert!(
                !guard.admin_origin_allowed(&with_origin(refused)),
                "{refused}"
            );
        }
        let mut two = with_origin("http://127.0.0.1:4000");
        two.append(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:4000"),
        );
        assert!(!guard.admin_origin_allowed(&two), "two Origin headers");
    }

    #[test]
    fn origins_are_normalized() {
        assert_eq!(
            normalize_origin("HTTP://Example.COM:80/").as_deref(),
            Some("http://example.com")
        );
        assert_eq!(
            normalize_origin("https://[::1]:8443").as_deref(),
            Some("https://[::1]:8443")
        );
        for bad in [
            "127.0.0.1:8000",
            "ftp://x",
            "http://",
            "http://x/path",
            "http://x:port",
            "http://x:99999",
            "http://[::1]evil.example",
            "http://[::1]evil.example:4000",
            "http://[::1",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad}");
        }
        let config = Config {
            admin_origins: vec!["127.0.0.1:8000".to_owned()],
            ..Config::default()
        };
        assert!(matches!(
            Guard::new(&config, 1, None),
            Err(Error::AdminOrigin(_))
        ));
    }
}
