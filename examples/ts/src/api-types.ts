// Compile-time checks that the package's declarations are exact: each line fails to
// compile if a type drifts, widens, or becomes `any` (which plain assignments, as in
// main.ts, would accept). Nothing here runs.

import init, {
  initSync,
  liveListeners,
  ReconnectingSocket,
  WasmSocket,
  type CloseInfo,
  type ConnectOptions,
  type DrawOptions,
  type ImageSize,
  type ImageType,
  type InitOutput,
  type ReconnectEvent,
  type ReconnectingOptions,
  type ReconnectOptions,
  type RetryInfo,
  type RetryPolicy,
  type UrlProvider,
  type WsError,
  type WsErrorName,
  type WsMessage,
} from "wasm-websocket";

/** `true` only when `A` and `B` are the same type (`any` equals nothing else). */
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only for `true`. */
function expect<T extends true>(): T | void {}

// The value types.
expect<Equals<WsMessage, string | Uint8Array | Blob>>();
expect<Equals<ImageType, "image/png" | "image/jpeg" | "image/webp">>();
expect<Equals<ImageSize, { width: number; height: number }>>();
expect<Equals<DrawOptions, { maxSide?: number; maxPixels?: number }>>();
expect<Equals<CloseInfo, { code: number; reason: string; wasClean: boolean }>>();
expect<Equals<ConnectOptions["protocols"], string[] | undefined>>();
expect<Equals<ConnectOptions["binaryType"], "arraybuffer" | "blob" | undefined>>();
expect<Equals<ConnectOptions["connectTimeoutMs"], number | null | undefined>>();
expect<Equals<WsError["closeInfo"], CloseInfo | undefined>>();
expect<Equals<Extract<WsErrorName, "InvalidUrl" | "ConnectionFailed" | "NotOpen" | "Timeout">, "InvalidUrl" | "ConnectionFailed" | "NotOpen" | "Timeout">>();
expect<Equals<Extract<WsErrorName, "InvalidCloseCode" | "CloseReasonTooLong" | "AbnormalClose">, "InvalidCloseCode" | "CloseReasonTooLong" | "AbnormalClose">>();
expect<Equals<Extract<WsErrorName, "TooLarge" | "NotAnImage">, "TooLarge" | "NotAnImage">>();

// Opening (the last overload takes options that may or may not reconnect).
expect<Equals<Parameters<typeof WasmSocket.connect>, [url: string, options?: ReconnectingOptions]>>();
expect<Equals<ReturnType<typeof WasmSocket.connect>, Promise<WasmSocket | ReconnectingSocket>>>();
declare const maybeReconnecting: ReconnectingOptions;
const eitherConnect = WasmSocket.connect("ws://127.0.0.1/echo", maybeReconnecting);
expect<Equals<typeof eitherConnect, Promise<WasmSocket | ReconnectingSocket>>>();
declare const connectOptions: ConnectOptions;
const optionsConnect = WasmSocket.connect("ws://127.0.0.1/echo", connectOptions);
expect<Equals<typeof optionsConnect, Promise<WasmSocket>>>();
const bareConnect = WasmSocket.connect("ws://127.0.0.1/echo");
expect<Equals<typeof bareConnect, Promise<WasmSocket>>>();
// With `reconnect`, the reconnecting kind, whose URL may be a provider.
const plainConnect = WasmSocket.connect("ws://127.0.0.1/echo", { protocols: ["echo"] });
expect<Equals<typeof plainConnect, Promise<WasmSocket>>>();
const reconnectingConnect = WasmSocket.connect("ws://127.0.0.1/echo", { protocols: ["echo"], reconnect: {} });
expect<Equals<typeof reconnectingConnect, Promise<ReconnectingSocket>>>();
const providedConnect = WasmSocket.connect(async () => ({ url: "ws://127.0.0.1/echo", protocols: ["echo"] }), { reconnect: { providerTimeoutMs: 5_000 } });
expect<Equals<typeof providedConnect, Promise<ReconnectingSocket>>>();
// @ts-expect-error a URL provider needs the reconnect option
WasmSocket.connect(() => "ws://127.0.0.1/echo");

// Sending.
type Method<K extends keyof WasmSocket> = WasmSocket[K];
expect<Equals<Method<"sendText">, (text: string) => void>>();
expect<Equals<Method<"sendBytes">, (bytes: Uint8Array) => void>>();
expect<Equals<Method<"sendArrayBuffer">, (buffer: ArrayBuffer) => void>>();
expect<Equals<Method<"sendBlob">, (blob: Blob) => void>>();
expect<Equals<Method<"ready">, () => Promise<void>>>();
expect<Equals<Method<"sendWhenReady">, (data: string | Uint8Array | ArrayBuffer | Blob) => Promise<void>>>();

// Receiving.
expect<Equals<Method<"nextMessage">, () => Promise<WsMessage | null>>>();
expect<Equals<Method<"onMessage">, (callback: (message: WsMessage) => void) => void>>();
expect<Equals<Method<"onClose">, (callback: (info: CloseInfo) => void) => void>>();
expect<Equals<Method<"onError">, (callback: () => void) => void>>();

// Closing and state.
expect<Equals<Method<"close">, (code?: number | null, reason?: string | null) => void>>();
expect<Equals<Method<"closed">, Promise<CloseInfo>>>();
expect<Equals<Method<"readyState">, 0 | 1 | 2 | 3>>();
expect<Equals<Method<"bufferedAmount">, number>>();
expect<Equals<Method<"protocol">, string>>();
expect<Equals<Method<"extensions">, string>>();
expect<Equals<Method<"url">, string>>();
expect<Equals<Method<"free">, () => void>>();

