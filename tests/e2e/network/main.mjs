// The page of tests/e2e/tests/network.rs: one ReconnectingSocket to the echo server
// named by `?ws=` (default: this page's host), with the default network options and
// the back/forward cache handled unless `?bfcache=off`, and a record of what happened
// for the test to read:
// - window.__events: every event of the socket, with `at` (performance.now());
// - window.__pageEvents: pagehide / pageshow (with persisted), online / offline (with
//   navigator.onLine), each with `at`, in order;
// - window.__hiddenSend: what a send in the page's own pagehide listener (registered
//   after the socket's) found: the outbox length and whether the socket was open.

// The package as `cargo xtask pack` builds it (`--target web`), staged beside the page.
import init, { ReconnectingSocket } from "./pkg/wasm_websocket.js";

const params = new URLSearchParams(location.search);
const base = params.get("ws") ?? `ws://${location.host}`;
const state = document.getElementById("state");
window.__wsBase = base;
window.__events = [];
window.__pageEvents = [];

for (const type of ["pagehide", "pageshow", "online", "offline"]) {
  window.addEventListener(type, (event) => {
    window.__pageEvents.push({
      type,
      persisted: event.persisted ?? null,
      onLine: navigator.onLine,
      at: performance.now(),
    });
  });
}

await init();
const ws = new ReconnectingSocket(`${base}/echo`, {
  reconnect: { initialDelayMs: 100, jitter: 0, backForwardCache: params.get("bfcache") !== "off" },
});
window.__ws = ws;
ws.onEvent((event) => {
  window.__events.push({ ...event, at: performance.now() });
  state.textContent = event.type;
});

// An app that sends as its page is hidden: the message waits in the outbox and goes
// out, in order, once the page is back.
window.addEventListener("pagehide", (event) => {
  if (!event.persisted) return;
  ws.sendText("sent while hiding");
  window.__hiddenSend = { queued: ws.queuedMessages, open: ws.isOpen };
});
