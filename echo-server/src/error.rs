//! Errors that stop the server from starting or running.

use std::{io, path::PathBuf};

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
    /// The `--www` folder does not exist or is not a folder.
    #[error("static file folder {0} is not a readable directory")]
    Www(PathBuf),
    /// Reading the bound address or serving failed.
    #[error("server I/O error: {0}")]
    Io(#[from] io::Error),
    /// The server task panicked or was cancelled.
    #[error("server task failed: {0}")]
    Task(String),
}
