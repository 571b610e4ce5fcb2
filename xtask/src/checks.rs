//! The list of checks `cargo xtask test` runs after setup.
//!
//! Each [`Check`] has a name, says whether it needs the echo server, and turns the
//! shared [`Fixtures`] into a command to run (or a reason to skip). New kinds of tests
//! (a browser end-to-end run of the demo, a JS package test) are new entries in
//! [`plan`]; the runner in `test.rs` needs no change.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Result};

use crate::browsers::{Browser, Drivers, DRIVER_VARS};
use crate::ctx::{Ctx, DEBIAN_BIN};
use crate::server::EchoServer;
use crate::toolchain::{self, Route, WASM32};
use crate::{consumers, js_api, process};

/// What checks share: the echo server (started on first need) and related URLs.
#[derive(Debug, Default)]
pub struct Fixtures {
    /// The running echo server.
    pub echo: Option<EchoServer>,
    /// A `ws://` URL where nothing listens.
    pub closed_url: String,
    /// `127.0.0.1:PORT` for the test runner's page, which the echo server's admin
    /// paths accept.
    pub runner_address: String,
    /// Why the server could not be started, if it could not.
    pub echo_error: Option<String>,
}

/// What a check does once its fixtures are ready.
#[derive(Debug)]
pub enum Action {
    /// Run this command; it passes when it exits successfully.
    Run(Command),
    /// Do nothing, for this reason.
    Skip(String),
}

/// A command that builds the command to run from the fixtures.
type MakeAction = Box<dyn Fn(&Ctx, &Fixtures) -> Result<Action>>;

/// One entry of the test plan.
pub struct Check {
    /// The step title.
    pub name: String,
    /// Whether it talks to the echo server.
    pub needs_echo: bool,
    /// Builds its command.
    pub make: MakeAction,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("needs_echo", &self.needs_echo)
            .finish_non_exhaustive()
    }
}

impl Check {
    fn new(
        name: impl Into<String>,
        needs_echo: bool,
        make: impl Fn(&Ctx, &Fixtures) -> Result<Action> + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            needs_echo,
            make: Box::new(make),
        }
    }
}

