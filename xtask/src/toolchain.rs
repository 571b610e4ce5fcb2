//! The wasm32 compiler: rustup's target when it has or can get it, else Debian's Rust
//! with a wasm32 standard library built once from source (see TOOLCHAIN.md).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;

use crate::ctx::{Ctx, DEBIAN_BIN};
use crate::steps::Done;
use crate::{apt, process};

/// The wasm32 target triple.
pub const WASM32: &str = "wasm32-unknown-unknown";

/// Debian packages of the fallback route: Rust 1.96 from bookworm-security, the std
/// sources (to build the wasm32 std), lld (Debian's rust-lld links to it) and clippy
/// (so wasm32 code is linted on this route too).
pub const DEBIAN_PACKAGES: [&str; 5] = [
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "lld-22",
    "rust-web-clippy",
];

/// Name of the file (under the scratch dir) that records an automatic fallback.
const ROUTE_RECORD: &str = "route";

/// Name of the stamp file written next to the wasm32 std built for Debian's rustc.
const STD_STAMP: &str = ".xtask-std-stamp";

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Choice {
    /// rustup when it works, else Debian.
    Auto,
    /// rustup only.
    Rustup,
    /// Debian's Rust only.
    Debian,
}

/// The route taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// rustup's active toolchain with its wasm32 target.
    Rustup,
    /// Debian's rustc/cargo in /usr/bin with a wasm32 std built from source.
    Debian,
}

impl Route {
    /// The name `--toolchain` takes for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rustup => "rustup",
            Self::Debian => "debian",
        }
    }
}

/// The outcome of route selection, with what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The route.
    pub route: Route,
    /// Why, for the step's note.
    pub why: String,
    /// Whether the Debian route was taken because rustup failed (worth recording).
    pub fell_back: bool,
}

/// Facts about the machine that route selection needs. Each may be slow (the add may
/// take up to a minute), so they are asked lazily and only when needed.
pub trait Probe {
    /// Whether the active rustup toolchain has the wasm32 target installed.
    fn has_target(&mut self) -> bool;
    /// Tries to add the target (with a timeout), then checks again.
    fn add_target(&mut self) -> bool;
    /// Whether an earlier automatic run fell back to Debian and its std is still there.
    fn fell_back_before(&mut self) -> bool;
}

/// Chooses the route for `choice` by asking `probe` as little as possible.
pub fn select(choice: Choice, probe: &mut impl Probe) -> Result<Selection, String> {
    let pick = |route, why: &str, fell_back| Selection {
        route,
        why: why.to_owned(),
        fell_back,
    };
    match choice {
        Choice::Debian => Ok(pick(Route::Debian, "Debian's Rust (requested)", false)),
        Choice::Rustup | Choice::Auto if probe.has_target() => Ok(pick(
            Route::Rustup,
            "rustup's active toolchain already has wasm32-unknown-unknown",
            false,
        )),
        Choice::Auto if probe.fell_back_before() => Ok(pick(
            Route::Debian,
            "Debian's Rust (an earlier run could not add the target with rustup)",
            true,
        )),
        Choice::Rustup | Choice::Auto if probe.add_target() => Ok(pick(
            Route::Rustup,
            "added wasm32-unknown-unknown with rustup",
            false,
        )),
        Choice::Rustup => Err(
            "rustup could not add wasm32-unknown-unknown (use --toolchain auto or debian)"
                .to_owned(),
        ),
        Choice::Auto => Ok(pick(
            Route::Debian,
            "rustup could not add wasm32-unknown-unknown: falling back to Debian's Rust",
            true,
        )),
    }
}

/// The real probes, run in the repo root (so a rust-toolchain file would count).
struct MachineProbe<'a> {
    ctx: &'a Ctx,
}

