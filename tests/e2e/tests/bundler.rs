//! The bundler example (`examples/bundler`: the package's `--target bundler` build,
//! bundled by Vite) end to end, in a real headless Chromium driven through
//! chromedriver. Its two pages, one per entry point of the package, each:
//! `index.html` imports `wasm-websocket`, `socket.html` `wasm-websocket/socket`.
//!
//! - the bundle loads under its Content-Security-Policy, and the `.wasm` the bundler
//!   emitted compiles and instantiates (no `init()`): the state becomes `open`
//! - a text message comes back as the same text
//! - a binary message comes back as a `Uint8Array` with the same bytes
//! - stopping the server gives `closed (code N, ...)`
//! - no uncaught error and no CSP violation in the page throughout
//! - the socket-only page's `.wasm` is under 0.6 of the full one's bytes
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
async fn the_bundled_package_round_trips_text_and_binary_through_both_entry_points() -> Result<()> {
    let dist = built_page(
        "examples/bundler/dist",
        "socket.html",
        "run `cargo xtask pack`, then `npm ci --ignore-scripts` and `npx vite build` in \
         examples/bundler (cargo xtask test does)",
    )?;
    let mut wasm_bytes = Vec::new();
    for page in ["", "socket.html"] {
        let server = serve(dist.clone()).await?;
        let url = format!("http://{}/{page}", server.local_addr());
        let (sender, receiver) = std::sync::mpsc::channel();
        in_chromium(Duration::from_secs(60), |client| async move {
            let bytes = run(&client, &url, server).await?;
            let _ = sender.send(bytes);
            Ok(())
        })
        .await
        .map_err(|error| error.context(format!("page /{page}")))?;
        wasm_bytes.push(receiver.recv()?);
    }
    let (full, socket) = (wasm_bytes[0], wasm_bytes[1]);
    println!("the .wasm each page loaded: full {full} bytes, socket-only {socket}");
    ensure!(
        socket > 0 && full > 0,
        "the pages' .wasm sizes are unknown (full {full}, socket-only {socket})"
    );
    ensure!(
        socket * 10 < full * 6,
        "the socket-only page's .wasm ({socket} bytes) is not under 0.6 of the full one's \
         ({full} bytes)"
    );
    Ok(())
}

/// Drives one page; returns the bytes of the `.wasm` it loaded.
async fn run(client: &Client, url: &str, server: echo_server::Server) -> Result<u64> {
    open(client, url).await?;
    // Loaded from the bundle: Vite rewrote the entry to a hashed asset, and the wasm
    // is one too.
    let assets = run_js(
        client,
        "return performance.getEntriesByType('resource').map((e) => \
         [new URL(e.name).pathname, e.decodedBodySize]);",
    )
    .await?;
    let loaded = |suffix: &str| -> Vec<u64> {
        assets
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| {
                entry[0]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/assets/") && p.ends_with(suffix))
            })
            .filter_map(|entry| entry[1].as_u64())
            .collect()
    };
    let wasm = loaded(".wasm");
    ensure!(
        !loaded(".js").is_empty() && wasm.len() == 1,
        "the page did not load bundled .js and one .wasm: {assets}"
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

    page_problems(client).await?;
    Ok(wasm[0])
}
