//! Tools installed with `cargo install`: wasm-bindgen-cli, wasm-pack, geckodriver.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::ctx::Ctx;
use crate::steps::Done;
use crate::{lockfile, process};

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
    // No --locked: its lock file names a webpki-roots release the registry lacks.
    cargo_install(ctx, &["wasm-bindgen-cli", "--version", &wanted])?;
    match installed_version(ctx, "wasm-bindgen") {
        Some(v) if v == wanted => Ok(Done::note((), format!("installed wasm-bindgen {v}"))),
        other => bail!(
            "after installing, `wasm-bindgen --version` reports {:?}, wanted {wanted}",
            other
        ),
    }
}

/// Step "wasm-pack".
pub fn ensure_wasm_pack(ctx: &Ctx) -> Result<Done<()>> {
    if let Some(v) = installed_version(ctx, "wasm-pack") {
        return Ok(Done::note((), format!("wasm-pack {v} already installed")));
    }
    cargo_install(ctx, &["wasm-pack", "--locked"])?;
    located(ctx, "wasm-pack")?;
    let v = installed_version(ctx, "wasm-pack").unwrap_or_else(|| "?".to_owned());
    Ok(Done::note((), format!("installed wasm-pack {v}")))
}

/// Step "geckodriver": built from crates.io (it is not a Debian package).
pub fn ensure_geckodriver(ctx: &Ctx) -> Result<Done<PathBuf>> {
    if let Some(v) = installed_version(ctx, "geckodriver") {
        let path = located(ctx, "geckodriver")?;
        return Ok(Done::note(
            path.clone(),
            format!("geckodriver {v} already installed at {}", path.display()),
        ));
    }
    cargo_install(ctx, &["geckodriver"])?;
    let path = located(ctx, "geckodriver")?;
    let v = installed_version(ctx, "geckodriver").unwrap_or_else(|| "?".to_owned());
    Ok(Done::note(path, format!("installed geckodriver {v}")))
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
}
