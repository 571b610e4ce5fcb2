//! The `echo-server` executable:
//!
//! - prints its address, serves, stops cleanly on SIGTERM, SIGINT and SIGHUP
//! - honours its flags; fails on a bad `--www`; `--help` documents every limit
//! - refuses a `--host` that is not loopback (`0.0.0.0`) with a message naming
//!   `--allow-remote`, and `--admin` on such a host even with `--allow-remote`;
//!   with `--allow-remote` it serves there and warns on stderr
//! - exits non-zero when another process takes its port during an outage
//! - with `--exit-with-parent`, stops when its parent dies, by SIGTERM, SIGHUP or
//!   SIGKILL (what xtask starts it with); without the flag it outlives the parent
#![cfg(unix)]

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, BufReader},
    process::{Child, ChildStdout, Command},
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

use crate::common::{assert_echo, within};

/// Spawns the binary with `args` and reads its `listening on` line.
pub async fn spawn(args: &[&str]) -> (Child, BufReader<ChildStdout>, String) {
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
    // With --tls-port, ` wss://127.0.0.1:TLS_PORT` follows.
    let port: u16 = url
        .split(' ')
        .next()
        .and_then(|ws| ws.strip_prefix("ws://127.0.0.1:"))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected url {url:?}"));
    assert_ne!(port, 0);
    (child, stdout, url)
}

