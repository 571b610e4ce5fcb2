// Tests of the JavaScript API, run in the page as an app would use the package.
//
// Covered:
// - connect: options (protocols, binaryType, connectTimeoutMs, maxBufferedAmount,
//   maxMessageSize, maxBacklogMessages, maxBacklogBytes), URL
//   forms (http:, relative), every getter;
// - the error names and messages: InvalidUrl, InvalidProtocol, ConnectionFailed (with
//   closeInfo), Timeout, NotOpen, InvalidCloseCode, CloseReasonTooLong, AbnormalClose,
//   TypeError/RangeError for bad arguments; every failure an Error, never a string;
// - every send (sendText, sendBytes, sendArrayBuffer, sendBlob) round-tripped through
//   /echo, in arraybuffer and blob mode;
// - receive limits: a message over maxMessageSize rejects nextMessage() with
//   MessageTooLarge after the messages before it (closed with 4009), and onMessage never
//   sees it; a reader behind by more than maxBacklogMessages gets the kept messages,
//   then BacklogFull (closed with 4008); a ReconnectingSocket whose events are not read
//   drops what does not fit and says so in a "dropped" event;
// - message order: 1,000 mixed messages through overlapping nextMessage() calls and
//   through onMessage;
// - nextMessage() after a clean close (null) and an abrupt one (AbnormalClose, then
//   null); the queue handing over to onMessage (a 16 MiB backlog left unconverted
//   when it does, then read in order);
// - close(code?, reason?), closed, onClose, onError, server-initiated closes;
// - free(): listeners removed, callbacks silenced, pending promises settled; a second
//   free() (or the end of a `using` block after one) does nothing;
// - sendWhenReady() calls not awaited one by one go out in call order (both sockets);
// - close() refusing a reason that is not a string with TypeError; sendCanvas refusing
//   a type or quality of the wrong type (TypeError) or a quality outside 0-1 (RangeError);
// - callback exceptions reported without breaking delivery;
// - sendCanvas, sendCanvasPixels and drawMessage, with their errors; drawMessage's
//   size limit (maxSide, maxPixels) refusing a huge image with TooLarge;
// - ReconnectingSocket: a server outage (/admin/outage) survived with the outbox sent
//   in order; growing delays and gaveUp against /reject; OutboxFull and the unsent
//   event; onEvent taking over from nextEvent(); free() releasing every listener;
//   malformed reconnect options (a heartbeat interval under the floor, outbox limits
//   over their ceilings, a retryPolicy that is no function), for both entry points;
//   maxBufferedAmount under the high-water mark failing no replayed message;
// - ReconnectingSocket URL providers (a function instead of the URL): a throw, a
//   rejection, a wrong value and a promise that never settles are failed attempts
//   (providerFailed), the next good call connects, one call per attempt, a fresh token
//   from /admin/token after rotation (the old one refused by /token); retryPolicy: its
//   info (attempt, sinceLostMs, cause, closeInfo, error), its delays, null giving up, a
//   throwing or nonsense policy reported with the backoff standing in; reconnect()
//   after gaveUp starting over (nextEvent and onEvent); ready() and sendWhenReady() on
//   both sockets; WasmSocket.connect(url, { reconnect }) giving a ReconnectingSocket;
// - the socket-only entry point (`wasm-websocket/socket`): WasmSocket alone, its module
//   under 0.6 of the full one's bytes, every send round-tripped, close / closed / free()
//   and its listeners, its errors by name, and the reconnect option refused;
// - ReconnectingSocket and the browser's signals (dispatched by the tests, with
//   navigator.onLine and document.visibilityState overridden on the instances): no
//   attempt while offline, one within 100 ms of online; an attempt at once when the
//   page becomes visible (not with attemptWhenVisible: false); pagehide / pageshow
//   with persisted closing and reconnecting, the outbox sent in order; the listeners
//   the network and backForwardCache options register, and their malformed values;
// - time: connectTimeoutMs above 2^31 - 1 ms does not fire at once.
//
// Every await is bounded (wait()), and every test as a whole, so a hung socket fails
// one test and not the run. Results go to window.__jsApiResults as they come, and
// window.__jsApiDone is set at the end (tests/js/run.mjs polls both).

import init, { ReconnectingSocket, WasmSocket, liveListeners } from "wasm-websocket";

const params = new URLSearchParams(location.search);
const ECHO = `ws://${location.host}`;
const CLOSED_URL = params.get("closed") || "ws://127.0.0.1:9/";
const FILTER = params.get("filter") || "";
/** The limit for one await. */
const STEP_MS = 5_000;
/** The limit for one test. */
const TEST_MS = 30_000;

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// ---------------------------------------------------------------- helpers

/** Awaits `promise`, failing after `ms` with a message naming `what`. */
function wait(promise, what, ms = STEP_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const show = (value) =>
  value instanceof Uint8Array ? `Uint8Array[${value}]` : JSON.stringify(value) ?? String(value);

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

function deepEq(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

function bytesEq(actual, expected, what) {
  assert(actual instanceof Uint8Array, `${what}: expected a Uint8Array, got ${show(actual)}`);
  const same = actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  assert(same, `${what}: expected ${show(Uint8Array.from(expected))}, got ${show(actual)}`);
}

/** Checks that `error` is a real Error named `name` with a readable message. */
function isError(error, name, what, messagePart) {
  assert(error instanceof Error, `${what}: expected an Error, got ${show(error)}`);
  eq(error.name, name, `${what}: name (message: ${error.message})`);
  // A TypeError or RangeError is a real one, whoever threw it (this API or the browser).
  for (const Kind of [TypeError, RangeError]) {
    if (name === Kind.name) assert(error instanceof Kind, `${what}: not an instance of ${name}`);
  }
  assert(
    typeof error.message === "string" && error.message.length > 0,
    `${what}: empty message`,
  );
  if (messagePart !== undefined) {
    assert(
      error.message.includes(messagePart),
      `${what}: message ${show(error.message)} lacks ${show(messagePart)}`,
    );
  }
  return error;
}

/** Expects `fn()` to throw an Error named `name`; returns it. */
function throws(fn, name, what, messagePart) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert(thrown !== undefined, `${what}: did not throw`);
  return isError(thrown, name, what, messagePart);
}

/** Expects `promise` to reject with an Error named `name`; returns it. */
async function rejects(promise, name, what, messagePart, ms = STEP_MS) {
  let result;
  try {
    result = await wait(promise, what, ms);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("timed out after")) throw error;
    return isError(error, name, what, messagePart);
  }
  throw new Error(`${what}: resolved with ${show(result)} instead of rejecting`);
}

/** Sockets the current test opened, freed after it. */
let open = [];

/** Connects with `Socket` (the full entry's `WasmSocket` unless told), freed after the test. */
async function connect(path = "/echo", options, Socket = WasmSocket) {
  const ws = await wait(Socket.connect(ECHO + path, options), `connect ${path}`);
  open.push(ws);
  return ws;
}

/** Frees `ws` now (and not again after the test). */
function free(ws) {
  open = open.filter((other) => other !== ws);
  ws.free();
}

function freeAll() {
  for (const ws of open) {
    try {
      ws.free();
    } catch {
      // Already freed by the test through another path; nothing to release.
    }
  }
  open = [];
}

const next = (ws, what = "nextMessage") => wait(ws.nextMessage(), what);

/** Bytes 0, 1, 2... of length `n`. */
const ramp = (n, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 255);

