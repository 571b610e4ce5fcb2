// index.html: the package's full entry point (WasmSocket, the canvas functions,
// ReconnectingSocket), as most apps import it.
import { WasmSocket } from "wasm-websocket";

import { run } from "./page.js";

run(WasmSocket);
