//! Network awareness and the back/forward cache of the reconnecting socket, end to
//! end in a real headless Chromium driven through chromedriver: what the wasm tests
//! (tests/network.rs) do with dispatched events, done here by the browser itself.
//!
//! The page (`tests/e2e/network/`) opens a `ReconnectingSocket` (the JS package, as
//! `cargo xtask pack` builds it) to the echo server that serves it, with the default
//! options, and records its events.
//!
//! - offline through DevTools' network emulation (chromedriver's
//!   `goog/cdp/execute`: `Network.emulateNetworkConditions`): the page sees
//!   `navigator.onLine` false and the `offline` event; the connection is lost (the
//!   server drops it); the socket says `offline` and makes no attempt while the
//!   emulation lasts (the server counts none); back online, it reconnects within
//!   100 ms of the `online` event (the page's clock), with one attempt
//! - the back/forward cache, by a real navigation away and back: on `pagehide`
//!   (persisted) the socket closes, and a message the page sends in its own
//!   `pagehide` listener waits in the outbox; the test reads `pageshow.persisted` and
//!   the navigation's `notRestoredReasons` and says what Chromium did: restored from
//!   the cache (then the socket reconnected at once and the waiting message was
//!   echoed, in order), or not (then the reasons Chromium gives must not name the
//!   WebSocket: the page was eligible as far as the socket is concerned)
//! - no uncaught error and no CSP violation in the page throughout
//!
//! # Running it by hand
//!
//! From the repository root, after `cargo xtask pack` (`cargo xtask test` does it):
//!
//! ```sh
//! cargo test -p demo-e2e --test network -- --nocapture
//! ```
//!
//! Each test stages the page and the package under `target/e2e-network/` and serves
//! them from an echo server started in-process on a free port. `CHROMEDRIVER` and
//! `CHROME_BIN` choose the driver and browser, as for the demo's test.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, ensure, Context as _, Result};
use demo_e2e::cacheable::CacheableServer;
use demo_e2e::{
    built_page, in_chromium, open, page_problems, repo_root, run_js, wait_for_js, within,
};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The page's files, from `tests/e2e/network/`.
const PAGE: [&str; 3] = ["index.html", "main.mjs", "away.html"];

/// Stages the page and the built `--target web` package in `target/e2e-network/<name>`.
fn stage(name: &str) -> Result<PathBuf> {
    let pkg = built_page(
        "target/pkg/web",
        "wasm_websocket.js",
        "run `cargo xtask pack` (cargo xtask test does)",
    )?;
    let root = repo_root();
    let dir = root.join("target/e2e-network").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).with_context(|| format!("creating {dir:?}"))?;
    for file in PAGE {
        copy(&root.join("tests/e2e/network").join(file), &dir.join(file))?;
    }
    for entry in std::fs::read_dir(&pkg)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            copy(&entry.path(), &dir.join("pkg").join(entry.file_name()))?;
        }
    }
    Ok(dir)
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).with_context(|| format!("copying {from:?} to {to:?}"))?;
    Ok(())
}

/// The page's static server and the echo server its socket talks to.
struct Servers {
    statics: CacheableServer,
    echo: echo_server::Server,
}

impl Servers {
    /// Serves the staged page `name` (see [`stage`]) from a [`CacheableServer`], and
    /// starts an echo server whose admin paths accept that page's origin.
    async fn start(name: &str) -> Result<Self> {
        let statics = CacheableServer::start(stage(name)?).await?;
        let echo = within(
            "start the echo server",
            Duration::from_secs(10),
            echo_server::serve(echo_server::Config {
                port: 0,
                admin: true,
                admin_origins: vec![statics.origin()],
                ..echo_server::Config::default()
            }),
        )
        .await??;
        Ok(Self { statics, echo })
    }

    /// The page, its socket to the echo server, with `query` added.
    fn page(&self, query: &str) -> String {
        format!(
            "{}/index.html?ws=ws://{}{query}",
            self.statics.origin(),
            self.echo.local_addr()
        )
    }

