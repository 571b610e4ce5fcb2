//! Sending and receiving: every kind of message, byte for byte and in order.
//!
//! - text, including multi-byte characters and the empty string; characters of every
//!   UTF-8 width at the start, the middle and the end of short and 1 MiB texts, read
//!   through the stream and through callbacks alike; a lone surrogate in a synthetic
//!   message event becomes U+FFFD
//! - binary of 0 bytes, 65,000 bytes and 16 MiB
//! - an ArrayBuffer; only the bytes a typed-array view or DataView covers
//! - a Blob sent, received as bytes; Blob receive mode hands Blobs over in order
//! - 10,000 mixed text, binary and Blob messages arrive complete and in order
//! - send_message, the Sink and the Stream
//! - split: a cloned sender sends and closes, the receiver ends
//! - callbacks receive the same messages in the same order; dropped, they stop, and
//!   their listener is removed from the browser's socket (spied on through `as_raw()`)

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::{echo, next, pattern, url, wait};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use js_sys::{ArrayBuffer, DataView, Uint8Array};
use wasm_bindgen_test::*;
use wasm_websocket::{read_blob, Message, Subscription, WebSocket};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

fn blob_of(bytes: &[u8]) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&parts).expect("make a Blob")
}

#[wasm_bindgen_test]
async fn text_round_trips_with_multi_byte_characters() {
    let mut ws = echo().await;
    for text in ["héllo wörld", "日本語 🌍 👩‍👩‍👧", "", "\u{0}\u{ffff}"] {
        ws.send_text(text).expect("send text");
        assert_eq!(next(&mut ws).await, Message::text(text));
    }
}

/// Every message the socket's callbacks get, in a channel, for as long as the
/// returned subscription lives.
fn subscribe(ws: &WebSocket) -> (Subscription, mpsc::UnboundedReceiver<Message>) {
    let (tx, received) = mpsc::unbounded();
    let subscription = ws.on_message(move |message| {
        let _ = tx.unbounded_send(message);
    });
    (subscription, received)
}

/// Texts with a character of `wide` at the start, in the middle and at the end of
/// `len` ASCII characters, and `wide` alone repeated (at most 4,096 times).
fn texts_around(wide: char, len: usize) -> Vec<String> {
    let ascii: String = (0..len)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let half = len / 2;
    vec![
        format!("{wide}{ascii}"),
        format!("{}{wide}{}", &ascii[..half], &ascii[half..]),
        format!("{ascii}{wide}"),
        std::iter::repeat_n(wide, len.clamp(1, 4096)).collect(),
    ]
}

#[wasm_bindgen_test]
async fn texts_of_every_character_width_arrive_whole_through_stream_and_callbacks() {
    let mut ws = echo().await;
    let (_subscription, mut from_callback) = subscribe(&ws);
    for wide in [
        '\u{7f}',
        '\u{80}',
        'é',
        '\u{7ff}',
        '\u{800}',
        '日',
        '\u{ffff}',
        '\u{10000}',
        '🌍',
        '\u{10ffff}',
    ] {
        for len in [0, 1, 2, 7, 1024, 1 << 20] {
            for text in texts_around(wide, len) {
                ws.send_text(&text).expect("send text");
                let described = format!("{} bytes around {wide:?}", text.len());
                match next(&mut ws).await {
                    Message::Text(echoed) => {
                        assert!(echoed == text, "{described} came back different")
                    }
                    other => panic!("{described}: expected text, got {other:?}"),
                }
                match wait("callback", from_callback.next()).await {
                    Some(Message::Text(called)) => {
                        assert!(called == text, "{described} reached the callback different")
                    }
                    other => panic!("{described}: the callback got {other:?}"),
                }
            }
        }
    }
}

