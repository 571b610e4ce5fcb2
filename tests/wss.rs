//! The connect and message suites again, over `wss://`: `cargo xtask test` ("wasm
//! tests over wss (chrome|firefox)") compiles this binary with `WASM_WEBSOCKET_ECHO`
//! set to the echo server's TLS port, whose certificate is self-signed and made at
//! its start; the run's browser accepts it (Chromium `--ignore-certificate-errors`,
//! `acceptInsecureCerts` for both, in a webdriver.json of that run only). The page
//! itself is the runner's, over http://, which may open `wss://` sockets.
//!
//! - every test of connect and messages, with each URL the suites build on `wss://`
//!   (`http_urls_become_ws_urls` turns `https://` into `wss://`)
//! - the echo server is indeed reached over TLS
//!
//! The suites are built into this binary as tests/worker/dedicated.rs explains.

// Each suite has its `mod common;`, as in its own binary.
#![allow(clippy::duplicate_mod)]

mod common;

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The suites' `crate::place!()` (see `common::in_the_page`): nothing, as this
/// binary says where it runs, above.
macro_rules! place {
    () => {};
}
use place;

#[path = "connect.rs"]
mod connect;
#[path = "messages.rs"]
mod messages;

#[wasm_bindgen_test]
async fn the_echo_server_is_reached_over_tls() {
    assert!(
        common::ECHO_BASE.starts_with("wss://"),
        "this binary runs over wss only: {} (cargo xtask test sets WASM_WEBSOCKET_ECHO)",
        common::ECHO_BASE
    );
    let ws = common::echo().await;
    assert!(ws.url().starts_with("wss://"), "{}", ws.url());
}