    /// Asks the echo server for an outage of `ms` (every connection dropped, the port
    /// closed meanwhile) by a handshake from outside the browser (no Origin), so that
    /// it works while the browser is offline.
    async fn outage(&self, ms: u32) -> Result<String> {
        let mut stream = TcpStream::connect(self.echo.local_addr()).await?;
        let request = format!(
            "GET /admin/outage?ms={ms} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n",
            self.echo.local_addr()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = vec![0; 1024];
        let n = within(
            "the outage's answer",
            Duration::from_secs(10),
            stream.read(&mut answer),
        )
        .await??;
        answer.truncate(n);
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }
}

/// A DevTools protocol command through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs a DevTools command, with a 10 s limit.
async fn cdp(client: &Client, cmd: &'static str, params: Value) -> Result<Value> {
    within(
        cmd,
        Duration::from_secs(10),
        client.issue_cmd(Cdp { cmd, params }),
    )
    .await?
    .with_context(|| format!("chromedriver refused {cmd} (goog/cdp/execute)"))
}

/// Emulates the network off (or back on) for the page.
async fn emulate_offline(client: &Client, offline: bool) -> Result<()> {
    cdp(
        client,
        "Network.emulateNetworkConditions",
        json!({
            "offline": offline,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        }),
    )
    .await?;
    Ok(())
}

/// The socket's events the page recorded.
async fn events(client: &Client) -> Result<Vec<Value>> {
    let events = run_js(client, "return window.__events;").await?;
    events
        .as_array()
        .cloned()
        .ok_or_else(|| anyhow!("no events recorded: {events}"))
}

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|event| event["type"].as_str().unwrap_or("?"))
        .collect()
}

/// Waits until the page has recorded an event of type `kind` after the first `from`.
async fn event_after(client: &Client, from: usize, kind: &str, limit: Duration) -> Result<Value> {
    let script = format!(
        "return window.__events.slice({from}).some((e) => e.type === {});",
        json!(kind)
    );
    wait_for_js(client, &script, &json!(true), limit)
        .await
        .with_context(|| format!("waiting for a {kind:?} event"))?;
    let all = events(client).await?;
    all.iter()
        .skip(from)
        .find(|event| event["type"] == kind)
        .cloned()
        .ok_or_else(|| anyhow!("no {kind} event"))
}

/// How many handshakes the server has counted for `/echo`, asked from the page.
async fn echo_requests(client: &Client) -> Result<u64> {
    let script = r"
const done = arguments[arguments.length - 1];
const ws = new WebSocket(`${window.__wsBase}/admin/requests?path=/echo`);
ws.onmessage = (event) => { done(String(event.data)); ws.close(); };
ws.onclose = (event) => done(`closed ${event.code}`);
";
    let answer = within(
        "ask /admin/requests",
        Duration::from_secs(10),
        client.execute_async(script, Vec::new()),
    )
    .await??;
    answer
        .as_str()
        .and_then(|count| count.parse().ok())
        .ok_or_else(|| anyhow!("/admin/requests answered {answer}"))
}

/// Waits for the socket's first `open` event.
async fn opened(client: &Client) -> Result<()> {
    wait_for_js(
        client,
        "return window.__events.some((e) => e.type === 'open');",
        &json!(true),
        Duration::from_secs(15),
    )
    .await
    .context("the socket did not open")
}

/// The page events (`pagehide`, `pageshow`, `online`, `offline`) the page recorded.
async fn page_events(client: &Client) -> Result<Vec<Value>> {
    let events = run_js(client, "return window.__pageEvents;").await?;
    events
        .as_array()
        .cloned()
        .ok_or_else(|| anyhow!("no page events recorded: {events}"))
}

