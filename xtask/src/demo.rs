//! `cargo xtask demo`: build the demo page's crate (`www/`, which depends on the
//! library) for the web into `www/pkg`, with the `size` profile and through `wasm-opt -Oz`
//! unless `--dev` asks for a fast rebuild, and serve `www/` (and the echo endpoints)
//! from the echo server in the foreground.

use std::process::{Command, ExitCode};

use anyhow::{anyhow, Result};

use crate::ctx::Ctx;
use crate::server::EchoServer;
use crate::steps::{Done, Steps};
use crate::toolchain::{Choice, Route};
use crate::{binaryen, js_api, process, setup};

/// The demo's crate, from the repository root; its page is `index.html` beside it.
pub const CRATE_DIR: &str = "www";

/// The wasm the page loads, from the repository root.
pub const WASM: &str = "www/pkg/wasm_websocket_demo_bg.wasm";

/// `wasm-pack build www --target web --out-dir www/pkg`: what the page in `www/`
/// loads.
pub fn build_command(ctx: &Ctx, release: bool) -> Command {
    let mut cmd = ctx.wasm("wasm-pack");
    cmd.arg("build")
        .arg(ctx.root.join(CRATE_DIR))
        .args(["--target", "web", "--out-dir"])
        .arg(ctx.root.join(CRATE_DIR).join("pkg"));
    if release {
        // The workspace's `size` profile (opt-level "z", LTO), as for the npm package.
        cmd.args(["--profile", crate::pack::PROFILE]);
        if ctx.route() == Route::Debian {
            // Debian's wasm32 std carries no LTO bitcode (see TOOLCHAIN.md).
            cmd.env("CARGO_PROFILE_SIZE_LTO", "false");
        }
    } else {
        cmd.arg("--dev");
    }
    cmd
}

/// Builds the page's wasm; a release build then goes through `wasm-opt -Oz` (installed
/// from npm's `binaryen` when missing). Returns what it did, for the step's note.
pub fn build(ctx: &Ctx, release: bool) -> Result<String> {
    process::run(&mut build_command(ctx, release))?;
    let wasm = ctx.root.join(WASM);
    if !release {
        let size = std::fs::metadata(&wasm)?.len();
        return Ok(format!("dev build, {} KiB of wasm", size.div_ceil(1024)));
    }
    let wasm_opt = binaryen::ensure(ctx)?.value;
    let before = binaryen::optimize_in_place(&wasm_opt, &wasm)?;
    let after = std::fs::metadata(&wasm)?.len();
    Ok(format!(
        "release build, {} KiB of wasm after wasm-opt -Oz ({} KiB before)",
        after.div_ceil(1024),
        before.div_ceil(1024)
    ))
}

/// `cargo xtask demo`.
pub fn command(choice: Choice, port: u16, release: bool, build_only: bool) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    // The demo is opened by the user's own browser: no test browsers or drivers.
    setup::run(&mut ctx, &mut steps, choice, &[])?;
    if release {
        // wasm-opt comes from npm.
        steps.run("node + npm", || js_api::ensure_node(&mut ctx))?;
    }
    steps.run("build the demo (www/)", || {
        Ok(Done::note((), build(&ctx, release)?))
    })?;
    if build_only {
        print!("{}", steps.table());
        return Ok(ExitCode::SUCCESS);
    }
    steps.run("build echo-server", || {
        process::run(ctx.host("cargo").args(["build", "-p", "echo-server"]))?;
        Ok(Done::new(()))
    })?;
    let server = steps.run("start echo-server", || {
        let args = ["--www".to_owned(), "www".to_owned()]
            .into_iter()
            .chain(["--port".to_owned(), port.to_string()])
            .collect::<Vec<_>>();
        let server = EchoServer::start(&ctx.host_bin("echo-server"), &ctx.root, &args)?;
        let note = format!("{} (pid {})", server.url, server.pid());
        Ok(Done::note(server, note))
    })?;
    println!();
    println!("open http://127.0.0.1:{}/", server.port);
    println!("(Ctrl-C stops the server)");
    let status = server.wait()?;
    println!("echo server stopped ({status})");
    process::check("echo-server", status)?;
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask demo --build-only` for the route setup chose (release, through
/// wasm-opt: the page as users get it), run as a child of this xtask.
pub fn build_only_command(ctx: &Ctx, route: Route) -> Result<Command> {
    let exe = std::env::current_exe().map_err(|e| anyhow!("cannot find the xtask binary: {e}"))?;
    let mut cmd = ctx.host(exe);
    cmd.args(["demo", "--build-only", "--toolchain", route.name()]);
    Ok(cmd)
}
