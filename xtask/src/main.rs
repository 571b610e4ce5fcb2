//! `cargo xtask`: the project's automation for wasm-websocket.
//!
//! * `cargo xtask setup` installs what building and testing for wasm32 needs: the
//!   wasm32 target (rustup, or Debian's Rust as a fallback), wasm-bindgen-cli at the
//!   version in `Cargo.lock`, wasm-pack, Chromium + chromedriver, Firefox ESR +
//!   geckodriver. It is idempotent and fast when everything is present.
//! * `cargo xtask test` runs setup, rustfmt, clippy (host and wasm32), the native tests,
//!   the headless browser tests against the repo's own echo server, and the JS API's
//!   tests (its package, its test page in Chromium, `tsc` on the TypeScript example).
//! * `cargo xtask demo` builds the library for the web and serves `www/`.
//! * `cargo xtask pack` builds the npm packages of the JavaScript API (`target/pkg/web`
//!   and `target/pkg/bundler`).
//! * `cargo xtask bench` runs the browser benchmarks (plain JS, ours, gloo-net,
//!   ws_stream_wasm) in headless Chromium and writes `target/bench/report.md` (the
//!   table, issue 15's targets with their verdicts, the memory figures) and
//!   `target/bench/latest.json`.
//! * `cargo xtask size` compares the size of a minimal app with this crate and with
//!   gloo-net, after `wasm-opt -Oz`.
//!
//! The steps follow the project's toolchain notes (`TOOLCHAIN.md`): they work on
//! machines that reach the package registries (crates.io, Debian, npm) and nothing else.

mod apt;
mod bench;
mod bench_report;
mod bench_stats;
mod bench_targets;
mod binaryen;
mod browsers;
mod checks;
mod consumers;
mod ctx;
mod demo;
mod floor;
mod glue;
mod js_api;
mod lockfile;
mod pack;
mod process;
mod server;
mod setup;
mod size;
mod size_breakdown;
mod steps;
mod summary;
mod test;
mod toolchain;
mod tools;
mod twiggy;
mod wasm_build;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::browsers::BrowserChoice;
use crate::toolchain::Choice;

/// Command line of `cargo xtask`.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Automation for the wasm-websocket project"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Install the wasm32 toolchain, wasm-bindgen-cli, wasm-pack, browsers and drivers.
    Setup(SetupArgs),
    /// Run setup, lints, native tests and the headless browser tests.
    Test(TestArgs),
    /// Build the library for the web and serve `www/` with the echo server.
    Demo(DemoArgs),
    /// Build the npm packages of the JavaScript API (`--target web` and `bundler`).
    Pack(PackArgs),
    /// Run the browser benchmarks against plain JS, gloo-net and ws_stream_wasm
    /// (headless Chromium); writes target/bench/report.md.
    Bench(BenchArgs),
    /// Compare the size of a minimal app with this crate and with gloo-net.
    Size(SizeArgs),
}

/// How to get a Rust compiler that targets wasm32.
#[derive(Debug, Args)]
struct ToolchainArgs {
    /// `auto` uses rustup's wasm32 target when it has or can add it, else Debian's Rust;
    /// `rustup` fails instead of falling back; `debian` forces the fallback.
    #[arg(
        long,
        value_enum,
        env = "WASM_WEBSOCKET_TOOLCHAIN",
        default_value_t = Choice::Auto
    )]
    toolchain: Choice,
}

/// Arguments of `cargo xtask setup`.
#[derive(Debug, Args)]
struct SetupArgs {
    #[command(flatten)]
    toolchain: ToolchainArgs,
    /// Which browsers (and their drivers) to install.
    #[arg(long, value_enum, default_value_t = BrowserChoice::All)]
    browser: BrowserChoice,
}

