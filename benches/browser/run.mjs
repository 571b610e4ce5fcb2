#!/usr/bin/env node
// The benchmark driver of `cargo xtask bench`: stages the bench page (www/) with the
// bench crate's wasm and the JS API package, serves it with the repo's echo server
// (which is also the echo endpoint, on loopback), and drives headless Chromium over
// WebDriver. It measures; `cargo xtask bench` computes the medians and ratios from
// what it writes.
//
// For each browser run (a fresh Chromium), it warms every contender up, then runs
// `--reps` rounds; in each round every workload runs once per contender, the
// contenders in a rotating order (so none is always first or last). Around each run
// it collects garbage and reads the page's main-thread script time from the DevTools
// protocol (`Performance.getMetrics`: ScriptDuration, TaskDuration). After the rounds
// of the first browser run it runs the memory workloads.
//
//   node benches/browser/run.mjs --bench-pkg DIR --js-pkg DIR --echo-server BIN --out FILE
//
// Options:
//   --bench-pkg DIR      wasm-bindgen `--target web` output of the bench crate
//   --js-pkg DIR         the JS API package, `--target web` (target/pkg/web)
//   --echo-server BIN    the echo-server binary
//   --chromedriver BIN   default /usr/bin/chromedriver
//   --chromium BIN       default /usr/bin/chromium
//   --out FILE           where to write the measurements (JSON)
//   --runs N             browser runs (default 3)
//   --reps N             rounds per browser run (default 3)
//   --quick              smaller workloads, for a smoke run
//   --no-memory          skip the memory workloads
//   --profile W          instead of measuring: run workload W (e.g. W2) once per
//                        contender under the DevTools CPU profiler and print where
//                        each spends its main-thread time (self time by function)

import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { chromiumArgs, startBrowser, startEcho } from "../../tests/js/webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");

