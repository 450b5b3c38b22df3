// The on-device demo as a visitor uses it: the bundled Gemma 3 270M loaded in a worker on WebGPU
// (SwiftShader here), greedy text compared with llama.cpp, Stop, a reload served from the cache,
// the benchmark, broken local files, a browser without WebGPU, and no request to any other origin.
// SwiftShader reads memory at ~1.5 GB/s, so token counts stay small and timeouts generous.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import { launch, openPage, at, appReady, waitDemoState, waitDemoTokens, SITE, SUBPATH_SITE } from "./lib.mjs";

const ROOT = new URL("../../", import.meta.url);
const FIXTURE = JSON.parse(
  await readFile(new URL("crates/engine/tests/fixtures/gemma3-270m/llamacpp_reference.json", ROOT), "utf8"),
);
const PART0 = new URL("public/models/gemma-3-270m-q4_k_m/gemma-3-270m-q4_k_m.gguf.part00", ROOT);
const LONG = 20 * 60_000;
const ORIGIN = new URL(SITE).origin;

/// The fixture rule: ids equal up to (not including) the first step whose llama.cpp top-1/top-2
/// margin is under 0.3. Returns how many ids were compared.
function compareGreedy(ours, ref) {
  let checked = 0;
  for (let i = 0; i < Math.min(ours.length, ref.greedy_ids.length); i++) {
    const top = ref.steps[i].top;
    if (top[0][1] - top[1][1] < 0.3) break;
    assert.equal(ours[i], ref.greedy_ids[i], `token ${i} of "${ref.prompt}": ours ${ours[i]}, llama.cpp ${ref.greedy_ids[i]}`);
    checked++;
  }
  if (checked === 0 && ours.length > 0) {
    // The very first choice is close: ours must still be one of llama.cpp's two best.
    const top2 = ref.steps[0].top.slice(0, 2).map((t) => t[0]);
    assert.ok(top2.includes(ours[0]), `first token ${ours[0]} is not in llama.cpp's top 2 ${top2}`);
  }
  return checked;
}

const state = (page) => page.getByTestId("status").getAttribute("data-state");
const ids = async (page) =>
  ((await page.getByTestId("output").getAttribute("data-ids")) ?? "").split(" ").filter(Boolean).map(Number);

const waitState = (page, states, timeout = LONG) => waitDemoState(page, states, timeout);

async function generate(page, prompt, maxTokens) {
  await page.getByTestId("prompt").fill(prompt);
  await page.getByTestId("max-tokens").fill(String(maxTokens));
  await page.getByTestId("max-tokens").dispatchEvent("change");
  await page.getByTestId("temperature").fill("0");
  await page.getByTestId("temperature").dispatchEvent("change");
  await page.getByTestId("generate").click();
  await waitState(page, "generating", 30_000).catch(() => {});
  await waitState(page, ["done", "stopped", "error"]);
}

