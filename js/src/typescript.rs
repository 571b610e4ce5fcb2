//! The TypeScript declarations the generated `.d.ts` gets besides the exported class:
//! the option and event interfaces and the message type the methods are typed with.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A received message: text as a `string`, binary as a `Uint8Array` (or a `Blob` with `binaryType: "blob"`). */
export type WsMessage = string | Uint8Array | Blob;

/** Options of {@link WasmSocket.connect}. */
export interface ConnectOptions {
  /** Subprotocols to offer, in order of preference; the server selects one (see {@link WasmSocket.protocol}). */
  protocols?: string[];
  /** How binary messages arrive: as a `Uint8Array` (`"arraybuffer"`, the default) or as a `Blob`. */
  binaryType?: "arraybuffer" | "blob";
  /** How long to wait for the socket to open, in milliseconds (default 10000); `null` waits as long as the browser does. More than 2^31 - 1 (about 24.8 days, the longest `setTimeout` waits) counts as that. With `ReconnectingSocket` (not in `wasm-websocket/socket`), the limit of each attempt. */
  connectTimeoutMs?: number | null;
  /** Refuse sends (with a `BufferFull` error) while the socket's `bufferedAmount` is at or above this many bytes, instead of letting the browser buffer without bound; `null` (the default) sets no limit, 0 counts as 1. A `ReconnectingSocket` (not in `wasm-websocket/socket`) sending its outbox waits for the buffer to drain under this limit rather than failing a message. */
  maxBufferedAmount?: number | null;
  /**
   * The largest message received, in bytes (a text counts its UTF-8 bytes; default 16 MiB, 16777216).
   * A larger one is refused by its size, never copied into wasm memory: the socket closes with 4009
   * (1009, "message too big", moved into the range a page may send) and `nextMessage()` rejects
   * with `MessageTooLarge` after the messages before it; `onMessage` callbacks never get it.
   */
  maxMessageSize?: number;
  /**
   * The most messages received but not yet read with `nextMessage()` (default 65536). The browser
   * cannot pause reading: when more would wait, the socket closes with 4008 and `nextMessage()`
   * hands out those kept, then rejects with `BacklogFull`. `onMessage` callbacks are not bounded.
   * With `ReconnectingSocket` (not in `wasm-websocket/socket`), the bound of unread events: messages that do not fit are
   * dropped and reported by a `dropped` event.
   */
  maxBacklogMessages?: number;
  /** The most bytes of messages received but not yet read (default 64 MiB, 67108864; a text counts its `length`); as `maxBacklogMessages`. */
  maxBacklogBytes?: number;
}

/** How a socket closed, from the browser's `CloseEvent`. */
export interface CloseInfo {
  /** The close code: 1000 for a normal close, 1006 when the connection was lost or never opened. */
  code: number;
  /** The reason the peer gave, possibly empty. */
  reason: string;
  /** Whether the closing handshake completed. */
  wasClean: boolean;
}

/** The `name` of the errors this library throws or rejects with. */
export type WsErrorName =
  | "InvalidUrl"
  | "InvalidProtocol"
  | "ConnectionFailed"
  | "Timeout"
  | "NotOpen"
  | "InvalidCloseCode"
  | "CloseReasonTooLong"
  | "AbnormalClose"
  | "BufferFull"
  | "OutboxFull"
  | "ProviderFailed"
  | "ProviderTimeout"
  | "UnexpectedData"
  | "MessageTooLarge"
  | "BacklogFull"
  | "CanvasEncodeFailed"
  | "NoContext2d"
  | "PixelsTruncated"
  | "BadPixelsMagic"
  | "InvalidPixels"
  | "InvalidDimensions"
  | "TooLarge"
  | "NotAnImage";

/**
 * An error thrown or rejected by this library: `name` is one of {@link WsErrorName}
 * (or, for an exception the browser threw, its own name such as `SyntaxError`, and
 * `TypeError` / `RangeError` for arguments of the wrong type or range).
 */
export interface WsError extends Error {
  name: WsErrorName | (string & {});
  /** The close event, for `ConnectionFailed` and `AbnormalClose`. */
  closeInfo?: CloseInfo;
}
"#;

#[cfg(feature = "canvas")]
#[wasm_bindgen(typescript_custom_section)]
const CANVAS_TYPES: &'static str = r#"
/** An image format {@link WasmSocket.sendCanvas} can ask the browser for. */
export type ImageType = "image/png" | "image/jpeg" | "image/webp";

/**
 * Options of {@link WasmSocket.drawMessage}: the largest image it draws. A larger one
 * is refused with `TooLarge` before it is decoded, by the size its header declares
 * (raw pixels, PNG, GIF, JPEG, WebP) or, for other formats, its decoded size.
 */
export interface DrawOptions {
  /** The largest width or height, in pixels (default 65535, the largest canvas side in Chromium and Firefox). */
  maxSide?: number;
  /** The largest `width * height` (default 2^28 = 268435456, a 16384x16384 image, Chromium's largest canvas area). */
  maxPixels?: number;
}

