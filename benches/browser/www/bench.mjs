// The bench page's entry: loads the Rust contenders (pkg/bench, the bench crate) and
// the JS API package (pkg/js), draws the canvas W5 sends, and exposes `window.__bench`
// to the driver (benches/browser/run.mjs), which runs one contender on one workload
// at a time and reads the browser's metrics around each run.

import initBench, * as rust from "./pkg/bench/bench.js";
import initOurs, { liveListeners } from "./pkg/js/wasm_websocket.js";
import * as oursJs from "./ours-js.mjs";
import * as plain from "./plain.mjs";

const state = document.getElementById("state");
const source = document.getElementById("source");
const target = document.getElementById("target");
const ECHO = `ws://${location.host}/echo`;
/** The echo server's feed: `count` messages of `size` bytes after a start signal. */
const pushUrl = (count, size) => `ws://${location.host}/push?count=${count}&size=${size}`;

/** Each contender's implementation of each kind of workload (missing: not run). */
const CONTENDERS = {
  "plain-js": plain,
  "ours-stream": {
    binary: rust.ours_stream_binary,
    text: rust.ours_stream_text,
    roundTrips: rust.ours_stream_round_trips,
    push: rust.ours_stream_push,
    canvasImage: rust.ours_canvas_image,
    canvasPixels: rust.ours_canvas_pixels,
  },
  "ours-callbacks": {
    binary: rust.ours_callbacks_binary,
    text: rust.ours_callbacks_text,
    roundTrips: rust.ours_callbacks_round_trips,
    push: rust.ours_callbacks_push,
  },
  "ours-js": oursJs,
  "gloo-net": {
    binary: rust.gloo_binary,
    text: rust.gloo_text,
    roundTrips: rust.gloo_round_trips,
    push: rust.gloo_push,
  },
  "ws-stream-wasm": {
    binary: rust.ws_stream_binary,
    text: rust.ws_stream_text,
    roundTrips: rust.ws_stream_round_trips,
    push: rust.ws_stream_push,
  },
};

/** A 512x512 picture with smooth areas and detail, so PNG has something to do. */
function paint(canvas) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const image = context.createImageData(width, height);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const at = (y * width + x) * 4;
      image.data[at] = (x * 255) / width;
      image.data[at + 1] = (y * 255) / height;
      image.data[at + 2] = ((x ^ y) & 0x80) | (seed >>> 25);
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}

/** The smallest step of `performance.now()` seen, in ms. */
function clockStep() {
  let step = Infinity;
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    let now = start;
    while (now === start) now = performance.now();
    step = Math.min(step, now - start);
  }
  return step;
}

async function load() {
  const benchWasm = await initBench();
  await initOurs();
  paint(source);

  /** Collects garbage (when the page may) and records what memory is in use. */
  const sample = (into) => () => {
    globalThis.gc?.();
    into.push({
      wasmBytes: benchWasm.memory.buffer.byteLength,
      jsHeapBytes: performance.memory?.usedJSHeapSize ?? null,
      listeners: rust.live_listeners(),
    });
  };

  window.__bench = {
    meta: {
      userAgent: navigator.userAgent,
      clockStepMs: clockStep(),
      gc: typeof globalThis.gc === "function",
      preciseMemory: performance.memory !== undefined,
    },
    contenders: Object.fromEntries(Object.entries(CONTENDERS).map(([name, impl]) => [name, Object.keys(impl)])),
    /** Collects garbage, so that one run does not pay for the last one's. */
    gc: () => globalThis.gc?.(),
    /** Runs one workload: resolves with `{ ms }` or `{ samples }` (ms per round trip). */
    async run(contender, kind, count, size) {
      const impl = CONTENDERS[contender]?.[kind];
      if (impl === undefined) throw new Error(`no ${kind} workload for ${contender}`);
      let result;
      if (kind.startsWith("canvas")) result = await impl(ECHO, source, target, count);
      else if (kind === "push") result = await impl(pushUrl(count, size), count, size);
      else result = await impl(ECHO, count, size);
      return typeof result === "number" ? { ms: result } : { samples: Array.from(result) };
    },
    /** The memory workloads with this crate; samples taken every `every` cycles or
     * messages, after a garbage collection. */
    async memory({ cycles, cyclesEvery, messages, messageSize, batch, messagesEvery, pushed, pushedEvery }) {
      const cycleSamples = [];
      let start = performance.now();
      await rust.memory_cycles(ECHO, cycles, cyclesEvery, sample(cycleSamples));
      const cyclesMs = performance.now() - start;
      const messageSamples = [];
      start = performance.now();
      await rust.memory_messages(ECHO, messages, messageSize, batch, messagesEvery, sample(messageSamples));
      const messagesMs = performance.now() - start;
      const pushSamples = [];
      start = performance.now();
      await rust.memory_push(pushUrl(pushed, messageSize), pushed, messageSize, pushedEvery, sample(pushSamples));
      const pushMs = performance.now() - start;
      return {
        cycles: { count: cycles, ms: cyclesMs, samples: cycleSamples },
        messages: { count: messages, size: messageSize, ms: messagesMs, samples: messageSamples },
        pushed: { count: pushed, size: messageSize, ms: pushMs, samples: pushSamples },
        listenersAtEnd: rust.live_listeners(),
        jsApiListenersAtEnd: liveListeners(),
      };
    },
  };
  state.textContent = "ready";
  state.dataset.state = "ready";
}

load().catch((error) => {
  state.textContent = `failed: ${error?.stack ?? error}`;
  state.dataset.state = "failed";
});
