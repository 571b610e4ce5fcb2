//! The core, backpressure and reconnect suites again, inside a dedicated worker
//! (`cargo xtask test`: "wasm tests in a dedicated worker (chrome|firefox)"). The
//! suites' own files are compiled as modules of this test binary, so every test runs
//! unchanged, with `self` a `DedicatedWorkerGlobalScope`: no `window`, no `document`.
//!
//! - the binary runs where it says (the global scope's constructor, no `window`)
//! - connect, messages, close, backpressure, reconnect (its policies and providers
//!   too), heartbeat and network, whole: the helpers they share (tests/common) use
//!   only what workers have (`WebSocket`, `setTimeout`, `location`); the admin paths
//!   see the runner's origin, as from the page; network's `online` / `offline` fire
//!   on the worker's global scope, and its document and page tests check that nothing
//!   listens there
//! - not here: canvas (the library draws into an `HtmlCanvasElement`, which a
//!   worker has no document to make), lifetimes and memory (about the page's
//!   listeners and heap; nothing in them differs in a worker)
//!
//! The runner takes the place from the whole binary, and "in the page" wins, so the
//! suites do not say it themselves: each calls `crate::place!()`, which is
//! `common::in_the_page` when the suite is its own binary and the macro below here.

// Each suite has its `mod common;`, as in its own binary.
#![allow(clippy::duplicate_mod)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// The suites' `crate::place!()` (see `common::in_the_page`): nothing, as this
/// binary says where it runs, above.
macro_rules! place {
    () => {};
}
use place;

mod scope;

#[wasm_bindgen_test::wasm_bindgen_test]
fn these_tests_run_in_a_dedicated_worker() {
    assert_eq!(scope::global_scope(), "DedicatedWorkerGlobalScope");
    assert!(!scope::has_window());
}

#[path = "../backpressure.rs"]
mod backpressure;
#[path = "../close.rs"]
mod close;
#[path = "../connect.rs"]
mod connect;
#[path = "../heartbeat.rs"]
mod heartbeat;
#[path = "../messages.rs"]
mod messages;
#[path = "../network.rs"]
mod network;
#[path = "../reconnect.rs"]
mod reconnect;
#[path = "../reconnect_policy.rs"]
mod reconnect_policy;
