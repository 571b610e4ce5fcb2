// CPU pinning for the benchmark driver (on by default on Linux; `--no-pin`).
//
// On a 2-core machine the page's renderer, the rest of Chromium (its browser process
// with the network service, the GPU process) and the echo server compete for the
// cores, and where the scheduler happens to place them changes from run to run: a
// run's throughput swung by about 20% (the standard deviation of the logarithm of a
// paired ratio), whether the run lasted 50 or 200 ms, so the swing is a state that
// lasts a whole run, not noise that a longer run averages out. Pinned, the swing was
// about 10-15% (40 rounds of W1, W2 and W6 each way, Chromium 156), with the medians
// where they were: every contender runs under the same placement.
//
// The renderer gets CPU 0 to itself, as a page talking to a server elsewhere has its
// core; the echo server shares CPU 1 with the rest of the browser. (The echo server
// on the renderer's core swung a little less, but it made the page compete with the
// server for one core, which no real page does: W3's 1 MiB echoes then measured the
// server's copies as much as the page's.)
//
// Pinning uses `taskset` (util-linux) on every thread of each process; where it
// cannot pin (not Linux, one CPU, no `taskset`) the driver says so and measures
// unpinned, and the report records which it was.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, platform } from "node:os";

/** Where each process goes. */
export const PLACEMENT = {
  renderer: "0",
  echo: "1",
  browser: "1",
};

/** What the report says of a pinned run. */
export const PINNED = "the page's renderer on CPU 0, the echo server and the rest of Chromium on CPU 1 (taskset)";

/** Why this machine cannot pin, or `null` when it can. */
export function cannotPin() {
  if (platform() !== "linux") return `not Linux (${platform()})`;
  if (availableParallelism() < 2) return "one CPU";
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
  } catch (error) {
    return `taskset does not run (${error.code ?? error.message})`;
  }
  return null;
}

/** Pins every thread of process `pid` to `cpus` (a taskset CPU list). */
export function pin(pid, cpus) {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
}

/** The parent of each live process, from /proc (processes that end meanwhile are skipped). */
function parents() {
  const map = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (in parentheses) may hold spaces: the fields after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      map.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone since the listing.
    }
  }
  return map;
}

/** Every live descendant of `root`. */
function descendants(root) {
  const byParent = new Map();
  for (const [pid, parent] of parents()) {
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(pid);
  }
  const found = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Whether process `pid` is a Chromium renderer. */
function isRenderer(pid) {
  try {
    // Chromium rewrites its children's command lines into one space-separated string.
    return /(^|[\0 ])--type=renderer([\0 ]|$)/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Pins the browser that chromedriver `driverPid` started: renderers on
 * `PLACEMENT.renderer`, its other processes on `PLACEMENT.browser`. Returns how many
 * renderers it pinned (0 means the placement did not happen as intended).
 */
export function pinBrowser(driverPid) {
  let renderers = 0;
  for (const pid of descendants(driverPid)) {
    try {
      if (isRenderer(pid)) {
        pin(pid, PLACEMENT.renderer);
        renderers++;
      } else {
        pin(pid, PLACEMENT.browser);
      }
    } catch {
      // A process that ended meanwhile (a spare renderer, a utility process).
    }
  }
  return renderers;
}
