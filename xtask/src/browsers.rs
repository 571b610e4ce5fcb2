//! The browsers the wasm tests run in, and their WebDriver servers.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::ValueEnum;

use crate::apt;
use crate::ctx::Ctx;
use crate::steps::Done;

/// Which browsers a command wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BrowserChoice {
    /// Chromium with chromedriver.
    Chrome,
    /// Firefox ESR with geckodriver.
    Firefox,
    /// Both.
    All,
}

impl BrowserChoice {
    /// The browsers, in the order they run.
    pub fn browsers(self) -> Vec<Browser> {
        match self {
            Self::Chrome => vec![Browser::Chrome],
            Self::Firefox => vec![Browser::Firefox],
            Self::All => vec![Browser::Chrome, Browser::Firefox],
        }
    }
}

/// One browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Chromium.
    Chrome,
    /// Firefox ESR.
    Firefox,
}

/// Every driver variable wasm-bindgen-test-runner looks at. It picks the browser from
/// the ones it sees, so exactly one may be set per run.
pub const DRIVER_VARS: [&str; 3] = ["CHROMEDRIVER", "GECKODRIVER", "SAFARIDRIVER"];

impl Browser {
    /// Its name in step titles.
    pub fn name(self) -> &'static str {
        match self {
            Self::Chrome => "chrome",
            Self::Firefox => "firefox",
        }
    }

    /// The wasm-pack flag that selects it.
    pub fn flag(self) -> &'static str {
        match self {
            Self::Chrome => "--chrome",
            Self::Firefox => "--firefox",
        }
    }

    /// The variable naming its driver for wasm-bindgen-test-runner.
    pub fn driver_var(self) -> &'static str {
        match self {
            Self::Chrome => "CHROMEDRIVER",
            Self::Firefox => "GECKODRIVER",
        }
    }
}

/// Where the drivers are, once set up.
#[derive(Debug, Default, Clone)]
pub struct Drivers {
    /// chromedriver, when Chromium was set up.
    pub chromedriver: Option<PathBuf>,
    /// geckodriver, when Firefox was set up.
    pub geckodriver: Option<PathBuf>,
}

impl Drivers {
    /// The driver of `browser`.
    pub fn get(&self, browser: Browser) -> Option<&Path> {
        match browser {
            Browser::Chrome => self.chromedriver.as_deref(),
            Browser::Firefox => self.geckodriver.as_deref(),
        }
    }
}

/// Step "chromium + chromedriver" (Debian packages chromium, chromium-driver).
pub fn ensure_chromium(ctx: &mut Ctx) -> Result<Done<PathBuf>> {
    let note = apt::ensure(ctx, &["chromium", "chromium-driver"])?;
    let driver = PathBuf::from("/usr/bin/chromedriver");
    for needed in [Path::new("/usr/bin/chromium"), driver.as_path()] {
        if !needed.exists() {
            bail!("{} is missing after installing chromium", needed.display());
        }
    }
    Ok(match note {
        Some(note) => Done::note(driver, note),
        None => Done::new(driver),
    })
}

/// Step "firefox-esr" (Debian package).
pub fn ensure_firefox(ctx: &mut Ctx) -> Result<Done<()>> {
    let note = apt::ensure(ctx, &["firefox-esr"])?;
    if !Path::new("/usr/bin/firefox-esr").exists() {
        bail!("/usr/bin/firefox-esr is missing after installing firefox-esr");
    }
    Ok(match note {
        Some(note) => Done::note((), note),
        None => Done::new(()),
    })
}
