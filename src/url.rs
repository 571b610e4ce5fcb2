//! URL checks: the WHATWG rules for a WebSocket URL, the same in every browser.
//!
//! Parsing is left to the browser (the `WebSocket` constructor, or `URL` in
//! [`resolve_url`]), so no URL parser is compiled into the wasm. On top of it this
//! module applies, to the URL as the browser serialized it, the checks that browsers
//! disagree on: Chromium accepts `ws://foo bar.com/` and percent-encodes the space,
//! while Firefox, like the URL standard, refuses it. Here it is refused everywhere.

use wasm_bindgen::JsCast;

use crate::{Error, Result};

/// Resolves and checks a WebSocket URL ahead of opening a socket, returning the URL
/// the socket would use.
///
/// Opening a socket does not need this: the browser resolves the URL and this crate
/// then applies the same checks to the result. It is for checking a URL early (a
/// settings form, say), and for browsers older than the 2023 WHATWG change (Chromium
/// before 125, Firefox before 124, Safari before 17.3) whose `WebSocket` constructor
/// refuses relative and `http(s)://` URLs: pass it the URL this returns.
///
/// `http://` and `https://` become `ws://` and `wss://`; a relative URL resolves
/// against the page (or worker) location.
///
/// ```no_run
/// let url = wasm_websocket::resolve_url("/chat")?;
/// assert!(url.starts_with("ws"));
/// # Ok::<(), wasm_websocket::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidUrl`] when the URL does not parse, has a scheme other than ws, wss,
/// http or https, has a fragment (even an empty one), or has a host with a forbidden
/// character.
pub fn resolve_url(input: &str) -> Result<String> {
    let invalid = |reason: String| Error::InvalidUrl {
        url: input.to_owned(),
        reason,
    };
    let parsed = match base_url() {
        Some(base) => web_sys::Url::new_with_base(input, &base),
        None => web_sys::Url::new(input),
    }
    .map_err(|_| invalid("not a valid URL".to_owned()))?;

    let href = parsed.href();
    let href = match parsed.protocol().as_str() {
        "ws:" | "wss:" => href,
        "http:" | "https:" => {
            // `http:...` becomes `ws:...`, `https:...` becomes `wss:...`.
            let mut ws = String::with_capacity(href.len());
            ws.push_str("ws");
            ws.push_str(href.get(4..).unwrap_or_default());
            ws
        }
        other => {
            let mut reason = String::from("scheme `");
            reason.push_str(other.trim_end_matches(':'));
            reason.push_str("` is not ws, wss, http or https");
            return Err(invalid(reason));
        }
    };
    match refusal(&href) {
        Some(reason) => Err(invalid(reason)),
        None => Ok(href),
    }
}

/// Why a URL the browser has parsed and serialized (`ws://user@host:port/path?query`)
/// may not be used, if it may not: it has a fragment (the WebSocket standard refuses
/// any, even an empty one; a serialized URL has `#` only as the fragment delimiter),
/// no host, or a forbidden character in its host.
pub(crate) fn refusal(href: &str) -> Option<String> {
    if href.bytes().any(|b| b == b'#') {
        return Some("a WebSocket URL may not have a fragment".to_owned());
    }
    let host = host_of(href);
    if host.is_empty() {
        return Some("the URL has no host".to_owned());
    }
    if host.starts_with('[') {
        // An IPv6 address, which the browser has already checked.
        return None;
    }
    host.bytes().any(is_forbidden_in_domain).then(|| {
        "the host has a forbidden character: a space, a control character or one of #/:<>?@[\\]^|%"
            .to_owned()
    })
}

/// The host of a serialized URL: after `://` and any `user:password@` (an `@` in
/// them is percent-encoded), before the port, path, query or fragment.
fn host_of(href: &str) -> &str {
    // One pass over the bytes, with no `str` pattern (a substring search would be
    // compiled into every app) and no indexing that could panic.
    let bytes = href.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return "";
    };
    let start = colon + 3;
    if bytes.get(colon + 1..start) != Some(b"//".as_slice()) {
        return "";
    }
    // The authority ends at the path, query or fragment; the host starts after the
    // last `@` in it.
    let mut host_start = start;
    let mut end = start;
    for &b in bytes.get(start..).unwrap_or_default() {
        match b {
            b'/' | b'?' | b'#' => break,
            b'@' => host_start = end + 1,
            _ => {}
        }
        end += 1;
    }
    let host_port = bytes.get(host_start..end).unwrap_or_default();
    let host_end = if host_port.first() == Some(&b'[') {
        end
    } else {
        host_port
            .iter()
            .position(|&b| b == b':')
            .map_or(end, |i| host_start + i)
    };
    // Every boundary is at an ASCII byte, so this finds the host.
    href.get(host_start..host_end).unwrap_or_default()
}

/// Whether a byte of a serialized host is a forbidden domain code point (WHATWG URL):
/// one of ` #/:<>?@[\]^|%`, a C0 control or DEL. `%` also catches the `%20` Chromium
/// writes for a space. All ASCII: a serialized host is ASCII (the browser turns
/// international names into punycode).
fn is_forbidden_in_domain(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'#'
            | b'/'
            | b':'
            | b'<'
            | b'>'
            | b'?'
            | b'@'
            | b'['
            | b'\\'
            | b']'
            | b'^'
            | b'|'
            | b'%'
    ) || byte.is_ascii_control()
}

/// The location relative URLs resolve against: the window's or the worker's.
fn base_url() -> Option<String> {
    let global = js_sys::global();
    if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        return window.location().href().ok();
    }
    global
        .dyn_ref::<web_sys::WorkerGlobalScope>()
        .map(|worker| worker.location().href())
}

#[cfg(test)]
mod tests {
    use super::{host_of, refusal};

    #[test]
    fn the_host_is_found_past_credentials_and_before_the_port() {
        assert_eq!(host_of("ws://example.com/x"), "example.com");
        assert_eq!(host_of("ws://a:b@example.com:8080/x?y"), "example.com");
        assert_eq!(host_of("wss://example.com?q"), "example.com");
        assert_eq!(host_of("ws://[::1]:1/"), "[::1]:1");
        assert_eq!(host_of("ws:///x"), "");
        assert_eq!(host_of("no scheme"), "");
    }

    #[test]
    fn what_browsers_disagree_on_is_refused() {
        assert_eq!(refusal("ws://example.com/"), None);
        assert_eq!(refusal("ws://xn--bcher-kva.example/"), None);
        assert_eq!(refusal("ws://[::1]:1/"), None);
        for bad in [
            "ws://foo%20bar.com/",
            "ws://exa^mple.com/",
            "ws://a\u{7f}b/",
        ] {
            assert!(refusal(bad).is_some_and(|r| r.contains("forbidden character")));
        }
        assert!(refusal("ws://example.com/#").is_some_and(|r| r.contains("fragment")));
        assert!(refusal("ws:///x").is_some_and(|r| r.contains("no host")));
    }
}
