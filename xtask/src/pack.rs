//! `cargo xtask pack`: the npm packages of the JavaScript API (the crate in `js/`,
//! which depends on the library), built by wasm-pack with the `size` profile for two targets:
//!
//! * `web`: an ES module with an `init()` to await, for pages without a bundler
//!   (`examples/js`, the JS API tests);
//! * `bundler`: for webpack, Vite and the like, which load the `.wasm` themselves.
//!
//! Each package has two entry points, each its own `.wasm`:
//!
//! * `wasm-websocket`: everything (`WasmSocket`, the canvas functions,
//!   `ReconnectingSocket`);
//! * `wasm-websocket/socket` (the folder `socket/`): the crate built without its
//!   default features, `WasmSocket` alone, for a page that wants a socket and not
//!   the rest (half the download).
//!
//! Each gets a `package.json` ready for `npm publish`: wasm-pack's (name, version,
//! description, license, repository and keywords from `Cargo.toml`; `files`, `main`,
//! `types`, `sideEffects`), checked for completeness and completed with `module` and an
//! `exports` map, and named `wasm-websocket`; the README for JavaScript users,
//! `js/README.md`, and the license files. wasm-bindgen's glue gets one change: a
//! second `free()` does nothing ([`glue`]). The `.wasm` goes through `wasm-opt -Oz`
//! (npm `binaryen`, as `cargo xtask size` uses). `npm pack --dry-run` then confirms
//! what the tarball would hold.
//!
//! The packages go to `target/pkg/<target>` under the repository root, whatever
//! `CARGO_TARGET_DIR` says, so that the examples and the test page find them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::setup;
use crate::steps::{Done, Steps};
use crate::toolchain::{Choice, Route};
use crate::{binaryen, glue, process};

/// A wasm-pack target the package is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `--target web`.
    Web,
    /// `--target bundler`.
    Bundler,
}

impl Target {
    /// Both, in build order.
    pub const ALL: [Self; 2] = [Self::Web, Self::Bundler];

    /// The name wasm-pack knows it by, also the package's folder name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Bundler => "bundler",
        }
    }
}

/// The crate the packages are built from, from the repository root.
pub const CRATE_DIR: &str = "js";

/// The npm package's name (the crate is `wasm-websocket-js`, as crates.io's
/// `wasm-websocket` is the library).
pub const NPM_NAME: &str = "wasm-websocket";

/// The base name of the generated files (`wasm_websocket.js`, `wasm_websocket_bg.wasm`).
pub const OUT_NAME: &str = "wasm_websocket";

/// The folder of the socket-only entry point in each package (`wasm-websocket/socket`).
pub const SOCKET_DIR: &str = "socket";

/// The package's README, from the repository root: the JavaScript API's.
pub const README: &str = "js/README.md";

/// The cargo profile the package is built with: the workspace's `size` profile
/// (`opt-level = "z"`, LTO, one codegen unit), as a download's size is what a page
/// pays first.
pub const PROFILE: &str = "size";

/// The license files copied into the package, from the repository root.
pub const LICENSES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// Where the packages go by default: `target/pkg` under the repository root.
pub fn default_out_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join("target").join("pkg")
}

/// The folder of one target's package under `out`.
pub fn package_dir(out: &Path, target: Target) -> PathBuf {
    out.join(target.name())
}

/// The `wasm-pack build` command for `target` into `dir`.
pub fn build_command(ctx: &Ctx, target: Target, dir: &Path) -> std::process::Command {
    let mut cmd = ctx.wasm("wasm-pack");
    cmd.arg("build")
        .arg(ctx.root.join(CRATE_DIR))
        .args([
            "--profile",
            PROFILE,
            "--target",
            target.name(),
            "--out-name",
            OUT_NAME,
        ])
        .arg("--out-dir")
        .arg(dir);
    if ctx.route() == Route::Debian {
        // Debian's wasm32 std carries no LTO bitcode (see TOOLCHAIN.md).
        cmd.env("CARGO_PROFILE_SIZE_LTO", "false");
    }
    cmd
}

