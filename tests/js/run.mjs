#!/usr/bin/env node
// Runs the JS API test page (index.html + test.mjs) in headless Chromium, as a web
// app would load the package: it stages the page, the example page (examples/js) and
// the built `--target web` package in a temporary folder laid out like the repository
// (so the pages' import maps find target/pkg/web), serves it with the repo's echo
// server (`--www`), drives Chromium through chromedriver (plain WebDriver over HTTP:
// no npm packages, Node 18 or later), runs the tests, then checks that the example
// page works. It prints one line per test and ends with `js-api: N passed, M failed`;
// it exits non-zero if a test failed or the run could not complete.
//
//   node tests/js/run.mjs --pkg target/pkg/web --echo-server target/debug/echo-server
//
// Options (each also read from the environment variable in brackets):
//   --pkg DIR            the wasm-pack `--target web` output   [JS_API_PKG]
//                        (default target/pkg/web)
//   --echo-server BIN    the echo-server binary                [ECHO_SERVER]
//                        (default $CARGO_TARGET_DIR/debug/echo-server)
//   --chromedriver BIN   default /usr/bin/chromedriver         [CHROMEDRIVER]
//   --chromium BIN       default /usr/bin/chromium             [CHROMIUM]
//   --filter TEXT        run only the tests whose name contains TEXT
//   --timeout SECONDS    limit for the whole test page (default 300)
// Chromium's arguments are those of the repository's webdriver.json, plus --headless.

import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { chromiumArgs, freePort, startBrowser, startEcho } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");

const { values: options } = parseArgs({
  options: {
    pkg: { type: "string", default: process.env.JS_API_PKG ?? join(root, "target", "pkg", "web") },
    "echo-server": {
      type: "string",
      default:
        process.env.ECHO_SERVER ??
        join(resolve(root, process.env.CARGO_TARGET_DIR ?? "target"), "debug", "echo-server"),
    },
    chromedriver: { type: "string", default: process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver" },
    chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    filter: { type: "string", default: "" },
    timeout: { type: "string", default: "300" },
  },
});

/** The pages staged with the package, as paths from the repository root. */
const PAGES = ["tests/js/index.html", "tests/js/test.mjs", "examples/js/index.html", "examples/js/main.mjs"];

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** The folder `--www` serves: the pages and the package, in the repository's layout. */
function stage(pkg) {
  if (!existsSync(join(pkg, "wasm_websocket.js"))) {
    throw new Error(`no built package in ${pkg} (run \`cargo xtask pack\` first)`);
  }
  const www = mkdtempSync(join(tmpdir(), "wasm-websocket-js-api-"));
  for (const page of PAGES) cpSync(join(root, page), join(www, page));
  cpSync(pkg, join(www, "target", "pkg", "web"), { recursive: true });
  return www;
}

function line(result) {
  return result.ok
    ? `ok   ${result.name} (${result.ms} ms)`
    : `FAIL ${result.name} (${result.ms} ms): ${result.error}`;
}

/** Polls `check()` until it returns a value other than undefined, or fails after `ms`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} (after ${ms / 1000} s)`);
    await sleep(100);
  }
}

/** Runs the test page, printing each result as it arrives; returns them all. */
async function runTests(browser, http, closedUrl) {
  const query = new URLSearchParams({ closed: closedUrl, filter: options.filter });
  await browser.goto(`${http}/tests/js/index.html?${query}`);
  const state = () =>
    browser.run(
      "return { started: window.__jsApiResults !== undefined, done: window.__jsApiDone === true," +
        " results: window.__jsApiResults ?? [], console: window.__jsApiConsole ?? [] };",
    );
  const results = [];
  let last = { console: [] };
  const report = (now) => {
    for (const result of now.results.slice(results.length)) {
      results.push(result);
      console.log(line(result));
    }
    last = now;
  };
  try {
    // A page whose module fails to load (a bad import, a broken package) never
    // starts: fail fast instead of waiting for the whole limit.
    await until(async () => ((await state()).started ? true : undefined), 30_000, "the test page did not start");
    await until(
      async () => {
        const now = await state();
        report(now);
        return now.done ? true : undefined;
      },
      Number(options.timeout) * 1000,
      "the test page did not finish",
    );
  } catch (error) {
    report(await state().catch(() => last));
    const result = { name: "test page", ok: false, ms: 0, error: error.message };
    results.push(result);
    console.log(line(result));
  }
  return { results, console: last.console };
}

/** Opens examples/js and waits for its scripted round trip to finish. */
async function checkExample(browser, http) {
  const name = "examples/js page runs its round trip";
  const started = Date.now();
  try {
    await browser.goto(`${http}/examples/js/index.html`);
    const state = await until(
      () => browser.run("return document.body.dataset.state;").then((s) => s ?? undefined),
      15_000,
      "the example page did not finish",
    );
    const ok = state === "ready";
    const log = ok ? "" : await browser.run('return document.getElementById("log").innerText;');
    return { name, ok, ms: Date.now() - started, ...(!ok && { error: `state ${state}; log: ${log}` }) };
  } catch (error) {
    return { name, ok: false, ms: Date.now() - started, error: error.message };
  }
}

async function main() {
  const started = Date.now();
  const www = stage(resolve(options.pkg));
  let echo;
  let browser;
  try {
    // The page is served by this server, so its origin may use the admin paths.
    echo = await startEcho(resolve(options["echo-server"]), www, ["--admin"]);
    const closedUrl = `ws://127.0.0.1:${await freePort()}/`;
    browser = await startBrowser({
      chromedriver: options.chromedriver,
      chromium: options.chromium,
      args: chromiumArgs(join(root, "webdriver.json")),
    });
    const http = echo.url.replace(/^ws:/, "http:");
    const { results, console: pageConsole } = await runTests(browser, http, closedUrl);
    if (!options.filter) {
      const result = await checkExample(browser, http);
      console.log(line(result));
      results.push(result);
    }
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    if (failed > 0 && pageConsole.length > 0) {
      console.log("page console:");
      for (const entry of pageConsole) console.log(`  ${entry}`);
    }
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    console.log(`js-api: ${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
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
    console.log("js-api: 0 passed, 1 failed");
    process.exit(1);
  },
);
