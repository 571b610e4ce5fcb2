//! Helpers for the end-to-end tests of the demo (`tests/demo.rs`) and of the consumer
//! examples (`tests/leptos_chat.rs`, `tests/bundler.rs`): a chromedriver owned by a
//! guard, Chromium's capabilities, waits that always end, and a built page served by an
//! in-process echo server.

pub mod cacheable;

use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// Chromium's arguments when the repository has no `webdriver.json`.
const DEFAULT_ARGS: &[&str] = &[
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];

/// The browser window: the size the README screenshot is taken at.
pub const WINDOW: (u32, u32) = (1280, 800);

/// The repository's root (this crate lives in `tests/e2e`).
#[must_use]
pub fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// A chromedriver on a free local port, killed when dropped.
#[derive(Debug)]
pub struct ChromeDriver {
    child: Child,
    /// Where it listens, `http://127.0.0.1:PORT`.
    pub url: String,
}

impl ChromeDriver {
    /// Starts `$CHROMEDRIVER` (default `/usr/bin/chromedriver`) and waits until it
    /// accepts connections.
    ///
    /// # Errors
    /// If it cannot be started, or does not listen within 20 s.
    pub fn start() -> Result<Self> {
        let program =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned());
        let port = free_port()?;
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {program} (set CHROMEDRIVER to its path)"))?;
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if Instant::now() > deadline {
                bail!("{program} did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    /// Opens a headless Chromium session.
    ///
    /// # Errors
    /// If chromedriver refuses the session (no browser found, bad arguments).
    pub async fn session(&self) -> Result<Client> {
        self.session_with(chromium_capabilities()?).await
    }

    /// Opens a headless Chromium session with these capabilities.
    ///
    /// # Errors
    /// If chromedriver refuses the session (no browser found, bad arguments).
    pub async fn session_with(&self, capabilities: Capabilities) -> Result<Client> {
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        within(
            "open a Chromium session",
            Duration::from_secs(30),
            builder.connect(&self.url),
        )
        .await?
        .context("chromedriver refused the session")
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Runs `test` with a WebDriver session of a fresh headless Chromium, bounded by
/// `limit`; the session (and Chromium) is ended and the driver killed whatever
/// happened.
///
/// # Errors
/// If the driver or the session cannot be started, `test` fails, or it takes longer
/// than `limit`.
pub async fn in_chromium<F, Fut>(limit: Duration, test: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    in_session(chromium_capabilities()?, limit, test).await
}

/// [`in_chromium`], with a browser that accepts any certificate: for a page and
/// sockets served by the echo server's TLS port, whose certificate is self-signed
/// and made at its start (WebDriver's `acceptInsecureCerts`, and Chromium's
/// `--ignore-certificate-errors`, which WebSockets also heed). For this session only.
///
/// # Errors
/// As [`in_chromium`].
pub async fn in_chromium_accepting_self_signed<F, Fut>(limit: Duration, test: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut capabilities = chromium_capabilities()?;
    capabilities.insert("acceptInsecureCerts".to_owned(), json!(true));
    if let Some(args) = capabilities
        .get_mut("goog:chromeOptions")
        .and_then(|options| options["args"].as_array_mut())
    {
        args.push(json!("--ignore-certificate-errors"));
    }
    in_session(capabilities, limit, test).await
}

async fn in_session<F, Fut>(capabilities: Capabilities, limit: Duration, test: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let driver = ChromeDriver::start()?;
    let client = driver.session_with(capabilities).await?;
    let outcome = within("the whole test", limit, test(client.clone())).await;
    let _ = within("close the session", Duration::from_secs(10), client.close()).await;
    drop(driver);
    outcome?
}

/// Headless Chromium with the repository's `webdriver.json` arguments (or the
/// defaults), a fixed window size, and `$CHROME_BIN` or `/usr/bin/chromium` when
/// present.
///
/// # Errors
/// If `webdriver.json` exists but cannot be read.
pub fn chromium_capabilities() -> Result<Capabilities> {
    let mut args: Vec<String> = match std::fs::read_to_string(repo_root().join("webdriver.json")) {
        Ok(text) => {
            let config: Value = serde_json::from_str(&text).context("parsing webdriver.json")?;
            config["goog:chromeOptions"]["args"]
                .as_array()
                .map(|args| {
                    args.iter()
                        .filter_map(|a| a.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        }
        Err(_) => DEFAULT_ARGS.iter().map(|&a| a.to_owned()).collect(),
    };
    if !args.iter().any(|a| a.starts_with("--headless")) {
        args.push("--headless=new".to_owned());
    }
    args.retain(|a| !a.starts_with("--window-size"));
    args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
    args.push("--hide-scrollbars".to_owned());

    let mut options = json!({ "args": args });
    let binary = std::env::var("CHROME_BIN").ok().or_else(|| {
        Path::new("/usr/bin/chromium")
            .exists()
            .then(|| "/usr/bin/chromium".to_owned())
    });
    if let Some(binary) = binary {
        options["binary"] = json!(binary);
    }
    let mut capabilities = Capabilities::new();
    capabilities.insert("browserName".to_owned(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    // An alert must not be dismissed behind the test's back: the XSS check looks for one.
    capabilities.insert("unhandledPromptBehavior".to_owned(), json!("ignore"));
    Ok(capabilities)
}

/// Awaits `future`, failing after `limit`.
///
/// # Errors
/// When `limit` passes first.
pub async fn within<F: Future>(what: &str, limit: Duration, future: F) -> Result<F::Output> {
    tokio::time::timeout(limit, future)
        .await
        .map_err(|_| anyhow!("timed out after {limit:?}: {what}"))
}

/// The text of the element with this id.
///
/// # Errors
/// If there is no such element, or WebDriver hangs for 10 s.
pub async fn text_of(client: &Client, id: &str) -> Result<String> {
    let element = within(
        &format!("find #{id}"),
        Duration::from_secs(10),
        client.find(Locator::Id(id)),
    )
    .await?
    .with_context(|| format!("no element #{id}"))?;
    within(
        &format!("read #{id}"),
        Duration::from_secs(10),
        element.text(),
    )
    .await?
    .with_context(|| format!("reading #{id}"))
}

/// Polls the text of `#id` until `ready` accepts it, failing after `limit` with the
/// last text seen.
///
/// # Errors
/// When `limit` passes first, or WebDriver fails.
pub async fn wait_for_text(
    client: &Client,
    id: &str,
    limit: Duration,
    ready: impl Fn(&str) -> bool,
) -> Result<String> {
    let deadline = Instant::now() + limit;
    loop {
        let text = text_of(client, id).await?;
        if ready(&text) {
            return Ok(text);
        }
        if Instant::now() > deadline {
            bail!("#{id} still says {text:?} after {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Makes the page's viewport exactly [`WINDOW`] (the window's frame is outside it, and
/// its size differs between headless modes).
///
/// # Errors
/// If WebDriver fails or hangs.
pub async fn size_viewport(client: &Client) -> Result<()> {
    let limit = Duration::from_secs(10);
    within(
        "size the window",
        limit,
        client.set_window_size(WINDOW.0, WINDOW.1),
    )
    .await??;
    let frame = run_js(
        client,
        "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
    )
    .await?;
    let extra = |i: usize| u32::try_from(frame[i].as_u64().unwrap_or(0)).unwrap_or(0);
    within(
        "size the window",
        limit,
        client.set_window_size(WINDOW.0 + extra(0), WINDOW.1 + extra(1)),
    )
    .await??;
    Ok(())
}

/// Runs a script in the page, with a 10 s limit.
///
/// # Errors
/// If the script throws, or WebDriver hangs.
pub async fn run_js(client: &Client, script: &str) -> Result<Value> {
    within(
        "run a script",
        Duration::from_secs(10),
        client.execute(script, Vec::new()),
    )
    .await?
    .with_context(|| format!("running script: {script}"))
}

/// Polls a script until it returns `expected`, failing after `limit` with the last
/// value seen.
///
/// # Errors
/// When `limit` passes first, or the script throws.
pub async fn wait_for_js(
    client: &Client,
    script: &str,
    expected: &Value,
    limit: Duration,
) -> Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let value = run_js(client, script).await?;
        if &value == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("after {limit:?} the page still gives {value} instead of {expected}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Records uncaught errors and CSP violations from now on, for [`page_problems`].
pub const PROBES: &str = r"
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
return null;
";

/// Fails if the page reported an uncaught error or a CSP violation since [`PROBES`] ran.
///
/// # Errors
/// When it did, or the script cannot run.
pub async fn page_problems(client: &Client) -> Result<()> {
    let errors = run_js(client, "return window.__errors;").await?;
    if errors != json!([]) {
        bail!("uncaught errors in the page: {errors}");
    }
    let violations = run_js(client, "return window.__violations;").await?;
    if violations != json!([]) {
        bail!("CSP violations: {violations}");
    }
    Ok(())
}

/// The built page in `dir` (relative to the repository root), which must hold `entry`:
/// fails with `how_to_build` when it does not, so that a missing build is a failure,
/// never a silent pass.
///
/// # Errors
/// When `dir/entry` is not a file.
pub fn built_page(dir: &str, entry: &str, how_to_build: &str) -> Result<PathBuf> {
    let dir = repo_root().join(dir);
    if !dir.join(entry).is_file() {
        bail!(
            "{} is not built (no {entry}): {how_to_build}",
            dir.display()
        );
    }
    Ok(dir)
}

/// Starts an echo server on a free loopback port that serves `www` and `/echo`.
///
/// # Errors
/// If the server cannot start, or does not within 10 s.
pub async fn serve(www: PathBuf) -> Result<echo_server::Server> {
    let server = within(
        "start the echo server",
        Duration::from_secs(10),
        echo_server::serve(echo_server::Config {
            port: 0,
            www: Some(www),
            ..echo_server::Config::default()
        }),
    )
    .await??;
    Ok(server)
}

/// Opens `url`, with a 30 s limit, and starts the [`PROBES`].
///
/// # Errors
/// If the page cannot be opened, or WebDriver hangs.
pub async fn open(client: &Client, url: &str) -> Result<()> {
    within("open the page", Duration::from_secs(30), client.goto(url))
        .await?
        .with_context(|| format!("opening {url}"))?;
    run_js(client, PROBES).await?;
    Ok(())
}

/// Clicks the element with this id.
///
/// # Errors
/// If there is no such element, or WebDriver fails or hangs for 10 s.
pub async fn click(client: &Client, id: &str) -> Result<()> {
    within(&format!("click #{id}"), Duration::from_secs(10), async {
        client.find(Locator::Id(id)).await?.click().await
    })
    .await?
    .with_context(|| format!("clicking #{id}"))
}

/// Types `text` into the field with this id (keys as a user would press them; `\u{e007}`
/// is Enter).
///
/// # Errors
/// If there is no such element, or WebDriver fails or hangs for 10 s.
pub async fn type_into(client: &Client, id: &str, text: &str) -> Result<()> {
    within(
        &format!("type into #{id}"),
        Duration::from_secs(10),
        async { client.find(Locator::Id(id)).await?.send_keys(text).await },
    )
    .await?
    .with_context(|| format!("typing into #{id}"))
}