/// The checks, in order.
pub fn plan(
    route: Route,
    drivers: &Drivers,
    browsers: &[Browser],
    runner_args: &[String],
) -> Vec<Check> {
    let mut checks = vec![
        Check::new("rustfmt", false, |ctx, _| {
            Ok(Action::Run(cargo(ctx, &["fmt", "--all", "--check"])))
        }),
        Check::new("clippy (host)", false, |ctx, _| {
            Ok(Action::Run(cargo(
                ctx,
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            )))
        }),
        Check::new("clippy (wasm32)", false, move |ctx, _| {
            // The bench crates are wasm-only code too (their examples are the bench
            // page's contenders and the size apps).
            let args = [
                "clippy",
                "-p",
                "wasm-websocket",
                "-p",
                "wasm-websocket-js",
                "-p",
                "wasm-websocket-demo",
                "-p",
                "wasm-websocket-bench",
                "-p",
                "wasm-websocket-size",
                "--target",
                WASM32,
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ];
            Ok(wasm_clippy(ctx, route, &args))
        }),
        // `--all-targets` leaves out test binaries marked `test = false`: the suites
        // in workers and over wss, which run as checks of their own.
        Check::new(
            "clippy (wasm32, worker and wss tests)",
            false,
            move |ctx, _| {
                let mut args = vec![
                    "clippy",
                    "-p",
                    "wasm-websocket",
                    "--target",
                    WASM32,
                    "--all-features",
                ];
                for (_, binary) in WORKERS {
                    args.extend(["--test", binary]);
                }
                args.extend(["--test", "wss", "--", "-D", "warnings"]);
                Ok(wasm_clippy(ctx, route, &args))
            },
        ),
    ];
    // What is built with fewer features than all: an app's minimal library and the
    // JS package's socket entry (`wasm-websocket/socket`) without default features,
    // and each feature alone (code that one feature's cfg leaves dead or unused).
    for (what, features) in FEATURE_SETS {
        checks.push(Check::new(
            format!("clippy (wasm32, {what})"),
            false,
            move |ctx, _| {
                let args = feature_clippy_args(features);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                Ok(wasm_clippy(ctx, route, &args))
            },
        ));
    }
    checks.extend([
        Check::new("native tests", false, |ctx, _| {
            Ok(Action::Run(cargo(
                ctx,
                &["test", "-p", "echo-server", "-p", "xtask"],
            )))
        }),
        // The library's pure helpers (URL parts, timer arithmetic); its browser
        // behaviour is what the wasm tests check.
        Check::new("library unit tests (native)", false, |ctx, _| {
            Ok(Action::Run(cargo(
                ctx,
                &["test", "-p", "wasm-websocket", "--lib"],
            )))
        }),
        // The docs as docs.rs builds them (wasm32, every feature), broken links and
        // all other rustdoc warnings refused.
        Check::new("docs (wasm32, warnings denied)", false, |ctx, _| {
            let mut cmd = ctx.wasm("cargo");
            cmd.args(["doc", "-p", "wasm-websocket", "--no-deps", "--all-features"])
                .args(["--target", WASM32])
                .env("RUSTDOCFLAGS", "-D warnings");
            Ok(Action::Run(cmd))
        }),
        // What crates.io would get: only the library's files, and they build on their
        // own.
        Check::new("publish dry-run", false, |ctx, _| {
            let listed = process::output(&mut cargo(
                ctx,
                &["package", "--list", "-p", "wasm-websocket", "--allow-dirty"],
            ))?;
            let stray = stray_package_files(&listed);
            if !stray.is_empty() {
                bail!("the crate's package holds files that are not the library's: {stray:?}");
            }
            Ok(Action::Run(cargo(
                ctx,
                &[
                    "publish",
                    "--dry-run",
                    "-p",
                    "wasm-websocket",
                    "--allow-dirty",
                ],
            )))
        }),
    ]);
    for &browser in browsers {
        let driver = drivers.get(browser).map(ToOwned::to_owned);
        let extra = runner_args.to_vec();
        checks.push(Check::new(
            format!("wasm tests ({})", browser.name()),
            true,
            move |ctx, fixtures| {
                let cmd = wasm_test_command(ctx, fixtures, browser, driver.as_deref(), &extra)?;
                Ok(Action::Run(cmd))
            },
        ));
        checks.extend(elsewhere_checks(
            browser,
            drivers.get(browser).map(ToOwned::to_owned),
            runner_args,
        ));
    }
    if let Some(&browser) = browsers.first() {
        checks.push(floor_check(
            browser,
            drivers.get(browser).map(ToOwned::to_owned),
        ));
    }
    if browsers.contains(&Browser::Chrome) {
        checks.extend(demo_checks(
            drivers.get(Browser::Chrome).map(ToOwned::to_owned),
        ));
    }
    checks.extend(js_api_checks(
        route,
        drivers.get(Browser::Chrome).map(ToOwned::to_owned),
    ));
    checks.extend(consumer_checks(
        drivers.get(Browser::Chrome).map(ToOwned::to_owned),
    ));
    checks
}

/// The feature sets linted besides all of them: a name for the step, and the
/// features of the JS package's crate (which turn on the library's of the same name).
const FEATURE_SETS: [(&str, &str); 3] = [
    ("without default features", ""),
    ("canvas alone", "canvas"),
    ("reconnect alone", "reconnect"),
];

/// `cargo clippy` of the library and the JS package's crate for wasm32, without
/// default features and with `features` of the JS crate (comma-separated; may be
/// empty).
fn feature_clippy_args(features: &str) -> Vec<String> {
    let mut args: Vec<String> = [
        "clippy",
        "-p",
        "wasm-websocket",
        "-p",
        "wasm-websocket-js",
        "--target",
        WASM32,
        "--lib",
        "--no-default-features",
    ]
    .map(String::from)
    .to_vec();
    if !features.is_empty() {
        let qualified: Vec<String> = features
            .split(',')
            .map(|feature| format!("wasm-websocket-js/{feature}"))
            .collect();
        args.extend(["--features".to_owned(), qualified.join(",")]);
    }
    args.extend(["--", "-D", "warnings"].map(String::from));
    args
}

