//! The back/forward cache: a reconnecting socket leaves the page when the page goes
//! into the cache and comes back with it.
//!
//! A page with an open WebSocket is kept out of the back/forward cache (Firefox), or
//! has its socket closed behind its back (Chromium). So on `pagehide` with
//! `persisted` (the page is being cached) the socket closes its connection cleanly
//! itself, keeping its outbox; on `pageshow` with `persisted` (the page is back) it
//! reconnects at once, and what was sent meanwhile goes out in order, as after any
//! outage. `pagehide` without `persisted` (the page is being unloaded for good) is
//! left to the browser. Workers have no such events: there this does nothing.
//!
//! On by default; [`ReconnectConfig::back_forward_cache`](super::ReconnectConfig::back_forward_cache)
//! turns it off.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

use super::signal::{Signal, Signals};
use crate::listener::Listener;

/// The `pagehide` / `pageshow` listener of one driver, on the window. Dropping it
/// removes it.
#[derive(Debug)]
pub(crate) struct PageListener {
    _listener: Option<Listener>,
}

impl PageListener {
    /// Listens on the global scope when it is a window (it has `onpageshow`),
    /// raising [`Signal::PageHidden`] and [`Signal::PageShown`] for events with
    /// `persisted`.
    pub(crate) fn new(signals: &Rc<Signals>) -> Self {
        let global = js_sys::global();
        let is_window = Reflect::has(&global, &"onpageshow".into()).unwrap_or(false);
        let listener = match global.dyn_ref::<EventTarget>() {
            Some(window) if is_window => {
                let signals = Rc::clone(signals);
                Some(Listener::new(
                    window,
                    &["pagehide", "pageshow"],
                    move |event| {
                        let persisted = Reflect::get(&event, &"persisted".into())
                            .ok()
                            .and_then(|persisted| persisted.as_bool())
                            .unwrap_or(false);
                        if !persisted {
                            return;
                        }
                        match event.type_().as_str() {
                            "pagehide" => signals.raise(Signal::PageHidden),
                            "pageshow" => signals.raise(Signal::PageShown),
                            _ => {}
                        }
                    },
                ))
            }
            _ => None,
        };
        Self {
            _listener: listener,
        }
    }
}