#[wasm_bindgen_test]
async fn a_lone_surrogate_in_a_text_event_becomes_the_replacement_character() {
    let mut ws = echo().await;
    let (_subscription, mut from_callback) = subscribe(&ws);
    // Not from the network (a server's text is UTF-8), but a page can dispatch any
    // string: "a", a lone high surrogate, "b", a lone low surrogate.
    let text = js_sys::JsString::from_char_code(&[0x61, 0xd800, 0x62, 0xdc00]);
    dispatch_message_value(ws.as_raw(), &text);
    let expected = Message::text("a\u{fffd}b\u{fffd}");
    assert_eq!(next(&mut ws).await, expected);
    assert_eq!(wait("callback", from_callback.next()).await, Some(expected));
}

#[wasm_bindgen_test]
async fn binary_round_trips_byte_for_byte() {
    let mut ws = echo().await;
    for len in [0, 1, 65_000, 16 << 20] {
        let bytes = pattern(len, 7);
        ws.send_bytes(&bytes).expect("send bytes");
        match next(&mut ws).await {
            Message::Binary(echoed) => {
                assert_eq!(echoed.len(), len);
                assert!(echoed == bytes, "{len} bytes came back different");
            }
            other => panic!("expected binary, got {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
async fn an_array_buffer_is_sent_whole() {
    let mut ws = echo().await;
    let bytes = pattern(1000, 3);
    let buffer: ArrayBuffer = Uint8Array::from(&bytes[..]).buffer();
    ws.send_array_buffer(&buffer).expect("send ArrayBuffer");
    assert_eq!(next(&mut ws).await, Message::Binary(bytes));
}

#[wasm_bindgen_test]
async fn a_view_sends_only_the_bytes_it_covers() {
    let mut ws = echo().await;
    let bytes = pattern(100, 9);
    let buffer = Uint8Array::from(&bytes[..]).buffer();
    let view = Uint8Array::new_with_byte_offset_and_length(&buffer, 10, 20);
    ws.send_view(&view).expect("send a Uint8Array view");
    assert_eq!(next(&mut ws).await, Message::binary(&bytes[10..30]));

    let data_view = DataView::new(&buffer, 50, 7);
    ws.send_view(&data_view).expect("send a DataView");
    assert_eq!(next(&mut ws).await, Message::binary(&bytes[50..57]));

    let words = js_sys::Uint32Array::new_with_byte_offset_and_length(&buffer, 4, 2);
    ws.send_view(&words).expect("send a Uint32Array view");
    assert_eq!(next(&mut ws).await, Message::binary(&bytes[4..12]));
}

#[wasm_bindgen_test]
async fn a_blob_is_sent_and_comes_back_as_bytes() {
    let mut ws = echo().await;
    let bytes = pattern(70_000, 5);
    ws.send_blob(&blob_of(&bytes)).expect("send Blob");
    assert_eq!(next(&mut ws).await, Message::Binary(bytes));
}

#[wasm_bindgen_test]
async fn blob_mode_hands_blobs_over_in_order() {
    let mut ws = common::echo_blob_mode().await;
    for i in 0..50u8 {
        ws.send_bytes(&pattern(usize::from(i) * 100, i))
            .expect("send");
        ws.send_text(&format!("t{i}")).expect("send");
    }
    for i in 0..50u8 {
        match next(&mut ws).await {
            Message::Blob(blob) => {
                let bytes = wait("read Blob", read_blob(&blob)).await.expect("read");
                assert_eq!(bytes, pattern(usize::from(i) * 100, i), "Blob {i}");
            }
            other => panic!("expected a Blob, got {other:?}"),
        }
        assert_eq!(next(&mut ws).await, Message::text(format!("t{i}")));
    }
}

#[wasm_bindgen_test]
async fn ten_thousand_mixed_messages_arrive_complete_and_in_order() {
    let mut ws = echo().await;
    let count = 10_000u32;
    for i in 0..count {
        match i % 3 {
            0 => ws.send_text(&i.to_string()).expect("send text"),
            1 => ws.send_bytes(&i.to_le_bytes()).expect("send bytes"),
            _ => ws.send_blob(&blob_of(&i.to_be_bytes())).expect("send blob"),
        }
    }
    for i in 0..count {
        let expected = match i % 3 {
            0 => Message::Text(i.to_string()),
            1 => Message::binary(i.to_le_bytes()),
            _ => Message::binary(i.to_be_bytes()),
        };
        assert_eq!(next(&mut ws).await, expected, "message {i}");
    }
}

#[wasm_bindgen_test]
async fn send_message_sends_every_kind() {
    let mut ws = echo().await;
    let messages = [
        Message::text("text"),
        Message::binary([1, 2, 3]),
        Message::Blob(blob_of(&[4, 5])),
    ];
    for message in &messages {
        ws.send_message(message).expect("send_message");
    }
    assert_eq!(next(&mut ws).await, Message::text("text"));
    assert_eq!(next(&mut ws).await, Message::binary([1, 2, 3]));
    assert_eq!(next(&mut ws).await, Message::binary([4, 5]));
    let blob = Message::from(blob_of(&[6]));
    assert_eq!(wait("into_bytes", blob.into_bytes()).await, Ok(vec![6]));
}

#[wasm_bindgen_test]
async fn the_sink_and_stream_carry_messages() {
    let mut ws = echo().await;
    wait("sink send", ws.send(Message::text("one")))
        .await
        .expect("send");
    let mut batch = futures::stream::iter([Message::text("two"), Message::binary([2])].map(Ok));
    wait("send_all", ws.send_all(&mut batch))
        .await
        .expect("send_all");
    let got: Vec<_> = wait("take 3", (&mut ws).take(3).collect::<Vec<_>>()).await;
    assert_eq!(
        got,
        vec![
            Ok(Message::text("one")),
            Ok(Message::text("two")),
            Ok(Message::binary([2]))
        ]
    );
    wait("sink close", SinkExt::close(&mut ws))
        .await
        .expect("close through the Sink");
    assert_eq!(ws.closed().await.code, 1000);
    assert_eq!(wait("end", ws.next()).await, None);
}

#[wasm_bindgen_test]
async fn a_split_sender_sends_and_closes_and_the_receiver_ends() {
    let (tx, mut rx) = echo().await.split();
    let other = tx.clone();
    tx.send_text("from the first sender").expect("send");
    other.send_bytes(b"from the clone").expect("send");
    assert_eq!(next(&mut rx).await, Message::text("from the first sender"));
    assert_eq!(next(&mut rx).await, Message::binary(*b"from the clone"));
    drop(tx);
    other.close_with(4321u16, "split close").expect("close");
    assert_eq!(wait("end of stream", rx.next()).await, None);
    let event = wait("closed", other.closed()).await;
    assert_eq!(
        (event.code, event.reason.as_str(), event.was_clean),
        (4321, "split close", true)
    );
}

#[wasm_bindgen_test]
async fn callbacks_see_the_same_messages_in_the_same_order() {
    let mut ws = echo().await;
    let (subscription, mut from_callback) = subscribe(&ws);
    for i in 0..100u32 {
        if i % 2 == 0 {
            ws.send_text(&i.to_string()).expect("send");
        } else {
            ws.send_bytes(&i.to_le_bytes()).expect("send");
        }
    }
    for _ in 0..100 {
        let streamed = next(&mut ws).await;
        let called = wait("callback", from_callback.next())
            .await
            .expect("callback");
        assert_eq!(streamed, called);
    }
    drop(subscription);
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export function spy_on_listeners(socket) {
  const registered = {};
  const add = socket.addEventListener;
  const remove = socket.removeEventListener;
  socket.addEventListener = function (type, listener, options) {
    (registered[type] ??= new Set()).add(listener);
    return add.call(this, type, listener, options);
  };
  socket.removeEventListener = function (type, listener, options) {
    registered[type]?.delete(listener);
    return remove.call(this, type, listener, options);
  };
  socket.__registered = registered;
  if (globalThis.__listenerErrors === undefined) {
    globalThis.__listenerErrors = [];
    addEventListener("error", (event) => globalThis.__listenerErrors.push(String(event.message)));
  }
}
export function registered_since_spy(socket, type) {
  return socket.__registered[type]?.size ?? 0;
}
export function dispatch_message(socket, data) {
  socket.dispatchEvent(new MessageEvent("message", { data }));
}
export function listener_errors() { return globalThis.__listenerErrors.join("; "); }
"#)]
extern "C" {
    fn spy_on_listeners(socket: &web_sys::WebSocket);
    fn registered_since_spy(socket: &web_sys::WebSocket, kind: &str) -> u32;
    fn dispatch_message(socket: &web_sys::WebSocket, data: &str);
    #[wasm_bindgen(js_name = dispatch_message)]
    fn dispatch_message_value(socket: &web_sys::WebSocket, data: &wasm_bindgen::JsValue);
    fn listener_errors() -> String;
}

#[wasm_bindgen_test]
async fn a_dropped_subscription_is_never_called() {
    let mut ws = echo().await;
    // Every listener added to the browser's socket from now on is tracked, so a
    // listener left registered (with its closure freed or not) shows.
    spy_on_listeners(ws.as_raw());
    let calls = Rc::new(RefCell::new(0));
    let counted = Rc::clone(&calls);
    let subscription = ws.on_message(move |_| *counted.borrow_mut() += 1);
    assert_eq!(registered_since_spy(ws.as_raw(), "message"), 1);
    ws.send_text("before the drop").expect("send");
    drop(subscription);
    assert_eq!(
        registered_since_spy(ws.as_raw(), "message"),
        0,
        "the dropped subscription's listener is still registered"
    );
    ws.send_text("after the drop").expect("send");
    next(&mut ws).await;
    next(&mut ws).await;
    // A message event now reaches the socket's remaining listener (the stream's),
    // and nothing else: a freed closure still registered would throw here.
    dispatch_message(ws.as_raw(), "synthetic");
    assert_eq!(next(&mut ws).await, Message::text("synthetic"));
    assert_eq!(*calls.borrow(), 0);
    assert_eq!(listener_errors(), "", "a listener threw");
}

#[wasm_bindgen_test]
async fn callbacks_alone_work_after_the_receiver_is_dropped() {
    let (tx, rx) = echo().await.split();
    drop(rx);
    let (send, mut received) = mpsc::unbounded();
    let _subscription = tx.on_message(move |message| {
        let _ = send.unbounded_send(message);
    });
    tx.send_text("only callbacks").expect("send");
    let message = wait("callback", received.next()).await;
    assert_eq!(message, Some(Message::text("only callbacks")));
}

#[wasm_bindgen_test]
async fn a_buffered_amount_limit_refuses_sends_once_reached() {
    let mut ws = wait(
        "connect with a buffer limit",
        WebSocket::builder(url("/echo"))
            .max_buffered_amount(Some(1024))
            .connect(),
    )
    .await
    .expect("connect");
    // The first send is accepted (nothing is buffered yet) and fills the buffer.
    ws.send_bytes(&pattern(4 << 20, 1)).expect("first send");
    match ws.send_text("one too many") {
        Err(wasm_websocket::Error::BufferFull { buffered, limit }) => {
            assert_eq!(limit, 1024);
            assert!(buffered >= 1024, "{buffered}");
        }
        other => panic!("expected BufferFull, got {other:?}"),
    }
    assert_eq!(
        next(&mut ws).await.as_bytes().map(<[u8]>::len),
        Some(4 << 20)
    );
    // Once the buffer has drained, sends are accepted again.
    ws.send_text("after draining")
        .expect("send after the buffer drained");
    assert_eq!(next(&mut ws).await, Message::text("after draining"));
}
