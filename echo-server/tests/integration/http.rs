//! Plain HTTP: refusals, 404, and static files with their MIME types.

use std::fs;

use echo_server::Config;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::common::{assert_echo, config, connect, http_get, start, start_with, url, within};

async fn refused_status(server: &echo_server::Server, path: &str) -> u16 {
    match within(
        "connect",
        tokio_tungstenite::connect_async(url(server, path)),
    )
    .await
    {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected {path} to refuse the upgrade"),
    }
}

#[tokio::test]
async fn reject_refuses_with_403() {
    let server = start().await;
    assert_eq!(refused_status(&server, "/reject").await, 403);
    assert_eq!(http_get(server.local_addr(), "/reject").await.status, 403);
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let server = start().await;
    assert_eq!(refused_status(&server, "/nope").await, 404);
    assert_eq!(refused_status(&server, "/echo/extra").await, 404);
    assert_eq!(http_get(server.local_addr(), "/").await.status, 404);
    assert_eq!(
        http_get(server.local_addr(), "/index.html").await.status,
        404
    );
}

#[tokio::test]
async fn a_plain_request_to_a_websocket_path_is_refused() {
    let server = start().await;
    for path in [
        "/echo",
        "/close",
        "/abrupt?after=1",
        "/slow?ms=10",
        "/silent",
    ] {
        let response = http_get(server.local_addr(), path).await;
        assert_eq!(response.status, 426, "{path}");
        assert_eq!(response.header("upgrade"), Some("websocket"));
    }
    // The server is still fine.
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still here")).await;
}

#[tokio::test]
async fn serves_static_files_with_mime_types() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir(root.join("pkg")).expect("mkdir");
    let wasm: &[u8] = b"\0asm\x01\0\0\0";
    let png: &[u8] = b"\x89PNG\r\n\x1a\n";
    let files: [(&str, &[u8], &str); 7] = [
        (
            "index.html",
            b"<!doctype html><h1>echo \xe2\x9c\x93</h1>",
            "text/html",
        ),
        ("app.js", b"console.log('js');", "text/javascript"),
        ("pkg/module.mjs", b"export const x = 1;", "text/javascript"),
        ("pkg/app_bg.wasm", wasm, "application/wasm"),
        ("style.css", b"body { color: red }", "text/css"),
        ("logo.png", png, "image/png"),
        ("data.json", b"{\"ok\":true}", "application/json"),
    ];
    for (name, body, _) in &files {
        fs::write(root.join(name), body).expect("write file");
    }
    let server = start_with(Config {
        www: Some(root.to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();

    for (name, body, mime) in &files {
        let response = http_get(addr, &format!("/{name}")).await;
        assert_eq!(response.status, 200, "/{name}");
        let content_type = response.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with(mime),
            "/{name}: content-type {content_type:?}, expected {mime}"
        );
        assert_eq!(&response.body[..], *body, "/{name}");
    }

    let index = http_get(addr, "/").await;
    assert_eq!(index.status, 200);
    assert!(index
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert_eq!(&index.body[..], files[0].1);

    assert_eq!(http_get(addr, "/missing.txt").await.status, 404);
    assert_eq!(http_get(addr, "/../etc/passwd").await.status, 404);

    // WebSocket paths win over files.
    fs::write(root.join("echo"), b"a file named echo").expect("write file");
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("paths first")).await;
    assert_eq!(http_get(addr, "/echo").await.status, 426);
    assert_eq!(http_get(addr, "/reject").await.status, 403);
}

#[tokio::test]
async fn image_png_is_a_png_without_cors_headers() {
    let server = start().await;
    let response = http_get(server.local_addr(), "/image.png").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("image/png"));
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(
        response.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert_eq!(response.body, echo_server::IMAGE_PNG);
    assert!(response.body.starts_with(b"\x89PNG\r\n\x1a\n"));
}
