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
  /** How long to wait for the socket to open, in milliseconds (default 10000); `null` waits as long as the browser does. */
  connectTimeoutMs?: number | null;
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
  | "UnexpectedData"
  | "CanvasEncodeFailed"
  | "NoContext2d"
  | "PixelsTruncated"
  | "BadPixelsMagic"
  | "InvalidPixels"
  | "InvalidDimensions"
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

/** The size of an image drawn by {@link WasmSocket.drawMessage}, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}
"#;
