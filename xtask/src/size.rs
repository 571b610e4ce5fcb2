//! `cargo xtask size`: how big an app is with this crate, against the same app with
//! gloo-net, with ws_stream_wasm and on web-sys alone.
//!
//! The app (`benches/size`): connect, send a text and a binary message, receive both
//! echoes; with wasm-websocket (without its default features: no canvas, no
//! reconnection), with gloo-net's futures WebSocket, with ws_stream_wasm's `WsStream`,
//! and on web-sys alone (the floor: what any app doing this pays for Rust, its
//! allocator, wasm-bindgen and its futures executor). Each is built with the `size`
//! profile (opt-level "z", LTO), run through wasm-bindgen (`--target web`) and
//! `wasm-opt -Oz` (npm binaryen); the report gives the raw and `gzip -9` sizes of the
//! `.wasm` and of the JS glue. The demo page and the JS API package are measured the
//! same way. Written to `target/size/latest.json`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::ctx::Ctx;
use crate::steps::{Done, Steps};
use crate::toolchain::{Choice, WASM32};
use crate::{binaryen, js_api, process, setup, size_breakdown, twiggy, wasm_build};

/// The package of the two apps.
pub const PACKAGE: &str = "wasm-websocket-size";

/// The size target for the app with this crate: gzip of the optimised `.wasm`.
pub const TARGET_GZIP_BYTES: u64 = 10_000;

/// What is measured.
#[derive(Debug, Clone, Copy)]
enum Build {
    /// An example of the size package, with these features of it (`""` for none).
    Example(&'static str, &'static str),
    /// A cdylib crate of the workspace: the package and its library's file stem.
    Package(&'static str, &'static str),
}

/// The builds, with the names the report gives them.
const BUILDS: [(&str, Build); 9] = [
    ("minimal app, wasm-websocket", Build::Example("ours", "")),
    (
        "minimal app, wasm-websocket, every feature on",
        Build::Example("ours", "every-feature"),
    ),
    (
        "the same app through ReconnectingWebSocket",
        Build::Example("ours_reconnect", "reconnect"),
    ),
    (
        "the same app, sending and drawing a canvas",
        Build::Example("ours_canvas", "canvas"),
    ),
    ("minimal app, gloo-net 0.7", Build::Example("gloo", "")),
    (
        "minimal app, ws_stream_wasm 0.7",
        Build::Example("ws_stream", ""),
    ),
    (
        "minimal app, web-sys alone (the floor)",
        Build::Example("raw", ""),
    ),
    (
        "demo page (www/)",
        Build::Package("wasm-websocket-demo", "wasm_websocket_demo"),
    ),
    (
        "JS API package (js/)",
        Build::Package("wasm-websocket-js", "wasm_websocket_js"),
    ),
];

/// Sizes of one file, in bytes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FileSize {
    /// As it is.
    pub raw: u64,
    /// After `gzip -9`.
    pub gzip: u64,
}

/// One build's sizes.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What was built.
    pub name: String,
    /// The `.wasm` from wasm-bindgen, before wasm-opt.
    pub wasm_before_opt: FileSize,
    /// The `.wasm` after `wasm-opt -Oz`.
    pub wasm: FileSize,
    /// The JS glue wasm-bindgen wrote.
    pub js: FileSize,
}

/// `cargo xtask size`.
pub fn command(choice: Choice) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    let result = run(&mut ctx, &mut steps, choice);
    println!();
    print!("{}", steps.table());
    let (rows, breakdown) = result?;
    println!();
    print!("{}", table(&rows));
    println!();
    print!("{breakdown}");
    let out = out_dir(&ctx).join("breakdown.md");
    std::fs::write(&out, &breakdown).with_context(|| format!("cannot write {}", out.display()))?;
    let out = out_dir(&ctx).join("latest.json");
    std::fs::write(&out, serde_json::to_string_pretty(&rows)? + "\n")
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!();
    let find = |name: &str| rows.iter().find(|row| row.name == name);
    if let (Some(ours), Some(all), Some(gloo), Some(ws_stream), Some(floor)) = (
        find(BUILDS[0].0),
        find(BUILDS[1].0),
        find(BUILDS[4].0),
        find(BUILDS[5].0),
        find(BUILDS[6].0),
    ) {
        let met = ours.wasm.gzip <= TARGET_GZIP_BYTES;
        println!(
            "{} the app with wasm-websocket at most {} KB gzip (measured {})",
            if met { "met   " } else { "MISSED" },
            TARGET_GZIP_BYTES / 1000,
            kb(ours.wasm.gzip)
        );
        let over = |row: &Row| kb(row.wasm.gzip.saturating_sub(floor.wasm.gzip));
        println!(
            "over the same app on web-sys alone ({}): wasm-websocket +{}, gloo-net +{}, \
             ws_stream_wasm +{} (gzip)",
            kb(floor.wasm.gzip),
            over(ours),
            over(gloo),
            over(ws_stream),
        );
        println!(
            "every feature on but none called: {} against {} gzip",
            kb(all.wasm.gzip),
            kb(ours.wasm.gzip)
        );
    }
    println!("written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Where the builds and the report go: `target/size` under the repository root.
pub fn out_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join("target").join("size")
}

/// The builds the breakdown compares, by their index in [`BUILDS`]: this crate's app,
/// gloo-net's and the floor (web-sys alone).
const BREAKDOWN: [usize; 3] = [0, 4, 6];

/// The largest items and differences the breakdown lists.
const BREAKDOWN_TOP: usize = 25;