/// `cargo <args>` (clippy for wasm32) as the route allows.
fn wasm_clippy(ctx: &Ctx, route: Route, args: &[&str]) -> Action {
    match route {
        Route::Rustup => Action::Run(cargo(ctx, args)),
        Route::Debian if toolchain::debian_has_clippy() => {
            let mut cmd = ctx.wasm(format!("{DEBIAN_BIN}/cargo"));
            cmd.args(args);
            Action::Run(cmd)
        }
        Route::Debian => Action::Skip(
            "Debian's Rust (rustc-web) ships no clippy, and rustup's clippy cannot \
             use the wasm32 std built for Debian's rustc; the host clippy step \
             still lints the library"
                .to_owned(),
        ),
    }
}

/// The suites' other places: the test binaries that compile suite files as their
/// modules and run them in a worker (tests/worker/), by place and binary.
const WORKERS: [(&str, &str); 3] = [
    ("dedicated", "worker_dedicated"),
    ("shared", "worker_shared"),
    ("service", "worker_service"),
];

/// The suites again where else a socket lives, in `browser`: in each kind of worker
/// (tests/worker/), then over wss:// against the echo server's TLS port (tests/wss.rs),
/// the browser told to accept its self-signed certificate for that run only.
fn elsewhere_checks(browser: Browser, driver: Option<PathBuf>, extra: &[String]) -> Vec<Check> {
    let mut checks = Vec::new();
    for (kind, binary) in WORKERS {
        let (driver, extra) = (driver.clone(), extra.to_vec());
        checks.push(Check::new(
            format!("wasm tests in a {kind} worker ({})", browser.name()),
            true,
            move |ctx, fixtures| {
                let echo = echo_of(fixtures)?;
                Ok(Action::Run(binary_command(
                    ctx,
                    browser,
                    driver_of(driver.as_deref(), browser)?,
                    binary,
                    &echo.url,
                    fixtures,
                    &extra,
                )))
            },
        ));
    }
    let extra = extra.to_vec();
    checks.push(Check::new(
        format!("wasm tests over wss ({})", browser.name()),
        true,
        move |ctx, fixtures| {
            let wss = echo_of(fixtures)?
                .tls_url
                .as_deref()
                .ok_or_else(|| anyhow!("the echo server has no TLS port"))?;
            let mut cmd = binary_command(
                ctx,
                browser,
                driver_of(driver.as_deref(), browser)?,
                "wss",
                wss,
                fixtures,
                &extra,
            );
            cmd.env(
                "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
                insecure_webdriver_json(ctx)?,
            );
            Ok(Action::Run(cmd))
        },
    ));
    checks
}

/// `cargo test --target wasm32-unknown-unknown --all-features --test <binary>` run by
/// `wasm-bindgen-test-runner` (what `wasm-pack test` ends with, without first building
/// every test binary: the run over wss compiles another echo URL into its binary,
/// which must not reach the others), with [`browser_command`]'s environment and
/// `echo_url` as the echo server.
fn binary_command(
    ctx: &Ctx,
    browser: Browser,
    driver: &Path,
    binary: &str,
    echo_url: &str,
    fixtures: &Fixtures,
    extra: &[String],
) -> Command {
    let mut cmd = ctx.wasm("cargo");
    cmd.args([
        "test",
        "--target",
        WASM32,
        "--all-features",
        "--test",
        binary,
    ]);
    if !extra.is_empty() {
        cmd.arg("--").args(extra);
    }
    test_env(
        &mut cmd,
        browser,
        driver,
        echo_url,
        &fixtures.closed_url,
        &fixtures.runner_address,
    );
    cmd.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    );
    cmd
}

