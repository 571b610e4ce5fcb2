// What the JavaScript contenders share with the Rust ones (benches/browser/src/check.rs):
// the same payloads, texts and checks.

/** The message that starts the server's push (`/push`, W6). */
export const START = "go";

/** A binary payload of `size` bytes (at least 4, for the index). */
export function payload(size) {
  const bytes = new Uint8Array(Math.max(size, 4));
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

/** Writes message `index` into the first 4 bytes (little-endian). */
export function stamp(bytes, index) {
  bytes[0] = index & 0xff;
  bytes[1] = (index >>> 8) & 0xff;
  bytes[2] = (index >>> 16) & 0xff;
  bytes[3] = (index >>> 24) & 0xff;
}

/** The index in the first 4 bytes of a Uint8Array. */
export function indexOf(bytes) {
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

/** Throws unless `bytes` (a Uint8Array) is a `size`-byte echo carrying `index`. */
export function checkBinary(bytes, index, size) {
  const expected = Math.max(size, 4);
  if (bytes.length !== expected) {
    throw new Error(`echo ${index}: ${bytes.length} bytes, expected ${expected}`);
  }
  const got = indexOf(bytes);
  if (got !== index) throw new Error(`echo ${index}: carries index ${got} (out of order?)`);
}

/** `count` distinct ASCII texts of exactly `size` bytes: the index, then filler. */
export function texts(count, size) {
  let filler = "";
  while (filler.length < size) filler += "abcdefghijklmnopqrstuvwxyz";
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const head = `${i}:`;
    out[i] = head + filler.slice(0, Math.max(size - head.length, 0));
  }
  return out;
}

/** Throws unless a text echo is what was sent. */
export function checkText(text, expected, index) {
  if (typeof text !== "string") throw new Error(`echo ${index}: not a text message`);
  if (text !== expected) {
    throw new Error(`echo ${index}: text differs (${text.length} chars, expected ${expected.length})`);
  }
}

/** Throws unless an echoed canvas message has the sent length and drew the source's size. */
export function checkCanvas(index, length, sent, width, height, source) {
  if (length !== sent) throw new Error(`canvas echo ${index}: ${length} bytes, sent ${sent}`);
  if (width !== source.width || height !== source.height) {
    throw new Error(`canvas echo ${index}: drew ${width}x${height}`);
  }
}

/** A promise and the functions that settle it. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