describe("the bundled model in the browser", { timeout: LONG * 3 }, () => {
  let browser, context, page, errors, warnings;
  const requests = [];
  before(async () => {
    browser = await launch();
    ({ context, page, errors, warnings } = await openPage(browser));
    context.on("request", (r) => requests.push(r.url()));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
  });

  test("autorun loads the model with progress and generates greedily as llama.cpp does", { timeout: LONG }, async () => {
    const ref = FIXTURE.generate.find((g) => g.prompt === "The meaning of life is");
    const q = new URLSearchParams({ prompt: ref.prompt, max_tokens: "8", temperature: "0", autorun: "1" });
    await page.goto(at(SITE, `/demo?${q}`));
    await appReady(page);
    assert.equal(await page.getByTestId("prompt").inputValue(), ref.prompt, "the query fills the prompt");
    await page.getByTestId("progress").waitFor({ timeout: 60_000 });
    await waitState(page, ["done", "error"]);
    assert.equal(await state(page), "done", await page.getByTestId("status").innerText());
    const got = await ids(page);
    assert.equal(got.length, 8, `8 tokens generated, got ${got}`);
    compareGreedy(got, ref);
    assert.ok((await page.getByTestId("output").innerText()).length > 0, "text is shown");
    const stats = page.getByTestId("stats");
    for (const a of ["data-ttft-ms", "data-prefill-tok-s", "data-decode-tok-s"]) {
      const v = Number(await stats.getAttribute(a));
      assert.ok(v > 0, `${a} = ${v}`);
    }
    assert.equal(await page.getByTestId("loaded-model").getAttribute("data-backend"), "webgpu");
    // The worker knows Chromium's SwiftShader (which wgpu leaves unnamed) from the adapter's
    // vendor and architecture, and keeps the weights in textures there, which it reads faster.
    assert.equal(await page.getByTestId("loaded-model").getAttribute("data-weights"), "textures");
    assert.equal(await page.getByTestId("loaded-model").getAttribute("data-from-cache"), "false");
    // SwiftShader is a software renderer: the page says so and points at the CPU backend, but
    // keeps WebGPU as chosen.
    assert.match(await page.getByTestId("software-adapter").innerText(), /software renderer.*Run on the CPU/s);
    // ...and the CPU checkbox agrees, rather than calling the CPU slow.
    assert.match(await page.getByTestId("force-cpu-hint").innerText(), /^\s*\(usually faster on this device\)$/);
    const parts = requests.filter((u) => /\.gguf\.part0\d$/.test(u));
    assert.equal(parts.length, 4, `the four parts were fetched once each: ${parts}`);
  });

  test("a prompt with clear choices matches llama.cpp token for token", { timeout: LONG }, async () => {
    const ref = FIXTURE.generate.find((g) => g.prompt.startsWith("def fibonacci"));
    await generate(page, ref.prompt, 8);
    assert.equal(await state(page), "done", await page.getByTestId("status").innerText());
    const got = await ids(page);
    const checked = compareGreedy(got, ref);
    assert.ok(checked >= 4, `at least 4 clear steps compared (got ${checked}): ${got} vs ${ref.greedy_ids.slice(0, 8)}`);
  });

  test("Stop stops a long generation and the page keeps working", { timeout: LONG }, async () => {
    await page.getByTestId("prompt").fill("Once upon a time");
    await page.getByTestId("max-tokens").fill("200");
    await page.getByTestId("max-tokens").dispatchEvent("change");
    await page.getByTestId("generate").click();
    await waitDemoTokens(page, 2, LONG);
    // The page answers while the worker generates.
    const t = Date.now();
    await page.evaluate(() => 1 + 1);
    assert.ok(Date.now() - t < 2000, "the main thread is responsive");
    await page.getByTestId("stop").click();
    await waitState(page, ["stopped", "done", "error"], 120_000);
    assert.equal(await state(page), "stopped");
    const n = (await ids(page)).length;
    assert.ok(n >= 2 && n < 200, `stopped after ${n} tokens`);
    assert.equal(Number(await page.getByTestId("stats").getAttribute("data-tokens")), n);
    assert.equal(await page.getByTestId("generate").isEnabled(), true);
  });

  test("Benchmark this device measures decode speed and bandwidth, and saves them for the calculator", { timeout: LONG }, async () => {
    // The quick variant (16 prompt tokens, 4 decoded): SwiftShader is slow.
    await page.goto(at(SITE, "/demo?bench=quick"));
    await appReady(page);
    await waitState(page, "idle", 60_000);
    await page.getByTestId("bench-run").click();
    await page.getByTestId("bench-result").waitFor({ timeout: LONG });
    const r = page.getByTestId("bench-result");
    const decode = Math.max(
      Number(await r.getAttribute("data-decode-tok-s")),
      Number(await r.getAttribute("data-decode-pipelined-tok-s")),
    );
    const eff = Number(await r.getAttribute("data-efficiency"));
    const bw = Number(await r.getAttribute("data-read-gb-s"));
    assert.ok(decode > 0 && bw > 0 && eff > 0 && eff < 2, `decode ${decode}, bandwidth ${bw}, efficiency ${eff}`);
    // Chromium's SwiftShader is a CPU-emulated GPU: the worker takes the kernels laid out for one.
    assert.equal(await r.getAttribute("data-kernels"), "cpu");
    assert.match(await r.innerText(), /Kernels\s+laid out for a CPU-emulated GPU/);
    await page.getByTestId("bench-use").click();
    await page.getByTestId("bench-saved").waitFor();
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem("atlas-device-bench")));
    assert.ok(Math.abs(saved.decode_tok_s - decode) < 1e-3 * Math.max(1, decode));
    assert.ok(saved.adapter && saved.device_read_gb_s > 0 && !Number.isNaN(Date.parse(saved.date)), JSON.stringify(saved));
  });

  test("a reload loads the model from the cache without fetching model bytes", { timeout: LONG }, async () => {
    const before = requests.length;
    const ref = FIXTURE.generate.find((g) => g.prompt === "The meaning of life is");
    const first = await (async () => {
      const q = new URLSearchParams({ prompt: ref.prompt, max_tokens: "8", temperature: "0", autorun: "1" });
      await page.goto(at(SITE, `/demo?${q}`));
      await appReady(page);
      await waitState(page, ["done", "error"]);
      return ids(page);
    })();
    assert.equal(await state(page), "done", await page.getByTestId("status").innerText());
    const after = requests.slice(before);
    const parts = after.filter((u) => /\.gguf\.part0\d/.test(u));
    assert.deepEqual(parts, [], "no model part was requested");
    assert.equal(await page.getByTestId("loaded-model").getAttribute("data-from-cache"), "true");
    compareGreedy(first, ref);
    const held = Number(await page.getByTestId("cache-bytes").getAttribute("data-bytes"));
    assert.ok(held >= 253_113_024, `the cache reports ${held} bytes`);
  });

  test("clear cache empties it", { timeout: 120_000 }, async () => {
    await page.getByTestId("clear-cache").click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="cache-bytes"]')?.dataset.bytes === "0",
      null,
      { timeout: 60_000 },
    );
  });

  test("nothing was requested from another origin, and nothing went wrong", () => {
    const foreign = requests.filter((u) => !u.startsWith(ORIGIN) && !u.startsWith("data:") && !u.startsWith("blob:"));
    assert.deepEqual(foreign, [], "requests to other origins");
    assert.deepEqual(errors, []);
    // The worker starts wasm-bindgen's module the current way (an options object), so nothing
    // it logs says "deprecated".
    assert.deepEqual(warnings.filter((w) => /deprecated/i.test(w)), []);
  });
});

