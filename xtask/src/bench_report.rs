//! The benchmark report: from the measurements `benches/browser/run.mjs` writes, each
//! contender's median per workload, its ratio to plain JS (the median of the ratios
//! paired round by round, with a distribution-free 95% interval), its script time per
//! message, the targets of issue 15 with their verdicts, and the memory figures;
//! printed as Markdown (what the README shows) and written as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bench_stats::{percentile, Spread};
use crate::bench_targets::{self, Target};

/// The contender every ratio is measured against.
pub const BASELINE: &str = "plain-js";

/// What the driver writes.
#[derive(Debug, Deserialize)]
pub struct Raw {
    /// Browser, clock step, how the run was set up.
    pub meta: Value,
    /// The workloads, in order.
    pub workloads: Vec<RawWorkload>,
    /// One record per run of one contender on one workload.
    pub records: Vec<Record>,
    /// The memory workloads, when run.
    pub memory: Option<RawMemory>,
}

/// A workload as the driver ran it.
#[derive(Debug, Clone, Deserialize)]
pub struct RawWorkload {
    /// `W1`, `W2`, ...
    pub id: String,
    /// `binary`, `text`, `roundTrips`, `push`, `canvasImage` or `canvasPixels`.
    pub kind: String,
    /// Messages (or round trips) per run.
    pub count: u64,
    /// Bytes per message.
    pub size: u64,
}

/// One run of one contender on one workload.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// Which round: the runs of one round are paired.
    pub round: u32,
    /// The workload id.
    pub workload: String,
    /// The contender.
    pub contender: String,
    /// Messages (or round trips).
    pub count: u64,
    /// Bytes per message.
    pub size: u64,
    /// Time for the whole run (pipelined and pushed workloads).
    pub ms: Option<f64>,
    /// Time of each round trip (round-trip and canvas workloads).
    pub samples: Option<Vec<f64>>,
    /// Main-thread script time during the run (DevTools `ScriptDuration`).
    pub script_ms: f64,
}

/// The memory workloads' samples.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawMemory {
    /// The connect/close cycles.
    pub cycles: MemoryPart,
    /// The echoed message flood.
    pub messages: MemoryPart,
    /// The messages the server pushed (W6's feed, at length).
    pub pushed: Option<MemoryPart>,
    /// Listeners the library held at the end.
    pub listeners_at_end: u64,
}

/// One memory workload.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryPart {
    /// Cycles or messages.
    pub count: u64,
    /// How long it took.
    pub ms: f64,
    /// Memory in use, sampled (after a garbage collection) at the start and at even
    /// steps.
    pub samples: Vec<MemorySample>,
}

/// Memory in use at one point.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemorySample {
    /// The wasm linear memory (`memory.buffer.byteLength`).
    pub wasm_bytes: u64,
    /// `performance.memory.usedJSHeapSize`, where the browser has it.
    pub js_heap_bytes: Option<u64>,
    /// `live_listeners()`.
    pub listeners: u64,
}

/// How a workload's value is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Messages per second over the whole run.
    MessagesPerSecond,
    /// Payload megabytes (10^6 bytes) per second over the whole run.
    MegabytesPerSecond,
    /// The mean time of a run's round trips, in ms (lower is better). Browsers
    /// coarsen `performance.now()` (Chromium to 0.1 ms, with jitter), which
    /// quantizes a median of loopback round trips; the mean of many jittered
    /// readings resolves finer.
    MeanMs,
    /// The median time of a run's round trips, in ms (lower is better): for the
    /// canvas round trips, long enough for the clock.
    MedianMs,
}

impl Measure {
    /// The measure for a workload.
    pub fn of(workload: &RawWorkload) -> Self {
        match workload.kind.as_str() {
            "binary" | "text" | "push" if workload.size >= 1 << 20 => Self::MegabytesPerSecond,
            "binary" | "text" | "push" => Self::MessagesPerSecond,
            "roundTrips" => Self::MeanMs,
            _ => Self::MedianMs,
        }
    }