fn run(ctx: &mut Ctx, steps: &mut Steps, choice: Choice) -> Result<(Vec<Row>, String)> {
    setup::run(ctx, steps, choice, &[])?;
    steps.run("node + npm", || js_api::ensure_node(ctx))?;
    let ctx = &*ctx;
    let wasm_opt = steps.run("wasm-opt (npm binaryen)", || binaryen::ensure(ctx))?;
    let twiggy = steps.run("twiggy", || twiggy::ensure(ctx))?;
    let mut rows = Vec::new();
    let mut named = Vec::new();
    for (name, build) in BUILDS {
        let (row, with_names) = steps.run(&format!("size: {name}"), || {
            let measured = measure(ctx, &wasm_opt, name, build)?;
            let note = format!("{} gzip", kb(measured.0.wasm.gzip));
            Ok(Done::note(measured, note))
        })?;
        rows.push(row);
        named.push(with_names);
    }
    let breakdown = steps.run("where the bytes go (twiggy)", || {
        let mut builds = Vec::new();
        for i in BREAKDOWN {
            let (name, _) = BUILDS[i];
            builds.push((short_name(name), twiggy::items(&twiggy, &named[i])?));
        }
        let builds: Vec<(&str, &[twiggy::Item])> = builds
            .iter()
            .map(|(name, items)| (*name, items.as_slice()))
            .collect();
        Ok(Done::new(size_breakdown::report(&builds, BREAKDOWN_TOP)))
    })?;
    Ok((rows, breakdown))
}

/// A build's name in the breakdown's columns: what follows the last comma
/// (`gloo-net 0.7`), or the name.
fn short_name(name: &str) -> &str {
    name.rsplit(", ").next().unwrap_or(name)
}

/// Builds and measures one build; returns its sizes and the path of its optimised
/// `.wasm` built again with its names kept (`-g`), for the breakdown.
fn measure(ctx: &Ctx, wasm_opt: &Path, name: &str, build: Build) -> Result<(Row, PathBuf)> {
    let (wasm, stem) = match build {
        Build::Example(example, features) => {
            let built = wasm_build::build_example(ctx, PACKAGE, example, features, "size")?;
            if features.is_empty() {
                (built, example.to_owned())
            } else {
                // The same example without the features overwrites it: keep this one.
                let stem = format!("{example}_{}", features.replace('-', "_"));
                let kept = built.with_file_name(format!("{stem}.wasm"));
                std::fs::copy(&built, &kept)
                    .with_context(|| format!("cannot copy {}", built.display()))?;
                (kept, stem)
            }
        }
        Build::Package(package, stem) => {
            let mut cmd = ctx.wasm("cargo");
            cmd.args(["build", "--profile", "size", "--target", WASM32])
                .args(["-p", package, "--lib"]);
            if ctx.route() == crate::toolchain::Route::Debian {
                cmd.env("CARGO_PROFILE_SIZE_LTO", "false");
            }
            process::run(&mut cmd)?;
            let built = wasm_build::target_dir(ctx)
                .join(WASM32)
                .join("size")
                .join(format!("{stem}.wasm"));
            (built, stem.to_owned())
        }
    };
    let dir = out_dir(ctx).join(&stem);
    wasm_build::bindgen(ctx, &wasm, &dir)?;
    let bindgen_wasm = dir.join(format!("{stem}_bg.wasm"));
    let optimized = dir.join(format!("{stem}_bg.opt.wasm"));
    process::run(&mut binaryen::optimize_command(
        wasm_opt,
        &bindgen_wasm,
        &optimized,
    ))?;
    let named = dir.join(format!("{stem}_bg.named.wasm"));
    process::run(binaryen::optimize_command(wasm_opt, &bindgen_wasm, &named).arg("-g"))?;
    let row = Row {
        name: name.to_owned(),
        wasm_before_opt: file_size(&bindgen_wasm)?,
        wasm: file_size(&optimized)?,
        js: file_size(&dir.join(format!("{stem}.js")))?,
    };
    Ok((row, named))
}

/// The raw and `gzip -9` sizes of a file.
fn file_size(path: &Path) -> Result<FileSize> {
    let raw = path
        .metadata()
        .with_context(|| format!("no {}", path.display()))?
        .len();
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .context("cannot run gzip")?;
    if !out.status.success() {
        bail!("gzip failed on {}", path.display());
    }
    Ok(FileSize {
        raw,
        gzip: out.stdout.len() as u64,
    })
}

/// Bytes as KB (1000 bytes), one decimal.
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The sizes as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| build | .wasm (wasm-opt -Oz) | .wasm gzip -9 | JS glue | JS glue gzip -9 | .wasm before wasm-opt |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.name,
            kb(row.wasm.raw),
            kb(row.wasm.gzip),
            kb(row.js.raw),
            kb(row.js.gzip),
            kb(row.wasm_before_opt.raw)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_in_kilobytes() {
        assert_eq!(kb(14_935), "14.9 KB");
        let row = Row {
            name: "app".to_owned(),
            wasm_before_opt: FileSize { raw: 2000, gzip: 1 },
            wasm: FileSize {
                raw: 1500,
                gzip: 700,
            },
            js: FileSize {
                raw: 900,
                gzip: 400,
            },
        };
        let text = table(&[row]);
        assert!(
            text.ends_with("| app | 1.5 KB | 0.7 KB | 0.9 KB | 0.4 KB | 2.0 KB |\n"),
            "{text}"
        );
    }
}