// Canvases.
expect<Equals<Method<"sendCanvas">, (canvas: HTMLCanvasElement, type?: ImageType, quality?: number) => Promise<Blob>>>();
expect<Equals<Method<"sendCanvasPixels">, (canvas: HTMLCanvasElement) => number>>();
expect<Equals<Method<"drawMessage">, (message: WsMessage | ArrayBuffer, canvas: HTMLCanvasElement, options?: DrawOptions) => Promise<ImageSize>>>();

// Module functions.
expect<Equals<typeof liveListeners, () => number>>();
expect<Equals<Awaited<ReturnType<typeof init>>, InitOutput>>();
expect<Equals<ReturnType<typeof initSync>, InitOutput>>();

// The getters are read-only.
declare const ws: WasmSocket;
// @ts-expect-error readyState is read-only
ws.readyState = 1;
// @ts-expect-error closed is read-only
ws.closed = Promise.resolve({ code: 1000, reason: "", wasClean: true });
// @ts-expect-error the constructor is private: sockets come from connect()
new WasmSocket();

// The reconnecting socket.
expect<Equals<ConstructorParameters<typeof ReconnectingSocket>, [url: string | UrlProvider, options?: ReconnectingOptions]>>();
expect<Equals<UrlProvider, () => string | { url: string; protocols?: string[] } | PromiseLike<string | { url: string; protocols?: string[] }>>>();
expect<Equals<RetryPolicy, (info: RetryInfo) => number | null>>();
expect<Equals<ReconnectOptions["retryPolicy"], RetryPolicy | undefined>>();
expect<Equals<ReconnectOptions["providerTimeoutMs"], number | undefined>>();
expect<Equals<RetryInfo["cause"], "closed" | "heartbeatTimeout" | "receiveLimit" | "attemptFailed" | "providerFailed">>();
expect<Equals<RetryInfo["closeInfo"], CloseInfo | undefined>>();
expect<Equals<RetryInfo["error"], WsError | undefined>>();
expect<Equals<RetryInfo["sinceLostMs"], number>>();
expect<Equals<ReconnectingOptions["reconnect"], ReconnectOptions | undefined>>();
expect<Equals<ReconnectingOptions["protocols"], string[] | undefined>>();
expect<Equals<ReconnectOptions["maxAttempts"], number | null | undefined>>();
expect<Equals<NonNullable<ReconnectOptions["outbox"]>["whenFull"], "reject" | "dropOldest" | undefined>>();
type Reconnecting<K extends keyof ReconnectingSocket> = ReconnectingSocket[K];
expect<Equals<Reconnecting<"sendText">, (text: string) => void>>();
expect<Equals<Reconnecting<"sendBytes">, (bytes: Uint8Array) => void>>();
expect<Equals<Reconnecting<"nextEvent">, () => Promise<ReconnectEvent | null>>>();
expect<Equals<Reconnecting<"onEvent">, (callback: (event: ReconnectEvent) => void) => void>>();
expect<Equals<Reconnecting<"reconnect">, () => void>>();
expect<Equals<Reconnecting<"ready">, () => Promise<void>>>();
expect<Equals<Reconnecting<"sendWhenReady">, (data: string | Uint8Array | ArrayBuffer | Blob) => Promise<void>>>();
expect<Equals<Reconnecting<"isOpen">, boolean>>();
expect<Equals<Reconnecting<"queuedMessages">, number>>();
expect<Equals<ReconnectEvent["type"], "message" | "open" | "reconnected" | "disconnected" | "reconnecting" | "offline" | "attemptFailed" | "providerFailed" | "unsent" | "dropped" | "gaveUp" | "closed">>();
expect<Equals<Extract<ReconnectEvent, { type: "providerFailed" }>, { type: "providerFailed"; attempt: number; error: WsError }>>();
expect<Equals<Extract<WsErrorName, "ProviderFailed" | "ProviderTimeout">, "ProviderFailed" | "ProviderTimeout">>();
expect<Equals<Extract<ReconnectEvent, { type: "disconnected" }>["reason"], "closed" | "heartbeatTimeout" | "requested" | "receiveLimit" | "pageHidden">>();
expect<Equals<ReconnectOptions["backForwardCache"], boolean | undefined>>();
expect<Equals<Exclude<ReconnectOptions["network"], undefined | false>["waitWhileOffline"], boolean | undefined>>();
// @ts-expect-error network is an object of booleans, or false
const networkOn: ReconnectOptions = { network: true };
expect<Equals<Extract<ReconnectEvent, { type: "dropped" }>, { type: "dropped"; messages: number; bytes: number }>>();
expect<Equals<Extract<ReconnectEvent, { type: "reconnecting" }>, { type: "reconnecting"; attempt: number; delayMs: number }>>();
expect<Equals<Extract<ReconnectEvent, { type: "attemptFailed" }>["error"], WsError>>();
expect<Equals<Extract<WsErrorName, "OutboxFull">, "OutboxFull">>();
expect<Equals<Extract<WsErrorName, "MessageTooLarge" | "BacklogFull">, "MessageTooLarge" | "BacklogFull">>();
expect<Equals<ReconnectingOptions["maxMessageSize"], number | undefined>>();
expect<Equals<ReconnectingOptions["maxBacklogMessages"], number | undefined>>();
expect<Equals<ReconnectingOptions["maxBacklogBytes"], number | undefined>>();
declare const reconnecting: ReconnectingSocket;
// @ts-expect-error isOpen is read-only
reconnecting.isOpen = true;
