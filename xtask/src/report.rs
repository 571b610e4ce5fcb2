//! The benchmark report: from the measurements `benches/browser/run.mjs` writes, the
//! medians, the ratios to plain JS (paired run by run) with their spread, the script
//! time per message, the targets of issue 6 and the memory figures; printed as a
//! table and written as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The contender every ratio is measured against.
pub const BASELINE: &str = "plain-js";

/// Our Rust contenders, checked against the targets.
pub const OURS_RUST: [&str; 2] = ["ours-stream", "ours-callbacks"];

/// The other Rust libraries, with the names the targets give them.
pub const OTHERS: [(&str, &str); 2] = [
    ("gloo-net", "gloo-net"),
    ("ws-stream-wasm", "ws_stream_wasm"),
];

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
    /// `binary`, `text`, `roundTrips`, `canvasImage` or `canvasPixels`.
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
    /// Which browser run.
    pub run: u32,
    /// Which round within it.
    pub rep: u32,
    /// The workload id.
    pub workload: String,
    /// The contender.
    pub contender: String,
    /// Messages (or round trips).
    pub count: u64,
    /// Bytes per message.
    pub size: u64,
    /// Time for the whole run (pipelined workloads).
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
    /// The message flood.
    pub messages: MemoryPart,
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

/// A median with its spread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The first quartile.
    pub p25: f64,
    /// The third quartile.
    pub p75: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub n: usize,
    /// A 95% confidence interval of the median (bootstrap, percentile method): where
    /// the median of many more runs would likely fall.
    pub ci95: (f64, f64),
}

impl Spread {
    /// The spread of `values` (`None` when there are none).
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        Some(Self {
            median: percentile(&sorted, 0.5),
            p25: percentile(&sorted, 0.25),
            p75: percentile(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            n: sorted.len(),
            ci95: median_interval(&sorted),
        })
    }

    /// Whether `bound` lies within the 95% interval of the median.
    pub fn admits(&self, bound: f64) -> bool {
        self.ci95.0 <= bound && bound <= self.ci95.1
    }
}

/// A 95% bootstrap interval of the median of `sorted` (2,000 resamples with a fixed
/// seed, so a report made again from the same measurements is the same).
fn median_interval(sorted: &[f64]) -> (f64, f64) {
    const RESAMPLES: usize = 2000;
    let n = sorted.len();
    if n < 3 {
        return (sorted[0], sorted[n - 1]);
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut sample = vec![0.0; n];
    let mut medians: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            for slot in &mut sample {
                *slot = sorted[(next() % n as u64) as usize];
            }
            sample.sort_by(f64::total_cmp);
            percentile(&sample, 0.5)
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    (percentile(&medians, 0.025), percentile(&medians, 0.975))
}

/// The `q` quantile of sorted values, interpolated linearly between ranks.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let rank = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let low = rank.floor() as usize;
            let high = rank.ceil() as usize;
            sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
        }
    }
}

/// How a workload's value is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Messages per second over the whole run.
    MessagesPerSecond,
    /// Payload megabytes (10^6 bytes) per second over the whole run.
    MegabytesPerSecond,
    /// The median time of one round trip, in ms (lower is better).
    MedianMs,
}

impl Measure {
    /// The measure for a workload.
    pub fn of(workload: &RawWorkload) -> Self {
        match workload.kind.as_str() {
            "binary" | "text" if workload.size >= 1 << 20 => Self::MegabytesPerSecond,
            "binary" | "text" => Self::MessagesPerSecond,
            _ => Self::MedianMs,
        }
    }

