//! A WebSocket echo server with fault-injection paths, for the browser tests
//! and the demo page of `wasm-websocket`.
//!
//! Paths (all WebSocket, `GET` upgrade requests):
//!
//! | path | behaviour |
//! | --- | --- |
//! | `/echo` | echoes text as text and binary as binary; `Goodbye` → close 1000; answers a close with the same code and reason |
//! | `/push?count=N&size=S` | once the client's first data message arrives (not echoed), sends `N` binary messages of `S` bytes (default 1000 of 1024; `N` 1 to 1,000,000, `S` 4 to 1 MiB and at most the message limit, 1 GiB in all; else HTTP 400), message `i` carrying `i` in its first 4 bytes (little-endian) and byte `j % 251` at each later position `j`; then echoes like `/echo` |
//! | `/close?code=N&reason=R` | closes right after opening (default 1000, empty reason); a code that may not be sent → HTTP 400 |
//! | `/abrupt?after=N` | echoes `N` messages, then drops TCP without a close frame |
//! | `/slow?ms=N` | delays the handshake by `N` ms (at most 60000), then echoes |
//! | `/reject` | refuses the upgrade with HTTP 403 |
//! | `/silent` | accepts, then never sends or answers anything (until the idle timeout) |
//!
//! `/image.png` (plain HTTP `GET`) is a 2x2 PNG served without CORS headers: a page
//! on another origin that draws it into a canvas cannot read that canvas back.
//!
//! Admin paths, only with [`Config::admin`] (`--admin`), as WebSocket handshakes
//! whose `Origin` must be the server's own or one of [`Config::admin_origins`]; the
//! answer is one text message, and no CORS header is ever sent:
//!
//! | path | behaviour |
//! | --- | --- |
//! | `/admin/outage?ms=N` | a restart as the network sees it: answers `outage of N ms` (then closes with 1000), drops every other WebSocket without a close frame, closes the listening socket, binds the same port again after `N` ms (default 1000, at most 60000); if that fails the server stops with [`Error::Rebind`] |
//! | `/admin/requests?path=P` | how many requests for path `P` (no query; one of the routed paths) arrived since the start, as a number |
//! | `/admin/token` | issues a new token (the one before stops being valid) and answers it |
//! | `/token?t=T` | echoes as `/echo` if `T` is the newest token issued, else refuses the upgrade with `403` (for tests of URL providers; the state is one counter) |
//!
//! Safe to leave running next to a browser: it listens on loopback addresses only
//! ([`Config::host`] must resolve to loopback, else [`Error::NotLoopback`], unless
//! [`Config::allow_remote`] is set, and the admin paths never leave loopback:
//! [`Error::RemoteAdmin`]); every request must name a loopback host (or
//! [`Config::host`]) in exactly one `Host`; a request head must arrive within
//! [`Config::header_timeout`]; at most [`Config::max_connections`] connections are
//! open; a WebSocket that receives nothing for [`Config::idle_timeout`] is closed,
//! and any connection (HTTP responses too) whose client takes nothing of a write
//! for as long is dropped; static files are served from inside [`Config::www`]
//! only (no symlink out, no dotfile); messages are limited to
//! [`Config::max_message_size`] (4 MiB by default), which bounds what one client can
//! make the server hold to about three times that.
//!
//! With [`Config::tls_port`] (`--tls-port`) a second port serves the same routes over
//! TLS (`https://`, `wss://`) with a self-signed certificate for `localhost`,
//! `127.0.0.1`, `::1` (and [`Config::host`]) made at startup
//! ([`Server::tls_certificate`]); every check and limit above holds there too, and
//! the TLS handshake must end within [`Config::header_timeout`].
//!
//! The subprotocols `echo` and `chat` are known; the first one the client
//! offers wins, and no offer (or only unknown ones) selects none. Other paths
//! are `404`, or static files when [`Config::www`] is set.
//!
//! ```no_run
//! # async fn demo() -> Result<(), echo_server::Error> {
//! let server = echo_server::serve(echo_server::Config { port: 0, ..Default::default() }).await?;
//! println!("echo at {}/echo", server.ws_url());
//! server.shutdown().await?;
//! # Ok(())
//! # }
//! ```

mod admin;
mod closing;
mod config;
mod conn;
mod echo;
mod error;
mod faults;
mod guard;
mod handshake;
mod image;
mod push;
mod server;
mod state;
mod statics;
mod tls;
mod token;

pub use admin::MAX_OUTAGE_MS;
pub use closing::IDLE_REASON;
pub use config::{
    parse_duration, parse_size, Config, DEFAULT_HEADER_TIMEOUT, DEFAULT_HOST, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_PORT,
};
pub use echo::GOODBYE;
pub use error::Error;
pub use faults::MAX_SLOW_MS;
pub use handshake::KNOWN_SUBPROTOCOLS;
pub use image::IMAGE_PNG;
pub use push::{MAX_PUSH_BYTES, MAX_PUSH_COUNT, MAX_PUSH_SIZE};
pub use server::{serve, Server, ShutdownHandle};
