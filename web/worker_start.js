// The demo's worker: loads the engine (wasm-bindgen's worker.js and worker_bg.wasm, written by
// Trunk next to this file) and, if that fails, tells the page in the protocol's own words
// (crates/engine/src/protocol.rs, Event::Error) instead of leaving it waiting for a worker that
// never says Ready: a browser without WebAssembly SIMD, which the engine's CPU backend uses, or
// a file that did not arrive whole.
"use strict";

// The smallest module that needs SIMD: one function returning a v128 constant.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, // code: no locals, v128.const
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x0b, // end
]);

function failed(error) {
  const simd = WebAssembly.validate(SIMD_PROBE);
  const message = simd
    ? `the inference engine did not load (${error}); reload the page, and if it persists, clear the site's data`
    : "this browser's WebAssembly has no SIMD, which the inference engine needs: update the browser (Chrome or Edge 91+, Firefox 89+, Safari 16.4+)";
  postMessage(JSON.stringify({ type: "Error", kind: "internal", message }));
}

try {
  importScripts("./worker.js");
  wasm_bindgen({ module_or_path: "./worker_bg.wasm" }).catch(failed);
} catch (e) {
  failed(e);
}