/// The repo's `webdriver.json` plus what makes the browser accept the echo server's
/// self-signed certificate (WebDriver's `acceptInsecureCerts`, which geckodriver
/// honours, and Chromium's `--ignore-certificate-errors`), written to
/// `target/wss/webdriver.json` for the runs over wss only: the repo's file, which
/// every other run reads, stays as strict as it is.
fn insecure_webdriver_json(ctx: &Ctx) -> Result<PathBuf> {
    let source = ctx.root.join("webdriver.json");
    let text = std::fs::read_to_string(&source)
        .map_err(|e| anyhow!("cannot read {}: {e}", source.display()))?;
    let capabilities = accept_insecure_certs(serde_json::from_str(&text)?)?;
    let dir = ctx.target_dir.join("wss");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("webdriver.json");
    std::fs::write(&path, serde_json::to_string_pretty(&capabilities)?)?;
    Ok(path)
}

/// `capabilities` with `acceptInsecureCerts` on and `--ignore-certificate-errors`
/// among Chromium's arguments.
fn accept_insecure_certs(mut capabilities: serde_json::Value) -> Result<serde_json::Value> {
    let top = capabilities
        .as_object_mut()
        .ok_or_else(|| anyhow!("webdriver.json is not a JSON object"))?;
    top.insert("acceptInsecureCerts".to_owned(), true.into());
    let args = top
        .entry("goog:chromeOptions")
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
        .ok_or_else(|| anyhow!("goog:chromeOptions is not an object"))?
        .entry("args")
        .or_insert_with(|| serde_json::json!([]))
        .as_array_mut()
        .ok_or_else(|| anyhow!("goog:chromeOptions.args is not an array"))?;
    let flag = serde_json::Value::from("--ignore-certificate-errors");
    if !args.contains(&flag) {
        args.push(flag);
    }
    Ok(capabilities)
}

/// The running echo server.
fn echo_of(fixtures: &Fixtures) -> Result<&EchoServer> {
    fixtures
        .echo
        .as_ref()
        .ok_or_else(|| anyhow!("the echo server is not running"))
}

/// The driver set up for `browser`.
fn driver_of(driver: Option<&Path>, browser: Browser) -> Result<&Path> {
    driver.ok_or_else(|| anyhow!("no driver for {} was set up", browser.name()))
}

/// The consumer examples (see `consumers.rs`): the Leptos app built as a downstream
/// crate, the bundler package through Vite (after the JS checks' `cargo xtask pack`),
/// then both pages in headless Chromium.
fn consumer_checks(chromedriver: Option<std::path::PathBuf>) -> Vec<Check> {
    vec![
        Check::new(
            "build leptos-chat (cargo, wasm-bindgen)",
            false,
            |ctx, _| Ok(Action::Run(consumers::build_leptos(ctx)?)),
        ),
        Check::new("npm ci (examples/bundler)", false, |ctx, _| {
            Ok(match consumers::bundler_npm_ci_command(ctx) {
                Some(cmd) => Action::Run(cmd),
                None => Action::Skip("node_modules already matches package-lock.json".to_owned()),
            })
        }),
        Check::new("vite build (examples/bundler)", false, |ctx, _| {
            Ok(Action::Run(consumers::vite_build_command(ctx)?))
        }),
        Check::new(
            "consumer examples end-to-end (chrome)",
            false,
            move |ctx, _| {
                // Each test serves its page from an echo server of its own, which it stops.
                Ok(match chromedriver.as_deref() {
                    Some(driver) => Action::Run(consumers::e2e_command(ctx, driver)),
                    None => Action::Skip("Chromium was not set up (--browser firefox)".to_owned()),
                })
            },
        ),
    ]
}

