#!/usr/bin/env node
// The benchmark driver of `cargo xtask bench`: stages the bench page (www/) with the
// bench crate's wasm and the JS API package, serves it with the repo's echo server
// (which is also the echo and push endpoint, on loopback), and drives headless
// Chromium over WebDriver. It measures; `cargo xtask bench` computes the medians,
// the paired ratios and their intervals from what it writes.
//
// It runs short rounds for as long as its time budget lasts (or a fixed number of
// them): in each round every workload runs once per contender, the contenders in an
// order that rotates from round to round (so none is always first or last, or
// always right after the same other). A fresh Chromium takes over every
// `--rounds-per-browser` rounds (so a browser's own state is not a fixed bias), and
// warms every contender up before its first round. Around each run it collects
// garbage and reads the page's main-thread script time from the DevTools protocol
// (`Performance.getMetrics`: ScriptDuration, TaskDuration). After the first
// browser's rounds it runs the memory workloads.
//
//   node benches/browser/run.mjs --bench-pkg DIR --js-pkg DIR --echo-server BIN --out FILE
//
// Options:
//   --bench-pkg DIR          wasm-bindgen `--target web` output of the bench crate
//   --js-pkg DIR             the JS API package, `--target web` (target/pkg/web)
//   --echo-server BIN        the echo-server binary
//   --chromedriver BIN       default /usr/bin/chromedriver
//   --chromium BIN           default /usr/bin/chromium
//   --out FILE               where to write the measurements (JSON)
//   --seconds S              time budget of the rounds (default 360; 45 with --quick);
//                            the round under way when it runs out is finished
//   --rounds N               exactly N rounds instead of a time budget
//   --rounds-per-browser N   rounds before a fresh Chromium takes over (default 6)
//   --quick                  smaller workloads and memory workloads, for a smoke run
//   --no-memory              skip the memory workloads
//   --workloads W1,W6        only these workloads (default: every one)
//   --profile W              instead of measuring: run workload W (e.g. W2) once per
//                            contender under the DevTools CPU profiler and print where
//                            each spends its main-thread time (self time by function)

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
    seconds: { type: "string" },
    rounds: { type: "string" },
    "rounds-per-browser": { type: "string", default: "6" },
    quick: { type: "boolean", default: false },
    "no-memory": { type: "boolean", default: false },
    workloads: { type: "string" },
    profile: { type: "string" },
  },
});

/** The workloads: what each run sends, and how many messages it counts. Short, so
 * that many rounds fit in the budget: the intervals narrow with the number of
 * rounds, not with the length of each. */
function workloads(quick) {
  const scale = (full, small) => (quick ? small : full);
  return [
    { id: "W1", kind: "binary", count: scale(4_000, 1_000), size: 1024 },
    { id: "W2", kind: "text", count: scale(4_000, 1_000), size: 1024 },
    { id: "W3", kind: "binary", count: scale(24, 8), size: 1 << 20 },
    { id: "W4", kind: "roundTrips", count: scale(1_000, 300), size: 32 },
    { id: "W5-image", kind: "canvasImage", count: scale(5, 2), size: 512 },
    { id: "W5-pixels", kind: "canvasPixels", count: scale(5, 2), size: 512 },
    { id: "W6", kind: "push", count: scale(10_000, 2_000), size: 1024 },
  ];
}

/** The workloads `--workloads` names (every one without it). */
function chosen(list) {
  if (options.workloads === undefined) return list;
  const ids = options.workloads.split(",").map((id) => id.trim());
  const unknown = ids.filter((id) => !list.some((w) => w.id === id));
  if (unknown.length > 0) throw new Error(`--workloads: no workload ${unknown.join(", ")}`);
  return list.filter((w) => ids.includes(w.id));
}

