// socket.html: the socket-only entry point, `wasm-websocket/socket` (WasmSocket
// alone, in a .wasm half the size), for an app that needs no canvas and no
// reconnection.
import { WasmSocket } from "wasm-websocket/socket";

import { run } from "./page.js";

run(WasmSocket);
