// The socket-only entry point, `wasm-websocket/socket`: `WasmSocket` alone, in a
// module half the size of the full one's. An app that needs no canvas and no
// reconnection imports it instead of `wasm-websocket` (not both: each is its own
// module, with its own classes).
//
// Type-checked with the rest of the example (`npx tsc -p . --noEmit --strict`).

import init, {
  liveListeners,
  WasmSocket,
  type CloseInfo,
  type ConnectOptions,
  type WsError,
  type WsMessage,
} from "wasm-websocket/socket";

/** Connects, sends a text and bytes, reads both echoes, closes; the errors by name. */
export async function echoTwice(url: string): Promise<WsMessage[]> {
  await init();
  const options: ConnectOptions = { protocols: ["echo"], connectTimeoutMs: 5_000, maxMessageSize: 1 << 20 };
  let ws: WasmSocket;
  try {
    ws = await WasmSocket.connect(url, options);
  } catch (error: unknown) {
    const name = (error as WsError).name;
    throw new Error(name === "ConnectionFailed" ? "nothing answers there" : `${name}`);
  }
  ws.sendText("hello");
  ws.sendBytes(new Uint8Array([1, 2, 3]));
  const replies: WsMessage[] = [];
  for (let i = 0; i < 2; i++) {
    const reply: WsMessage | null = await ws.nextMessage();
    if (reply === null) break;
    replies.push(reply);
  }
  ws.close(4000, "done");
  const info: CloseInfo = await ws.closed;
  console.log(`closed with ${info.code}; ${liveListeners()} listeners`);
  ws.free();
  return replies;
}

/** What the socket entry point does not have: each line fails to compile without its expect-error. */
export async function notHere(url: string, canvas: HTMLCanvasElement): Promise<void> {
  // @ts-expect-error: no reconnect option (it needs the full entry point, `wasm-websocket`).
  await WasmSocket.connect(url, { reconnect: {} });
  const ws = await WasmSocket.connect(url);
  // @ts-expect-error: no canvas functions.
  await ws.sendCanvas(canvas);
  ws.free();
}