/// The `wasm-pack build` command for the socket-only entry point of `target`'s
/// package, whose folder is `dir`: the crate without its default features.
pub fn socket_build_command(ctx: &Ctx, target: Target, dir: &Path) -> std::process::Command {
    let mut cmd = build_command(ctx, target, &dir.join(SOCKET_DIR));
    cmd.args(["--", "--no-default-features"]);
    cmd
}

/// Builds both packages into `out/<target>`, one timed step each, after installing
/// wasm-opt if it is missing.
pub fn run(ctx: &Ctx, steps: &mut Steps, out: &Path) -> Result<()> {
    let wasm_opt = steps.run("wasm-opt (npm binaryen)", || binaryen::ensure(ctx))?;
    for target in Target::ALL {
        let dir = package_dir(out, target);
        steps.run(&format!("wasm-pack build ({})", target.name()), || {
            // A failed build must not leave the last package behind for the tests.
            if dir.join("wasm_websocket_bg.wasm").exists() {
                std::fs::remove_dir_all(&dir)
                    .with_context(|| format!("cannot remove the old {}", dir.display()))?;
            }
            process::run(&mut build_command(ctx, target, &dir))?;
            process::run(&mut socket_build_command(ctx, target, &dir))?;
            for glue_dir in [dir.clone(), dir.join(SOCKET_DIR)] {
                if glue::idempotent_free(&glue_dir)? == 0 {
                    bail!("no free() found in the glue in {}", glue_dir.display());
                }
            }
            let socket = socket_entry(&dir.join(SOCKET_DIR))?;
            for file in [README].into_iter().chain(LICENSES) {
                let to = if file == README { "README.md" } else { file };
                std::fs::copy(ctx.root.join(file), dir.join(to))
                    .with_context(|| format!("cannot copy {file} into the package"))?;
            }
            let wasm = dir.join(format!("{OUT_NAME}_bg.wasm"));
            let before = binaryen::optimize_in_place(&wasm_opt, &wasm)?;
            let socket_wasm = dir.join(&socket.wasm);
            binaryen::optimize_in_place(&wasm_opt, &socket_wasm)?;
            let manifest = finish_manifest(&dir, &socket)?;
            let mut note = format!(
                "{} {} in {}",
                manifest.name,
                manifest.version,
                shown(ctx, &dir)
            );
            if let Ok(meta) = wasm.metadata() {
                let _ = write!(
                    note,
                    ", {} KiB of wasm after wasm-opt -Oz ({} KiB before)",
                    meta.len().div_ceil(1024),
                    before.div_ceil(1024)
                );
            }
            if let Ok(meta) = socket_wasm.metadata() {
                let _ = write!(
                    note,
                    ", {} KiB for {NPM_NAME}/{SOCKET_DIR}",
                    meta.len().div_ceil(1024)
                );
            }
            match check_contents(ctx, &dir, &manifest)? {
                Some(files) => {
                    let _ = write!(note, ", {files} files in the tarball");
                }
                None => note.push_str(" (npm not found: tarball not checked)"),
            }
            Ok(Done::note((), note))
        })?;
    }
    Ok(())
}

/// `cargo xtask pack`.
pub fn command(choice: Choice, out_dir: Option<PathBuf>) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    let out = match out_dir {
        Some(dir) => std::env::current_dir()?.join(dir),
        None => default_out_dir(&ctx),
    };
    // Building needs the wasm32 toolchain and wasm-pack, no browsers.
    let result =
        setup::run(&mut ctx, &mut steps, choice, &[]).and_then(|_| run(&ctx, &mut steps, &out));
    println!();
    print!("{}", steps.table());
    result?;
    for target in Target::ALL {
        println!(
            "{:<8} {}",
            target.name(),
            package_dir(&out, target).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The `package.json` written for each package, in the order npm shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    name: String,
    version: String,
    description: String,
    license: String,
    repository: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<Value>,
    #[serde(rename = "type")]
    kind: String,
    files: Vec<String>,
    main: String,
    module: String,
    types: String,
    /// For resolvers that do not read `exports` (TypeScript's `node10` resolution,
    /// webpack 4): where `wasm-websocket/socket` finds its types.
    types_versions: Value,
    exports: Exports,
    side_effects: Value,
}

/// The `exports` map: the entry points with their types first (TypeScript reads the
/// conditions in order), and the files a consumer may need by path (the `.wasm`, for
/// `init(new URL(...))`).
#[derive(Debug)]
struct Exports {
    /// Each entry point: its subpath (`.`, `./socket`), types and module.
    entries: Vec<(String, String, String)>,
    files: Vec<String>,
}

impl Serialize for Exports {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        #[derive(Serialize)]
        struct Conditions<'a> {
            types: &'a str,
            default: &'a str,
        }
        let mut map = serializer.serialize_map(Some(self.entries.len() + self.files.len()))?;
        for (path, types, default) in &self.entries {
            map.serialize_entry(path, &Conditions { types, default })?;
        }
        for file in &self.files {
            map.serialize_entry(file, file)?;
        }
        map.end()
    }
}