describe("broken inputs and missing WebGPU", () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test("on a 360 px phone the settings and the figures sit two to a row, inside the screen", async () => {
    const { context, page, errors } = await openPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await page.goto(at(SITE, "/demo"));
      await appReady(page);
      const rows = async (selector) => {
        const boxes = await page.locator(selector).evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { top: Math.round(r.top), right: r.right };
          }),
        );
        for (const b of boxes) assert.ok(b.right <= 360, `${selector} ends at ${b.right} px`);
        return { items: boxes.length, rows: new Set(boxes.map((b) => b.top)).size };
      };
      assert.deepEqual(await rows(".demo-settings input"), { items: 5, rows: 3 });
      assert.deepEqual(await rows('[data-testid="stats"] > div'), { items: 4, rows: 2 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("a truncated or corrupted local GGUF gives a clear error and the page keeps working", { timeout: LONG }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "atlas-demo-"));
    const truncated = join(dir, "truncated.gguf");
    const fh = await open(PART0);
    const head = Buffer.alloc(12 << 20);
    await fh.read(head, 0, head.length, 0);
    await fh.close();
    await writeFile(truncated, head);
    const corrupted = join(dir, "corrupted.gguf");
    const junk = Buffer.from(head.subarray(0, 1 << 20));
    junk.write("NOPE", 0);
    await writeFile(corrupted, junk);

    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(at(SITE, "/demo"));
      await appReady(page);
      await waitState(page, "idle", 60_000);
      await page.locator("details.demo-other summary").click();
      for (const [file, pattern] of [
        [truncated, /GGUF/],
        [corrupted, /GGUF/],
      ]) {
        await page.getByTestId("file").setInputFiles(file);
        await waitState(page, "error", 120_000);
        const status = page.getByTestId("status");
        assert.equal(await status.getAttribute("data-error-kind"), "invalidmodel");
        assert.match(await status.innerText(), pattern);
      }
      // A model URL on this site that does not exist: a network error naming the status.
      await page.getByTestId("model-url").fill(at(SITE, "/models/missing.gguf"));
      await page.getByTestId("load-url").click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="status"]')?.dataset.errorKind === "network",
        null,
        { timeout: 60_000 },
      );
      assert.match(await page.getByTestId("status").innerText(), /404/);
      // Still usable: the buttons are enabled and the form edits.
      assert.equal(await page.getByTestId("load").isEnabled(), true);
      await page.getByTestId("prompt").fill("still here");
      assert.equal(await page.getByTestId("prompt").inputValue(), "still here");
      // The expected 404 of the missing model is the only console error allowed.
      assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a local GGUF file runs without being uploaded", { timeout: LONG }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "atlas-demo-"));
    const whole = join(dir, "gemma-3-270m-q4_k_m.gguf");
    const parts = [];
    for (const p of ["00", "01", "02", "03"]) {
      parts.push(await readFile(new URL(`public/models/gemma-3-270m-q4_k_m/gemma-3-270m-q4_k_m.gguf.part${p}`, ROOT)));
    }
    await writeFile(whole, Buffer.concat(parts));
    const { context, page, errors } = await openPage(browser);
    const sent = [];
    context.on("request", (r) => sent.push({ url: r.url(), method: r.method(), body: r.postDataBuffer()?.length ?? 0 }));
    try {
      const ref = FIXTURE.generate.find((g) => g.prompt.startsWith("def fibonacci"));
      await page.goto(at(SITE, `/demo?${new URLSearchParams({ prompt: ref.prompt, max_tokens: "2", temperature: "0" })}`));
      await appReady(page);
      await waitState(page, "idle", 60_000);
      await page.locator("details.demo-other summary").click();
      await page.getByTestId("file").setInputFiles(whole);
      await waitState(page, ["ready", "error"]);
      assert.equal(await state(page), "ready", await page.getByTestId("status").innerText());
      assert.equal(await page.getByTestId("loaded-model").getAttribute("data-from-cache"), "false");
      await page.getByTestId("generate").click();
      await waitState(page, ["done", "error"]);
      assert.equal(compareGreedy(await ids(page), ref), 2);
      assert.deepEqual(sent.filter((r) => r.method !== "GET" || r.body > 0), [], "nothing was sent with a body");
      assert.deepEqual(sent.filter((r) => /\.gguf/.test(r.url)), [], "no model bytes were fetched");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a model URL is fetched in parallel ranges, cached, and a drop of a broken file is explained", { timeout: LONG }, async () => {
    const parts = [];
    for (const p of ["00", "01", "02", "03"]) {
      parts.push(await readFile(new URL(`public/models/gemma-3-270m-q4_k_m/gemma-3-270m-q4_k_m.gguf.part${p}`, ROOT)));
    }
    const whole = Buffer.concat(parts);
    // Another origin, as a model host would be: byte ranges and CORS.
    const ranges = [];
    const host = createServer((req, res) => {
      const cors = { "access-control-allow-origin": "*", "access-control-expose-headers": "content-range, content-length" };
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
      if (m) {
        const a = Number(m[1]);
        const b = Math.min(Number(m[2]), whole.length - 1);
        ranges.push([a, b]);
        res.writeHead(206, { ...cors, "content-range": `bytes ${a}-${b}/${whole.length}`, "content-length": b - a + 1 });
        res.end(whole.subarray(a, b + 1));
      } else {
        res.writeHead(200, { ...cors, "content-length": whole.length });
        res.end(whole);
      }
    });
    await new Promise((ok) => host.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${host.address().port}/m/resolve/main/gemma-3-270m-q4_k_m.gguf`;
    const { context, page, errors } = await openPage(browser);
    try {
      const ref = FIXTURE.generate.find((g) => g.prompt.startsWith("def fibonacci"));
      await page.goto(at(SITE, `/demo?${new URLSearchParams({ prompt: ref.prompt, max_tokens: "2", temperature: "0" })}`));
      await appReady(page);
      await waitState(page, "idle", 60_000);
      await page.locator("details.demo-other summary").click();
      await page.getByTestId("model-url").fill(url);
      await page.getByTestId("load-url").click();
      await waitState(page, ["ready", "error"]);
      assert.equal(await state(page), "ready", await page.getByTestId("status").innerText());
      const fetched = ranges.filter(([a, b]) => b > a);
      assert.ok(fetched.length >= 2, `parallel range requests: ${JSON.stringify(ranges)}`);
      assert.equal(fetched.reduce((n, [a, b]) => n + b - a + 1, 0), whole.length, "the ranges cover the file once");
      await page.getByTestId("generate").click();
      await waitState(page, ["done", "error"]);
      assert.equal(compareGreedy(await ids(page), ref), 2);

      // Again: from the cache, with no request to the model's host.
      const before = ranges.length;
      await page.getByTestId("model-url").fill(url);
      await page.getByTestId("load-url").click();
      await waitState(page, ["ready", "error"]);
      assert.equal(await page.getByTestId("loaded-model").getAttribute("data-from-cache"), "true");
      assert.equal(ranges.length, before, "no request to the model's host");

      // A dropped file that is not a model.
      const dt = await page.evaluateHandle(() => {
        const t = new DataTransfer();
        t.items.add(new File([new Uint8Array(4096).fill(7)], "dropped.gguf"));
        return t;
      });
      await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer: dt });
      await waitState(page, "error", 60_000);
      assert.equal(await page.getByTestId("status").getAttribute("data-error-kind"), "invalidmodel");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      host.close();
    }
  });

  test("a slow download shows bytes, speed and time left, and Cancel stops it", { timeout: LONG }, async () => {
    const total = 200 << 20;
    let aborted = false;
    const host = createServer((req, res) => {
      // No ranges, 1 MiB every 100 ms.
      res.writeHead(200, { "access-control-allow-origin": "*", "content-length": total });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= total) return clearInterval(timer);
        res.write(Buffer.alloc(1 << 20));
        sent += 1 << 20;
      }, 100);
      res.on("close", () => {
        aborted = sent < total;
        clearInterval(timer);
      });
    });
    await new Promise((ok) => host.listen(0, "127.0.0.1", ok));
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(at(SITE, "/demo"));
      await appReady(page);
      await waitState(page, "idle", 60_000);
      await page.locator("details.demo-other summary").click();
      await page.getByTestId("model-url").fill(`http://127.0.0.1:${host.address().port}/slow.gguf`);
      await page.getByTestId("load-url").click();
      await page.waitForFunction(
        () => /left/.test(document.querySelector('[data-testid="progress"]')?.innerText ?? ""),
        null,
        { timeout: 60_000 },
      );
      const line = await page.getByTestId("progress").innerText();
      assert.match(line, /MB of 209\.7 MB/);
      assert.match(line, /MB\/s/);
      await page.getByTestId("cancel").click();
      await waitState(page, ["idle", "error"], 60_000);
      assert.equal(await state(page), "idle", await page.getByTestId("status").innerText());
      assert.match(await page.getByTestId("status").innerText(), /Cancelled/);
      await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 10_000 });
      assert.equal(await page.getByTestId("load").isEnabled(), true);
      for (let i = 0; i < 50 && !aborted; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(aborted, "the browser closed the download");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      host.close();
    }
  });

  test("a full storage quota says what to do, and the model still runs", { timeout: LONG }, async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: ORIGIN, quotaSize: 16_000_000 });
      const q = new URLSearchParams({ prompt: "Hello", max_tokens: "1", temperature: "0", autorun: "1" });
      await page.goto(at(SITE, `/demo?${q}`));
      await appReady(page);
      await waitState(page, ["done", "error"]);
      assert.equal(await state(page), "done", await page.getByTestId("status").innerText());
      await page.getByTestId("quota-help").waitFor({ timeout: 30_000 });
      assert.match(await page.getByTestId("warnings").innerText(), /no room left/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("an engine that does not load is reported, and the buttons say why instead of waiting", { timeout: 120_000 }, async () => {
    // What a browser without WebAssembly SIMD, or a file cut short in transit, gives the worker.
    const { context, page, errors } = await openPage(browser);
    try {
      await context.route("**/worker_bg.wasm", (route) =>
        route.fulfill({ status: 200, contentType: "application/wasm", body: Buffer.from("\0asm\x01\0\0\0\xff\xff", "latin1") }),
      );
      await page.goto(at(SITE, "/demo"));
      await appReady(page);
      await waitState(page, "error", 60_000);
      const status = page.getByTestId("status");
      assert.match(await status.innerText(), /inference engine did not load \(CompileError/);
      // Asking again fails at once with the same reason (nothing waits for a dead worker).
      await page.getByTestId("load").click();
      await waitState(page, "error", 10_000);
      assert.match(await status.innerText(), /could not start: the inference engine did not load/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("without WebGPU the page explains what to do instead of failing", { timeout: 120_000 }, async () => {
    const plain = await launch({ webgpu: false });
    try {
      const { context, page, errors } = await openPage(plain);
      await page.goto(at(SITE, "/demo"));
      await appReady(page);
      const panel = page.getByTestId("webgpu");
      await page.waitForFunction(
        () => ["missing", "no-adapter", "too-small"].includes(document.querySelector('[data-testid="webgpu"]')?.dataset.state),
        null,
        { timeout: 60_000 },
      );
      const text = await panel.innerText();
      assert.match(text, /WebGPU/);
      assert.match(text, /CPU/);
      await waitState(page, "idle", 60_000);
      assert.equal(await page.getByTestId("generate").isEnabled(), true);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await plain.close();
    }
  });

  test("without WebGPU the model runs on the CPU, labelled slow, with the same greedy tokens", { timeout: LONG }, async () => {
    const plain = await launch({ webgpu: false });
    try {
      const { context, page, errors } = await openPage(plain);
      const ref = FIXTURE.generate.find((g) => g.prompt.startsWith("def fibonacci"));
      const q = new URLSearchParams({ prompt: ref.prompt, max_tokens: "8", temperature: "0", autorun: "1" });
      await page.goto(at(SITE, `/demo?${q}`));
      await appReady(page);
      await waitState(page, ["done", "error"]);
      assert.equal(await state(page), "done", await page.getByTestId("status").innerText());
      assert.equal(await page.getByTestId("loaded-model").getAttribute("data-backend"), "cpu");
      assert.equal(await page.getByTestId("loaded-model").getAttribute("data-weights"), "", "no GPU weight store on the CPU");
      assert.match(await page.getByTestId("adapter").innerText(), /CPU \(slow\)/);
      const got = await ids(page);
      // Eight tokens through the worker's wasm SIMD dot products, held to the fixture's rule.
      assert.equal(got.length, 8);
      const checked = compareGreedy(got, ref);
      assert.ok(checked >= 4, `CPU: at least 4 clear steps compared (got ${checked}): ${got} vs ${ref.greedy_ids.slice(0, 8)}`);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await plain.close();
    }
  });

  test("under a sub-path the worker starts and finds the model's manifest", { timeout: 120_000, skip: !SUBPATH_SITE }, async () => {
    const { context, page, errors } = await openPage(browser);
    const requests = [];
    context.on("request", (r) => requests.push(r.url()));
    try {
      await page.goto(at(SUBPATH_SITE, "/demo"));
      await appReady(page);
      await waitState(page, "idle", 60_000);
      await page.getByTestId("cache-bytes").waitFor({ timeout: 60_000 });
      const worker = requests.filter((u) => /worker(_start)?\.js$|worker_bg\.wasm$/.test(u));
      assert.ok(worker.length >= 3, `worker files fetched: ${worker}`);
      assert.ok(worker.every((u) => u.startsWith(SUBPATH_SITE)), `worker files under the sub-path: ${worker}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
