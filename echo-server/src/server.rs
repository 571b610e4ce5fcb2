//! Binding, routing, running and stopping the server.

use std::{future::IntoFuture, net::SocketAddr, path::Path, time::Duration};

use axum::{
    http::StatusCode,
    middleware,
    routing::{any, get},
    serve::ListenerExt,
    Router,
};
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    admin, echo, faults, handshake::plain, image, state::AppState, statics, Config, Error,
};

/// How long shutdown waits for open connections before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// How often binding the port again after an outage is tried, and the pause between.
const REBIND_TRIES: u32 = 100;
const REBIND_PAUSE: Duration = Duration::from_millis(20);

/// Binds the listening socket as configured and starts serving in a
/// background task.
///
/// Returns once the socket is bound, so [`Server::local_addr`] is usable at
/// once (with `port: 0` it tells the port the system picked).
///
/// # Errors
///
/// [`Error::Www`] when `config.www` is not a directory, [`Error::Bind`] when
/// the address cannot be bound.
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
    let state = AppState::new(&config, shutdown.clone(), tracker.clone());
    let app = router(state.clone(), config.www.as_deref());
    let task = tokio::spawn(async move {
        let result = serve_periods(listener, app, &state).await;
        // Connections get their grace period too, after HTTP's.
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
async fn serve_periods(
    listener: TcpListener,
    app: Router,
    state: &AppState,
) -> std::io::Result<()> {
    let local_addr = listener.local_addr()?;
    let shutdown = state.shutdown.clone();
    let mut listener = Some(listener);
    loop {
        let outage = state.outages.current();
        let bound = match listener.take() {
            Some(bound) => bound,
            None => rebind(local_addr, &shutdown).await?,
        };
        let bound = bound.tap_io(|tcp| {
            // Echo replies are small and flushed per batch: never wait for Nagle.
            let _ = tcp.set_nodelay(true);
        });
        let end = {
            let (shutdown, outage) = (shutdown.clone(), outage.clone());
            async move {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = outage.cancelled() => {}
                }
            }
        };
        let server = axum::serve(bound, app.clone())
            .with_graceful_shutdown(end)
            .into_future();
        // The listener closes as soon as the period ends; HTTP connections still
        // answering get a grace period.
        let result = tokio::select! {
            result = server => result,
            () = async {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = outage.cancelled() => {}
                }
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => Ok(()),
        };
        if shutdown.is_cancelled() || result.is_err() {
            return result;
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

/// All paths; WebSocket paths win over static files.
fn router(state: AppState, www: Option<&Path>) -> Router {
    let router = Router::new()
        .route("/echo", get(echo::handler))
        .route("/close", get(faults::close))
        .route("/abrupt", get(faults::abrupt))
        .route("/slow", get(faults::slow))
        .route("/reject", any(faults::reject))
        .route("/silent", get(faults::silent))
        .route("/image.png", get(image::handler))
        .route("/admin/outage", get(admin::outage))
        .route("/admin/requests", get(admin::requests));
    let router = match www {
        Some(dir) => router.fallback(statics::handler(dir)),
        None => router.fallback(|| async { plain(StatusCode::NOT_FOUND, "not found") }),
    };
    router
        .layer(middleware::from_fn_with_state(state.clone(), admin::count))
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
    task: JoinHandle<std::io::Result<()>>,
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
    /// [`Error::Io`] if serving failed, [`Error::Task`] if the server task
    /// panicked.
    pub async fn wait(self) -> Result<(), Error> {
        match self.task.await {
            Ok(result) => result.map_err(Error::Io),
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
