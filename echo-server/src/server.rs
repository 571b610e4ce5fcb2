//! Binding, routing, running and stopping the server.

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use futures_util::future::join_all;
use rustls::pki_types::CertificateDer;

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
    conn::{self, Listener, SHUTDOWN_GRACE},
    echo, faults, guard,
    handshake::plain,
    image, push,
    state::AppState,
    statics, tls, token, Config, Error,
};

/// How often binding the port again after an outage is tried, and the pause between.
const REBIND_TRIES: u32 = 100;
const REBIND_PAUSE: Duration = Duration::from_millis(20);

/// The paths every server routes (the admin paths come on top with `--admin`).
const PATHS: [&str; 8] = [
    "/echo",
    "/push",
    "/close",
    "/abrupt",
    "/slow",
    "/reject",
    "/silent",
    "/image.png",
];

/// Binds the listening socket (and the TLS one, with `config.tls_port`) as
/// configured and starts serving in a background task.
///
/// Returns once the sockets are bound, so [`Server::local_addr`] and
/// [`Server::tls_addr`] are usable at once (with port 0 they tell the port the
/// system picked).
///
/// `config.host` is resolved once, and only the addresses it resolves to are
/// bound: every one of them must be loopback unless `config.allow_remote` is set,
/// and with `config.admin` every one must be loopback even then.
///
/// # Errors
///
/// [`Error::Www`] when `config.www` is not a directory, [`Error::AdminOrigin`] for
/// a malformed admin origin, [`Error::NotLoopback`] for a host that is not loopback
/// without `config.allow_remote`, [`Error::RemoteAdmin`] for the admin paths on
/// such a host, [`Error::Bind`] when the host does not resolve or an address cannot
/// be bound, [`Error::Tls`] when the certificate cannot be made.
pub async fn serve(config: Config) -> Result<Server, Error> {
    let www = match &config.www {
        Some(dir) => Some(www_root(dir).await?),
        None => None,
    };
    let addrs = resolve(&config).await?;
    let listener = bind(&config.host, config.port, &addrs).await?;
    let local_addr = listener.local_addr()?;
    let mut listeners = vec![Listener {
        tcp: listener,
        tls: None,
    }];
    let mut tls_addr = None;
    let mut tls_certificate = None;
    if let Some(port) = config.tls_port {
        let (acceptor, certificate) = tls::self_signed(&config.host)?;
        let tcp = bind(&config.host, port, &addrs).await?;
        tls_addr = Some(tcp.local_addr()?);
        tls_certificate = Some(certificate);
        listeners.push(Listener {
            tcp,
            tls: Some(acceptor),
        });
    }
    let shutdown = CancellationToken::new();
    let tracker = TaskTracker::new();
    let paths: Vec<&'static str> = if config.admin {
        PATHS
            .iter()
            .chain(&admin::PATHS)
            .chain(&token::PATHS)
            .copied()
            .collect()
    } else {
        PATHS.to_vec()
    };
    let state = AppState::new(
        &config,
        local_addr.port(),
        tls_addr.map(|a| a.port()),
        &paths,
        shutdown.clone(),
        tracker.clone(),
    )?;
    let app = router(state.clone(), &config, www);
    let task = tokio::spawn(async move {
        let result = serve_periods(listeners, app, &state).await;
        // Connections get their grace period, then are dropped with the runtime.
        tracker.close();
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait()).await;
        result
    });
    Ok(Server {
        local_addr,
        tls_addr,
        tls_certificate,
        shutdown: ShutdownHandle(shutdown),
        task,
    })
}

/// The `--www` folder with every symlink resolved (what static paths must stay
/// under); [`Error::Www`] unless it is a folder.
async fn www_root(dir: &Path) -> Result<PathBuf, Error> {
    let refused = || Error::Www(dir.to_path_buf());
    let root = tokio::fs::canonicalize(dir).await.map_err(|_| refused())?;
    match tokio::fs::metadata(&root).await {
        Ok(metadata) if metadata.is_dir() => Ok(root),
        _ => Err(refused()),
    }
}

