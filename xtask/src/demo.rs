//! `cargo xtask demo`: build the library for the web into `www/pkg` and serve `www/`
//! (and the echo endpoints) from the echo server in the foreground.

use std::process::{Command, ExitCode};

use anyhow::Result;

use crate::ctx::Ctx;
use crate::process;
use crate::server::EchoServer;
use crate::setup;
use crate::steps::{Done, Steps};
use crate::toolchain::Choice;

/// `wasm-pack build --target web --out-dir www/pkg` with the demo's entry point (the
/// library's `demo` feature): what the page in `www/` loads.
pub fn build_command(ctx: &Ctx, release: bool) -> Command {
    let mut cmd = ctx.wasm("wasm-pack");
    cmd.args(["build", "--target", "web", "--out-dir", "www/pkg"])
        .arg(if release { "--release" } else { "--dev" })
        .args(["--", "--features", "demo"]);
    cmd
}

/// `cargo xtask demo`.
pub fn command(choice: Choice, port: u16, release: bool) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    // The demo is opened by the user's own browser: no test browsers or drivers.
    setup::run(&mut ctx, &mut steps, choice, &[])?;
    steps.run("wasm-pack build (web)", || {
        process::run(&mut build_command(&ctx, release))?;
        Ok(Done::new(()))
    })?;
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