/// One entry point as wasm-pack's `package.json` lists it: its files, module, types
/// and `.wasm` (each checked to be among the files), and its side effects.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    files: Vec<String>,
    main: String,
    types: String,
    wasm: String,
    side_effects: Value,
}

impl Entry {
    /// The entry of wasm-pack's `generated` package.json.
    fn of(generated: &Value) -> Result<Self> {
        let main = text_field(generated, "main")?;
        let types = text_field(generated, "types")?;
        let files: Vec<String> = serde_json::from_value(field(generated, "files")?)
            .map_err(|_| anyhow!("package.json `files` is not a list of names"))?;
        let wasm = files
            .iter()
            .find(|f| f.ends_with(".wasm"))
            .ok_or_else(|| anyhow!("package.json `files` lists no .wasm file"))?
            .clone();
        for needed in [&main, &types] {
            if !files.contains(needed) {
                bail!("package.json `files` lacks `{needed}`");
            }
        }
        Ok(Self {
            files,
            main,
            types,
            wasm,
            side_effects: field(generated, "sideEffects")?,
        })
    }

    /// The same entry in the package's folder `dir`: its paths from the package's
    /// root, without the README and license copies wasm-pack puts in every build.
    fn moved_into(self, dir: &str) -> Self {
        let moved = |name: &str| format!("{dir}/{}", name.trim_start_matches("./"));
        let side_effects = match self.side_effects {
            Value::Array(list) => Value::Array(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|name| Value::String(format!("./{}", moved(name))))
                    .collect(),
            ),
            other => other,
        };
        Self {
            files: self
                .files
                .iter()
                .filter(|name| !name.starts_with("LICENSE") && !name.starts_with("README"))
                .map(|name| moved(name))
                .collect(),
            main: moved(&self.main),
            types: moved(&self.types),
            wasm: moved(&self.wasm),
            side_effects,
        }
    }
}

