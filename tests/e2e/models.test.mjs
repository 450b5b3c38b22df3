// The models table as a reader uses it: sort, filter, search, pin and compare, the URL, the
// downloads and the source tooltips.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launch, openPage, at, appReady, fetchData, currentPrices, SITE, PHONE } from "./lib.mjs";

let browser;
let models;
before(async () => {
  browser = await launch({ webgpu: false });
  models = await (await fetch(at(SITE, "/data/models.json"))).json();
});
after(async () => {
  await browser?.close();
});

async function openModels(path = "/models", options = {}) {
  const opened = await openPage(browser, { ...options });
  await opened.page.goto(at(SITE, path));
  await appReady(opened.page);
  await opened.page.getByTestId("models-table").waitFor();
  return opened;
}

// The table shows this many rows at first; "Show more" adds as many again (PAGE_ROWS in
// src/pages/models/mod.rs).
const PAGE_ROWS = 25;

// Clicks "Show more" until every matching row is in the table.
async function showAll(page) {
  const more = page.getByRole("button", { name: /^Show more/ });
  while (await more.count()) {
    const before = await page.locator("table.models tbody tr").count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll("table.models tbody tr").length > n, before);
  }
}

const rowIds = (page) => page.locator("table.models tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.model));
const colTexts = (page, col) =>
  page.locator(`table.models tbody td[data-col="${col}"]`).evaluateAll((tds) => tds.map((td) => td.innerText.trim()));

test("every model is listed, and sorting by a number puts the most first and missing values last", async () => {
  const { context, page, errors } = await openModels();
  try {
    assert.ok(models.length > PAGE_ROWS, "the dataset is longer than one page");
    assert.equal((await rowIds(page)).length, PAGE_ROWS);
    const more = page.getByRole("button", { name: /^Show more/ });
    assert.equal(await more.innerText(), `Show more (${models.length - PAGE_ROWS} not shown)`);
    await more.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll("table.models tbody tr").length === n, Math.min(models.length, 2 * PAGE_ROWS));
    await showAll(page);
    assert.equal(await more.count(), 0, "no button once every row is shown");
    assert.deepEqual((await rowIds(page)).sort(), models.map((m) => m.id).sort());
    const header = page.locator('th[data-col="bench:gpqa_diamond"]');
    assert.equal(await header.getAttribute("aria-sort"), "none");
    await header.getByRole("button").click();
    assert.equal(await header.getAttribute("aria-sort"), "descending");
    assert.match(page.url(), /sort=bench:gpqa_diamond&dir=desc/);
    const expected = models
      .map((m) => ({ id: m.id, v: m.benchmarks.gpqa_diamond?.value }))
      .sort((a, b) => (a.v === undefined) - (b.v === undefined) || (b.v ?? 0) - (a.v ?? 0));
    const got = await rowIds(page);
    const values = got.map((id) => models.find((m) => m.id === id).benchmarks.gpqa_diamond?.value);
    const known = values.filter((v) => v !== undefined);
    assert.deepEqual(known, [...known].sort((a, b) => b - a), "numeric descending order");
    assert.ok(values.slice(known.length).every((v) => v === undefined), "missing values last");
    assert.equal(got[0], expected[0].id);
    await header.getByRole("button").click();
    assert.equal(await header.getAttribute("aria-sort"), "ascending");
    const asc = (await rowIds(page)).map((id) => models.find((m) => m.id === id).benchmarks.gpqa_diamond?.value);
    const knownAsc = asc.filter((v) => v !== undefined);
    assert.deepEqual(knownAsc, [...knownAsc].sort((a, b) => a - b));
    assert.ok(asc.slice(knownAsc.length).every((v) => v === undefined), "missing values last ascending too");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("filters, search and the empty state", async () => {
  const { context, page, errors } = await openModels();
  try {
    await page.getByTestId("filter-open").selectOption("open");
    await showAll(page);
    let ids = await rowIds(page);
    assert.deepEqual(ids.sort(), models.filter((m) => m.open_weights).map((m) => m.id).sort());
    assert.match(page.url(), /open=open/);

    await page.getByTestId("total-max").fill("30");
    await page.getByTestId("total-max").press("Enter");
    await page.waitForURL(/tmax=30/);
    await showAll(page);
    ids = await rowIds(page);
    const small = models.filter((m) => m.open_weights && m.params_total_b && m.params_total_b.value <= 30);
    assert.deepEqual(ids.sort(), small.map((m) => m.id).sort());

    await page.getByTestId("search").fill("gemma");
    await page.waitForURL(/q=gemma/);
    ids = await rowIds(page);
    assert.ok(ids.length > 0 && ids.every((id) => id.startsWith("gemma")), `only Gemma rows: ${ids}`);
    assert.match(await page.getByTestId("result-count").innerText(), new RegExp(`${ids.length} of ${models.length} models`));

    await page.getByTestId("search").fill("no such model at all");
    await page.getByTestId("empty").waitFor();
    await page.getByTestId("empty").getByRole("button", { name: "Clear filters" }).click();
    await page.getByTestId("models-table").waitFor();
    assert.match(await page.getByTestId("result-count").innerText(), new RegExp(`^${models.length} models`));
    await showAll(page);
    assert.equal((await rowIds(page)).length, models.length);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the memory column and filter find the open models that fit a GPU, as their pages count them", async () => {
  const { context, page, errors } = await openModels("/models?cols=memory,bench:gpqa_diamond");
  try {
    await page.getByTestId("memory-max").fill("24");
    await page.getByTestId("memory-max").press("Enter");
    await page.waitForURL(/mmax=24/);
    await showAll(page);
    const ids = await rowIds(page);
    const gbs = (await colTexts(page, "memory")).map((t) => Number.parseFloat(t));
    assert.ok(ids.length >= 10, `${ids.length} models fit in 24 GB`);
    assert.ok(gbs.every((gb) => gb <= 24), `${gbs}`);
    // Only open models, and not the ones whose memory is only a lower bound.
    for (const id of ids) assert.ok(models.find((m) => m.id === id).open_weights, id);
    // Sorted by memory: the most first, as every number column, then the least first.
    const sortButton = page.locator('th[data-col="memory"] button');
    await sortButton.click();
    await page.waitForURL(/sort=memory&dir=desc/);
    const most = (await colTexts(page, "memory")).map((t) => Number.parseFloat(t));
    for (let i = 1; i < most.length; i++) assert.ok(most[i] <= most[i - 1], `${most}`);
    await sortButton.click();
    await page.waitForURL((u) => u.search.includes("sort=memory") && !u.search.includes("dir=desc"));
    const sorted = (await colTexts(page, "memory")).map((t) => Number.parseFloat(t));
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i] >= sorted[i - 1], `${sorted}`);
    // A row's memory is the model page's Q4_K_M total at the 8K context.
    const [id] = await rowIds(page);
    const shown = (await colTexts(page, "memory"))[0];
    await page.goto(at(SITE, `/models/${id}`));
    await appReady(page);
    const total = await page.locator('tr[data-quant="Q4_K_M"] td').nth(2).innerText();
    assert.ok(Math.abs(Number.parseFloat(total) - Number.parseFloat(shown)) < 0.051, `${id}: ${shown} vs ${total}`);
    // An open model without an attention layout (neither a latent nor KV heads with their
    // size) shows its weights as a lower bound.
    const layoutless = models.find((m) => {
      const a = m.architecture ?? {};
      return m.open_weights && m.params_total_b && !a.kv_lora_rank && !(a.kv_heads && a.head_dim);
    });
    assert.ok(layoutless, "the dataset has an open model without an attention layout");
    await page.goto(at(SITE, `/models?cols=memory&q=${encodeURIComponent(layoutless.name)}`));
    await appReady(page);
    await page.getByTestId("models-table").waitFor();
    const row = (await rowIds(page)).indexOf(layoutless.id);
    assert.ok(row >= 0, `${layoutless.id} is found by its name`);
    assert.match((await colTexts(page, "memory"))[row], /^≥ \d/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("changing a filter goes back to one page of rows", async () => {
  const { context, page, errors } = await openModels();
  try {
    await page.getByRole("button", { name: /^Show more/ }).click();
    await page.waitForFunction((n) => document.querySelectorAll("table.models tbody tr").length === n, Math.min(models.length, 2 * PAGE_ROWS));
    const rowsAre = (n) => page.waitForFunction((n) => document.querySelectorAll("table.models tbody tr").length === n, n, { timeout: 5000 });
    await page.getByTestId("filter-open").selectOption("closed");
    await page.waitForURL(/open=closed/);
    await rowsAre(Math.min(models.filter((m) => !m.open_weights).length, PAGE_ROWS));
    await page.getByTestId("filter-open").selectOption("");
    await page.waitForFunction(() => !location.search.includes("open="));
    await rowsAre(PAGE_ROWS); // a new result starts at one page, not where the last one was
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("pin up to four models and compare them, with differences highlighted", async () => {
  const { context, page, errors } = await openModels();
  try {
    const boxes = page.locator("table.models tbody td.pin-col input");
    for (let i = 0; i < 4; i++) await boxes.nth(i).check();
    const compare = page.getByTestId("compare");
    await compare.waitFor();
    assert.match(await compare.getByRole("heading").innerText(), /Compare \(4 of 4\)/);
    assert.equal(await compare.locator("thead th").count(), 5);
    assert.ok((await compare.locator("tr.differs").count()) > 0, "some rows differ");
    assert.ok(await boxes.nth(4).isDisabled(), "a fifth pin is refused");
    // Four models side by side fit a 1280 px screen: long values wrap instead.
    const [scroll, client] = await compare.locator(".table-scroll").evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert.ok(scroll <= client, `the comparison is ${scroll}px wide in a ${client}px box`);
    const pinnedIds = (await rowIds(page)).slice(0, 4);
    assert.match(decodeURIComponent(page.url()), new RegExp(`pin=${pinnedIds.join(",")}`));
    await compare.getByRole("button", { name: /^Remove / }).first().click();
    assert.match(await compare.getByRole("heading").innerText(), /Compare \(3 of 4\)/);
    assert.ok(!(await boxes.nth(4).isDisabled()));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a link that pins a model far down the table shows its row, whole pages at a time", async () => {
  // The table opens newest first: the oldest model (or one without a date, listed last) sits
  // past the first page.
  const day = (m) => m.release_date?.value ?? "";
  const last = [...models].sort((a, b) => (day(a) < day(b) ? -1 : day(a) > day(b) ? 1 : 0))[0];
  assert.ok(models.length > PAGE_ROWS);
  const { context, page, errors } = await openModels(`/models?pin=${last.id}`);
  try {
    const row = page.locator(`table.models tbody tr[data-model="${last.id}"]`);
    await row.waitFor();
    assert.match((await row.getAttribute("class")) ?? "", /\bpinned\b/);
    const rows = await page.locator("table.models tbody tr").count();
    assert.ok(rows > PAGE_ROWS, `${rows} rows: more than the first page`);
    assert.ok(rows % PAGE_ROWS === 0 || rows === models.length, `${rows} rows: whole pages`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the view survives a reload and the back button undoes a change", async () => {
  const { context, page, errors } = await openModels("/models?sort=params_total&dir=desc&open=open&pin=gemma-3-27b");
  try {
    const header = page.locator('th[data-col="params_total"]');
    assert.equal(await header.getAttribute("aria-sort"), "descending");
    assert.equal(await page.getByTestId("filter-open").inputValue(), "open");
    await page.getByTestId("compare").waitFor();
    await page.reload();
    await page.getByTestId("models-table").waitFor();
    assert.equal(await page.locator('th[data-col="params_total"]').getAttribute("aria-sort"), "descending");
    await page.getByTestId("filter-open").selectOption("closed");
    await page.waitForURL(/open=closed/);
    await page.goBack();
    await page.waitForURL(/open=open/);
    assert.equal(await page.getByTestId("filter-open").inputValue(), "open");
    const ids = await rowIds(page);
    assert.ok(ids.every((id) => models.find((m) => m.id === id).open_weights));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the column chooser adds and removes columns", async () => {
  const { context, page, errors } = await openModels();
  try {
    assert.equal(await page.locator('th[data-col="family"]').count(), 0);
    await page.getByTestId("column-chooser").locator("summary").click();
    await page.locator('.column-options input[data-col="family"]').check();
    await page.locator('th[data-col="family"]').waitFor();
    await page.locator('.column-options input[data-col="vendor"]').uncheck();
    await page.waitForFunction(() => !document.querySelector('th[data-col="vendor"]'));
    assert.match(decodeURIComponent(page.url()), /cols=[^&]*family/);
    await showAll(page);
    const fam = await colTexts(page, "family");
    assert.equal(fam.length, models.length);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("CSV and JSON downloads hold exactly the rows that match, with sources", async () => {
  const { context, page, errors } = await openModels("/models?open=closed&cols=vendor,bench:gpqa_diamond");
  try {
    const closed = models.filter((m) => !m.open_weights);
    const [csvDl] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
    assert.equal(csvDl.suggestedFilename(), "llm-atlas-models.csv");
    const csv = (await readFile(await csvDl.path(), "utf8")).trim().split("\n");
    assert.equal(csv[0], "id,name,Vendor,Vendor source,GPQA Diamond,GPQA Diamond source");
    assert.equal(csv.length - 1, closed.length, "one line per matching row");
    const o3 = closed.find((m) => m.id === "o3");
    if (o3?.benchmarks.gpqa_diamond) {
      const line = csv.find((l) => l.startsWith("o3,"));
      assert.ok(line.includes(`,${o3.benchmarks.gpqa_diamond.value},http`), `o3 line has its score and source URL: ${line}`);
    }
    const [jsonDl] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-json").click()]);
    const doc = JSON.parse(await readFile(await jsonDl.path(), "utf8"));
    assert.equal(doc.models.length, closed.length);
    const scored = doc.models.find((m) => m["bench:gpqa_diamond"]);
    assert.ok(scored["bench:gpqa_diamond"].source.url.startsWith("http"));
    assert.equal(typeof scored["bench:gpqa_diamond"].self_reported, "boolean");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a value shows its source on keyboard focus and on hover, and its link is reachable by keyboard", async () => {
  const { context, page, errors } = await openModels();
  try {
    const value = page.locator('table.models tbody td[data-col="bench:gpqa_diamond"] .sv-value').first();
    const tip = page.locator("#models-tip");
    assert.equal(await tip.count(), 0, "no tooltip before focus");
    await value.focus();
    await tip.waitFor({ state: "visible" });
    assert.equal(await value.getAttribute("aria-describedby"), "models-tip");
    const text = await tip.innerText();
    assert.match(text, /Source: .+/);
    assert.match(text, /Self-reported by the vendor|Measured independently/);
    assert.match(text, /Read \d{4}-\d{2}-\d{2}/);
    // Enter moves focus to the source link; Escape closes the tooltip.
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.closest("#models-tip") && document.activeElement.tagName === "A");
    const href = await page.evaluate(() => document.activeElement.getAttribute("href"));
    assert.match(href, /^https?:\/\//);
    await page.keyboard.press("Escape");
    await tip.waitFor({ state: "detached" });
    // Hover shows the source of another value.
    await page.locator("h1").hover();
    const other = page.locator('table.models tbody td[data-col="params_total"] .sv-value').first();
    await other.hover();
    await tip.waitFor({ state: "visible" });
    assert.match(await tip.innerText(), /Source: /);
    await page.locator("h1").hover();
    await tip.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a value's tooltip leads, by keyboard, to every value read from the same source", async () => {
  const { context, page, errors } = await openModels();
  try {
    const value = page.locator('table.models tbody td[data-col="params_total"] .sv-value').first();
    const row = value.locator("xpath=ancestor::tr");
    const model = (await row.locator("th.model-name").innerText()).replace(/\s+(open|reasoning)\b/g, "").trim();
    await value.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.closest("#models-tip") && document.activeElement.tagName === "A");
    await page.keyboard.press("Tab");
    const link = page.getByTestId("source-values");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "source-values");
    const href = await link.getAttribute("href");
    const id = href.match(/\/about#source-(.+)$/)?.[1];
    assert.ok(id, `links to a source on the about page: ${href}`);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "About LLM Atlas" }).waitFor();
    assert.ok(page.url().endsWith(`/about#source-${id}`), page.url());
    // The list opens at that source, marked, focused and in view, with its values listed.
    const target = page.locator(`tr[data-source="${id}"]`);
    await target.waitFor({ state: "visible" });
    assert.match(await target.getAttribute("class"), /source-target/);
    await page.waitForFunction((id) => document.activeElement?.dataset.source === id, id);
    assert.ok(await target.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight;
    }), "the source's row is in view");
    const values = target.getByTestId("cited-by");
    await values.waitFor({ state: "visible" });
    const items = await values.locator("li").allInnerTexts();
    assert.ok(items.includes(`${model} \u203a total parameters`), `${model} in ${JSON.stringify(items)}`);
    assert.equal(Number(await target.getByTestId("source-cited").textContent()), items.length);
    // Other sources stay closed and unmarked.
    assert.equal(await page.locator("tr.source-target").count(), 1);
    assert.equal(await page.locator("details.cited-by[open]").count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a price cell says 'retired' where every listed price was retired, and a dash where none was listed", async () => {
  const { prices, meta } = await fetchData(["prices", "meta"]);
  const sold = new Set(currentPrices(prices, meta.date).map((p) => p.model));
  const listed = new Set(prices.map((p) => p.model));
  const gone = models.find((m) => listed.has(m.id) && !sold.has(m.id));
  const never = models.find((m) => !listed.has(m.id));
  const onSale = models.find((m) => sold.has(m.id));
  assert.ok(gone && never && onSale, "the data has all three cases");
  const { context, page, errors } = await openModels("/models?cols=price_in,price_out");
  try {
    const cells = async (m) => {
      await page.getByRole("searchbox").fill(m.name);
      const row = page.locator("table.models tbody tr", { has: page.getByRole("link", { name: m.name, exact: true }) });
      await row.waitFor();
      return [await row.locator('td[data-col="price_in"]').innerText(), await row.locator('td[data-col="price_out"]').innerText()];
    };
    assert.deepEqual(await cells(gone), ["retired", "retired"]);
    assert.deepEqual(await cells(never), ["—", "—"]);
    const [input] = await cells(onSale);
    assert.match(input, /^\$\d/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a phone the table scrolls inside its box, not the page, keeping the names in view", async () => {
  const { context, page, errors } = await openModels("/models", { viewport: PHONE });
  try {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
    const box = await page.locator(".table-scroll").first().evaluate((el) => el.scrollWidth > el.clientWidth);
    assert.ok(box, "the table itself scrolls horizontally");
    // Scrolled sideways, the pin boxes and the model names stay at the box's left edge, on top
    // of the columns that scroll under them.
    const scroller = page.locator(".models-scroll");
    await page.locator("table.models tbody tr").first().scrollIntoViewIfNeeded();
    await scroller.evaluate((el) => { el.scrollLeft = 300; });
    const [edge, name, pin, under] = await page.evaluate(() => {
      const r = (el) => el.getBoundingClientRect();
      const row = document.querySelector("table.models tbody tr");
      const nameCell = row.querySelector("th.model-name");
      const n = r(nameCell);
      const hit = document.elementFromPoint(n.left + 10, n.top + n.height / 2);
      return [r(document.querySelector(".models-scroll")).left, n, r(row.querySelector(".pin-col")), nameCell.contains(hit)];
    });
    assert.ok(Math.abs(pin.left - edge) <= 2, `pin box at ${pin.left}, box edge at ${edge}`);
    assert.ok(Math.abs(name.left - pin.right) <= 1, `name at ${name.left}, after the pin box ending at ${pin.right}`);
    assert.ok(under, "the name cell is on top of the scrolled columns");
    await scroller.evaluate((el) => { el.scrollLeft = 0; });
    // A value's tooltip stays inside the visible part of the box, its links reachable.
    const value = page.locator('table.models tbody td[data-col="params_total"] .sv-value').first();
    await value.focus();
    const tip = page.locator("#models-tip");
    await tip.waitFor({ state: "visible" });
    const [t, b] = [await tip.boundingBox(), await page.locator(".models-scroll").boundingBox()];
    assert.ok(t.x >= b.x && t.x + t.width <= b.x + b.width + 1, `tooltip ${JSON.stringify(t)} inside ${JSON.stringify(b)}`);
    // So does a tooltip in the comparison's last column.
    await page.goto(at(SITE, "/models?pin=llama-4-scout,gemma-3-27b"));
    await page.getByTestId("compare").waitFor();
    const last = page.locator('[data-testid="compare"] tr[data-col="release"] .sv-value').last();
    await last.scrollIntoViewIfNeeded();
    await last.focus();
    const ctip = page.locator('[data-testid="compare"] .sv-tip');
    await ctip.waitFor({ state: "visible" });
    const [ct, cb] = [await ctip.boundingBox(), await page.locator('[data-testid="compare"] .table-scroll').boundingBox()];
    assert.ok(ct.x >= cb.x && ct.x + ct.width <= cb.x + cb.width + 1, `tooltip ${JSON.stringify(ct)} inside ${JSON.stringify(cb)}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a 1280 px laptop screen the default columns fit, headings wrapping with their sort arrow", async () => {
  const { context, page, errors } = await openModels("/models", { viewport: { width: 1280, height: 800 } });
  try {
    const box = page.locator(".models-scroll");
    const [scroll, client] = await box.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert.ok(scroll <= client, `the table is ${scroll}px wide in a ${client}px box`);
    // The prices, the last default columns, are on screen.
    const price = await page.locator('table.models thead th[data-col="price_out"]').boundingBox();
    assert.ok(price && price.x + price.width <= 1280, `output price heading at ${JSON.stringify(price)}`);
    // A heading that wraps keeps its arrow beside its last word, not on a line of its own.
    const header = page.locator('th[data-col="bench:hle"]');
    await header.getByRole("button").click();
    await page.waitForFunction(() => document.querySelector('th[data-col="bench:hle"] .arrow').textContent !== "");
    const [arrow, text] = await header.evaluate((th) => {
      const sort = th.querySelector(".sort");
      const range = document.createRange();
      range.selectNodeContents(sort.firstChild);
      const lines = [...range.getClientRects()].map((r) => ({ top: r.top, bottom: r.bottom }));
      const a = th.querySelector(".arrow").getBoundingClientRect();
      return [{ top: a.top, bottom: a.bottom }, { heading: sort.firstChild.textContent, lines }];
    });
    assert.equal(text.heading, "Humanity's Last Exam");
    const tops = [...new Set(text.lines.map((r) => Math.round(r.top)))];
    assert.ok(tops.length >= 2, `the heading wraps: ${JSON.stringify(text.lines)}`);
    const lastLine = text.lines.reduce((a, b) => (b.top > a.top ? b : a));
    assert.ok(
      arrow.top < lastLine.bottom && arrow.bottom > lastLine.top,
      `the arrow ${JSON.stringify(arrow)} sits on the heading's last line ${JSON.stringify(lastLine)}`,
    );
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a tooltip on the last rows opens above its value, inside the table's box, which ends at its rows", async () => {
  const { context, page, errors } = await openModels();
  try {
    const box = page.locator(".models-scroll");
    const table = page.getByTestId("models-table");
    const [b, t] = [await box.boundingBox(), await table.boundingBox()];
    // No blank band under a full page of rows (only the border and a horizontal scroll bar).
    assert.ok(b.y + b.height - (t.y + t.height) < 24, `box ${JSON.stringify(b)} ends at table ${JSON.stringify(t)}`);
    const tip = page.locator("#models-tip");
    // Columns every row of the first page has (a closed model has no parameter count).
    for (const col of ["release", "context"]) {
      const value = page.locator(`table.models tbody tr:last-child td[data-col="${col}"] .sv-value`);
      await value.focus();
      await tip.waitFor({ state: "visible" });
      const [v, p, b] = [await value.boundingBox(), await tip.boundingBox(), await box.boundingBox()];
      assert.ok(p.y + p.height <= v.y + 1, `${col}: tooltip ${JSON.stringify(p)} above its value ${JSON.stringify(v)}`);
      assert.ok(p.y >= b.y && p.y + p.height <= b.y + b.height, `${col}: tooltip ${JSON.stringify(p)} inside ${JSON.stringify(b)}`);
      await page.keyboard.press("Escape");
    }
    // The first row's tooltip still opens below its value.
    const first = page.locator('table.models tbody tr:first-child td[data-col="context"] .sv-value');
    await first.focus();
    await tip.waitFor({ state: "visible" });
    const [v, p] = [await first.boundingBox(), await tip.boundingBox()];
    assert.ok(p.y >= v.y + v.height - 1, `tooltip ${JSON.stringify(p)} below its value ${JSON.stringify(v)}`);
    // A table of a few rows keeps room below them, so its tooltips stay inside the box too.
    await page.goto(at(SITE, "/models?q=Gemma%203%2027B"));
    await appReady(page);
    await page.waitForFunction(() => document.querySelectorAll("table.models tbody tr").length === 1);
    const only = page.locator('table.models tbody td[data-col="params_total"] .sv-value').first();
    await only.focus();
    await tip.waitFor({ state: "visible" });
    const [b1, p1] = [await box.boundingBox(), await tip.boundingBox()];
    assert.ok(p1.y + p1.height <= b1.y + b1.height, `tooltip ${JSON.stringify(p1)} inside ${JSON.stringify(b1)}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
