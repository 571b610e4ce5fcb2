//! Closing: validated codes and reasons, close events, and sends around a close.
//!
//! - codes 0, 999, 1001, 1005, 2999, 5000 are refused before the browser sees them;
//!   1000, 3000, 4999 close, and the server's echo of code and reason is reported
//! - a 123-byte reason is accepted; 124 bytes (also counted in multi-byte characters)
//!   is refused
//! - closing twice is harmless
//! - a server-initiated close ends the stream and reports code, reason, wasClean
//! - an abrupt drop yields `AbnormalClose` (1006, not clean), then the end
//! - the stream is a `FusedStream`: terminated once it has yielded `None` (not when
//!   the close merely happened), so `select!` reads it to its end beside a timer
//! - the last handle dropped at the `error` event of a refused handshake (the socket
//!   already CLOSED, its `close` event yet to come) still resolves a `closed()`
//!   future made before
//! - send before open and after close give `NotOpen`, as does the Sink
//! - `CloseCode` converts losslessly to and from u16

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::{echo, next, url, wait};
use futures::stream::FusedStream;
use futures::{FutureExt, SinkExt, StreamExt};
use wasm_bindgen_test::*;
use wasm_websocket::{CloseCode, CloseEvent, Error, Message, ReadyState, WebSocket};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

fn event(code: u16, reason: &str) -> CloseEvent {
    CloseEvent {
        code,
        reason: reason.to_owned(),
        was_clean: true,
    }
}

#[wasm_bindgen_test]
async fn codes_a_page_may_not_send_are_refused_and_the_socket_stays_open() {
    let mut ws = echo().await;
    for code in [0, 999, 1001, 1005, 1006, 2999, 5000, u16::MAX] {
        assert_eq!(
            ws.close_with(code, ""),
            Err(Error::InvalidCloseCode { code })
        );
        assert_eq!(ws.ready_state(), ReadyState::Open);
    }
    ws.send_text("still open").expect("send");
    assert_eq!(next(&mut ws).await, Message::text("still open"));
}

#[wasm_bindgen_test]
async fn allowed_codes_close_and_the_echoed_event_is_reported() {
    for (code, reason) in [(1000, ""), (3000, "iana"), (4999, "last private code")] {
        let mut ws = echo().await;
        ws.close_with(code, reason).expect("close");
        assert_eq!(ws.ready_state(), ReadyState::Closing);
        assert_eq!(wait("stream end", ws.next()).await, None);
        assert_eq!(wait("closed", ws.closed()).await, event(code, reason));
        assert_eq!(ws.ready_state(), ReadyState::Closed);
    }
}

#[wasm_bindgen_test]
async fn close_reasons_are_limited_to_123_bytes() {
    let accepted = [
        "x".repeat(123),
        "€".repeat(41), // 3 bytes each: 123
    ];
    for reason in accepted {
        let ws = echo().await;
        ws.close_with(4000u16, &reason).expect("a 123-byte reason");
        assert_eq!(wait("closed", ws.closed()).await, event(4000, &reason));
    }
    let ws = echo().await;
    for (reason, bytes) in [
        ("x".repeat(124), 124),
        ("é".repeat(62), 124),
        ("🌍".repeat(31), 124),
    ] {
        assert_eq!(
            ws.close_with(4000u16, &reason),
            Err(Error::CloseReasonTooLong { bytes })
        );
    }
    assert_eq!(ws.ready_state(), ReadyState::Open);
}

#[wasm_bindgen_test]
async fn closing_twice_is_harmless() {
    let ws = echo().await;
    ws.close().expect("first close");
    ws.close().expect("second close");
    ws.close_with(CloseCode::Library(4000).into(), "third")
        .expect("third close");
    let closed = wait("closed", ws.closed()).await;
    assert_eq!(closed, event(1000, ""));
    ws.close().expect("close after closed");
    // Still refused while closed: the arguments are checked first.
    assert_eq!(
        ws.close_with(1, ""),
        Err(Error::InvalidCloseCode { code: 1 })
    );
}

#[wasm_bindgen_test]
async fn a_server_initiated_close_ends_the_stream_with_its_code_and_reason() {
    let mut ws = wait(
        "connect",
        WebSocket::connect(&url("/close?code=4001&reason=bye")),
    )
    .await
    .expect("connect");
    assert_eq!(wait("stream end", ws.next()).await, None);
    assert_eq!(wait("closed", ws.closed()).await, event(4001, "bye"));
}

#[wasm_bindgen_test]
async fn the_stream_is_terminated_once_it_has_yielded_its_end_and_not_before() {
    let mut ws = wait("connect", WebSocket::connect(url("/abrupt?after=1")))
        .await
        .expect("connect");
    ws.send_text("m0").expect("send");
    ws.send_text("m1").expect("send");
    // The close has happened, but the message and the error before it are unread.
    assert!(!wait("closed", ws.closed()).await.was_clean);
    assert!(!ws.is_terminated());
    assert_eq!(next(&mut ws).await, Message::text("m0"));
    assert!(!ws.is_terminated());
    assert!(matches!(
        wait("the error item", ws.next()).await,
        Some(Err(Error::AbnormalClose { .. }))
    ));
    assert!(!ws.is_terminated(), "the end is yet to be yielded");
    assert_eq!(wait("stream end", ws.next()).await, None);
    assert!(ws.is_terminated());
    assert_eq!(wait("stream end again", ws.next()).await, None);
    assert!(ws.is_terminated());
}

