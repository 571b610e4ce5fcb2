//! The `echo-server` executable: prints its address, serves, stops on signals.
#![cfg(unix)]

use std::process::Stdio;

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, BufReader},
    process::{Child, ChildStdout, Command},
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

use crate::common::{assert_echo, within};

/// Spawns the binary with `args` and reads its `listening on` line.
async fn spawn(args: &[&str]) -> (Child, BufReader<ChildStdout>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_echo-server"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn echo-server");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    within("listening line", stdout.read_line(&mut line))
        .await
        .expect("read stdout");
    let url = line
        .strip_suffix('\n')
        .and_then(|l| l.strip_prefix("listening on "))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let port: u16 = url
        .strip_prefix("ws://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected url {url:?}"));
    assert_ne!(port, 0);
    (child, stdout, url)
}

fn send_signal(child: &Child, signal: &str) {
    let pid = child.id().expect("child is running");
    let status = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

async fn echo_then_stop_with(signal: &str) {
    let (mut child, mut stdout, url) = spawn(&["--port", "0"]).await;
    let (mut ws, _) = within("connect", connect_async(format!("{url}/echo")))
        .await
        .expect("handshake");
    assert_echo(&mut ws, Message::text("hello binary")).await;
    assert_echo(&mut ws, Message::binary(vec![1, 2, 3])).await;

    send_signal(&child, signal);
    let status = within("exit", child.wait()).await.expect("wait");
    assert!(status.success(), "exit status {status:?} after {signal}");

    let mut rest = String::new();
    within("rest of stdout", stdout.read_to_string(&mut rest))
        .await
        .expect("read stdout");
    assert_eq!(rest, "", "only one line on stdout");
}

#[tokio::test]
async fn binary_serves_and_exits_cleanly_on_sigterm() {
    echo_then_stop_with("-TERM").await;
}

#[tokio::test]
async fn binary_exits_cleanly_on_sigint() {
    echo_then_stop_with("-INT").await;
}

#[tokio::test]
async fn binary_honours_its_flags() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<p>hi</p>").expect("write index");
    let www = dir.path().to_str().expect("UTF-8 temp path");
    let (mut child, _stdout, url) = spawn(&[
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--max-message-size",
        "1KiB",
        "--www",
        www,
    ])
    .await;
    let (mut ws, _) = within("connect", connect_async(format!("{url}/echo")))
        .await
        .expect("handshake");
    assert_echo(&mut ws, Message::binary(vec![7; 1024])).await;
    crate::common::send(&mut ws, Message::binary(vec![7; 1025])).await;
    match crate::common::expect_close(&mut ws).await {
        Some(frame) => assert_eq!(u16::from(frame.code), 1009),
        None => panic!("expected code 1009"),
    }
    let addr = url
        .trim_start_matches("ws://")
        .parse()
        .expect("socket address");
    let index = crate::common::http_get(addr, "/").await;
    assert_eq!(index.status, 200);
    assert_eq!(index.body, b"<p>hi</p>");
    send_signal(&child, "-TERM");
    let status = within("exit", child.wait()).await.expect("wait");
    assert!(status.success());
}

#[tokio::test]
async fn binary_fails_on_a_bad_www_folder() {
    let output = within(
        "run",
        Command::new(env!("CARGO_BIN_EXE_echo-server"))
            .args(["--port", "0", "--www", "/definitely/not/here"])
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .expect("run echo-server");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(!output.stderr.is_empty());
}
