//! Binding, routing, running and stopping the server.

use std::{net::SocketAddr, time::Duration};

use axum::{
    http::StatusCode,
    middleware,
    routing::{any, get},
    Router,
};
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    admin,
    conn::{self, SHUTDOWN_GRACE},
    echo, faults, guard,
    handshake::plain,
    image,
    state::AppState,
    statics, Config, Error,
};

/// How often binding the port again after an outage is tried, and the pause between.
const REBIND_TRIES: u32 = 100;
const REBIND_PAUSE: Duration = Duration::from_millis(20);

/// The paths every server routes (the admin paths come on top with `--admin`).
const PATHS: [&str; 7] = [
    "/echo",
    "/close",
    "/abrupt",
    "/slow",
    "/reject",
    "/silent",
    "/image.png",
];

/// Binds the listening socket as configured and starts serving in a
/// background task.
///
/// Returns once the socket is bound, so [`Server::local_addr`] is usable at
/// once (with `port: 0` it tells the port the system picked).
///
/// # Errors
///
/// [`Error::Www`] when `config.www` is not a directory, [`Error::AdminOrigin`] for
/// a malformed admin origin, [`Error::Bind`] when the address cannot be bound.
pub async fn serve(config: Config) -> Result<Server, Error> {
    if let Some(dir) = &config.www {
        if !dir.is_dir() {
            return Err(Error::Www(dir.clone()));
        }
    }
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|source| Error::Bind {
            host: config.host.clone(),
            port: config.port,
            source,
        })?;
    let local_addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let tracker = TaskTracker::new();
    let paths: Vec<&'static str> = if config.admin {
        PATHS.iter().chain(&admin::PATHS).copied().collect()
    } else {
        PATHS.to_vec()
    };
    let state = AppState::new(
        &config,
        local_addr.port(),
        &paths,
        shutdown.clone(),
        tracker.clone(),
    )?;
    let app = router(state.clone(), &config);
    let task = tokio::spawn(async move {
        let result = serve_periods(listener, app, &state).await;
        // Connections get their grace period, then are dropped with the runtime.
        tracker.close();
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait()).await;
        result
    });
    Ok(Server {
        local_addr,
        shutdown: ShutdownHandle(shutdown),
        task,
    })
}

/// Serves until shutdown, one period after another: an outage (`/admin/outage`)
/// ends a period (the listener is closed), and after it the same address is bound
/// again for the next.
async fn serve_periods(listener: TcpListener, app: Router, state: &AppState) -> Result<(), Error> {
    let local_addr = listener.local_addr()?;
    let shutdown = state.shutdown.clone();
    let mut listener = Some(listener);
    loop {
        let period = state.outages.current();
        let bound = match listener.take() {
            Some(bound) => bound,
            None => rebind(local_addr, &shutdown)
                .await
                .map_err(|source| Error::Rebind {
                    addr: local_addr,
                    source,
                })?,
        };
        conn::accept_until(&bound, &app, state, &period).await;
        // The listener closes as soon as the period ends.
        drop(bound);
        if shutdown.is_cancelled() {
            return Ok(());
        }
        // An outage: stay away for its duration (or until shutdown), then come back.
        tokio::select! {
            () = tokio::time::sleep(state.outages.duration()) => {}
            () = shutdown.cancelled() => return Ok(()),
        }
        state.outages.renew();
        state.log(format_args!("outage over"));
    }
}

/// Binds `addr` again after an outage, retrying for a while if the port is still
/// held (the old listener is closed asynchronously).
async fn rebind(addr: SocketAddr, shutdown: &CancellationToken) -> std::io::Result<TcpListener> {
    let mut tries = 0;
    loop {
        match TcpListener::bind(addr).await {
            Ok(listener) => return Ok(listener),
            Err(err) if tries >= REBIND_TRIES || shutdown.is_cancelled() => return Err(err),
            Err(_) => {
                tries += 1;
                tokio::time::sleep(REBIND_PAUSE).await;
            }
        }
    }
}

/// All paths; WebSocket paths win over static files. The `Host` check comes
/// first, then request counting, then routing.
fn router(state: AppState, config: &Config) -> Router {
    let mut router = Router::new()
        .route("/echo", get(echo::handler))
        .route("/close", get(faults::close))
        .route("/abrupt", get(faults::abrupt))
        .route("/slow", get(faults::slow))
        .route("/reject", any(faults::reject))
        .route("/silent", get(faults::silent))
        .route("/image.png", get(image::handler));
    if config.admin {
        router = router
            .route("/admin/outage", any(admin::outage))
            .route("/admin/requests", any(admin::requests));
    }
    let router = match config.www.as_deref() {
        Some(dir) => router.fallback(statics::handler(dir)),
        None => router.fallback(|| async { plain(StatusCode::NOT_FOUND, "not found") }),
    };
    router
        .layer(middleware::from_fn_with_state(state.clone(), admin::count))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::check_host,
        ))
        .layer(middleware::from_fn(guard::nosniff))
        .with_state(state)
}

/// A running server, returned by [`serve`].
///
/// Dropping it does not stop the server; call [`Server::shutdown`] or
/// trigger a [`ShutdownHandle`].
#[derive(Debug)]
pub struct Server {
    local_addr: SocketAddr,
    shutdown: ShutdownHandle,
    task: JoinHandle<Result<(), Error>>,
}

impl Server {
    /// The address actually bound (the real port when `port` was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `ws://IP:PORT` (no path), e.g. `ws://127.0.0.1:8080`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.local_addr)
    }

    /// A handle that stops this server from anywhere.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Stops the server gracefully and waits until it has stopped.
    ///
    /// # Errors
    ///
    /// As [`Server::wait`].
    pub async fn shutdown(self) -> Result<(), Error> {
        self.shutdown.shutdown();
        self.wait().await
    }

    /// Waits until the server has stopped (after a [`ShutdownHandle::shutdown`]).
    ///
    /// Stopping takes at most a few seconds: new connections are refused,
    /// open WebSockets get close code 1001, and whatever is still open after
    /// the grace period is dropped.
    ///
    /// # Errors
    ///
    /// [`Error::Rebind`] if the port could not be bound again after an outage (the
    /// server has stopped serving), [`Error::Io`] if serving failed,
    /// [`Error::Task`] if the server task panicked.
    pub async fn wait(self) -> Result<(), Error> {
        match self.task.await {
            Ok(result) => result,
            Err(err) => Err(Error::Task(err.to_string())),
        }
    }
}

/// Stops a [`Server`] gracefully; cheap to clone.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(CancellationToken);

impl ShutdownHandle {
    /// Starts a graceful shutdown; calling it again does nothing.
    pub fn shutdown(&self) {
        self.0.cancel();
    }

    /// Whether shutdown has been requested.
    pub fn is_shutdown(&self) -> bool {
        self.0.is_cancelled()
    }
}