/** Waits until `condition()` holds, polling. */
async function until(condition, what, ms = STEP_MS) {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------- connect

test("connect resolves open, with every getter", async () => {
  const ws = await connect("/echo");
  eq(ws.readyState, 1, "readyState");
  eq(ws.url, `${ECHO}/echo`, "url");
  eq(ws.protocol, "", "protocol");
  eq(typeof ws.extensions, "string", "typeof extensions");
  eq(ws.bufferedAmount, 0, "bufferedAmount");
  assert(ws instanceof WasmSocket, "not a WasmSocket");
});

test("connect offers protocols; the server's choice is in protocol", async () => {
  const ws = await connect("/echo", { protocols: ["chat", "echo"] });
  eq(ws.protocol, "chat", "protocol");
  const other = await connect("/echo", { protocols: ["echo"] });
  eq(other.protocol, "echo", "protocol");
});

test("connect turns http: into ws: and resolves relative URLs", async () => {
  const http = await wait(WasmSocket.connect(`http://${location.host}/echo`), "connect http:");
  open.push(http);
  eq(http.url, `${ECHO}/echo`, "url from http:");
  const relative = await wait(WasmSocket.connect("/echo"), "connect /echo");
  open.push(relative);
  eq(relative.url, `${ECHO}/echo`, "url from a relative URL");
});

test("connect rejects bad URLs with InvalidUrl", async () => {
  const bad = [
    // The browser's own words (undefined: not checked) for what it refuses itself.
    ["ftp://127.0.0.1/echo", undefined],
    [`${ECHO}/echo#fragment`, "fragment"],
    ["ws://foo bar.com/", "forbidden character"],
    ["ws://[::1", undefined],
  ];
  for (const [url, part] of bad) {
    const error = await rejects(WasmSocket.connect(url), "InvalidUrl", url, part);
    assert(error.message.includes(url), `message names the URL: ${error.message}`);
  }
});

test("connect rejects bad subprotocols with InvalidProtocol", async () => {
  await rejects(WasmSocket.connect(`${ECHO}/echo`, { protocols: ["a b"] }), "InvalidProtocol", "space");
  await rejects(WasmSocket.connect(`${ECHO}/echo`, { protocols: [""] }), "InvalidProtocol", "empty");
  await rejects(
    WasmSocket.connect(`${ECHO}/echo`, { protocols: ["echo", "echo"] }),
    "InvalidProtocol",
    "repeated",
    "more than once",
  );
});

test("connect fails with ConnectionFailed and the close event", async () => {
  const refused = await rejects(WasmSocket.connect(CLOSED_URL), "ConnectionFailed", "closed port");
  deepEq(refused.closeInfo, { code: 1006, reason: "", wasClean: false }, "closeInfo");
  eq(refused.message, "connection failed (code 1006, not clean)", "message");
  await rejects(WasmSocket.connect(`${ECHO}/reject`), "ConnectionFailed", "/reject (HTTP 403)");
  await rejects(
    WasmSocket.connect(`${ECHO}/echo`, { protocols: ["unknown"] }),
    "ConnectionFailed",
    "no offered subprotocol selected",
  );
});

test("connect gives up with Timeout after connectTimeoutMs", async () => {
  const started = performance.now();
  await rejects(
    WasmSocket.connect(`${ECHO}/slow?ms=3000`, { connectTimeoutMs: 200 }),
    "Timeout",
    "/slow",
    "connection not open after 200ms",
  );
  const took = performance.now() - started;
  assert(took >= 190 && took < 2500, `took ${took} ms`);
  // null waits as long as the browser does.
  const slow = await connect("/slow?ms=300", { connectTimeoutMs: null });
  eq(slow.readyState, 1, "readyState with no timeout");
});

test("connectTimeoutMs above what setTimeout takes (2^31 - 1 ms) does not fire at once", async () => {
  const started = performance.now();
  const ws = await wait(
    WasmSocket.connect(`${ECHO}/slow?ms=1000`, { connectTimeoutMs: 3e9 }),
    "connect with connectTimeoutMs: 3e9",
  );
  open.push(ws);
  const took = performance.now() - started;
  assert(took >= 900, `opened after the 1 s handshake, not timed out: took ${took} ms`);
  eq(ws.readyState, 1, "readyState");
});

test("connect refuses malformed options with TypeError or RangeError", async () => {
  const url = `${ECHO}/echo`;
  await rejects(WasmSocket.connect(url, "echo"), "TypeError", "options string", "must be an object");
  await rejects(WasmSocket.connect(url, { protocols: "echo" }), "TypeError", "protocols string");
  await rejects(WasmSocket.connect(url, { protocols: [1] }), "TypeError", "protocols [1]");
  await rejects(WasmSocket.connect(url, { binaryType: "text" }), "TypeError", "binaryType", '"text"');
  // Quoted as Rust's {:?} quotes printable text.
  await rejects(
    WasmSocket.connect(url, { binaryType: 'a"b\\c\n\u001b\u007fé' }),
    "TypeError",
    "binaryType with quotes and control characters",
    'got "a\\"b\\\\c\\n\\u{1b}\\u{7f}é"',
  );
  await rejects(WasmSocket.connect(url, { connectTimeoutMs: "1" }), "TypeError", "timeout string");
  await rejects(WasmSocket.connect(url, { connectTimeoutMs: -1 }), "RangeError", "timeout -1");
  await rejects(WasmSocket.connect(url, { connectTimeoutMs: Infinity }), "RangeError", "timeout ∞");
  await rejects(WasmSocket.connect(url, { maxBufferedAmount: "1" }), "TypeError", "limit string");
  await rejects(WasmSocket.connect(url, { maxBufferedAmount: -1 }), "RangeError", "limit -1");
  await rejects(WasmSocket.connect(url, { maxBufferedAmount: 1.5 }), "RangeError", "limit 1.5");
  await rejects(WasmSocket.connect(url, { maxBufferedAmount: 2 ** 32 }), "RangeError", "limit 2^32");
  await rejects(WasmSocket.connect(url, { maxMessageSize: "1" }), "TypeError", "size string");
  await rejects(WasmSocket.connect(url, { maxMessageSize: -1 }), "RangeError", "size -1");
  await rejects(WasmSocket.connect(url, { maxBacklogMessages: 0.5 }), "RangeError", "backlog 0.5");
  await rejects(WasmSocket.connect(url, { maxBacklogBytes: 2 ** 32 }), "RangeError", "backlog 2^32");
  // undefined and null options are the defaults.
  open.push(await wait(WasmSocket.connect(url, undefined), "connect, options undefined"));
  open.push(await wait(WasmSocket.connect(url, null), "connect, options null"));
});

// ---------------------------------------------------------------- sending

test("maxBufferedAmount refuses sends with BufferFull while that much is buffered", async () => {
  const ws = await connect("/echo", { maxBufferedAmount: 1024 });
  const echoes = [];
  ws.onMessage((message) => echoes.push(message));
  ws.sendBytes(new Uint8Array(4 << 20)); // nothing buffered yet: accepted
  assert(ws.bufferedAmount >= 1024, `bufferedAmount after 4 MiB: ${ws.bufferedAmount}`);
  throws(() => ws.sendText("over the limit"), "BufferFull", "a text over the limit");
  throws(() => ws.sendBytes(new Uint8Array(1)), "BufferFull", "bytes over the limit");
  await until(() => ws.bufferedAmount < 1024, "the buffer to drain", 10_000);
  ws.sendText("after the drain");
  await until(() => echoes.length === 2, "both accepted messages echoed", 10_000);
  eq(echoes[0].byteLength, 4 << 20, "the big message came back");
  eq(echoes[1], "after the drain", "nothing refused was sent");
  // Without the option, nothing is refused.
  const unlimited = await connect("/echo", { maxBufferedAmount: null });
  unlimited.sendBytes(new Uint8Array(4 << 20));
  unlimited.sendText("not refused");
});

test("maxBufferedAmount below the high-water mark: a ReconnectingSocket's outbox goes out whole", async () => {
  // Queued before the connection opens, then sent as fast as backpressure allows:
  // the high-water mark (1 MiB) is lowered under the 1024-byte limit, so no send of
  // the replay is refused with BufferFull.
  const ws = reconnecting("/echo", {}, { maxBufferedAmount: 1024 });
  const sent = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `${i}`.padEnd(1000, "."));
  for (const text of sent) ws.sendText(text);
  const echoes = [];
  while (echoes.length < sent.length) {
    const event = await wait(ws.nextEvent(), "the echoes");
    assert(event !== null && event.type !== "unsent", `unexpected event: ${show(event)}`);
    if (event.type === "message") echoes.push(event.data);
  }
  deepEq(echoes, sent, "every queued message echoed, in order");
});

// ---------------------------------------------------------------- receive limits

test("maxMessageSize: a larger message rejects with MessageTooLarge; onMessage never sees it", async () => {
  const ws = await connect("/echo", { maxMessageSize: 1000 });
  ws.sendText("small");
  ws.sendText("é".repeat(600)); // 600 UTF-16 units, 1200 bytes of UTF-8
  ws.sendText("after");
  eq(await next(ws, "the small one"), "small", "first message");
  const error = await rejects(ws.nextMessage(), "MessageTooLarge", "the large one", "1200 bytes");
  assert(error.message.includes("1000"), `the limit in ${show(error.message)}`);
  eq(await next(ws, "the end"), null, "nothing after the error");
  eq((await wait(ws.closed, "closed")).code, 4009, "close code");

  const called = await connect("/echo", { maxMessageSize: 100 });
  const seen = [];
  called.onMessage((message) => seen.push(message));
  called.sendText("fits");
  called.sendBytes(new Uint8Array(101));
  called.sendText("never");
  eq((await wait(called.closed, "closed")).code, 4009, "close code with onMessage");
  deepEq(seen, ["fits"], "what onMessage saw");
  // The page goes on.
  const other = await connect("/echo");
  other.sendText("still working");
  eq(await next(other), "still working", "a new socket");
});

test("maxBacklogMessages: a reader that does not keep up gets the kept messages, then BacklogFull", async () => {
  const ws = await connect("/echo", { maxBacklogMessages: 10 });
  for (let i = 0; i < 20; i++) ws.sendText(String(i).padStart(2, "0"));
  eq((await wait(ws.closed, "closed")).code, 4008, "close code");
  for (let i = 0; i < 10; i++) eq(await next(ws), String(i).padStart(2, "0"), `message ${i}`);
  await rejects(ws.nextMessage(), "BacklogFull", "the 11th", "10 unread messages (20 bytes)");
  eq(await next(ws, "the end"), null, "nothing after the error");
});

test("sendText round-trips text, Unicode included", async () => {
  const ws = await connect();
  for (const text of ["hello", "", "héllo wörld ✓ 🦀"]) {
    ws.sendText(text);
    eq(await next(ws), text, "echo");
  }
});

test("sendBytes sends the bytes a Uint8Array covers, not its whole buffer", async () => {
  const ws = await connect();
  ws.sendBytes(Uint8Array.of(1, 2, 3));
  bytesEq(await next(ws), [1, 2, 3], "echo");
  const big = ramp(64);
  ws.sendBytes(big.subarray(10, 14));
  bytesEq(await next(ws), [10, 11, 12, 13], "subarray echo");
  ws.sendBytes(new Uint8Array(0));
  bytesEq(await next(ws), [], "empty echo");
});

test("sendArrayBuffer and sendBlob send binary messages", async () => {
  const ws = await connect();
  ws.sendArrayBuffer(ramp(5).buffer);
  bytesEq(await next(ws), ramp(5), "ArrayBuffer echo");
  ws.sendBlob(new Blob([Uint8Array.of(9, 8), "7"]));
  bytesEq(await next(ws), [9, 8, 55], "Blob echo");
});

