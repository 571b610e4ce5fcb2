//! The bundler example (`examples/bundler`: the package's `--target bundler` build,
//! bundled by Vite) end to end, in a real headless Chromium driven through
//! chromedriver.
//!
//! - the bundle loads under its Content-Security-Policy, and the `.wasm` the bundler
//!   emitted compiles and instantiates (no `init()`): the state becomes `open`
//! - a text message comes back as the same text
//! - a binary message comes back as a `Uint8Array` with the same bytes
//! - stopping the server gives `closed (code N, ...)`
//! - no uncaught error and no CSP violation in the page throughout
//!
//! # Running it by hand
//!
//! From the repository root, after `cargo xtask pack` and building the example into
//! `examples/bundler/dist` (see `examples/bundler/README.md`; `cargo xtask test` does
//! both):
//!
//! ```sh
//! cargo test -p demo-e2e --test bundler
//! ```
//!
//! The test serves the built page and `/echo` from an echo server started in-process
//! on a free port. `CHROMEDRIVER` and `CHROME_BIN` choose the driver and browser, as
//! for the demo's test.

use std::time::Duration;

use anyhow::{ensure, Result};
use demo_e2e::{
    built_page, in_chromium, open, page_problems, run_js, serve, text_of, wait_for_text, within,
};
use fantoccini::Client;
use serde_json::json;

/// What `examples/bundler/src/main.js` sends.
const TEXT: &str = "hello from a bundle";
const BYTES: &str = "Uint8Array [0, 1, 2, 253, 254, 255]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_package_round_trips_text_and_binary() -> Result<()> {
    let dist = built_page(
        "examples/bundler/dist",
        "index.html",
        "run `cargo xtask pack`, then `npm ci --ignore-scripts` and `npx vite build` in \
         examples/bundler (cargo xtask test does)",
    )?;
    let server = serve(dist).await?;
    let url = format!("http://{}/", server.local_addr());
    let outcome = in_chromium(Duration::from_secs(60), |client| async move {
        run(&client, &url, server).await
    })
    .await;
    outcome
}

async fn run(client: &Client, url: &str, server: echo_server::Server) -> Result<()> {
    open(client, url).await?;
    // Loaded from the bundle: Vite rewrote the entry to a hashed asset, and the wasm
    // is one too.
    let assets = run_js(
        client,
        "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);",
    )
    .await?;
    let loaded = |suffix: &str| {
        assets.as_array().is_some_and(|list| {
            list.iter().any(|path| {
                path.as_str()
                    .is_some_and(|p| p.starts_with("/assets/") && p.ends_with(suffix))
            })
        })
    };
    ensure!(
        loaded(".js") && loaded(".wasm"),
        "the page did not load a bundled .js and .wasm: {assets}"
    );

    let state = wait_for_text(client, "state", Duration::from_secs(15), |t| {
        t != "loading…"
    })
    .await?;
    ensure!(state == "open", "state: {state:?}");
    wait_for_text(client, "text-echo", Duration::from_secs(10), |t| t != "–").await?;
    let text = text_of(client, "text-echo").await?;
    ensure!(text == TEXT, "text echo: {text:?}");
    let bytes = wait_for_text(client, "binary-echo", Duration::from_secs(10), |t| t != "–").await?;
    ensure!(bytes == BYTES, "binary echo: {bytes:?}");

    within(
        "stop the server",
        Duration::from_secs(10),
        server.shutdown(),
    )
    .await??;
    let closed = wait_for_text(client, "state", Duration::from_secs(10), |t| {
        t.starts_with("closed (code ")
    })
    .await?;
    println!("after the server stopped: {closed}");
    let data_state = run_js(
        client,
        "return document.getElementById('state').dataset.state;",
    )
    .await?;
    ensure!(data_state == json!("closed"), "data-state: {data_state}");

    page_problems(client).await
}
