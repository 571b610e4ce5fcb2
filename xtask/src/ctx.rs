//! The shared context of one xtask run: where things are and how to spawn tools.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::toolchain::Route;

/// Where Debian's Rust toolchain lives (packages rustc-web and cargo-web).
pub const DEBIAN_BIN: &str = "/usr/bin";

/// Paths and choices shared by every step.
#[derive(Debug)]
pub struct Ctx {
    /// The workspace root (the parent of the xtask crate).
    pub root: PathBuf,
    /// The host target directory (`$CARGO_TARGET_DIR` or `target/`).
    pub target_dir: PathBuf,
    /// `$CARGO_HOME/bin`, where `cargo install` puts tools.
    pub cargo_bin: PathBuf,
    /// PATH for child processes: `cargo_bin` first, then the caller's PATH.
    pub host_path: OsString,
    /// The wasm32 route, known once setup chose it.
    pub route: Option<Route>,
    /// Whether `apt-get update` already ran in this process.
    pub apt_updated: bool,
}

impl Ctx {
    /// Builds the context from the environment.
    pub fn new() -> anyhow::Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| anyhow::anyhow!("the xtask crate has no parent directory"))?
            .to_path_buf();
        let target_dir = match env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => root.join(dir),
            _ => root.join("target"),
        };
        let cargo_home = match env::var_os("CARGO_HOME") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => home_dir().join(".cargo"),
        };
        let cargo_bin = cargo_home.join("bin");
        let host_path = prepend_path(&cargo_bin, env::var_os("PATH").unwrap_or_default());
        Ok(Self {
            root,
            target_dir,
            cargo_bin,
            host_path,
            route: None,
            apt_updated: false,
        })
    }

    /// The route chosen by setup (rustup when setup has not run yet).
    pub fn route(&self) -> Route {
        self.route.unwrap_or(Route::Rustup)
    }

    /// A command for a host tool: runs in the repo root with `cargo_bin` on PATH.
    pub fn host(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root)
            .env("PATH", &self.host_path)
            .stdin(Stdio::null());
        cmd
    }

    /// A command that builds for wasm32 (cargo for wasm32, wasm-pack).
    ///
    /// On the Debian route `/usr/bin` comes first in PATH so `cargo` and `rustc` are
    /// Debian's, and the build uses its own target dir so the two compilers do not
    /// keep invalidating each other's artifacts.
    pub fn wasm(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = self.host(program);
        if self.route() == Route::Debian {
            cmd.env("PATH", self.debian_path())
                .env("CARGO_TARGET_DIR", self.debian_target_dir())
                .env("CARGO", Path::new(DEBIAN_BIN).join("cargo"))
                .env("RUSTC", Path::new(DEBIAN_BIN).join("rustc"))
                .env_remove("RUSTUP_TOOLCHAIN")
                .env_remove("RUSTDOC")
                .env_remove("RUSTC_WRAPPER");
        }
        cmd
    }

    /// PATH with Debian's toolchain first.
    pub fn debian_path(&self) -> OsString {
        prepend_path(Path::new(DEBIAN_BIN), self.host_path.clone())
    }

    /// The target dir for wasm builds on the Debian route.
    pub fn debian_target_dir(&self) -> PathBuf {
        self.target_dir.join("debian")
    }

    /// The target dir where `cargo build` (host, default profile) puts binaries.
    pub fn host_bin(&self, name: &str) -> PathBuf {
        self.target_dir.join("debug").join(name)
    }

    /// Finds `program` on the host PATH.
    pub fn which(&self, program: &str) -> Option<PathBuf> {
        env::split_paths(&self.host_path)
            .map(|dir| dir.join(program))
            .find(|candidate| is_executable(candidate))
    }

    /// A private scratch directory under the target dir.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.target_dir.join("xtask").join(name)
    }
}

fn home_dir() -> PathBuf {
    env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map_or_else(|| PathBuf::from("/root"), PathBuf::from)
}

/// `dir` followed by `path` (without adding `dir` twice at the front).
pub fn prepend_path(dir: &Path, path: OsString) -> OsString {
    let rest: Vec<PathBuf> = env::split_paths(&path).filter(|p| p != dir).collect();
    env::join_paths(std::iter::once(dir.to_path_buf()).chain(rest)).unwrap_or(path)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepend_moves_dir_to_front_once() {
        let path = env::join_paths(["/a", "/usr/bin", "/b"]).expect("join");
        let got = prepend_path(Path::new("/usr/bin"), path);
        assert_eq!(got, OsString::from("/usr/bin:/a:/b"));
    }
}