test("binaryType blob delivers binary messages as Blobs, text as strings", async () => {
  const ws = await connect("/echo", { binaryType: "blob" });
  ws.sendBytes(Uint8Array.of(4, 5, 6));
  ws.sendText("still text");
  const blob = await next(ws);
  assert(blob instanceof Blob, `expected a Blob, got ${show(blob)}`);
  bytesEq(new Uint8Array(await wait(blob.arrayBuffer(), "read Blob")), [4, 5, 6], "Blob bytes");
  eq(await next(ws), "still text", "text");
});

test("sends refuse values of the wrong type with TypeError", async () => {
  const ws = await connect();
  throws(() => ws.sendBytes([1, 2]), "TypeError", "sendBytes(array)", "Uint8Array");
  throws(() => ws.sendBytes(ramp(4).buffer), "TypeError", "sendBytes(ArrayBuffer)");
  throws(() => ws.sendArrayBuffer(ramp(4)), "TypeError", "sendArrayBuffer(Uint8Array)", "got Uint8Array");
  throws(() => ws.sendBlob("text"), "TypeError", "sendBlob(string)");
  throws(() => ws.onMessage(42), "TypeError", "onMessage(42)", "must be a function");
  throws(() => ws.onClose(null), "TypeError", "onClose(null)");
  throws(() => ws.onError({}), "TypeError", "onError({})");
  // The browser's own TypeError (a view that tracks a resizable buffer's length,
  // which WebSocket.send refuses) stays a TypeError.
  const resizable = new Uint8Array(new ArrayBuffer(8, { maxByteLength: 16 }));
  throws(() => ws.sendBytes(resizable), "TypeError", "sendBytes(a length-tracking view)");
  // Nothing was sent by the refused calls.
  ws.sendText("after");
  eq(await next(ws), "after", "next echo");
});

test("sends on a closed socket throw NotOpen", async () => {
  const ws = await connect();
  ws.close();
  const error = throws(() => ws.sendText("late"), "NotOpen", "sendText while closing", "closing");
  eq(error.message, "the socket is not open (it is closing)", "message");
  await wait(ws.closed, "closed");
  throws(() => ws.sendText("late"), "NotOpen", "sendText", "(it is closed)");
  throws(() => ws.sendBytes(ramp(2)), "NotOpen", "sendBytes");
  throws(() => ws.sendArrayBuffer(ramp(2).buffer), "NotOpen", "sendArrayBuffer");
  throws(() => ws.sendBlob(new Blob(["x"])), "NotOpen", "sendBlob");
});

// ---------------------------------------------------------------- order

test("1,000 mixed messages come back in order through overlapping nextMessage()", async () => {
  const ws = await connect();
  const expected = [];
  for (let i = 0; i < 1000; i++) {
    const bytes = Uint8Array.of(i & 255, i >> 8, i % 7);
    switch (i % 4) {
      case 0:
        ws.sendText(`message ${i}`);
        expected.push(`message ${i}`);
        break;
      case 1:
        ws.sendBytes(bytes);
        expected.push(bytes);
        break;
      case 2:
        ws.sendArrayBuffer(bytes.buffer);
        expected.push(bytes);
        break;
      default:
        ws.sendBlob(new Blob([bytes]));
        expected.push(bytes);
    }
  }
  // All 1,000 calls are pending at once; each gets the next message in turn.
  const received = await wait(
    Promise.all(expected.map(() => ws.nextMessage())),
    "1,000 echoes",
    20_000,
  );
  received.forEach((message, i) => {
    if (typeof expected[i] === "string") eq(message, expected[i], `message ${i}`);
    else bytesEq(message, expected[i], `message ${i}`);
  });
});

test("onMessage gets every message in order", async () => {
  const ws = await connect();
  const received = [];
  ws.onMessage((message) => received.push(message));
  for (let i = 0; i < 500; i++) {
    if (i % 2) ws.sendText(String(i));
    else ws.sendBytes(Uint8Array.of(i & 255));
  }
  await until(() => received.length === 500, `500 messages (have ${received.length})`, 15_000);
  received.forEach((message, i) => {
    if (i % 2) eq(message, String(i), `message ${i}`);
    else bytesEq(message, [i & 255], `message ${i}`);
  });
});

test("onMessage takes over from nextMessage(): each message goes to exactly one, in order", async () => {
  const ws = await connect();
  ws.sendText("queued 1");
  ws.sendText("queued 2");
  eq(await next(ws), "queued 1", "read before any callback");
  // "queued 2" is queued by now or arrives after the callback: either way it is handed
  // out once, by nextMessage() (which keeps what was queued) or by the callback.
  await sleep(100);
  const seen = [];
  ws.onMessage((message) => seen.push(message));
  ws.sendText("to the callback");
  await until(() => seen.includes("to the callback"), "callback message");
  ws.close();
  const rest = [];
  for (let message = await next(ws); message !== null; message = await next(ws)) {
    rest.push(message);
  }
  deepEq([...rest, ...seen], ["queued 2", "to the callback"], "nextMessage() then callbacks");
  eq(await next(ws), null, "null again after the close");
});

test("onMessage after a 16 MiB backlog: nothing copied into wasm at once, nextMessage() reads it in order", async () => {
  const COUNT = 64;
  const SIZE = 256 * 1024;
  const ws = await connect();
  for (let i = 0; i < COUNT; i++) {
    const buffer = new Uint8Array(SIZE);
    buffer[0] = i;
    ws.sendArrayBuffer(buffer.buffer);
  }
  await until(() => ws.bufferedAmount === 0, "the sends to go out");
  // Loopback echoes 16 MiB well within this; any that come later go to the callback.
  await sleep(1_500);
  const before = wasm.memory.buffer.byteLength;
  const seen = [];
  ws.onMessage((message) => seen.push(message[0]));
  const grown = wasm.memory.buffer.byteLength - before;
  assert(grown <= 1024 * 1024, `wasm memory grew by ${grown} bytes when onMessage took over`);
  await sleep(300);
  ws.close();
  const read = [];
  for (let message = await next(ws); message !== null; message = await next(ws)) {
    read.push(message[0]);
  }
  assert(read.length >= COUNT / 2, `only ${read.length} echoes had arrived before onMessage`);
  deepEq([...read, ...seen], [...Array(COUNT).keys()], "nextMessage() then callbacks, in order");
});

test("a nextMessage() pending when onMessage is registered moves to the new source", async () => {
  const ws = await connect();
  const pending = ws.nextMessage();
  await sleep(50);
  ws.onMessage(() => {});
  ws.sendText("to the callback only");
  await sleep(100);
  ws.close(4001, "end");
  eq(await wait(pending, "pending nextMessage"), null, "pending call after the close");
});

// ---------------------------------------------------------------- close

test("close(code, reason): closed, onClose and nextMessage() agree", async () => {
  const ws = await connect();
  const infos = [];
  ws.onClose((info) => infos.push(info));
  const closed = ws.closed;
  assert(closed === ws.closed, "closed is the same promise every time");
  ws.close(4000, "done");
  eq(ws.readyState, 2, "readyState while closing");
  deepEq(await wait(closed, "closed"), { code: 4000, reason: "done", wasClean: true }, "closed");
  eq(ws.readyState, 3, "readyState after");
  // The callbacks run in the same close event, just after `closed` settles.
  await until(() => infos.length === 1, "onClose");
  deepEq(infos, [{ code: 4000, reason: "done", wasClean: true }], "onClose");
  eq(await next(ws), null, "nextMessage after the close");
  // Closing again does nothing.
  ws.close();
  ws.close(4001, "again");
});

test("close() sends 1000, and a reason alone goes with 1000 (never 1005)", async () => {
  const plain = await connect();
  plain.close();
  deepEq(await wait(plain.closed, "closed"), { code: 1000, reason: "", wasClean: true }, "close()");
  const reasoned = await connect();
  reasoned.close(undefined, "bye");
  deepEq(await wait(reasoned.closed, "closed"), { code: 1000, reason: "bye", wasClean: true }, "close(undefined, reason)");
});

test("close refuses bad codes and reasons before the browser sees them", async () => {
  const ws = await connect();
  for (const code of [1001, 1005, 2999, 5000, 0]) {
    throws(() => ws.close(code), "InvalidCloseCode", `close(${code})`, `invalid close code ${code}`);
  }
  for (const code of [70000, 1000.5, -1, NaN]) {
    throws(() => ws.close(code), "InvalidCloseCode", `close(${code})`, `invalid close code ${code}`);
  }
  const error = throws(() => ws.close(4000, "x".repeat(124)), "CloseReasonTooLong", "124 bytes");
  eq(error.message, "close reason is 124 bytes of UTF-8, at most 123 are allowed", "message");
  throws(() => ws.close(4000, "é".repeat(62)), "CloseReasonTooLong", "62 × é = 124 bytes", "124 bytes");
  eq(ws.readyState, 1, "still open");
  // Not a string: refused by the API, not handed to wasm-bindgen's string conversion
  // (which would fail inside the module).
  for (const reason of [42, {}, true, ["a"], 10n]) {
    throws(() => ws.close(4000, reason), "TypeError", `close(4000, ${typeof reason})`, "reason must be a string");
  }
  eq(ws.readyState, 1, "still open after the refused reasons");
  ws.sendText("still echoing");
  eq(await next(ws), "still echoing", "the socket still works");
  ws.close(4000, "x".repeat(123));
  deepEq(await wait(ws.closed, "closed"), { code: 4000, reason: "x".repeat(123), wasClean: true }, "123 bytes");
  const nullReason = await connect();
  nullReason.close(4001, null);
  deepEq(await wait(nullReason.closed, "closed"), { code: 4001, reason: "", wasClean: true }, "a null reason is empty");
});

