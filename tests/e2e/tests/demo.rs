//! The demo page end to end, in a real headless Chromium driven through chromedriver.
//!
//! - the page loads under its Content-Security-Policy and connects: `Socket Open`
//! - a text message comes back as `Server Reply:: <text>`
//! - `sendImage` (PNG) and `sendPixels` (raw) draw into `destination` exactly the
//!   pixels of `source`, also after drawing on `source` with the mouse
//! - the reply `<img src=x onerror=alert(1)>` shows as text: no element is created, no
//!   alert fires, no CSP violation is reported
//! - the traffic figures count every message both ways and show a round-trip time
//! - a screenshot at 1280x800 is saved to `docs/demo.png` (shown in the README)
//! - that screenshot, picked as a local file, loads into `source` (scaled to fit) and
//!   goes through exactly too
//! - `disconnect` gives `Socket Closed`; sending then says why and throws nothing;
//!   `connect` opens a new socket
//! - stopping the server gives `Socket Closed`
//! - a link with `?ws=<another server>` shows that server and connects to nothing until
//!   Connect is pressed (a listener there sees no connection for 2 s, then one)
//! - served over HTTPS (the echo server's TLS port, its self-signed certificate
//!   accepted by this session only), the page connects over `wss://` to the same
//!   port, and text and raw pixels round-trip, with no error or CSP violation
//!
//! # Running it by hand
//!
//! From the repository root, after building the page's package:
//!
//! ```sh
//! cargo xtask demo --build-only
//! cargo test -p demo-e2e --test demo
//! ```
//!
//! The test serves `www/` and `/echo` itself, from the echo server started in-process
//! on a free port, so that it can stop it. `CHROMEDRIVER` (default
//! `/usr/bin/chromedriver`) and `CHROME_BIN` (default `/usr/bin/chromium` when it
//! exists) choose the driver and browser; Chromium gets the arguments of
//! `webdriver.json` at the repository root. `DEMO_SCREENSHOT` overrides where the
//! screenshot is written.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context as _, Result};
use demo_e2e::{
    in_chromium, in_chromium_accepting_self_signed, repo_root, run_js, size_viewport, text_of,
    wait_for_js, wait_for_text, within, WINDOW,
};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, Locator};
use serde_json::json;

const OPEN: &str = "WebSocket Status:: Socket Open";
const CLOSED: &str = "WebSocket Status:: Socket Closed";
const PROBE: &str = "<img src=x onerror=alert(1)>";

/// Compares the pixels of `#source` and `#destination`: `"equal"`, or what differs.
const COMPARE: &str = r"
const [a, b] = ['source', 'destination'].map((id) => document.getElementById(id));
if (a.width !== b.width || a.height !== b.height) {
  return `size ${a.width}x${a.height} vs ${b.width}x${b.height}`;
}
const pixels = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
const [pa, pb] = [pixels(a), pixels(b)];
let differ = 0;
for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) differ++;
return differ === 0 ? 'equal' : `${differ} of ${pa.length} bytes differ`;
";

/// Empties `#destination`, so that the next comparison sees a fresh drawing.
const BLANK_DESTINATION: &str = "document.getElementById('destination').width = 1; return null;";

/// Records alerts, uncaught errors and CSP violations from now on.
const PROBES: &str = r"
window.__alerts = 0;
window.alert = () => { window.__alerts++; };
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
return null;
";

/// The echo server on a free port, serving the built page in `www/`.
async fn serve_demo() -> Result<echo_server::Server> {
    serve_demo_with(None).await
}

