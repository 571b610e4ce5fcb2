//! Admin paths for tests, served only with `--admin` ([`crate::Config::admin`]).
//!
//! They are WebSocket handshakes, not plain `GET`s: a page can make a browser send a
//! `GET` without any `Origin` (an `<img>` is enough), but a browser always sends
//! `Origin` with a WebSocket handshake, and only the server's own origins and the
//! `--admin-origin` ones are accepted (`403` otherwise; a handshake without `Origin`
//! comes from no browser and is accepted). No CORS header is ever sent; a WebSocket
//! needs none. The answer is one text message:
//!
//! - `/admin/outage?ms=N`: a server restart as the network sees it. The answer
//!   (`outage of N ms`) is sent, then every other open WebSocket is dropped without
//!   a close frame, the listening socket is closed, and `N` ms later (default 1000,
//!   at most 60000) the same port is bound again; this connection ends with a close
//!   frame (1000). During the outage connections are refused. `409` while one is
//!   under way, from the moment a request for one is accepted (so of concurrent
//!   requests exactly one is answered); a request under way on an open
//!   connection when the outage starts is still answered (`409`).
//! - `/admin/requests?path=P`: how many requests for path `P` (without the query)
//!   the server has received since it started, as a decimal number, then a close
//!   with 1000: a test counts connection attempts with it. Only the paths the
//!   server routes are counted (`400` for another), so the counts take a fixed room
//!   whatever clients ask for.
//!
//! A plain request to an admin path gets `426` and changes nothing.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard, PoisonError,
    },
    time::Duration,
};

use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures_util::SinkExt;
use serde::Deserialize;
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};
use tokio_util::sync::CancellationToken;

use crate::{
    closing,
    handshake::{plain, Handshake, Refusal},
    state::{AppState, ConnInfo, Ws},
};

/// Longest outage `/admin/outage` accepts, in milliseconds.
pub const MAX_OUTAGE_MS: u64 = 60_000;

/// Outage used when `/admin/outage` gets no `ms`.
const DEFAULT_OUTAGE_MS: u64 = 1000;

/// The admin paths, routed only with `--admin`.
pub(crate) const PATHS: [&str; 2] = ["/admin/outage", "/admin/requests"];

/// The outage switch: a token per serving period ("generation"), cancelled when an
/// outage starts; connections and the listener of that period end with it.
#[derive(Debug)]
pub(crate) struct Outages {
    period: Mutex<Period>,
}

/// The current serving period and whether an outage of it is claimed.
#[derive(Debug)]
struct Period {
    generation: CancellationToken,
    /// Set from the moment an `/admin/outage` request is accepted (before its
    /// answer is sent and the outage starts) until the next period: any other
    /// request meanwhile gets `409`.
    claimed: bool,
    duration: Duration,
}

impl Outages {
    pub(crate) fn new() -> Self {
        Self {
            period: Mutex::new(Period {
                generation: CancellationToken::new(),
                claimed: false,
                duration: Duration::ZERO,
            }),
        }
    }

    /// The token of the current serving period.
    pub(crate) fn current(&self) -> CancellationToken {
        lock(&self.period).generation.clone()
    }

    /// Claims the next outage; `None` while one is claimed or under way. Dropping
    /// the claim without [`OutageClaim::start`] gives it up.
    fn claim(self: &Arc<Self>) -> Option<OutageClaim> {
        let mut period = lock(&self.period);
        if period.claimed || period.generation.is_cancelled() {
            return None;
        }
        period.claimed = true;
        Some(OutageClaim {
            outages: Arc::clone(self),
            started: false,
        })
    }

    /// How long the outage under way lasts.
    pub(crate) fn duration(&self) -> Duration {
        lock(&self.period).duration
    }

    /// Ends the outage: a new serving period begins.
    pub(crate) fn renew(&self) {
        let mut period = lock(&self.period);
        period.generation = CancellationToken::new();
        period.claimed = false;
    }
}

/// The right to start the next outage, held by one `/admin/outage` request.
#[derive(Debug)]
struct OutageClaim {
    outages: Arc<Outages>,
    started: bool,
}

impl OutageClaim {
    /// Starts the outage, of `duration`.
    fn start(mut self, duration: Duration) {
        let mut period = lock(&self.outages.period);
        period.duration = duration;
        period.generation.cancel();
        self.started = true;
    }
}

impl Drop for OutageClaim {
    fn drop(&mut self) {
        if !self.started {
            lock(&self.outages.period).claimed = false;
        }
    }
}

/// Requests received for each of a fixed set of paths.
#[derive(Debug)]
pub(crate) struct RequestCounts {
    paths: Vec<&'static str>,
    counts: Vec<AtomicU64>,
}

