//! `cargo xtask setup`: everything the build and the tests need, each as a timed step.

use std::process::ExitCode;

use anyhow::Result;

use crate::browsers::{self, Browser, BrowserChoice, Drivers};
use crate::ctx::Ctx;
use crate::steps::Steps;
use crate::toolchain::{self, Choice, Route};
use crate::{js_api, tools};

/// Runs the setup steps for `browsers`, recording the route in `ctx`.
///
/// Stops at the first failed step (the error names it).
pub fn run(
    ctx: &mut Ctx,
    steps: &mut Steps,
    choice: Choice,
    browsers: &[Browser],
) -> Result<Drivers> {
    let selection = steps.run("wasm32 target", || toolchain::select_route(ctx, choice))?;
    ctx.route = Some(selection.route);
    if selection.route == Route::Debian {
        steps.run("Debian Rust packages", || {
            toolchain::ensure_debian_packages(ctx)
        })?;
        steps.run("wasm32 std for Debian's rustc", || {
            toolchain::ensure_debian_std(ctx)
        })?;
    }
    steps.run("wasm-bindgen-cli", || tools::ensure_wasm_bindgen(ctx))?;
    steps.run("wasm-pack", || tools::ensure_wasm_pack(ctx))?;
    if !browsers.is_empty() {
        // The JS API tests (a page in the browser, tsc) run on Node.js.
        steps.run("node + npm", || js_api::ensure_node(ctx))?;
    }
    let mut drivers = Drivers::default();
    for browser in browsers {
        match browser {
            Browser::Chrome => {
                let driver =
                    steps.run("chromium + chromedriver", || browsers::ensure_chromium(ctx))?;
                drivers.chromedriver = Some(driver);
            }
            Browser::Firefox => {
                steps.run("firefox-esr", || browsers::ensure_firefox(ctx))?;
                let driver = steps.run("geckodriver", || tools::ensure_geckodriver(ctx))?;
                drivers.geckodriver = Some(driver);
            }
        }
    }
    Ok(drivers)
}

/// `cargo xtask setup`.
pub fn command(choice: Choice, browser: BrowserChoice) -> Result<ExitCode> {
    let mut ctx = Ctx::new()?;
    let mut steps = Steps::default();
    let result = run(&mut ctx, &mut steps, choice, &browser.browsers());
    println!();
    print!("{}", steps.table());
    result?;
    let route = match ctx.route() {
        Route::Rustup => "rustup",
        Route::Debian => "debian",
    };
    println!("setup complete (wasm32 route: {route})");
    Ok(ExitCode::SUCCESS)
}
