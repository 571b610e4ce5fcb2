//! The consumer examples in `cargo xtask test`: two apps built the way the library's
//! users build theirs, then driven in headless Chromium (`tests/e2e/tests/leptos_chat.rs`
//! and `tests/e2e/tests/bundler.rs`).
//!
//! 1. `examples/leptos-chat`, a Leptos app outside the workspace: `cargo build --locked
//!    --release --target wasm32` with its own lock file and target dir, then the
//!    `wasm-bindgen` CLI of the version its `Cargo.lock` names, into `dist/pkg`, next to
//!    the static files of `static/`.
//! 2. `examples/bundler`, the npm package's bundler build through Vite: `npm ci
//!    --ignore-scripts` (after `cargo xtask pack`, which the JS API checks run first),
//!    then `vite build` into `dist/`.
//! 3. `cargo test -p demo-e2e --test leptos_chat --test bundler` with chromedriver.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::ctx::Ctx;
use crate::toolchain::{Route, WASM32};
use crate::{js_api, lockfile, process, tools};

/// The Leptos example, from the repository root.
pub const LEPTOS_DIR: &str = "examples/leptos-chat";

/// The Leptos example's binary (its `.wasm` is named after it).
pub const LEPTOS_BIN: &str = "leptos-chat";

/// The name wasm-bindgen gives its output (`pkg/leptos_chat.js`, which
/// `static/main.js` imports).
pub const LEPTOS_OUT_NAME: &str = "leptos_chat";

/// The bundler example, from the repository root.
pub const BUNDLER_DIR: &str = "examples/bundler";

/// The Node.js versions Vite 8 runs on, as its `engines` field says.
pub const VITE_NODE: &str = "^20.19.0 || >=22.12.0";

/// The Leptos example's folder.
pub fn leptos_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join(LEPTOS_DIR)
}

/// The Leptos example's own target dir; on the Debian route a folder of it, so that
/// the two compilers do not keep invalidating each other's artifacts.
pub fn leptos_target_dir(ctx: &Ctx) -> PathBuf {
    let dir = leptos_dir(ctx).join("target");
    match ctx.route() {
        Route::Rustup => dir,
        Route::Debian => dir.join("debian"),
    }
}

/// `cargo build --locked --release --target wasm32-unknown-unknown` in the example,
/// with its own target dir (the wasm toolchain of the route setup chose).
pub fn leptos_build_command(ctx: &Ctx) -> Command {
    let mut cmd = ctx.wasm("cargo");
    cmd.current_dir(leptos_dir(ctx))
        .args(["build", "--locked", "--release", "--target", WASM32])
        .env("CARGO_TARGET_DIR", leptos_target_dir(ctx));
    cmd
}

/// The `.wasm` [`leptos_build_command`] makes.
pub fn leptos_wasm(ctx: &Ctx) -> PathBuf {
    leptos_target_dir(ctx)
        .join(WASM32)
        .join("release")
        .join(format!("{LEPTOS_BIN}.wasm"))
}

/// The `wasm-bindgen` CLI for the example: the one on PATH, if its version is the one
/// of `wasm-bindgen` in the example's `Cargo.lock` (the CLI refuses modules of another
/// schema version).
///
/// # Errors
/// When that version is not installed, with what to do about it.
pub fn leptos_wasm_bindgen(ctx: &Ctx) -> Result<PathBuf> {
    let lock = leptos_dir(ctx).join("Cargo.lock");
    let wanted = lockfile::version_in(&lock, "wasm-bindgen")?;
    let workspace = lockfile::version_in(&ctx.root.join("Cargo.lock"), "wasm-bindgen")?;
    let found = ctx
        .which("wasm-bindgen")
        .zip(tools::installed_version(ctx, "wasm-bindgen"));
    match found {
        Some((path, have)) if have == wanted => Ok(path),
        found => {
            let have = found.map_or_else(
                || "no wasm-bindgen is on PATH".to_owned(),
                |(path, have)| format!("{} is {have}", path.display()),
            );
            bail!(
                "{LEPTOS_DIR}/Cargo.lock has wasm-bindgen {wanted}, but {have}: install \
                 that version with `cargo install wasm-bindgen-cli --version {wanted}`, or \
                 pin the example to the workspace's {workspace} (the CLI `cargo xtask \
                 setup` installs) with `cargo update -p wasm-bindgen --precise {workspace}` \
                 in {LEPTOS_DIR}"
            )
        }
    }
}

