// Contender "plain JS": the browser's WebSocket driven wholly from JavaScript, as a
// page without any library would: the limit the others are measured against.

import { START, checkBinary, checkCanvas, checkText, deferred, payload, stamp, texts } from "./shared.mjs";

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => resolve(ws);
    ws.onclose = () => reject(new Error(`plain JS: cannot connect to ${url}`));
  });
}

/** Closes (code 1000) and waits for the close. */
function finish(ws) {
  return new Promise((resolve) => {
    ws.onmessage = null;
    ws.onclose = () => resolve();
    ws.close(1000);
  });
}

/** Runs `onMessage(data)` for every message until it returns true (done) or throws. */
function receive(ws, onMessage) {
  const done = deferred();
  ws.onmessage = (event) => {
    try {
      if (onMessage(event.data)) done.resolve();
    } catch (error) {
      done.reject(error);
    }
  };
  ws.onclose = () => done.reject(new Error("plain JS: the socket closed early"));
  return done.promise;
}

export async function binary(url, count, size) {
  const ws = await open(url);
  const bytes = payload(size);
  let next = 0;
  const done = receive(ws, (data) => {
    checkBinary(new Uint8Array(data), next, size);
    return ++next === count;
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    stamp(bytes, i);
    ws.send(bytes);
  }
  await done;
  const ms = performance.now() - start;
  await finish(ws);
  return ms;
}

export async function text(url, count, size) {
  const ws = await open(url);
  const sent = texts(count, size);
  let next = 0;
  const done = receive(ws, (data) => {
    checkText(data, sent[next], next);
    return ++next === count;
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) ws.send(sent[i]);
  await done;
  const ms = performance.now() - start;
  await finish(ws);
  return ms;
}

/** Each echo's handler sends the next message. */
export async function roundTrips(url, count, size) {
  const ws = await open(url);
  const bytes = payload(size);
  const times = [];
  let next = 0;
  let sentAt = 0;
  const send = (index) => {
    stamp(bytes, index);
    sentAt = performance.now();
    ws.send(bytes);
  };
  const done = receive(ws, (data) => {
    times.push(performance.now() - sentAt);
    checkBinary(new Uint8Array(data), next, size);
    if (++next === count) return true;
    send(next);
    return false;
  });
  send(0);
  await done;
  await finish(ws);
  return times;
}

/** A reader of the socket's messages, one promise at a time. */
function messages(ws) {
  const queue = [];
  let waiting = null;
  ws.onmessage = (event) => {
    if (waiting) {
      const { resolve } = waiting;
      waiting = null;
      resolve(event.data);
    } else {
      queue.push(event.data);
    }
  };
  return () => {
    if (queue.length > 0) return Promise.resolve(queue.shift());
    waiting = deferred();
    return waiting.promise;
  };
}

/** Encodes the canvas as PNG (toBlob), sends it, and draws the echo (createImageBitmap). */
export async function canvasImage(url, source, target, count) {
  const ws = await open(url);
  const next = messages(ws);
  const context = target.getContext("2d");
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const blob = await new Promise((resolve) => source.toBlob(resolve, "image/png"));
    ws.send(blob);
    const data = await next();
    const bitmap = await createImageBitmap(new Blob([data]));
    target.width = bitmap.width;
    target.height = bitmap.height;
    context.clearRect(0, 0, bitmap.width, bitmap.height);
    context.drawImage(bitmap, 0, 0);
    times.push(performance.now() - start);
    checkCanvas(i, data.byteLength, blob.size, bitmap.width, bitmap.height, source);
    bitmap.close();
  }
  await finish(ws);
  return times;
}

/** Sends the canvas's RGBA (getImageData) behind the same 12-byte header as the
 * library, and draws the echo (putImageData). */
export async function canvasPixels(url, source, target, count) {
  const ws = await open(url);
  const next = messages(ws);
  const sourceContext = source.getContext("2d");
  const context = target.getContext("2d");
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const image = sourceContext.getImageData(0, 0, source.width, source.height);
    const message = new Uint8Array(12 + image.data.length);
    const header = new DataView(message.buffer);
    message.set([0x52, 0x47, 0x42, 0x41]); // "RGBA"
    header.setUint32(4, image.width, true);
    header.setUint32(8, image.height, true);
    message.set(image.data, 12);
    ws.send(message);
    const data = await next();
    const view = new DataView(data);
    const width = view.getUint32(4, true);
    const height = view.getUint32(8, true);
    const echoed = new ImageData(new Uint8ClampedArray(data, 12), width, height);
    target.width = width;
    target.height = height;
    context.clearRect(0, 0, width, height);
    context.putImageData(echoed, 0, 0);
    times.push(performance.now() - start);
    checkCanvas(i, data.byteLength, message.length, width, height, source);
  }
  await finish(ws);
  return times;
}

/** W6: the server pushes `count` messages once it gets the start signal. */
export async function push(url, count, size) {
  const ws = await open(url);
  let next = 0;
  const done = receive(ws, (data) => {
    checkBinary(new Uint8Array(data), next, size);
    return ++next === count;
  });
  ws.send(START);
  const start = performance.now();
  await done;
  const ms = performance.now() - start;
  await finish(ws);
  return ms;
}
