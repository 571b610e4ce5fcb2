//! `cargo xtask bench`: the browser benchmarks of issues 6 and 15, in headless
//! Chromium against the repo's echo server on loopback.
//!
//! It builds the JS API package (`--target web`), the bench crate's wasm
//! (`benches/browser`: our Rust API through Stream/Sink and through callbacks,
//! gloo-net and ws_stream_wasm) and the echo server (release), then runs
//! `benches/browser/run.mjs`, which runs short rounds for a time budget (every
//! workload once per contender in each round, in a rotating order; a fresh Chromium
//! every few rounds) and records each run with its main-thread script time. From
//! that it prints the table (medians, ratios to plain JS paired round by round with
//! their distribution-free 95% intervals, script time per message), each target of
//! issue 15 with its verdict (met, missed, undecided), and the memory figures, and
//! writes `target/bench/report.md` (the same, as the README takes it) and
//! `target/bench/latest.json`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};

use crate::bench_report::{self, Raw, Report};
use crate::browsers::Browser;
use crate::ctx::Ctx;
use crate::pack::{self, Target};
use crate::steps::{Done, Steps};
use crate::toolchain::Choice;
use crate::{process, setup, wasm_build};

/// The bench crate and its wasm example.
pub const PACKAGE: &str = "wasm-websocket-bench";
/// The driver, from the repository root.
pub const DRIVER: &str = "benches/browser/run.mjs";

/// Options of `cargo xtask bench`.
#[derive(Debug)]
pub struct Options {
    /// Which wasm32 route setup may take.
    pub toolchain: Choice,
    /// Smaller workloads and one browser run: a smoke run.
    pub quick: bool,
    /// The time budget of the rounds, in seconds (`None`: the driver's default).
    pub seconds: Option<u32>,
    /// Exactly this many rounds instead of a time budget.
    pub rounds: Option<u32>,
    /// Rounds before a fresh Chromium takes over.
    pub rounds_per_browser: u32,
    /// Whether to run the memory workloads.
    pub memory: bool,
    /// Only these workloads (comma-separated ids; `None`: every one).
    pub workloads: Option<String>,
    /// Only report again from the last measurements (`target/bench/raw.json`).
    pub report_only: bool,
    /// Profile this workload instead of measuring (no report).
    pub profile: Option<String>,
}

/// Where the bench's files go: `target/bench` under the repository root.
pub fn out_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join("target").join("bench")
}

/// `cargo xtask bench`.
pub fn command(options: &Options) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    if options.profile.is_some() {
        let out = out_dir(&ctx);
        let result = measure(
            &mut ctx,
            &mut steps,
            options,
            &out,
            &out.join("profile.json"),
        );
        println!();
        print!("{}", steps.table());
        result?;
        return Ok(ExitCode::SUCCESS);
    }
    let result = run(&mut ctx, &mut steps, options);
    println!();
    print!("{}", steps.table());
    let (report, written) = result?;
    println!();
    print!("{}", bench_report::markdown(&report));
    println!();
    println!("written to {}", written.display());
    Ok(ExitCode::SUCCESS)
}

fn run(ctx: &mut Ctx, steps: &mut Steps, options: &Options) -> Result<(Report, PathBuf)> {
    let out = out_dir(ctx);
    let raw_path = out.join("raw.json");
    if !options.report_only {
        measure(ctx, steps, options, &out, &raw_path)?;
    }
    let raw: Raw = serde_json::from_str(
        &std::fs::read_to_string(&raw_path)
            .with_context(|| format!("cannot read {}", raw_path.display()))?,
    )
    .with_context(|| format!("{} is not what the driver writes", raw_path.display()))?;
    let report = bench_report::build(&raw);
    let json = out.join("latest.json");
    std::fs::write(&json, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("cannot write {}", json.display()))?;
    let markdown = out.join("report.md");
    std::fs::write(&markdown, bench_report::markdown(&report))
        .with_context(|| format!("cannot write {}", markdown.display()))?;
    Ok((report, markdown))
}

/// Builds everything and runs the driver, which writes `raw_path`.
fn measure(
    ctx: &mut Ctx,
    steps: &mut Steps,
    options: &Options,
    out: &Path,
    raw_path: &Path,
) -> Result<()> {
    let drivers = setup::run(ctx, steps, options.toolchain, &[Browser::Chrome])?;
    let chromedriver = drivers
        .chromedriver
        .ok_or_else(|| anyhow!("setup found no chromedriver"))?;
    std::fs::create_dir_all(out)?;
    let js_pkg = out.join("pkg-js");
    let bench_pkg = out.join("pkg-bench");
    let ctx = &*ctx;
    steps.run("wasm-pack build (JS API, web)", || {
        process::run(&mut pack::build_command(ctx, Target::Web, &js_pkg))?;
        Ok(Done::new(()))
    })?;
    steps.run("build the bench wasm (release)", || {
        let wasm = wasm_build::build_example(ctx, PACKAGE, "bench", "", "release")?;
        wasm_build::bindgen(ctx, &wasm, &bench_pkg)?;
        Ok(Done::new(()))
    })?;
    steps.run("build echo-server (release)", || {
        process::run(
            ctx.host("cargo")
                .args(["build", "--release", "-p", "echo-server"]),
        )?;
        Ok(Done::new(()))
    })?;
    steps.run("run the benchmarks (headless chromium)", || {
        let mut cmd = ctx.host("node");
        cmd.arg(DRIVER)
            .arg("--bench-pkg")
            .arg(&bench_pkg)
            .arg("--js-pkg")
            .arg(&js_pkg)
            .arg("--echo-server")
            .arg(ctx.target_dir.join("release").join("echo-server"))
            .arg("--chromedriver")
            .arg(&chromedriver)
            .arg("--out")
            .arg(raw_path)
            .args([
                "--rounds-per-browser",
                &options.rounds_per_browser.to_string(),
            ]);
        if let Some(seconds) = options.seconds {
            cmd.args(["--seconds", &seconds.to_string()]);
        }
        if let Some(rounds) = options.rounds {
            cmd.args(["--rounds", &rounds.to_string()]);
        }
        if options.quick {
            cmd.arg("--quick");
        }
        if !options.memory {
            cmd.arg("--no-memory");
        }
        if let Some(workloads) = &options.workloads {
            cmd.args(["--workloads", workloads]);
        }
        if let Some(workload) = &options.profile {
            cmd.args(["--profile", workload]);
        }
        process::run(&mut cmd)?;
        Ok(Done::note(
            (),
            format!("measurements in {}", raw_path.display()),
        ))
    })?;
    Ok(())
}