/// The time (`at`, ms on the page's clock) of the last page event of `kind` that
/// `accept` takes.
fn last_at(events: &[Value], kind: &str, accept: impl Fn(&Value) -> bool) -> Option<f64> {
    events
        .iter()
        .rev()
        .find(|event| event["type"] == kind && accept(event))
        .and_then(|event| event["at"].as_f64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_through_network_emulation_makes_no_attempt_then_one_at_once() -> Result<()> {
    let servers = Servers::start("offline").await?;
    let servers_ref = &servers;
    let outcome = in_chromium(Duration::from_secs(60), |client| async move {
        offline(&client, servers_ref).await
    })
    .await;
    servers.echo.shutdown().await?;
    outcome
}

async fn offline(client: &Client, servers: &Servers) -> Result<()> {
    open(client, &servers.page("")).await?;
    opened(client).await?;
    let before = echo_requests(client).await?;
    let from = events(client).await?.len();

    emulate_offline(client, true).await?;
    let on_line = run_js(client, "return navigator.onLine;").await?;
    ensure!(
        on_line == json!(false),
        "navigator.onLine is {on_line} under the emulation"
    );
    let page = page_events(client).await?;
    ensure!(
        last_at(&page, "offline", |e| e["onLine"] == json!(false)).is_some(),
        "no offline event: {page:?}"
    );
    // The emulation leaves open connections alone: the server drops this one.
    let answer = servers.outage(300).await?;
    ensure!(
        answer.contains("outage of 300 ms"),
        "the outage: {answer:?}"
    );
    event_after(client, from, "offline", Duration::from_secs(5)).await?;
    // Well past the outage and the next delays: still no attempt.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = events(client).await?;
    ensure!(
        types(&during[from..]) == ["disconnected", "reconnecting", "offline"],
        "events while offline: {:?}",
        &during[from..]
    );

    emulate_offline(client, false).await?;
    let reconnected = event_after(client, from, "reconnected", Duration::from_secs(5)).await?;
    let page = page_events(client).await?;
    let online_at = last_at(&page, "online", |e| e["onLine"] == json!(true))
        .ok_or_else(|| anyhow!("no online event: {page:?}"))?;
    let took = reconnected["at"].as_f64().unwrap_or(f64::MAX) - online_at;
    ensure!(
        (0.0..=100.0).contains(&took),
        "reconnected {took} ms after the online event"
    );
    let attempts = echo_requests(client).await? - before;
    ensure!(
        attempts == 1,
        "{attempts} attempts reached the server, not 1"
    );
    println!(
        "offline (DevTools network emulation): no attempt while offline; reconnected \
         {took:.1} ms after `online`, with 1 attempt"
    );
    page_problems(client).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_back_forward_cache_by_a_real_navigation_away_and_back() -> Result<()> {
    let servers = Servers::start("bfcache").await?;
    let servers_ref = &servers;
    let outcome = in_chromium(Duration::from_secs(60), |client| async move {
        bfcache(&client, servers_ref).await?;
        without_the_option(&client, servers_ref).await
    })
    .await;
    servers.echo.shutdown().await?;
    outcome
}

/// What the page holds after a navigation away and back.
struct Back {
    /// Whether the page came back from the cache (`pageshow` with `persisted`, and
    /// the script's state kept), rather than being loaded again.
    restored: bool,
    state: Value,
}

/// Opens the page with `query`, waits for its socket, navigates to another page and
/// back, and reads the page's record.
async fn away_and_back(client: &Client, servers: &Servers, query: &str) -> Result<Back> {
    open(client, &servers.page(query)).await?;
    opened(client).await?;
    run_js(client, "window.__marker = 'kept'; return null;").await?;
    let away = format!("{}/away.html", servers.statics.origin());
    within("navigate away", Duration::from_secs(20), client.goto(&away)).await??;
    within("navigate back", Duration::from_secs(20), client.back()).await??;
    // Restored or loaded again, the socket opens (again).
    wait_for_js(
        client,
        "return (window.__events ?? []).some((e) => e.type === 'reconnected' || \
         (e.type === 'open' && window.__marker === undefined));",
        &json!(true),
        Duration::from_secs(15),
    )
    .await
    .context("the page's socket did not open after coming back")?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let state = run_js(
        client,
        "const nav = performance.getEntriesByType('navigation')[0];
         return { marker: window.__marker ?? null, pageEvents: window.__pageEvents,
                  hiddenSend: window.__hiddenSend ?? null, events: window.__events,
                  notRestoredReasons: nav && nav.notRestoredReasons
                    ? nav.notRestoredReasons.toJSON() : null };",
    )
    .await?;
    let shown_from_cache = state["pageEvents"].as_array().is_some_and(|events| {
        events
            .iter()
            .any(|e| e["type"] == "pageshow" && e["persisted"] == json!(true))
    });
    Ok(Back {
        restored: shown_from_cache && state["marker"] == "kept",
        state,
    })
}

async fn bfcache(client: &Client, servers: &Servers) -> Result<()> {
    let back = away_and_back(client, servers, "").await?;
    let state = &back.state;
    if !back.restored {
        // Chromium kept the page out of the cache: the socket must not be why.
        let reasons = state["notRestoredReasons"].to_string();
        println!("the back/forward cache: Chromium did NOT restore the page: {reasons}");
        ensure!(
            !reasons.contains("websocket"),
            "Chromium kept the page out of the cache because of its WebSocket: {reasons}"
        );
        return page_problems(client).await;
    }
    let events = state["events"].as_array().cloned().unwrap_or_default();
    ensure!(
        types(&events)
            == [
                "open",
                "disconnected",
                "reconnecting",
                "reconnected",
                "message"
            ],
        "events: {events:?}"
    );
    ensure!(
        events[1]["reason"] == "pageHidden",
        "the loss: {}",
        events[1]
    );
    ensure!(
        events[2]["attempt"] == json!(1) && events[2]["delayMs"] == json!(0),
        "the attempt: {}",
        events[2]
    );
    ensure!(
        events[4]["data"] == "sent while hiding",
        "the message: {}",
        events[4]
    );
    // The socket had closed before the page's own pagehide listener ran, which found
    // the message waiting.
    ensure!(
        state["hiddenSend"] == json!({ "queued": 1, "open": false }),
        "a send during pagehide found {}",
        state["hiddenSend"]
    );
    let page = state["pageEvents"].as_array().cloned().unwrap_or_default();
    let shown_at = last_at(&page, "pageshow", |e| e["persisted"] == json!(true))
        .ok_or_else(|| anyhow!("no pageshow: {page:?}"))?;
    let took = events[3]["at"].as_f64().unwrap_or(f64::MAX) - shown_at;
    ensure!(
        (0.0..=100.0).contains(&took),
        "reconnected {took} ms after pageshow"
    );
    println!(
        "the back/forward cache: Chromium restored the page (pageshow.persisted, no \
         notRestoredReasons); the socket closed on pagehide, reconnected {took:.1} ms \
         after pageshow, and the message sent while hiding went out then"
    );
    page_problems(client).await
}

/// The same with `backForwardCache: false`, to show what the option changes; what
/// Chromium does then is reported, and only the socket's recovery is required.
async fn without_the_option(client: &Client, servers: &Servers) -> Result<()> {
    let back = away_and_back(client, servers, "&bfcache=off").await?;
    let events = back.state["events"].as_array().cloned().unwrap_or_default();
    println!(
        "without backForwardCache: restored {}, events {:?}, a send during pagehide found \
         {}, notRestoredReasons {}",
        back.restored,
        types(&events),
        back.state["hiddenSend"],
        back.state["notRestoredReasons"]
    );
    if back.restored {
        ensure!(
            events.iter().all(|e| e["reason"] != "pageHidden"),
            "the option was off: {events:?}"
        );
    }
    page_problems(client).await
}