/// `wasm-bindgen --target web --no-typescript --out-name leptos_chat --out-dir
/// dist/pkg <wasm>`.
pub fn leptos_bindgen_command(ctx: &Ctx, wasm_bindgen: &Path, wasm: &Path) -> Command {
    let mut cmd = ctx.host(wasm_bindgen);
    cmd.args(["--target", "web", "--no-typescript", "--out-name"])
        .arg(LEPTOS_OUT_NAME)
        .arg("--out-dir")
        .arg(leptos_dir(ctx).join("dist").join("pkg"))
        .arg(wasm);
    cmd
}

/// Builds the Leptos example and lays out `dist/` with its static files; returns the
/// wasm-bindgen command that completes it with `dist/pkg`.
///
/// The old `dist/` is removed first, so that a failed build leaves no page behind for
/// the end-to-end test to pass on.
///
/// # Errors
/// When the right wasm-bindgen is missing (checked before building), or the build or
/// a copy fails.
pub fn build_leptos(ctx: &Ctx) -> Result<Command> {
    let dir = leptos_dir(ctx);
    let dist = dir.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .with_context(|| format!("cannot remove the old {}", dist.display()))?;
    }
    let wasm_bindgen = leptos_wasm_bindgen(ctx)?;
    process::run(&mut leptos_build_command(ctx))?;
    let wasm = leptos_wasm(ctx);
    if !wasm.is_file() {
        bail!("cargo built no {}", wasm.display());
    }
    copy_files(&dir.join("static"), &dist)?;
    Ok(leptos_bindgen_command(ctx, &wasm_bindgen, &wasm))
}

/// Copies the files directly in `from` into `to` (created).
fn copy_files(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let entries =
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let path = entry?.path();
        if let Some(name) = path.file_name().filter(|_| path.is_file()) {
            std::fs::copy(&path, to.join(name))
                .with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(())
}

/// `npm ci --ignore-scripts` in the bundler example, or `None` when its `node_modules`
/// already matches its `package-lock.json` (the package itself is a link to
/// `target/pkg/bundler`, so a new `cargo xtask pack` needs no reinstall).
pub fn bundler_npm_ci_command(ctx: &Ctx) -> Option<Command> {
    let mut cmd = js_api::npm_ci_command(ctx, &ctx.root.join(BUNDLER_DIR))?;
    // Nothing it installs needs an install script.
    cmd.arg("--ignore-scripts");
    Some(cmd)
}

/// `vite build` in the bundler example (into its `dist/`), with the Vite its
/// `package-lock.json` pins.
///
/// # Errors
/// When Node.js is older than Vite 8 needs.
pub fn vite_build_command(ctx: &Ctx) -> Result<Command> {
    let node = js_api::node_version(ctx).unwrap_or_default();
    if !node_runs_vite(&node) {
        bail!("Vite 8 needs Node.js {VITE_NODE}, and node is {node:?}");
    }
    let dir = ctx.root.join(BUNDLER_DIR);
    let mut cmd = ctx.host("node");
    cmd.current_dir(&dir)
        .arg(dir.join("node_modules/vite/bin/vite.js"))
        .arg("build");
    Ok(cmd)
}

/// Whether Node.js `version` (such as `20.19.0`) is one of [`VITE_NODE`].
fn node_runs_vite(version: &str) -> bool {
    let mut parts = version.split('.').map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(20)), Some(Ok(minor))) => minor >= 19,
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= (22, 12),
        _ => false,
    }
}

