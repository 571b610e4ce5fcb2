// The demo page's one script. The work is done in Rust (the crate in www/src, built by
// `cargo xtask demo` with `wasm-pack build www --target web --out-dir www/pkg`): this
// only loads it and keeps its handle.
import init, * as ws from './pkg/wasm_websocket_demo.js';

const status = document.getElementById('serverStatus');

// The handle owns every listener the demo registers and the socket; it is kept for
// the page's lifetime (module scope), and `demo.free()` would remove them all.
let demo = null;
try {
  await init();
  demo = ws.start_demo();
} catch (error) {
  status.dataset.state = 'error';
  status.textContent = `WebSocket Status:: Error was reported. ${error}`;
}

export { demo };
