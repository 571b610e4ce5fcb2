//! `echo-server`: command line front end of the [`echo_server`] library.

use std::{io::Write, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use echo_server::{parse_size, Config, DEFAULT_HOST, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_PORT};

/// WebSocket echo server with fault-injection paths (/echo, /close, /abrupt,
/// /slow, /reject, /silent), admin paths for tests (/admin/outage?ms=N,
/// /admin/requests?path=P) and optional static files.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Host or IP address to bind.
    #[arg(long, default_value = DEFAULT_HOST)]
    host: String,
    /// Port to bind; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Largest message (and frame) accepted, in bytes or with a KiB/MiB/GiB
    /// suffix; a larger message gets close code 1009.
    #[arg(long, value_parser = parse_size, default_value_t = DEFAULT_MAX_MESSAGE_SIZE)]
    max_message_size: usize,
    /// Serve static files from this folder on the same port (GET / → index.html).
    #[arg(long, value_name = "DIR")]
    www: Option<PathBuf>,
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
    let server = echo_server::serve(Config {
        host: cli.host,
        port: cli.port,
        max_message_size: cli.max_message_size,
        www: cli.www,
        verbose: cli.verbose,
    })
    .await?;

    // A test harness reads this exact line from a pipe to learn the port.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on {}", server.ws_url()).context("writing to stdout")?;
    stdout.flush().context("flushing stdout")?;
    drop(stdout);

    stop.wait().await;
    if cli.verbose {
        eprintln!("echo-server: shutting down");
    }
    server.shutdown().await?;
    Ok(())
}

/// SIGINT or SIGTERM (Ctrl-C only, off Unix).
struct StopSignal {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
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
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
