//! Network awareness: what a reconnecting socket does with the browser's `online`
//! state and the page's visibility ([`Network`]), and the listeners that tell its
//! driver.
//!
//! Browsers report `navigator.onLine` (false when no network interface is up, or
//! when DevTools emulates offline) and fire `online` / `offline` on the global scope,
//! in windows and in workers alike. Visibility (`document.visibilityState` and
//! `visibilitychange`) exists only where there is a document: in a worker the
//! visibility options do nothing.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::EventTarget;

use super::signal::{Signal, Signals};
use crate::listener::Listener;

/// How a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) follows the
/// network and the page's visibility. Every behaviour is on by default
/// ([`Network::default`]); [`Network::ignore`] turns them all off.
///
/// - [`wait_while_offline`](Self::wait_while_offline): while `navigator.onLine` is
///   false, no attempt is made (the stream says [`Event::Offline`](super::Event::Offline)
///   once) and none is counted against
///   [`max_attempts`](super::ReconnectConfig::max_attempts); an attempt that fails
///   while the browser is offline is not counted either.
/// - [`attempt_when_online`](Self::attempt_when_online): the `online` event cuts the
///   wait for the next attempt short: it starts at once.
/// - [`attempt_when_visible`](Self::attempt_when_visible): the page becoming visible
///   again (`visibilitychange`) while waiting out a delay starts the attempt at once
///   (a background tab's timers are slowed, and its user is back now).
/// - [`ping_when_visible`](Self::ping_when_visible): the page becoming visible again
///   while connected with a [`Heartbeat`](super::Heartbeat) sends a ping at once, so
///   that a connection that died while the tab slept is found out within the
///   heartbeat's timeout rather than an interval later.
///
/// [`reconnect`](super::ReconnectingSender::reconnect) attempts at once whatever
/// the network says.
///
/// ```
/// use wasm_websocket::reconnect::{Network, ReconnectConfig};
///
/// // Try even while the browser says it is offline (a local server on a machine
/// // without a network, say), but keep the other behaviours.
/// let config = ReconnectConfig::default().network(Network::default().wait_while_offline(false));
/// assert_ne!(config, ReconnectConfig::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // four independent switches
pub struct Network {
    pub(crate) wait_while_offline: bool,
    pub(crate) attempt_when_online: bool,
    pub(crate) attempt_when_visible: bool,
    pub(crate) ping_when_visible: bool,
}

impl Default for Network {
    fn default() -> Self {
        Self {
            wait_while_offline: true,
            attempt_when_online: true,
            attempt_when_visible: true,
            ping_when_visible: true,
        }
    }
}

impl Network {
    /// Every behaviour on: the default.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every behaviour off: attempts follow the backoff alone, and no listener is
    /// registered for the network or visibility.
    #[must_use]
    pub fn ignore() -> Self {
        Self {
            wait_while_offline: false,
            attempt_when_online: false,
            attempt_when_visible: false,
            ping_when_visible: false,
        }
    }

    /// Whether no attempt is made, and none counted, while `navigator.onLine` is
    /// false (default `true`).
    #[must_use]
    pub fn wait_while_offline(mut self, on: bool) -> Self {
        self.wait_while_offline = on;
        self
    }

    /// Whether the `online` event starts the next attempt at once (default `true`).
    #[must_use]
    pub fn attempt_when_online(mut self, on: bool) -> Self {
        self.attempt_when_online = on;
        self
    }

    /// Whether the page becoming visible starts a waiting attempt at once (default
    /// `true`; no effect in a worker).
    #[must_use]
    pub fn attempt_when_visible(mut self, on: bool) -> Self {
        self.attempt_when_visible = on;
        self
    }

    /// Whether the page becoming visible sends a heartbeat ping at once while
    /// connected (default `true`; no effect without a heartbeat, or in a worker).
    #[must_use]
    pub fn ping_when_visible(mut self, on: bool) -> Self {
        self.ping_when_visible = on;
        self
    }

    fn listens_online(self) -> bool {
        self.wait_while_offline || self.attempt_when_online
    }

    fn listens_visible(self) -> bool {
        self.attempt_when_visible || self.ping_when_visible
    }
}

/// Whether the browser says it is online: `navigator.onLine`, taken as `true` where
/// there is no navigator or it has no such property.
pub(crate) fn is_online() -> bool {
    let global = js_sys::global();
    Reflect::get(&global, &"navigator".into())
        .ok()
        .filter(JsValue::is_object)
        .and_then(|navigator| Reflect::get(&navigator, &"onLine".into()).ok())
        .and_then(|online| online.as_bool())
        .unwrap_or(true)
}

/// The listeners of one driver for the network and visibility: `online` on the
/// global scope, `visibilitychange` on the document where there is one. Dropping it
/// removes them.
#[derive(Debug)]
pub(crate) struct NetworkListeners {
    _online: Option<Listener>,
    _visibility: Option<Listener>,
}

impl NetworkListeners {
    /// Listens for what `network` needs, raising [`Signal::Online`] and
    /// [`Signal::Visible`] on `signals`.
    pub(crate) fn new(network: Network, signals: &Rc<Signals>) -> Self {
        let global = js_sys::global();
        let online = match global.dyn_ref::<EventTarget>() {
            Some(target) if network.listens_online() => {
                let signals = Rc::clone(signals);
                Some(Listener::new(target, &["online"], move |_| {
                    signals.raise(Signal::Online);
                }))
            }
            _ => None,
        };
        let document = Reflect::get(&global, &"document".into())
            .ok()
            .and_then(|document| document.dyn_into::<EventTarget>().ok());
        let visibility = match document {
            Some(document) if network.listens_visible() => {
                let signals = Rc::clone(signals);
                Some(Listener::new(
                    &document,
                    &["visibilitychange"],
                    move |event| {
                        if is_visible(event.target()) {
                            signals.raise(Signal::Visible);
                        }
                    },
                ))
            }
            _ => None,
        };
        Self {
            _online: online,
            _visibility: visibility,
        }
    }
}

/// Whether the document an event came from says `visibilityState` is `"visible"`.
fn is_visible(document: Option<EventTarget>) -> bool {
    document
        .and_then(|document| Reflect::get(&document, &"visibilityState".into()).ok())
        .and_then(|state| state.as_string())
        .is_some_and(|state| state == "visible")
}