impl Probe for MachineProbe<'_> {
    fn has_target(&mut self) -> bool {
        let mut cmd = self.ctx.host("rustup");
        cmd.args(["target", "list", "--installed"]);
        process::probe(&mut cmd).is_some_and(|out| out.lines().any(|l| l.trim() == WASM32))
    }

    fn add_target(&mut self) -> bool {
        if self.ctx.which("rustup").is_none() {
            println!("    rustup is not installed");
            return false;
        }
        let mut cmd = self.ctx.host("timeout");
        cmd.args(["60", "rustup", "target", "add", WASM32]);
        if let Err(err) = process::run(&mut cmd) {
            println!("    {err:#}");
        }
        // rustup says little when not on a terminal: trust only the re-check.
        self.has_target()
    }

    fn fell_back_before(&mut self) -> bool {
        let recorded =
            fs::read_to_string(self.ctx.scratch(ROUTE_RECORD)).is_ok_and(|s| s.trim() == "debian");
        recorded && debian_std_dir().is_ok_and(|dir| has_std(&dir))
    }
}

/// Step "wasm32 target": chooses the route (and records an automatic fallback).
pub fn select_route(ctx: &Ctx, choice: Choice) -> Result<Done<Selection>> {
    let selection = select(choice, &mut MachineProbe { ctx }).map_err(anyhow::Error::msg)?;
    let record = ctx.scratch(ROUTE_RECORD);
    if selection.fell_back {
        if let Some(dir) = record.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&record, "debian\n")?;
    } else if selection.route == Route::Rustup && record.exists() {
        fs::remove_file(&record)?;
    }
    let why = selection.why.clone();
    Ok(Done::note(selection, why))
}

/// Step "Debian Rust packages": rustc-web, cargo-web, rust-web-src, lld-22.
pub fn ensure_debian_packages(ctx: &mut Ctx) -> Result<Done<()>> {
    let note = apt::ensure(ctx, &DEBIAN_PACKAGES)?;
    let rustc = Path::new(DEBIAN_BIN).join("rustc");
    let version = process::output(Command::new(&rustc).arg("--version"))?;
    let version = version.trim();
    Ok(match note {
        Some(note) => Done::note((), format!("{version}; {note}")),
        None => Done::note((), format!("installed {version}")),
    })
}

/// Where Debian's rustc looks for the wasm32 std.
fn debian_std_dir() -> Result<PathBuf> {
    let sysroot = process::output(
        Command::new(Path::new(DEBIAN_BIN).join("rustc")).args(["--print", "sysroot"]),
    )?;
    Ok(Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(WASM32)
        .join("lib"))
}

/// Whether `dir` holds a std rlib.
fn has_std(dir: &Path) -> bool {
    rlibs(dir)
        .iter()
        .any(|p| file_name(p).starts_with("libstd-"))
}

