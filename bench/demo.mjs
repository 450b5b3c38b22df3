// In-browser benchmark of the on-device demo, beside wllama (llama.cpp in wasm) on the same model in
// the same browser.
//
//   node bench/demo.mjs [--url http://127.0.0.1:8080/] [--tokens 32] [--no-cpu] [--no-wllama]
//
// Needs a built site (`cargo xtask build`): without --url it serves dist/ itself (unknown paths
// answer with 404.html, as a static host does). Drives Debian's Chromium (WebGPU on SwiftShader
// here, or a real GPU elsewhere) through playwright-core:
//   1. /demo?autorun=1 generates --tokens greedy tokens and reads the page's statistics;
//   2. "Benchmark this device" runs the engine's fixed benchmark (128-token prefill, 32 decode
//      steps, the device's own read bandwidth) and reads decode tokens/s and efficiency;
//   3. the same generation in a browser without WebGPU, where the demo falls back to the engine's
//      CPU backend in the worker (wasm with SIMD, one thread); --no-cpu skips it;
//   4. /work/shared/bench/wllama/run.sh runs wllama on the same GGUF (the four bundled parts,
//      joined into a temporary file outside the repository).
// Prints a table and one JSON line. Efficiency = decode tok/s x weight bytes per token / the
// device's measured read bandwidth; for wllama it uses the same bytes and bandwidth (on a machine
// without a GPU wllama runs on its wasm CPU path, so its "efficiency" is against GPU bandwidth it
// does not use: read it as a ratio of speeds).
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { createReadStream, statSync, existsSync, mkdirSync, writeFileSync, appendFileSync, readFileSync } from "node:fs";
import { join, extname, resolve } from "node:path";
import { execFileSync } from "node:child_process";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const TOKENS = Number(opt("--tokens", "32"));
const PROMPT = opt("--prompt", "The meaning of life is");
const WLLAMA = "/work/shared/bench/wllama/run.sh";
const MODEL_DIR = join(ROOT, "public/models/gemma-3-270m-q4_k_m");

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };

function serve(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = join(dir, path);
    if (!file.startsWith(dir)) file = join(dir, "404.html");
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    let status = 200;
    if (!existsSync(file)) {
      file = join(dir, "404.html");
      status = 404;
    }
    res.writeHead(status, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

let server;
let site = opt("--url");
if (!site) {
  const dist = join(ROOT, "dist");
  if (!existsSync(join(dist, "worker_start.js"))) throw new Error("no built site in dist/: run `cargo xtask build` first");
  server = await serve(dist);
  site = `http://127.0.0.1:${server.address().port}/`;
}

const BASE_ARGS = ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
const GPU_ARGS = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-webgpu-adapter=swiftshader"];

/// Opens /demo?autorun=1 in a browser with these flags, waits for the generation and returns the
/// page (still open), its statistics and the adapter line.
async function generate(browser) {
  const page = await browser.newPage();
  const q = new URLSearchParams({ prompt: PROMPT, max_tokens: String(TOKENS), temperature: "0", autorun: "1" });
  await page.goto(new URL(`demo?${q}`, site).toString());
  await page.waitForFunction(
    (want) => want.includes(document.querySelector('[data-testid="status"]')?.dataset.state),
    ["done", "error"],
    { timeout: 1_800_000, polling: 250 },
  );
  const status = await page.getByTestId("status").innerText();
  if ((await page.getByTestId("status").getAttribute("data-state")) !== "done") throw new Error(`generation failed: ${status}`);
  const stats = await page.getByTestId("stats").evaluate((e) => ({ ...e.dataset }));
  const adapter = await page.getByTestId("adapter").innerText();
  const backend = await page.getByTestId("loaded-model").getAttribute("data-backend");
  return { page, stats, adapter, backend };
}

const launchWith = (flags) =>
  chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...BASE_ARGS, ...flags] });

const browser = await launchWith(GPU_ARGS);
const { page, stats, adapter } = await generate(browser);
await page.getByTestId("bench-run").click();
await page.getByTestId("bench-result").waitFor({ timeout: 1_800_000 });
const bench = await page.getByTestId("bench-result").evaluate((e) => ({ ...e.dataset }));
await browser.close();

