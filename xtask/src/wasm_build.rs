//! Building one example target of a workspace crate for wasm32 and running
//! wasm-bindgen on it: the bench page's contenders and the size apps are such targets
//! (so that what they compare against are dev-dependencies only).

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::ctx::Ctx;
use crate::process;
use crate::toolchain::{Route, WASM32};

/// Where cargo puts wasm32 artifacts for the route setup chose.
pub fn target_dir(ctx: &Ctx) -> PathBuf {
    match ctx.route() {
        Route::Rustup => ctx.target_dir.clone(),
        Route::Debian => ctx.debian_target_dir(),
    }
}

/// `cargo build --profile <profile> --target wasm32 -p <package> --example <example>`,
/// with `features` of the package (`""` for none); returns the `.wasm` it made.
pub fn build_example(
    ctx: &Ctx,
    package: &str,
    example: &str,
    features: &str,
    profile: &str,
) -> Result<PathBuf> {
    let mut cmd = ctx.wasm("cargo");
    cmd.args(["build", "--profile", profile, "--target", WASM32])
        .args(["-p", package, "--example", example]);
    if !features.is_empty() {
        cmd.args(["--features", features]);
    }
    if ctx.route() == Route::Debian {
        // Debian's wasm32 std carries no LTO bitcode (see TOOLCHAIN.md).
        cmd.env(
            format!("CARGO_PROFILE_{}_LTO", profile.to_uppercase()),
            "false",
        );
    }
    process::run(&mut cmd)?;
    let dir = if profile == "dev" { "debug" } else { profile };
    let wasm = target_dir(ctx)
        .join(WASM32)
        .join(dir)
        .join("examples")
        .join(format!("{example}.wasm"));
    if !wasm.is_file() {
        bail!("cargo built no {}", wasm.display());
    }
    Ok(wasm)
}

/// `wasm-bindgen --target web --out-dir <out> <wasm>` (the wasm-bindgen-cli setup
/// installed, at the version in Cargo.lock), into a fresh `out`.
pub fn bindgen(ctx: &Ctx, wasm: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    let mut cmd = ctx.host("wasm-bindgen");
    cmd.args(["--target", "web", "--out-dir"])
        .arg(out)
        .arg(wasm);
    process::run(&mut cmd)
}
