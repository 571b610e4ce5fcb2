//! The floor check: the library built, and a few of its browser suites run, against
//! the lowest versions its `Cargo.toml` declares.
//!
//! A library's semver ranges promise that any version from the lower end up works. The
//! workspace's `Cargo.lock` only ever builds the newest, so a floor that is too low
//! would go unnoticed. This check makes a scratch crate in `target/floor` that depends
//! on the library by path and pins each of the library's dependencies and
//! dev-dependencies at exactly the lowest version its requirement allows (`"0.2.100"`
//! becomes `"=0.2.100"`), resolves it (a floor below what another floor needs fails
//! here), installs the wasm-bindgen CLI of the resolved version beside the usual one
//! (the runner must match the library's wasm-bindgen exactly), and runs [`SUITES`] in
//! a browser with them.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context as _, Result};

use crate::ctx::{self, Ctx};
use crate::{lockfile, process};

/// The library's browser test files run at the floor (from `tests/`).
pub const SUITES: [&str; 4] = ["connect", "messages", "close", "canvas"];

/// The scratch crate's folder.
pub fn dir(ctx: &Ctx) -> PathBuf {
    ctx.target_dir.join("floor")
}

/// A dependency requirement: the crate's name and its version requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The crate.
    pub name: String,
    /// The lowest version the requirement admits (`0.2.100` for `"0.2.100"` or
    /// `"^0.2.100"`).
    pub floor: String,
}

/// The requirements of one `[dependencies]`-like table of the library's manifest.
fn requirements(manifest: &toml::Table, table: &str) -> Result<Vec<Requirement>> {
    let Some(deps) = manifest.get(table) else {
        return Ok(Vec::new());
    };
    let deps = deps
        .as_table()
        .ok_or_else(|| anyhow!("[{table}] is not a table"))?;
    deps.iter()
        .map(|(name, spec)| {
            let req = match spec {
                toml::Value::String(req) => req.as_str(),
                toml::Value::Table(t) => t
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .ok_or_else(|| anyhow!("{name} in [{table}] has no version"))?,
                _ => bail!("{name} in [{table}] is neither a version nor a table"),
            };
            Ok(Requirement {
                name: name.clone(),
                floor: floor_of(req).with_context(|| format!("{name} in [{table}]"))?,
            })
        })
        .collect()
}

/// The lowest version a caret requirement admits, written out in full: `"0.2.100"` and
/// `"^0.2.100"` give `0.2.100`, `"2"` gives `2.0.0`. Other requirements (`>=`, `~`,
/// `*`, several at once) are refused: a library declares plain ranges.
fn floor_of(req: &str) -> Result<String> {
    let version = req.trim().trim_start_matches('^');
    let parts: Vec<&str> = version.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.is_empty() || parts.len() > 3 || !parts.iter().all(numeric) {
        bail!("`{req}` is not a plain version requirement like \"0.2.100\"");
    }
    let mut full: Vec<&str> = parts;
    full.resize(3, "0");
    Ok(full.join("."))
}

