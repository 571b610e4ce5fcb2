// Two pages, one per entry point of the package: index.html imports
// `wasm-websocket`, socket.html `wasm-websocket/socket`.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    rolldownOptions: {
      input: { main: "index.html", socket: "socket.html" },
    },
  },
});