test("a server-initiated close ends nextMessage() with null", async () => {
  const ws = await connect("/close?code=4001&reason=bye");
  const infos = [];
  ws.onClose((info) => infos.push(info));
  eq(await next(ws), null, "nextMessage");
  deepEq(await wait(ws.closed, "closed"), { code: 4001, reason: "bye", wasClean: true }, "closed");
  await until(() => infos.length === 1, "onClose");
  deepEq(infos[0], { code: 4001, reason: "bye", wasClean: true }, "onClose");
});

test("an abrupt close rejects nextMessage() once with AbnormalClose, then null", async () => {
  const ws = await connect("/abrupt?after=2");
  ws.sendText("one");
  ws.sendText("two");
  eq(await next(ws), "one", "first echo");
  eq(await next(ws), "two", "second echo");
  const error = await rejects(ws.nextMessage(), "AbnormalClose", "after the drop");
  eq(error.closeInfo?.code, 1006, "closeInfo.code");
  eq(error.closeInfo?.wasClean, false, "closeInfo.wasClean");
  eq(await next(ws), null, "then null");
  deepEq(await wait(ws.closed, "closed"), { code: 1006, reason: "", wasClean: false }, "closed");
});

test("onError callbacks are registered, and not called for a clean close", async () => {
  // Chromium fires `error` on an open socket only when it fails the connection for a
  // protocol violation, which the echo server never commits; a lost connection (as
  // above) closes with 1006 and no `error`. So this checks the registration only.
  const before = liveListeners();
  const ws = await connect();
  const calls = [];
  ws.onError(() => calls.push("error"));
  ws.onClose(() => calls.push("close"));
  eq(liveListeners(), before + 5, "listeners with two callbacks");
  ws.close();
  await wait(ws.closed, "closed");
  await until(() => calls.length === 1, "onClose");
  deepEq(calls, ["close"], "callbacks");
});

// ---------------------------------------------------------------- callbacks and free

test("a callback that throws is reported, and later messages still arrive", async () => {
  const ws = await connect();
  const reported = [];
  const onError = (event) => {
    reported.push(event.error?.message);
    event.preventDefault();
  };
  window.addEventListener("error", onError);
  try {
    const received = [];
    ws.onMessage((message) => {
      received.push(message);
      if (message === "throw") throw new Error("thrown by the callback");
    });
    ws.sendText("throw");
    ws.sendText("after");
    await until(() => received.length === 2, "two messages");
    deepEq(received, ["throw", "after"], "messages");
    deepEq(reported, ["thrown by the callback"], "reported errors");
  } finally {
    window.removeEventListener("error", onError);
  }
});

test("free() removes every listener and silences the callbacks", async () => {
  const before = liveListeners();
  const ws = await connect();
  eq(liveListeners(), before + 3, "listeners of an open socket");
  const calls = [];
  ws.onMessage(() => calls.push("message"));
  ws.onClose(() => calls.push("close"));
  ws.onError(() => calls.push("error"));
  // +3 callbacks, -1: once onMessage takes the messages over from nextMessage(), the
  // socket stops listening for messages to queue.
  eq(liveListeners(), before + 5, "with three callbacks");
  ws.sendText("in flight");
  free(ws);
  eq(liveListeners(), before, "after free()");
  await sleep(200);
  deepEq(calls, [], "callbacks after free()");
  throws(() => ws.sendText("x"), "Error", "a method after free()");
});

test("free() from inside a callback is safe", async () => {
  const before = liveListeners();
  const ws = await connect();
  const calls = [];
  ws.onMessage((message) => {
    calls.push(message);
    free(ws); // removes the very callback that is running
  });
  ws.onMessage(() => calls.push("second callback"));
  ws.sendText("one");
  ws.sendText("two");
  await until(() => liveListeners() === before, `listeners back to ${before}`);
  await sleep(100);
  deepEq(calls, ["one"], "calls");

  const other = await connect();
  const closed = other.closed;
  other.onClose(() => free(other));
  other.close();
  deepEq(await wait(closed, "closed"), { code: 1000, reason: "", wasClean: true }, "closed");
  await until(() => liveListeners() === before, `listeners back to ${before} after onClose`);
});

test("free() twice, or a `using` block's end after free(), does nothing", async () => {
  const before = liveListeners();
  const ws = await connect();
  free(ws);
  ws.free();
  ws[Symbol.dispose]();
  const reconnectingWs = reconnecting("/echo", {});
  reconnectingWs.free();
  reconnectingWs.free();
  reconnectingWs[Symbol.dispose]();
  open = open.filter((other) => other !== reconnectingWs);
  await until(() => liveListeners() === before, `listeners back to ${before}: ${liveListeners()}`);
});

test("free() settles pending promises, then releases the socket", async () => {
  const before = liveListeners();
  const ws = await connect();
  const closed = ws.closed;
  const pending = ws.nextMessage();
  free(ws);
  eq(await wait(pending, "pending nextMessage"), null, "pending nextMessage");
  deepEq(await wait(closed, "closed"), { code: 1000, reason: "", wasClean: true }, "closed");
  await until(() => liveListeners() === before, `listeners back to ${before}`);
});

// ---------------------------------------------------------------- canvas

/** A canvas with a known opaque pattern. */
function patternCanvas(width = 40, height = 30) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      context.fillStyle = `rgb(${(x * 6) & 255}, ${(y * 8) & 255}, ${(x * y) & 255})`;
      context.fillRect(x, y, 1, 1);
    }
  }
  return canvas;
}

const pixelsOf = (canvas) =>
  canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;

function samePixels(a, b, what) {
  eq(b.width, a.width, `${what}: width`);
  eq(b.height, a.height, `${what}: height`);
  const [pa, pb] = [pixelsOf(a), pixelsOf(b)];
  const differ = pa.findIndex((value, i) => value !== pb[i]);
  assert(differ === -1, `${what}: pixels differ at byte ${differ}`);
}

test("sendCanvas sends a PNG that drawMessage draws back pixel for pixel", async () => {
  const ws = await connect();
  const source = patternCanvas();
  const blob = await wait(ws.sendCanvas(source), "sendCanvas");
  assert(blob instanceof Blob, "resolves with the Blob");
  eq(blob.type, "image/png", "type");
  const echoed = await next(ws);
  assert(echoed instanceof Uint8Array, "echo is bytes");
  eq(echoed.length, blob.size, "echo size");
  const target = document.createElement("canvas");
  deepEq(await wait(ws.drawMessage(echoed, target), "drawMessage"), { width: 40, height: 30 }, "size");
  samePixels(source, target, "PNG");
});

test("sendCanvas encodes JPEG and WebP with a quality", async () => {
  const ws = await connect("/echo", { binaryType: "blob" });
  const source = patternCanvas();
  for (const type of ["image/jpeg", "image/webp"]) {
    const blob = await wait(ws.sendCanvas(source, type, 0.5), `sendCanvas ${type}`);
    eq(blob.type, type, "type");
    const echoed = await next(ws);
    assert(echoed instanceof Blob, "a Blob in blob mode");
    const target = document.createElement("canvas");
    deepEq(await wait(ws.drawMessage(echoed, target), "drawMessage"), { width: 40, height: 30 }, type);
  }
});

test("sendCanvasPixels sends raw RGBA that drawMessage draws back exactly", async () => {
  const ws = await connect();
  const source = patternCanvas(7, 5);
  const sent = ws.sendCanvasPixels(source);
  eq(sent, 12 + 7 * 5 * 4, "bytes sent");
  const echoed = await next(ws);
  bytesEq(echoed.subarray(0, 4), [82, 71, 66, 65], "magic RGBA");
  eq(new DataView(echoed.buffer, echoed.byteOffset).getUint32(4, true), 7, "width");
  eq(new DataView(echoed.buffer, echoed.byteOffset).getUint32(8, true), 5, "height");
  const target = document.createElement("canvas");
  deepEq(await wait(ws.drawMessage(echoed, target), "drawMessage"), { width: 7, height: 5 }, "size");
  samePixels(source, target, "raw pixels");
  // The same bytes as an ArrayBuffer and as a Blob.
  const copy = echoed.slice().buffer;
  deepEq(await wait(ws.drawMessage(copy, document.createElement("canvas")), "ArrayBuffer"), { width: 7, height: 5 }, "ArrayBuffer");
  deepEq(await wait(ws.drawMessage(new Blob([echoed]), document.createElement("canvas")), "Blob"), { width: 7, height: 5 }, "Blob");
});

test("drawMessage refuses an image above maxSide or maxPixels with TooLarge, before decoding it", async () => {
  const ws = await connect();
  const target = patternCanvas(3, 3);
  // A PNG signature and IHDR declaring 30000x30000: over the default 2^28 pixels.
  const png = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82,
    0, 0, 117, 48, 0, 0, 117, 48, 8, 6, 0, 0, 0, 0, 0, 0, 0);
  await rejects(ws.drawMessage(png, target), "TooLarge", "30000x30000 PNG", "30000x30000");
  await rejects(ws.drawMessage(new Blob([png]), target), "TooLarge", "30000x30000 PNG Blob");
  const pixels = Uint8Array.of(82, 71, 66, 65, 3, 0, 0, 0, 1, 0, 0, 0, ...new Array(12).fill(255));
  await rejects(ws.drawMessage(pixels, target, { maxSide: 2 }), "TooLarge", "maxSide");
  await rejects(ws.drawMessage(pixels, target, { maxPixels: 2 }), "TooLarge", "maxPixels");
  samePixels(patternCanvas(3, 3), target, "canvas left untouched");
  deepEq(await wait(ws.drawMessage(pixels, target, { maxSide: 3, maxPixels: 3 }), "at the limit"),
    { width: 3, height: 1 }, "at the limit");
  await rejects(ws.drawMessage(pixels, target, { maxPixels: -1 }), "RangeError", "negative maxPixels");
  await rejects(ws.drawMessage(pixels, target, { maxSide: 1.5 }), "RangeError", "fractional maxSide");
  await rejects(ws.drawMessage(pixels, target, { maxSide: "big" }), "TypeError", "maxSide a string");
  await rejects(ws.drawMessage(pixels, target, 5), "TypeError", "options a number");
});

