//! Admin paths for tests, over plain HTTP `GET` (with
//! `Access-Control-Allow-Origin: *`, so that a test page served from another origin
//! can `fetch` them):
//!
//! - `/admin/outage?ms=N`: a server restart as the network sees it. Every open
//!   WebSocket is dropped without a close frame, the listening socket is closed, and
//!   `N` ms later (default 1000, at most 60000) the same port is bound again. During
//!   the outage connections are refused.
//! - `/admin/requests?path=P`: how many requests for path `P` (without the query)
//!   the server has received since it started, as a decimal number: a test counts
//!   connection attempts with it.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use axum::{
    extract::{Query, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// Longest outage `/admin/outage` accepts, in milliseconds.
pub const MAX_OUTAGE_MS: u64 = 60_000;

/// Outage used when `/admin/outage` gets no `ms`.
const DEFAULT_OUTAGE_MS: u64 = 1000;

/// The outage switch: a token per serving period ("generation"), cancelled when an
/// outage starts; connections and the listener of that period end with it.
#[derive(Debug)]
pub(crate) struct Outages {
    generation: Mutex<CancellationToken>,
    duration: Mutex<Duration>,
}

impl Outages {
    pub(crate) fn new() -> Self {
        Self {
            generation: Mutex::new(CancellationToken::new()),
            duration: Mutex::new(Duration::ZERO),
        }
    }

    /// The token of the current serving period.
    pub(crate) fn current(&self) -> CancellationToken {
        lock(&self.generation).clone()
    }

    /// Starts an outage of `duration`; `false` if one is already under way.
    fn start(&self, duration: Duration) -> bool {
        let generation = lock(&self.generation);
        if generation.is_cancelled() {
            return false;
        }
        *lock(&self.duration) = duration;
        generation.cancel();
        true
    }

    /// How long the outage under way lasts.
    pub(crate) fn duration(&self) -> Duration {
        *lock(&self.duration)
    }

    /// Ends the outage: a new serving period begins.
    pub(crate) fn renew(&self) {
        *lock(&self.generation) = CancellationToken::new();
    }
}

/// Requests received, by path.
#[derive(Debug, Default)]
pub(crate) struct RequestCounts(Mutex<HashMap<String, u64>>);

impl RequestCounts {
    fn add(&self, path: &str) {
        *lock(&self.0).entry(path.to_owned()).or_insert(0) += 1;
    }

    fn get(&self, path: &str) -> u64 {
        lock(&self.0).get(path).copied().unwrap_or(0)
    }
}

/// A mutex guard even if another thread panicked while holding it (the data here is
/// plain counters and tokens, always consistent).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Middleware counting every request by path.
pub(crate) async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    state.requests.add(request.uri().path());
    next.run(request).await
}

/// Query of `/admin/outage`.
#[derive(Debug, Deserialize)]
pub(crate) struct OutageQuery {
    ms: Option<u64>,
}

/// `GET /admin/outage?ms=N`: answers `200`, then drops every WebSocket and stops
/// listening for `N` ms. `400` for `N` over 60000, `409` during an outage.
pub(crate) async fn outage(
    State(state): State<AppState>,
    Query(query): Query<OutageQuery>,
) -> Response {
    let ms = query.ms.unwrap_or(DEFAULT_OUTAGE_MS);
    if ms > MAX_OUTAGE_MS {
        return cors((StatusCode::BAD_REQUEST, "ms must be at most 60000").into_response());
    }
    if !state.outages.start(Duration::from_millis(ms)) {
        return cors((StatusCode::CONFLICT, "an outage is already under way").into_response());
    }
    state.log(format_args!("outage of {ms} ms"));
    cors(format!("outage of {ms} ms").into_response())
}

/// Query of `/admin/requests`.
#[derive(Debug, Deserialize)]
pub(crate) struct RequestsQuery {
    path: String,
}

/// `GET /admin/requests?path=P`: the number of requests received for `P`.
pub(crate) async fn requests(
    State(state): State<AppState>,
    Query(query): Query<RequestsQuery>,
) -> Response {
    cors(state.requests.get(&query.path).to_string().into_response())
}

/// Lets pages from any origin read the response.
fn cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
