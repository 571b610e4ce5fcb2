//! Subprotocol negotiation: the client's first known offer wins.

use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
};

use crate::common::{assert_echo, raw_handshake, start, url, within};

async fn selected(extra: &[&str]) -> Option<String> {
    let server = start().await;
    let (_tcp, response) = raw_handshake(server.local_addr(), "/echo", extra).await;
    assert_eq!(
        response.status, 101,
        "handshake succeeds even without a match"
    );
    assert_eq!(
        response.header("sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "accept key per RFC 6455"
    );
    response.header("sec-websocket-protocol").map(str::to_owned)
}

#[tokio::test]
async fn first_offered_known_protocol_wins() {
    assert_eq!(
        selected(&["Sec-WebSocket-Protocol: chat, echo"])
            .await
            .as_deref(),
        Some("chat")
    );
    assert_eq!(
        selected(&["Sec-WebSocket-Protocol: echo, chat"])
            .await
            .as_deref(),
        Some("echo")
    );
    assert_eq!(
        selected(&[
            "Sec-WebSocket-Protocol: foo, echo",
            "Sec-WebSocket-Protocol: chat"
        ])
        .await
        .as_deref(),
        Some("echo")
    );
}

#[tokio::test]
async fn unknown_or_missing_offers_select_none() {
    assert_eq!(selected(&["Sec-WebSocket-Protocol: foo"]).await, None);
    assert_eq!(selected(&["Sec-WebSocket-Protocol: foo, bar"]).await, None);
    assert_eq!(selected(&[]).await, None);
}

#[tokio::test]
async fn a_real_client_gets_its_first_choice_and_echoes() {
    let server = start().await;
    let mut request = url(&server, "/echo")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("chat, echo"),
    );
    let (mut ws, response) = within("connect", connect_async(request))
        .await
        .expect("handshake");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("chat")
    );
    assert_echo(&mut ws, Message::text("over chat")).await;
}