/** The size of an image drawn by {@link WasmSocket.drawMessage}, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}
"#;

/// `WasmSocket.connect` of the socket-only build (no `reconnect` option).
#[cfg(not(feature = "reconnect"))]
#[wasm_bindgen(typescript_custom_section)]
const SOCKET_CONNECT_TYPES: &'static str = r#"
export declare namespace WasmSocket {
  /**
   * Opens a WebSocket to `url` (`ws:`, `wss:`, `http:`, `https:` or relative to the page) and
   * resolves with it once it is open. Rejects with `InvalidUrl`, `InvalidProtocol`,
   * `ConnectionFailed` (its `closeInfo` is the close event), `Timeout`, or `TypeError` /
   * `RangeError` for malformed options (and for a `reconnect` option: it needs the full
   * entry point, `wasm-websocket`).
   */
  function connect(url: string, options?: ConnectOptions): Promise<WasmSocket>;
}
"#;

#[cfg(feature = "reconnect")]
#[wasm_bindgen(typescript_custom_section)]
const RECONNECT_TYPES: &'static str = r#"
/**
 * `WasmSocket.connect`: a {@link WasmSocket} once open, or, with a `reconnect` field in the
 * options, a {@link ReconnectingSocket} at once (whose URL may then be a {@link UrlProvider}).
 */
export declare namespace WasmSocket {
  /**
   * A {@link ReconnectingSocket}, as `new ReconnectingSocket(url, options)` makes it, resolved at once:
   * its connection failures come as its events. `url` may be a {@link UrlProvider}.
   */
  function connect(
    url: string | UrlProvider,
    options: ReconnectingOptions & { reconnect: ReconnectOptions },
  ): Promise<ReconnectingSocket>;
  /**
   * Opens a WebSocket to `url` (`ws:`, `wss:`, `http:`, `https:` or relative to the page) and
   * resolves with it once it is open. Rejects with `InvalidUrl`, `InvalidProtocol`,
   * `ConnectionFailed` (its `closeInfo` is the close event), `Timeout`, or `TypeError` /
   * `RangeError` for malformed options.
   */
  function connect(url: string, options?: ConnectOptions & { reconnect?: undefined }): Promise<WasmSocket>;
  /** Options whose `reconnect` may or may not be set: either kind, as they say. */
  function connect(url: string, options?: ReconnectingOptions): Promise<WasmSocket | ReconnectingSocket>;
}

/** Where one attempt of a {@link ReconnectingSocket} connects: a URL, or a URL and the subprotocols to offer (instead of `protocols`). */
export type Endpoint = string | { url: string; protocols?: string[] };

/**
 * Given instead of a URL, called before every attempt of a {@link ReconnectingSocket} (the first
 * included) for a fresh URL, such as one with a token that expires. Throwing, rejecting, giving
 * another value, or not settling within `providerTimeoutMs` makes a failed attempt (a
 * `providerFailed` event); reconnecting goes on.
 */
export type UrlProvider = () => Endpoint | PromiseLike<Endpoint>;

/** What a `retryPolicy` decides from: the attempt to be made, the time since the connection was lost, and what failed before. */
export interface RetryInfo {
  /** The attempt to be made, from 1, counted since the last stable connection. */
  attempt: number;
  /** Milliseconds since the connection was lost (since the start, while none has opened). */
  sinceLostMs: number;
  /** What ended the connection (`"closed"`, `"heartbeatTimeout"`, `"receiveLimit"`) or the attempt (`"attemptFailed"`, `"providerFailed"`) before. */
  cause: "closed" | "heartbeatTimeout" | "receiveLimit" | "attemptFailed" | "providerFailed";
  /** The close event, for `"closed"` and `"receiveLimit"`. */
  closeInfo?: CloseInfo;
  /** The error, for `"attemptFailed"`, `"providerFailed"` and `"receiveLimit"`. */
  error?: WsError;
  /** How long the connection was silent, for `"heartbeatTimeout"`. */
  silentForMs?: number;
}

/**
 * Decides the delay in ms before the next attempt, or `null` to give up (a `gaveUp` event;
 * `reconnect()` starts over). `maxAttempts` still bounds it. A policy that throws or returns
 * anything else is reported as an uncaught exception, and the backoff's delay is used.
 */
export type RetryPolicy = (info: RetryInfo) => number | null;

/** Options of `new ReconnectingSocket(url, options)`: those of {@link WasmSocket.connect}, and `reconnect`. */
export interface ReconnectingOptions extends ConnectOptions {
  /** How to reconnect; every field has a default. */
  reconnect?: ReconnectOptions;
}

