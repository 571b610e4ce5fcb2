//! URL validation: the WHATWG rules for a WebSocket URL, the same in every browser.
//!
//! Parsing is left to the browser's own `URL` (which already resolves relative URLs
//! against the page), so no URL parser is compiled into the wasm. On top of it this
//! module applies the checks that browsers disagree on: Chromium accepts
//! `ws://foo bar.com/` and percent-encodes the space, while Firefox, like the URL
//! standard, refuses it. Here it is refused everywhere.

use wasm_bindgen::JsCast;

use crate::{Error, Result};

/// Code points that may not appear in a domain (WHATWG URL, "forbidden domain code
/// point"), apart from the C0 controls and DEL, which are checked separately. `%` is
/// among them, which also catches the `%20` Chromium writes for a space.
const FORBIDDEN_DOMAIN: &[char] = &[
    ' ', '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|', '%',
];

/// Resolves and checks a WebSocket URL, returning the URL the socket will use.
///
/// `http://` and `https://` become `ws://` and `wss://`; a relative URL resolves
/// against the page (or worker) location, as `new WebSocket` does.
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
    let rest = |scheme: &str| href.get(scheme.len()..).unwrap_or_default().to_owned();
    let href = match parsed.protocol().as_str() {
        "ws:" | "wss:" => href,
        "http:" => format!("ws:{}", rest("http:")),
        "https:" => format!("wss:{}", rest("https:")),
        other => {
            return Err(invalid(format!(
                "scheme `{}` is not ws, wss, http or https",
                other.trim_end_matches(':')
            )))
        }
    };
    // A serialized URL has `#` only as the fragment delimiter; the WebSocket standard
    // refuses any fragment, even an empty one.
    if href.contains('#') {
        return Err(invalid(
            "a WebSocket URL may not have a fragment".to_owned(),
        ));
    }
    let host = parsed.hostname();
    if host.is_empty() {
        return Err(invalid("the URL has no host".to_owned()));
    }
    let is_ipv6 = host.starts_with('[') && host.ends_with(']');
    if !is_ipv6 {
        if let Some(c) = host
            .chars()
            .find(|c| FORBIDDEN_DOMAIN.contains(c) || c.is_ascii_control())
        {
            return Err(invalid(format!(
                "the host `{host}` contains the forbidden character U+{:04X}",
                u32::from(c)
            )));
        }
    }
    Ok(href)
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