test("canvas functions fail with named errors", async () => {
  const ws = await connect();
  const target = patternCanvas(3, 3);
  await rejects(ws.drawMessage("text", target), "NotAnImage", "text message");
  await rejects(ws.drawMessage(ramp(50, 100), target), "NotAnImage", "garbage bytes");
  samePixels(patternCanvas(3, 3), target, "canvas left untouched");
  await rejects(ws.drawMessage(Uint8Array.of(82, 71, 66, 65, 1), target), "PixelsTruncated", "short header");
  const header = Uint8Array.of(82, 71, 66, 65, 2, 0, 0, 0, 2, 0, 0, 0, 1, 2, 3);
  await rejects(ws.drawMessage(header, target), "InvalidPixels", "wrong RGBA length");
  await rejects(ws.drawMessage(42, target), "TypeError", "a number");
  await rejects(ws.drawMessage(ramp(4), "canvas"), "TypeError", "not a canvas");

  const empty = document.createElement("canvas");
  empty.width = 0;
  await rejects(ws.sendCanvas(empty), "CanvasEncodeFailed", "sendCanvas of 0 pixels");
  throws(() => ws.sendCanvasPixels(empty), "CanvasEncodeFailed", "sendCanvasPixels of 0 pixels");
  await rejects(ws.sendCanvas(target, "image/gif"), "TypeError", "image/gif", "image/gif");
  await rejects(ws.sendCanvas(target, 42), "TypeError", "a number for the type", "type must be a string");
  await rejects(ws.sendCanvas(target, "image/jpeg", "high"), "TypeError", "a string for the quality", "quality must be a number");
  for (const quality of [5, -0.1, NaN, Infinity]) {
    await rejects(ws.sendCanvas(target, "image/jpeg", quality), "RangeError", `quality ${quality}`, "from 0 to 1");
  }
  await rejects(ws.sendCanvas({}), "TypeError", "sendCanvas({})", "HTMLCanvasElement");
  throws(() => ws.sendCanvasPixels({}), "TypeError", "sendCanvasPixels({})");
  const webgl = document.createElement("canvas");
  if (webgl.getContext("webgl") || webgl.getContext("webgl2")) {
    throws(() => ws.sendCanvasPixels(webgl), "NoContext2d", "a webgl canvas");
  }

  ws.close();
  await wait(ws.closed, "closed");
  await rejects(ws.sendCanvas(target), "NotOpen", "sendCanvas after close");
  throws(() => ws.sendCanvasPixels(target), "NotOpen", "sendCanvasPixels after close");
});

// ---------------------------------------------------------------- reconnecting

/** A ReconnectingSocket to `path`, freed after the test. */
function reconnecting(path, reconnect, options = {}) {
  const ws = new ReconnectingSocket(ECHO + path, { ...options, reconnect });
  open.push(ws);
  return ws;
}

/**
 * Asks an admin path of the echo server that serves this page (a WebSocket handshake
 * from this page's origin, which the server accepts) and resolves with its one text
 * answer.
 */
function admin(pathAndQuery) {
  const url = new URL(pathAndQuery, location.href).href.replace(/^http/, "ws");
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let answered = false;
    ws.onmessage = (event) => {
      answered = true;
      resolve(String(event.data));
      ws.close();
    };
    ws.onclose = (event) => {
      if (!answered) reject(new Error(`${url}: closed (${event.code}) before answering`));
    };
  });
}

/** Events from nextEvent() up to and including the first of type `last`. */
async function eventsUntil(ws, last, ms = STEP_MS) {
  const events = [];
  for (;;) {
    const event = await wait(ws.nextEvent(), `events until ${last}`, ms);
    assert(event !== null, `the events ended before ${last}: ${show(events)}`);
    events.push(event);
    if (event.type === last) return events;
  }
}

test("ReconnectingSocket survives a server outage and sends the outbox in order", async () => {
  const ws = reconnecting("/echo", { initialDelayMs: 100, jitter: 0 });
  deepEq(await wait(ws.nextEvent(), "open"), { type: "open" }, "first event");
  eq(ws.isOpen, true, "isOpen");
  eq(await wait(admin("/admin/outage?ms=600"), "start an outage"), "outage of 600 ms", "outage answer");
  const lost = await eventsUntil(ws, "disconnected");
  const disconnected = lost[lost.length - 1];
  eq(disconnected.reason, "closed", "reason");
  eq(disconnected.closeInfo.code, 1006, "close code");
  eq(ws.isOpen, false, "isOpen while disconnected");
  for (let i = 0; i < 5; i++) ws.sendText(`queued ${i}`);
  eq(ws.queuedMessages, 5, "queuedMessages");
  eq(ws.queuedBytes, 40, "queuedBytes");
  const events = await eventsUntil(ws, "reconnected", 10_000);
  const delays = events.filter((e) => e.type === "reconnecting").map((e) => e.delayMs);
  assert(delays.length >= 2, `attempts: ${show(events)}`);
  assert(delays.every((d, i) => i === 0 || d > delays[i - 1]), `delays grow: ${delays}`);
  const echoes = [];
  while (echoes.length < 5) {
    const event = await wait(ws.nextEvent(), "echo");
    eq(event.type, "message", "event type");
    echoes.push(event.data);
  }
  deepEq(echoes, [0, 1, 2, 3, 4].map((i) => `queued ${i}`), "echoes in order");
  ws.close(4000, "done");
  const closed = await wait(ws.nextEvent(), "closed");
  deepEq(closed, { type: "closed", closeInfo: { code: 4000, reason: "done", wasClean: true } }, "closed");
  eq(await wait(ws.nextEvent(), "end"), null, "after closed");
});

test("ReconnectingSocket backs off against /reject and gives up", async () => {
  const ws = reconnecting("/reject", { initialDelayMs: 20, factor: 3, maxAttempts: 2, jitter: 0 });
  const events = await eventsUntil(ws, "gaveUp", 10_000);
  deepEq(
    events.map((e) => e.type),
    ["attemptFailed", "reconnecting", "attemptFailed", "reconnecting", "attemptFailed", "gaveUp"],
    "event types",
  );
  deepEq(events.filter((e) => e.type === "reconnecting").map((e) => e.delayMs), [20, 60], "delays");
  for (const failed of events.filter((e) => e.type === "attemptFailed")) {
    isError(failed.error, "ConnectionFailed", "attempt error");
    eq(failed.error.closeInfo.code, 1006, "attempt close code");
  }
  eq(events[events.length - 1].attempts, 2, "attempts");
  eq(await wait(ws.nextEvent(), "end"), null, "after gaveUp");
  throws(() => ws.sendText("late"), "NotOpen", "send after gaveUp");
  // reconnect() starts over: the same attempts again, from the first.
  ws.reconnect();
  const again = await eventsUntil(ws, "gaveUp", 10_000);
  deepEq(
    again.map((e) => e.type),
    ["attemptFailed", "reconnecting", "attemptFailed", "reconnecting", "attemptFailed", "gaveUp"],
    "event types after starting over",
  );
  deepEq(again.filter((e) => e.type === "reconnecting").map((e) => e.delayMs), [20, 60], "delays again");
  eq(again[0].attempt, 0, "a new first attempt");
  ws.close();
  throws(() => ws.reconnect(), "NotOpen", "reconnect after gaveUp and close");
});

test("ReconnectingSocket: a full outbox throws OutboxFull, close hands back the rest", async () => {
  const ws = reconnecting("/reject", { initialDelayMs: 60_000, outbox: { maxMessages: 2 } });
  eq((await wait(ws.nextEvent(), "first failure")).type, "attemptFailed", "first event");
  ws.sendText("a");
  ws.sendBytes(Uint8Array.of(1, 2, 3));
  throws(() => ws.sendText("c"), "OutboxFull", "a third message", "2 messages (4 bytes)");
  throws(() => ws.sendText(42), "TypeError", "a number");
  throws(() => ws.close(1001), "InvalidCloseCode", "close(1001)");
  ws.close();
  const events = await eventsUntil(ws, "closed");
  const unsent = events.find((e) => e.type === "unsent");
  eq(unsent.reason, "closed", "unsent reason");
  eq(unsent.messages[0], "a", "first unsent");
  bytesEq(unsent.messages[1], [1, 2, 3], "second unsent");
  eq(events[events.length - 1].closeInfo, null, "closed without a connection");

  const dropping = reconnecting("/reject", {
    initialDelayMs: 60_000,
    outbox: { maxMessages: 1, whenFull: "dropOldest" },
  });
  dropping.sendText("old");
  dropping.sendText("new");
  const dropped = (await eventsUntil(dropping, "unsent")).pop();
  deepEq(dropped, { type: "unsent", messages: ["old"], reason: "droppedOldest" }, "dropped");
});