/// The `package.json` wasm-pack wrote into `dir`, parsed.
fn generated_manifest(dir: &Path) -> Result<Value> {
    let path = dir.join("package.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("wasm-pack wrote no {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// The socket-only build's entry, from the `package.json` wasm-pack wrote into its
/// folder `dir`, moved into [`SOCKET_DIR`]; then removes what a nested package must
/// not have: that `package.json` (the package has one, at its root), the README and
/// license copies, and the `.gitignore` of `*` (npm would leave out every file of
/// the folder for it).
fn socket_entry(dir: &Path) -> Result<Entry> {
    let entry = Entry::of(&generated_manifest(dir)?)
        .context("the socket build's package.json")?
        .moved_into(SOCKET_DIR);
    for file in std::fs::read_dir(dir)? {
        let file = file?;
        let name = file.file_name().to_string_lossy().into_owned();
        if name == "package.json"
            || name == ".gitignore"
            || name.starts_with("README")
            || name.starts_with("LICENSE")
        {
            std::fs::remove_file(file.path())
                .with_context(|| format!("cannot remove {}", file.path().display()))?;
        }
    }
    Ok(entry)
}

/// Completes the `package.json` wasm-pack wrote into `dir`, with the socket-only
/// entry point.
fn finish_manifest(dir: &Path, socket: &Entry) -> Result<Manifest> {
    let mut manifest = manifest(&generated_manifest(dir)?, socket)?;
    // wasm-pack copies the crate's LICENSE-* files but does not list them, and npm
    // packs only `LICENSE` itself unlisted.
    let mut licenses: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("LICENSE") && !manifest.files.contains(name))
        .collect();
    licenses.sort();
    manifest.files.extend(licenses);
    for file in &manifest.files {
        if !dir.join(file).is_file() {
            bail!("package.json lists `{file}`, which wasm-pack did not write");
        }
    }
    let path = dir.join("package.json");
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(manifest)
}

/// The finished manifest from wasm-pack's: every field an npm package needs must be
/// there (most come from `Cargo.toml`), `module` and `exports` are added, and the
/// socket-only entry point's files, export and side effects.
fn manifest(generated: &Value, socket: &Entry) -> Result<Manifest> {
    let text = |key: &str| text_field(generated, key);
    let value = |key: &str| field(generated, key);
    let Entry {
        mut files,
        main,
        types,
        wasm,
        mut side_effects,
    } = Entry::of(generated)?;
    // wasm-pack names the package after the crate; this one is `wasm-websocket`.
    text("name")?;
    files.extend(socket.files.iter().cloned());
    if let (Value::Array(list), Value::Array(more)) = (&mut side_effects, &socket.side_effects) {
        list.extend(more.iter().cloned());
    }
    Ok(Manifest {
        name: NPM_NAME.to_owned(),
        version: text("version")?,
        description: text("description")?,
        license: text("license")?,
        repository: value("repository")?,
        keywords: generated.get("keywords").cloned(),
        kind: "module".to_owned(),
        exports: Exports {
            entries: vec![
                (".".to_owned(), format!("./{types}"), format!("./{main}")),
                (
                    format!("./{SOCKET_DIR}"),
                    format!("./{}", socket.types),
                    format!("./{}", socket.main),
                ),
            ],
            files: vec![
                format!("./{wasm}"),
                format!("./{}", socket.wasm),
                "./package.json".to_owned(),
            ],
        },
        module: main.clone(),
        main,
        types_versions: serde_json::json!({ "*": { SOCKET_DIR: [format!("./{}", socket.types)] } }),
        types,
        files,
        side_effects,
    })
}

/// A field of wasm-pack's `generated` package.json.
fn field(generated: &Value, key: &str) -> Result<Value> {
    generated.get(key).cloned().ok_or_else(|| missing(key))
}

/// A field of wasm-pack's `generated` package.json that must be a non-empty string.
fn text_field(generated: &Value, key: &str) -> Result<String> {
    generated
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(ToOwned::to_owned)
        .ok_or_else(|| missing(key))
}

fn missing(key: &str) -> anyhow::Error {
    anyhow!(
        "wasm-pack's package.json has no `{key}` (set the matching field of \
         [package] in Cargo.toml)"
    )
}

/// Lists what `npm pack` would put in the tarball and checks that the manifest's
/// files are all there. `None` when npm is not installed.
fn check_contents(ctx: &Ctx, dir: &Path, manifest: &Manifest) -> Result<Option<usize>> {
    if ctx.which("npm").is_none() {
        return Ok(None);
    }
    let mut cmd = ctx.host("npm");
    cmd.current_dir(dir)
        .args(["pack", "--dry-run", "--json", "--ignore-scripts"]);
    let out = process::output(&mut cmd)?;
    let packed = packed_files(&out)?;
    let wanted = manifest.files.iter().map(String::as_str);
    for file in wanted.chain(["package.json", "README.md"]) {
        if !packed.iter().any(|p| p == file) {
            bail!(
                "`npm pack` would leave out `{file}` (it packs: {})",
                packed.join(", ")
            );
        }
    }
    Ok(Some(packed.len()))
}

/// The file paths in `npm pack --dry-run --json` output.
fn packed_files(json: &str) -> Result<Vec<String>> {
    let value: Value =
        serde_json::from_str(json).context("`npm pack --json` printed something else than JSON")?;
    let files = value
        .get(0)
        .and_then(|pack| pack.get("files"))
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("`npm pack --json` lists no files"))?;
    Ok(files
        .iter()
        .filter_map(|file| file.get("path").and_then(Value::as_str))
        .map(ToOwned::to_owned)
        .collect())
}

/// `dir` relative to the repository root when it is inside it.
fn shown(ctx: &Ctx, dir: &Path) -> String {
    dir.strip_prefix(&ctx.root)
        .unwrap_or(dir)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What wasm-pack 0.15 writes for `--target bundler`.
    fn generated() -> Value {
        json!({
            "name": "wasm-websocket",
            "type": "module",
            "description": "A typed WebSocket",
            "version": "0.1.0",
            "license": "MIT OR Apache-2.0",
            "repository": { "type": "git", "url": "https://github.com/wasm-websocket/wasm-websocket" },
            "files": ["wasm_websocket_bg.wasm", "wasm_websocket.js", "wasm_websocket_bg.js", "wasm_websocket.d.ts"],
            "main": "wasm_websocket.js",
            "types": "wasm_websocket.d.ts",
            "sideEffects": ["./wasm_websocket.js", "./snippets/*"],
            "keywords": ["websocket", "wasm"]
        })
    }

    /// The socket-only entry of a package from [`generated`].
    fn socket() -> Entry {
        Entry::of(&generated())
            .expect("the socket build's manifest")
            .moved_into(SOCKET_DIR)
    }

    #[test]
    fn the_socket_entry_is_the_socket_builds_files_under_its_folder() -> Result<()> {
        let mut with_snippets = generated();
        with_snippets["files"] = json!([
            "wasm_websocket_bg.wasm",
            "wasm_websocket.js",
            "wasm_websocket.d.ts",
            "LICENSE-MIT"
        ]);
        let entry = Entry::of(&with_snippets)?.moved_into(SOCKET_DIR);
        assert_eq!(
            entry,
            Entry {
                files: vec![
                    "socket/wasm_websocket_bg.wasm".to_owned(),
                    "socket/wasm_websocket.js".to_owned(),
                    "socket/wasm_websocket.d.ts".to_owned(),
                ],
                main: "socket/wasm_websocket.js".to_owned(),
                types: "socket/wasm_websocket.d.ts".to_owned(),
                wasm: "socket/wasm_websocket_bg.wasm".to_owned(),
                side_effects: json!(["./socket/wasm_websocket.js", "./socket/snippets/*"]),
            }
        );
        let mut no_wasm = generated();
        no_wasm["files"] = json!(["wasm_websocket.js", "wasm_websocket.d.ts"]);
        assert!(Entry::of(&no_wasm).is_err(), "no .wasm in files");
        let mut no_types = generated();
        no_types["files"] = json!(["wasm_websocket_bg.wasm", "wasm_websocket.js"]);
        assert!(Entry::of(&no_types).is_err(), "types not in files");
        Ok(())
    }

    #[test]
    fn manifest_keeps_wasm_packs_fields_and_adds_module_and_exports() -> Result<()> {
        let manifest = manifest(&generated(), &socket())?;
        let out = serde_json::to_value(&manifest)?;
        for key in [
            "name",
            "version",
            "description",
            "license",
            "repository",
            "types",
        ] {
            assert_eq!(out[key], generated()[key], "{key}");
        }
        assert_eq!(
            out["files"],
            json!([
                "wasm_websocket_bg.wasm",
                "wasm_websocket.js",
                "wasm_websocket_bg.js",
                "wasm_websocket.d.ts",
                "socket/wasm_websocket_bg.wasm",
                "socket/wasm_websocket.js",
                "socket/wasm_websocket_bg.js",
                "socket/wasm_websocket.d.ts",
            ])
        );
        assert_eq!(
            out["sideEffects"],
            json!([
                "./wasm_websocket.js",
                "./snippets/*",
                "./socket/wasm_websocket.js",
                "./socket/snippets/*",
            ])
        );
        assert_eq!(out["type"], "module");
        assert_eq!(
            out["typesVersions"],
            json!({ "*": { "socket": ["./socket/wasm_websocket.d.ts"] } })
        );
        assert_eq!(out["module"], "wasm_websocket.js");
        assert_eq!(
            out["exports"],
            json!({
                ".": { "types": "./wasm_websocket.d.ts", "default": "./wasm_websocket.js" },
                "./socket": {
                    "types": "./socket/wasm_websocket.d.ts",
                    "default": "./socket/wasm_websocket.js"
                },
                "./wasm_websocket_bg.wasm": "./wasm_websocket_bg.wasm",
                "./socket/wasm_websocket_bg.wasm": "./socket/wasm_websocket_bg.wasm",
                "./package.json": "./package.json",
            })
        );
        Ok(())
    }

    #[test]
    fn exports_list_types_first() -> Result<()> {
        let text = serde_json::to_string(&manifest(&generated(), &socket())?.exports)?;
        assert_eq!(
            text,
            r#"{".":{"types":"./wasm_websocket.d.ts","default":"./wasm_websocket.js"},"./socket":{"types":"./socket/wasm_websocket.d.ts","default":"./socket/wasm_websocket.js"},"./wasm_websocket_bg.wasm":"./wasm_websocket_bg.wasm","./socket/wasm_websocket_bg.wasm":"./socket/wasm_websocket_bg.wasm","./package.json":"./package.json"}"#
        );
        Ok(())
    }

    #[test]
    fn manifest_is_written_in_npms_usual_order() -> Result<()> {
        let text = serde_json::to_string_pretty(&manifest(&generated(), &socket())?)?;
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(
            keys,
            [
                "name",
                "version",
                "description",
                "license",
                "repository",
                "keywords",
                "type",
                "files",
                "main",
                "module",
                "types",
                "typesVersions",
                "exports",
                "sideEffects"
            ]
        );
        Ok(())
    }

    #[test]
    fn manifest_names_what_is_missing() {
        for key in [
            "description",
            "license",
            "repository",
            "sideEffects",
            "types",
        ] {
            let mut generated = generated();
            if let Some(object) = generated.as_object_mut() {
                object.remove(key);
            }
            let err = manifest(&generated, &socket()).expect_err(key);
            assert!(err.to_string().contains(&format!("`{key}`")), "{err}");
        }
    }

    #[test]
    fn manifest_requires_the_entry_points_in_files() {
        let mut generated = generated();
        generated["files"] = json!(["wasm_websocket_bg.wasm", "wasm_websocket.js"]);
        let err = manifest(&generated, &socket()).expect_err("types not in files");
        assert!(err.to_string().contains("wasm_websocket.d.ts"), "{err}");
        generated["files"] = json!(["wasm_websocket.js", "wasm_websocket.d.ts"]);
        assert!(
            manifest(&generated, &socket()).is_err(),
            "no .wasm in files"
        );
    }

    #[test]
    fn parses_npm_pack_json() -> Result<()> {
        let out = r#"[{"id":"wasm-websocket@0.1.0","files":[{"path":"package.json","size":1},{"path":"wasm_websocket.js","size":2}],"entryCount":2}]"#;
        assert_eq!(packed_files(out)?, ["package.json", "wasm_websocket.js"]);
        assert!(packed_files("npm ERR!").is_err());
        Ok(())
    }

    #[test]
    fn builds_the_js_crate_in_release_under_the_package_name() -> Result<()> {
        let ctx = Ctx::new()?;
        let cmd = build_command(&ctx, Target::Bundler, Path::new("/tmp/pkg/bundler"));
        assert_eq!(
            process::display(&cmd),
            format!(
                "wasm-pack build {} --profile size --target bundler --out-name wasm_websocket \
                 --out-dir /tmp/pkg/bundler",
                ctx.root.join("js").display()
            )
        );
        let cmd = socket_build_command(&ctx, Target::Web, Path::new("/tmp/pkg/web"));
        assert_eq!(
            process::display(&cmd),
            format!(
                "wasm-pack build {} --profile size --target web --out-name wasm_websocket \
                 --out-dir /tmp/pkg/web/socket -- --no-default-features",
                ctx.root.join("js").display()
            )
        );
        Ok(())
    }
}
