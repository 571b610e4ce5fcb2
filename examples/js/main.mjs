// A plain ES module page using the wasm-websocket package: connect, send text and a
// canvas, read the echoes with onMessage, draw images that come back, close.
//
// When loaded it also runs one scripted round trip and sets
// `document.body.dataset.state` to "ready" (or "error"), which the JS API test driver
// checks so this example cannot silently rot.

import init, { WasmSocket, liveListeners } from "wasm-websocket";

const $ = (id) => document.getElementById(id);
const log = (text, className) => {
  const line = document.createElement("div");
  line.textContent = text;
  if (className) line.className = className;
  $("log").append(line);
};
const describe = (message) =>
  typeof message === "string" ? `text ${JSON.stringify(message)}` : `${message.constructor.name} of ${message.size ?? message.length} bytes`;

function drawSource(canvas, hue) {
  const context = canvas.getContext("2d");
  const gradient = context.createLinearGradient(0, 0, canvas.width, canvas.height);
  gradient.addColorStop(0, `hsl(${hue} 80% 50%)`);
  gradient.addColorStop(1, `hsl(${hue + 120} 80% 50%)`);
  context.fillStyle = gradient;
  context.fillRect(0, 0, canvas.width, canvas.height);
}

async function main() {
  await init();
  const url = new URLSearchParams(location.search).get("url") ?? `ws://${location.host}/echo`;
  // Options: `protocols` (offered subprotocols), `binaryType` ("arraybuffer" or
  // "blob"), `connectTimeoutMs`.
  const ws = await WasmSocket.connect(url, { connectTimeoutMs: 5000 });
  $("state").textContent = `open (${ws.url}, protocol "${ws.protocol}")`;
  log(`connected; the library holds ${liveListeners()} listeners`);

  // One scripted round trip (text, then an image) before handing over to the buttons.
  drawSource($("source"), 200);
  ws.sendText("hello");
  log(`echo: ${describe(await ws.nextMessage())}`);
  await ws.sendCanvas($("source"));
  const image = await ws.nextMessage();
  const size = await ws.drawMessage(image, $("echoed"));
  log(`echo: ${describe(image)}, drawn at ${size.width}x${size.height}`);

  // From here on callbacks read the messages.
  ws.onMessage(async (message) => {
    log(`echo: ${describe(message)}`);
    if (typeof message !== "string") {
      try {
        await ws.drawMessage(message, $("echoed"));
      } catch (error) {
        log(`${error.name}: ${error.message}`, "error");
      }
    }
  });
  ws.onClose(({ code, reason, wasClean }) => {
    $("state").textContent = `closed (code ${code}${reason ? `, "${reason}"` : ""}, ${wasClean ? "clean" : "not clean"})`;
  });

  $("send").addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      ws.sendText($("text").value);
    } catch (error) {
      log(`${error.name}: ${error.message}`, "error");
    }
  });
  $("send-canvas").addEventListener("click", () => {
    drawSource($("source"), Math.random() * 360);
    ws.sendCanvas($("source"), "image/webp", 0.8).catch((error) => log(`${error.name}: ${error.message}`, "error"));
  });
  $("close").addEventListener("click", () => ws.close(4000, "bye from the page"));
  document.body.dataset.state = "ready";
}

main().catch((error) => {
  $("state").textContent = "failed";
  log(`${error.name}: ${error.message}`, "error");
  document.body.dataset.state = "error";
});
