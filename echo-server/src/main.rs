//! `echo-server`: command line front end of the [`echo_server`] library.

use std::{io::Write, path::PathBuf, pin::pin, time::Duration};

use anyhow::Context;
use clap::Parser;
use echo_server::{
    parse_duration, parse_size, Config, DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_PORT,
};

/// How often `--exit-with-parent` looks at the parent process.
const PARENT_POLL: Duration = Duration::from_millis(200);

/// WebSocket echo server with fault-injection paths (/echo, /close, /abrupt,
/// /slow, /reject, /silent), a feed (/push), admin paths for tests (--admin),
/// optional static files (--www) and an optional TLS port (--tls-port) for
/// https:// and wss://.
///
/// /push?count=N&size=S waits for the client's first message (not echoed), then
/// sends N binary messages of S bytes (default 1000 of 1024), message i carrying i
/// in its first 4 bytes (little-endian), then echoes like /echo. Bounded: N at most
/// 1000000, S from 4 bytes to 1 MiB and at most --max-message-size, N x S at most
/// 1 GiB (else HTTP 400); a client that stops reading is dropped after
/// --idle-timeout, as on /echo.
///
/// It runs next to the user's browser, and any page can reach 127.0.0.1, so it is
/// bounded: it listens on loopback addresses only (see --allow-remote); only
/// loopback Host names (and --host) are served (DNS rebinding gets 403, two Host
/// headers 400); a request head must arrive within --header-timeout; at most
/// --max-connections connections are open (one more gets 503); a WebSocket that
/// receives nothing for --idle-timeout is closed with 1001, and any connection
/// whose client stops reading (a WebSocket, or an HTTP response) is dropped after
/// as long; messages over --max-message-size get close code 1009, so one client
/// can make the server hold at most about three times that. Static files carry
/// `X-Content-Type-Options: nosniff` and a Content-Security-Policy header (the
/// page's <meta> policy plus `frame-ancestors 'none'`); dotfiles, dot-folders,
/// empty path segments and symlinks that point out of --www get 404.
///
/// Admin paths (only with --admin) are WebSocket handshakes that answer with one
/// text message: /admin/outage?ms=N (drops every other connection and closes the
/// port for N ms, at most 60000), /admin/requests?path=P (requests counted for
/// one of the paths above) and /admin/token (issues a new token and answers it;
/// with --admin, /token?t=T echoes only for the newest token and refuses any other
/// with 403: a server behind expiring credentials; the state is one counter). A browser's handshake must come from the server's own
/// origin (http://127.0.0.1:PORT, http://localhost:PORT, ...) or an
/// --admin-origin, else 403; a handshake without Origin comes from no browser and
/// is answered; a plain GET (what an <img> sends) gets 426 and changes nothing; no
/// CORS headers are sent. If the port cannot be bound again after an outage, the
/// server exits with status 1.
///
/// With --tls-port, a second port serves every route above over TLS, with a
/// self-signed certificate for localhost, 127.0.0.1, ::1 (and --host) made at each
/// start and kept only in memory: browsers must be told to accept it (Chromium
/// --ignore-certificate-errors, WebDriver acceptInsecureCerts), as the test runs
/// do. The same Host and Origin checks (its own origins are https://...:TLS_PORT),
/// limits and timeouts hold there; the TLS handshake too must end within
/// --header-timeout; an outage closes both ports.
///
/// The first line on stdout is `listening on ws://HOST:PORT`, followed by
/// ` wss://HOST:TLS_PORT` with --tls-port.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Cli {
    /// Host or IP address to bind; also accepted as a Host name besides
    /// localhost, 127.0.0.1 and [::1]. It must resolve to loopback addresses only
    /// (0.0.0.0 and :: are every interface, not loopback), unless --allow-remote.
    #[arg(long, default_value = DEFAULT_HOST)]
    host: String,
    /// Allow a --host that is not loopback (such as 0.0.0.0): every path (/echo,
    /// /push, the fault paths, --www files) is then exposed to every machine that
    /// can reach that address, with no authentication. A remote client must send
    /// the --host address as its Host: bind the address it uses (not 0.0.0.0,
    /// which answers loopback names only). --admin is still refused there.
    #[arg(long)]
    allow_remote: bool,
    /// Port to bind; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Also serve the same routes over TLS (https://, wss://) on this port, with a
    /// self-signed certificate made at startup; 0 picks a free one.
    #[arg(long, value_name = "PORT")]
    tls_port: Option<u16>,
    /// Largest message (and frame) accepted, in bytes or with a KiB/MiB/GiB
    /// suffix; a larger message gets close code 1009. Tests that send more pass
    /// a larger value.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "4MiB")]
    max_message_size: usize,
    /// Most connections open at once (HTTP and WebSocket); one more is answered 503
    /// and closed.
    #[arg(long, value_name = "N", value_parser = at_least_one, default_value_t = DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Time a client has to send a complete request head (also the longest an idle
    /// keep-alive connection waits for its next request): 10, 10s, 500ms or 2m.
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "10s")]
    header_timeout: Duration,
    /// Time a WebSocket may receive nothing (then it is closed with 1001, or just
    /// dropped on /silent), and the longest a write (a WebSocket message or an HTTP
    /// response) waits for a client that does not read (then the connection is
    /// dropped).
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "60s")]
    idle_timeout: Duration,
    /// Serve static files from this folder on the same port (GET / → index.html).
    #[arg(long, value_name = "DIR")]
    www: Option<PathBuf>,
    /// Serve the admin paths /admin/outage, /admin/requests and /admin/token, and
    /// /token (for tests; never for the demo).
    #[arg(long)]
    admin: bool,
    /// An origin besides the server's own whose pages may use the admin paths, e.g.
    /// http://127.0.0.1:8000 for a test runner's page; repeatable.
    #[arg(long, value_name = "ORIGIN", requires = "admin")]
    admin_origin: Vec<String>,
    /// Stop when the parent process exits, however it ends (even SIGKILL): for
    /// tools that start the server as a child.
    #[arg(long)]
    exit_with_parent: bool,
    /// Log every connection to stderr.
    #[arg(long, short)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Handlers are installed before the address is announced, so a signal
    // sent right after reading the line is never fatal.
    let stop = StopSignal::install().context("installing signal handlers")?;
    // Read before anything slow, so a parent that dies while the server starts is
    // noticed too (unless it died before this line).
    let parent = if cli.exit_with_parent {
        Some(parent_id().context("--exit-with-parent")?)
    } else {
        None
    };
    let server = echo_server::serve(Config {
        host: cli.host,
        allow_remote: cli.allow_remote,
        port: cli.port,
        tls_port: cli.tls_port,
        max_message_size: cli.max_message_size,
        max_connections: cli.max_connections,
        header_timeout: cli.header_timeout,
        idle_timeout: cli.idle_timeout,
        www: cli.www,
        admin: cli.admin,
        admin_origins: cli.admin_origin,
        verbose: cli.verbose,
    })
    .await?;
    // `serve` refuses such an address without --allow-remote.
    if !server.local_addr().ip().to_canonical().is_loopback() {
        eprintln!(
            "echo-server: warning: --allow-remote: {} is not a loopback address; every path \
             is exposed, without authentication, to every machine that can reach it",
            server.local_addr()
        );
    }

    // A test harness reads this exact line from a pipe to learn the port.
    let mut stdout = std::io::stdout().lock();
    match server.wss_url() {
        Some(wss) => writeln!(stdout, "listening on {} {wss}", server.ws_url()),
        None => writeln!(stdout, "listening on {}", server.ws_url()),
    }
    .context("writing to stdout")?;
    stdout.flush().context("flushing stdout")?;
    drop(stdout);

    let handle = server.shutdown_handle();
    let mut running = pin!(server.wait());
    tokio::select! {
        // The server stopped on its own: only a failure does that.
        result = &mut running => {
            return result.context("the server stopped");
        }
        () = stop.wait() => {}
        () = parent_gone(parent) => {
            eprintln!("echo-server: the parent process exited; shutting down");
        }
    }
    if cli.verbose {
        eprintln!("echo-server: shutting down");
    }
    handle.shutdown();
    running.await?;
    Ok(())
}

