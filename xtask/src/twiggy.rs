//! twiggy, the code size profiler (crates.io), installed with `cargo install --locked`
//! at a pinned version into `target/tools/twiggy` (beside npm's binaryen): `cargo
//! xtask size` uses it to show where the bytes of each app go.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::process;
use crate::steps::Done;

/// The twiggy release installed (and required: another version is replaced).
pub const VERSION: &str = "0.8.0";

/// Where it is installed (`cargo install --root`).
pub fn prefix(ctx: &Ctx) -> PathBuf {
    ctx.root.join("target").join("tools").join("twiggy")
}

/// The installed binary.
pub fn path(ctx: &Ctx) -> PathBuf {
    prefix(ctx).join("bin").join("twiggy")
}

/// The `cargo install` arguments: this version, with twiggy's own lock file, into
/// [`prefix`].
fn install_args(root: &Path) -> Vec<String> {
    [
        "install",
        "twiggy",
        "--version",
        VERSION,
        "--locked",
        "--root",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([root.display().to_string()])
    .collect()
}

/// Step "twiggy": installs it unless this version is there.
pub fn ensure(ctx: &Ctx) -> Result<Done<PathBuf>> {
    let twiggy = path(ctx);
    let version = |path: &Path| process::probe(Command::new(path).arg("--version"));
    // `twiggy-opt 0.8.0`
    let installed = version(&twiggy).filter(|v| v.split_whitespace().nth(1) == Some(VERSION));
    if let Some(found) = installed {
        return Ok(Done::note(
            twiggy,
            format!("{} already installed", found.trim()),
        ));
    }
    let mut cmd = ctx.host("cargo");
    // A target dir set for the workspace must not capture the install's build.
    cmd.env_remove("CARGO_TARGET_DIR")
        .args(install_args(&prefix(ctx)));
    process::run(&mut cmd)?;
    match version(&twiggy) {
        Some(found) => Ok(Done::note(twiggy, format!("installed {}", found.trim()))),
        None => bail!(
            "cargo installed twiggy but {} does not run",
            twiggy.display()
        ),
    }
}

/// One item of a module (a function, a data segment, an import...) and its size.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    /// Its name, from the module's name section.
    pub name: String,
    /// Its own size in bytes.
    pub shallow_size: u64,
}

/// Every item of a module, largest first (`twiggy top -f json`).
pub fn items(twiggy: &Path, wasm: &Path) -> Result<Vec<Item>> {
    let out = Command::new(twiggy)
        .args(["top", "-f", "json"])
        .arg(wasm)
        .output()
        .context("cannot run twiggy")?;
    if !out.status.success() {
        bail!(
            "twiggy top failed on {}: {}",
            wasm.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    parse_items(&out.stdout)
}

fn parse_items(json: &[u8]) -> Result<Vec<Item>> {
    let mut items: Vec<Item> =
        serde_json::from_slice(json).context("cannot read twiggy's JSON output")?;
    // Its summary rows (`... and N more.`, `Σ [...]`) are not items.
    items.retain(|item| !item.name.starts_with("... and ") && !item.name.starts_with("Σ "));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_are_pinned_and_locked_into_the_tools_folder() {
        let args = install_args(Path::new("/r/target/tools/twiggy"));
        assert_eq!(
            args,
            [
                "install",
                "twiggy",
                "--version",
                "0.8.0",
                "--locked",
                "--root",
                "/r/target/tools/twiggy"
            ]
        );
    }

    #[test]
    fn reads_items_and_drops_the_summary_rows() -> Result<()> {
        let json = br#"[{"name":"malloc","shallow_size":4626,"shallow_size_percent":8.1},
            {"name":"... and 3 more.","shallow_size":10,"shallow_size_percent":0.1},
            {"name":"\u03a3 [5 Total Rows]","shallow_size":4636,"shallow_size_percent":100.0}]"#;
        let items = parse_items(json)?;
        assert_eq!(items.len(), 1);
        assert_eq!(
            (items[0].name.as_str(), items[0].shallow_size),
            ("malloc", 4626)
        );
        Ok(())
    }
}