/** How a {@link ReconnectingSocket} reconnects. */
export interface ReconnectOptions {
  /** The delay before the first attempt, in ms (default 500); each next one is `factor` times longer. */
  initialDelayMs?: number;
  /** How much each delay grows (default 2, at least 1). */
  factor?: number;
  /** The longest delay, in ms (default 30000); more than 2^31 - 1 (about 24.8 days) counts as that. */
  maxDelayMs?: number;
  /** The largest part of each delay taken off at random, 0 to 1 (default 0.5). */
  jitter?: number;
  /** Failed attempts in a row before giving up (a `gaveUp` event); `null` (the default) never gives up, 0 never reconnects. */
  maxAttempts?: number | null;
  /** How long a connection must stay open, in ms, before a loss starts the count of attempts again (default 5000). */
  stableAfterMs?: number;
  /** Close codes after which the socket does not reconnect (default `[1000]`). */
  finalCloseCodes?: number[];
  /** The outbox, where sends wait while disconnected. */
  outbox?: {
    /** At most this many messages (default 1024, at most 65536). */
    maxMessages?: number;
    /** At most this many bytes (default 1 MiB, at most 64 MiB). */
    maxBytes?: number;
    /** When full: throw `OutboxFull` (`"reject"`, the default) or drop the oldest and report them (`"dropOldest"`). */
    whenFull?: "reject" | "dropOldest";
  };
  /** Decides the delay before each attempt, or to give up, instead of the backoff above (whose delays stand in when it throws). */
  retryPolicy?: RetryPolicy;
  /** How long a {@link UrlProvider} may take, in ms (default 10000); then the attempt fails with `ProviderTimeout`. */
  providerTimeoutMs?: number;
  /** Whether waiting messages are sent when a connection opens (default `true`); else they come back in an `unsent` event. */
  replay?: boolean;
  /** Application pings; a connection silent for `timeoutMs` after a ping is closed and replaced. Default none. */
  heartbeat?: {
    /** Between two pings, in ms: at least 50 (a `RangeError` otherwise). */
    intervalMs: number;
    /** How long after a ping without any message the connection counts as dead, in ms. */
    timeoutMs: number;
    /** The ping's text (default `"ping"`). */
    message?: string;
    /** Messages equal to this text answer pings and are not handed over as events. */
    reply?: string;
  } | null;
  /**
   * How the socket follows the network and the page's visibility; every behaviour is on by default,
   * `false` turns them all off. Visibility exists only where there is a `document` (not in workers).
   */
  network?: {
    /** While `navigator.onLine` is false, make no attempt and count none (an `offline` event says so once); default `true`. */
    waitWhileOffline?: boolean;
    /** On the `online` event, start the next attempt at once instead of waiting out its delay; default `true`. */
    attemptWhenOnline?: boolean;
    /** When the page becomes visible again while waiting out a delay, attempt at once; default `true`. */
    attemptWhenVisible?: boolean;
    /** When the page becomes visible again while connected with a `heartbeat`, ping at once; default `true`. */
    pingWhenVisible?: boolean;
  } | false;
  /**
   * Step aside for the back/forward cache (default `true`): on `pagehide` with `persisted`, close the
   * connection cleanly (code 1000) keeping the outbox (a `disconnected` event with reason `"pageHidden"`),
   * and on `pageshow` with `persisted` reconnect at once; what was sent meanwhile goes out in order.
   */
  backForwardCache?: boolean;
}

/** An event of a {@link ReconnectingSocket}, from `nextEvent()` or `onEvent`. */
export type ReconnectEvent =
  | { type: "message"; data: WsMessage }
  | { type: "open" }
  | { type: "reconnected"; attempt: number }
  | {
      type: "disconnected";
      /** `"closed"` (see `closeInfo`), `"heartbeatTimeout"` (see `silentForMs`), `"requested"` (`reconnect()`), `"receiveLimit"` (a message over `maxMessageSize`: see `error`, a `MessageTooLarge`, and `closeInfo`) or `"pageHidden"` (the page went into the back/forward cache: closed by this side, reconnected when the page is shown). */
      reason: "closed" | "heartbeatTimeout" | "requested" | "receiveLimit" | "pageHidden";
      closeInfo?: CloseInfo;
      error?: WsError;
      silentForMs?: number;
      /** Bytes still in the browser's buffer when the connection was lost: certainly not delivered. */
      buffered: number;
    }
  | { type: "reconnecting"; attempt: number; delayMs: number }
  /** The browser is offline (`navigator.onLine` false): no attempt until `online` (or `reconnect()`). */
  | { type: "offline" }
  | { type: "attemptFailed"; attempt: number; error: WsError }
  /** The {@link UrlProvider} gave no URL for attempt `attempt` (`error` is a `ProviderFailed` or `ProviderTimeout`): a failed attempt. */
  | { type: "providerFailed"; attempt: number; error: WsError }
  | {
      type: "unsent";
      /** Messages that were accepted but will not be sent, in order. */
      messages: WsMessage[];
      reason: "droppedOldest" | "notReplayed" | "closed" | "gaveUp" | "failed";
      error?: WsError;
    }
  | {
      type: "dropped";
      /** Received messages dropped because unread events already filled `maxBacklogMessages` / `maxBacklogBytes`; they would have stood here. */
      messages: number;
      bytes: number;
    }
  | { type: "gaveUp"; attempts: number }
  | { type: "closed"; closeInfo: CloseInfo | null };
"#;
