// A model's own page (`/models/<id>`) as a reader reaches and uses it: from the table, by a
// link, by keyboard; its facts, ranks, prices and memory checked against the dataset's JSON
// (worked out here, independently of the Rust code); an unknown id; a sub-path.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, at, appReady, fetchData, currentPrices as current, retiredBy, startsAfter, SITE, SUBPATH_SITE, PHONE } from "./lib.mjs";

let browser;
let data;
before(async () => {
  browser = await launch({ webgpu: false });
  data = await fetchData(["models", "prices", "sources", "benchmarks", "claims", "meta"]);
});
after(async () => {
  await browser?.close();
});

const model = (id) => data.models.find((m) => m.id === id);

async function openModel(id, options = {}) {
  const opened = await openPage(browser, options);
  await opened.page.goto(at(SITE, `/models/${id}`));
  await appReady(opened.page);
  await opened.page.getByTestId("model-name").waitFor();
  return opened;
}

/// A model's prices still on offer, as the page should list them.
const currentPrices = (id) => current(data.prices.filter((p) => p.model === id), data.meta.date);
const retired = (p) => retiredBy(p, data.meta.date);

const blend = (p) => (3 * p.input_usd_per_mtok + p.output_usd_per_mtok) / 4;

/// A table row's cells by their column's heading (the row's heading cell included), each text
/// without a source mark at its end.
async function cellsByHeading(row) {
  return row.evaluate((tr) => {
    const heads = [...tr.closest("table").querySelectorAll("thead th")].map((th) => th.innerText.trim());
    const cells = [...tr.children].map((c) => c.innerText.replace(/\s*[°*]?\s*$/, "").trim());
    return Object.fromEntries(heads.map((h, i) => [h, cells[i]]));
  });
}