#[wasm_bindgen_test]
async fn select_reads_the_stream_to_its_end_beside_a_timer() {
    let mut ws = echo().await;
    ws.send_text("one").expect("send");
    ws.send_text("Goodbye").expect("send");
    let mut timer = gloo_timers::future::TimeoutFuture::new(10_000).fuse();
    let mut seen = Vec::new();
    loop {
        futures::select! {
            item = ws.next() => match item {
                Some(item) => seen.push(item.expect("a message")),
                None => break,
            },
            () = timer => panic!("the stream did not end: {seen:?}"),
        }
    }
    assert_eq!(seen.first(), Some(&Message::text("one")));
    assert!(ws.is_terminated());
}

#[wasm_bindgen_test]
async fn goodbye_makes_the_server_close_normally() {
    let mut ws = echo().await;
    ws.send_text("Goodbye").expect("send");
    // The server may echo the text before closing; the stream then ends cleanly.
    while let Some(item) = wait("until the end", ws.next()).await {
        assert_eq!(item, Ok(Message::text("Goodbye")));
    }
    let closed = wait("closed", ws.closed()).await;
    assert_eq!((closed.code, closed.was_clean), (1000, true));
}

#[wasm_bindgen_test]
async fn an_abrupt_drop_is_an_abnormal_close_then_the_end() {
    let mut ws = wait("connect", WebSocket::connect(&url("/abrupt?after=2")))
        .await
        .expect("connect");
    for i in 0..3 {
        ws.send_text(&format!("m{i}")).expect("send");
    }
    assert_eq!(next(&mut ws).await, Message::text("m0"));
    assert_eq!(next(&mut ws).await, Message::text("m1"));
    match wait("the error item", ws.next()).await {
        Some(Err(Error::AbnormalClose { event })) => {
            assert_eq!(event.code, 1006);
            assert!(!event.was_clean);
        }
        other => panic!("expected AbnormalClose, got {other:?}"),
    }
    assert_eq!(wait("stream end", ws.next()).await, None);
    assert!(!wait("closed", ws.closed()).await.was_clean);
}

#[wasm_bindgen_test]
async fn the_last_handle_dropped_at_the_error_event_still_resolves_closed() {
    // At `error` (here: the server refuses the handshake) the browser has already set
    // CLOSED, but `close` is yet to come: a `closed()` future made before the drop
    // must still get its event.
    let ws = WebSocket::builder(url("/reject"))
        .build()
        .expect("open a socket");
    let closed = ws.closed();
    let slot = Rc::new(RefCell::new(Some(ws)));
    let state_at_error = Rc::new(Cell::new(None));
    let subscription = {
        let taken_from = Rc::clone(&slot);
        let state_at_error = Rc::clone(&state_at_error);
        let handle = slot.borrow();
        let Some(ws) = handle.as_ref() else {
            panic!("the socket is in its slot");
        };
        ws.on_error(move || {
            if let Some(ws) = taken_from.borrow_mut().take() {
                state_at_error.set(Some(ws.ready_state()));
                drop(ws);
            }
        })
    };
    let event = wait("closed after the drop at the error event", closed).await;
    assert_eq!((event.code, event.was_clean), (1006, false));
    assert_eq!(state_at_error.get(), Some(ReadyState::Closed));
    assert!(
        slot.borrow().is_none(),
        "the socket was dropped at the error event"
    );
    drop(subscription);
}

#[wasm_bindgen_test]
async fn sending_before_open_is_not_open() {
    let ws = WebSocket::builder(url("/slow?ms=500"))
        .build()
        .expect("build");
    let connecting = Err(Error::NotOpen {
        state: ReadyState::Connecting,
    });
    assert_eq!(ws.send_text("too early"), connecting);
    assert_eq!(ws.send_bytes(&[1]), connecting);
    assert_eq!(ws.send_message(&Message::text("x")), connecting);
}

#[wasm_bindgen_test]
async fn sending_after_close_is_not_open() {
    let mut ws = echo().await;
    ws.close().expect("close");
    assert_eq!(
        ws.send_text("while closing"),
        Err(Error::NotOpen {
            state: ReadyState::Closing
        })
    );
    wait("closed", ws.closed()).await;
    let closed = Err(Error::NotOpen {
        state: ReadyState::Closed,
    });
    assert_eq!(ws.send_bytes(&[1, 2]), closed);
    assert_eq!(ws.send_array_buffer(&js_sys::ArrayBuffer::new(1)), closed);
    assert_eq!(
        wait("sink send", ws.send(Message::text("sink"))).await,
        closed
    );
}

#[wasm_bindgen_test]
fn close_codes_convert_losslessly() {
    for code in 0..=u16::MAX {
        assert_eq!(u16::from(CloseCode::from(code)), code);
        let sendable = code == 1000 || (3000..=4999).contains(&code);
        assert_eq!(CloseCode::from(code).is_sendable(), sendable, "{code}");
    }
    assert_eq!(CloseCode::from(1001), CloseCode::Away);
    assert_eq!(CloseCode::from(1006), CloseCode::Abnormal);
    assert_eq!(CloseCode::from(3001), CloseCode::Iana(3001));
    assert_eq!(CloseCode::from(4001), CloseCode::Library(4001));
    assert_eq!(CloseCode::from(2000), CloseCode::Reserved(2000));
    assert_eq!(CloseCode::from(999), CloseCode::Bad(999));
}