    /// Its unit.
    pub fn unit(self) -> &'static str {
        match self {
            Self::MessagesPerSecond => "msg/s",
            Self::MegabytesPerSecond => "MB/s",
            Self::MedianMs => "ms",
        }
    }

    /// Whether more is better (throughput) or less (time).
    pub fn higher_is_better(self) -> bool {
        self != Self::MedianMs
    }

    /// The value of one run.
    pub fn value(self, record: &Record) -> Option<f64> {
        match self {
            Self::MessagesPerSecond => record.ms.map(|ms| record.count as f64 * 1000.0 / ms),
            Self::MegabytesPerSecond => record
                .ms
                .map(|ms| (record.count * record.size) as f64 / 1e6 * 1000.0 / ms),
            Self::MedianMs => record
                .samples
                .as_deref()
                .and_then(Spread::of)
                .map(|s| s.median),
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
    match workload.kind.as_str() {
        "binary" => format!("{} binary of {size}, pipelined", workload.count),
        "text" => format!("{} text of {size}, pipelined", workload.count),
        "roundTrips" => format!("{} round trips of {size}", workload.count),
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
    /// Its values, one per run.
    pub value: Spread,
    /// Its ratio to plain JS, paired run by run (absent for plain JS itself).
    pub ratio: Option<Spread>,
    /// Main-thread script time per message, in µs.
    pub script_us_per_message: Spread,
    /// For round trips: the 99th percentile of each run's round trips, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<Spread>,
    /// For round trips: the ratio of the p99 to plain JS's, paired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_ratio: Option<Spread>,
    /// For round trips: the mean of each run's round trips, in ms. Browsers coarsen
    /// `performance.now()` (Chromium to 0.1 ms, with jitter), which quantizes the
    /// median; the mean of thousands of jittered readings resolves finer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_ms: Option<Spread>,
    /// For round trips: the ratio of the mean to plain JS's, paired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_ratio: Option<Spread>,
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
    /// Whether a higher value (and ratio) is better.
    pub higher_is_better: bool,
    /// One per contender that ran it.
    pub cells: Vec<Cell>,
}

/// One target of issue 6 and whether this run met it.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// What is required.
    pub what: String,
    /// What was measured.
    pub measured: String,
    /// Whether it was met.
    pub met: bool,
    /// For a ratio target that was not met: whether the 95% interval of the median
    /// still includes the bound (more runs could tell; the spread does not).
    pub undecided: bool,
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
    /// The targets.
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
    let targets = targets(&workloads);
    let memory = raw.memory.as_ref().map_or_else(Vec::new, memory_reports);
    Report {
        meta: raw.meta.clone(),
        workloads,
        targets,
        memory,
        listeners_at_end: raw.memory.as_ref().map(|m| m.listeners_at_end),
    }
}

fn workload_report(workload: &RawWorkload, records: &[Record]) -> WorkloadReport {
    let measure = Measure::of(workload);
    let mine: Vec<&Record> = records
        .iter()
        .filter(|r| r.workload == workload.id)
        .collect();
    let mut by_contender: BTreeMap<(usize, &str), Vec<&Record>> = BTreeMap::new();
    for record in &mine {
        by_contender
            .entry(order(&record.contender))
            .or_default()
            .push(record);
    }
    let baseline: BTreeMap<(u32, u32), &Record> = mine
        .iter()
        .filter(|r| r.contender == BASELINE)
        .map(|r| ((r.run, r.rep), *r))
        .collect();
    let p99 = |record: &Record| {
        let mut samples = record.samples.clone()?;
        samples.sort_by(f64::total_cmp);
        Some(percentile(&samples, 0.99))
    };
    let mean = |record: &Record| {
        let samples = record.samples.as_deref()?;
        (!samples.is_empty()).then(|| samples.iter().sum::<f64>() / samples.len() as f64)
    };
    let is_round_trips = workload.kind == "roundTrips";
    let cells = by_contender
        .into_iter()
        .filter_map(|((_, contender), runs)| {
            let values: Vec<f64> = runs.iter().filter_map(|r| measure.value(r)).collect();
            let paired = |f: &dyn Fn(&Record) -> Option<f64>| -> Option<Spread> {
                if contender == BASELINE {
                    return None;
                }
                let ratios: Vec<f64> = runs
                    .iter()
                    .filter_map(|r| {
                        let base = baseline.get(&(r.run, r.rep))?;
                        Some(f(r)? / f(base)?)
                    })
                    .collect();
                Spread::of(&ratios)
            };
            let script: Vec<f64> = runs
                .iter()
                .map(|r| r.script_ms * 1000.0 / r.count.max(1) as f64)
                .collect();
            Some(Cell {
                contender: contender.to_owned(),
                value: Spread::of(&values)?,
                ratio: paired(&|r| measure.value(r)),
                script_us_per_message: Spread::of(&script)?,
                p99_ms: is_round_trips
                    .then(|| Spread::of(&runs.iter().filter_map(|r| p99(r)).collect::<Vec<_>>()))
                    .flatten(),
                p99_ratio: is_round_trips.then(|| paired(&p99)).flatten(),
                mean_ms: is_round_trips
                    .then(|| Spread::of(&runs.iter().filter_map(|r| mean(r)).collect::<Vec<_>>()))
                    .flatten(),
                mean_ratio: is_round_trips.then(|| paired(&mean)).flatten(),
            })
        })
        .collect();
    WorkloadReport {
        id: workload.id.clone(),
        title: title(workload),
        unit: measure.unit(),
        higher_is_better: measure.higher_is_better(),
        cells,
    }
}

/// The ratio targets of issue 6 for our contenders, "ahead of gloo-net and
/// ws_stream_wasm", and "lowest script time of the Rust contenders".
fn targets(workloads: &[WorkloadReport]) -> Vec<Target> {
    let mut out = Vec::new();
    fn cell<'a>(w: &'a WorkloadReport, name: &str) -> Option<&'a Cell> {
        w.cells.iter().find(|c| c.contender == name)
    }
    for w in workloads {
        let bound = match w.id.as_str() {
            "W1" | "W2" => Some(0.95),
            "W3" => Some(0.98),
            "W4" => Some(1.05),
            _ => None,
        };
        for name in OURS_RUST.iter().chain(&["ours-js"]) {
            let Some(ours) = cell(w, name) else { continue };
            // Latency: the mean, as the median is quantized by the coarse clock.
            let (ratio, of) = match ours.mean_ratio {
                Some(mean) => (Some(mean), " (mean latency)"),
                None => (ours.ratio, ""),
            };
            if let (Some(bound), Some(ratio)) = (bound, ratio) {
                let (met, relation) = if w.higher_is_better {
                    (ratio.median >= bound, "at least")
                } else {
                    (ratio.median <= bound, "at most")
                };
                out.push(Target {
                    what: format!("{} {name}: {relation} {bound:.2}x plain JS{of}", w.id),
                    measured: format!(
                        "{:.3}, 95% interval {:.2}-{:.2}",
                        ratio.median, ratio.ci95.0, ratio.ci95.1
                    ),
                    met,
                    undecided: !met && ratio.admits(bound),
                });
            }
            for (other, shown) in OTHERS {
                let Some(theirs) = cell(w, other).filter(|_| OURS_RUST.contains(name)) else {
                    continue;
                };
                // Round trips: the mean, as the median is quantized by the coarse clock.
                let (mine, their_value, of) = match (ours.mean_ms, theirs.mean_ms) {
                    (Some(mine), Some(their_value)) => (mine.median, their_value.median, " (mean)"),
                    _ => (ours.value.median, theirs.value.median, ""),
                };
                let ahead = if w.higher_is_better {
                    mine > their_value
                } else {
                    mine < their_value
                };
                out.push(Target {
                    what: format!("{} {name}: ahead of {shown}{of}", w.id),
                    measured: format!("{} vs {} {}", number(mine), number(their_value), w.unit),
                    met: ahead,
                    undecided: false,
                });
                let (mine, their_script) = (
                    ours.script_us_per_message.median,
                    theirs.script_us_per_message.median,
                );
                out.push(Target {
                    what: format!("{} {name}: less script time per message than {shown}", w.id),
                    measured: format!("{mine:.2} vs {their_script:.2} µs"),
                    met: mine < their_script,
                    undecided: false,
                });
            }
        }
    }
    out
}

