//! Errors that stop the server from starting or running.

use std::{
    io,
    net::{IpAddr, SocketAddr},
    path::PathBuf,
};

/// Why [`crate::serve`] or [`crate::Server::wait`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("cannot bind {host}:{port}: {source}")]
    Bind {
        /// Host from the configuration.
        host: String,
        /// Port from the configuration.
        port: u16,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The host resolves to an address other than loopback (such as `0.0.0.0` or
    /// `::`, every interface), which would serve every machine that can reach it,
    /// and [`crate::Config::allow_remote`] is not set.
    #[error(
        "refusing to listen on {host}: it resolves to {addr}, which is not a loopback \
         address, so every machine that can reach it could use the server (pass \
         --allow-remote to allow that)"
    )]
    NotLoopback {
        /// Host from the configuration.
        host: String,
        /// The address it resolves to that is not loopback.
        addr: IpAddr,
    },
    /// The admin paths were asked for on a host that resolves to an address other
    /// than loopback: they are served on loopback only, even with
    /// [`crate::Config::allow_remote`].
    #[error(
        "refusing to serve the admin paths (--admin) on {host}: it resolves to {addr}, \
         which is not a loopback address, and they are served on loopback only"
    )]
    RemoteAdmin {
        /// Host from the configuration.
        host: String,
        /// The address it resolves to that is not loopback.
        addr: IpAddr,
    },
    /// After an outage (`/admin/outage`) the port could not be bound again, e.g.
    /// because another process took it meanwhile: the server has stopped.
    #[error("cannot bind {addr} again after an outage: {source}")]
    Rebind {
        /// The address the server listened on before the outage.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The `--www` folder does not exist or is not a folder.
    #[error("static file folder {0} is not a readable directory")]
    Www(PathBuf),
    /// An `--admin-origin` is not an origin such as `http://127.0.0.1:8000`.
    #[error("admin origin {0:?} is not of the form http://host:port")]
    AdminOrigin(String),
    /// The TLS port's certificate could not be made, or rustls refused it.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// Reading the bound address or serving failed.
    #[error("server I/O error: {0}")]
    Io(#[from] io::Error),
    /// The server task panicked or was cancelled.
    #[error("server task failed: {0}")]
    Task(String),
}