/// A count of at least 1.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("at least one connection must be allowed".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a count")),
    }
}

/// The parent process's id.
fn parent_id() -> anyhow::Result<u32> {
    #[cfg(unix)]
    {
        Ok(std::os::unix::process::parent_id())
    }
    #[cfg(not(unix))]
    {
        anyhow::bail!("watching the parent process needs a Unix system")
    }
}

/// Resolves once the process's parent is no longer `parent` (it exited and this
/// process was handed to init or a subreaper); never with `None`.
async fn parent_gone(parent: Option<u32>) {
    let Some(parent) = parent else {
        return std::future::pending().await;
    };
    let mut poll = tokio::time::interval(PARENT_POLL);
    while matches!(parent_id(), Ok(id) if id == parent) {
        poll.tick().await;
    }
}

/// SIGINT, SIGTERM or SIGHUP (Ctrl-C only, off Unix).
struct StopSignal {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
                hangup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    #[cfg_attr(not(unix), allow(unused_mut))]
    async fn wait(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => {}
                _ = self.interrupt.recv() => {}
                _ = self.hangup.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_defaults_are_the_librarys() {
        let cli = Cli::parse_from(["echo-server"]);
        let defaults = Config::default();
        assert_eq!(cli.host, defaults.host);
        assert_eq!(cli.port, defaults.port);
        assert_eq!(cli.tls_port, defaults.tls_port);
        assert_eq!(cli.max_message_size, defaults.max_message_size);
        assert_eq!(cli.max_connections, defaults.max_connections);
        assert_eq!(cli.header_timeout, defaults.header_timeout);
        assert_eq!(cli.idle_timeout, defaults.idle_timeout);
        assert_eq!(cli.allow_remote, defaults.allow_remote);
        assert!(!cli.allow_remote);
        assert!(!cli.admin);
        assert!(!cli.exit_with_parent);
    }

    #[test]
    fn admin_origins_need_admin() {
        assert!(
            Cli::try_parse_from(["echo-server", "--admin-origin", "http://127.0.0.1:1"]).is_err()
        );
        let cli = Cli::try_parse_from([
            "echo-server",
            "--admin",
            "--admin-origin",
            "http://127.0.0.1:1",
            "--admin-origin",
            "http://localhost:2",
        ])
        .expect("valid flags");
        assert_eq!(cli.admin_origin.len(), 2);
    }
}
