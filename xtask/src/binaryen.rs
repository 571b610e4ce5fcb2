//! wasm-opt, from the npm package `binaryen` (a Node build of Binaryen), installed
//! into `target/tools/binaryen` when missing: Debian's binaryen is too old for the
//! wasm features today's Rust emits, and wasm-pack's own download is not reachable.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

use crate::ctx::Ctx;
use crate::process;
use crate::steps::Done;

/// The `binaryen` release installed.
pub const VERSION: &str = "132.0.0";

/// The wasm features Rust's wasm32-unknown-unknown output uses today (and so
/// wasm-bindgen's): wasm-opt must be told, or it refuses the module.
pub const FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Where the package is installed.
pub fn prefix(ctx: &Ctx) -> PathBuf {
    ctx.root.join("target").join("tools").join("binaryen")
}

/// The wasm-opt script of the installed package.
pub fn wasm_opt_path(ctx: &Ctx) -> PathBuf {
    prefix(ctx).join("node_modules/binaryen/bin/wasm-opt")
}

/// Step "wasm-opt (npm binaryen)": installs the package unless this version is there.
pub fn ensure(ctx: &Ctx) -> Result<Done<PathBuf>> {
    let wasm_opt = wasm_opt_path(ctx);
    let wanted = VERSION.split('.').next().unwrap_or(VERSION);
    let version = |path: &Path| process::probe(Command::new(path).arg("--version"));
    if let Some(found) = version(&wasm_opt).filter(|v| v.contains(&format!("version {wanted}"))) {
        return Ok(Done::note(wasm_opt, format!("{found} already installed")));
    }
    process::run(&mut install_command(ctx))?;
    match version(&wasm_opt) {
        Some(found) => Ok(Done::note(wasm_opt, format!("installed {found}"))),
        None => bail!(
            "npm installed binaryen but {} does not run",
            wasm_opt.display()
        ),
    }
}

/// `npm install binaryen@VERSION` into [`prefix`], running none of the package's
/// install scripts (binaryen ships its wasm-opt as plain JavaScript and wasm, so it
/// needs none; a script would run code from the registry on the user's machine).
fn install_command(ctx: &Ctx) -> Command {
    let mut cmd = ctx.host("npm");
    cmd.args([
        "install",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-save",
        "--prefix",
    ])
    .arg(prefix(ctx))
    .arg(format!("binaryen@{VERSION}"));
    cmd
}

/// What `wasm-opt` is asked to do: optimise for size, and drop the two custom sections
/// no browser reads (`producers`: the toolchain's names and versions;
/// `target_features`: for linkers), about 0.2 KB gzip of every module.
pub const OPTIMIZE: [&str; 3] = ["-Oz", "--strip-producers", "--strip-target-features"];

/// `wasm-opt -Oz` (see [`OPTIMIZE`]) from `input` to `output`.
pub fn optimize_command(wasm_opt: &Path, input: &Path, output: &Path) -> Command {
    let mut cmd = Command::new(wasm_opt);
    cmd.args(OPTIMIZE)
        .args(FEATURES)
        .arg(input)
        .arg("-o")
        .arg(output);
    cmd
}

/// Runs `wasm-opt -Oz` on `wasm` in place (through a temporary file beside it, so a
/// failed run leaves the input as it was); returns the size before, in bytes.
pub fn optimize_in_place(wasm_opt: &Path, wasm: &Path) -> Result<u64> {
    let before = std::fs::metadata(wasm)
        .with_context(|| format!("no {} to optimize", wasm.display()))?
        .len();
    let tmp = wasm.with_extension("opt.wasm");
    process::run(&mut optimize_command(wasm_opt, wasm, &tmp))?;
    std::fs::rename(&tmp, wasm)
        .with_context(|| format!("cannot replace {} with its optimized form", wasm.display()))?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimizes_for_size_and_strips_what_browsers_do_not_read() {
        let cmd = optimize_command(
            Path::new("wasm-opt"),
            Path::new("in.wasm"),
            Path::new("out.wasm"),
        );
        let shown = process::display(&cmd);
        assert!(
            shown.starts_with("wasm-opt -Oz --strip-producers --strip-target-features --enable-"),
            "{shown}"
        );
        assert!(shown.ends_with(" in.wasm -o out.wasm"), "{shown}");
    }

    #[test]
    fn npm_installs_the_pinned_release_without_scripts() -> Result<()> {
        let ctx = Ctx::new()?;
        let shown = process::display(&install_command(&ctx));
        assert!(
            shown.starts_with("npm install --ignore-scripts "),
            "{shown}"
        );
        assert!(shown.ends_with(" binaryen@132.0.0"), "{shown}");
        Ok(())
    }
}