let cpu = null;
if (!args.includes("--no-cpu")) {
  const plain = await launchWith([]);
  const run = await generate(plain);
  await plain.close();
  if (run.backend !== "cpu") throw new Error(`expected the CPU fallback without WebGPU, got ${run.backend}`);
  cpu = {
    engine: "atlas (this demo, CPU fallback: wasm SIMD, 1 thread)",
    decode_tok_s: Number(run.stats.decodeTokS),
    prefill_tok_s: Number(run.stats.prefillTokS),
    ttft_ms: Number(run.stats.ttftMs),
  };
}
server?.close();

const ours = {
  engine: "atlas (this demo, WebGPU)",
  adapter,
  generate_decode_tok_s: Number(stats.decodeTokS),
  generate_prefill_tok_s: Number(stats.prefillTokS),
  ttft_ms: Number(stats.ttftMs),
  bench_decode_tok_s: Number(bench.decodeTokS),
  bench_decode_pipelined_tok_s: Number(bench.decodePipelinedTokS),
  device_read_gb_s: Number(bench.readGbS),
  efficiency: Number(bench.efficiency),
};
// Weight bytes per token, from the benchmark's own efficiency formula.
const bytesPerToken = (ours.efficiency * ours.device_read_gb_s * 1e9) / ours.bench_decode_tok_s;

let peer = null;
if (!args.includes("--no-wllama")) {
  const tmp = "/tmp/atlas-bench-demo";
  mkdirSync(tmp, { recursive: true });
  const gguf = join(tmp, "gemma-3-270m-q4_k_m.gguf");
  if (!existsSync(gguf) || statSync(gguf).size !== 253_113_024) {
    writeFileSync(gguf, Buffer.alloc(0));
    for (const p of ["00", "01", "02", "03"]) {
      appendFileSync(gguf, readFileSync(join(MODEL_DIR, `gemma-3-270m-q4_k_m.gguf.part${p}`)));
    }
  }
  const line = execFileSync(WLLAMA, [gguf, "999", String(TOKENS), PROMPT], { encoding: "utf8", maxBuffer: 1 << 24 })
    .trim()
    .split("\n")
    .pop();
  const w = JSON.parse(line);
  if (w.error) throw new Error(`wllama failed: ${w.error}`);
  const t = w.timings ?? {};
  const decode = t.predicted_per_second ?? (t.predicted_n && t.predicted_ms ? (t.predicted_n * 1000) / t.predicted_ms : NaN);
  const prefill = t.prompt_per_second ?? (t.prompt_n && t.prompt_ms ? (t.prompt_n * 1000) / t.prompt_ms : NaN);
  peer = {
    engine: `wllama (n_gpu_layers 999, ${w.threads} threads)`,
    decode_tok_s: decode,
    prefill_tok_s: prefill,
    efficiency: (decode * bytesPerToken) / (ours.device_read_gb_s * 1e9),
    raw: w,
  };
}

const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
console.log(`site ${site}, adapter ${adapter}, prompt "${PROMPT}", ${TOKENS} tokens, weight bytes/token ${Math.round(bytesPerToken)}`);
console.log("engine                               decode tok/s  prefill tok/s  efficiency");
console.log(`atlas, generation (${TOKENS} tokens)`.padEnd(37), f(ours.generate_decode_tok_s).padStart(12), f(ours.generate_prefill_tok_s).padStart(14), "".padStart(11));
console.log("atlas, fixed benchmark".padEnd(37), f(ours.bench_decode_tok_s).padStart(12), "".padStart(14), `${f(ours.efficiency * 100, 1)} %`.padStart(11));
const effPipe = (ours.bench_decode_pipelined_tok_s * bytesPerToken) / (ours.device_read_gb_s * 1e9);
console.log("atlas, fixed benchmark, pipelined".padEnd(37), f(ours.bench_decode_pipelined_tok_s).padStart(12), "".padStart(14), `${f(effPipe * 100, 1)} %`.padStart(11));
if (cpu) console.log(`atlas, CPU fallback (${TOKENS} tokens)`.padEnd(37), f(cpu.decode_tok_s).padStart(12), f(cpu.prefill_tok_s).padStart(14), "".padStart(11));
if (peer) console.log(peer.engine.padEnd(37), f(peer.decode_tok_s).padStart(12), f(peer.prefill_tok_s).padStart(14), `${f(peer.efficiency * 100, 1)} %`.padStart(11));
console.log(JSON.stringify({ ours, cpu, peer: peer && { ...peer, raw: undefined }, device_read_gb_s: ours.device_read_gb_s, bytes_per_token: bytesPerToken }));