const { values: options } = parseArgs({
  options: {
    "bench-pkg": { type: "string" },
    "js-pkg": { type: "string", default: join(root, "target", "pkg", "web") },
    "echo-server": { type: "string" },
    chromedriver: { type: "string", default: process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver" },
    chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    out: { type: "string" },
    runs: { type: "string", default: "3" },
    reps: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    "no-memory": { type: "boolean", default: false },
    profile: { type: "string" },
  },
});

/** The workloads: what each run sends, and how many messages it counts. */
function workloads(quick) {
  const scale = (full, small) => (quick ? small : full);
  return [
    { id: "W1", kind: "binary", count: scale(20_000, 2_000), size: 1024 },
    { id: "W2", kind: "text", count: scale(20_000, 2_000), size: 1024 },
    { id: "W3", kind: "binary", count: scale(64, 16), size: 1 << 20 },
    { id: "W4", kind: "roundTrips", count: scale(2_000, 300), size: 32 },
    { id: "W5-image", kind: "canvasImage", count: scale(10, 3), size: 512 },
    { id: "W5-pixels", kind: "canvasPixels", count: scale(10, 3), size: 512 },
  ];
}

function memoryWorkload(quick) {
  return quick
    ? { cycles: 1_000, cyclesEvery: 250, messages: 10_000, messageSize: 1024, batch: 500, messagesEvery: 2_500 }
    : { cycles: 10_000, cyclesEvery: 1_000, messages: 100_000, messageSize: 1024, batch: 1_000, messagesEvery: 10_000 };
}

/** Every contender the page knows, in the order the first round runs them. */
const CONTENDERS = ["plain-js", "ours-stream", "ours-callbacks", "ours-js", "gloo-net", "ws-stream-wasm"];

/** Chromium arguments the bench needs (webdriver.json has them too, for the memory
 * test): `gc()` for the page, and unrounded `performance.memory`. */
const BENCH_ARGS = ["--js-flags=--expose-gc", "--enable-precise-memory-info"];

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** The folder `--www` serves: the page, pkg/bench and pkg/js. */
function stage() {
  const www = mkdtempSync(join(tmpdir(), "wasm-websocket-bench-"));
  cpSync(join(here, "www"), www, { recursive: true });
  cpSync(resolve(options["bench-pkg"]), join(www, "pkg", "bench"), { recursive: true });
  cpSync(resolve(options["js-pkg"]), join(www, "pkg", "js"), { recursive: true });
  return www;
}

/** The page's main-thread metrics, in ms. */
async function metrics(browser) {
  const { metrics: list } = await browser.cdp("Performance.getMetrics");
  const value = (name) => (list.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { script: value("ScriptDuration"), task: value("TaskDuration") };
}

/** Runs one workload for one contender; returns its record. */
async function runOne(browser, contender, workload) {
  await browser.run("window.__bench.gc();");
  const before = await metrics(browser);
  const answer = await browser.runAsync(
    "const done = arguments[arguments.length - 1];" +
      "window.__bench.run(arguments[0], arguments[1], arguments[2], arguments[3]).then(" +
      "(ok) => done({ ok }), (error) => done({ error: String(error?.stack ?? error) }));",
    [contender, workload.kind, workload.count, workload.size],
  );
  const after = await metrics(browser);
  if (answer.error) throw new Error(`${contender} ${workload.id}: ${answer.error}`);
  return {
    workload: workload.id,
    contender,
    count: workload.count,
    size: workload.size,
    ...answer.ok,
    scriptMs: after.script - before.script,
    taskMs: after.task - before.task,
  };
}

/** `list` rotated left by `by`. */
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

async function openPage(http) {
  const browser = await startBrowser({
    chromedriver: options.chromedriver,
    chromium: options.chromium,
    args: [...new Set([...chromiumArgs(join(root, "webdriver.json")), ...BENCH_ARGS])],
  });
  try {
    await browser.scriptTimeout(600_000);
    await browser.goto(`${http}/index.html`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = await browser.run('return document.getElementById("state").dataset.state ?? null;');
      if (state === "ready") break;
      if (state === "failed" || Date.now() > deadline) {
        const text = await browser.run('return document.getElementById("state").textContent;');
        throw new Error(`the bench page did not load: ${text}`);
      }
      await sleep(100);
    }
    await browser.cdp("Performance.enable", { timeDomain: "threadTicks" });
    return browser;
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Self time by function in a DevTools CPU profile, largest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const file = frame?.url ? frame.url.split("/").pop() : "";
    const name = `${frame?.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber + 1}` : ""}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** `--profile W`: each contender once on workload W under the CPU profiler. */
async function profileWorkload(http, id) {
  const workload = workloads(false).find((w) => w.id === id);
  if (!workload) throw new Error(`--profile: no workload ${id}`);
  const browser = await openPage(http);
  try {
    const supported = await browser.run("return window.__bench.contenders;");
    for (const contender of CONTENDERS.filter((c) => supported[c]?.includes(workload.kind))) {
      await runOne(browser, contender, { ...workload, count: Math.min(workload.count, 500) });
      await browser.cdp("Profiler.enable", {});
      await browser.cdp("Profiler.setSamplingInterval", { interval: 100 });
      await browser.cdp("Profiler.start", {});
      const record = await runOne(browser, contender, workload);
      const { profile } = await browser.cdp("Profiler.stop", {});
      const perMessage = 1000 / workload.count;
      console.log(`\n${id} ${contender}: script ${(record.scriptMs * perMessage).toFixed(2)} µs/msg; self time, µs/msg:`);
      for (const [name, ms] of selfTimes(profile).slice(0, 25)) {
        console.log(`  ${(ms * perMessage).toFixed(2).padStart(7)}  ${name}`);
      }
    }
  } finally {
    await browser.close();
  }
}

async function main() {
  const started = Date.now();
  const runs = Number(options.runs);
  const reps = Number(options.reps);
  const list = workloads(options.quick);
  const www = stage();
  let echo;
  let browser;
  const records = [];
  let memory = null;
  let meta = null;
  try {
    echo = await startEcho(resolve(options["echo-server"]), www);
    const http = echo.url.replace(/^ws:/, "http:");
    if (options.profile) {
      await profileWorkload(http, options.profile);
      return 0;
    }
    for (let run = 0; run < runs; run++) {
      browser = await openPage(http);
      meta ??= await browser.run("return window.__bench.meta;");
      const supported = await browser.run("return window.__bench.contenders;");
      const runners = (workload) => CONTENDERS.filter((c) => supported[c]?.includes(workload.kind));
      // Warm-up: every contender once on small workloads (compiles and tiers up the
      // wasm and the JS), not recorded.
      for (const workload of workloads(true)) {
        for (const contender of runners(workload)) {
          await runOne(browser, contender, { ...workload, count: Math.min(workload.count, 200) });
        }
      }
      for (let rep = 0; rep < reps; rep++) {
        const round = run * reps + rep;
        for (const workload of list) {
          for (const contender of rotate(runners(workload), round)) {
            const record = await runOne(browser, contender, workload);
            records.push({ run, rep, ...record });
            const shown = record.ms !== undefined ? `${record.ms.toFixed(1)} ms` : `${record.samples.length} samples`;
            console.log(
              `run ${run + 1}/${runs} round ${rep + 1}/${reps}  ${workload.id.padEnd(9)} ${contender.padEnd(14)} ` +
                `${shown.padStart(11)}  script ${record.scriptMs.toFixed(1)} ms`,
            );
          }
        }
      }
      if (run === 0 && !options["no-memory"]) {
        const params = memoryWorkload(options.quick);
        console.log(`memory: ${params.cycles} connect/close cycles, then ${params.messages} messages`);
        const result = await browser.runAsync(
          "const done = arguments[arguments.length - 1];" +
            "window.__bench.memory(arguments[0]).then((ok) => done({ ok }), " +
            "(error) => done({ error: String(error?.stack ?? error) }));",
          [params],
        );
        if (result.error) throw new Error(`memory: ${result.error}`);
        memory = { params, ...result.ok };
        console.log(
          `memory: cycles ${(memory.cycles.ms / 1000).toFixed(1)} s, messages ${(memory.messages.ms / 1000).toFixed(1)} s`,
        );
      }
      await browser.close();
      browser = undefined;
    }
    const report = {
      meta: { ...meta, quick: options.quick, runs, reps, seconds: (Date.now() - started) / 1000 },
      workloads: list,
      records,
      memory,
    };
    writeFileSync(options.out, JSON.stringify(report, null, 1));
    console.log(`bench: ${records.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  } finally {
    await browser?.close();
    echo?.child.kill();
    rmSync(www, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