/// [`serve_demo`], also over TLS on `tls_port`.
async fn serve_demo_with(tls_port: Option<u16>) -> Result<echo_server::Server> {
    let www = repo_root().join("www");
    ensure!(
        www.join("pkg/wasm_websocket_demo.js").is_file(),
        "www/pkg is not built: run `cargo xtask demo --build-only` first (cargo xtask test \
         does)"
    );
    Ok(echo_server::serve(echo_server::Config {
        port: 0,
        tls_port,
        www: Some(www),
        ..echo_server::Config::default()
    })
    .await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_works_over_https_and_wss() -> Result<()> {
    let server = serve_demo_with(Some(0)).await?;
    let port = server.tls_addr().context("no TLS port")?.port();
    let demo_url = format!("https://127.0.0.1:{port}/");
    let outcome = in_chromium_accepting_self_signed(Duration::from_secs(90), |client| async move {
        over_tls(&client, &demo_url, port).await
    })
    .await;
    let stopped = server.shutdown().await;
    outcome?;
    Ok(stopped?)
}

async fn over_tls(client: &Client, demo_url: &str, port: u16) -> Result<()> {
    within(
        "open the demo",
        Duration::from_secs(30),
        client.goto(demo_url),
    )
    .await?
    .with_context(|| format!("opening {demo_url}"))?;
    run_js(client, PROBES).await?;
    let protocol = run_js(client, "return location.protocol;").await?;
    ensure!(protocol == json!("https:"), "the page is on {protocol}");
    wait_for_text(client, "serverStatus", Duration::from_secs(15), |t| {
        t == OPEN
    })
    .await?;
    let socket = text_of(client, "socketUrl").await?;
    ensure!(
        socket == format!("wss://127.0.0.1:{port}/echo"),
        "#socketUrl says {socket:?}"
    );
    let text = "Hello over TLS";
    type_text(client, text).await?;
    click(client, "sendText").await?;
    wait_for_text(client, "serverResponse", Duration::from_secs(10), |t| {
        t == format!("Server Reply:: {text}")
    })
    .await?;
    run_js(client, BLANK_DESTINATION).await?;
    click(client, "sendPixels").await?;
    wait_for_js(client, COMPARE, &json!("equal"), Duration::from_secs(15))
        .await
        .context("over wss, after sendPixels, destination does not match source")?;
    let errors = run_js(client, "return window.__errors;").await?;
    ensure!(errors == json!([]), "uncaught errors in the page: {errors}");
    let violations = run_js(client, "return window.__violations;").await?;
    ensure!(violations == json!([]), "CSP violations: {violations}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_round_trips_text_images_and_pixels() -> Result<()> {
    let server = serve_demo().await?;
    let demo_url = format!("http://{}/", server.local_addr());
    let outcome = in_chromium(Duration::from_secs(180), |client| async move {
        run(&client, &demo_url, server).await
    })
    .await;
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_naming_another_server_connects_only_when_the_user_clicks() -> Result<()> {
    let server = serve_demo().await?;
    // "Another server": a listener that counts the connections made to it.
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let other_url = format!("ws://{}/collect", other.local_addr()?);
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    let accepting = tokio::spawn(async move {
        while let Ok((stream, _)) = other.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let link = format!("http://{}/?ws={other_url}", server.local_addr());
    let outcome = in_chromium(Duration::from_secs(60), |client| async move {
        consent(&client, &link, &other_url, &connections).await
    })
    .await;
    accepting.abort();
    let stopped = server.shutdown().await;
    outcome?;
    Ok(stopped?)
}

async fn consent(
    client: &Client,
    link: &str,
    other_url: &str,
    connections: &AtomicUsize,
) -> Result<()> {
    within("open the link", Duration::from_secs(30), client.goto(link))
        .await?
        .with_context(|| format!("opening {link}"))?;
    let status = wait_for_text(client, "serverStatus", Duration::from_secs(20), |t| {
        t.contains("Not connected")
    })
    .await?;
    ensure!(
        status.contains(other_url),
        "the status names no server: {status:?}"
    );
    let shown = text_of(client, "socketUrl").await?;
    ensure!(shown == other_url, "#socketUrl says {shown:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    ensure!(
        connections.load(Ordering::SeqCst) == 0,
        "the page connected to the link's server before any click"
    );
    click(client, "connect").await?;
    within(
        "the connection after the click",
        Duration::from_secs(10),
        async {
            while connections.load(Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        },
    )
    .await?;
    Ok(())
}

async fn run(client: &Client, demo_url: &str, server: echo_server::Server) -> Result<()> {
    within(
        "open the demo",
        Duration::from_secs(30),
        client.goto(demo_url),
    )
    .await?
    .with_context(|| format!("opening {demo_url}"))?;
    run_js(client, PROBES).await?;
    size_viewport(client).await?;

    // Loaded under its CSP (the wasm only compiles with 'wasm-unsafe-eval') and open.
    let csp = run_js(
        client,
        "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content ?? null;",
    )
    .await?;
    let csp = csp.as_str().context("the page has no CSP meta tag")?;
    ensure!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "unexpected CSP: {csp}"
    );
    wait_for_text(client, "serverStatus", Duration::from_secs(15), |t| {
        t == OPEN
    })
    .await?;

    // Text.
    let text = "Hello from WebDriver, 42";
    type_text(client, text).await?;
    click(client, "sendText").await?;
    wait_for_text(client, "serverResponse", Duration::from_secs(10), |t| {
        t == format!("Server Reply:: {text}")
    })
    .await?;

    // An encoded PNG: pixel-exact.
    run_js(client, BLANK_DESTINATION).await?;
    click(client, "sendImage").await?;
    wait_for_js(client, COMPARE, &json!("equal"), Duration::from_secs(15))
        .await
        .context("after sendImage, destination does not match source")?;
    let reply = text_of(client, "serverResponse").await?;
    ensure!(reply.contains("drawn as a 480×320 image"), "reply: {reply}");

    // Paint on the source with the mouse: it must now differ from the destination.
    let source = client.find(Locator::Id("source")).await?;
    let stroke = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveToElement {
            element: source,
            duration: None,
            x: -120.0,
            y: -40.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 160.0,
            y: 60.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 60.0,
            y: -50.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    within(
        "paint with the mouse",
        Duration::from_secs(10),
        client.perform_actions(stroke),
    )
    .await??;
    let compared = run_js(client, COMPARE).await?;
    ensure!(
        compared != json!("equal"),
        "painting with the mouse did not change the source"
    );

    // Raw pixels: pixel-exact.
    run_js(client, BLANK_DESTINATION).await?;
    click(client, "sendPixels").await?;
    wait_for_js(client, COMPARE, &json!("equal"), Duration::from_secs(15))
        .await
        .context("after sendPixels, destination does not match source")?;

    // The screenshot for the README, with a text reply showing.
    type_text(client, "Hello, WebSocket!").await?;
    click(client, "sendText").await?;
    wait_for_text(client, "serverResponse", Duration::from_secs(10), |t| {
        t == "Server Reply:: Hello, WebSocket!"
    })
    .await?;
    let png = within(
        "take a screenshot",
        Duration::from_secs(20),
        client.screenshot(),
    )
    .await??;
    let path = std::env::var("DEMO_SCREENSHOT")
        .map_or_else(|_| repo_root().join("docs/demo.png"), Into::into);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, &png).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "screenshot: {} ({} bytes, window {}x{})",
        path.display(),
        png.len(),
        WINDOW.0,
        WINDOW.1
    );

    // The XSS probe comes back as text and runs nothing.
    type_text(client, PROBE).await?;
    click(client, "sendText").await?;
    wait_for_text(client, "serverResponse", Duration::from_secs(10), |t| {
        t == format!("Server Reply:: {PROBE}")
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await; // an onerror would have fired
    let elements = run_js(
        client,
        "return document.querySelectorAll('#serverResponse *, img').length;",
    )
    .await?;
    ensure!(
        elements == json!(0),
        "the probe created elements: {elements}"
    );
    let alerts = run_js(client, "return window.__alerts;").await?;
    ensure!(alerts == json!(0), "alert() was called {alerts} times");
    let open_alert = within(
        "look for an alert",
        Duration::from_secs(10),
        client.get_alert_text(),
    )
    .await?;
    ensure!(open_alert.is_err(), "an alert is open: {open_alert:?}");

    // The figures: 3 texts and 2 images each way, and a round-trip time.
    let figures = text_of(client, "serverData").await?;
    ensure!(
        figures.contains("Sent: 5 messages") && figures.contains("Received: 5 messages"),
        "figures: {figures}"
    );
    ensure!(
        figures.contains("Last round trip:") && figures.contains(" ms"),
        "figures: {figures}"
    );

    // A local image file (the screenshot just taken, 1280x800), loaded into the source
    // scaled to fit 640x480, goes through exactly too.
    let file = within("find #imageFile", Duration::from_secs(10), async {
        client.find(Locator::Id("imageFile")).await
    })
    .await??;
    let absolute = path.canonicalize()?;
    within(
        "pick a file",
        Duration::from_secs(10),
        file.send_keys(&absolute.to_string_lossy()),
    )
    .await??;
    wait_for_text(client, "sourceInfo", Duration::from_secs(10), |t| {
        t.contains("shown at 640×400")
    })
    .await?;
    run_js(client, BLANK_DESTINATION).await?;
    click(client, "sendImage").await?;
    wait_for_js(client, COMPARE, &json!("equal"), Duration::from_secs(15))
        .await
        .context("after loading a file and sendImage, destination does not match source")?;
    click(client, "resetSource").await?;

    // Disconnect; sending while closed says why and throws nothing; reconnect.
    click(client, "disconnect").await?;
    wait_for_text(client, "serverStatus", Duration::from_secs(10), |t| {
        t == CLOSED
    })
    .await?;
    click(client, "sendText").await?;
    click(client, "sendPixels").await?;
    let status = wait_for_text(client, "serverStatus", Duration::from_secs(10), |t| {
        t.contains("Not sent")
    })
    .await?;
    ensure!(status.starts_with(CLOSED), "status: {status}");
    click(client, "sendImage").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    click(client, "connect").await?;
    wait_for_text(client, "serverStatus", Duration::from_secs(15), |t| {
        t == OPEN
    })
    .await?;

    // The server goes away: the page says so.
    within(
        "stop the server",
        Duration::from_secs(10),
        server.shutdown(),
    )
    .await??;
    wait_for_text(client, "serverStatus", Duration::from_secs(10), |t| {
        t == CLOSED
    })
    .await?;

    let errors = run_js(client, "return window.__errors;").await?;
    ensure!(errors == json!([]), "uncaught errors in the page: {errors}");
    let violations = run_js(client, "return window.__violations;").await?;
    ensure!(violations == json!([]), "CSP violations: {violations}");
    Ok(())
}

async fn click(client: &Client, id: &str) -> Result<()> {
    within(&format!("click #{id}"), Duration::from_secs(10), async {
        client.find(Locator::Id(id)).await?.click().await
    })
    .await?
    .with_context(|| format!("clicking #{id}"))
}

async fn type_text(client: &Client, text: &str) -> Result<()> {
    within("type a message", Duration::from_secs(10), async {
        let input = client.find(Locator::Id("textmessage")).await?;
        input.clear().await?;
        input.send_keys(text).await
    })
    .await?
    .context("typing into #textmessage")
}