/// The addresses `config.host` resolves to (port 0: [`bind`] sets each port), if
/// the configuration allows every one of them: loopback, or anything with
/// `allow_remote` but the admin paths. `[::1]` is taken as `::1`.
async fn resolve(config: &Config) -> Result<Vec<SocketAddr>, Error> {
    let host = config.host.trim();
    let name = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    let resolved: Vec<SocketAddr> = match tokio::net::lookup_host((name, 0)).await {
        Ok(addrs) => addrs.collect(),
        Err(source) => {
            return Err(Error::Bind {
                host: config.host.clone(),
                port: config.port,
                source,
            })
        }
    };
    if resolved.is_empty() {
        return Err(Error::Bind {
            host: config.host.clone(),
            port: config.port,
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the host resolves to no address",
            ),
        });
    }
    if let Some(addr) = resolved
        .iter()
        .map(SocketAddr::ip)
        .find(|&ip| !is_loopback(ip))
    {
        let host = config.host.clone();
        if !config.allow_remote {
            return Err(Error::NotLoopback { host, addr });
        }
        if config.admin {
            return Err(Error::RemoteAdmin { host, addr });
        }
    }
    Ok(resolved)
}

/// Whether `ip` reaches this machine only (`::ffff:127.0.0.1` too); `0.0.0.0` and
/// `::` (every interface) are not loopback.
fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Binds the first of `addrs` that can be bound, on `port`.
async fn bind(host: &str, port: u16, addrs: &[SocketAddr]) -> Result<TcpListener, Error> {
    let addrs: Vec<SocketAddr> = addrs
        .iter()
        .map(|addr| SocketAddr::new(addr.ip(), port))
        .collect();
    TcpListener::bind(addrs.as_slice())
        .await
        .map_err(|source| Error::Bind {
            host: host.to_owned(),
            port,
            source,
        })
}

/// Serves until shutdown, one period after another: an outage (`/admin/outage`)
/// ends a period (every listener is closed), and after it the same addresses are
/// bound again for the next.
async fn serve_periods(
    listeners: Vec<Listener>,
    app: Router,
    state: &AppState,
) -> Result<(), Error> {
    let mut bound = listeners;
    loop {
        let period = state.outages.current();
        join_all(
            bound
                .iter()
                .map(|listener| conn::accept_until(listener, &app, state, &period)),
        )
        .await;
        // The listeners close as soon as the period ends.
        let mut closed = Vec::with_capacity(bound.len());
        for listener in bound.drain(..) {
            closed.push((listener.tcp.local_addr()?, listener.tls));
        }
        if state.shutdown.is_cancelled() {
            return Ok(());
        }
        // An outage: stay away for its duration (or until shutdown), then come back.
        tokio::select! {
            () = tokio::time::sleep(state.outages.duration()) => {}
            () = state.shutdown.cancelled() => return Ok(()),
        }
        for (addr, tls) in closed {
            let tcp = rebind(addr, &state.shutdown)
                .await
                .map_err(|source| Error::Rebind { addr, source })?;
            bound.push(Listener { tcp, tls });
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
fn router(state: AppState, config: &Config, www: Option<PathBuf>) -> Router {
    let mut router = Router::new()
        .route("/echo", get(echo::handler))
        .route("/push", get(push::handler))
        .route("/close", get(faults::close))
        .route("/abrupt", get(faults::abrupt))
        .route("/slow", get(faults::slow))
        .route("/reject", any(faults::reject))
        .route("/silent", get(faults::silent))
        .route("/image.png", get(image::handler));
    if config.admin {
        router = router
            .route("/admin/outage", any(admin::outage))
            .route("/admin/requests", any(admin::requests))
            .route("/admin/token", any(token::issue))
            .route("/token", get(token::handler));
    }
    let router = match www {
        Some(root) => router.fallback(statics::handler(root)),
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
    tls_addr: Option<SocketAddr>,
    tls_certificate: Option<CertificateDer<'static>>,
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

    /// The TLS port's address, with [`Config::tls_port`].
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// `wss://IP:PORT` (no path) of the TLS port, e.g. `wss://127.0.0.1:8443`.
    pub fn wss_url(&self) -> Option<String> {
        self.tls_addr.map(|addr| format!("wss://{addr}"))
    }

    /// The TLS port's self-signed certificate (DER), made at startup: what a client
    /// that checks certificates must trust.
    pub fn tls_certificate(&self) -> Option<&CertificateDer<'static>> {
        self.tls_certificate.as_ref()
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
