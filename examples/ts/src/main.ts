// A TypeScript app using the wasm-websocket package: a typed echo client that sends
// text, bytes and canvases, reads replies both ways (nextMessage and onMessage),
// handles every error by its name, and frees the socket.
//
// Type-check it (after `cargo xtask pack`): `npm ci && npx tsc -p . --noEmit --strict`.
// Its exact-type twin, api-types.ts, fails to compile if a declaration loosens.

import init, {
  initSync,
  liveListeners,
  ReconnectingSocket,
  WasmSocket,
  type CloseInfo,
  type ConnectOptions,
  type ImageSize,
  type ImageType,
  type ReconnectEvent,
  type ReconnectingOptions,
  type RetryInfo,
  type WsError,
  type WsErrorName,
  type WsMessage,
} from "wasm-websocket";

/** What the app shows for a message. */
function describe(message: WsMessage): string {
  if (typeof message === "string") return `text ${JSON.stringify(message)}`;
  if (message instanceof Uint8Array) return `${message.length} bytes`;
  return `a Blob of ${message.size} bytes (${message.type || "no type"})`;
}

/** Narrows anything caught to the library's error shape. */
function isWsError(error: unknown): error is WsError {
  return error instanceof Error;
}

/** What the app tells the user for each kind of failure. */
function explain(error: unknown): string {
  if (!isWsError(error)) return `unexpected: ${String(error)}`;
  const kind: WsErrorName | (string & {}) = error.name;
  switch (kind) {
    case "InvalidUrl":
    case "InvalidProtocol":
      return `check the settings: ${error.message}`;
    case "ConnectionFailed":
    case "AbnormalClose": {
      const info: CloseInfo | undefined = error.closeInfo;
      return `connection lost (code ${info?.code ?? "?"}): ${error.message}`;
    }
    case "Timeout":
      return "the server did not answer in time";
    case "NotOpen":
    case "BufferFull":
    case "OutboxFull":
      return `cannot send now: ${error.message}`;
    case "ProviderFailed":
    case "ProviderTimeout":
      return `could not get a fresh URL: ${error.message}`;
    case "InvalidCloseCode":
    case "CloseReasonTooLong":
      return `bug: ${error.message}`;
    default:
      return `${error.name}: ${error.message}`;
  }
}

/** Connects with every option set. */
async function open(url: string): Promise<WasmSocket> {
  const options: ConnectOptions = {
    protocols: ["echo", "chat"],
    binaryType: "arraybuffer",
    connectTimeoutMs: 5_000,
  };
  const ws = await WasmSocket.connect(url, options);
  const state: 0 | 1 | 2 | 3 = ws.readyState;
  const selected: string = ws.protocol;
  console.log(`open (state ${state}) at ${ws.url}, protocol "${selected}", extensions "${ws.extensions}"`);
  return ws;
}

/** Sends one message of each kind and reads the echoes in order. */
async function roundTrip(ws: WasmSocket): Promise<WsMessage[]> {
  ws.sendText("hello");
  ws.sendBytes(new Uint8Array([1, 2, 3]));
  ws.sendArrayBuffer(new Uint8Array([4, 5]).buffer);
  ws.sendBlob(new Blob(["from a Blob"]));
  const replies: WsMessage[] = [];
  for (let i = 0; i < 4; i++) {
    const reply: WsMessage | null = await ws.nextMessage();
    if (reply === null) break; // the socket closed
    replies.push(reply);
  }
  const waiting: number = ws.bufferedAmount;
  console.log(`${replies.map(describe).join(", ")}; ${waiting} bytes still buffered`);
  return replies;
}

/** Sends a canvas as an image and as raw pixels, and draws the echoes. */
async function canvasRoundTrip(ws: WasmSocket, source: HTMLCanvasElement, target: HTMLCanvasElement) {
  const format: ImageType = "image/webp";
  const sent: Blob = await ws.sendCanvas(source, format, 0.9);
  const image = await ws.nextMessage();
  if (image === null) return;
  const drawn: ImageSize = await ws.drawMessage(image, target);
  console.log(`sent ${sent.size} bytes of ${sent.type}, drew ${drawn.width}x${drawn.height}`);

  await ws.sendCanvas(source); // PNG, the default
  const png = await ws.nextMessage();
  if (png !== null) await ws.drawMessage(png, target);

  const bytes: number = ws.sendCanvasPixels(source);
  const pixels = await ws.nextMessage();
  if (pixels instanceof Uint8Array) {
    // drawMessage also takes the bytes as an ArrayBuffer.
    const size = await ws.drawMessage(pixels.slice().buffer, target);
    console.log(`${bytes} bytes of raw pixels, ${size.width}x${size.height}`);
  }
}