/// The JavaScript API: `cargo xtask pack`, the test page in headless Chromium (see
/// `tests/js/run.mjs`), the reconnecting socket end to end (`tests/e2e/tests/network.rs`),
/// and `tsc --strict` on the TypeScript example against the generated `.d.ts`.
fn js_api_checks(route: Route, chromedriver: Option<std::path::PathBuf>) -> Vec<Check> {
    let network_driver = chromedriver.clone();
    vec![
        Check::new("js package (cargo xtask pack)", false, move |ctx, _| {
            Ok(Action::Run(js_api::pack_command(ctx, route)?))
        }),
        // The page needs the echo server's binary (built with the shared server), not
        // the server: it starts its own, which serves the page and the package too.
        Check::new("js api tests (chrome)", true, move |ctx, _| {
            Ok(match chromedriver.as_deref() {
                Some(driver) => Action::Run(js_api::page_command(
                    ctx,
                    &ctx.host_bin("echo-server"),
                    driver,
                )),
                None => Action::Skip("Chromium was not set up (--browser firefox)".to_owned()),
            })
        }),
        // The reconnecting socket in a page as the package ships it, with the network
        // emulated offline through DevTools and a real navigation away and back (the
        // back/forward cache); the test serves the page and an echo server itself.
        Check::new(
            "reconnect end-to-end: offline, back/forward cache (chrome)",
            false,
            move |ctx, _| {
                Ok(match network_driver.as_deref() {
                    Some(driver) => {
                        let mut cmd = cargo(ctx, &["test", "-p", "demo-e2e", "--test", "network"]);
                        cmd.env("CHROMEDRIVER", driver);
                        Action::Run(cmd)
                    }
                    None => Action::Skip("Chromium was not set up (--browser firefox)".to_owned()),
                })
            },
        ),
        Check::new("npm ci (examples/ts)", false, |ctx, _| {
            let dir = ctx.root.join(js_api::TS_EXAMPLE);
            Ok(match js_api::npm_ci_command(ctx, &dir) {
                Some(cmd) => Action::Run(cmd),
                None => Action::Skip("node_modules already matches package-lock.json".to_owned()),
            })
        }),
        // The example resolves the installed package (a `file:` dependency on
        // target/pkg/web) as an app would: through `exports`, then through `types`
        // and `typesVersions` (TypeScript's node10 resolution, webpack 4).
        Check::new("tsc --strict (examples/ts)", false, |ctx, _| {
            Ok(Action::Run(js_api::tsc_command(ctx, "tsconfig.json")))
        }),
        Check::new(
            "tsc --strict, node10 resolution (examples/ts)",
            false,
            |ctx, _| {
                Ok(Action::Run(js_api::tsc_command(
                    ctx,
                    "tsconfig.node10.json",
                )))
            },
        ),
    ]
}

/// The library's floor: a few browser suites against the lowest versions its
/// Cargo.toml declares (see [`crate::floor`]), in one browser.
fn floor_check(browser: Browser, driver: Option<std::path::PathBuf>) -> Check {
    Check::new(
        format!("floor versions ({})", browser.name()),
        true,
        move |ctx, fixtures| {
            let mut cmd = wasm_test_command(ctx, fixtures, browser, driver.as_deref(), &[])?;
            let version = crate::floor::prepare(ctx)?;
            let resolved = crate::floor::resolved(ctx);
            println!("    resolved at the floor: {resolved:?}");
            let bin = crate::floor::ensure_cli(ctx, &version)?;
            cmd.current_dir(crate::floor::dir(ctx)).env(
                "CARGO_TARGET_DIR",
                crate::floor::dir(ctx).join(format!("target-{}", ctx.route().name())),
            );
            crate::floor::with_bin_first(&mut cmd, &bin);
            Ok(Action::Run(cmd))
        },
    )
}

/// Builds the demo page's package into `www/pkg`, then drives the served page in
/// headless Chromium over WebDriver (the `demo-e2e` crate).
fn demo_checks(chromedriver: Option<std::path::PathBuf>) -> Vec<Check> {
    vec![
        Check::new("build demo (release, wasm-opt)", false, |ctx, _| {
            Ok(Action::Run(crate::demo::build_only_command(
                ctx,
                ctx.route(),
            )?))
        }),
        Check::new("demo end-to-end (chrome)", false, move |ctx, _| {
            let driver = chromedriver
                .as_deref()
                .ok_or_else(|| anyhow!("no chromedriver was set up"))?;
            // The test serves www/ from an echo server of its own, which it stops.
            let mut cmd = cargo(ctx, &["test", "-p", "demo-e2e", "--test", "demo"]);
            // The screenshot shows the server's port: keep it out of the work tree.
            cmd.env("DEMO_SCREENSHOT", ctx.target_dir.join("demo.png"))
                .env("CHROMEDRIVER", driver);
            Ok(Action::Run(cmd))
        }),
    ]
}

