//! Fault paths for tests: `/close`, `/abrupt`, `/slow`, `/reject`, `/silent`.

use std::time::Duration;

use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tokio::io::AsyncReadExt;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::{
    closing, echo,
    handshake::{plain, Handshake},
    state::AppState,
};

/// Longest delay `/slow` accepts, in milliseconds.
pub const MAX_SLOW_MS: u64 = 60_000;

/// Longest close reason in bytes (a close payload is at most 125 bytes).
const MAX_REASON_BYTES: usize = 123;

/// Query of `/close`.
#[derive(Debug, Deserialize)]
pub(crate) struct CloseQuery {
    code: Option<u16>,
    reason: Option<String>,
}

/// `GET /close?code=N&reason=R`: opens, then closes at once with that code
/// and reason (default 1000 and empty). Codes an endpoint may not send
/// (below 1000, 1004-1006, 1014-2999, 5000 and up) and reasons over 123 bytes
/// get HTTP 400 instead of an upgrade.
pub(crate) async fn close(
    State(state): State<AppState>,
    Query(query): Query<CloseQuery>,
    mut request: Request,
) -> Response {
    let code = CloseCode::from(query.code.unwrap_or(1000));
    if !code.is_allowed() {
        return plain(
            StatusCode::BAD_REQUEST,
            "close code not allowed on the wire",
        );
    }
    let reason = query.reason.unwrap_or_default();
    if reason.len() > MAX_REASON_BYTES {
        return plain(
            StatusCode::BAD_REQUEST,
            "close reason longer than 123 bytes",
        );
    }
    match Handshake::from_request(&mut request) {
        Ok(handshake) => state.accept("/close", handshake, move |conn| async move {
            let (ws, info) = conn.into_websocket().await;
            closing::close_gracefully(ws, closing::frame(code, reason), &info).await;
        }),
        Err(refusal) => refusal.into_response(),
    }
}

/// Query of `/abrupt`.
#[derive(Debug, Deserialize)]
pub(crate) struct AbruptQuery {
    after: Option<u64>,
}

/// `GET /abrupt?after=N`: echoes `N` messages (default 0), then drops the TCP
/// connection without a close frame, so a browser sees 1006.
pub(crate) async fn abrupt(
    State(state): State<AppState>,
    Query(query): Query<AbruptQuery>,
    mut request: Request,
) -> Response {
    let after = query.after.unwrap_or(0);
    match Handshake::from_request(&mut request) {
        Ok(handshake) => state.accept("/abrupt", handshake, move |conn| async move {
            if after == 0 {
                // Dropping the upgraded stream closes the socket.
                drop(conn);
                return;
            }
            let (ws, info) = conn.into_websocket().await;
            echo::echo(ws, &info, Some(after)).await;
        }),
        Err(refusal) => refusal.into_response(),
    }
}

/// Query of `/slow`.
#[derive(Debug, Deserialize)]
pub(crate) struct SlowQuery {
    ms: Option<u64>,
}

/// `GET /slow?ms=N`: waits `N` ms (default 1000, at most 60000) before
/// answering the handshake, then echoes like `/echo`.
pub(crate) async fn slow(
    State(state): State<AppState>,
    Query(query): Query<SlowQuery>,
    mut request: Request,
) -> Response {
    let ms = query.ms.unwrap_or(1000);
    if ms > MAX_SLOW_MS {
        return plain(StatusCode::BAD_REQUEST, "ms must be at most 60000");
    }
    let handshake = match Handshake::from_request(&mut request) {
        Ok(handshake) => handshake,
        Err(refusal) => return refusal.into_response(),
    };
    let outage = state.outages.current();
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => {}
        () = state.shutdown.cancelled() => {
            return plain(StatusCode::SERVICE_UNAVAILABLE, "server shutting down");
        }
        () = outage.cancelled() => {
            return plain(StatusCode::SERVICE_UNAVAILABLE, "server outage");
        }
    }
    state.accept("/slow", handshake, |conn| async move {
        let (ws, info) = conn.into_websocket().await;
        echo::echo(ws, &info, None).await;
    })
}

/// `/reject`: always refuses the upgrade with HTTP 403.
pub(crate) async fn reject() -> Response {
    plain(StatusCode::FORBIDDEN, "WebSocket rejected by /reject")
}

/// `GET /silent`: accepts the upgrade, then never sends a byte and never
/// answers (no pong, no close reply), reading and discarding what the client
/// sends, until the client closes TCP, the server shuts down, or nothing arrives
/// for the idle timeout (then TCP is closed, still without a frame).
pub(crate) async fn silent(State(state): State<AppState>, mut request: Request) -> Response {
    match Handshake::from_request(&mut request) {
        Ok(handshake) => state.accept("/silent", handshake, |mut conn| async move {
            let shutdown = conn.state.shutdown.clone();
            let idle = conn.state.idle_timeout;
            let mut sink = vec![0_u8; 16 * 1024];
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = async {
                    while matches!(
                        tokio::time::timeout(idle, conn.io.read(&mut sink)).await,
                        Ok(Ok(n)) if n > 0
                    ) {}
                } => {}
            }
        }),
        Err(refusal) => refusal.into_response(),
    }
}