    /// Its unit.
    pub fn unit(self) -> &'static str {
        match self {
            Self::MessagesPerSecond => "msg/s",
            Self::MegabytesPerSecond => "MB/s",
            Self::MeanMs | Self::MedianMs => "ms",
        }
    }

    /// Whether more is better (throughput) or less (time).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Self::MessagesPerSecond | Self::MegabytesPerSecond)
    }

    /// The value of one run.
    pub fn value(self, record: &Record) -> Option<f64> {
        let samples = || record.samples.as_deref().filter(|s| !s.is_empty());
        match self {
            Self::MessagesPerSecond => record.ms.map(|ms| record.count as f64 * 1000.0 / ms),
            Self::MegabytesPerSecond => record
                .ms
                .map(|ms| (record.count * record.size) as f64 / 1e6 * 1000.0 / ms),
            Self::MeanMs => samples().map(|s| s.iter().sum::<f64>() / s.len() as f64),
            Self::MedianMs => samples().and_then(Spread::of).map(|s| s.median),
        }
    }
}

/// A short description of a workload.
pub fn title(workload: &RawWorkload) -> String {
    let size = match workload.size {
        s if s >= 1 << 20 => format!("{} MiB", s >> 20),
        s if s >= 1024 => format!("{} KiB", s >> 10),
        s => format!("{s} B"),
    };
    let count = thousands(workload.count);
    match workload.kind.as_str() {
        "binary" => format!("{count} binary of {size}, pipelined"),
        "text" => format!("{count} text of {size}, pipelined"),
        "roundTrips" => format!("{count} round trips of {size}"),
        "push" => format!("{count} binary of {size} pushed by the server"),
        "canvasImage" => "512x512 canvas as PNG, round trip".to_owned(),
        "canvasPixels" => "512x512 canvas as raw pixels, round trip".to_owned(),
        other => other.to_owned(),
    }
}

/// One contender's figures on one workload.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The contender.
    pub contender: String,
    /// Its values, one per round.
    pub value: Spread,
    /// Its ratio to plain JS, paired round by round (absent for plain JS itself).
    pub ratio: Option<Spread>,
    /// Main-thread script time per message, in µs.
    pub script_us_per_message: Spread,
    /// For round trips: the 99th percentile of each run's round trips, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<Spread>,
    /// Each round's value and script time per message, for pairing with others.
    #[serde(skip)]
    pub rounds: BTreeMap<u32, (f64, f64)>,
}

/// One workload's figures.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadReport {
    /// `W1`...
    pub id: String,
    /// What it does.
    pub title: String,
    /// The unit of `value`.
    pub unit: &'static str,
    /// What `value` is (`mean` of round trips, else `median` or a rate).
    pub measure: &'static str,
    /// Whether a higher value (and ratio) is better.
    pub higher_is_better: bool,
    /// One per contender that ran it.
    pub cells: Vec<Cell>,
}

impl WorkloadReport {
    /// The cell of a contender.
    pub fn cell(&self, contender: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.contender == contender)
    }
}

/// The memory figures.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryReport {
    /// What ran.
    pub what: String,
    /// Samples after warm-up (the first 10% of the workload).
    pub warm: MemorySample,
    /// The largest wasm memory seen after warm-up.
    pub max_wasm_bytes: u64,
    /// The largest JS heap seen after warm-up.
    pub max_js_heap_bytes: Option<u64>,
    /// At the end.
    pub end: MemorySample,
    /// How long it took, in s.
    pub seconds: f64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What the driver recorded about the run.
    pub meta: Value,
    /// The workloads.
    pub workloads: Vec<WorkloadReport>,
    /// The targets of issue 15 and their verdicts.
    pub targets: Vec<Target>,
    /// The memory workloads.
    pub memory: Vec<MemoryReport>,
    /// Listeners the library held after the memory workloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listeners_at_end: Option<u64>,
}

/// The contenders in a stable order: plain JS first, then ours, then the others.
fn order(name: &str) -> (usize, &str) {
    let rank = match name {
        BASELINE => 0,
        "ours-stream" => 1,
        "ours-callbacks" => 2,
        "ours-js" => 3,
        _ => 4,
    };
    (rank, name)
}

