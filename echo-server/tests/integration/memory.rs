//! What clients can make the server hold, measured as the resident memory of the
//! real executable (`VmRSS` of `/proc/PID/status`, sampled every 20 ms):
//!
//! - 20,000 requests for distinct 4 KiB paths (80 MB of paths) leave it where it
//!   was: only the routed paths are counted
//! - 8 clients that send messages as large as allowed (4 MiB by default) and never
//!   read: the server holds at most about three messages for each, the clients are
//!   dropped after the idle timeout, and a reader is served afterwards
//! - 8 clients that announce a 64 MiB frame get 1009 without the server
//!   allocating for it
#![cfg(target_os = "linux")]

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

use crate::{
    binary::{send_signal, spawn},
    common::{assert_echo, pattern, raw_exchange, raw_handshake, within},
};

const MIB: usize = 1 << 20;

/// The resident memory of process `pid`, in bytes.
fn resident(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    let kib: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line");
    kib * 1024
}

/// Samples the resident memory of `pid` until stopped; yields the peak.
struct Peak {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Peak {
    fn watch(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicUsize::new(resident(pid)));
        let task = tokio::spawn({
            let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
            async move {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(resident(pid), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
        Self { stop, peak, task }
    }

    async fn finish(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        within("sampler", self.task).await.expect("sampler task");
        self.peak.load(Ordering::Relaxed)
    }
}

fn socket_addr(url: &str) -> SocketAddr {
    url.trim_start_matches("ws://").parse().expect("address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_request_paths_cost_no_memory() {
    let (child, _stdout, url) = spawn(&["--port", "0"]).await;
    let pid = child.id().expect("running");
    let addr = socket_addr(&url);
    let filler = "p".repeat(4096);
    let batch = |first: usize| {
        let mut request = String::new();
        for i in first..first + 200 {
            request.push_str(&format!(
                "GET /{i}{filler} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
            ));
        }
        request.push_str(&format!(
            "GET /end HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        ));
        request.into_bytes()
    };
    // Warm up the allocator and the runtime with the same traffic.
    raw_exchange(addr, &batch(1_000_000)).await;
    let before = resident(pid);
    let peak = Peak::watch(pid);
    for round in 0..10 {
        let senders: Vec<_> = (0..10)
            .map(|k| {
                let request = batch((round * 10 + k) * 200);
                tokio::spawn(async move { raw_exchange(addr, &request).await })
            })
            .collect();
        for sender in senders {
            let answers = within("a batch", sender).await.expect("sender");
            let text = String::from_utf8_lossy(&answers);
            assert_eq!(text.matches("HTTP/1.1 404").count(), 201);
        }
    }
    let grown = peak.finish().await.saturating_sub(before);
    assert!(
        grown < 16 * MIB,
        "80 MB of distinct paths grew the server by {} KiB",
        grown / 1024
    );
    send_signal(&child, "-TERM");
}

/// A masked binary frame header announcing `len` bytes (mask 0: the payload is sent
/// as is).
fn frame_header(len: usize) -> Vec<u8> {
    let mut header = vec![0x82, 0xff];
    header.extend_from_slice(&(len as u64).to_be_bytes());
    header.extend_from_slice(&[0, 0, 0, 0]);
    header
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_do_not_read_hold_a_bounded_amount() {
    const CLIENTS: usize = 8;
    let (mut child, _stdout, url) = spawn(&["--port", "0", "--idle-timeout", "3s"]).await;
    let pid = child.id().expect("running");
    let addr = socket_addr(&url);
    let before = resident(pid);
    let peak = Peak::watch(pid);

    let mut frame = frame_header(4 * MIB);
    frame.extend_from_slice(&pattern(4 * MIB));
    let frame = Arc::new(frame);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let frame = Arc::clone(&frame);
            tokio::spawn(async move {
                let (mut tcp, response) = raw_handshake(addr, "/echo", &[]).await;
                assert_eq!(response.status, 101);
                let mut written = 0_usize;
                // Until the server stops taking them (it waits for us to read).
                while let Ok(Ok(())) =
                    tokio::time::timeout(Duration::from_millis(500), tcp.write_all(&frame)).await
                {
                    written += frame.len();
                    assert!(
                        written < 1 << 30,
                        "the server took 1 GiB without being read"
                    );
                }
                (tcp, written)
            })
        })
        .collect();
    let mut stalled = Vec::new();
    let mut pushed = 0;
    for client in clients {
        let (tcp, written) = within("a client stalls", client).await.expect("client");
        pushed += written;
        stalled.push(tcp);
    }
    let grown = peak.finish().await.saturating_sub(before);
    let bound = CLIENTS * 3 * 4 * MIB + 32 * MIB;
    assert!(
        grown < bound,
        "{CLIENTS} clients that do not read (having sent {} MiB) grew the server by {} MiB",
        pushed / MIB,
        grown / MIB
    );
    // After the idle timeout they are dropped...
    for mut tcp in stalled {
        let mut sink = vec![0_u8; 1 << 16];
        within("a stalled client is dropped", async {
            while matches!(tcp.read(&mut sink).await, Ok(n) if n > 0) {}
        })
        .await;
    }
    // ...and a reader is served.
    let (mut ws, _) = within("connect", connect_async(format!("{url}/echo")))
        .await
        .expect("handshake");
    assert_echo(&mut ws, Message::binary(pattern(4 * MIB))).await;
    send_signal(&child, "-TERM");
    let status = within("exit", child.wait()).await.expect("wait");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_huge_frame_is_refused_before_it_is_read() {
    const CLIENTS: usize = 8;
    let (child, _stdout, url) = spawn(&["--port", "0"]).await;
    let pid = child.id().expect("running");
    let addr = socket_addr(&url);
    let before = resident(pid);
    let peak = Peak::watch(pid);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let (mut tcp, response) = raw_handshake(addr, "/echo", &[]).await;
                assert_eq!(response.status, 101);
                tcp.write_all(&frame_header(64 * MIB))
                    .await
                    .expect("header");
                // Some of the payload, as a slow sender would.
                let _ = tcp.write_all(&vec![0x55; MIB]).await;
                let mut head = [0_u8; 4];
                within("a close frame", tcp.read_exact(&mut head))
                    .await
                    .expect("read");
                // FIN + close opcode, 2-byte payload length, code 1009.
                assert_eq!(head, [0x88, head[1], 0x03, 0xf1], "{head:?}");
            })
        })
        .collect();
    for client in clients {
        within("client", client).await.expect("client");
    }
    let grown = peak.finish().await.saturating_sub(before);
    assert!(grown < 16 * MIB, "grew by {} MiB", grown / MIB);
    let mut tcp = TcpStream::connect(addr).await.expect("still listening");
    tcp.write_all(b"x").await.expect("write");
    send_signal(&child, "-TERM");
}