/// [`browser_command`] with the running echo server's URLs and the driver setup found
/// for `browser`.
fn wasm_test_command(
    ctx: &Ctx,
    fixtures: &Fixtures,
    browser: Browser,
    driver: Option<&Path>,
    extra: &[String],
) -> Result<Command> {
    let driver = driver_of(driver, browser)?;
    let echo = echo_of(fixtures)?;
    Ok(browser_command(
        ctx,
        browser,
        driver,
        &echo.url,
        &fixtures.closed_url,
        &fixtures.runner_address,
        extra,
    ))
}

/// `wasm-pack test --headless --<browser> . --all-features [-- extra]` with the test
/// environment: the echo server URL, a URL where nothing listens, the runner's address
/// (the origin the echo server's admin paths accept), the runner timeout, and only the
/// driver variable of `browser` (the runner picks the browser from the variables).
pub fn browser_command(
    ctx: &Ctx,
    browser: Browser,
    driver: &Path,
    echo_url: &str,
    closed_url: &str,
    runner_address: &str,
    extra: &[String],
) -> Command {
    let mut cmd = ctx.wasm("wasm-pack");
    // wasm-pack takes the first positional argument as the crate path, and hands the
    // rest to both `cargo build --tests` and `cargo test`: every feature, so that the
    // canvas and reconnect suites run; after `--` they reach only the test binaries
    // (a name filter, `--include-ignored`, ...).
    cmd.args(["test", "--headless", browser.flag(), ".", "--all-features"]);
    if !extra.is_empty() {
        cmd.arg("--").args(extra);
    }
    test_env(
        &mut cmd,
        browser,
        driver,
        echo_url,
        closed_url,
        runner_address,
    );
    cmd
}

/// The environment of a browser test run: the echo server URL, a URL where nothing
/// listens, the runner's address (the origin the echo server's admin paths accept),
/// the runner timeout, and only the driver variable of `browser` (the runner picks
/// the browser from the variables).
fn test_env(
    cmd: &mut Command,
    browser: Browser,
    driver: &Path,
    echo_url: &str,
    closed_url: &str,
    runner_address: &str,
) {
    for var in DRIVER_VARS {
        cmd.env_remove(var);
    }
    cmd.env(browser.driver_var(), driver)
        .env("WASM_WEBSOCKET_ECHO", echo_url)
        .env("WASM_WEBSOCKET_CLOSED_URL", closed_url)
        .env("WASM_BINDGEN_TEST_ADDRESS", runner_address)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600");
}

/// The files of `cargo package --list` output that are not the library's: anything
/// but its sources, its manifest (and cargo's own files), the README and licenses.
fn stray_package_files(listed: &str) -> Vec<&str> {
    const OWN: [&str; 7] = [
        ".cargo_vcs_info.json",
        "Cargo.toml",
        "Cargo.toml.orig",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ];
    listed
        .lines()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .filter(|f| {
            let library_source = f.starts_with("src/") && f.ends_with(".rs");
            !(OWN.contains(f) || library_source)
        })
        .collect()
}