pub fn send_signal(child: &Child, signal: &str) {
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
async fn binary_exits_cleanly_on_sighup() {
    echo_then_stop_with("-HUP").await;
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
        "--max-connections",
        "8",
        "--header-timeout",
        "5s",
        "--idle-timeout",
        "30s",
        "--www",
        www,
        "--admin",
        "--admin-origin",
        "http://127.0.0.1:9",
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
    let (mut admin, _) = within(
        "connect",
        connect_async(format!("{url}/admin/requests?path=/echo")),
    )
    .await
    .expect("admin handshake");
    assert_eq!(
        crate::common::next_message(&mut admin).await,
        Message::text("1")
    );
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

#[tokio::test]
async fn binary_fails_on_bad_limits_and_origins() {
    for args in [
        &["--idle-timeout", "0s"][..],
        &["--header-timeout", "soon"][..],
        &["--max-message-size", "lots"][..],
        &["--max-connections", "0"][..],
        &["--admin-origin", "http://127.0.0.1:9"][..],
        &["--admin", "--admin-origin", "127.0.0.1:9"][..],
    ] {
        let output = within(
            "run",
            Command::new(env!("CARGO_BIN_EXE_echo-server"))
                .args(["--port", "0"])
                .args(args)
                .stdin(Stdio::null())
                .output(),
        )
        .await
        .expect("run echo-server");
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[tokio::test]
async fn binary_refuses_a_host_that_is_not_loopback() {
    for (args, needle) in [
        (&["--host", "0.0.0.0"][..], "--allow-remote"),
        (&["--host", "::"][..], "--allow-remote"),
        (
            &["--host", "0.0.0.0", "--allow-remote", "--admin"][..],
            "--admin",
        ),
    ] {
        let output = within(
            "run",
            Command::new(env!("CARGO_BIN_EXE_echo-server"))
                .args(["--port", "0"])
                .args(args)
                .stdin(Stdio::null())
                .output(),
        )
        .await
        .expect("run echo-server");
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("not a loopback address"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn binary_with_allow_remote_serves_and_warns() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_echo-server"))
        .args(["--port", "0", "--host", "0.0.0.0", "--allow-remote"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn echo-server");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    within("listening line", stdout.read_line(&mut line))
        .await
        .expect("read stdout");
    let port = line
        .trim_end()
        .strip_prefix("listening on ws://0.0.0.0:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
    let mut warning = String::new();
    within("warning line", stderr.read_line(&mut warning))
        .await
        .expect("read stderr");
    assert!(warning.contains("warning"), "{warning}");
    assert!(warning.contains("every machine"), "{warning}");
    let (mut ws, _) = within(
        "connect",
        connect_async(format!("ws://127.0.0.1:{port}/echo")),
    )
    .await
    .expect("handshake");
    assert_echo(&mut ws, Message::text("over loopback still")).await;
    send_signal(&child, "-TERM");
    let status = within("exit", child.wait()).await.expect("wait");
    assert!(status.success());
}

#[tokio::test]
async fn help_documents_the_limits_and_flags() {
    let output = within(
        "run",
        Command::new(env!("CARGO_BIN_EXE_echo-server"))
            .arg("--help")
            .output(),
    )
    .await
    .expect("run echo-server --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.lines().any(|line| line.trim() == "--admin"), "{help}");
    for needle in [
        "--host",
        "--max-message-size",
        "[default: 4MiB]",
        "--max-connections",
        "[default: 64]",
        "--header-timeout",
        "[default: 10s]",
        "--idle-timeout",
        "[default: 60s]",
        "--admin-origin",
        "--exit-with-parent",
        "--allow-remote",
        "every machine",
        "--tls-port",
        "self-signed",
        "acceptInsecureCerts",
        "/admin/outage",
        "403",
        "503",
        "1009",
        "nosniff",
        "frame-ancestors",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
}

/// Waits until `port` on 127.0.0.1 can be bound (the server's listener closed), then
/// holds it.
async fn take_port(port: u16) -> std::net::TcpListener {
    within("the port is free", async {
        loop {
            if let Ok(listener) = std::net::TcpListener::bind(("127.0.0.1", port)) {
                return listener;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
}

#[tokio::test]
async fn binary_exits_non_zero_when_its_port_is_taken_during_an_outage() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_echo-server"))
        .args(["--port", "0", "--admin"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn echo-server");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    within("listening line", stdout.read_line(&mut line))
        .await
        .expect("read stdout");
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_owned();
    let port: u16 = url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    let (mut admin, _) = within(
        "connect",
        connect_async(format!("{url}/admin/outage?ms=500")),
    )
    .await
    .expect("admin handshake");
    assert_eq!(
        crate::common::next_message(&mut admin).await,
        Message::text("outage of 500 ms")
    );
    let _taken = take_port(port).await;
    let status = within("exit", child.wait()).await.expect("wait");
    assert_eq!(status.code(), Some(1), "{status:?}");
    let mut stderr = String::new();
    let mut pipe = child.stderr.take().expect("piped stderr");
    within("stderr", pipe.read_to_string(&mut stderr))
        .await
        .expect("read stderr");
    assert!(stderr.contains("again after an outage"), "{stderr}");
}

/// Whether process `pid` is gone (or a zombie waiting for init to reap it).
#[cfg(target_os = "linux")]
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // "PID (comm) STATE ...": the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

/// Starts `sh` as an xtask-like parent of `echo-server ARGS`, kills the parent with
/// `signal`, and tells whether the server is gone within a few seconds; a server
/// still running is stopped.
#[cfg(target_os = "linux")]
async fn server_dies_with_its_parent(signal: &str, args: &str) -> bool {
    let script = format!("\"$0\" --port 0 {args} & echo \"pid $!\"; wait");
    let mut parent = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_echo-server")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn sh");
    let mut stdout = BufReader::new(parent.stdout.take().expect("piped stdout"));
    let (mut server, mut url) = (None, None);
    while server.is_none() || url.is_none() {
        let mut line = String::new();
        within("the parent's output", stdout.read_line(&mut line))
            .await
            .expect("read stdout");
        assert!(!line.is_empty(), "the parent's output ended");
        if let Some(pid) = line.trim().strip_prefix("pid ") {
            server = Some(pid.parse::<u32>().expect("a pid"));
        } else if let Some(found) = line.trim().strip_prefix("listening on ") {
            url = Some(found.to_owned());
        }
    }
    let (server, url) = (server.expect("pid"), url.expect("url"));
    let (mut ws, _) = within("connect", connect_async(format!("{url}/echo")))
        .await
        .expect("handshake");
    assert_echo(&mut ws, Message::text("before the parent dies")).await;

    send_signal(&parent, signal);
    within("the parent dies", parent.wait())
        .await
        .expect("wait");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !gone(server) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let died = gone(server);
    if !died {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &server.to_string()])
            .status();
    }
    died
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn with_exit_with_parent_the_server_dies_with_its_parent() {
    for signal in ["-TERM", "-HUP", "-KILL"] {
        assert!(
            server_dies_with_its_parent(signal, "--exit-with-parent").await,
            "the server outlived a parent killed with {signal}"
        );
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn without_exit_with_parent_the_server_outlives_its_parent() {
    assert!(
        !server_dies_with_its_parent("-KILL", "").await,
        "the server died with its parent without --exit-with-parent"
    );
}