test("ReconnectingSocket: onEvent takes over from nextEvent(); free() releases everything", async () => {
  // Sockets freed by the previous test release their listeners at their driver's next
  // turn: let them.
  await sleep(50);
  const before = liveListeners();
  const ws = reconnecting("/echo", { heartbeat: { intervalMs: 50, timeoutMs: 1000, reply: "ping" } });
  const pending = ws.nextEvent();
  const seen = [];
  ws.onEvent((event) => seen.push(event));
  eq(await wait(pending, "pending nextEvent"), null, "a pending nextEvent() moves aside");
  await until(() => seen.some((e) => e.type === "open"), "open through onEvent");
  ws.sendText("hello");
  await until(() => seen.some((e) => e.type === "message"), "message through onEvent");
  await sleep(200);
  deepEq(
    seen.filter((e) => e.type === "message").map((e) => e.data),
    ["hello"],
    "messages (the heartbeat's replies are kept out)",
  );
  assert(liveListeners() > before, "listeners while open");
  free(ws);
  await sleep(50);
  eq(liveListeners(), before, "listeners after free()");
  const count = seen.length;
  await sleep(150);
  eq(seen.length, count, "no event after free()");
});

test("ReconnectingSocket: unread messages beyond maxBacklogMessages are dropped and reported", async () => {
  const ws = reconnecting("/echo", { initialDelayMs: 100, jitter: 0 }, { maxBacklogMessages: 5 });
  await until(() => ws.isOpen, "open");
  for (let i = 0; i < 12; i++) ws.sendText(String(i).padStart(2, "0"));
  await until(() => ws.bufferedAmount === 0 && ws.queuedMessages === 0, "sent");
  await sleep(300); // the echoes arrive, unread
  const events = await eventsUntil(ws, "dropped");
  deepEq(
    events,
    [
      { type: "open" },
      ...[0, 1, 2, 3, 4].map((i) => ({ type: "message", data: `0${i}` })),
      { type: "dropped", messages: 7, bytes: 14 },
    ],
    "events",
  );
});

/**
 * Overrides `navigator.onLine` and `document.visibilityState` on the instances (as the
 * browser's own states cannot be set from a page) and dispatches the events that go
 * with them; `restore()` removes the overrides.
 */
const signals = {
  offline() {
    Object.defineProperty(navigator, "onLine", { configurable: true, get: () => false });
    window.dispatchEvent(new Event("offline"));
  },
  online() {
    Object.defineProperty(navigator, "onLine", { configurable: true, get: () => true });
    window.dispatchEvent(new Event("online"));
  },
  visibility(state) {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    document.dispatchEvent(new Event("visibilitychange"));
  },
  page(type, persisted) {
    window.dispatchEvent(new PageTransitionEvent(type, { persisted }));
  },
  restore() {
    delete navigator.onLine;
    delete document.visibilityState;
  },
};

/** How many handshakes the echo server has received for `path`. */
async function requests(path) {
  return Number(await wait(admin(`/admin/requests?path=${path}`), `requests for ${path}`));
}

test("ReconnectingSocket waits while offline, then attempts once, at once, on online", async () => {
  try {
    const before = await requests("/echo");
    signals.offline();
    const ws = reconnecting("/echo", { initialDelayMs: 50, jitter: 0 });
    deepEq(await wait(ws.nextEvent(), "offline"), { type: "offline" }, "first event");
    ws.sendText("waited");
    await sleep(400);
    eq(await requests("/echo"), before, "attempts while offline");
    signals.online();
    const onlineAt = performance.now();
    deepEq(await wait(ws.nextEvent(), "open"), { type: "open" }, "after online");
    const took = performance.now() - onlineAt;
    assert(took <= 100, `opened ${took} ms after online`);
    deepEq(await wait(ws.nextEvent(), "echo"), { type: "message", data: "waited" }, "the outbox");
    eq(await requests("/echo"), before + 1, "attempts after online");
  } finally {
    signals.restore();
  }
});

test("ReconnectingSocket attempts at once when the page becomes visible; not with attemptWhenVisible: false", async () => {
  try {
    for (const on of [true, false]) {
      const ws = reconnecting("/close?code=4000", {
        initialDelayMs: 5_000,
        jitter: 0,
        network: { attemptWhenVisible: on },
      });
      deepEq(
        (await eventsUntil(ws, "reconnecting")).map((e) => e.type),
        ["open", "disconnected", "reconnecting"],
        "events",
      );
      signals.visibility("hidden");
      signals.visibility("visible");
      const visibleAt = performance.now();
      if (on) {
        deepEq(await wait(ws.nextEvent(), "reconnected"), { type: "reconnected", attempt: 1 }, "after visible");
        const took = performance.now() - visibleAt;
        assert(took <= 100, `reconnected ${took} ms after visible`);
      } else {
        const next = await Promise.race([ws.nextEvent(), sleep(400).then(() => "nothing")]);
        eq(next, "nothing", "with attemptWhenVisible: false");
      }
      free(ws);
    }
  } finally {
    signals.restore();
  }
});

test("ReconnectingSocket steps aside for the back/forward cache and sends what waited in order", async () => {
  const ws = reconnecting("/echo", { initialDelayMs: 50, jitter: 0 });
  deepEq(await wait(ws.nextEvent(), "open"), { type: "open" }, "first event");
  signals.page("pagehide", false);
  signals.page("pagehide", true);
  deepEq(
    await wait(ws.nextEvent(), "disconnected"),
    { type: "disconnected", buffered: 0, reason: "pageHidden" },
    "pagehide (persisted)",
  );
  eq(ws.isOpen, false, "isOpen while hidden");
  ws.sendText("b");
  ws.sendText("c");
  eq(ws.queuedMessages, 2, "queuedMessages while hidden");
  signals.page("pageshow", true);
  deepEq(
    await wait(ws.nextEvent(), "reconnecting"),
    { type: "reconnecting", attempt: 1, delayMs: 0 },
    "pageshow (persisted)",
  );
  deepEq(await wait(ws.nextEvent(), "reconnected"), { type: "reconnected", attempt: 1 }, "reconnected");
  ws.sendText("d");
  const echoes = [];
  while (echoes.length < 3) echoes.push((await wait(ws.nextEvent(), "echo")).data);
  deepEq(echoes, ["b", "c", "d"], "in order");

  const off = reconnecting("/echo", { backForwardCache: false });
  deepEq(await wait(off.nextEvent(), "open"), { type: "open" }, "first event");
  signals.page("pagehide", true);
  const next = await Promise.race([off.nextEvent(), sleep(300).then(() => "nothing")]);
  eq(next, "nothing", "with backForwardCache: false");
  eq(off.isOpen, true, "still open");
  signals.page("pageshow", true);
});

test("ReconnectingSocket's network and backForwardCache options: listeners, and malformed values", async () => {
  const url = `${ECHO}/echo`;
  await sleep(50);
  const before = liveListeners();
  const all = new ReconnectingSocket(url);
  // online, visibilitychange, pagehide and pageshow, before any connection.
  eq(liveListeners() - before, 4, "listeners by default");
  all.free();
  await sleep(50);
  const none = new ReconnectingSocket(url, { reconnect: { network: false, backForwardCache: false } });
  eq(liveListeners() - before, 0, "listeners with both off");
  none.free();
  await sleep(50);
  eq(liveListeners(), before, "listeners after free()");
  const bad = [
    [{ reconnect: { network: 5 } }, "TypeError", "network must be an object or false"],
    [{ reconnect: { network: true } }, "TypeError", "network must be an object or false"],
    [{ reconnect: { network: { waitWhileOffline: "no" } } }, "TypeError", "waitWhileOffline must be a boolean"],
    [{ reconnect: { network: { pingWhenVisible: 1 } } }, "TypeError", "pingWhenVisible must be a boolean"],
    [{ reconnect: { backForwardCache: "yes" } }, "TypeError", "backForwardCache must be a boolean"],
  ];
  for (const [options, name, part] of bad) {
    throws(() => new ReconnectingSocket(url, options), name, show(options), part);
  }
});

test("ReconnectingSocket refuses malformed options, URLs and policies", async () => {
  const url = `${ECHO}/echo`;
  const bad = [
    [{ reconnect: 5 }, "TypeError", "reconnect must be an object"],
    [{ reconnect: { initialDelayMs: -1 } }, "RangeError", "initialDelayMs"],
    [{ reconnect: { factor: 0.5 } }, "RangeError", "factor"],
    [{ reconnect: { jitter: 2 } }, "RangeError", "jitter"],
    [{ reconnect: { maxAttempts: 1.5 } }, "RangeError", "maxAttempts"],
    [{ reconnect: { maxAttempts: "3" } }, "TypeError", "maxAttempts"],
    [{ reconnect: { finalCloseCodes: [70000] } }, "RangeError", "finalCloseCodes"],
    [{ reconnect: { outbox: { whenFull: "drop" } } }, "TypeError", "whenFull"],
    [{ reconnect: { replay: "yes" } }, "TypeError", "replay"],
    [{ reconnect: { heartbeat: { intervalMs: 10 } } }, "TypeError", "timeoutMs"],
    [{ reconnect: { heartbeat: { intervalMs: 0, timeoutMs: 100 } } }, "RangeError", "intervalMs must be at least 50"],
    [{ reconnect: { outbox: { maxMessages: 65537 } } }, "RangeError", "maxMessages must be at most 65536"],
    [{ reconnect: { outbox: { maxBytes: 2 ** 32 - 1 } } }, "RangeError", "maxBytes must be at most 67108864"],
    [{ connectTimeoutMs: "1" }, "TypeError", "connectTimeoutMs"],
    // Numbers in messages read as Rust's `{}` shows an f64, never in exponent form.
    [{ reconnect: { factor: 0.5 } }, "RangeError", "factor must be a finite number >= 1, got 0.5"],
    [{ reconnect: { factor: 1.5e-7 } }, "RangeError", "got 0.00000015"],
    [{ reconnect: { factor: -Infinity } }, "RangeError", "got -inf"],
    [{ reconnect: { jitter: 1e21 } }, "RangeError", "between 0 and 1, got 1000000000000000000000"],
    [{ reconnect: { jitter: NaN } }, "RangeError", "got NaN"],
    [{ reconnect: { maxAttempts: -2.5e-10 } }, "RangeError", "from 0 to 4294967295, got -0.00000000025"],
    [{ reconnect: { heartbeat: { intervalMs: 12.5, timeoutMs: 100 } } }, "RangeError", "at least 50, got 12.5"],
    [{ connectTimeoutMs: -1e-7 }, "RangeError", "connectTimeoutMs must be a finite number >= 0, got -0.0000001"],
    [{ reconnect: { retryPolicy: 5 } }, "TypeError", "retryPolicy must be a function"],
    [{ reconnect: { providerTimeoutMs: -5 } }, "RangeError", "providerTimeoutMs"],
  ];
  for (const [options, name, part] of bad) {
    throws(() => new ReconnectingSocket(url, options), name, show(options), part);
    await rejects(WasmSocket.connect(url, options), name, `connect ${show(options)}`, part);
  }
  for (const notUrl of [42, null, undefined, {}]) {
    throws(() => new ReconnectingSocket(notUrl), "TypeError", show(notUrl), "a string or a function");
  }
  await rejects(WasmSocket.connect(() => url), "TypeError", "a provider without reconnect", "reconnect");
});

