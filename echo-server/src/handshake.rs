//! The server side of the WebSocket opening handshake (RFC 6455 section 4.2),
//! done by hand on top of hyper's upgrade machinery so that every path keeps
//! full control over the socket afterwards.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use hyper::upgrade::OnUpgrade;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// Subprotocols this server knows, in no particular order: the client's
/// preference decides which one is chosen.
pub const KNOWN_SUBPROTOCOLS: [&str; 2] = ["echo", "chat"];

/// A validated upgrade request, ready to be answered with `101 Switching Protocols`.
#[derive(Debug)]
pub(crate) struct Handshake {
    accept: String,
    protocol: Option<&'static str>,
    on_upgrade: OnUpgrade,
}

impl Handshake {
    /// Validates `request` as a WebSocket upgrade and takes its upgrade future.
    ///
    /// On failure returns why, which converts into the HTTP response to send
    /// instead: `426` when the request is not an upgrade at all (or asks for an
    /// unsupported version), `405` for a non-GET method, `400` for a malformed
    /// handshake (among others a `Sec-WebSocket-Key` that is not the base64 of 16
    /// bytes, or two of them).
    pub(crate) fn from_request(request: &mut Request) -> Result<Self, Refusal> {
        let headers = request.headers();
        if !header_has_token(headers, header::UPGRADE, "websocket")
            || !header_has_token(headers, header::CONNECTION, "upgrade")
        {
            return Err(Refusal::upgrade_required(
                "expected a WebSocket upgrade request",
            ));
        }
        if request.method() != Method::GET {
            return Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "use GET to open a WebSocket",
            ));
        }
        if headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .is_none_or(|v| v.as_bytes() != b"13")
        {
            return Err(Refusal::upgrade_required(
                "only WebSocket version 13 is supported",
            ));
        }
        let mut keys = headers.get_all(header::SEC_WEBSOCKET_KEY).iter();
        let (Some(key), None) = (keys.next(), keys.next()) else {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "exactly one Sec-WebSocket-Key is required",
            ));
        };
        if !valid_key(key.as_bytes()) {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "malformed Sec-WebSocket-Key",
            ));
        }
        let accept = derive_accept_key(key.as_bytes());
        let protocol = select_subprotocol(headers);
        let Some(on_upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "this connection cannot be upgraded",
            ));
        };
        Ok(Self {
            accept,
            protocol,
            on_upgrade,
        })
    }

    /// The `101 Switching Protocols` response that completes the handshake.
    pub(crate) fn response(&self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
        if let Ok(accept) = HeaderValue::from_str(&self.accept) {
            headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        }
        if let Some(protocol) = self.protocol {
            headers.insert(
                header::SEC_WEBSOCKET_PROTOCOL,
                HeaderValue::from_static(protocol),
            );
        }
        response
    }

    /// The future that resolves to the raw connection once the `101` is sent.
    pub(crate) fn into_upgrade(self) -> OnUpgrade {
        self.on_upgrade
    }
}

/// Picks the first subprotocol offered by the client (over all
/// `Sec-WebSocket-Protocol` header lines, in order) that the server knows.
pub(crate) fn select_subprotocol(headers: &HeaderMap) -> Option<&'static str> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find_map(|offered| KNOWN_SUBPROTOCOLS.into_iter().find(|k| *k == offered))
}

/// Whether `key` is the base64 of 16 bytes (RFC 6455 section 4.1): 22 characters
/// of the base64 alphabet, the last of which carries 2 bits of data and 4 zero
/// bits (`A`, `Q`, `g` or `w`), then `==`.
fn valid_key(key: &[u8]) -> bool {
    let is_base64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    match key {
        [data @ .., last, b'=', b'='] if data.len() == 21 => {
            data.iter().all(is_base64) && matches!(last, b'A' | b'Q' | b'g' | b'w')
        }
        _ => false,
    }
}

/// Whether a comma-separated header contains `token`, ignoring ASCII case.
fn header_has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|part| part.trim().eq_ignore_ascii_case(token))
}

/// A short plain-text response.
pub(crate) fn plain(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

/// Why a request was not upgraded (or not let through); converts into the HTTP
/// error response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refusal {
    status: StatusCode,
    message: &'static str,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, message: &'static str) -> Self {
        Self { status, message }
    }

    fn upgrade_required(message: &'static str) -> Self {
        Self::new(StatusCode::UPGRADE_REQUIRED, message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = plain(self.status, self.message);
        if self.status == StatusCode::UPGRADE_REQUIRED {
            let headers = response.headers_mut();
            headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            headers.insert(
                header::SEC_WEBSOCKET_VERSION,
                HeaderValue::from_static("13"),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(lines: &[&str]) -> Option<&'static str> {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(
                header::SEC_WEBSOCKET_PROTOCOL,
                HeaderValue::from_str(line).expect("valid header"),
            );
        }
        select_subprotocol(&headers)
    }

    #[test]
    fn first_known_offer_wins() {
        assert_eq!(offered(&["chat, echo"]), Some("chat"));
        assert_eq!(offered(&["echo,chat"]), Some("echo"));
        assert_eq!(offered(&["foo, bar", "x, chat", "echo"]), Some("chat"));
    }

    #[test]
    fn keys_must_be_the_base64_of_16_bytes() {
        assert!(valid_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(valid_key(b"AAAAAAAAAAAAAAAAAAAAAA=="));
        assert!(valid_key(b"+/+/+/+/+/+/+/+/+/+/+w=="));
        for key in [
            &b""[..],
            b"short",
            b"dGhlIHNhbXBsZSBub25jZQ=",
            b"dGhlIHNhbXBsZSBub25jZQ===",
            b"dGhlIHNhbXBsZSBub25jZR==",
            b"dGhlIHNhbXBsZSBub25jZQAA",
            b"dGhlIHNhbXBsZSBub25jZ-Q==",
            b"dGhlIHNhbXBsZSBub25j_Q==",
            b"dGhlIHNhbXBsZSBub2 5jQ==",
            b"========================",
        ] {
            assert!(!valid_key(key), "{}", String::from_utf8_lossy(key));
        }
    }

    #[test]
    fn unknown_or_absent_offers_select_nothing() {
        assert_eq!(offered(&[]), None);
        assert_eq!(offered(&["foo"]), None);
        assert_eq!(offered(&["Echo, CHAT"]), None);
    }
}
