//! Installing Debian packages with apt (we run as root).

use std::process::Command;

use anyhow::{bail, Result};

use crate::ctx::Ctx;
use crate::process;

/// The installed version of each package, or `None` for those not installed.
pub fn installed(packages: &[&str]) -> Vec<(String, Option<String>)> {
    packages
        .iter()
        .map(|pkg| {
            let status = process::probe(Command::new("dpkg-query").args([
                "-W",
                "-f=${db:Status-Abbrev} ${Version}",
                pkg,
            ]));
            let version = status.and_then(|s| {
                s.strip_prefix("ii ")
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            });
            ((*pkg).to_owned(), version)
        })
        .collect()
}

/// Makes sure `packages` are installed: runs `apt-get update` (once per run) and
/// `apt-get install -y` only for what is missing. Returns a note for the step.
pub fn ensure(ctx: &mut Ctx, packages: &[&str]) -> Result<Option<String>> {
    let state = installed(packages);
    let missing: Vec<&str> = state
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| p.as_str())
        .collect();
    if missing.is_empty() {
        let list = state
            .iter()
            .map(|(p, v)| format!("{p} {}", v.as_deref().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", ");
        return Ok(Some(format!("already installed: {list}")));
    }
    if !std::path::Path::new("/usr/bin/apt-get").exists() {
        bail!(
            "packages {} are missing and this machine has no apt-get",
            missing.join(" ")
        );
    }
    if !ctx.apt_updated {
        process::run(apt(ctx).arg("update"))?;
        ctx.apt_updated = true;
    }
    process::run(apt(ctx).args(["install", "-y"]).args(&missing))?;
    let still: Vec<String> = installed(&missing)
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| p)
        .collect();
    if !still.is_empty() {
        bail!("apt-get did not install {}", still.join(" "));
    }
    Ok(None)
}

fn apt(ctx: &Ctx) -> Command {
    let mut cmd = ctx.host("apt-get");
    cmd.env("DEBIAN_FRONTEND", "noninteractive")
        // Wait for another apt/dpkg (e.g. unattended upgrades) instead of failing.
        .args(["-o", "DPkg::Lock::Timeout=600"]);
    cmd
}
