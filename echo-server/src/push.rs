//! `/push`: the server sends a stream of binary messages the client only reads (a
//! feed), for the receive-heavy benchmark (W6 of `cargo xtask bench`).

use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

use crate::{
    echo,
    handshake::{plain, Handshake},
    state::{AppState, ConnInfo, Ws},
};

/// Most messages one `/push` sends.
pub const MAX_PUSH_COUNT: u64 = 1_000_000;

/// Largest message `/push` sends, in bytes (and never more than the server's
/// message limit).
pub const MAX_PUSH_SIZE: usize = 1 << 20;

/// Most bytes one `/push` sends in all.
pub const MAX_PUSH_BYTES: u64 = 1 << 30;

/// Smallest message: room for the index.
const MIN_PUSH_SIZE: usize = 4;

/// Messages written before one flush.
const BATCH: u64 = 64;

/// Query of `/push`.
#[derive(Debug, Deserialize)]
pub(crate) struct PushQuery {
    count: Option<u64>,
    size: Option<usize>,
}

/// What one `/push` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Push {
    count: u64,
    size: usize,
}

impl Push {
    /// The push a query asks for (defaults: 1000 messages of 1024 bytes), or why it
    /// is refused: a count of 0 or over [`MAX_PUSH_COUNT`], a size under 4 bytes or
    /// over [`MAX_PUSH_SIZE`] or `max_message_size`, or over [`MAX_PUSH_BYTES`] in
    /// all.
    pub(crate) fn from_query(
        query: &PushQuery,
        max_message_size: usize,
    ) -> Result<Self, &'static str> {
        let count = query.count.unwrap_or(1000);
        let size = query.size.unwrap_or(1024);
        if count == 0 || count > MAX_PUSH_COUNT {
            return Err("count must be 1 to 1000000");
        }
        if !(MIN_PUSH_SIZE..=MAX_PUSH_SIZE).contains(&size) {
            return Err("size must be 4 to 1048576 bytes");
        }
        if size > max_message_size {
            return Err("size must be at most the server's message limit");
        }
        if count.saturating_mul(size as u64) > MAX_PUSH_BYTES {
            return Err("count x size must be at most 1 GiB");
        }
        Ok(Self { count, size })
    }

    /// Message `index`: the index in its first 4 bytes (little-endian), then byte
    /// `i % 251` at each position `i`.
    pub(crate) fn message(&self, template: &[u8], index: u64) -> Vec<u8> {
        let mut bytes = template.to_vec();
        // The count is at most MAX_PUSH_COUNT, which fits in 4 bytes; the size is at
        // least 4.
        let stamp = u32::try_from(index).unwrap_or(u32::MAX).to_le_bytes();
        if let Some(head) = bytes.get_mut(..4) {
            head.copy_from_slice(&stamp);
        }
        bytes
    }

    fn template(&self) -> Vec<u8> {
        (0..self.size).map(|i| (i % 251) as u8).collect()
    }
}

/// `GET /push?count=N&size=S`: once the client's first message arrives (any data
/// message: the start signal, not echoed), sends `N` binary messages of `S` bytes
/// (default 1000 of 1024), message `i` carrying `i` in its first 4 bytes
/// (little-endian) and byte `j % 251` at each position `j` after them; then echoes
/// like `/echo`. A count of 0 or over 1,000,000, a size under 4 or over 1 MiB (or the
/// message limit), or more than 1 GiB in all get HTTP 400. A client that does not
/// read for the idle timeout is dropped, as on `/echo`.
pub(crate) async fn handler(
    State(state): State<AppState>,
    Query(query): Query<PushQuery>,
    mut request: Request,
) -> Response {
    let push = match Push::from_query(&query, state.max_message_size()) {
        Ok(push) => push,
        Err(reason) => return plain(StatusCode::BAD_REQUEST, reason),
    };
    match Handshake::from_request(&mut request) {
        Ok(handshake) => state.accept("/push", handshake, move |conn| async move {
            let (mut ws, info) = conn.into_websocket().await;
            if push_all(&mut ws, &info, push).await {
                echo::echo(ws, &info, None).await;
            }
        }),
        Err(refusal) => refusal.into_response(),
    }
}

/// Waits for the start signal, then sends the messages; `false` when the session
/// ended meanwhile.
async fn push_all(ws: &mut Ws, info: &ConnInfo, push: Push) -> bool {
    let idle = info.state.idle_timeout;
    let shutdown = info.state.shutdown.clone();
    loop {
        let next = tokio::select! {
            biased;
            () = shutdown.cancelled() => return false,
            next = timeout(idle, ws.next()) => next,
        };
        match next {
            Ok(Some(Ok(Message::Text(_) | Message::Binary(_)))) => break,
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(err))) => {
                info.log(format_args!("push: read failed: {err}"));
                return false;
            }
            Ok(None) => return false,
            Err(_) => {
                info.log(format_args!("push: no start signal for {idle:?}"));
                return false;
            }
        }
    }
    let template = push.template();
    let mut sent = 0;
    while sent < push.count {
        let end = push.count.min(sent + BATCH);
        let batch = async {
            for index in sent..end {
                ws.feed(Message::binary(push.message(&template, index)))
                    .await?;
            }
            ws.flush().await
        };
        let written = tokio::select! {
            biased;
            () = shutdown.cancelled() => return false,
            written = timeout(idle, batch) => written,
        };
        match written {
            Ok(Ok(())) => sent = end,
            Ok(Err(err)) => {
                info.log(format_args!("push: write failed: {err}"));
                return false;
            }
            Err(_) => {
                info.log(format_args!(
                    "the client read nothing for {idle:?}: dropping it"
                ));
                return false;
            }
        }
    }
    info.log(format_args!(
        "pushed {} messages of {} bytes",
        push.count, push.size
    ));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(count: Option<u64>, size: Option<usize>) -> PushQuery {
        PushQuery { count, size }
    }

    #[test]
    fn defaults_and_bounds() {
        let limit = 4 << 20;
        assert_eq!(
            Push::from_query(&query(None, None), limit),
            Ok(Push {
                count: 1000,
                size: 1024
            })
        );
        assert!(Push::from_query(&query(Some(MAX_PUSH_COUNT), Some(1024)), limit).is_ok());
        assert!(Push::from_query(&query(Some(1), Some(MAX_PUSH_SIZE)), limit).is_ok());
        assert!(Push::from_query(&query(Some(1), Some(4)), limit).is_ok());
        for (count, size) in [
            (0, 1024),
            (MAX_PUSH_COUNT + 1, 1024),
            (1, 3),
            (1, MAX_PUSH_SIZE + 1),
            (MAX_PUSH_BYTES / 1024 + 1, 1024),
        ] {
            assert!(
                Push::from_query(&query(Some(count), Some(size)), limit).is_err(),
                "{count} x {size}"
            );
        }
    }

    #[test]
    fn the_message_limit_bounds_the_size() {
        assert!(Push::from_query(&query(Some(1), Some(2048)), 1024).is_err());
        assert!(Push::from_query(&query(Some(1), Some(1024)), 1024).is_ok());
    }

    #[test]
    fn messages_carry_their_index_and_the_pattern() {
        let push = Push {
            count: 10,
            size: 300,
        };
        let template = push.template();
        let message = push.message(&template, 0x0102_0304);
        assert_eq!(message.len(), 300);
        assert_eq!(&message[..4], &[4, 3, 2, 1]);
        assert_eq!(message[4], 4);
        assert_eq!(message[251], 0);
        assert_eq!(message[299], 48);
    }
}
