//! State shared by every request handler: WebSocket settings and limits, the
//! shutdown signal and the set of running connection tasks.

use std::{
    fmt,
    future::Future,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::response::Response;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::sync::Semaphore;
use tokio_tungstenite::{
    tungstenite::protocol::{Role, WebSocketConfig},
    WebSocketStream,
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    admin::{Outages, RequestCounts},
    guard::Guard,
    handshake::Handshake,
    token::Tokens,
    Config, Error,
};

/// The raw byte stream of an upgraded connection.
pub(crate) type Io = TokioIo<Upgraded>;

/// A server-side WebSocket over an upgraded connection.
pub(crate) type Ws = WebSocketStream<Io>;

/// Cheap to clone; one copy per handler call and per connection task.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    websocket_config: WebSocketConfig,
    /// Cancelled when the server shuts down.
    pub(crate) shutdown: CancellationToken,
    /// Every connection task, HTTP or WebSocket, awaited (with a grace period) on
    /// shutdown.
    pub(crate) tracker: TaskTracker,
    /// One permit per open connection (`Config::max_connections`).
    pub(crate) connections: Arc<Semaphore>,
    /// Time to receive a request head.
    pub(crate) header_timeout: Duration,
    /// Time a WebSocket may receive nothing, or wait on a write.
    pub(crate) idle_timeout: Duration,
    /// Accepted `Host` names and admin origins.
    pub(crate) guard: Arc<Guard>,
    verbose: bool,
    next_id: Arc<AtomicU64>,
    /// The outage switch of `/admin/outage`.
    pub(crate) outages: Arc<Outages>,
    /// Requests received for each path the router knows, for `/admin/requests`.
    pub(crate) requests: Arc<RequestCounts>,
    /// The tokens of `/admin/token` and `/token`.
    pub(crate) tokens: Arc<Tokens>,
}

impl AppState {
    /// The state of a server bound to `port` (and `tls_port`), counting requests for
    /// `paths`.
    ///
    /// # Errors
    ///
    /// [`Error::AdminOrigin`] for a malformed `config.admin_origins` entry.
    pub(crate) fn new(
        config: &Config,
        port: u16,
        tls_port: Option<u16>,
        paths: &[&'static str],
        shutdown: CancellationToken,
        tracker: TaskTracker,
    ) -> Result<Self, Error> {
        Ok(Self {
            websocket_config: config.websocket_config(),
            shutdown,
            tracker,
            connections: Arc::new(Semaphore::new(
                config.max_connections.clamp(1, Semaphore::MAX_PERMITS),
            )),
            header_timeout: config.header_timeout,
            idle_timeout: config.idle_timeout,
            guard: Arc::new(Guard::new(config, port, tls_port)?),
            verbose: config.verbose,
            next_id: Arc::new(AtomicU64::new(1)),
            outages: Arc::new(Outages::new()),
            requests: Arc::new(RequestCounts::new(paths)),
            tokens: Arc::new(Tokens::default()),
        })
    }

    /// The largest message (and frame) accepted, in bytes.
    pub(crate) fn max_message_size(&self) -> usize {
        self.websocket_config.max_message_size.unwrap_or(usize::MAX)
    }

    /// Writes one line to stderr when `--verbose` is on.
    pub(crate) fn log(&self, args: fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("echo-server: {args}");
        }
    }

    /// Answers the handshake with `101` and runs `on_open` on the upgraded
    /// connection in a tracked task (awaited, with a grace period, on shutdown). An
    /// outage (`/admin/outage`) drops the connection at once, without a close frame.
    pub(crate) fn accept<F, Fut>(
        &self,
        path: &'static str,
        handshake: Handshake,
        on_open: F,
    ) -> Response
    where
        F: FnOnce(Conn) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.spawn_session(path, handshake, Some(self.outages.current()), on_open)
    }

    /// [`AppState::accept`] for the connection that starts an outage: the outage
    /// does not drop it, so it can end with a close frame after its answer.
    pub(crate) fn accept_outliving_outages<F, Fut>(
        &self,
        path: &'static str,
        handshake: Handshake,
        on_open: F,
    ) -> Response
    where
        F: FnOnce(Conn) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.spawn_session(path, handshake, None, on_open)
    }

    /// Answers the handshake and runs the session, dropping it when `outage` (the
    /// serving period it began in) ends.
    fn spawn_session<F, Fut>(
        &self,
        path: &'static str,
        handshake: Handshake,
        outage: Option<CancellationToken>,
        on_open: F,
    ) -> Response
    where
        F: FnOnce(Conn) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let response = handshake.response();
        let on_upgrade = handshake.into_upgrade();
        let conn_id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = self.clone();
        self.tracker.spawn(async move {
            let session = async {
                match on_upgrade.await {
                    Ok(upgraded) => {
                        state.log(format_args!("#{conn_id} {path}: open"));
                        let conn = Conn {
                            id: conn_id,
                            io: TokioIo::new(upgraded),
                            state: state.clone(),
                        };
                        on_open(conn).await;
                        state.log(format_args!("#{conn_id} {path}: done"));
                    }
                    Err(err) => {
                        state.log(format_args!("#{conn_id} {path}: upgrade failed: {err}"));
                    }
                }
            };
            let outage = async {
                match &outage {
                    Some(outage) => outage.cancelled().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = session => {}
                // Dropping the session drops the connection: TCP closes, no close frame.
                () = outage => {
                    state.log(format_args!("#{conn_id} {path}: dropped by an outage"));
                }
            }
        });
        response
    }
}

/// One upgraded connection, handed to a path's behaviour.
#[derive(Debug)]
pub(crate) struct Conn {
    /// Number used in log lines.
    pub(crate) id: u64,
    /// The raw connection, before any WebSocket framing.
    pub(crate) io: Io,
    /// The server's shared state.
    pub(crate) state: AppState,
}

impl Conn {
    /// Wraps the connection in WebSocket framing with the server's limits.
    pub(crate) async fn into_websocket(self) -> (Ws, ConnInfo) {
        let ws = WebSocketStream::from_raw_socket(
            self.io,
            Role::Server,
            Some(self.state.websocket_config),
        )
        .await;
        (
            ws,
            ConnInfo {
                id: self.id,
                state: self.state,
            },
        )
    }
}

/// What a WebSocket session keeps about its connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnInfo {
    /// Number used in log lines.
    pub(crate) id: u64,
    /// The server's shared state.
    pub(crate) state: AppState,
}

impl ConnInfo {
    /// Logs a line about this connection when `--verbose` is on.
    pub(crate) fn log(&self, args: fmt::Arguments<'_>) {
        self.state.log(format_args!("#{} {args}", self.id));
    }
}