fn memory_reports(memory: &RawMemory) -> Vec<MemoryReport> {
    [
        (
            format!("{} connect/close cycles", memory.cycles.count),
            &memory.cycles,
        ),
        (
            format!("{} messages of 1 KiB", memory.messages.count),
            &memory.messages,
        ),
    ]
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

fn ratio_text(ratio: Option<Spread>) -> String {
    match ratio {
        None => "1 (baseline)".to_owned(),
        Some(r) => format!("{:.2} ({:.2}-{:.2})", r.median, r.p25, r.p75),
    }
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

/// The report as a Markdown table (workloads), a list of targets and the memory
/// figures: what `cargo xtask bench` prints and the README shows.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| workload | contender | median | ratio to plain JS (p25-p75) | script µs/msg |"
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
            let mut value = format!("{} {}", number(cell.value.median), w.unit);
            let mut ratio = ratio_text(cell.ratio);
            if let Some(mean) = cell.mean_ms {
                let _ = write!(value, ", mean {}", number(mean.median));
                if let Some(r) = cell.mean_ratio {
                    let _ = write!(ratio, ", mean {:.2}", r.median);
                }
            }
            if let Some(p99) = cell.p99_ms {
                let _ = write!(value, ", p99 {}", number(p99.median));
                if let Some(r) = cell.p99_ratio {
                    let _ = write!(ratio, ", p99 {:.2}", r.median);
                }
            }
            let _ = writeln!(
                out,
                "| {name} | {} | {value} | {ratio} | {:.2} |",
                label(&cell.contender),
                cell.script_us_per_message.median
            );
        }
    }
    if !report.memory.is_empty() {
        let _ = writeln!(out);
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
    }
    out
}

