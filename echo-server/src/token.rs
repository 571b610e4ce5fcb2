//! Token paths for tests of URL providers, served only with `--admin`
//! ([`crate::Config::admin`]): a server that accepts only the newest of the tokens it
//! issued, as a server behind expiring credentials does.
//!
//! - `/admin/token`: issues a new token, which replaces the one before, and answers it
//!   as one text message (then a close with 1000). An admin path: the same `Origin`
//!   check as the others (`403`), `426` for a plain request.
//! - `/token?t=T`: echoes, as `/echo` does, if `T` is the newest token; else refuses
//!   the upgrade with `403` (no token issued yet, an older token, a missing or
//!   malformed one).
//!
//! The state is one counter (the newest token is its value, in decimal), whatever
//! clients ask for.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::{
    admin::{admin_handshake, answer},
    closing, echo,
    handshake::{Handshake, Refusal},
    state::AppState,
};

/// The token paths, routed (and counted) only with `--admin`.
pub(crate) const PATHS: [&str; 2] = ["/admin/token", "/token"];

/// The tokens issued: only the newest is valid.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    /// The newest token; 0 while none was issued.
    newest: AtomicU64,
}

impl Tokens {
    /// Issues a new token; the one before stops being valid.
    fn rotate(&self) -> u64 {
        // Wrapping after 2^64 tokens is not a concern; 0 would mean none.
        let token = self.newest.fetch_add(1, Ordering::SeqCst).wrapping_add(1);
        token.max(1)
    }

    /// Whether `token` (as a client sent it) is the newest one issued.
    fn accepts(&self, token: &str) -> bool {
        let newest = self.newest.load(Ordering::SeqCst);
        // Compared as text: `+1` or `01` are not the token `1`.
        newest != 0 && token == newest.to_string()
    }
}

/// `/admin/token`: a new token, answered as text, then a close with 1000.
pub(crate) async fn issue(State(state): State<AppState>, mut request: Request) -> Response {
    let handshake = match admin_handshake(&state, &mut request) {
        Ok(handshake) => handshake,
        Err(refusal) => return refusal.into_response(),
    };
    let token = state.tokens.rotate();
    state.log(format_args!("token {token} issued"));
    state.accept("/admin/token", handshake, move |conn| async move {
        let (mut ws, info) = conn.into_websocket().await;
        answer(&mut ws, &info, token.to_string()).await;
        closing::close_gracefully(ws, closing::frame(CloseCode::Normal, ""), &info).await;
    })
}

/// Query of `/token`.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    t: Option<String>,
}

/// `/token?t=T`: echoes for the newest token, `403` for any other.
pub(crate) async fn handler(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    mut request: Request,
) -> Response {
    if !query.t.as_deref().is_some_and(|t| state.tokens.accepts(t)) {
        return Refusal::new(StatusCode::FORBIDDEN, "not the newest token").into_response();
    }
    match Handshake::from_request(&mut request) {
        Ok(handshake) => state.accept("/token", handshake, |conn| async move {
            let (ws, info) = conn.into_websocket().await;
            echo::echo(ws, &info, None).await;
        }),
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::Tokens;

    #[test]
    fn no_token_is_valid_before_one_is_issued() {
        let tokens = Tokens::default();
        assert!(!tokens.accepts("0"));
        assert!(!tokens.accepts(""));
        assert!(!tokens.accepts("1"));
    }

    #[test]
    fn only_the_newest_token_is_valid() {
        let tokens = Tokens::default();
        let first = tokens.rotate();
        assert!(tokens.accepts(&first.to_string()));
        let second = tokens.rotate();
        assert_ne!(first, second);
        assert!(tokens.accepts(&second.to_string()));
        assert!(!tokens.accepts(&first.to_string()));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let tokens = Tokens::default();
        let token = tokens.rotate().to_string();
        for bad in [
            "",
            " 1",
            "1 ",
            "+1",
            "01",
            "-1",
            "1x",
            "99999999999999999999999",
        ] {
            assert!(!tokens.accepts(bad), "{bad:?}");
        }
        assert!(tokens.accepts(&token));
    }
}
