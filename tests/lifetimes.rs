//! Lifetimes: every listener is owned and removed, and nothing fires after a drop.
//!
//! - dropping an open socket closes it with 1000
//! - 1,000 connect/drop cycles leave no listener behind, counted both by the crate
//!   and by the browser's own addEventListener/removeEventListener calls
//! - subscriptions add one listener each and remove it on drop
//! - dropping a socket, or a subscription, from inside its own callback is safe

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::{echo, next, wait};
use futures::channel::{mpsc, oneshot};
use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wasm_websocket::{live_listeners, CloseEvent, Message, Subscription, WebSocket};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function install_listener_counter() {
  if (globalThis.__wsListeners !== undefined) return;
  globalThis.__wsListeners = 0;
  const proto = WebSocket.prototype;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  // A browser keeps one listener per (type, function): count those pairs.
  const seen = new WeakMap();
  const types = (socket, fn) => {
    let byFn = seen.get(socket);
    if (!byFn) { byFn = new Map(); seen.set(socket, byFn); }
    let set = byFn.get(fn);
    if (!set) { set = new Set(); byFn.set(fn, set); }
    return set;
  };
  proto.addEventListener = function (type, fn, opts) {
    const set = types(this, fn);
    if (!set.has(type)) { set.add(type); globalThis.__wsListeners++; }
    return add.call(this, type, fn, opts);
  };
  proto.removeEventListener = function (type, fn, opts) {
    if (types(this, fn).delete(type)) globalThis.__wsListeners--;
    return remove.call(this, type, fn, opts);
  };
}
export function browser_listener_count() { return globalThis.__wsListeners; }
"#)]
extern "C" {
    fn install_listener_counter();
    fn browser_listener_count() -> i32;
}

#[wasm_bindgen_test]
async fn dropping_an_open_socket_closes_it_with_1000() {
    let ws = echo().await;
    let (tx, rx) = oneshot::channel::<CloseEvent>();
    let mut tx = Some(tx);
    let subscription = ws.on_close(move |event| {
        if let Some(tx) = tx.take() {
            let _ = tx.send(event);
        }
    });
    drop(ws);
    let event = wait("close event after drop", rx)
        .await
        .expect("close fired");
    assert_eq!((event.code, event.was_clean), (1000, true));
    drop(subscription);
}

#[wasm_bindgen_test]
async fn a_thousand_connect_drop_cycles_leave_no_listener_behind() {
    install_listener_counter();
    let crate_before = live_listeners();
    let browser_before = browser_listener_count();
    for i in 0..1000 {
        let ws = echo().await;
        if i % 100 == 0 {
            assert_eq!(live_listeners(), crate_before + 3);
            assert_eq!(browser_listener_count(), browser_before + 3);
        }
        drop(ws);
    }
    assert_eq!(live_listeners(), crate_before);
    assert_eq!(browser_listener_count(), browser_before);
}

#[wasm_bindgen_test]
async fn each_subscription_holds_one_listener_until_dropped() {
    let ws = echo().await;
    let before = live_listeners();
    let subscriptions = [
        ws.on_message(|_| {}),
        ws.on_open(|| {}),
        ws.on_close(|_| {}),
        ws.on_error(|| {}),
    ];
    assert_eq!(live_listeners(), before + 4);
    drop(subscriptions);
    assert_eq!(live_listeners(), before);
}

#[wasm_bindgen_test]
async fn dropping_the_socket_inside_its_own_callback_is_safe() {
    let ws = echo().await;
    let (tx, rx) = oneshot::channel();
    let mut tx = Some(tx);
    let slot: Rc<RefCell<Option<WebSocket>>> = Rc::new(RefCell::new(None));
    let inside = Rc::clone(&slot);
    let subscription = ws.on_message(move |message| {
        // Drops the socket, its listeners included, while the browser is dispatching.
        drop(inside.borrow_mut().take());
        if let Some(tx) = tx.take() {
            let _ = tx.send(message);
        }
    });
    ws.send_text("drop me").expect("send");
    *slot.borrow_mut() = Some(ws);
    let message = wait("the message", rx).await.expect("callback ran");
    assert_eq!(message, Message::text("drop me"));
    assert!(slot.borrow().is_none());
    drop(subscription);
}

#[wasm_bindgen_test]
async fn dropping_a_subscription_inside_its_own_callback_is_safe() {
    let mut ws = echo().await;
    let calls = Rc::new(RefCell::new(0));
    let slot: Rc<RefCell<Option<Subscription>>> = Rc::new(RefCell::new(None));
    let (inside, counted) = (Rc::clone(&slot), Rc::clone(&calls));
    let subscription = ws.on_message(move |_| {
        *counted.borrow_mut() += 1;
        drop(inside.borrow_mut().take());
    });
    *slot.borrow_mut() = Some(subscription);
    ws.send_text("one").expect("send");
    ws.send_text("two").expect("send");
    next(&mut ws).await;
    next(&mut ws).await;
    assert_eq!(*calls.borrow(), 1, "called once, then removed by itself");
    assert!(slot.borrow().is_none());
}

#[wasm_bindgen_test]
async fn messages_are_not_kept_once_the_receiver_is_dropped() {
    let (tx, rx) = echo().await.split();
    let (send, mut received) = mpsc::unbounded();
    let _subscription = tx.on_message(move |m| {
        let _ = send.unbounded_send(m);
    });
    drop(rx);
    for i in 0..10 {
        tx.send_text(&i.to_string()).expect("send");
    }
    for i in 0..10 {
        let m = wait("callback", received.next()).await;
        assert_eq!(m, Some(Message::text(i.to_string())));
    }
}