/// The targets as a list.
pub fn targets_text(report: &Report) -> String {
    let mut out = String::new();
    for target in &report.targets {
        let _ = writeln!(
            out,
            "{} {} (measured {}){}",
            if target.met { "met   " } else { "MISSED" },
            target.what,
            target.measured,
            if target.undecided {
                "; the interval includes the target: within the noise of this many runs"
            } else {
                ""
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(id: &str, kind: &str, count: u64, size: u64) -> RawWorkload {
        RawWorkload {
            id: id.to_owned(),
            kind: kind.to_owned(),
            count,
            size,
        }
    }

    fn record(rep: u32, workload: &RawWorkload, contender: &str, ms: f64) -> Record {
        Record {
            run: 0,
            rep,
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
    fn percentiles_interpolate_between_ranks() {
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&sorted, 0.5), 2.5);
        assert_eq!(percentile(&sorted, 0.0), 1.0);
        assert_eq!(percentile(&sorted, 1.0), 4.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        let spread = Spread::of(&[5.0, 1.0, 3.0]).expect("values");
        assert_eq!(
            (spread.median, spread.min, spread.max, spread.n),
            (3.0, 1.0, 5.0, 3)
        );
        assert!(Spread::of(&[]).is_none());
    }

    #[test]
    fn measures_follow_the_workload() {
        let w1 = workload("W1", "binary", 20_000, 1024);
        let w3 = workload("W3", "binary", 64, 1 << 20);
        let w4 = workload("W4", "roundTrips", 2000, 32);
        assert_eq!(Measure::of(&w1), Measure::MessagesPerSecond);
        assert_eq!(Measure::of(&w3), Measure::MegabytesPerSecond);
        assert_eq!(Measure::of(&w4), Measure::MedianMs);
        let run = record(0, &w1, BASELINE, 1000.0);
        assert_eq!(Measure::MessagesPerSecond.value(&run), Some(20_000.0));
        let run = record(0, &w3, BASELINE, 500.0);
        let mb = Measure::MegabytesPerSecond.value(&run).expect("a value");
        assert!((mb - 134.217_728).abs() < 1e-6, "{mb}");
        assert_eq!(title(&w3), "64 binary of 1 MiB, pipelined");
    }

    #[test]
    fn ratios_are_paired_by_round() {
        let w1 = workload("W1", "binary", 1000, 1024);
        // Round 0: plain 100 ms, ours 200 ms (ratio 0.5); round 1: plain 300 ms, ours
        // 300 ms (1.0); round 2: plain 100 ms, ours 125 ms (0.8).
        let records = vec![
            record(0, &w1, BASELINE, 100.0),
            record(0, &w1, "ours-stream", 200.0),
            record(1, &w1, BASELINE, 300.0),
            record(1, &w1, "ours-stream", 300.0),
            record(2, &w1, BASELINE, 100.0),
            record(2, &w1, "ours-stream", 125.0),
        ];
        let report = workload_report(&w1, &records);
        let ours = &report.cells[1];
        assert_eq!(report.cells[0].contender, BASELINE);
        assert!(report.cells[0].ratio.is_none());
        let ratio = ours.ratio.expect("a ratio");
        assert!((ratio.median - 0.8).abs() < 1e-9, "{ratio:?}");
        assert_eq!((ratio.min, ratio.max, ratio.n), (0.5, 1.0, 3));
        // script_ms is a tenth of ms: 20, 30, 12.5 ms for 1000 messages.
        assert!((ours.script_us_per_message.median - 20.0).abs() < 1e-9);
    }

    #[test]
    fn round_trips_report_median_and_p99() {
        let w4 = workload("W4", "roundTrips", 100, 32);
        let samples = |base: f64| (1..=100).map(|i| base * f64::from(i)).collect::<Vec<_>>();
        let mut plain = record(0, &w4, BASELINE, 0.0);
        plain.ms = None;
        plain.samples = Some(samples(0.01));
        let mut gloo = plain.clone();
        gloo.contender = "gloo-net".to_owned();
        gloo.samples = Some(samples(0.05));
        let report = workload_report(&w4, &[plain, gloo]);
        let gloo = &report.cells[1];
        assert!((gloo.value.median - 2.525).abs() < 1e-9, "{:?}", gloo.value);
        assert!((gloo.ratio.expect("ratio").median - 5.0).abs() < 1e-9);
        assert!((gloo.p99_ratio.expect("p99 ratio").median - 5.0).abs() < 1e-9);
        assert!((gloo.mean_ms.expect("mean").median - 2.525).abs() < 1e-9);
        assert!((gloo.mean_ratio.expect("mean ratio").median - 5.0).abs() < 1e-9);
        assert!(!report.higher_is_better);
    }

    #[test]
    fn targets_compare_with_the_bounds_and_gloo() {
        let w1 = workload("W1", "binary", 1000, 1024);
        let records = vec![
            record(0, &w1, BASELINE, 100.0),
            record(0, &w1, "ours-stream", 104.0),
            record(0, &w1, "ours-callbacks", 120.0),
            record(0, &w1, "gloo-net", 1000.0),
        ];
        let report = workload_report(&w1, &records);
        let targets = targets(&[report]);
        let find = |what: &str| {
            targets
                .iter()
                .find(|t| t.what == what)
                .map(|t| t.met)
                .unwrap_or_else(|| panic!("no target {what}: {targets:?}"))
        };
        assert!(find("W1 ours-stream: at least 0.95x plain JS"));
        assert!(!find("W1 ours-callbacks: at least 0.95x plain JS"));
        assert!(find("W1 ours-stream: ahead of gloo-net"));
        assert!(find(
            "W1 ours-callbacks: less script time per message than gloo-net"
        ));
    }

    #[test]
    fn the_median_interval_holds_the_median_and_widens_with_the_spread() {
        let tight = Spread::of(&[0.99, 1.0, 1.0, 1.01, 1.0, 0.99, 1.01, 1.0, 1.0]).expect("values");
        let loose = Spread::of(&[0.8, 1.2, 0.9, 1.1, 1.0, 0.85, 1.15, 0.95, 1.05]).expect("values");
        for spread in [tight, loose] {
            let (low, high) = spread.ci95;
            assert!(spread.min <= low && low <= spread.median, "{spread:?}");
            assert!(spread.median <= high && high <= spread.max, "{spread:?}");
        }
        assert!(loose.ci95.1 - loose.ci95.0 > 4.0 * (tight.ci95.1 - tight.ci95.0));
        let same = Spread::of(&[2.0; 9]).expect("values");
        assert_eq!(same.ci95, (2.0, 2.0));
        // The same values give the same interval (a fixed seed).
        assert_eq!(
            Spread::of(&[0.8, 1.2, 0.9, 1.1, 1.0, 0.85, 1.15, 0.95, 1.05]).expect("values"),
            loose
        );
    }

    #[test]
    fn a_miss_within_the_interval_is_undecided_and_one_outside_is_not() {
        let w1 = workload("W1", "binary", 1000, 1024);
        let mut records = Vec::new();
        // Plain JS takes 100 ms; ours-stream 100-110 ms (ratios 0.91-1.0, median
        // below 0.95); ours-callbacks always 125 ms (ratio 0.8).
        for (rep, stream_ms) in [110.0, 104.0, 108.0, 100.0, 106.0, 109.0, 101.0]
            .iter()
            .enumerate()
        {
            let rep = u32::try_from(rep).expect("values");
            records.push(record(rep, &w1, BASELINE, 100.0));
            records.push(record(rep, &w1, "ours-stream", *stream_ms));
            records.push(record(rep, &w1, "ours-callbacks", 125.0));
        }
        let targets = targets(&[workload_report(&w1, &records)]);
        let find = |what: &str| targets.iter().find(|t| t.what == what).expect("values");
        let stream = find("W1 ours-stream: at least 0.95x plain JS");
        assert!(!stream.met && stream.undecided, "{stream:?}");
        let callbacks = find("W1 ours-callbacks: at least 0.95x plain JS");
        assert!(!callbacks.met && !callbacks.undecided, "{callbacks:?}");
        let report = Report {
            meta: Value::Null,
            workloads: Vec::new(),
            targets: targets.clone(),
            memory: Vec::new(),
            listeners_at_end: None,
        };
        assert!(targets_text(&report).contains("within the noise"));
    }

    #[test]
    fn numbers_are_readable() {
        assert_eq!(number(20_123.4), "20,123");
        assert_eq!(number(1_234_567.0), "1,234,567");
        assert_eq!(number(123.4), "123");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(0.1234), "0.12");
        assert_eq!(number(f64::NAN), "-");
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
            listeners_at_end: 0,
        };
        let reports = memory_reports(&memory);
        assert_eq!(
            reports.len(),
            1,
            "a part with no sample after the start is left out"
        );
        let cycles = &reports[0];
        assert_eq!((cycles.warm.wasm_bytes, cycles.max_wasm_bytes), (5, 6));
        assert_eq!(cycles.max_js_heap_bytes, Some(50));
        assert_eq!(cycles.end.js_heap_bytes, Some(45));
    }
}
