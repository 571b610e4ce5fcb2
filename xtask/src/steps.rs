//! Timed, announced steps and the timing table printed at the end of a command.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::Result;

/// What a successful step reports besides its time.
#[derive(Debug)]
pub struct Done<T> {
    /// The step's result for later steps.
    pub value: T,
    /// What it found, e.g. "wasm-pack 0.15.1 already installed".
    pub note: Option<String>,
    /// Set when the step did nothing on purpose; holds the reason.
    pub skipped: Option<String>,
}

impl<T> Done<T> {
    /// Success with nothing to report but the time taken.
    pub fn new(value: T) -> Self {
        Self {
            value,
            note: None,
            skipped: None,
        }
    }

    /// Success with a note.
    pub fn note(value: T, note: impl Into<String>) -> Self {
        Self {
            value,
            note: Some(note.into()),
            skipped: None,
        }
    }

    /// A step that was skipped, with the reason why.
    pub fn skipped(value: T, reason: impl Into<String>) -> Self {
        Self {
            value,
            note: None,
            skipped: Some(reason.into()),
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// It succeeded.
    Ok,
    /// It was skipped on purpose.
    Skipped,
    /// It failed.
    Failed,
}

/// One line of the timing table.
#[derive(Debug)]
struct Row {
    name: String,
    time: Duration,
    status: Status,
    detail: String,
}

/// Runs steps, announces them and remembers their timing.
#[derive(Debug)]
pub struct Steps {
    started: Instant,
    rows: Vec<Row>,
}

impl Default for Steps {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            rows: Vec::new(),
        }
    }
}

impl Steps {
    /// Runs `f` as the step `name`: prints `==> name`, then how it ended and how long
    /// it took. A failure is recorded and returned with the step's name as context.
    pub fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Result<Done<T>>) -> Result<T> {
        println!("==> {name}");
        let start = Instant::now();
        let result = f();
        let time = start.elapsed();
        let secs = seconds(time);
        match result {
            Ok(done) => {
                let (status, detail) = match (done.skipped, done.note) {
                    (Some(reason), _) => {
                        println!("    skipped: {reason} ({secs})");
                        (Status::Skipped, format!("skipped: {reason}"))
                    }
                    (None, Some(note)) => {
                        println!("    {note} ({secs})");
                        (Status::Ok, note)
                    }
                    (None, None) => {
                        println!("    done in {secs}");
                        (Status::Ok, String::new())
                    }
                };
                self.push(name, time, status, detail);
                Ok(done.value)
            }
            Err(err) => {
                println!("    FAILED after {secs}: {err:#}");
                self.push(name, time, Status::Failed, format!("{err:#}"));
                Err(err.context(format!("step `{name}` failed")))
            }
        }
    }

    /// Records a step that was not run because something it needs failed.
    pub fn not_run(&mut self, name: &str, why: &str) {
        println!("==> {name}");
        println!("    FAILED: not run, {why}");
        self.push(
            name,
            Duration::ZERO,
            Status::Failed,
            format!("not run: {why}"),
        );
    }

    /// Sets the detail column of the last step (e.g. its test counts).
    pub fn set_detail(&mut self, detail: String) {
        if let Some(row) = self.rows.last_mut() {
            if row.detail.is_empty() || row.status == Status::Ok {
                row.detail = detail;
            } else {
                row.detail = format!("{detail}; {}", row.detail);
            }
        }
    }

    /// Whether any step failed.
    pub fn any_failed(&self) -> bool {
        self.rows.iter().any(|r| r.status == Status::Failed)
    }

    /// The timing table, one line per step, and the total.
    pub fn table(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<width$}  {:>8}  {:<7}  detail",
            "step", "time", "result"
        );
        for row in &self.rows {
            let result = match row.status {
                Status::Ok => "ok",
                Status::Skipped => "skipped",
                Status::Failed => "FAILED",
            };
            let detail = first_line(&row.detail, 100);
            let _ = writeln!(
                out,
                "{:<width$}  {:>8}  {:<7}  {detail}",
                row.name,
                seconds(row.time),
                result
            );
        }
        let _ = writeln!(
            out,
            "{:<width$}  {:>8}",
            "total",
            seconds(self.started.elapsed())
        );
        out
    }

    fn push(&mut self, name: &str, time: Duration, status: Status, detail: String) {
        self.rows.push(Row {
            name: name.to_owned(),
            time,
            status,
            detail,
        });
    }
}

/// A duration as `1.2s`.
pub fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}...")
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_ok_skipped_and_failed_steps() {
        let mut steps = Steps::default();
        assert_eq!(steps.run("a", || Ok(Done::new(1))).ok(), Some(1));
        assert!(steps.run("b", || Ok(Done::skipped((), "why"))).is_ok());
        assert!(!steps.any_failed());
        let err = steps
            .run::<()>("c", || Err(anyhow::anyhow!("boom")))
            .expect_err("must fail");
        assert!(format!("{err:#}").contains("step `c` failed: boom"));
        assert!(steps.any_failed());
        let table = steps.table();
        assert!(table.contains("skipped: why"), "{table}");
        assert!(table.contains("FAILED"), "{table}");
        assert!(table
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("total"));
    }
}