// ---------------------------------------------------------------- providers, policies, readiness

/** A ReconnectingSocket from a URL or provider, freed after the test. */
function provided(url, reconnect, options = {}) {
  const ws = new ReconnectingSocket(url, { ...options, reconnect });
  open.push(ws);
  return ws;
}

test("URL provider: a throw and a rejection are failed attempts, then a fresh token connects; once per attempt", async () => {
  let calls = 0;
  const tokens = [];
  const provider = () => {
    calls += 1;
    if (calls === 1) throw new Error("token service down");
    if (calls === 2) return Promise.reject(new TypeError("no token"));
    // Each attempt fetches a new token, which retires the one before.
    return admin("/admin/token").then((token) => {
      tokens.push(token);
      return { url: `${ECHO}/token?t=${token}`, protocols: ["chat"] };
    });
  };
  const ws = provided(provider, { initialDelayMs: 30, jitter: 0 });
  const events = await eventsUntil(ws, "open");
  deepEq(
    events.map((e) => e.type),
    ["providerFailed", "reconnecting", "providerFailed", "reconnecting", "open"],
    "events",
  );
  isError(events[0].error, "ProviderFailed", "a throw", "Error: token service down");
  isError(events[2].error, "ProviderFailed", "a rejection", "TypeError: no token");
  deepEq([events[0].attempt, events[2].attempt], [0, 1], "attempts");
  eq(calls, 3, "one call per attempt");
  ws.sendText("with a token");
  deepEq(await wait(ws.nextEvent(), "echo"), { type: "message", data: "with a token" }, "echo");

  // The token is retired; a URL with it is refused, and reconnect() asks for a new one.
  await wait(admin("/admin/token"), "rotate");
  await rejects(WasmSocket.connect(`${ECHO}/token?t=${tokens[0]}`), "ConnectionFailed", "the old token");
  ws.reconnect();
  const again = await eventsUntil(ws, "reconnected");
  deepEq(again.map((e) => e.type), ["disconnected", "reconnecting", "reconnected"], "events after reconnect()");
  eq(calls, 4, "one more call");
  assert(tokens[1] !== tokens[0], `a new token: ${tokens}`);
  ws.sendText("with a new token");
  deepEq(await wait(ws.nextEvent(), "echo"), { type: "message", data: "with a new token" }, "echo again");
});

test("URL provider: one that never settles times out; a wrong value is a failed attempt", async () => {
  let calls = 0;
  const started = performance.now();
  const ws = provided(
    () => (++calls === 1 ? new Promise(() => {}) : calls === 2 ? 42 : `${ECHO}/echo`),
    { initialDelayMs: 20, jitter: 0, providerTimeoutMs: 200 },
  );
  const events = await eventsUntil(ws, "open");
  deepEq(
    events.map((e) => e.type),
    ["providerFailed", "reconnecting", "providerFailed", "reconnecting", "open"],
    "events",
  );
  isError(events[0].error, "ProviderTimeout", "a promise that never settles", "200ms");
  isError(events[2].error, "ProviderFailed", "a number", "a string or { url, protocols? }");
  const waited = performance.now() - started;
  assert(waited >= 190 && waited < 3000, `timed out after ${waited} ms`);
  eq(calls, 3, "calls");
});

test("retryPolicy: gets attempt, sinceLostMs and the cause; its delays are used; null gives up", async () => {
  const infos = [];
  const ws = reconnecting("/reject", {
    retryPolicy: (info) => {
      infos.push(info);
      return info.attempt < 3 ? 40 * info.attempt : null;
    },
  });
  const events = await eventsUntil(ws, "gaveUp", 10_000);
  deepEq(events.filter((e) => e.type === "reconnecting").map((e) => e.delayMs), [40, 80], "delays");
  eq(events[events.length - 1].attempts, 2, "attempts");
  deepEq(infos.map((i) => i.attempt), [1, 2, 3], "attempt numbers");
  for (const info of infos) {
    eq(info.cause, "attemptFailed", "cause");
    // Firefox may delay attempts to a host that failed past the connect timeout.
    assert(["ConnectionFailed", "Timeout"].includes(info.error.name), `error ${info.error.name}`);
  }
  assert(infos[1].sinceLostMs >= infos[0].sinceLostMs + 40, `sinceLostMs grows: ${infos.map((i) => i.sinceLostMs)}`);
  assert(infos[2].sinceLostMs >= infos[1].sinceLostMs + 80, `sinceLostMs grows: ${infos.map((i) => i.sinceLostMs)}`);

  // A loss: the close event.
  const closes = [];
  const closing = reconnecting("/close?code=4002&reason=unauthorized", {
    retryPolicy: (info) => {
      closes.push(info);
      return null;
    },
  });
  const closed = await eventsUntil(closing, "gaveUp");
  deepEq(closed.map((e) => e.type), ["open", "disconnected", "gaveUp"], "events of a loss");
  eq(closes.length, 1, "one decision");
  eq(closes[0].cause, "closed", "cause of a loss");
  deepEq(closes[0].closeInfo, { code: 4002, reason: "unauthorized", wasClean: true }, "closeInfo");
});

test("retryPolicy: one that throws or returns nonsense is reported and the backoff stands in", async () => {
  const reported = [];
  const onError = (event) => {
    reported.push(event.error ?? event.message);
    event.preventDefault();
  };
  window.addEventListener("error", onError);
  try {
    let calls = 0;
    const ws = reconnecting("/reject", {
      initialDelayMs: 30,
      factor: 2,
      jitter: 0,
      maxAttempts: 2,
      retryPolicy: () => {
        calls += 1;
        if (calls === 1) throw new RangeError("policy bug");
        return "soon";
      },
    });
    const events = await eventsUntil(ws, "gaveUp", 10_000);
    deepEq(events.filter((e) => e.type === "reconnecting").map((e) => e.delayMs), [30, 60], "the backoff's delays");
    eq(calls, 2, "asked each time");
    eq(reported.length, 2, `reported: ${reported}`);
    isError(reported[0], "RangeError", "the throw", "policy bug");
    isError(reported[1], "TypeError", "the nonsense", "retryPolicy must return");
  } finally {
    window.removeEventListener("error", onError);
  }
});

test("reconnect() after gaveUp starts over, with onEvent callbacks too", async () => {
  let good = false;
  const seen = [];
  const ws = provided(() => `${ECHO}${good ? "/echo" : "/reject"}`, { maxAttempts: 0 });
  ws.onEvent((event) => seen.push(event));
  await until(() => seen.some((e) => e.type === "gaveUp"), "gaveUp");
  deepEq(seen.map((e) => e.type), ["attemptFailed", "gaveUp"], "events");
  throws(() => ws.sendText("refused"), "NotOpen", "send after gaveUp");
  good = true;
  ws.reconnect();
  ws.sendText("queued while starting over");
  await until(() => seen.some((e) => e.type === "message"), "echo after starting over");
  deepEq(
    seen.slice(2).map((e) => e.type),
    ["open", "message"],
    "events after starting over",
  );
  eq(seen[3].data, "queued while starting over", "the queued message");
});

test("ready() and sendWhenReady(): wait for the buffer to drain, on both sockets", async () => {
  const big = new Uint8Array(3 << 20);
  const plain = await connect("/echo");
  const reconnectingWs = reconnecting("/echo", {});
  await until(() => reconnectingWs.isOpen, "open");
  for (const ws of [plain, reconnectingWs]) {
    const kind = ws instanceof WasmSocket ? "WasmSocket" : "ReconnectingSocket";
    await wait(ws.ready(), `${kind}: ready at once`);
    ws.sendBytes(big);
    assert(ws.bufferedAmount > 1 << 20, `${kind}: ${ws.bufferedAmount} buffered`);
    let settled = false;
    const ready = ws.ready().then(() => {
      settled = true;
      return ws.bufferedAmount;
    });
    await Promise.resolve();
    eq(settled, false, `${kind}: ready() waits while over the high-water mark`);
    const buffered = await wait(ready, `${kind}: ready after draining`);
    assert(buffered <= 512 * 1024, `${kind}: drained to the low-water mark, ${buffered} left`);
    ws.sendBytes(big);
    await wait(ws.sendWhenReady("after the big one"), `${kind}: sendWhenReady`);
    assert(ws.bufferedAmount <= 512 * 1024 + 17, `${kind}: ${ws.bufferedAmount} buffered after sendWhenReady`);
    await rejects(ws.sendWhenReady(42), "TypeError", `${kind}: sendWhenReady(42)`, "sendWhenReady");
    ws.close();
    await rejects(ws.ready(), "NotOpen", `${kind}: ready() after close`);
    await rejects(ws.sendWhenReady("late"), "NotOpen", `${kind}: sendWhenReady after close`);
  }
});