/// The end-to-end tests of both examples, with `chromedriver`. Each serves its built
/// page from an echo server of its own.
pub fn e2e_command(ctx: &Ctx, chromedriver: &Path) -> Command {
    let mut cmd = ctx.host("cargo");
    cmd.args([
        "test",
        "-p",
        "demo-e2e",
        "--test",
        "leptos_chat",
        "--test",
        "bundler",
    ])
    .env("CHROMEDRIVER", chromedriver);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value `cmd` sets for `var`.
    fn env_of<'a>(cmd: &'a Command, var: &str) -> Option<&'a std::ffi::OsStr> {
        cmd.get_envs().find(|(k, _)| *k == var).and_then(|(_, v)| v)
    }

    #[test]
    fn leptos_builds_locked_release_in_its_own_target_dir() -> Result<()> {
        let mut ctx = Ctx::new()?;
        ctx.route = Some(Route::Rustup);
        let cmd = leptos_build_command(&ctx);
        assert_eq!(
            process::display(&cmd),
            "cargo build --locked --release --target wasm32-unknown-unknown"
        );
        assert_eq!(
            cmd.get_current_dir(),
            Some(ctx.root.join(LEPTOS_DIR).as_path())
        );
        assert_eq!(
            env_of(&cmd, "CARGO_TARGET_DIR"),
            Some(ctx.root.join("examples/leptos-chat/target").as_os_str())
        );
        assert!(
            leptos_wasm(&ctx).ends_with("target/wasm32-unknown-unknown/release/leptos-chat.wasm")
        );
        Ok(())
    }

    #[test]
    fn leptos_on_debian_uses_debians_cargo_and_a_target_dir_of_its_own() -> Result<()> {
        let mut ctx = Ctx::new()?;
        ctx.route = Some(Route::Debian);
        let cmd = leptos_build_command(&ctx);
        let path = env_of(&cmd, "PATH").map(|p| p.to_string_lossy().into_owned());
        assert!(
            path.as_deref().is_some_and(|p| p.starts_with("/usr/bin:")),
            "{path:?}"
        );
        assert_eq!(
            env_of(&cmd, "CARGO_TARGET_DIR"),
            Some(
                ctx.root
                    .join("examples/leptos-chat/target/debian")
                    .as_os_str()
            )
        );
        Ok(())
    }

    #[test]
    fn the_leptos_lock_has_the_workspaces_wasm_bindgen() -> Result<()> {
        let ctx = Ctx::new()?;
        assert_eq!(
            lockfile::version_in(&leptos_dir(&ctx).join("Cargo.lock"), "wasm-bindgen")?,
            lockfile::version_in(&ctx.root.join("Cargo.lock"), "wasm-bindgen")?,
            "pin it with `cargo update -p wasm-bindgen --precise <workspace version>` in \
             {LEPTOS_DIR}"
        );
        Ok(())
    }

    #[test]
    fn bindgen_writes_leptos_chat_js_into_dist_pkg() -> Result<()> {
        let ctx = Ctx::new()?;
        let cmd = leptos_bindgen_command(
            &ctx,
            Path::new("/x/wasm-bindgen"),
            Path::new("/t/leptos-chat.wasm"),
        );
        assert_eq!(
            process::display(&cmd),
            format!(
                "/x/wasm-bindgen --target web --no-typescript --out-name leptos_chat \
                 --out-dir {}/examples/leptos-chat/dist/pkg /t/leptos-chat.wasm",
                ctx.root.display()
            )
        );
        Ok(())
    }

    #[test]
    fn vite_8_runs_on_the_node_versions_it_names() {
        assert!(node_runs_vite("20.19.0"));
        assert!(node_runs_vite("20.20.2"));
        assert!(node_runs_vite("22.12.0"));
        assert!(node_runs_vite("24.1.0"));
        assert!(!node_runs_vite("21.7.3"));
        assert!(!node_runs_vite("22.11.0"));
        assert!(!node_runs_vite("20.18.3"));
        assert!(!node_runs_vite("18.20.4"));
        assert!(!node_runs_vite(""));
    }

    #[test]
    fn e2e_runs_both_tests_with_the_driver() -> Result<()> {
        let ctx = Ctx::new()?;
        let cmd = e2e_command(&ctx, Path::new("/usr/bin/chromedriver"));
        assert_eq!(
            process::display(&cmd),
            "cargo test -p demo-e2e --test leptos_chat --test bundler"
        );
        assert_eq!(
            env_of(&cmd, "CHROMEDRIVER"),
            Some("/usr/bin/chromedriver".as_ref())
        );
        Ok(())
    }
}
