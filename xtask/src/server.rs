//! The echo server the browser tests and the demo talk to, owned by a guard that
//! stops it when dropped (also when a step fails or panics). It is started with
//! `--exit-with-parent`, so it also stops when xtask itself is killed, whatever the
//! signal (SIGTERM, SIGHUP, SIGKILL), when no destructor runs.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

/// How long the server may take to print its `listening on` line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running echo server. Dropping it kills and reaps the process.
#[derive(Debug)]
pub struct EchoServer {
    child: Child,
    /// `ws://127.0.0.1:PORT` as the server printed it.
    pub url: String,
    /// The port it listens on.
    pub port: u16,
    /// `wss://127.0.0.1:PORT` of its TLS port, when started with `--tls-port`.
    pub tls_url: Option<String>,
}

impl EchoServer {
    /// Starts `bin` with `args` (which choose the port) and waits for its
    /// `listening on ws://127.0.0.1:PORT` line. Later stdout lines are forwarded
    /// with an `[echo-server]` prefix; stderr goes straight to the terminal.
    pub fn start(bin: &Path, cwd: &Path, args: &[String]) -> Result<Self> {
        let mut child = command(bin, cwd, args)
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("no stdout pipe"))?;
        let (first_tx, first_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = first_tx.send(line);
            }
            for line in lines.map_while(Result::ok) {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "[echo-server] {line}");
            }
        });
        // Wrap it now so that every early return below stops the process.
        let mut server = Self {
            child,
            url: String::new(),
            port: 0,
            tls_url: None,
        };
        let line = match first_rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = server.stop();
                bail!("the echo server exited before listening ({status})");
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                bail!(
                    "the echo server printed nothing within {}s",
                    STARTUP_TIMEOUT.as_secs()
                );
            }
        };
        let (url, port) = parse_listening(&line)
            .ok_or_else(|| anyhow!("unexpected first line from the echo server: {line:?}"))?;
        server.url = url;
        server.port = port;
        server.tls_url = parse_tls_listening(&line);
        Ok(server)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the server to exit on its own (the demo runs it in the foreground).
    pub fn wait(mut self) -> Result<ExitStatus> {
        Ok(self.child.wait()?)
    }

    /// Kills the server and reaps it; returns how it ended.
    fn stop(&mut self) -> String {
        if let Ok(Some(status)) = self.child.try_wait() {
            return status.to_string();
        }
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(err) => err.to_string(),
        }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            println!("    stopping echo server (pid {})", self.child.id());
        }
        self.stop();
    }
}

/// The command that starts the server: `bin --exit-with-parent ARGS`, its stdout
/// piped (for the `listening on` line).
fn command(bin: &Path, cwd: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new(bin);
    // The server watches its parent (xtask) and stops when it is gone.
    cmd.arg("--exit-with-parent")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    cmd
}

/// The arguments of the echo server the browser tests use: the admin paths, for the
/// page that `wasm-bindgen-test-runner` serves on `runner_address` (its origin is
/// the only one besides the server's own that may use them), and messages up to
/// 16 MiB (`tests/messages.rs` echoes one that large; the default is 4 MiB).
pub fn browser_test_args(runner_address: &str) -> Vec<String> {
    [
        "--admin",
        "--admin-origin",
        &format!("http://{runner_address}"),
        "--max-message-size",
        "16MiB",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Parses `listening on ws://127.0.0.1:PORT` into the URL and the port.
pub fn parse_listening(line: &str) -> Option<(String, u16)> {
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("ws://"))?
        .trim_end_matches('/');
    let authority = url.strip_prefix("ws://")?;
    let port = authority.rsplit_once(':')?.1.parse().ok()?;
    Some((url.to_owned(), port))
}

/// The `wss://127.0.0.1:PORT` of `listening on ws://127.0.0.1:PORT wss://127.0.0.1:PORT`
/// (a server started with `--tls-port`).
pub fn parse_tls_listening(line: &str) -> Option<String> {
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("wss://"))?
        .trim_end_matches('/');
    let port: u16 = url.rsplit_once(':')?.1.parse().ok()?;
    (port != 0).then(|| url.to_owned())
}

/// A local port where nothing listens: `preferred` when it is free (stable across
/// runs, so URLs compiled into the tests do not change), else one the OS picks.
/// The port is released again before returning.
pub fn closed_port(preferred: u16) -> Result<u16> {
    if TcpListener::bind(("127.0.0.1", preferred)).is_ok() {
        return Ok(preferred);
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("cannot bind a local port")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_listening_line() {
        assert_eq!(
            parse_listening("listening on ws://127.0.0.1:47301"),
            Some(("ws://127.0.0.1:47301".to_owned(), 47301))
        );
        assert_eq!(
            parse_listening("listening on ws://127.0.0.1:8080/ (www: www)"),
            Some(("ws://127.0.0.1:8080".to_owned(), 8080))
        );
        assert_eq!(parse_listening("starting"), None);
        assert_eq!(
            parse_tls_listening("listening on ws://127.0.0.1:47301"),
            None
        );
        let both = "listening on ws://127.0.0.1:47301 wss://127.0.0.1:47302";
        assert_eq!(
            parse_listening(both),
            Some(("ws://127.0.0.1:47301".to_owned(), 47301))
        );
        assert_eq!(
            parse_tls_listening(both).as_deref(),
            Some("wss://127.0.0.1:47302")
        );
        assert_eq!(parse_tls_listening("listening on wss://127.0.0.1:x"), None);
        assert_eq!(parse_listening("listening on ws://127.0.0.1:x"), None);
    }

    #[test]
    fn the_server_is_told_to_exit_with_xtask() {
        let cmd = command(
            Path::new("/t/echo-server"),
            Path::new("/repo"),
            &["--port".to_owned(), "0".to_owned()],
        );
        assert_eq!(
            crate::process::display(&cmd),
            "/t/echo-server --exit-with-parent --port 0"
        );
    }

    #[test]
    fn browser_tests_get_admin_paths_for_the_runners_origin_only() {
        assert_eq!(
            browser_test_args("127.0.0.1:47311"),
            [
                "--admin",
                "--admin-origin",
                "http://127.0.0.1:47311",
                "--max-message-size",
                "16MiB"
            ]
        );
    }

    #[test]
    fn closed_port_is_not_listening() {
        let busy = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let busy_port = busy.local_addr().expect("addr").port();
        let port = closed_port(busy_port).expect("a free port");
        assert_ne!(port, busy_port);
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    }
}
