//! Running child processes: quietly, with inherited output, or teed (streamed live
//! to the terminal while captured for parsing).

use std::io::{self, IsTerminal, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{bail, Context, Result};

/// The captured output of a teed run.
#[derive(Debug)]
pub struct Captured {
    /// How the child ended.
    pub status: ExitStatus,
    /// Everything it wrote to stdout, then everything it wrote to stderr.
    pub text: String,
}

/// The command as a user would type it (program and arguments).
pub fn display(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|part| {
            let s = part.to_string_lossy();
            if s.is_empty() || s.contains(char::is_whitespace) {
                format!("'{s}'")
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd` and returns its trimmed stdout, or `None` when it cannot be started or fails.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs `cmd` and returns its stdout; fails with its stderr when it fails.
pub fn output(cmd: &mut Command) -> Result<String> {
    let shown = display(cmd);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run `{shown}`"))?;
    if !out.status.success() {
        bail!(
            "`{shown}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `cmd` with the terminal as its output; fails unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = display(cmd);
    println!("    $ {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot run `{shown}`"))?;
    check(&shown, status)
}

/// Fails with a readable message unless `status` is success.
pub fn check(shown: &str, status: ExitStatus) -> Result<()> {
    if status.success() {
        Ok(())
    } else {
        bail!("`{shown}` failed ({status})")
    }
}

/// Runs `cmd`, streaming its stdout and stderr live while capturing both.
///
/// Does not look at the exit status: the caller decides (it usually wants the
/// output either way, e.g. to count test results of a failed run).
pub fn tee(cmd: &mut Command) -> Result<Captured> {
    let shown = display(cmd);
    println!("    $ {shown}");
    if io::stdout().is_terminal() && std::env::var_os("CARGO_TERM_COLOR").is_none() {
        cmd.env("CARGO_TERM_COLOR", "always");
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{shown}`"))?;
    let out_buf = Arc::new(Mutex::new(Vec::new()));
    let err_buf = Arc::new(Mutex::new(Vec::new()));
    let mut pumps = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let buf = Arc::clone(&out_buf);
        pumps.push(thread::spawn(move || pump(stdout, io::stdout(), &buf)));
    }
    if let Some(stderr) = child.stderr.take() {
        let buf = Arc::clone(&err_buf);
        pumps.push(thread::spawn(move || pump(stderr, io::stderr(), &buf)));
    }
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for `{shown}`"))?;
    for pump in pumps {
        // A pump thread only ends on EOF or a read error; it cannot panic on its own.
        let _ = pump.join();
    }
    let mut text = String::new();
    for buf in [out_buf, err_buf] {
        let bytes = buf.lock().map(|b| b.clone()).unwrap_or_default();
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push('\n');
    }
    Ok(Captured { status, text })
}

/// Copies `from` to `to` chunk by chunk, also appending every chunk to `buf`.
fn pump(mut from: impl Read, mut to: impl Write, buf: &Mutex<Vec<u8>>) {
    let mut chunk = [0u8; 8192];
    loop {
        match from.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let _ = to.write_all(&chunk[..n]);
                let _ = to.flush();
                if let Ok(mut b) = buf.lock() {
                    b.extend_from_slice(&chunk[..n]);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}
