//! The commands of the JavaScript API checks in `cargo xtask test`:
//!
//! 1. Node.js and npm, from Debian when missing (Node 18 or later: the driver uses only
//!    Node's own modules, `fetch` included);
//! 2. the npm packages (`cargo xtask pack`);
//! 3. `tests/js/run.mjs`: the test page in headless Chromium, through chromedriver,
//!    against its own echo server (which serves the page and the package);
//! 4. `npm ci` in `examples/ts` (TypeScript, pinned in its package-lock.json), then
//!    `tsc --noEmit --strict` on the example against the generated `.d.ts`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Result};

use crate::ctx::Ctx;
use crate::pack::{self, Target};
use crate::steps::Done;
use crate::toolchain::Route;
use crate::{apt, process};

/// The oldest Node.js the driver and TypeScript run on.
pub const MIN_NODE_MAJOR: u32 = 18;

/// The driver of the test page, from the repository root.
pub const DRIVER: &str = "tests/js/run.mjs";

/// The TypeScript example, from the repository root.
pub const TS_EXAMPLE: &str = "examples/ts";

/// The Debian packages that provide Node.js and npm.
pub const NODE_PACKAGES: [&str; 2] = ["nodejs", "npm"];

/// The installed Node.js version (`v20.1.0` gives `20.1.0`), when `node` is on PATH.
pub fn node_version(ctx: &Ctx) -> Option<String> {
    ctx.which("node")?;
    let out = process::probe(ctx.host("node").arg("--version"))?;
    Some(out.trim().trim_start_matches('v').to_owned())
}

/// Whether `version` (such as `20.1.0`) is at least [`MIN_NODE_MAJOR`].
pub fn node_is_recent(version: &str) -> bool {
    version
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok())
        .is_some_and(|major| major >= MIN_NODE_MAJOR)
}

/// Setup step "node + npm": Node.js 18 or later and npm, as found on PATH, else
/// Debian's packages.
pub fn ensure_node(ctx: &mut Ctx) -> Result<Done<()>> {
    let npm = |ctx: &Ctx| process::probe(ctx.host("npm").arg("--version"));
    if let Some(node) = node_version(ctx) {
        if !node_is_recent(&node) {
            bail!(
                "node {node} is too old: the JS API tests need Node.js {MIN_NODE_MAJOR} or later"
            );
        }
        // A Node.js from elsewhere (nodesource, nvm) brings its own npm; Debian's npm
        // package would conflict with it, so it is not installed here.
        let npm = npm(ctx).ok_or_else(|| anyhow!("node {node} is installed but npm is not"))?;
        return Ok(Done::note(
            (),
            format!("node {node} and npm {npm} already installed"),
        ));
    }
    apt::ensure(ctx, &NODE_PACKAGES)?;
    let node =
        node_version(ctx).ok_or_else(|| anyhow!("node is missing after installing nodejs"))?;
    if !node_is_recent(&node) {
        bail!("Debian's nodejs is {node}: the JS API tests need {MIN_NODE_MAJOR} or later");
    }
    let npm = npm(ctx).ok_or_else(|| anyhow!("npm is missing after installing it"))?;
    Ok(Done::note(
        (),
        format!("installed node {node} and npm {npm}"),
    ))
}

/// `cargo xtask pack` for the route setup chose, run as a child of this xtask (its
/// steps and timing table are printed within this check's output).
pub fn pack_command(ctx: &Ctx, route: Route) -> Result<Command> {
    let exe = std::env::current_exe().map_err(|e| anyhow!("cannot find the xtask binary: {e}"))?;
    let mut cmd = ctx.host(exe);
    cmd.args(["pack", "--toolchain", route.name()]);
    Ok(cmd)
}

/// `node tests/js/run.mjs` on the web package, with the echo server and chromedriver.
pub fn page_command(ctx: &Ctx, echo_server: &Path, chromedriver: &Path) -> Command {
    let pkg = pack::package_dir(&pack::default_out_dir(ctx), Target::Web);
    let mut cmd = ctx.host("node");
    cmd.arg(DRIVER)
        .arg("--pkg")
        .arg(pkg)
        .arg("--echo-server")
        .arg(echo_server)
        .arg("--chromedriver")
        .arg(chromedriver);
    cmd
}