/// The scratch crate's manifest: the library by path with every feature, and each of
/// its dependencies and dev-dependencies pinned at its floor; [`SUITES`] as its tests.
fn manifest(ctx: &Ctx, library: &toml::Table) -> Result<String> {
    let root = ctx.root.display();
    let mut out = String::from(
        "# Written by `cargo xtask test` (xtask/src/floor.rs): the library at the lowest\n\
         # versions of its dependencies. Not to be edited.\n\
         [package]\nname = \"wasm-websocket-floor\"\nversion = \"0.0.0\"\n\
         edition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n",
    );
    let features: Vec<String> = library
        .get("features")
        .and_then(toml::Value::as_table)
        .map(|f| {
            f.keys()
                .filter(|k| *k != "default")
                .map(|k| format!("\"{k}\""))
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "wasm-websocket = {{ path = \"{root}\", features = [{}] }}",
        features.join(", ")
    );
    for dep in requirements(library, "dependencies")? {
        let _ = writeln!(out, "{} = \"={}\"", dep.name, dep.floor);
    }
    out.push_str("\n[dev-dependencies]\n");
    let dev = library
        .get("dev-dependencies")
        .and_then(toml::Value::as_table);
    for dep in requirements(library, "dev-dependencies")? {
        // Their own features (gloo-timers' `futures`, say) go along.
        let features = dev
            .and_then(|d| d.get(&dep.name))
            .and_then(|spec| spec.get("features"));
        match features {
            Some(features) => {
                let _ = writeln!(
                    out,
                    "{} = {{ version = \"={}\", features = {features} }}",
                    dep.name, dep.floor
                );
            }
            None => {
                let _ = writeln!(out, "{} = \"={}\"", dep.name, dep.floor);
            }
        }
    }
    for suite in SUITES {
        let _ = write!(
            out,
            "\n[[test]]\nname = \"{suite}\"\npath = \"{root}/tests/{suite}.rs\"\n"
        );
    }
    Ok(out)
}

/// Writes the scratch crate and resolves it; returns the wasm-bindgen version it
/// resolved to.
pub fn prepare(ctx: &Ctx) -> Result<String> {
    let text = std::fs::read_to_string(ctx.root.join("Cargo.toml"))
        .context("cannot read the library's Cargo.toml")?;
    let library: toml::Table = text.parse().context("Cargo.toml is not TOML")?;
    let dir = dir(ctx);
    std::fs::create_dir_all(&dir)?;
    let manifest = manifest(ctx, &library)?;
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    // The browser options of the runner, read from its working directory.
    std::fs::copy(ctx.root.join("webdriver.json"), dir.join("webdriver.json"))
        .context("cannot copy webdriver.json")?;
    let lock = dir.join("Cargo.lock");
    if lock.exists() {
        std::fs::remove_file(&lock)?;
    }
    let mut resolve = ctx.host("cargo");
    resolve
        .current_dir(&dir)
        .args(["generate-lockfile", "--quiet"]);
    process::run(&mut resolve).context(
        "the lowest declared versions do not resolve together: some floor in Cargo.toml \
         is below what another dependency needs",
    )?;
    lockfile::version_in(&lock, "wasm-bindgen")
}

/// Where the wasm-bindgen CLI of `version` lives when it is not the one on PATH:
/// outside `target/` (so `cargo clean` and fresh clones keep it), beside the tools
/// `cargo install` puts on PATH.
pub fn cli_root(ctx: &Ctx, version: &str) -> PathBuf {
    ctx.cargo_bin
        .parent()
        .unwrap_or(&ctx.cargo_bin)
        .join("wasm-websocket-tools")
        .join(format!("wasm-bindgen-{version}"))
}

/// Installs the wasm-bindgen CLI at `version` under [`cli_root`] unless it is there;
/// returns its `bin` folder.
pub fn ensure_cli(ctx: &Ctx, version: &str) -> Result<PathBuf> {
    let root = cli_root(ctx, version);
    let bin = root.join("bin");
    let reports = |bin: &Path| {
        process::probe(Command::new(bin.join("wasm-bindgen")).arg("--version"))
            .is_some_and(|out| out.split_whitespace().nth(1) == Some(version))
    };
    if reports(&bin) {
        return Ok(bin);
    }
    println!(
        "    installing wasm-bindgen-cli {version} into {}",
        root.display()
    );
    let mut cmd = ctx.host("cargo");
    // Its own lock file: an old CLI built with today's newest dependencies may not
    // compile.
    cmd.env_remove("CARGO_TARGET_DIR")
        .args([
            "install",
            "--locked",
            "wasm-bindgen-cli",
            "--version",
            version,
        ])
        .arg("--root")
        .arg(&root);
    process::run(&mut cmd)?;
    if !reports(&bin) {
        bail!(
            "wasm-bindgen-cli {version} was installed into {} but does not run",
            root.display()
        );
    }
    Ok(bin)
}

/// Puts `bin` first on `cmd`'s PATH (as set by [`Ctx::host`] or [`Ctx::wasm`]).
pub fn with_bin_first(cmd: &mut Command, bin: &Path) {
    let path: OsString = cmd
        .get_envs()
        .find(|(k, _)| *k == "PATH")
        .and_then(|(_, v)| v.map(ToOwned::to_owned))
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_default();
    cmd.env("PATH", ctx::prepend_path(bin, path));
}

/// The versions of the wasm-bindgen family in the scratch lock, for the step's note.
pub fn resolved(ctx: &Ctx) -> BTreeMap<&'static str, String> {
    let lock = std::fs::read_to_string(dir(ctx).join("Cargo.lock")).unwrap_or_default();
    ["wasm-bindgen", "js-sys", "web-sys", "wasm-bindgen-futures"]
        .into_iter()
        .filter_map(|name| Some((name, lockfile::versions(&lock, name).pop()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_of_a_caret_requirement_is_its_version_in_full() -> Result<()> {
        assert_eq!(floor_of("0.2.100")?, "0.2.100");
        assert_eq!(floor_of("^0.4.50")?, "0.4.50");
        assert_eq!(floor_of("2")?, "2.0.0");
        assert_eq!(floor_of("0.3")?, "0.3.0");
        Ok(())
    }

    #[test]
    fn other_requirements_are_refused() {
        for req in [">=0.2", "~1.2", "*", "=0.2.100", "0.2, <0.3", "0.2.x", ""] {
            assert!(floor_of(req).is_err(), "{req}");
        }
    }

    #[test]
    fn the_library_declares_only_plain_floors() -> Result<()> {
        let ctx = Ctx::new()?;
        let text = std::fs::read_to_string(ctx.root.join("Cargo.toml"))?;
        let library: toml::Table = text.parse()?;
        let deps = requirements(&library, "dependencies")?;
        let floor = |name: &str| {
            deps.iter()
                .find(|d| d.name == name)
                .map(|d| d.floor.clone())
                .ok_or_else(|| anyhow!("no {name}"))
        };
        // One wasm-bindgen release: its js-sys/web-sys and futures came with it.
        let minor =
            |v: &str| -> Result<u32> { Ok(v.rsplit('.').next().unwrap_or_default().parse()?) };
        let bindgen = minor(&floor("wasm-bindgen")?)?;
        assert_eq!(minor(&floor("js-sys")?)? + 23, bindgen);
        assert_eq!(minor(&floor("web-sys")?)? + 23, bindgen);
        assert_eq!(minor(&floor("wasm-bindgen-futures")?)? + 50, bindgen);
        let manifest = manifest(&ctx, &library)?;
        let parsed: toml::Table = manifest.parse()?;
        assert!(parsed.contains_key("dev-dependencies"), "{manifest}");
        Ok(())
    }
}