/// Builds the report.
pub fn build(raw: &Raw) -> Report {
    let workloads: Vec<WorkloadReport> = raw
        .workloads
        .iter()
        .map(|workload| workload_report(workload, &raw.records))
        .collect();
    let memory = raw.memory.as_ref().map_or_else(Vec::new, memory_reports);
    let targets = bench_targets::targets(&workloads, raw.memory.as_ref());
    Report {
        meta: raw.meta.clone(),
        workloads,
        targets,
        memory,
        listeners_at_end: raw.memory.as_ref().map(|m| m.listeners_at_end),
    }
}

/// The ratios of `a` to `b`, paired by round (rounds where both ran), as a spread.
pub fn paired(
    a: &BTreeMap<u32, (f64, f64)>,
    b: &BTreeMap<u32, (f64, f64)>,
    pick: impl Fn(&(f64, f64)) -> f64,
) -> Option<Spread> {
    let ratios: Vec<f64> = a
        .iter()
        .filter_map(|(round, mine)| Some(pick(mine) / pick(b.get(round)?)))
        .collect();
    Spread::of(&ratios)
}

fn workload_report(workload: &RawWorkload, records: &[Record]) -> WorkloadReport {
    let measure = Measure::of(workload);
    let mut by_contender: BTreeMap<(usize, &str), Vec<&Record>> = BTreeMap::new();
    for record in records.iter().filter(|r| r.workload == workload.id) {
        by_contender
            .entry(order(&record.contender))
            .or_default()
            .push(record);
    }
    let per_round = |runs: &[&Record]| -> BTreeMap<u32, (f64, f64)> {
        runs.iter()
            .filter_map(|r| {
                let script = r.script_ms * 1000.0 / r.count.max(1) as f64;
                Some((r.round, (measure.value(r)?, script)))
            })
            .collect()
    };
    let baseline = by_contender
        .iter()
        .find(|((_, name), _)| *name == BASELINE)
        .map(|(_, runs)| per_round(runs))
        .unwrap_or_default();
    let p99 = |record: &&Record| {
        let mut samples = record.samples.clone()?;
        samples.sort_by(f64::total_cmp);
        (!samples.is_empty()).then(|| percentile(&samples, 0.99))
    };
    let cells = by_contender
        .into_iter()
        .filter_map(|((_, contender), runs)| {
            let rounds = per_round(&runs);
            let values: Vec<f64> = rounds.values().map(|v| v.0).collect();
            let script: Vec<f64> = runs
                .iter()
                .map(|r| r.script_ms * 1000.0 / r.count.max(1) as f64)
                .collect();
            Some(Cell {
                contender: contender.to_owned(),
                value: Spread::of(&values)?,
                ratio: (contender != BASELINE)
                    .then(|| paired(&rounds, &baseline, |v| v.0))
                    .flatten(),
                script_us_per_message: Spread::of(&script)?,
                p99_ms: (measure == Measure::MeanMs)
                    .then(|| Spread::of(&runs.iter().filter_map(p99).collect::<Vec<_>>()))
                    .flatten(),
                rounds,
            })
        })
        .collect();
    WorkloadReport {
        id: workload.id.clone(),
        title: title(workload),
        unit: measure.unit(),
        measure: match measure {
            Measure::MeanMs => "mean",
            Measure::MedianMs => "median",
            _ => "rate",
        },
        higher_is_better: measure.higher_is_better(),
        cells,
    }
}

/// The memory workloads, as reported: the cycles, the echoed flood, the pushed feed.
pub fn memory_reports(memory: &RawMemory) -> Vec<MemoryReport> {
    let mut parts = vec![
        (
            format!("{} connect/close cycles", thousands(memory.cycles.count)),
            &memory.cycles,
        ),
        (
            format!(
                "{} echoed messages of 1 KiB",
                thousands(memory.messages.count)
            ),
            &memory.messages,
        ),
    ];
    if let Some(pushed) = &memory.pushed {
        parts.push((
            format!("{} pushed messages of 1 KiB (W6)", thousands(pushed.count)),
            pushed,
        ));
    }
    parts
        .into_iter()
        .filter_map(|(what, part)| {
            // Sample 0 is the start; the warm-up ends at the first sample after it.
            let warm = *part.samples.get(1)?;
            let after = part.samples.get(1..)?;
            Some(MemoryReport {
                what,
                warm,
                max_wasm_bytes: after.iter().map(|s| s.wasm_bytes).max()?,
                max_js_heap_bytes: after.iter().filter_map(|s| s.js_heap_bytes).max(),
                end: *part.samples.last()?,
                seconds: part.ms / 1000.0,
            })
        })
        .collect()
}

