// What both pages do with the `WasmSocket` class they import (no `init()` to await:
// the bundler loads and instantiates the .wasm). Connects to the echo server that
// serves the page, sends one text and one binary message and shows both echoes; the
// end-to-end test (tests/e2e/tests/bundler.rs) reads #state, #text-echo and
// #binary-echo.

const TEXT = "hello from a bundle";
const BYTES = Uint8Array.of(0, 1, 2, 253, 254, 255);

const $ = (id) => document.getElementById(id);

function setState(state, text) {
  $("state").dataset.state = state;
  $("state").textContent = text;
}

async function main(WasmSocket) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = await WasmSocket.connect(`${scheme}//${location.host}/echo`, {
    connectTimeoutMs: 5000,
  });
  setState("open", "open");
  ws.onClose(({ code, wasClean }) => {
    setState("closed", `closed (code ${code}, ${wasClean ? "clean" : "not clean"})`);
  });

  ws.sendText(TEXT);
  ws.sendBytes(BYTES);
  const text = await ws.nextMessage();
  $("text-echo").textContent = typeof text === "string" ? text : `not text: ${text}`;
  const bytes = await ws.nextMessage();
  $("binary-echo").textContent =
    bytes instanceof Uint8Array ? `Uint8Array [${bytes.join(", ")}]` : `not bytes: ${bytes}`;
}

/** Runs the page with `WasmSocket`, showing any failure in #state. */
export function run(WasmSocket) {
  main(WasmSocket).catch((error) => setState("error", `${error.name}: ${error.message}`));
}
