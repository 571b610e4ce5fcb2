//! `/echo`: the echo behaviour, also used after `/slow` and by `/abrupt`.

use axum::{
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};

use crate::{
    closing,
    handshake::Handshake,
    state::{AppState, ConnInfo, Ws},
};

/// The text message that makes the server close with 1000.
pub const GOODBYE: &str = "Goodbye";

/// Most messages echoed before one flush; bounds latency under a flood.
const MAX_BATCH: usize = 256;

/// `GET /echo`: upgrade and echo until the client leaves.
pub(crate) async fn handler(State(state): State<AppState>, mut request: Request) -> Response {
    match Handshake::from_request(&mut request) {
        Ok(handshake) => state.accept("/echo", handshake, |conn| async move {
            let (ws, info) = conn.into_websocket().await;
            echo(ws, &info, None).await;
        }),
        Err(refusal) => refusal.into_response(),
    }
}

/// What one received message asks for.
enum Step {
    /// Nothing more to do (control frames, the client's close).
    Continue,
    /// A data message was queued for echo.
    Echoed,
    /// The client said `Goodbye`.
    Goodbye,
}

/// Echoes text as text and binary as binary until the session ends.
///
/// With `drop_after: Some(n)`, drops the connection without a close frame
/// right after the `n`-th echo has been written (`n` must be at least 1).
/// Replies are queued and flushed once per batch of readily available
/// messages, not once per message.
///
/// Nothing received for the idle timeout: a close with 1001 (`idle timeout`).
/// A write the client does not take within the idle timeout (it stopped reading):
/// the connection is dropped. While a write waits, nothing more is read, so a
/// client that does not read makes the server hold at most one message and the
/// write buffer.
pub(crate) async fn echo(mut ws: Ws, info: &ConnInfo, drop_after: Option<u64>) {
    let shutdown = info.state.shutdown.clone();
    let idle = info.state.idle_timeout;
    let mut echoed: u64 = 0;
    loop {
        let mut next = tokio::select! {
            biased;
            () = shutdown.cancelled() => {
                closing::going_away(ws, info).await;
                return;
            }
            next = timeout(idle, ws.next()) => match next {
                Ok(next) => next,
                Err(_) => {
                    info.log(format_args!("nothing received for {idle:?}"));
                    closing::idle(ws, info).await;
                    return;
                }
            },
        };
        let mut batch = 0;
        loop {
            let message = match next {
                None => return,
                Some(Err(err)) => {
                    closing::on_read_error(ws, err, info).await;
                    return;
                }
                Some(Ok(message)) => message,
            };
            let Ok(stepped) = timeout(idle, step(&mut ws, message)).await else {
                info.log(format_args!(
                    "the client read nothing for {idle:?}: dropping it"
                ));
                return;
            };
            match stepped {
                Ok(Step::Continue) => {}
                Ok(Step::Echoed) => {
                    echoed += 1;
                    if drop_after == Some(echoed) {
                        flush(&mut ws, info).await;
                        info.log(format_args!(
                            "dropping the connection after {echoed} echoes"
                        ));
                        return;
                    }
                }
                Ok(Step::Goodbye) => {
                    closing::close_gracefully(ws, closing::frame(CloseCode::Normal, GOODBYE), info)
                        .await;
                    return;
                }
                Err(err) => {
                    info.log(format_args!("echo failed: {err}"));
                    return;
                }
            }
            batch += 1;
            if batch >= MAX_BATCH {
                break;
            }
            // Take the next message only if it is already here.
            match ws.next().now_or_never() {
                Some(more) => next = more,
                None => break,
            }
        }
        // Writes the queued echoes, pongs and any close reply in one go.
        if !flush(&mut ws, info).await {
            return;
        }
    }
}

/// Writes everything queued, within the idle timeout; `false` when that failed.
async fn flush(ws: &mut Ws, info: &ConnInfo) -> bool {
    let idle = info.state.idle_timeout;
    match timeout(idle, ws.flush()).await {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            info.log(format_args!("flush failed: {err}"));
            false
        }
        Err(_) => {
            info.log(format_args!(
                "the client read nothing for {idle:?}: dropping it"
            ));
            false
        }
    }
}

/// Handles one received message; data messages are queued, not flushed.
async fn step(
    ws: &mut Ws,
    message: Message,
) -> Result<Step, tokio_tungstenite::tungstenite::Error> {
    match message {
        Message::Text(text) if text.as_str() == GOODBYE => Ok(Step::Goodbye),
        Message::Text(_) | Message::Binary(_) => {
            ws.feed(message).await?;
            Ok(Step::Echoed)
        }
        // Pings are answered with pongs by tungstenite; the reply to a close
        // frame (same code and reason) is queued by tungstenite as well.
        Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_) => {
            Ok(Step::Continue)
        }
    }
}
