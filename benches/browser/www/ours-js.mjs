// Contender "ours (JS API)": the npm package's `WasmSocket` (target/pkg/web), used
// from JavaScript as its README shows: `sendBytes` / `sendText` out, `onMessage` in.

import { WasmSocket } from "./pkg/js/wasm_websocket.js";
import { START, checkBinary, checkCanvas, checkText, deferred, payload, stamp, texts } from "./shared.mjs";

/** Closes (code 1000), waits for the close, and frees the socket. */
async function finish(ws) {
  ws.close();
  await ws.closed;
  ws.free();
}

/** Runs `onMessage(message)` for every message until it returns true (done) or throws. */
function receive(ws, onMessage) {
  const done = deferred();
  ws.onMessage((message) => {
    try {
      if (onMessage(message)) done.resolve();
    } catch (error) {
      done.reject(error);
    }
  });
  ws.onClose(() => done.reject(new Error("ours (JS API): the socket closed early")));
  return done.promise;
}

export async function binary(url, count, size) {
  const ws = await WasmSocket.connect(url);
  const bytes = payload(size);
  let next = 0;
  const done = receive(ws, (message) => {
    checkBinary(message, next, size);
    return ++next === count;
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    stamp(bytes, i);
    ws.sendBytes(bytes);
  }
  await done;
  const ms = performance.now() - start;
  await finish(ws);
  return ms;
}

export async function text(url, count, size) {
  const ws = await WasmSocket.connect(url);
  const sent = texts(count, size);
  let next = 0;
  const done = receive(ws, (message) => {
    checkText(message, sent[next], next);
    return ++next === count;
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) ws.sendText(sent[i]);
  await done;
  const ms = performance.now() - start;
  await finish(ws);
  return ms;
}

/** Each echo's callback sends the next message. */
export async function roundTrips(url, count, size) {
  const ws = await WasmSocket.connect(url);
  const bytes = payload(size);
  const times = [];
  let next = 0;
  let sentAt = 0;
  const send = (index) => {
    stamp(bytes, index);
    sentAt = performance.now();
    ws.sendBytes(bytes);
  };
  const done = receive(ws, (message) => {
    times.push(performance.now() - sentAt);
    checkBinary(message, next, size);
    if (++next === count) return true;
    send(next);
    return false;
  });
  send(0);
  await done;
  await finish(ws);
  return times;
}

/** `sendCanvas` (PNG) or `sendCanvasPixels`, then `nextMessage()` and `drawMessage`. */
async function canvas(url, source, target, count, send) {
  const ws = await WasmSocket.connect(url);
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const sent = await send(ws);
    const echo = await ws.nextMessage();
    const { width, height } = await ws.drawMessage(echo, target);
    times.push(performance.now() - start);
    checkCanvas(i, echo.length, sent, width, height, source);
  }
  await finish(ws);
  return times;
}

export function canvasImage(url, source, target, count) {
  return canvas(url, source, target, count, async (ws) => (await ws.sendCanvas(source, "image/png")).size);
}

export function canvasPixels(url, source, target, count) {
  return canvas(url, source, target, count, (ws) => ws.sendCanvasPixels(source));
}

/** W6: the server pushes `count` messages once it gets the start signal. */
export async function push(url, count, size) {
  const ws = await WasmSocket.connect(url);
  let next = 0;
  const done = receive(ws, (message) => {
    checkBinary(message, next, size);
    return ++next === count;
  });
  ws.sendText(START);
  const start = performance.now();
  await done;
  const ms = performance.now() - start;
  await finish(ws);
  return ms;
}
