// Loads the app (built by wasm-bindgen into ./pkg); Leptos mounts it into <body>.
import init from "./pkg/leptos_chat.js";

await init();