/** Switches to callbacks, then closes and waits for the close. */
async function callbacksAndClose(ws: WasmSocket): Promise<CloseInfo> {
  ws.onMessage((message: WsMessage) => console.log(`callback: ${describe(message)}`));
  ws.onError(() => console.warn("the browser reported a socket error"));
  ws.onClose((info: CloseInfo) => console.log(`closed with ${info.code}, clean: ${info.wasClean}`));
  ws.sendText("to the callback");
  ws.close(4000, "done");
  ws.close(); // already closing: does nothing
  const closed: Promise<CloseInfo> = ws.closed;
  return closed;
}

/** A feed that survives server restarts: sends wait while disconnected. */
async function reconnectingFeed(url: string): Promise<void> {
  const options: ReconnectingOptions = {
    protocols: ["echo"],
    connectTimeoutMs: 3_000,
    reconnect: {
      initialDelayMs: 250,
      factor: 2,
      maxDelayMs: 10_000,
      jitter: 0.5,
      maxAttempts: 20,
      finalCloseCodes: [1000, 4001],
      outbox: { maxMessages: 100, maxBytes: 64 * 1024, whenFull: "dropOldest" },
      replay: true,
      heartbeat: { intervalMs: 15_000, timeoutMs: 5_000, message: "ping", reply: "ping" },
      // Wait while the browser is offline and attempt at once when it is back, but do
      // not cut a delay short just because the tab became visible.
      network: { waitWhileOffline: true, attemptWhenOnline: true, attemptWhenVisible: false },
      backForwardCache: true,
    },
  };
  using feed = new ReconnectingSocket(url, options);
  feed.sendText("subscribe"); // waits in the outbox until the connection opens
  for (;;) {
    const event: ReconnectEvent | null = await feed.nextEvent();
    if (event === null) break;
    switch (event.type) {
      case "message":
        console.log(`feed: ${describe(event.data)}`);
        feed.close(1000, "enough");
        break;
      case "reconnecting":
        console.log(`attempt ${event.attempt} in ${event.delayMs} ms`);
        break;
      case "offline":
        console.warn("offline: waiting for the network");
        break;
      case "attemptFailed":
      case "providerFailed":
        console.warn(explain(event.error));
        break;
      case "disconnected":
        console.warn(`lost (${event.reason}); ${event.buffered} bytes surely not delivered`);
        break;
      case "unsent":
        console.warn(`${event.messages.length} messages not sent (${event.reason})`);
        break;
      case "gaveUp":
        console.error(`gave up after ${event.attempts} attempts`);
        break;
      case "closed":
        console.log(`feed closed: ${event.closeInfo?.code ?? "no connection"}`);
        break;
      case "open":
      case "reconnected":
        console.log(`feed ${event.type}, ${feed.queuedMessages} messages waiting`);
        break;
    }
  }
}

/**
 * One entry point for both kinds: `WasmSocket.connect` with `reconnect` gives a
 * ReconnectingSocket at once, here with a fresh token for every attempt, a retry policy,
 * and a producer that never outruns the browser's buffer.
 */
async function tokenFeed(base: string, chunks: Uint8Array[]): Promise<void> {
  const fetchToken = async (): Promise<string> => {
    const response = await fetch("/token");
    if (!response.ok) throw new Error(`token service: ${response.status}`);
    return response.text();
  };
  using feed = await WasmSocket.connect(async () => `${base}?token=${await fetchToken()}`, {
    reconnect: {
      providerTimeoutMs: 5_000,
      // Give up after a minute offline, or when the server said "unauthorized" (4001).
      retryPolicy: (info: RetryInfo): number | null => {
        if (info.cause === "closed" && info.closeInfo?.code === 4001) return null;
        if (info.sinceLostMs > 60_000) return null;
        return Math.min(1_000 * info.attempt, 10_000);
      },
    },
  });
  for (const chunk of chunks) {
    await feed.sendWhenReady(chunk); // waits while the connection's buffer is full
  }
  await feed.ready();
  const event = await feed.nextEvent();
  if (event?.type === "gaveUp") feed.reconnect(); // starts over
}

/** Starts the module from bytes the app already has (a worker, say). */
export function startFromBytes(bytes: BufferSource): void {
  initSync({ module: bytes });
}

export async function main(url: string, source: HTMLCanvasElement, target: HTMLCanvasElement) {
  await init();
  const before: number = liveListeners();
  let ws: WasmSocket | undefined;
  try {
    ws = await open(url);
    await roundTrip(ws);
    await canvasRoundTrip(ws, source, target);
    const info = await callbacksAndClose(ws);
    console.log(`the server answered the close: ${info.code} ${JSON.stringify(info.reason)}`);
  } catch (error) {
    console.error(explain(error));
  } finally {
    ws?.free();
  }
  // With no promise pending, free() released every listener at once.
  console.log(`listeners: ${before} before, ${liveListeners()} after`);

  // `using` frees the socket at the end of the block, like free().
  {
    using scoped = await WasmSocket.connect(url);
    scoped.sendText("freed by `using`");
  }

  await reconnectingFeed(url);
  await tokenFeed(url, [new Uint8Array(1024)]);
}
