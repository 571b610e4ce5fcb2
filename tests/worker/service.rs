//! The core suites (connect, messages, close) again, inside a service worker
//! (`cargo xtask test`: "wasm tests in a service worker (chrome|firefox)"), built as
//! tests/worker/dedicated.rs explains.
//!
//! - the binary runs where it says (the global scope's constructor, no `window`)
//! - connect, messages and close, whole
//!
//! Chromium 156 and Firefox ESR 153 both run it: the runner registers the tests as a
//! module service worker of its http://127.0.0.1 page (a secure context), so nothing
//! is skipped.

// Each suite has its `mod common;`, as in its own binary.
#![allow(clippy::duplicate_mod)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_service_worker);

/// The suites' `crate::place!()` (see `common::in_the_page`): nothing, as this
/// binary says where it runs, above.
macro_rules! place {
    () => {};
}
use place;

mod scope;

#[wasm_bindgen_test::wasm_bindgen_test]
fn these_tests_run_in_a_service_worker() {
    assert_eq!(scope::global_scope(), "ServiceWorkerGlobalScope");
    assert!(!scope::has_window());
}

#[path = "../close.rs"]
mod close;
#[path = "../connect.rs"]
mod connect;
#[path = "../messages.rs"]
mod messages;
