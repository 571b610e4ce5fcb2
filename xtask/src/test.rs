//! `cargo xtask test`: setup, then the checks of [`checks::plan`] (lints, native tests,
//! browser tests against a local echo server started on first need), then a timing
//! table and, as the very last line, `summary: N passed, M failed`.

use std::process::ExitCode;

use anyhow::Result;

use crate::browsers::BrowserChoice;
use crate::checks::{self, Action, Check, Fixtures};
use crate::ctx::Ctx;
use crate::server::{self, EchoServer};
use crate::steps::{Done, Steps};
use crate::summary::{self, Counts};
use crate::toolchain::Choice;
use crate::{process, setup};

/// Port tried first for the echo server: a stable port keeps the URL compiled into
/// the wasm tests (via `option_env!`) the same, so warm runs do not recompile them.
const ECHO_PORT: u16 = 47301;
/// Port tried first for the echo server's TLS port (`wss://`), stable for the same
/// reason (the run over wss compiles it into its tests).
const ECHO_TLS_PORT: u16 = 47302;
/// Port tried first for "a port nothing listens on", stable for the same reason.
const CLOSED_PORT: u16 = 47309;
/// Port tried first for the page of `wasm-bindgen-test-runner`
/// (`WASM_BINDGEN_TEST_ADDRESS`): the echo server lets that origin use its admin paths.
const RUNNER_PORT: u16 = 47311;

/// Options of `cargo xtask test`.
#[derive(Debug)]
pub struct Options {
    /// Which wasm32 route setup may take.
    pub toolchain: Choice,
    /// Which browsers to test in.
    pub browser: BrowserChoice,
    /// Extra arguments for the browser test runs.
    pub runner_args: Vec<String>,
}

/// Builds and starts the echo server: on [`ECHO_PORT`], with its TLS port (for the
/// runs over wss) on [`ECHO_TLS_PORT`], when they are free, else on ports the OS
/// picks.
pub fn start_echo(ctx: &Ctx, steps: &mut Steps, extra: &[&str]) -> Result<EchoServer> {
    steps.run("build echo-server", || {
        let mut cmd = ctx.host("cargo");
        cmd.args(["build", "-p", "echo-server"]);
        process::run(&mut cmd)?;
        Ok(Done::new(()))
    })?;
    steps.run("start echo-server", || {
        let bin = ctx.host_bin("echo-server");
        let with_ports = |port: u16, tls_port: u16| -> Vec<String> {
            let mut args: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
            args.extend(["--port".to_owned(), port.to_string()]);
            args.extend(["--tls-port".to_owned(), tls_port.to_string()]);
            args
        };
        let server = match EchoServer::start(&bin, &ctx.root, &with_ports(ECHO_PORT, ECHO_TLS_PORT))
        {
            Ok(server) => server,
            Err(err) => {
                println!(
                    "    port {ECHO_PORT} or {ECHO_TLS_PORT} did not work ({err:#}); trying port 0"
                );
                EchoServer::start(&bin, &ctx.root, &with_ports(0, 0))?
            }
        };
        let tls_url = server.tls_url.as_deref().unwrap_or("no TLS port");
        let note = format!("{} {tls_url} (pid {})", server.url, server.pid());
        Ok(Done::note(server, note))
    })
}

/// Runs the checks; returns the summed test counts.
fn run_checks(ctx: &Ctx, steps: &mut Steps, checks: &[Check]) -> Counts {
    let mut fixtures = Fixtures::default();
    let mut total = Counts::default();
    for check in checks {
        if check.needs_echo && fixtures.echo.is_none() && fixtures.echo_error.is_none() {
            match server::closed_port(RUNNER_PORT).and_then(|runner| {
                let runner = format!("127.0.0.1:{runner}");
                let args = server::browser_test_args(&runner);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let echo = start_echo(ctx, steps, &args)?;
                let port = server::closed_port(CLOSED_PORT)?;
                Ok((echo, format!("ws://127.0.0.1:{port}/"), runner))
            }) {
                Ok((echo, closed_url, runner_address)) => {
                    fixtures.echo = Some(echo);
                    fixtures.closed_url = closed_url;
                    fixtures.runner_address = runner_address;
                }
                // The failed step already printed the details.
                Err(err) => fixtures.echo_error = Some(format!("{err}")),
            }
        }
        if check.needs_echo {
            if let Some(why) = &fixtures.echo_error {
                steps.not_run(&check.name, &format!("no echo server: {why}"));
                continue;
            }
        }
        let mut counts = None;
        let _ = steps.run(&check.name, || match (check.make)(ctx, &fixtures)? {
            Action::Skip(reason) => Ok(Done::skipped((), reason)),
            Action::Run(mut cmd) => {
                let shown = process::display(&cmd);
                let captured = process::tee(&mut cmd)?;
                counts = summary::parse(&captured.text);
                process::check(&shown, captured.status)?;
                Ok(Done::new(()))
            }
        });
        if let Some(c) = counts {
            total += c;
            steps.set_detail(c.to_string());
        }
    }
    total
}

/// `cargo xtask test`.
pub fn command(options: &Options) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    let browsers = options.browser.browsers();
    let total = match setup::run(&mut ctx, &mut steps, options.toolchain, &browsers) {
        Ok(drivers) => {
            let checks = checks::plan(ctx.route(), &drivers, &browsers, &options.runner_args);
            run_checks(&ctx, &mut steps, &checks)
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            Counts::default()
        }
    };
    println!();
    print!("{}", steps.table());
    println!("summary: {total}");
    if steps.any_failed() || total.failed > 0 {
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
