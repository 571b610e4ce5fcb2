//! Ending WebSocket sessions: the normal close handshake, failing a
//! connection with an error code, and going away on shutdown.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    time::timeout,
};
use tokio_tungstenite::tungstenite::{
    self,
    protocol::{frame::coding::CloseCode, CloseFrame},
};

use crate::state::{ConnInfo, Ws};

/// How long to wait for the client's reply to our close frame.
const CLOSE_REPLY_WAIT: Duration = Duration::from_secs(5);

/// Same, while the server is shutting down.
const SHUTDOWN_REPLY_WAIT: Duration = Duration::from_secs(1);

/// How long to read and discard what a failed client still sends.
const LINGER: Duration = Duration::from_secs(2);

/// The reason of the close frame sent after the idle timeout.
pub const IDLE_REASON: &str = "idle timeout";

/// Builds a close frame.
pub(crate) fn frame(
    code: impl Into<CloseCode>,
    reason: impl Into<tungstenite::Utf8Bytes>,
) -> CloseFrame {
    CloseFrame {
        code: code.into(),
        reason: reason.into(),
    }
}

/// Sends `close`, then waits (bounded) for the client's reply so that the
/// close handshake completes cleanly and the server closes TCP first. A client
/// that reads nothing gets the same bound for taking the close frame.
pub(crate) async fn close_gracefully(mut ws: Ws, close: CloseFrame, info: &ConnInfo) {
    info.log(format_args!(
        "closing with {} {:?}",
        close.code,
        close.reason.as_str()
    ));
    let wait = if info.state.shutdown.is_cancelled() {
        SHUTDOWN_REPLY_WAIT
    } else {
        CLOSE_REPLY_WAIT
    };
    match timeout(wait, ws.close(Some(close))).await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => {
            info.log(format_args!("sending close failed: {err}"));
            return;
        }
        Err(_) => {
            info.log(format_args!(
                "the client took no close frame within {wait:?}"
            ));
            return;
        }
    }
    // Messages that cross our close frame are discarded; the stream ends on
    // the client's close reply (or on an error).
    let drained = timeout(wait, async { while let Some(Ok(_)) = ws.next().await {} }).await;
    if drained.is_err() {
        info.log(format_args!("no close reply within {wait:?}"));
    }
}

/// Tells the client the server is going away (1001).
pub(crate) async fn going_away(ws: Ws, info: &ConnInfo) {
    close_gracefully(ws, frame(CloseCode::Away, "server shutting down"), info).await;
}

/// Closes a connection that received nothing for the idle timeout (1001).
pub(crate) async fn idle(ws: Ws, info: &ConnInfo) {
    close_gracefully(ws, frame(CloseCode::Away, IDLE_REASON), info).await;
}

/// Reacts to a read error: fails the connection with the matching close code
/// when the client is still there, or just logs when it is gone.
pub(crate) async fn on_read_error(ws: Ws, err: tungstenite::Error, info: &ConnInfo) {
    use tungstenite::{error::ProtocolError, Error};
    match err {
        Error::Capacity(err) => {
            info.log(format_args!("over the size limit: {err}"));
            fail(ws, CloseCode::Size, "message too big", info).await;
        }
        Error::Utf8(_) => fail(ws, CloseCode::Invalid, "invalid UTF-8", info).await,
        Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
            info.log(format_args!("client went away without closing"));
        }
        Error::Protocol(err) => {
            info.log(format_args!("protocol error: {err}"));
            fail(ws, CloseCode::Protocol, "protocol error", info).await;
        }
        err => info.log(format_args!("read failed: {err}")),
    }
}

/// Sends a close frame after an error the stream cannot recover from, then
/// half-closes TCP and discards whatever the client still sends (bounded),
/// so the close frame is not lost to a TCP reset caused by unread data.
async fn fail(mut ws: Ws, code: CloseCode, reason: &'static str, info: &ConnInfo) {
    info.log(format_args!(
        "failing the connection with {code} {reason:?}"
    ));
    match timeout(LINGER, ws.close(Some(frame(code, reason)))).await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => {
            info.log(format_args!("sending close failed: {err}"));
            return;
        }
        Err(_) => {
            info.log(format_args!(
                "the client took no close frame within {LINGER:?}"
            ));
            return;
        }
    }
    let mut io = ws.into_inner();
    if !matches!(timeout(LINGER, io.shutdown()).await, Ok(Ok(()))) {
        return;
    }
    let mut sink = vec![0_u8; 16 * 1024];
    let _ = timeout(LINGER, async {
        while matches!(io.read(&mut sink).await, Ok(n) if n > 0) {}
    })
    .await;
}