/// `npm ci` in `dir`, or `None` when its `node_modules` already matches its
/// `package-lock.json` (npm ci deletes and reinstalls everything, even when nothing
/// changed).
pub fn npm_ci_command(ctx: &Ctx, dir: &Path) -> Option<Command> {
    if installed_matches_lock(dir) {
        return None;
    }
    let mut cmd = ctx.host("npm");
    // No install scripts: TypeScript needs none, and they would run registry code.
    cmd.current_dir(dir)
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
    Some(cmd)
}

/// Whether npm's record of what it installed (`node_modules/.package-lock.json`) is
/// newer than the lock file.
fn installed_matches_lock(dir: &Path) -> bool {
    let modified = |path: PathBuf| path.metadata().and_then(|m| m.modified()).ok();
    match (
        modified(dir.join("node_modules").join(".package-lock.json")),
        modified(dir.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    }
}

/// `tsc --noEmit --strict` on the TypeScript example with its `project` file
/// (`tsconfig.json`, or `tsconfig.node10.json` for the resolution that ignores
/// `exports`), with the TypeScript its package-lock.json pins.
pub fn tsc_command(ctx: &Ctx, project: &str) -> Command {
    let dir = ctx.root.join(TS_EXAMPLE);
    let mut cmd = ctx.host("node");
    cmd.arg(dir.join("node_modules/typescript/bin/tsc"))
        .arg("-p")
        .arg(dir.join(project))
        .args(["--noEmit", "--strict", "--pretty", "false"]);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_18_and_later_are_recent_enough() {
        assert!(node_is_recent("18.19.0"));
        assert!(node_is_recent("20.20.2"));
        assert!(node_is_recent("24.0.0"));
        assert!(!node_is_recent("16.20.2"));
        assert!(!node_is_recent("garbage"));
    }

    #[test]
    fn page_command_runs_the_driver_on_the_web_package() -> Result<()> {
        let ctx = Ctx::new()?;
        let cmd = page_command(
            &ctx,
            Path::new("/t/debug/echo-server"),
            Path::new("/usr/bin/chromedriver"),
        );
        let pkg = ctx.root.join("target/pkg/web");
        assert_eq!(
            process::display(&cmd),
            format!(
                "node tests/js/run.mjs --pkg {} --echo-server /t/debug/echo-server \
                 --chromedriver /usr/bin/chromedriver",
                pkg.display()
            )
        );
        Ok(())
    }

    #[test]
    fn npm_ci_is_skipped_once_node_modules_matches_the_lock() -> Result<()> {
        // A fresh folder with a unique name (a predictable path in /tmp could be
        // prepared by another user); removed when `temp` drops.
        let temp = tempfile::Builder::new().prefix("xtask-npm-ci-").tempdir()?;
        let dir = temp.path().to_path_buf();
        std::fs::create_dir_all(dir.join("node_modules"))?;
        std::fs::write(dir.join("package-lock.json"), "{}")?;
        let ctx = Ctx::new()?;
        let cmd = npm_ci_command(&ctx, &dir).expect("nothing installed yet");
        assert!(
            process::display(&cmd).starts_with("npm ci --ignore-scripts "),
            "{}",
            process::display(&cmd)
        );
        std::fs::write(dir.join("node_modules/.package-lock.json"), "{}")?;
        assert!(
            npm_ci_command(&ctx, &dir).is_none(),
            "installed after the lock"
        );
        temp.close()?;
        Ok(())
    }

    #[test]
    fn tsc_checks_strictly_without_emitting() -> Result<()> {
        let ctx = Ctx::new()?;
        let shown = process::display(&tsc_command(&ctx, "tsconfig.node10.json"));
        assert!(
            shown.ends_with("examples/ts/tsconfig.node10.json --noEmit --strict --pretty false"),
            "{shown}"
        );
        Ok(())
    }
}