impl RequestCounts {
    /// Counters for `paths`, all at zero; other paths are never counted.
    pub(crate) fn new(paths: &[&'static str]) -> Self {
        Self {
            paths: paths.to_vec(),
            counts: paths.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn counter(&self, path: &str) -> Option<&AtomicU64> {
        let index = self.paths.iter().position(|known| *known == path)?;
        self.counts.get(index)
    }

    fn add(&self, path: &str) {
        if let Some(counter) = self.counter(path) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The count for `path`, `None` for a path that is not counted.
    fn get(&self, path: &str) -> Option<u64> {
        self.counter(path).map(|c| c.load(Ordering::Relaxed))
    }
}

/// A mutex guard even if another thread panicked while holding it (the data here is
/// plain tokens and durations, always consistent).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Middleware counting requests for the routed paths.
pub(crate) async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    state.requests.add(request.uri().path());
    next.run(request).await
}

/// The checks every admin request passes first: an accepted `Origin` (`403`), then
/// a valid WebSocket handshake (`426` for a plain request).
pub(crate) fn admin_handshake(
    state: &AppState,
    request: &mut Request,
) -> Result<Handshake, Refusal> {
    if !state.guard.admin_origin_allowed(request.headers()) {
        state.log(format_args!(
            "admin request refused for Origin {:?}",
            request.headers().get(axum::http::header::ORIGIN)
        ));
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "admin paths answer only pages of the server's own origin or an --admin-origin",
        ));
    }
    Handshake::from_request(request)
}

/// Sends the one text answer of an admin path, within the idle timeout.
pub(crate) async fn answer(ws: &mut Ws, info: &ConnInfo, text: String) {
    let sent = tokio::time::timeout(info.state.idle_timeout, ws.send(Message::text(text))).await;
    if !matches!(sent, Ok(Ok(()))) {
        info.log(format_args!("the admin answer could not be sent"));
    }
}

/// Query of `/admin/outage`.
#[derive(Debug, Deserialize)]
pub(crate) struct OutageQuery {
    ms: Option<u64>,
}

/// `/admin/outage?ms=N`: answers, then drops every WebSocket and stops listening
/// for `N` ms. `400` for `N` over 60000, `409` during an outage.
pub(crate) async fn outage(
    State(state): State<AppState>,
    Query(query): Query<OutageQuery>,
    mut request: Request,
) -> Response {
    let handshake = match admin_handshake(&state, &mut request) {
        Ok(handshake) => handshake,
        Err(refusal) => return refusal.into_response(),
    };
    let ms = query.ms.unwrap_or(DEFAULT_OUTAGE_MS);
    if ms > MAX_OUTAGE_MS {
        return plain(StatusCode::BAD_REQUEST, "ms must be at most 60000");
    }
    // Claimed before the answer: of concurrent requests, one is answered and the
    // others get 409, never a second "outage of N ms".
    let Some(claim) = state.outages.claim() else {
        return plain(StatusCode::CONFLICT, "an outage is already under way");
    };
    state.accept_outliving_outages("/admin/outage", handshake, move |conn| async move {
        let (mut ws, info) = conn.into_websocket().await;
        answer(&mut ws, &info, format!("outage of {ms} ms")).await;
        claim.start(Duration::from_millis(ms));
        info.state.log(format_args!("outage of {ms} ms"));
        // Not dropped with the others: a browser that sees TCP close right after
        // the answer may report 1006 without delivering it (Firefox did).
        closing::close_gracefully(ws, closing::frame(CloseCode::Normal, ""), &info).await;
    })
}

/// Query of `/admin/requests`.
#[derive(Debug, Deserialize)]
pub(crate) struct RequestsQuery {
    path: String,
}

/// `/admin/requests?path=P`: the number of requests received for `P`, then a
/// close with 1000. `400` for a path that is not counted.
pub(crate) async fn requests(
    State(state): State<AppState>,
    Query(query): Query<RequestsQuery>,
    mut request: Request,
) -> Response {
    let handshake = match admin_handshake(&state, &mut request) {
        Ok(handshake) => handshake,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(count) = state.requests.get(&query.path) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "only the server's own paths (/echo, /close, ...) are counted",
        );
    };
    state.accept("/admin/requests", handshake, move |conn| async move {
        let (mut ws, info) = conn.into_websocket().await;
        answer(&mut ws, &info, count.to_string()).await;
        closing::close_gracefully(ws, closing::frame(CloseCode::Normal, ""), &info).await;
    })
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use super::{Outages, RequestCounts};

    #[test]
    fn one_outage_is_claimed_at_a_time_until_the_next_period() {
        let outages = Arc::new(Outages::new());
        let first = outages.claim().expect("the first claim");
        assert!(outages.claim().is_none(), "claimed twice before it started");
        drop(first);
        let second = outages.claim().expect("a claim given up is free again");
        let period = outages.current();
        second.start(Duration::from_millis(5));
        assert!(period.is_cancelled());
        assert_eq!(outages.duration(), Duration::from_millis(5));
        assert!(outages.claim().is_none(), "claimed during the outage");
        outages.renew();
        assert!(!outages.current().is_cancelled());
        assert!(outages.claim().is_some(), "the next period takes a claim");
    }

    #[test]
    fn only_known_paths_are_counted() {
        let counts = RequestCounts::new(&["/echo", "/silent"]);
        counts.add("/echo");
        counts.add("/echo");
        counts.add("/nowhere");
        counts.add("/echo/");
        assert_eq!(counts.get("/echo"), Some(2));
        assert_eq!(counts.get("/silent"), Some(0));
        assert_eq!(counts.get("/nowhere"), None);
        assert_eq!(counts.paths.len(), counts.counts.len());
    }
}