/// `cargo <args>` for the host, in the repo root.
fn cargo(ctx: &Ctx, args: &[&str]) -> Command {
    let mut cmd = ctx.host("cargo");
    cmd.args(args);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browsers::BrowserChoice;
    use crate::process;
    use anyhow::bail;
    use std::path::PathBuf;

    fn extra() -> Vec<String> {
        vec!["some_filter".to_owned()]
    }

    fn drivers() -> Drivers {
        Drivers {
            chromedriver: Some(PathBuf::from("/usr/bin/chromedriver")),
            geckodriver: Some(PathBuf::from("/x/geckodriver")),
        }
    }

    #[test]
    fn the_package_may_hold_only_the_library() {
        let listed = "Cargo.toml\nCargo.toml.orig\nREADME.md\nsrc/lib.rs\nsrc/canvas/mod.rs\n";
        assert!(stray_package_files(listed).is_empty());
        let listed =
            "Cargo.toml\nsrc/lib.rs\nxtask/src/main.rs\ntests/connect.rs\nwww/index.html\n";
        assert_eq!(
            stray_package_files(listed),
            ["xtask/src/main.rs", "tests/connect.rs", "www/index.html"]
        );
    }

    #[test]
    fn plan_runs_lints_then_native_then_each_browser() {
        let checks = plan(
            Route::Rustup,
            &drivers(),
            &BrowserChoice::All.browsers(),
            &extra(),
        );
        assert_eq!(
            checks.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            [
                "rustfmt",
                "clippy (host)",
                "clippy (wasm32)",
                "clippy (wasm32, worker and wss tests)",
                "clippy (wasm32, without default features)",
                "clippy (wasm32, canvas alone)",
                "clippy (wasm32, reconnect alone)",
                "native tests",
                "library unit tests (native)",
                "docs (wasm32, warnings denied)",
                "publish dry-run",
                "wasm tests (chrome)",
                "wasm tests in a dedicated worker (chrome)",
                "wasm tests in a shared worker (chrome)",
                "wasm tests in a service worker (chrome)",
                "wasm tests over wss (chrome)",
                "wasm tests (firefox)",
                "wasm tests in a dedicated worker (firefox)",
                "wasm tests in a shared worker (firefox)",
                "wasm tests in a service worker (firefox)",
                "wasm tests over wss (firefox)",
                "floor versions (chrome)",
                "build demo (release, wasm-opt)",
                "demo end-to-end (chrome)",
                "js package (cargo xtask pack)",
                "js api tests (chrome)",
                "reconnect end-to-end: offline, back/forward cache (chrome)",
                "npm ci (examples/ts)",
                "tsc --strict (examples/ts)",
                "tsc --strict, node10 resolution (examples/ts)",
                "build leptos-chat (cargo, wasm-bindgen)",
                "npm ci (examples/bundler)",
                "vite build (examples/bundler)",
                "consumer examples end-to-end (chrome)"
            ]
        );
        assert!(checks.iter().filter(|c| c.needs_echo).count() == 12);
    }

    /// The value `cmd` sets for `var`: `Some(None)` when it removes it.
    fn env_of<'a>(cmd: &'a Command, var: &str) -> Option<Option<&'a std::ffi::OsStr>> {
        cmd.get_envs().find(|(k, _)| *k == var).map(|(_, v)| v)
    }

    #[test]
    fn browser_run_sets_only_its_own_driver() -> Result<()> {
        let mut ctx = Ctx::new()?;
        ctx.route = Some(Route::Rustup);
        let extra = ["some_filter".to_owned()];
        let cmd = browser_command(
            &ctx,
            Browser::Firefox,
            Path::new("/x/geckodriver"),
            "ws://127.0.0.1:47301",
            "ws://127.0.0.1:47309/",
            "127.0.0.1:47311",
            &extra,
        );
        let shown = process::display(&cmd);
        assert!(
            shown.ends_with("wasm-pack test --headless --firefox . --all-features -- some_filter"),
            "{shown}"
        );
        assert_eq!(
            env_of(&cmd, "GECKODRIVER"),
            Some(Some("/x/geckodriver".as_ref()))
        );
        assert_eq!(env_of(&cmd, "CHROMEDRIVER"), Some(None));
        assert_eq!(
            env_of(&cmd, "WASM_WEBSOCKET_ECHO"),
            Some(Some("ws://127.0.0.1:47301".as_ref()))
        );
        assert_eq!(
            env_of(&cmd, "WASM_WEBSOCKET_CLOSED_URL"),
            Some(Some("ws://127.0.0.1:47309/".as_ref()))
        );
        assert_eq!(
            env_of(&cmd, "WASM_BINDGEN_TEST_ADDRESS"),
            Some(Some("127.0.0.1:47311".as_ref()))
        );
        assert_eq!(
            env_of(&cmd, "WASM_BINDGEN_TEST_TIMEOUT"),
            Some(Some("600".as_ref()))
        );
        assert_eq!(env_of(&cmd, "CARGO_TARGET_DIR"), None);
        Ok(())
    }

    #[test]
    fn only_the_runs_over_wss_accept_insecure_certificates() -> Result<()> {
        let ctx = Ctx::new()?;
        let repo: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(ctx.root.join("webdriver.json"))?)?;
        assert_eq!(repo.get("acceptInsecureCerts"), None);
        assert!(!repo.to_string().contains("--ignore-certificate-errors"));
        let wss = accept_insecure_certs(repo.clone())?;
        assert_eq!(wss["acceptInsecureCerts"], true);
        let args = wss["goog:chromeOptions"]["args"]
            .as_array()
            .ok_or_else(|| anyhow!("no args"))?;
        assert_eq!(args.last(), Some(&"--ignore-certificate-errors".into()));
        // The repo's own arguments are kept.
        assert_eq!(
            args.len(),
            repo["goog:chromeOptions"]["args"]
                .as_array()
                .map_or(0, Vec::len)
                + 1
        );
        let from_nothing = accept_insecure_certs(serde_json::json!({}))?;
        assert_eq!(
            from_nothing["goog:chromeOptions"]["args"],
            serde_json::json!(["--ignore-certificate-errors"])
        );
        Ok(())
    }

    #[test]
    fn a_worker_run_is_one_binary_run_by_the_test_runner() -> Result<()> {
        let mut ctx = Ctx::new()?;
        ctx.route = Some(Route::Rustup);
        let fixtures = Fixtures {
            closed_url: "ws://127.0.0.1:47309/".to_owned(),
            runner_address: "127.0.0.1:47311".to_owned(),
            ..Fixtures::default()
        };
        let cmd = binary_command(
            &ctx,
            Browser::Chrome,
            Path::new("/usr/bin/chromedriver"),
            "worker_dedicated",
            "ws://127.0.0.1:47301",
            &fixtures,
            &extra(),
        );
        let shown = process::display(&cmd);
        assert!(
            shown.ends_with(
                "cargo test --target wasm32-unknown-unknown --all-features \
                 --test worker_dedicated -- some_filter"
            ),
            "{shown}"
        );
        assert_eq!(
            env_of(&cmd, "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER"),
            Some(Some("wasm-bindgen-test-runner".as_ref()))
        );
        assert_eq!(env_of(&cmd, "GECKODRIVER"), Some(None));
        assert_eq!(
            env_of(&cmd, "WASM_BINDGEN_TEST_ADDRESS"),
            Some(Some("127.0.0.1:47311".as_ref()))
        );
        Ok(())
    }

    #[test]
    fn debian_route_builds_wasm_with_debian_cargo_in_its_own_target_dir() -> Result<()> {
        let mut ctx = Ctx::new()?;
        ctx.route = Some(Route::Debian);
        let cmd = browser_command(
            &ctx,
            Browser::Chrome,
            Path::new("/usr/bin/chromedriver"),
            "ws://127.0.0.1:1",
            "ws://127.0.0.1:2/",
            "127.0.0.1:3",
            &[],
        );
        assert_eq!(env_of(&cmd, "GECKODRIVER"), Some(None));
        let path = env_of(&cmd, "PATH")
            .flatten()
            .ok_or_else(|| anyhow!("PATH not set"))?;
        assert!(path.to_string_lossy().starts_with("/usr/bin:"), "{path:?}");
        let target = env_of(&cmd, "CARGO_TARGET_DIR")
            .flatten()
            .ok_or_else(|| anyhow!("CARGO_TARGET_DIR not set"))?;
        assert!(Path::new(target).ends_with("debian"), "{target:?}");
        Ok(())
    }

    #[test]
    fn wasm_clippy_is_skipped_on_debian_without_clippy() -> Result<()> {
        if toolchain::debian_has_clippy() {
            return Ok(());
        }
        let ctx = Ctx::new()?;
        let checks = plan(Route::Debian, &drivers(), &[Browser::Chrome], &extra());
        let clippy = checks
            .iter()
            .find(|c| c.name == "clippy (wasm32)")
            .ok_or_else(|| anyhow!("no wasm32 clippy check"))?;
        match (clippy.make)(&ctx, &Fixtures::default())? {
            Action::Skip(reason) => assert!(reason.contains("no clippy")),
            Action::Run(cmd) => bail!("expected a skip, got {}", process::display(&cmd)),
        }
        Ok(())
    }
}
