/**
 * Copies onnxruntime-web's wasm runtime into public/ort/ so the portal serves it itself ("Run in this browser"
 * sets `ort.env.wasm.wasmPaths = "/ort/"`): no CDN, and nothing is fetched until browser inference is first used.
 * The default `onnxruntime-web` entry loads the JSEP build (WebGPU + wasm). Output is gitignored; run by `build`.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.dirname(createRequire(import.meta.url).resolve("onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm"));
const out = path.join(here, "..", "public", "ort");
const FILES = ["ort-wasm-simd-threaded.jsep.wasm", "ort-wasm-simd-threaded.jsep.mjs"];

fs.mkdirSync(out, { recursive: true });
for (const name of FILES) {
  const from = path.join(dist, name);
  const to = path.join(out, name);
  const same = fs.existsSync(to) && fs.statSync(to).size === fs.statSync(from).size;
  if (!same) fs.copyFileSync(from, to);
}
console.log(`onnxruntime-web: ${FILES.join(", ")} → public/ort/`);