function memoryWorkload(quick) {
  const pushed = { pushed: 100_000, pushedEvery: 10_000 };
  return quick
    ? { cycles: 500, cyclesEvery: 125, messages: 10_000, messageSize: 1024, batch: 500, messagesEvery: 2_500, ...pushed }
    : { cycles: 10_000, cyclesEvery: 1_000, messages: 100_000, messageSize: 1024, batch: 1_000, messagesEvery: 10_000, ...pushed };
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
  const found = workloads(false).find((w) => w.id === id);
  if (!found) throw new Error(`--profile: no workload ${id}`);
  // Five times a round's work, for enough samples at the profiler's 0.1 ms interval.
  const workload = { ...found, count: found.kind.startsWith("canvas") ? found.count : found.count * 5 };
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

/** Opens a browser on the page and warms every contender up on small workloads
 * (compiles and tiers up the wasm and the JS), not recorded. */
async function warmBrowser(http) {
  const browser = await openPage(http);
  const supported = await browser.run("return window.__bench.contenders;");
  const runners = (workload) => CONTENDERS.filter((c) => supported[c]?.includes(workload.kind));
  for (const workload of workloads(true)) {
    for (const contender of runners(workload)) {
      await runOne(browser, contender, { ...workload, count: Math.min(workload.count, 200) });
    }
  }
  return { browser, runners };
}

async function main() {
  const started = Date.now();
  const fixedRounds = options.rounds === undefined ? null : Number(options.rounds);
  const budgetMs = Number(options.seconds ?? (options.quick ? 45 : 360)) * 1000;
  const perBrowser = Math.max(1, Number(options["rounds-per-browser"]));
  const list = chosen(workloads(options.quick));
  const www = stage();
  let echo;
  let session = null;
  const records = [];
  let memory = null;
  let meta = null;
  let browsers = 0;
  try {
    echo = await startEcho(resolve(options["echo-server"]), www);
    const http = echo.url.replace(/^ws:/, "http:");
    if (options.profile) {
      await profileWorkload(http, options.profile);
      return 0;
    }
    let measuring = 0;
    const more = (round) =>
      fixedRounds !== null ? round < fixedRounds : round < 3 || measuring < budgetMs;
    for (let round = 0; more(round); round++) {
      if (session === null) {
        session = await warmBrowser(http);
        browsers++;
        meta ??= await session.browser.run("return window.__bench.meta;");
      }
      const roundStart = Date.now();
      for (const workload of list) {
        for (const contender of rotate(session.runners(workload), round)) {
          const record = await runOne(session.browser, contender, workload);
          records.push({ browser: browsers - 1, round, ...record });
        }
      }
      const roundMs = Date.now() - roundStart;
      measuring += roundMs;
      const left = fixedRounds !== null ? `${fixedRounds - round - 1} rounds left` : `${Math.max(0, (budgetMs - measuring) / 1000).toFixed(0)} s of the budget left`;
      console.log(`round ${round + 1} (browser ${browsers}): ${(roundMs / 1000).toFixed(1)} s; ${left}`);
      const lastOfBrowser = (round + 1) % perBrowser === 0 || !more(round + 1);
      if (lastOfBrowser && browsers === 1 && memory === null && !options["no-memory"]) {
        const params = memoryWorkload(options.quick);
        console.log(
          `memory: ${params.cycles} connect/close cycles, ${params.messages} echoed messages, ${params.pushed} pushed messages`,
        );
        const result = await session.browser.runAsync(
          "const done = arguments[arguments.length - 1];" +
            "window.__bench.memory(arguments[0]).then((ok) => done({ ok }), " +
            "(error) => done({ error: String(error?.stack ?? error) }));",
          [params],
        );
        if (result.error) throw new Error(`memory: ${result.error}`);
        memory = { params, ...result.ok };
        console.log(
          `memory: cycles ${(memory.cycles.ms / 1000).toFixed(1)} s, messages ${(memory.messages.ms / 1000).toFixed(1)} s, ` +
            `pushed ${(memory.pushed.ms / 1000).toFixed(1)} s`,
        );
      }
      if (lastOfBrowser) {
        await session.browser.close();
        session = null;
      }
    }
    const rounds = new Set(records.map((r) => r.round)).size;
    const report = {
      meta: {
        ...meta,
        quick: options.quick,
        rounds,
        browsers,
        roundsPerBrowser: perBrowser,
        budgetSeconds: fixedRounds === null ? budgetMs / 1000 : null,
        seconds: (Date.now() - started) / 1000,
      },
      workloads: list,
      records,
      memory,
    };
    writeFileSync(options.out, JSON.stringify(report, null, 1));
    console.log(`bench: ${rounds} rounds, ${records.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  } finally {
    await session?.browser.close();
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
