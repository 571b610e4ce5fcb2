//! A minimal static file server whose responses the browser may keep in its
//! back/forward cache: the echo server marks every static file `no-store` (right for
//! the demo, which must never be stale), and Chromium keeps no page served so in the
//! cache (`response-cache-control-no-store`). Loopback only, GET only, files under
//! its folder only; one request per connection.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The most bytes of a request head read.
const MAX_HEAD: usize = 16 * 1024;

/// A running server; stopped when dropped.
#[derive(Debug)]
pub struct CacheableServer {
    /// Where it listens.
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl CacheableServer {
    /// Serves `dir` on a free loopback port.
    ///
    /// # Errors
    /// If no port can be bound.
    pub async fn start(dir: PathBuf) -> Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .context("binding a port for the static server")?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let dir = dir.clone();
                tokio::spawn(async move {
                    let _ = answer(stream, &dir).await;
                });
            }
        });
        Ok(Self { addr, task })
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for CacheableServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let file = match (words.next(), words.next()) {
        (Some("GET"), Some(target)) => file_of(dir, target),
        _ => None,
    };
    let response = match file.and_then(|file| Some((std::fs::read(&file).ok()?, file))) {
        Some((body, file)) => {
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
                 Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
                content_type(&file),
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(&body);
            response
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    stream.write_all(&response).await?;
    stream.shutdown().await
}

/// The file a request target names: under `dir`, without its query, `/` meaning
/// `index.html`; `None` for anything that would leave `dir`.
fn file_of(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let relative = Path::new(path);
    if !relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
    {
        return None;
    }
    Some(dir.join(relative))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