/// Arguments of `cargo xtask test`.
#[derive(Debug, Args)]
struct TestArgs {
    #[command(flatten)]
    toolchain: ToolchainArgs,
    /// Which browsers to run the wasm tests in.
    #[arg(long, value_enum, default_value_t = BrowserChoice::All)]
    browser: BrowserChoice,
    /// Extra arguments for the wasm test binaries (after `--`), e.g. a test name filter.
    #[arg(last = true)]
    runner_args: Vec<String>,
}

/// Arguments of `cargo xtask demo`.
#[derive(Debug, Args)]
struct DemoArgs {
    #[command(flatten)]
    toolchain: ToolchainArgs,
    /// Port to serve the demo on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Build the wasm in dev mode (a fast rebuild, unoptimised) instead of release mode
    /// through `wasm-opt -Oz`.
    #[arg(long)]
    dev: bool,
    /// Only build the page into `www/pkg`; do not serve it.
    #[arg(long)]
    build_only: bool,
}

/// Arguments of `cargo xtask pack`.
#[derive(Debug, Args)]
struct PackArgs {
    #[command(flatten)]
    toolchain: ToolchainArgs,
    /// Where to put the packages, one folder per target [default: target/pkg under the
    /// repository root].
    #[arg(long, value_name = "DIR")]
    out_dir: Option<std::path::PathBuf>,
}

/// Arguments of `cargo xtask bench`.
#[derive(Debug, Args)]
struct BenchArgs {
    #[command(flatten)]
    toolchain: ToolchainArgs,
    /// A smoke run (about two minutes): smaller workloads, a 45-second budget for
    /// the rounds, and smaller memory workloads.
    #[arg(long)]
    quick: bool,
    /// Time budget of the measured rounds, in seconds [default: 360, or 45 with
    /// --quick]: as many rounds as fit (at least 3); the intervals narrow with more.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u32).range(1..))]
    seconds: Option<u32>,
    /// Exactly N rounds instead of a time budget.
    #[arg(long, value_name = "N", conflicts_with = "seconds", value_parser = clap::value_parser!(u32).range(1..))]
    rounds: Option<u32>,
    /// Rounds before a fresh Chromium takes over.
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..))]
    rounds_per_browser: u32,
    /// Skip the memory workload (10,000 connect/close cycles take about 2 minutes in
    /// Chromium, which waits 10 ms between two connections to one server).
    #[arg(long)]
    no_memory: bool,
    /// Only these workloads, comma-separated (W1, W2, W3, W4, W5-image, W5-pixels,
    /// W6) [default: every one].
    #[arg(long, value_name = "W,..", conflicts_with = "profile")]
    workloads: Option<String>,
    /// Build nothing and measure nothing: report again from the last measurements
    /// (`target/bench/raw.json`).
    #[arg(long)]
    report_only: bool,
    /// Measure nothing: run workload W (W1, W2, ...) once per contender under the
    /// DevTools CPU profiler and print where each spends its main-thread time.
    #[arg(long, value_name = "W", conflicts_with = "report_only")]
    profile: Option<String>,
}

/// Arguments of `cargo xtask size`.
#[derive(Debug, Args)]
struct SizeArgs {
    #[command(flatten)]
    toolchain: ToolchainArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Setup(args) => setup::command(args.toolchain.toolchain, args.browser),
        Command::Test(args) => test::command(&test::Options {
            toolchain: args.toolchain.toolchain,
            browser: args.browser,
            runner_args: args.runner_args,
        }),
        Command::Demo(args) => demo::command(
            args.toolchain.toolchain,
            args.port,
            !args.dev,
            args.build_only,
        ),
        Command::Pack(args) => pack::command(args.toolchain.toolchain, args.out_dir),
        Command::Bench(args) => bench::command(&bench::Options {
            toolchain: args.toolchain.toolchain,
            quick: args.quick,
            seconds: args.seconds,
            rounds: args.rounds,
            rounds_per_browser: args.rounds_per_browser,
            memory: !args.no_memory,
            workloads: args.workloads,
            report_only: args.report_only,
            profile: args.profile,
        }),
        Command::Size(args) => size::command(args.toolchain.toolchain),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
