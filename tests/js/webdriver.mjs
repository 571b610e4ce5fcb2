// Headless Chromium over plain WebDriver (HTTP + JSON, through chromedriver), and the
// child processes around it: shared by the JS API test driver (run.mjs) and the
// benchmark driver (benches/browser/run.mjs). Node 18 or later, no npm packages.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

/** A local port where nothing listens (bound, then released). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `bin` and resolves with the child once `ready(line)` holds for a stdout line. */
export function startProcess(bin, args, what, ready) {
  return new Promise((resolveStart, reject) => {
    if (!existsSync(bin)) {
      reject(new Error(`no ${what} at ${bin}`));
      return;
    }
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"] });
    const fail = (error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${what} did not start within 30 s`)), 30_000);
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`${what} exited before it was ready (${code})`)));
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const value = ready(line);
      if (value !== undefined) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        lines.removeAllListeners("line");
        child.stdout.resume();
        resolveStart({ child, value });
      }
    });
  });
}

/**
 * The echo server serving `www` on a free port, and its `ws://` URL; `extra` are more
 * arguments (`--admin` for a page that uses the admin paths). It stops when this
 * process does, however that ends (`--exit-with-parent`).
 */
export async function startEcho(bin, www, extra = []) {
  const args = ["--www", www, "--port", "0", "--exit-with-parent", ...extra];
  const { child, value } = await startProcess(bin, args, "echo-server", (line) =>
    /ws:\/\/[^\s/]+/.exec(line)?.[0],
  );
  return { child, url: value };
}

/** Chromium's arguments from the repository's webdriver.json (at `settingsPath`). */
export function chromiumArgs(settingsPath) {
  const settings = JSON.parse(readFileSync(settingsPath, "utf8"));
  return settings["goog:chromeOptions"]?.args ?? ["--no-sandbox"];
}

/**
 * A WebDriver session in headless Chromium, through `chromedriver`; `args` are
 * Chromium's arguments (`--headless` is added).
 */
export async function startBrowser({ chromedriver, chromium, args }) {
  const port = await freePort();
  const { child } = await startProcess(chromedriver, [`--port=${port}`], "chromedriver", (line) =>
    line.includes("started successfully") ? true : undefined,
  );
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) {
      throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    }
    return json.value;
  };
  let session;
  try {
    session = await call("POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "chrome",
          "goog:chromeOptions": { binary: chromium, args: [...args, "--headless"] },
        },
      },
    });
  } catch (error) {
    child.kill();
    throw error;
  }
  const id = session.sessionId;
  return {
    goto: (url) => call("POST", `/session/${id}/url`, { url }),
    /** Runs `script` (a function body) in the page and returns its result. */
    run: (script, args = []) => call("POST", `/session/${id}/execute/sync`, { script, args }),
    /** Runs `script` (a function body whose last argument is the callback to call with
     * the result) in the page and returns that result. */
    runAsync: (script, args = []) => call("POST", `/session/${id}/execute/async`, { script, args }),
    /** Sets the limit for one `runAsync`, in ms. */
    scriptTimeout: (ms) => call("POST", `/session/${id}/timeouts`, { script: ms }),
    /** Sends a DevTools protocol command to the page (chromedriver's extension). */
    cdp: (cmd, params = {}) => call("POST", `/session/${id}/goog/cdp/execute`, { cmd, params }),
    async close() {
      await call("DELETE", `/session/${id}`).catch(() => {});
      child.kill();
    },
  };
}