/// A whole number with thousands separators.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number with about three significant digits and thousands separators.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "-".to_owned();
    }
    if value.abs() >= 1000.0 {
        let rounded = value.round() as i64;
        let digits = rounded.abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if rounded < 0 {
            out.insert(0, '-');
        }
        out
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A ratio with its interval: `1.02 (0.99-1.05)`.
pub fn with_interval(spread: &Spread) -> String {
    format!(
        "{:.2} ({:.2}-{:.2})",
        spread.median, spread.ci95.0, spread.ci95.1
    )
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// The contenders' names as the table shows them.
pub fn label(contender: &str) -> &str {
    match contender {
        "plain-js" => "plain JS",
        "ours-stream" => "ours, Stream/Sink",
        "ours-callbacks" => "ours, callbacks",
        "ours-js" => "ours, JS API",
        "gloo-net" => "gloo-net 0.7",
        "ws-stream-wasm" => "ws_stream_wasm 0.7",
        other => other,
    }
}

/// One line on how the run went: browser, rounds, time.
pub fn summary(report: &Report) -> String {
    let meta = &report.meta;
    let browser = meta
        .get("userAgent")
        .and_then(Value::as_str)
        .and_then(|ua| {
            ua.split(' ')
                .find(|part| part.starts_with("HeadlessChrome/"))
        })
        .map_or("Chromium".to_owned(), |part| {
            part.replace("HeadlessChrome/", "headless Chromium ")
        });
    let get = |key: &str| meta.get(key).and_then(Value::as_f64);
    let rounds = get("rounds").unwrap_or(0.0);
    let browsers = get("browsers").unwrap_or(0.0);
    let minutes = get("seconds").unwrap_or(0.0) / 60.0;
    let quick = if meta.get("quick").and_then(Value::as_bool) == Some(true) {
        " (--quick: smaller workloads)"
    } else {
        ""
    };
    format!(
        "{browser}; {rounds} rounds in {browsers} browser sessions, {minutes:.1} minutes{quick}. \
         Each ratio is the median of the per-round ratios (both sides of a ratio ran in the same \
         round), with its distribution-free 95% interval in brackets."
    )
}

/// The workloads as a Markdown table.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| workload | contender | median | ratio to plain JS (95% interval) | script µs/msg |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|");
    for w in &report.workloads {
        let better = if w.higher_is_better {
            "higher"
        } else {
            "lower"
        };
        for (i, cell) in w.cells.iter().enumerate() {
            let name = if i == 0 {
                format!("{} {} ({better} is better)", w.id, w.title)
            } else {
                String::new()
            };
            let mut value = match w.measure {
                "mean" => format!("mean {} {}", number(cell.value.median), w.unit),
                _ => format!("{} {}", number(cell.value.median), w.unit),
            };
            if let Some(p99) = cell.p99_ms {
                let _ = write!(value, ", p99 {}", number(p99.median));
            }
            let ratio = cell
                .ratio
                .as_ref()
                .map_or_else(|| "1 (baseline)".to_owned(), with_interval);
            let _ = writeln!(
                out,
                "| {name} | {} | {value} | {ratio} | {:.2} |",
                label(&cell.contender),
                cell.script_us_per_message.median
            );
        }
    }
    out
}

/// The memory figures as a Markdown table (empty without them).
pub fn memory_table(report: &Report) -> String {
    let mut out = String::new();
    if report.memory.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "| memory (ours, Stream) | wasm memory after warm-up / max after / end | JS heap after warm-up / max after / end | time |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for m in &report.memory {
        let heap = match (
            m.warm.js_heap_bytes,
            m.max_js_heap_bytes,
            m.end.js_heap_bytes,
        ) {
            (Some(warm), Some(max), Some(end)) => {
                format!("{} / {} / {}", mib(warm), mib(max), mib(end))
            }
            _ => "not measured".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} / {} / {} | {heap} | {:.0} s |",
            m.what,
            mib(m.warm.wasm_bytes),
            mib(m.max_wasm_bytes),
            mib(m.end.wasm_bytes),
            m.seconds
        );
    }
    if let Some(listeners) = report.listeners_at_end {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Live listeners after the memory workloads: {listeners}."
        );
    }
    out
}