test("a model's name in the table opens its page, and Back returns to the table as it was", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/models?q=maverick"));
    await appReady(page);
    await page.getByTestId("models-table").waitFor();
    const link = page.locator("table.models tbody th.model-name a", { hasText: "Llama 4 Maverick" });
    await link.click();
    await page.getByRole("heading", { level: 1, name: "Llama 4 Maverick" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/models/llama-4-maverick");
    assert.equal(await page.title(), "Llama 4 Maverick · LLM Atlas");
    await page.goBack();
    await page.getByTestId("models-table").waitFor();
    assert.equal(new URL(page.url()).search, "?q=maverick");
    assert.equal(await page.locator("table.models tbody tr").count(), 1);

    // By keyboard: focus the name's link and press Enter.
    await page.locator("table.models tbody th.model-name a").first().focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("model-name").waitFor();
    assert.equal(await page.getByTestId("model-name").innerText(), "Llama 4 Maverick");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the facts are the dataset's, each with its source", async () => {
  const m = model("llama-4-maverick");
  const { context, page, errors } = await openModel(m.id);
  try {
    const facts = page.getByTestId("model-facts");
    assert.equal(await facts.locator('dd[data-col="params_total"]').innerText(), `${m.params_total_b.value} B`);
    assert.equal(await facts.locator('dd[data-col="release"]').innerText(), m.release_date.value);
    assert.match(await facts.innerText(), new RegExp(m.license.terms.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    // Focusing a value shows where it was read.
    await facts.locator('dd[data-col="params_total"] button.sv-value').focus();
    const source = data.sources.find((s) => s.id === m.params_total_b.source);
    const tip = page.locator('[data-testid="model-facts"] .sv-tip');
    await tip.waitFor();
    assert.match(await tip.innerText(), new RegExp(source.title.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    // The architecture numbers, each with its own source.
    const arch = page.getByTestId("model-architecture");
    const layers = m.architecture.layers.value;
    assert.match(await arch.innerText(), new RegExp(`Layers\\s+${layers}\\b`));
    assert.equal(await arch.locator("button.sv-value").count(), Object.keys(m.architecture).length);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("each score shows its rank among the models with one, and the rank opens that ranking", async () => {
  const m = model("llama-4-maverick");
  const { context, page, errors } = await openModel(m.id);
  try {
    const scores = page.getByTestId("model-scores");
    const ids = Object.keys(m.benchmarks);
    assert.equal(await scores.locator("tbody tr").count(), ids.length);
    for (const id of ids) {
      const bench = data.benchmarks.find((b) => b.id === id);
      const others = data.models.map((o) => o.benchmarks?.[id]?.value).filter((v) => v !== undefined);
      const mine = m.benchmarks[id].value;
      const better = others.filter((v) => (bench.higher_is_better ? v > mine : v < mine)).length;
      const row = scores.locator(`tr[data-benchmark="${id}"]`);
      assert.match(await row.innerText(), new RegExp(`\\b${better + 1}(st|nd|rd|th) of ${others.length}\\b`), id);
    }
    const id = "gpqa_diamond";
    await scores.locator(`tr[data-benchmark="${id}"] a`).click();
    await page.getByTestId("models-table").waitFor();
    const url = new URL(page.url());
    assert.equal(url.pathname, "/models");
    assert.equal(url.searchParams.get("sort"), `bench:${id}`);
    assert.equal(url.searchParams.get("pin"), m.id);
    // The model's row is highlighted (pinned) in that ranking.
    const pinnedRow = page.locator(`table.models tbody tr[data-model="${m.id}"]`);
    assert.match((await pinnedRow.getAttribute("class")) ?? "", /\bpinned\b/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("API prices come cheapest first, with the earlier ones apart", async () => {
  // The model with the most price changes in the dataset.
  const changed = data.models
    .filter((m) => currentPrices(m.id).length > 0)
    .map((m) => ({ id: m.id, earlier: data.prices.filter((p) => p.model === m.id && !startsAfter(p, data.meta.date)).length - currentPrices(m.id).length }))
    .sort((a, b) => b.earlier - a.earlier)[0];
  assert.ok(changed.earlier > 0, "the dataset holds a price change");
  const current = currentPrices(changed.id).sort((a, b) => blend(a) - blend(b));
  const { context, page, errors } = await openModel(changed.id);
  try {
    const prices = page.getByTestId("model-prices");
    const rows = prices.locator('[aria-label="API prices"] tbody tr');
    assert.equal(await rows.count(), current.length);
    const first = await rows.first().locator("th").innerText();
    assert.ok(first.startsWith(current[0].provider), `${first} is the cheapest`);
    if (current.length > 1) assert.match(first, /cheapest/);
    const earlier = prices.getByTestId("earlier-prices");
    await earlier.locator("summary").click();
    assert.equal(await earlier.locator("tbody tr").count(), changed.earlier);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the price table has a tier column only when one of its prices has a tier", async () => {
  const priced = data.models.map((m) => m.id).filter((id) => currentPrices(id).length > 0);
  const plain = priced.find((id) => currentPrices(id).every((p) => !p.tier));
  const tiered = priced.find((id) => currentPrices(id).some((p) => p.tier));
  assert.ok(plain && tiered, "the dataset holds models with and without price tiers");
  for (const [id, tier] of [[plain, false], [tiered, true]]) {
    const { context, page, errors } = await openModel(id, { viewport: PHONE });
    try {
      const table = page.getByTestId("model-prices").locator('[aria-label="API prices"]');
      const heads = await table.locator("thead th").allInnerTexts();
      assert.equal(heads.includes("Tier"), tier, `${id}: ${heads.join(", ")}`);
      const row = table.locator("tbody tr").first();
      assert.equal(await row.locator("th, td").count(), heads.length, `${id}: a cell under each heading`);
      if (!tier) {
        // Without it, the prices fit a phone's width: the output price is on screen unscrolled.
        const output = await row.locator("td").nth(heads.indexOf("Output $/M") - 1).boundingBox();
        assert.ok(output.x + output.width <= PHONE.width, `${id}: the output price ends at ${output.x + output.width} px`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("a price announced for a later day is listed apart with its start, and the current one says when it goes", async () => {
  // An announced price, from the JSON, and the price it follows (same seller, retiring that day).
  const next = data.prices.find((p) => startsAfter(p, data.meta.date));
  assert.ok(next, "the dataset holds an announced price");
  const day = next.starts.value;
  const ending = currentPrices(next.model).find((p) => p.provider === next.provider && p.retired?.value === day);
  assert.ok(ending, `a current price of ${next.model} that retires on ${day}`);
  const { context, page, errors } = await openModel(next.model);
  try {
    const prices = page.getByTestId("model-prices");
    // The current table holds the price in force, with its announced end, and not the next one.
    const now = prices.locator('[aria-label="API prices"] tbody tr');
    assert.equal(await now.count(), currentPrices(next.model).length);
    const row = now.filter({ hasText: ending.tier ?? ending.provider }).first();
    assert.match(await row.locator("th").innerText(), new RegExp(`retires ${day}`));
    const cells = await cellsByHeading(row);
    assert.equal("Tier" in cells, currentPrices(next.model).some((p) => p.tier), "a tier column only where a price has a tier");
    assert.equal(Number(cells["Input $/M"].replace(/[^\d.]/g, "")), ending.input_usd_per_mtok);
    // The announced table: its price, the day it was read and the day it starts, sourced.
    const announced = prices.getByTestId("announced-prices");
    await announced.getByRole("heading", { name: "Announced" }).waitFor();
    const next_ = await cellsByHeading(announced.locator("tbody tr").first());
    assert.equal(Number(next_["Input $/M"].slice(1)), next.input_usd_per_mtok);
    assert.equal(Number(next_["Output $/M"].slice(1)), next.output_usd_per_mtok);
    assert.equal(next_["As of"], next.as_of);
    assert.equal(next_["Starts"], day);
    const start = announced.getByTestId("price-starts").first().locator("button.sv-value");
    assert.equal(await start.getAttribute("data-source"), next.starts.source);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a listed price reads exactly as its seller lists it, in cents at least", async () => {
  // The current price with the most decimals in any field (a cached-input price such as
  // $0.0375 must not read $0.038), from the JSON.
  const fields = ["input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok"];
  const decimals = (x) => (String(x).split(".")[1] ?? "").length;
  const prices = data.models.flatMap((m) => currentPrices(m.id));
  const p = prices.sort((a, b) => Math.max(...fields.map((f) => decimals(b[f] ?? 0))) - Math.max(...fields.map((f) => decimals(a[f] ?? 0))))[0];
  assert.ok(Math.max(...fields.map((f) => decimals(p[f] ?? 0))) > 3, "the dataset holds a price of more than three decimals");
  const { context, page, errors } = await openModel(p.model);
  try {
    const row = page
      .getByTestId("model-prices")
      .locator('[aria-label="API prices"] tbody tr')
      .filter({ has: page.locator("th", { hasText: p.provider }) })
      .filter({ has: page.locator("td", { hasText: p.tier ?? "" }) })
      .first();
    const cells = await cellsByHeading(row);
    assert.equal("Tier" in cells, currentPrices(p.model).some((x) => x.tier), "a tier column only where a price has a tier");
    const shown = ["Input $/M", "Cached input $/M", "Output $/M"].map((h) => cells[h]);
    fields.forEach((f, i) => {
      if (p[f] === undefined) return assert.equal(shown[i], "—");
      assert.match(shown[i], /^\$\d+\.\d{2,}$/, `${f} reads in cents: ${shown[i]}`);
      assert.equal(Number(shown[i].slice(1)), p[f], `${f} of ${p.model} by ${p.provider}`);
    });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a retired price is history: the page says nothing is sold now, and the cost calculator leaves it out", async () => {
  // A model every price of which was retired by the dataset's date, from the JSON.
  const gone = data.models.find((m) => {
    const all = data.prices.filter((p) => p.model === m.id);
    return all.length > 0 && all.every(retired);
  });
  assert.ok(gone, "the dataset holds a model whose prices were all retired");
  const listed = data.prices.filter((p) => p.model === gone.id);
  const { context, page, errors } = await openModel(gone.id);
  try {
    const prices = page.getByTestId("model-prices");
    await assert.doesNotReject(prices.getByTestId("no-current-price").waitFor());
    assert.equal(await prices.locator('[aria-label="API prices"]').count(), 0);
    // The history is open, one row per listed price, each saying when it was retired.
    const earlier = prices.getByTestId("earlier-prices");
    assert.equal(await earlier.getAttribute("open"), "");
    const ended = await earlier.getByTestId("price-ended").allInnerTexts();
    assert.deepEqual(ended.map((t) => t.trim()).sort(), listed.map((p) => `retired ${p.retired.value}`).sort());
    // Its retirement date shows where it was read.
    const date = earlier.getByTestId("price-ended").first().locator("button.sv-value");
    const shownDate = (await date.innerText()).replace("retired ", "").trim();
    const retirement = listed.find((p) => p.retired.value === shownDate).retired;
    assert.equal(await date.getAttribute("data-source"), retirement.source);
    await date.focus();
    const tip = earlier.locator(".sv-tip");
    await tip.waitFor();
    const source = data.sources.find((s) => s.id === retirement.source);
    assert.ok((await tip.innerText()).includes(source.title.slice(0, 20)), "the tooltip names the source");
    // No link offers to cost it, and the cost page's API list does not offer it.
    assert.equal(await page.getByRole("link", { name: "Its API cost at your volume" }).count(), 0);
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await page.locator('input[data-id="gpt-4o"]').waitFor({ state: "attached" });
    assert.equal(await page.locator(`input[data-id="${gone.id}"]`).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("an open model lists its memory per quantization; a closed one says why it has none", async () => {
  const { context, page, errors } = await openModel("gemma-3-27b");
  try {
    const memory = page.getByTestId("model-memory");
    const rows = memory.locator("tbody tr");
    assert.equal(await rows.count(), 7);
    const q4 = memory.locator('tr[data-quant="Q4_K_M"]');
    const cells = await q4.locator("td").allInnerTexts();
    const [weights, kv, total] = cells.slice(0, 3).map(Number);
    // Gemma 3 27B at Q4_K_M: 27 B parameters × 4.8944 bits / 8 = 16.5 GB of weights.
    const params = model("gemma-3-27b").params_total_b.value;
    assert.ok(Math.abs(weights - (params * 4.8944) / 8) < 0.06, `weights ${weights}`);
    assert.ok(total > weights + kv, "the total adds the overhead");
    assert.match(cells[3], /: \d+ GB/, "a setup that holds it, with its memory");
    // A longer context: a larger KV cache, in the URL, carried to the hardware page.
    const picker = memory.getByTestId("memory-context");
    assert.equal(await picker.inputValue(), "8192");
    await picker.selectOption("131072");
    await page.waitForURL(/ctx=131072/);
    await page.waitForFunction(
      (kv) => Number(document.querySelectorAll('[data-testid="model-memory"] tr[data-quant="Q4_K_M"] td')[1]?.innerText) > kv,
      kv,
    );
    const longer = (await q4.locator("td").allInnerTexts()).slice(0, 3).map(Number);
    assert.equal(longer[0], weights, "the weights do not depend on the context");
    assert.ok(longer[2] > total, "nor does the total stay the same");
    await page.reload();
    await page.getByTestId("memory-context").waitFor();
    assert.equal(await page.getByTestId("memory-context").inputValue(), "131072", "the context survives a reload");
    await memory.getByRole("link", { name: /Compare setups/ }).click();
    await page.locator("[data-chart=memory]").waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("m"), "gemma-3-27b");
    assert.equal(url.searchParams.get("ctx"), "131072");

    // An announced model whose size is known but not its attention layout: its weights alone.
    await page.goto(at(SITE, "/models/llama-4-behemoth"));
    await page.getByRole("heading", { level: 1, name: "Llama 4 Behemoth" }).waitFor();
    assert.match(await page.locator("p.lead").innerText(), /not released/);
    const weightsOnly = page.getByTestId("model-memory");
    await weightsOnly.getByTestId("weights-only").waitFor();
    const behemoth = model("llama-4-behemoth");
    const q8 = Number(await weightsOnly.locator('tr[data-quant="Q8_0"] td').innerText());
    assert.ok(Math.abs(q8 - (behemoth.params_total_b.value * 8.5) / 8) < 1, `Q8_0 weights ${q8}`);
    assert.equal(await weightsOnly.getByRole("link", { name: /Compare setups/ }).count(), 0);
    assert.equal(await weightsOnly.getByTestId("memory-context").count(), 0, "no context to choose without a KV layout");
    // An open one links to the hardware page, which judges setups by its weights (a lower bound).
    const open = data.models.find((m) => m.open_weights && m.params_total_b && m.architecture?.layers && !m.architecture?.head_dim && !m.architecture?.kv_lora_rank);
    await page.goto(at(SITE, `/models/${open.id}`));
    await page.getByTestId("model-memory").getByTestId("weights-only").waitFor();
    await page.getByTestId("model-memory").getByRole("link", { name: "Which setups hold its weights" }).click();
    await page.getByTestId(`kv-unknown-${open.id}`).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("m"), open.id);

    await page.goto(at(SITE, "/models/gpt-4o"));
    await page.getByRole("heading", { level: 1, name: "GPT-4o" }).waitFor();
    assert.match(await page.getByTestId("model-memory").innerText(), /does not publish its parameter count/);
    assert.match(await page.getByTestId("model-architecture").innerText(), /publishes no architecture numbers/);
    assert.equal(await page.getByRole("link", { name: "Will it fit your GPUs?" }).count(), 0);
    await page.getByRole("link", { name: "Its API cost at your volume" }).click();
    await page.locator("[data-chart=cost-vs-volume]").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("api"), "gpt-4o");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("an open model names the open models that score higher in less memory, and one on the line says none does", async () => {
  const { context, page, errors } = await openModel("llama-3.1-405b");
  try {
    const list = page.getByTestId("better-smaller");
    await list.waitFor();
    const self = model("llama-3.1-405b");
    // One item per benchmark it has a score on and is beaten on, in the dataset's order of
    // benchmarks; the others in one sentence before them.
    const benches = data.benchmarks.filter((b) => self.benchmarks[b.id]).map((b) => b.id);
    const items = await list.locator("li").evaluateAll((lis) => lis.map((li) => li.dataset.bench));
    const line = page.getByTestId("on-the-line");
    const onLine = (await line.count()) ? (await line.getAttribute("data-benches")).split(",") : [];
    assert.deepEqual(items, benches.filter((b) => !onLine.includes(b)));
    assert.deepEqual(onLine, benches.filter((b) => !items.includes(b)));
    const gpqa = list.locator('li[data-bench="gpqa_diamond"]');
    assert.match(await gpqa.innerText(), new RegExp(`\\(its ${self.benchmarks.gpqa_diamond.value}\\)`));
    assert.ok(Number(await gpqa.getAttribute("data-count")) >= 10);
    // Each model named is open, scores higher, and is listed best first.
    const named = await gpqa.locator("a[href*='/models/']").evaluateAll((as) =>
      as.map((a) => a.getAttribute("href").split("/models/")[1]),
    );
    assert.equal(named.length, 3);
    const scores = named.map((id) => model(id).benchmarks.gpqa_diamond.value);
    for (const [i, id] of named.entries()) {
      assert.ok(model(id).open_weights, id);
      assert.ok(scores[i] > self.benchmarks.gpqa_diamond.value, id);
      if (i > 0) assert.ok(scores[i] <= scores[i - 1]);
    }
    // Its link opens that benchmark's quality-against-memory chart on the hardware page.
    await gpqa.getByRole("link", { name: "on the chart" }).click();
    await page.waitForURL(/\/hardware\?/);
    await page.getByTestId("chart-quality-vs-memory").getByRole("heading", { name: "GPQA Diamond against memory" }).waitFor();
    // The smallest model with a GPQA Diamond score is on the line: nothing beats it in less memory.
    await page.goto(at(SITE, "/models/gemma-3-1b"));
    await appReady(page);
    const small = page.getByTestId("on-the-line");
    assert.ok((await small.getAttribute("data-benches")).split(",").includes("gpqa_diamond"));
    const sentence = await small.innerText();
    assert.ok(sentence.includes(`GPQA Diamond (${model("gemma-3-1b").benchmarks.gpqa_diamond.value})`), sentence);
    assert.match(sentence, /^On .*, no open model in the dataset scores higher in less memory\.$/);
    assert.equal(await page.getByTestId("better-smaller").locator('li[data-bench="gpqa_diamond"]').count(), 0);
    // A closed model has no such list.
    await page.goto(at(SITE, "/models/gpt-4o"));
    await appReady(page);
    await page.getByTestId("model-name").waitFor();
    assert.equal(await page.getByTestId("better-smaller").count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("claims about a model and its relatives link on", async () => {
  const m = model("llama-4-maverick");
  const about = data.claims.filter((c) => c.models.includes(m.id));
  const { context, page, errors } = await openModel(m.id);
  try {
    const claims = page.getByTestId("model-claims");
    assert.equal(await claims.locator("li").count(), about.length);
    // Each claim there links back to the models it is about.
    const first = about[0];
    await claims.getByRole("link", { name: first.text }).click();
    await page.locator(`li.claim#${first.id}`).waitFor();
    const links = page.locator(`li.claim#${first.id}`).getByTestId("claim-models").getByRole("link");
    assert.deepEqual(await links.allInnerTexts(), first.models.map((id) => model(id).name));
    await links.filter({ hasText: m.name }).click();
    await page.getByRole("heading", { level: 1, name: m.name }).waitFor();
    const related = page.getByTestId("model-related");
    // The family side by side: this model first, then its relatives, at most four.
    const family = await related.locator("li a").allInnerTexts();
    const compareLink = related.getByRole("link", { name: /^Compare \d of them side by side$/ });
    const pins = new URL(await compareLink.getAttribute("href"), SITE).searchParams.get("pin").split(",");
    assert.equal(pins[0], m.id);
    assert.deepEqual(pins.slice(1).map((id) => model(id).name), family.slice(0, 3));
    await compareLink.click();
    await page.getByTestId("compare").waitFor();
    assert.equal(await page.getByTestId("compare").locator("thead th").count(), pins.length + 1);
    await page.goBack();
    await related.getByRole("link", { name: "Llama 4 Scout" }).click();
    await page.getByRole("heading", { level: 1, name: "Llama 4 Scout" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/models/llama-4-scout");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the bundled model's page offers to run it in the browser; others do not", async () => {
  const { context, page, errors } = await openModel("gemma-3-270m");
  try {
    await page.getByRole("link", { name: "Run it in your browser" }).click();
    await page.getByTestId("generate").waitFor();
    // ... and the demo links back to it.
    await page.getByRole("link", { name: "Its sizes and sources" }).click();
    await page.getByRole("heading", { level: 1, name: model("gemma-3-270m").name }).waitFor();
    await page.goto(at(SITE, "/models/gemma-3-27b"));
    await page.getByTestId("model-name").waitFor();
    assert.equal(await page.getByRole("link", { name: "Run it in your browser" }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the pages with the longest texts fit a desktop and a phone without scrolling sideways", async () => {
  // The model with the longest score setting and the one with the longest terms, from the JSON.
  const longest = (size) => data.models.reduce((a, b) => (size(b) > size(a) ? b : a));
  const setting = (m) => Math.max(0, ...Object.values(m.benchmarks).map((s) => (s.setting ?? "").length));
  // And those whose current prices carry an announced retirement (a badge beside the seller).
  const retiring = data.prices.filter((p) => p.retired && p.retired.value > data.meta.date).map((p) => p.model);
  const ids = [...new Set([longest(setting).id, longest((m) => m.license.terms.length).id, ...retiring])];
  for (const viewport of [undefined, PHONE]) {
    for (const id of ids) {
      const { context, page, errors } = await openModel(id, viewport ? { viewport } : {});
      try {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `/models/${id} overflows by ${overflow}px at ${page.viewportSize().width}px`);
        // On a desktop no table sticks out of its section either (a phone scrolls them in place).
        if (!viewport) {
          const wider = await page.evaluate(() =>
            [...document.querySelectorAll("main section table")]
              .filter((t) => t.getBoundingClientRect().right > t.closest("section").getBoundingClientRect().right + 1)
              .map((t) => t.closest("[aria-label]")?.getAttribute("aria-label") ?? "a table"),
          );
          assert.deepEqual(wider, [], `/models/${id}: tables wider than their section`);
        }
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  }
});

test("an unknown model id says so and suggests the models it may mean", async () => {
  const { context, page, errors } = await openPage(browser, { viewport: PHONE });
  try {
    await page.goto(at(SITE, "/models/llama-4"));
    await appReady(page);
    await page.getByTestId("model-not-found").waitFor();
    assert.equal(await page.title(), "Model not found · LLM Atlas");
    const suggested = page.getByTestId("model-suggestions");
    await suggested.getByRole("link", { name: "Llama 4 Maverick" }).click();
    await page.getByRole("heading", { level: 1, name: "Llama 4 Maverick" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page overflows a phone by ${overflow}px`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("under a sub-path a model's page opens by deep link and links keep the prefix", { skip: !SUBPATH_SITE && "ATLAS_SUBPATH_URL is not set" }, async () => {
  const prefix = new URL(SUBPATH_SITE).pathname;
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SUBPATH_SITE, "/models/gemma-3-27b"));
    await appReady(page);
    await page.getByRole("heading", { level: 1, name: "Gemma 3 27B" }).waitFor();
    const back = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Models" });
    assert.equal(await back.getAttribute("href"), `${prefix}models`);
    await back.click();
    await page.getByTestId("models-table").waitFor();
    const first = page.locator("table.models tbody tr").first();
    const id = await first.getAttribute("data-model");
    assert.equal(await first.locator("th a").getAttribute("href"), `${prefix}models/${id}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the header's finder opens a model's page by keyboard or click, and searches the table otherwise", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await page.locator("[data-chart=cost-vs-volume]").waitFor();
    const input = page.getByRole("combobox", { name: "Find a model" });
    // "/" from the page focuses it.
    await page.locator("body").press("/");
    assert.ok(await input.evaluate((el) => el === document.activeElement), "'/' focuses the finder");
    assert.equal(await input.getAttribute("aria-expanded"), "false");

    await page.keyboard.type("mav");
    const list = page.getByRole("listbox", { name: "Models" });
    await list.waitFor();
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    const names = await list.getByRole("option").locator(".finder-name").allInnerTexts();
    const expected = data.models.filter((m) => /mav/i.test(`${m.name} ${m.vendor} ${m.family} ${m.id}`)).map((m) => m.name);
    assert.deepEqual(names.sort(), expected.sort());
    await page.keyboard.press("ArrowDown");
    const active = await input.getAttribute("aria-activedescendant");
    assert.equal(await page.locator(`#${active}`).getAttribute("aria-selected"), "true");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Llama 4 Maverick" }).waitFor();
    assert.equal(await input.inputValue(), "", "the finder clears after choosing");

    // A click on an option; names that start with the text come first.
    await input.fill("gemma 3 2");
    const first = list.getByRole("option").first();
    assert.match(await first.innerText(), /^Gemma 3 2/);
    const id = await first.getAttribute("data-model");
    await first.click();
    await page.getByTestId("model-name").waitFor();
    assert.equal(new URL(page.url()).pathname, `/models/${id}`);

    // Escape closes the list, a second Escape clears the text.
    await input.fill("qwen");
    await list.waitFor();
    await input.press("Escape");
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.equal(await input.inputValue(), "qwen");
    await input.press("Escape");
    assert.equal(await input.inputValue(), "");

    // Nothing matches: the list says so and links to the table searched for the text ...
    await input.fill("zz-none");
    await page.locator(".finder-popup").getByRole("link", { name: "Search the table" }).click();
    await page.getByTestId("empty").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("q"), "zz-none");
    assert.equal(await input.inputValue(), "");
    assert.equal(await page.locator(".finder-popup").count(), 0, "the list closes");
    // ... which Enter opens too.
    await input.fill("zzz-no-model");
    assert.match(await page.locator(".finder-popup").innerText(), /No model matches/);
    await input.press("Enter");
    await page.getByTestId("empty").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("q"), "zzz-no-model");

    // "/" typed into another field stays in that field.
    const search = page.getByRole("searchbox", { name: "Search" });
    await search.fill("");
    await search.type("a/b");
    assert.equal(await search.inputValue(), "a/b");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