/// The `lib*.rlib` files in `dir`.
fn rlibs(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = file_name(p);
                    name.starts_with("lib") && name.ends_with(".rlib")
                })
                .collect()
        })
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Step "wasm32 std for Debian's rustc": builds it once with `-Zbuild-std` in a
/// throwaway crate and copies the rlibs into the sysroot.
pub fn ensure_debian_std(ctx: &Ctx) -> Result<Done<()>> {
    let rustc = Path::new(DEBIAN_BIN).join("rustc");
    let version = process::output(Command::new(&rustc).arg("-vV"))?;
    let dir = debian_std_dir()?;
    let stamp = dir.join(STD_STAMP);
    let stamp_text = fs::read_to_string(&stamp).ok();
    if has_std(&dir) && stamp_text.as_deref().is_none_or(|s| s == version) {
        return Ok(Done::note(
            (),
            format!("wasm32 std already in {}", dir.display()),
        ));
    }
    if stamp_text.is_some() {
        println!("    Debian's rustc changed since the std was built: rebuilding it");
        for old in rlibs(&dir) {
            fs::remove_file(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
    }

    let krate = ctx.scratch("debian-std");
    let build_dir = krate.join("target");
    if build_dir.exists() {
        fs::remove_dir_all(&build_dir)
            .with_context(|| format!("cannot remove {}", build_dir.display()))?;
    }
    fs::create_dir_all(krate.join("src"))?;
    fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"xtask-debian-std\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n# Not part of the surrounding workspace.\n[workspace]\n",
    )?;
    fs::write(
        krate.join("src/lib.rs"),
        "//! Throwaway crate: makes cargo build std, panic_abort and test for wasm32.\n\
         #[test]\nfn builds() {}\n",
    )?;
    let mut cmd = ctx.wasm(Path::new(DEBIAN_BIN).join("cargo"));
    cmd.current_dir(&krate)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTC", &rustc)
        .env("CARGO_TARGET_DIR", &build_dir)
        .args(["test", "--no-run", "--release", "--target", WASM32])
        .arg("-Zbuild-std=std,panic_abort,test");
    process::run(&mut cmd)?;

    let deps = build_dir.join(WASM32).join("release/deps");
    let built: Vec<PathBuf> = rlibs(&deps)
        .into_iter()
        .filter(|p| !file_name(p).starts_with("libxtask_debian_std"))
        .collect();
    if !built.iter().any(|p| file_name(p).starts_with("libstd-")) {
        bail!("the build produced no libstd rlib in {}", deps.display());
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for rlib in &built {
        let to = dir.join(file_name(rlib));
        fs::copy(rlib, &to).with_context(|| format!("cannot copy to {}", to.display()))?;
    }
    fs::write(&stamp, &version)?;
    Ok(Done::note(
        (),
        format!("built {} rlibs into {}", built.len(), dir.display()),
    ))
}

/// Whether Debian's toolchain has clippy.
pub fn debian_has_clippy() -> bool {
    Path::new(DEBIAN_BIN).join("cargo-clippy").exists()
        && Path::new(DEBIAN_BIN).join("clippy-driver").exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scripted answers, counting what was asked.
    #[derive(Default)]
    struct Fake {
        has: bool,
        add_works: bool,
        fell_back: bool,
        asked_add: u32,
    }

    impl Probe for Fake {
        fn has_target(&mut self) -> bool {
            self.has
        }
        fn add_target(&mut self) -> bool {
            self.asked_add += 1;
            self.add_works
        }
        fn fell_back_before(&mut self) -> bool {
            self.fell_back
        }
    }

    fn route(choice: Choice, fake: &mut Fake) -> Result<Route, String> {
        select(choice, fake).map(|s| s.route)
    }

    #[test]
    fn auto_uses_installed_target_without_adding() {
        let mut fake = Fake {
            has: true,
            fell_back: true,
            ..Fake::default()
        };
        assert_eq!(route(Choice::Auto, &mut fake), Ok(Route::Rustup));
        assert_eq!(fake.asked_add, 0);
    }

    #[test]
    fn auto_adds_target_when_missing() {
        let mut fake = Fake {
            add_works: true,
            ..Fake::default()
        };
        assert_eq!(route(Choice::Auto, &mut fake), Ok(Route::Rustup));
        assert_eq!(fake.asked_add, 1);
    }

    #[test]
    fn auto_falls_back_to_debian_and_says_so() {
        let mut fake = Fake::default();
        let sel = select(Choice::Auto, &mut fake).expect("auto never fails");
        assert_eq!(sel.route, Route::Debian);
        assert!(sel.fell_back);
    }

    #[test]
    fn auto_does_not_retry_rustup_after_an_earlier_fallback() {
        let mut fake = Fake {
            add_works: true,
            fell_back: true,
            ..Fake::default()
        };
        assert_eq!(route(Choice::Auto, &mut fake), Ok(Route::Debian));
        assert_eq!(fake.asked_add, 0);
    }

    #[test]
    fn rustup_fails_instead_of_falling_back() {
        let mut fake = Fake {
            fell_back: true,
            ..Fake::default()
        };
        assert!(route(Choice::Rustup, &mut fake).is_err());
        assert_eq!(fake.asked_add, 1);
    }

    #[test]
    fn debian_is_forced_without_probing() {
        let mut fake = Fake {
            has: true,
            add_works: true,
            ..Fake::default()
        };
        let sel = select(Choice::Debian, &mut fake).expect("debian never fails");
        assert_eq!(sel.route, Route::Debian);
        assert!(!sel.fell_back);
        assert_eq!(fake.asked_add, 0);
    }
}