/// The whole report as Markdown: the summary, the workloads, the targets with their
/// verdicts, the memory figures (what `target/bench/report.md` holds).
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(report));
    let _ = writeln!(out);
    out.push_str(&table(report));
    let _ = writeln!(out);
    out.push_str(&bench_targets::markdown(&report.targets));
    let memory = memory_table(report);
    if !memory.is_empty() {
        let _ = writeln!(out);
        out.push_str(&memory);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn workload(id: &str, kind: &str, count: u64, size: u64) -> RawWorkload {
        RawWorkload {
            id: id.to_owned(),
            kind: kind.to_owned(),
            count,
            size,
        }
    }

    pub(crate) fn record(round: u32, workload: &RawWorkload, contender: &str, ms: f64) -> Record {
        Record {
            round,
            workload: workload.id.clone(),
            contender: contender.to_owned(),
            count: workload.count,
            size: workload.size,
            ms: Some(ms),
            samples: None,
            script_ms: ms / 10.0,
        }
    }

    #[test]
    fn measures_follow_the_workload() {
        let w1 = workload("W1", "binary", 20_000, 1024);
        let w3 = workload("W3", "binary", 64, 1 << 20);
        let w4 = workload("W4", "roundTrips", 2000, 32);
        let w5 = workload("W5-image", "canvasImage", 5, 512);
        let w6 = workload("W6", "push", 10_000, 1024);
        assert_eq!(Measure::of(&w1), Measure::MessagesPerSecond);
        assert_eq!(Measure::of(&w3), Measure::MegabytesPerSecond);
        assert_eq!(Measure::of(&w4), Measure::MeanMs);
        assert_eq!(Measure::of(&w5), Measure::MedianMs);
        assert_eq!(Measure::of(&w6), Measure::MessagesPerSecond);
        let run = record(0, &w1, BASELINE, 1000.0);
        assert_eq!(Measure::MessagesPerSecond.value(&run), Some(20_000.0));
        let run = record(0, &w3, BASELINE, 500.0);
        let mb = Measure::MegabytesPerSecond.value(&run).expect("a value");
        assert!((mb - 134.217_728).abs() < 1e-6, "{mb}");
        let mut trips = record(0, &w4, BASELINE, 0.0);
        trips.samples = Some(vec![0.1, 0.1, 0.4]);
        assert!((Measure::MeanMs.value(&trips).expect("a mean") - 0.2).abs() < 1e-12);
        assert!((Measure::MedianMs.value(&trips).expect("a median") - 0.1).abs() < 1e-12);
        trips.samples = Some(Vec::new());
        assert_eq!(Measure::MeanMs.value(&trips), None);
        assert_eq!(title(&w3), "64 binary of 1 MiB, pipelined");
        assert_eq!(title(&w6), "10,000 binary of 1 KiB pushed by the server");
    }

    #[test]
    fn ratios_are_paired_by_round() {
        let w1 = workload("W1", "binary", 1000, 1024);
        // Round 0: plain 100 ms, ours 200 ms (ratio 0.5); round 1: plain 300 ms, ours
        // 300 ms (1.0); round 2: plain 100 ms, ours 125 ms (0.8). Unpaired, the medians
        // would give 100 / 200 = 0.5.
        let records = vec![
            record(0, &w1, BASELINE, 100.0),
            record(0, &w1, "ours-stream", 200.0),
            record(1, &w1, BASELINE, 300.0),
            record(1, &w1, "ours-stream", 300.0),
            record(2, &w1, BASELINE, 100.0),
            record(2, &w1, "ours-stream", 125.0),
            // A round plain JS did not run is left out of the ratios.
            record(3, &w1, "ours-stream", 1000.0),
        ];
        let report = workload_report(&w1, &records);
        let ours = report.cell("ours-stream").expect("ours");
        assert_eq!(report.cells[0].contender, BASELINE);
        assert!(report.cells[0].ratio.is_none());
        let ratio = ours.ratio.expect("a ratio");
        assert!((ratio.median - 0.8).abs() < 1e-9, "{ratio:?}");
        assert_eq!((ratio.min, ratio.max, ratio.n), (0.5, 1.0, 3));
        // script_ms is a tenth of ms: 20, 30, 12.5, 100 µs for 1000 messages.
        assert!((ours.script_us_per_message.median - 25.0).abs() < 1e-9);
    }

    #[test]
    fn round_trips_report_the_mean_and_p99() {
        let w4 = workload("W4", "roundTrips", 100, 32);
        let samples = |base: f64| (1..=100).map(|i| base * f64::from(i)).collect::<Vec<_>>();
        let mut plain = record(0, &w4, BASELINE, 0.0);
        plain.ms = None;
        plain.samples = Some(samples(0.01));
        let mut gloo = plain.clone();
        gloo.contender = "gloo-net".to_owned();
        gloo.samples = Some(samples(0.05));
        let report = workload_report(&w4, &[plain, gloo]);
        let gloo = report.cell("gloo-net").expect("gloo");
        assert!((gloo.value.median - 2.525).abs() < 1e-9, "{:?}", gloo.value);
        assert!((gloo.ratio.expect("ratio").median - 5.0).abs() < 1e-9);
        assert!((gloo.p99_ms.expect("p99").median - 4.9505).abs() < 1e-9);
        assert!(!report.higher_is_better);
        assert_eq!(report.measure, "mean");
    }

    #[test]
    fn numbers_are_readable() {
        assert_eq!(number(20_123.4), "20,123");
        assert_eq!(number(1_234_567.0), "1,234,567");
        assert_eq!(number(123.4), "123");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(0.1234), "0.12");
        assert_eq!(number(f64::NAN), "-");
        assert_eq!(thousands(64), "64");
        assert_eq!(thousands(100_000), "100,000");
    }

    #[test]
    fn memory_uses_the_samples_after_warm_up() {
        let sample = |wasm, heap| MemorySample {
            wasm_bytes: wasm,
            js_heap_bytes: Some(heap),
            listeners: 0,
        };
        let part = |samples| MemoryPart {
            count: 100,
            ms: 2000.0,
            samples,
        };
        let memory = RawMemory {
            cycles: part(vec![
                sample(1, 10),
                sample(5, 50),
                sample(6, 40),
                sample(5, 45),
            ]),
            messages: part(vec![sample(1, 1)]),
            pushed: Some(part(vec![sample(1, 1), sample(2, 2)])),
            listeners_at_end: 0,
        };
        let reports = memory_reports(&memory);
        assert_eq!(
            reports.len(),
            2,
            "a part with no sample after the start is left out"
        );
        let cycles = &reports[0];
        assert_eq!((cycles.warm.wasm_bytes, cycles.max_wasm_bytes), (5, 6));
        assert_eq!(cycles.max_js_heap_bytes, Some(50));
        assert_eq!(cycles.end.js_heap_bytes, Some(45));
        assert!(reports[1].what.contains("pushed"));
    }

    #[test]
    fn the_markdown_holds_the_table_the_targets_and_the_intervals() {
        let w1 = workload("W1", "binary", 1000, 1024);
        let mut records = Vec::new();
        for round in 0..20 {
            records.push(record(round, &w1, BASELINE, 100.0));
            records.push(record(
                round,
                &w1,
                "ours-stream",
                100.0 + f64::from(round % 4),
            ));
        }
        let raw = Raw {
            meta: serde_json::json!({ "rounds": 20, "browsers": 4, "seconds": 600.0 }),
            workloads: vec![w1],
            records,
            memory: None,
        };
        let text = markdown(&build(&raw));
        assert!(text.contains("20 rounds in 4 browser sessions"), "{text}");
        assert!(
            text.contains("| ours, Stream/Sink | 9,852 msg/s | 0.99 (0.98-0.99) |"),
            "{text}"
        );
        assert!(text.contains("| target |"), "{text}");
    }
}
