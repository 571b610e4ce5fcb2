//! Tools installed with `cargo install`: wasm-bindgen-cli, wasm-pack, geckodriver,
//! each at a pinned version, and with `--locked` (the tool's own lock file) where
//! that resolves against the registry.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::ctx::Ctx;
use crate::steps::Done;
use crate::{lockfile, process};

/// The wasm-pack release installed (and required: another version is replaced).
pub const WASM_PACK_VERSION: &str = "0.15.1";

/// The geckodriver release installed (and required: another version is replaced).
pub const GECKODRIVER_VERSION: &str = "0.37.1";

/// The version printed by `tool --version` (its last word on the first line).
pub fn installed_version(ctx: &Ctx, tool: &str) -> Option<String> {
    ctx.which(tool)?;
    let out = process::probe(ctx.host(tool).arg("--version"))?;
    parse_version(&out)
}

/// The version in `wasm-pack 0.15.1` or `geckodriver 0.37.1 (abc 2025-01-01)`.
fn parse_version(out: &str) -> Option<String> {
    let line = out.lines().next()?;
    line.split_whitespace()
        .nth(1)
        .map(|v| v.trim_start_matches('v').to_owned())
}

/// `cargo install` with the host cargo (installs into `$CARGO_HOME/bin`).
fn cargo_install(ctx: &Ctx, args: &[&str]) -> Result<()> {
    let mut cmd = ctx.host("cargo");
    // A target dir set for the workspace must not capture the install's build.
    cmd.env_remove("CARGO_TARGET_DIR").arg("install").args(args);
    process::run(&mut cmd)
}

/// Resolves the tool on PATH after an install, checking it runs.
fn located(ctx: &Ctx, tool: &str) -> Result<PathBuf> {
    match ctx.which(tool) {
        Some(path) => Ok(path),
        None => bail!(
            "{tool} was installed but is not on PATH (looked in {} first)",
            ctx.cargo_bin.display()
        ),
    }
}

/// Step "wasm-bindgen-cli": exactly the `wasm-bindgen` version of Cargo.lock.
pub fn ensure_wasm_bindgen(ctx: &Ctx) -> Result<Done<()>> {
    let wanted = lockfile::version_in(&ctx.root.join("Cargo.lock"), "wasm-bindgen")?;
    let have = installed_version(ctx, "wasm-bindgen");
    if have.as_deref() == Some(wanted.as_str()) {
        return Ok(Done::note(
            (),
            format!("wasm-bindgen {wanted} already installed"),
        ));
    }
    if let Some(have) = have {
        println!("    wasm-bindgen {have} is installed but Cargo.lock wants {wanted}");
    }
    // Not --locked: wasm-bindgen-cli 0.2.130's lock file pins webpki-roots 1.0.11,
    // which the registry does not serve ("failed to select a version for the
    // requirement `webpki-roots = \"^1.0.10\"` (locked to 1.0.11)"), so a locked
    // install fails. Checked again for issue 13; try `--locked` on the next bump.
    cargo_install(ctx, &["wasm-bindgen-cli", "--version", &wanted])?;
    match installed_version(ctx, "wasm-bindgen") {
        Some(v) if v == wanted => Ok(Done::note((), format!("installed wasm-bindgen {v}"))),
        other => bail!(
            "after installing, `wasm-bindgen --version` reports {:?}, wanted {wanted}",
            other
        ),
    }
}

/// The `cargo install` arguments of `krate` at exactly `version`, with its lock file.
fn pinned_install_args<'a>(krate: &'a str, version: &'a str) -> [&'a str; 4] {
    [krate, "--version", version, "--locked"]
}

/// Installs `tool` (crate `krate`) at `version` unless that version is on PATH
/// already; returns what it did.
fn ensure_pinned(ctx: &Ctx, tool: &str, krate: &str, version: &str) -> Result<String> {
    match installed_version(ctx, tool) {
        Some(have) if have == version => return Ok(format!("{tool} {have} already installed")),
        Some(have) => println!("    {tool} {have} is installed; this project pins {version}"),
        None => {}
    }
    cargo_install(ctx, &pinned_install_args(krate, version))?;
    located(ctx, tool)?;
    match installed_version(ctx, tool) {
        Some(have) if have == version => Ok(format!("installed {tool} {have}")),
        other => bail!(
            "after installing, `{tool} --version` reports {:?}, wanted {version}",
            other
        ),
    }
}

/// Step "wasm-pack".
pub fn ensure_wasm_pack(ctx: &Ctx) -> Result<Done<()>> {
    let note = ensure_pinned(ctx, "wasm-pack", "wasm-pack", WASM_PACK_VERSION)?;
    Ok(Done::note((), note))
}

/// Step "geckodriver": built from crates.io (it is not a Debian package).
pub fn ensure_geckodriver(ctx: &Ctx) -> Result<Done<PathBuf>> {
    let note = ensure_pinned(ctx, "geckodriver", "geckodriver", GECKODRIVER_VERSION)?;
    let path = located(ctx, "geckodriver")?;
    Ok(Done::note(
        path.clone(),
        format!("{note} at {}", path.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tool_versions() {
        assert_eq!(parse_version("wasm-pack 0.15.1").as_deref(), Some("0.15.1"));
        assert_eq!(
            parse_version("wasm-bindgen 0.2.130\n").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            parse_version("geckodriver 0.37.1 (abc 2025-01-01)\n\nThe source").as_deref(),
            Some("0.37.1")
        );
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn installs_are_pinned_and_locked() {
        assert_eq!(
            pinned_install_args("wasm-pack", WASM_PACK_VERSION),
            ["wasm-pack", "--version", "0.15.1", "--locked"]
        );
        assert_eq!(
            pinned_install_args("geckodriver", GECKODRIVER_VERSION),
            ["geckodriver", "--version", "0.37.1", "--locked"]
        );
    }
}