test("sendWhenReady() calls not awaited one by one send in call order, on both sockets", async () => {
  const plain = await connect("/echo");
  const reconnectingWs = reconnecting("/echo", {});
  await until(() => reconnectingWs.isOpen, "open");
  for (const ws of [plain, reconnectingWs]) {
    const kind = ws instanceof WasmSocket ? "WasmSocket" : "ReconnectingSocket";
    const got = [];
    const all = new Promise((resolve) => {
      const take = (message) => {
        got.push(typeof message === "string" ? message : `bytes ${message.length}`);
        if (got.length === 43) resolve();
      };
      if (ws instanceof WasmSocket) ws.onMessage(take);
      else ws.onEvent((event) => event.type === "message" && take(event.data));
    });
    // With room in the buffer, a call sends before it returns: ahead of a plain send.
    const first = ws.sendWhenReady("A");
    ws.sendText("B");
    await wait(first, `${kind}: A`);
    // Over the high-water mark: 40 calls wait, each their turn, texts and bytes mixed.
    ws.sendBytes(new Uint8Array(3 << 20));
    const sent = [];
    const expected = ["A", "B", `bytes ${3 << 20}`];
    for (let i = 0; i < 40; i++) {
      const data = i % 2 ? `s${i}` : new Uint8Array(i + 1);
      sent.push(ws.sendWhenReady(data));
      expected.push(i % 2 ? `s${i}` : `bytes ${i + 1}`);
    }
    await wait(Promise.all(sent), `${kind}: the 40 sends`, 20_000);
    await wait(all, `${kind}: the 43 echoes`, 20_000);
    deepEq(got, expected, `${kind}: echoed in call order`);
  }
});

test("WasmSocket.connect(url, { reconnect }) gives a ReconnectingSocket", async () => {
  const ws = await wait(WasmSocket.connect(`${ECHO}/echo`, { reconnect: { initialDelayMs: 50 } }), "connect");
  open.push(ws);
  assert(ws instanceof ReconnectingSocket, "a ReconnectingSocket");
  deepEq(await wait(ws.nextEvent(), "open"), { type: "open" }, "first event");
  const provided = await wait(WasmSocket.connect(() => Promise.resolve(`${ECHO}/echo`), { reconnect: {} }), "connect with a provider");
  open.push(provided);
  assert(provided instanceof ReconnectingSocket, "a ReconnectingSocket from a provider");
  deepEq(await wait(provided.nextEvent(), "open"), { type: "open" }, "first event from a provider");
  // Failures are events: connect() resolves even where nothing listens.
  const failing = await wait(WasmSocket.connect(CLOSED_URL, { reconnect: { maxAttempts: 0 } }), "connect to nothing");
  open.push(failing);
  deepEq((await eventsUntil(failing, "gaveUp")).map((e) => e.type), ["attemptFailed", "gaveUp"], "events");
  const plain = await connect("/echo", {});
  assert(plain instanceof WasmSocket, "without reconnect, a WasmSocket");
});

// ---------------------------------------------------------------- wasm-websocket/socket

/** The socket-only entry point (`wasm-websocket/socket`), its module initialised once. */
let socketEntry;

async function socketModule() {
  if (socketEntry === undefined) {
    const module = await wait(import("wasm-websocket/socket"), "import wasm-websocket/socket");
    await wait(module.default(), "init() of wasm-websocket/socket", 20_000);
    socketEntry = module;
  }
  return socketEntry;
}

async function connectSocketOnly(path = "/echo", options) {
  return connect(path, options, (await socketModule()).WasmSocket);
}

/** The byte length of a file of the package, as the page would download it. */
async function packageFileBytes(path) {
  const response = await wait(fetch(new URL(`../../target/pkg/web/${path}`, location.href)), path);
  eq(response.status, 200, `status of ${path}`);
  return (await response.arrayBuffer()).byteLength;
}

test("wasm-websocket/socket: WasmSocket alone, in a module under 0.6 of the full one's bytes", async () => {
  const module = await socketModule();
  deepEq(Object.keys(module).filter((name) => name !== "default" && name !== "initSync").sort(),
    ["WasmSocket", "liveListeners"], "exports");
  eq(module.ReconnectingSocket, undefined, "no ReconnectingSocket");
  for (const method of ["sendCanvas", "sendCanvasPixels", "drawMessage"]) {
    eq(typeof module.WasmSocket.prototype[method], "undefined", `no ${method}`);
    eq(typeof WasmSocket.prototype[method], "function", `the full entry's ${method}`);
  }
  const full = await packageFileBytes("wasm_websocket_bg.wasm");
  const socket = await packageFileBytes("socket/wasm_websocket_bg.wasm");
  assert(socket < full * 0.6, `socket entry ${socket} bytes against the full entry's ${full}`);
  // Two modules, two classes: a socket of one is not an instance of the other's.
  const ws = await connectSocketOnly();
  assert(ws instanceof module.WasmSocket, "an instance of the socket entry's class");
  assert(!(ws instanceof WasmSocket), "not of the full entry's");
});

test("wasm-websocket/socket: every send round-trips in order; close, closed and free() as the full entry", async () => {
  const { liveListeners: socketListeners } = await socketModule();
  const before = socketListeners();
  const ws = await connectSocketOnly("/echo", { protocols: ["echo"] });
  eq(ws.readyState, 1, "readyState");
  eq(ws.protocol, "echo", "protocol");
  eq(ws.url, `${ECHO}/echo`, "url");
  ws.sendText("héllo 😀");
  ws.sendBytes(ramp(300).subarray(10, 20));
  ws.sendArrayBuffer(ramp(5).buffer);
  ws.sendBlob(new Blob([ramp(4, 100)]));
  ws.sendText("last");
  eq(await next(ws), "héllo 😀", "text");
  bytesEq(await next(ws), ramp(10, 10), "the bytes the view covers");
  bytesEq(await next(ws), ramp(5), "ArrayBuffer");
  bytesEq(await next(ws), ramp(4, 100), "Blob");
  eq(await next(ws), "last", "text after binary");
  const seen = [];
  ws.onMessage((message) => seen.push(message));
  ws.sendText("to the callback");
  await until(() => seen.length === 1, "onMessage");
  eq(seen[0], "to the callback", "onMessage");
  ws.close(4000, "done");
  deepEq(await wait(ws.closed, "closed"), { code: 4000, reason: "done", wasClean: true }, "closed");
  throws(() => ws.sendText("late"), "NotOpen", "send after close");
  free(ws);
  await until(() => socketListeners() === before, `listeners back to ${before}`);
});

test("wasm-websocket/socket: errors by name; the reconnect option is refused with TypeError", async () => {
  const { WasmSocket: SocketOnly } = await socketModule();
  await rejects(
    SocketOnly.connect(`${ECHO}/echo`, { reconnect: {} }),
    "TypeError",
    "reconnect option",
    "has no ReconnectingSocket",
  );
  await rejects(SocketOnly.connect(`${ECHO}/echo#x`), "InvalidUrl", "fragment", "fragment");
  await rejects(SocketOnly.connect(`${ECHO}/echo`, { protocols: ["a b"] }), "InvalidProtocol", "space");
  const refused = await rejects(SocketOnly.connect(CLOSED_URL), "ConnectionFailed", "closed port");
  deepEq(refused.closeInfo, { code: 1006, reason: "", wasClean: false }, "closeInfo");
  await rejects(SocketOnly.connect(`${ECHO}/echo`, { maxMessageSize: "big" }), "TypeError", "maxMessageSize");
  const ws = await connectSocketOnly("/echo", { maxMessageSize: 100 });
  ws.sendBytes(new Uint8Array(101));
  await rejects(ws.nextMessage(), "MessageTooLarge", "over maxMessageSize", "101 bytes");
  eq((await wait(ws.closed, "closed")).code, 4009, "close code");
  throws(() => ws.close(1001), "InvalidCloseCode", "close(1001)");
});

// ---------------------------------------------------------------- runner

/** The wasm module's exports, once `init()` has loaded it (its `memory` for the tests). */
let wasm;

async function run() {
  const log = document.getElementById("log");
  const results = [];
  window.__jsApiResults = results;
  wasm = await wait(init(), "init() loads the wasm module", 20_000);
  for (const { name, fn } of tests) {
    if (FILTER && !name.includes(FILTER)) continue;
    const started = performance.now();
    let error;
    try {
      await wait(fn(), `the whole test`, TEST_MS);
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    } finally {
      freeAll();
    }
    const result = { name, ok: error === undefined, ms: Math.round(performance.now() - started) };
    if (error !== undefined) result.error = error;
    results.push(result);
    const row = document.createElement("div");
    row.textContent = `${result.ok ? "ok  " : "FAIL"} ${name}${error ? `: ${error}` : ""}`;
    if (!result.ok) row.className = "fail";
    log.append(row);
  }
  document.getElementById("results").textContent = JSON.stringify(results);
  window.__jsApiDone = true;
}

run().catch((error) => {
  window.__jsApiResults = [
    ...(window.__jsApiResults ?? []),
    { name: "test page", ok: false, ms: 0, error: String(error?.stack ?? error) },
  ];
  window.__jsApiDone = true;
});
