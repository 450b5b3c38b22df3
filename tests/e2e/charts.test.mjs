// The calculators and their charts as a reader and a blogger use them: inputs change the plotted
// data, the break-even marker follows prices, downloads are real files, and the embed page works
// in a sandboxed iframe on another origin and sizes its frame.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launch, openPage, at, appReady, fetchData, currentPrices, retiredBy, startsAfter, SITE } from "./lib.mjs";

const HOST = process.env.ATLAS_HOST_URL;

let browser;
before(async () => {
  browser = await launch({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

/// The option ECharts is drawing for a chart, as the page holds it.
function option(page, slug) {
  return page.evaluate((slug) => {
    const el = document.querySelector(`.echart[data-chart="${slug}"]`);
    const chart = el && window.echarts.getInstanceByDom(el);
    return chart ? JSON.parse(JSON.stringify(chart.getOption())) : null;
  }, slug);
}

/// The texts a chart draws and does not hide (point and axis labels, legend names), with their
/// boxes on the page: those in `names`, and with `multiline` also every text of several lines.
async function drawnTexts(page, slug, { names = [], multiline = false } = {}) {
  return page.evaluate(
    ({ slug, names, multiline }) => {
      const chart = window.echarts.getInstanceByDom(document.querySelector(`.echart[data-chart="${slug}"]`));
      const out = [];
      chart.getZr().storage.traverse((el) => {
        // A point's label is its element's text content; an axis label or a legend name is a
        // text of its own.
        const text = el.type === "text" ? el : el.getTextContent?.();
        const t = text?.style.text;
        if (!text || text.ignore || text.invisible || !(names.includes(t) || (multiline && t?.includes("\n")))) return;
        const r = text.getBoundingRect().clone();
        r.applyTransform(text.getComputedTransform());
        out.push({ name: t, x: r.x, y: r.y, w: r.width, h: r.height });
      });
      return out;
    },
    { slug, names: [...new Set(names)], multiline },
  );
}

/// Fails if two of the boxes overlap.
function assertApart(slug, boxes) {
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.x + a.w <= b.x + 1 || b.x + b.w <= a.x + 1 || a.y + a.h <= b.y + 1 || b.y + b.h <= a.y + 1;
      assert.ok(apart, `${slug}: "${a.name}" and "${b.name}" overlap`);
    }
  }
}

/// The chart's width and its (first) plot's box.
async function plotBox(page, slug) {
  return page.evaluate((slug) => {
    const chart = window.echarts.getInstanceByDom(document.querySelector(`.echart[data-chart="${slug}"]`));
    const { x, y, width, height } = chart.getModel().getComponent("grid").coordinateSystem.getRect();
    return { chartWidth: chart.getWidth(), x, y, width, height };
  }, slug);
}

/// The model names a chart draws (its point labels that are not hidden), with their boxes; it
/// fails if two overlap. A box is at least the labels' 10-pixel font tall, whatever ECharts
/// measures.
async function drawnLabels(page, slug, names, min = 6) {
  const labels = (await drawnTexts(page, slug, { names })).map((l) => ({ ...l, h: Math.max(l.h, 10) }));
  assert.ok(labels.length >= min, `${slug}: ${labels.length} names drawn`);
  assertApart(slug, labels);
  return labels;
}

async function waitForChart(page, slug) {
  await page.waitForFunction((slug) => {
    const el = document.querySelector(`.echart[data-chart="${slug}"]`);
    return el && window.echarts && window.echarts.getInstanceByDom(el);
  }, slug);
}

/// The requests for ECharts the context makes from now on (a live list).
function echartsFetches(context) {
  const fetched = [];
  context.on("request", (r) => {
    if (r.url().endsWith("/echarts.min.js")) fetched.push(r.url());
  });
  return fetched;
}

/// Polls a chart's option until `until(option)` holds, and returns that option.
async function waitForOption(page, slug, until, timeout = 10_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const opt = await option(page, slug);
    if (opt && until(opt)) return opt;
    if (Date.now() > end) throw new Error(`the ${slug} chart did not change within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const selfHostSeries = (opt) => opt.series.find((s) => / on \d+× /.test(s.name));
// The volumes of the break-even dots (a scatter series of points {value: [volume, cost], name}).
const breakEvens = (opt) =>
  opt.series.filter((s) => s.name === "Break-even").flatMap((s) => s.data.map((d) => d.value[0]));

test("changing a cost input changes the plotted data, and the break-even follows the price", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/costs?hw=nvidia-h100-sxm&buy=0&w=700&usdh=2&api=claude-opus-4-5"));
    await appReady(page);
    await waitForChart(page, "cost-vs-volume");
    const before = await option(page, "cost-vs-volume");
    const ownBefore = selfHostSeries(before).data;
    const [markBefore] = breakEvens(before);
    assert.ok(markBefore > 0, "a break-even marker is drawn");

    // Double the cloud price: the self-hosting line and the break-even volume both double.
    await page.getByTestId("sh-usdh").fill("4");
    await page.getByTestId("sh-usdh").press("Enter");
    await page.waitForURL(/usdh=4/);
    const after = await waitForOption(page, "cost-vs-volume", (opt) => {
      const marks = breakEvens(opt);
      return marks.length > 0 && marks[0] !== markBefore;
    });
    const [markAfter] = breakEvens(after);
    assert.ok(Math.abs(markAfter / markBefore - 2) < 0.05, `break-even moved from ${markBefore} to ${markAfter}`);
    const ownAfter = selfHostSeries(after).data;
    assert.notDeepEqual(ownAfter, ownBefore);

    // The workload slider moves the plotted volume range.
    const xMin = after.xAxis[0].min;
    await page.getByTestId("tokens").fill("1000000000");
    await page.getByTestId("tokens").press("Enter");
    await page.waitForURL(/tok=1000000000/);
    await waitForOption(page, "cost-vs-volume", (opt) => opt.xAxis[0].min !== xMin);
    assert.match(await page.getByTestId("cost-summary").innerText(), /At 1B tokens a month/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a number outside its range is refused with the reason, and the last value is kept", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    // A link with absurd values keeps the defaults (it once showed "$inf/M" and 300 digits).
    await page.goto(at(SITE, "/costs?tok=1e300&w=1e300&kwh=1e300&months=1e-300"));
    await appReady(page);
    const summary = page.getByTestId("cost-summary");
    await summary.waitFor();
    assert.match(await summary.innerText(), /At 10M tokens a month/);
    assert.doesNotMatch(await page.locator("main").innerText(), /inf\b|NaN|\d{17}/);

    const tokens = page.getByTestId("tokens");
    await tokens.fill("2e15");
    await tokens.press("Enter");
    const error = page.getByTestId("tokens-error");
    await error.waitFor();
    assert.match(await error.innerText(), /At most 1,000,000,000,000,000; the last value is kept/);
    assert.equal(await tokens.getAttribute("aria-invalid"), "true");
    assert.equal(await tokens.getAttribute("aria-describedby"), "tokens-error");
    assert.equal(await tokens.inputValue(), "2e15", "what was typed stays in the field");
    assert.doesNotMatch(page.url(), /tok=2e15/);
    assert.match(await summary.innerText(), /At 10M tokens a month/);

    // Utilization below its floor: refused the same way.
    const util = page.getByTestId("sh-util");
    await util.fill("0.001");
    await util.press("Enter");
    assert.match(await page.getByTestId("sh-util-error").innerText(), /At least 0\.01/);
    assert.doesNotMatch(page.url(), /util=0\.001/);

    // A number in range is taken, and the message goes.
    await tokens.fill("1000000000");
    await tokens.press("Enter");
    await page.waitForURL(/tok=1000000000/);
    assert.equal(await error.count(), 0);
    assert.equal(await tokens.getAttribute("aria-invalid"), null);
    assert.match(await summary.innerText(), /At 1B tokens a month/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a device measured on the demo page becomes a self-hosting option", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const measured = { adapter: "Test GPU", decode_tok_s: 42.5, device_read_gb_s: 123.4, date: "2026-11-24T06:00:00Z" };
    await context.addInitScript((m) => localStorage.setItem("atlas-device-bench", JSON.stringify(m)), measured);
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    const panel = page.getByTestId("this-device");
    assert.match(await panel.innerText(), /Test GPU: 123\.4 GB\/s read, 42\.5 tokens\/s/);
    await panel.getByTestId("use-this-device").click();
    await page.waitForURL(/hw=this-device/);
    assert.match(page.url(), /dgbs=123\.4/);
    assert.equal(await page.getByTestId("sh-hardware").inputValue(), "this-device");
    await page.waitForFunction(() => {
      const o = window.echarts.getInstanceByDom(document.querySelector('.echart[data-chart="cost-vs-volume"]')).getOption();
      return o.series.some((s) => /this device \(measured\)/.test(s.name));
    });
    assert.match(await page.getByTestId("cost-summary").innerText(), /this device \(measured\)/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the price and quality charts plot the dataset's numbers", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const prices = await (await fetch(at(SITE, "/data/prices.json"))).json();
    await page.goto(at(SITE, "/costs?api=gpt-4o"));
    await appReady(page);
    await waitForChart(page, "prices");
    const opt = await option(page, "prices");
    const gpt4o = prices.filter((p) => p.model === "gpt-4o").sort((a, b) => (a.as_of < b.as_of ? 1 : -1))[0];
    assert.ok(opt.series[0].data.includes(gpt4o.input_usd_per_mtok), "input price plotted");
    assert.ok(opt.series[1].data.includes(gpt4o.output_usd_per_mtok), "output price plotted");
    // Ticking another API adds its bars.
    await page.locator('input[data-id="claude-haiku-4-5"]').check();
    await page.waitForURL(/api=gpt-4o,claude-haiku-4-5/);
    await page.waitForFunction(() =>
      window.echarts.getInstanceByDom(document.querySelector('.echart[data-chart="prices"]')).getOption().yAxis[0].data.some((l) => /Claude Haiku 4\.5/.test(l)),
    );
    await waitForChart(page, "quality-vs-price");
    await page.getByTestId("quality-benchmark").selectOption("mmlu_pro");
    await page.waitForURL(/bench=mmlu_pro/);
    const q = await option(page, "quality-vs-price");
    assert.match(q.yAxis[0].name, /MMLU-Pro/);
    assert.ok(q.series[0].data.length > 1);
    // The names it draws do not overlap, and the models on the frontier are among them.
    const named = await drawnLabels(page, "quality-vs-price", q.series[0].data.map((d) => d.name));
    const frontier = q.series[0].data.filter((d) => d.symbolSize === 16).map((d) => d.name);
    assert.ok(frontier.length > 0 && frontier.some((n) => named.some((l) => l.name === n)), `${frontier}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a price announced for a later day is not charged before it starts", async () => {
  const { prices, meta } = await fetchData(["prices", "meta"]);
  const next = prices.find((p) => startsAfter(p, meta.date));
  assert.ok(next, "the dataset holds an announced price");
  const now = currentPrices(prices, meta.date).filter((p) => p.model === next.model);
  assert.ok(now.length > 0, `${next.model} has a price in force`);
  assert.ok(!now.some((p) => p.input_usd_per_mtok === next.input_usd_per_mtok), "the announced price differs from the current ones");
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, `/costs?api=${next.model}`));
    await appReady(page);
    await waitForChart(page, "prices");
    const input = (await option(page, "prices")).series[0].data;
    for (const p of now) assert.ok(input.includes(p.input_usd_per_mtok), `${p.input_usd_per_mtok} plotted`);
    assert.ok(!input.includes(next.input_usd_per_mtok), `the announced ${next.input_usd_per_mtok} is not plotted`);
    // The summary gives today's monthly cost and, apart, what it becomes on the announced day.
    const line = page.getByTestId("cost-summary").locator("dd").first();
    await line.waitFor();
    const text = await line.innerText();
    const day = next.starts.value;
    assert.match(text, new RegExp(`^\\$[\\d.,]+[KMB]? a month through ${next.provider}.*\\(\\$[\\d.,]+[KMB]? from ${day} through ${next.provider}, announced\\)`), text);
    // The volume chart draws both: today's price solid, the announced one dotted, named by its
    // day, and the announced line costs what the announced price charges (here at 3:1 input
    // to output, the page's default mix, with no cached input or reasoning).
    await waitForChart(page, "cost-vs-volume");
    const lines = (await option(page, "cost-vs-volume")).series.filter((s) => s.type === "line" && / API /.test(s.name));
    assert.equal(lines.length, 2, lines.map((l) => l.name).join(" | "));
    const [today, later] = lines;
    assert.doesNotMatch(today.name, /announced/);
    assert.notEqual(today.lineStyle?.type, "dotted");
    assert.match(later.name, new RegExp(`from ${day} \\(${next.provider}[^)]*, announced\\)$`));
    assert.equal(later.lineStyle.type, "dotted");
    const perMtok = (3 * next.input_usd_per_mtok + next.output_usd_per_mtok) / 4;
    for (const [tokens, usd] of later.data) {
      assert.ok(Math.abs(usd - (tokens / 1e6) * perMtok) < 1e-6 * usd, `${usd} at ${tokens} tokens`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the API list is grouped by vendor, filters as typed, keeps ticked APIs, and clears", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const { models, prices, meta } = await fetchData(["models", "prices", "meta"]);
    // A model is offered when some seller still sells it on the dataset's date.
    const sold = currentPrices(prices, meta.date);
    const priced = models.filter((m) => sold.some((p) => p.model === m.id));
    assert.ok(priced.length < models.filter((m) => prices.some((p) => p.model === m.id)).length, "some listed prices are retired");
    await page.goto(at(SITE, "/costs?api=gpt-4o"));
    await appReady(page);
    const list = page.locator("fieldset", { hasText: "APIs to compare" });
    const shown = () =>
      list.locator("label.check:visible input").evaluateAll((els) => els.map((e) => e.dataset.id).sort());
    // The list after typing: polled until two reads agree, since the filter applies as typed.
    const shownWhenSettled = async () => {
      let last = await shown();
      for (let i = 0; i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = await shown();
        if (JSON.stringify(now) === JSON.stringify(last) && now.length < priced.length) return now;
        last = now;
      }
      return last;
    };
    // The list renders once the dataset has loaded (all of it at once); on a busy machine that
    // can be after the app reports ready.
    await list.locator("label.check input").first().waitFor();
    // Every priced model once, under its vendor's heading.
    assert.deepEqual(await shown(), priced.map((m) => m.id).sort());
    // A model that every seller stops selling on one announced day, with nothing announced
    // after, says so in its label.
    const ending = priced.find((m) => {
      const now = sold.filter((p) => p.model === m.id);
      const days = new Set(now.map((p) => p.retired?.value));
      const [day] = days;
      return days.size === 1 && day !== undefined && !prices.some((p) => p.model === m.id && startsAfter(p, meta.date) && p.starts.value <= day);
    });
    assert.ok(ending, "the dataset has a model whose sellers all stop on an announced day");
    const day = sold.find((p) => p.model === ending.id).retired.value;
    assert.match(await list.locator(`label.check:has(input[data-id="${ending.id}"])`).innerText(), new RegExp(`\\(retires ${day}\\)`));
    for (const vendor of new Set(priced.map((m) => m.vendor))) {
      const group = list.getByRole("group", { name: vendor, exact: true });
      const ids = await group.locator("input").evaluateAll((els) => els.map((e) => e.dataset.id).sort());
      assert.deepEqual(ids, priced.filter((m) => m.vendor === vendor).map((m) => m.id).sort(), vendor);
    }
    await assert.doesNotReject(list.getByText("1 chosen").waitFor());
    // Typed words narrow the list; the ticked GPT-4o stays in view.
    const filter = list.getByRole("searchbox", { name: "Filter the APIs" });
    await filter.fill("qwen 32");
    const words = ["qwen", "32"];
    const expected = priced
      .filter((m) => words.every((w) => `${m.name} ${m.vendor}`.toLowerCase().includes(w)))
      .map((m) => m.id);
    assert.ok(expected.length >= 2, "the data has Qwen 32B models with prices");
    assert.deepEqual(await shownWhenSettled(), [...expected, "gpt-4o"].sort());
    // Ticking a filtered one adds it; nothing matching says so; Escape empties the filter.
    await list.locator(`input[data-id="${expected[0]}"]`).check();
    await page.waitForURL(new RegExp(`api=gpt-4o,${expected[0].replaceAll(".", "\\.")}`));
    await filter.fill("no such model");
    await assert.doesNotReject(list.getByText(/No APIs match “no such model”; the chosen ones stay listed/).waitFor());
    assert.deepEqual(await shownWhenSettled(), ["gpt-4o", expected[0]].sort());
    await filter.press("Escape");
    assert.equal(await filter.inputValue(), "");
    assert.equal((await shown()).length, priced.length);
    // The chosen ones are named above the scrolling boxes, in the order chosen; a name's
    // button removes it.
    const chosen = list.getByRole("list", { name: "Chosen APIs" });
    const name = (id) => priced.find((m) => m.id === id).name;
    assert.deepEqual(await chosen.getByRole("button").allInnerTexts(), [`${name("gpt-4o")} ×`, `${name(expected[0])} ×`]);
    await chosen.getByRole("button", { name: `Remove ${name(expected[0])}` }).click();
    await page.waitForURL(/api=gpt-4o(&|$)/);
    assert.equal(await list.locator(`input[data-id="${expected[0]}"]`).isChecked(), false);
    assert.deepEqual(await chosen.getByRole("button").allInnerTexts(), [`${name("gpt-4o")} ×`]);
    // Clear unticks them all, in the URL too.
    await list.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL(/api=(&|$)/);
    await assert.doesNotReject(list.getByText("none chosen").waitFor());
    assert.equal(await list.locator("input:checked").count(), 0);
    assert.equal(await chosen.getByRole("button").count(), 0);
    assert.ok(await list.getByRole("button", { name: "Clear" }).isDisabled());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("APIs in an old link that nothing sells now are named, with why, and left out of the charts", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const { models, prices, meta } = await fetchData(["models", "prices", "meta"]);
    // A model every price of which was retired by the dataset's date.
    const gone = models.find((m) => {
      const all = prices.filter((p) => p.model === m.id);
      return all.length > 0 && all.every((p) => retiredBy(p, meta.date));
    });
    const days = [...new Set(prices.filter((p) => p.model === gone.id).map((p) => `${p.provider} on ${p.retired.value}`))];
    await page.goto(at(SITE, `/costs?api=gpt-4o,${gone.id},gpt-9`));
    await appReady(page);
    const note = page.getByTestId("not-compared");
    await note.waitFor();
    const text = await note.innerText();
    assert.ok(text.includes(`${gone.name} is no longer sold: retired by ${days.sort().join(", ")}.`), text);
    assert.ok(text.includes("“gpt-9” is no model in the dataset."), text);
    // The API list counts only its own ticked boxes; Clear also drops the unlisted ids.
    const list = page.locator("fieldset", { hasText: "APIs to compare" });
    await assert.doesNotReject(list.getByText("1 chosen").waitFor());
    // Only GPT-4o is priced and plotted.
    const opt = await waitForOption(page, "prices", (o) => o.yAxis[0].data.length > 0);
    assert.ok(opt.yAxis[0].data.every((l) => /GPT-4o/.test(l)), opt.yAxis[0].data.join(", "));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("PNG, SVG and CSV downloads are valid files of the plotted data", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await waitForChart(page, "cost-vs-volume");
    const panel = page.getByTestId("chart-cost-vs-volume");
    const download = async (id) => {
      const [dl] = await Promise.all([page.waitForEvent("download"), panel.getByTestId(id).click()]);
      return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
    };
    const png = await download("png");
    assert.equal(png.name, "llm-atlas-cost-vs-volume.png");
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
    assert.ok(png.bytes.length > 5000, `PNG has content (${png.bytes.length} bytes)`);
    const svg = (await download("svg")).bytes.toString("utf8");
    assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.ok(svg.includes("<path"), "the SVG draws lines");
    // 960 px wide, its legend wrapped in full names, and taller than 540 px by the rows added.
    const [, w, h] = svg.match(/^<svg[^>]*?width="(\d+)"[^>]*?height="(\d+)"/);
    assert.equal(Number(w), 960);
    assert.ok(Number(h) > 540 && (Number(h) - 540) % 22 === 0, `SVG height ${h}`);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    const opt0 = await option(page, "cost-vs-volume");
    for (const name of new Set(opt0.series.map((s) => s.name))) assert.ok(texts.includes(name), `the SVG names ${name}`);
    const csv = (await download("csv")).bytes.toString("utf8").trim().split("\n");
    assert.equal(csv[0], "series,kind,tokens_per_month,usd_per_month");
    const opt = await option(page, "cost-vs-volume");
    const plotted = opt.series.reduce((n, s) => n + s.data.length, 0);
    assert.equal(csv.length - 1, plotted, "one CSV row per plotted point and marker");
    // The data table under the chart holds the same rows.
    await panel.locator("summary", { hasText: "Data table" }).click();
    assert.equal(await panel.getByTestId("chart-table").locator("tbody tr").count(), plotted);
    // Embed and cite offer the chart's address with its state.
    await panel.getByTestId("embed").click();
    const snippet = await panel.getByTestId("embed-code").inputValue();
    // The embed names every input, so a later release's other defaults do not change it.
    const src = snippet.match(/<iframe src="([^"]+)"/)[1];
    assert.match(src, /^http:\/\/127\.0\.0\.1:\d+\/embed\/cost-vs-volume\?/);
    const pinned = new URL(src).searchParams;
    for (const key of ["tok", "io", "api", "model", "q", "hw", "n", "buy", "months", "w", "kwh", "util", "bench"]) {
      assert.ok(pinned.get(key), `the embed pins ${key}: ${src}`);
    }
    const embed = await context.newPage();
    await embed.goto(src);
    await embed.waitForSelector('.echart[data-chart="cost-vs-volume"] canvas');
    const embedded = await waitForOption(embed, "cost-vs-volume", (o) => o.series.length > 0);
    assert.deepEqual(embedded.series.map((s) => s.name), opt.series.map((s) => s.name), "the embed draws the page's series");
    await embed.close();
    await panel.getByTestId("cite").click();
    assert.match(await panel.getByTestId("cite-text").inputValue(), /LLM Atlas, “Monthly cost against monthly volume”, http\S*\/embed\/cost-vs-volume\?\S*api=\S* \(dataset v/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the hardware page's memory chart and verdicts follow the inputs", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/hardware?m=gemma-3-27b"));
    await appReady(page);
    await waitForChart(page, "memory");
    const before = await option(page, "memory");
    assert.equal(before.series.length, 1);
    const markLines = before.series[0].markLine.data.map((d) => d.yAxis);
    assert.ok(markLines.includes(80) && markLines.includes(640) && markLines.includes(32), `capacity lines: ${markLines}`);
    await page.getByTestId("ctx").fill("131072");
    await page.getByTestId("ctx").press("Enter");
    await page.waitForURL(/ctx=131072/);
    const after = await waitForOption(page, "memory", (o) => o.series[0].data[0] !== before.series[0].data[0]);
    assert.ok(after.series[0].data[0] > before.series[0].data[0], "a longer context needs more memory");
    const verdicts = page.getByTestId("verdicts-gemma-3-27b");
    assert.equal(await verdicts.locator("tbody tr").count(), 7);
    assert.match(await verdicts.innerText(), /fits/);
    // The embed carries every input, the defaults too (the KV cache type, the setups).
    const panel = page.getByTestId("chart-memory");
    await panel.getByTestId("embed").click();
    const src = (await panel.getByTestId("embed-code").inputValue()).match(/<iframe src="([^"]+)"/)[1];
    const pinned = new URL(src).searchParams;
    assert.equal(pinned.get("m"), "gemma-3-27b");
    assert.equal(pinned.get("ctx"), "131072");
    for (const key of ["kv", "seq", "gpus", "ram"]) assert.ok(pinned.get(key), `the embed pins ${key}: ${src}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the hardware pickers group the devices by kind, and choosing a unified-memory machine sets the URL", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const { hardware } = await fetchData(["hardware"]);
    await page.goto(at(SITE, "/hardware?m=gemma-3-27b"));
    await appReady(page);
    const select = page.getByLabel("Setup 1 hardware");
    const groups = await select.evaluate((s) =>
      [...s.querySelectorAll("optgroup")].map((g) => [g.label, [...g.querySelectorAll("option")].map((o) => o.value)]),
    );
    assert.deepEqual(
      groups.map(([label]) => label),
      ["Data-centre GPUs", "Graphics cards", "Apple silicon", "Other unified-memory machines"],
    );
    assert.deepEqual(groups.flatMap(([, ids]) => ids).sort(), hardware.map((h) => h.id).sort(), "every device once");
    const kinds = { "Data-centre GPUs": "datacenter_gpu", "Graphics cards": "consumer_gpu", "Apple silicon": "apple_silicon", "Other unified-memory machines": "unified_memory" };
    for (const [label, ids] of groups) {
      for (const id of ids) assert.equal(hardware.find((h) => h.id === id).kind, kinds[label], `${id} under ${label}`);
    }
    await select.selectOption("nvidia-dgx-spark");
    await page.waitForURL(/nvidia-dgx-spark/);
    assert.equal(await select.inputValue(), "nvidia-dgx-spark");
    // Several such machines are a cluster, and the setup says so; several cards are not.
    assert.equal(await page.locator(".setup-note").count(), 0);
    const devices = page.getByLabel("Setup 1 devices");
    await devices.fill("2");
    await devices.press("Enter");
    await devices.blur();
    const note = page.getByTestId("setup-0-cluster");
    await note.waitFor();
    assert.match(await note.innerText(), /^2 machines, each a whole computer: .*network cluster/);
    assert.equal(await page.locator(".setup-note").count(), 1, "only the DGX Spark setup has the note");
    // The costs page's self-hosting picker is grouped the same way.
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    const costGroups = await page.getByTestId("sh-hardware").evaluate((s) => [...s.querySelectorAll("optgroup")].map((g) => g.label));
    assert.deepEqual(costGroups, groups.map(([label]) => label));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a model without a KV layout on the hardware page gets its weights drawn and lower-bound verdicts, said as such", async () => {
  const models = await (await fetch(at(SITE, "/data/models.json"))).json();
  // An open model with a size whose head size the data lacks (DeepSeek-V4 at this writing).
  const m = models.find((m) => m.open_weights && m.params_total_b && m.architecture?.layers && !m.architecture?.head_dim && !m.architecture?.kv_lora_rank);
  assert.ok(m, "such a model");
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, `/hardware?m=${m.id}`));
    await appReady(page);
    await waitForChart(page, "memory");
    const o = await option(page, "memory");
    assert.equal(o.series.length, 1);
    assert.equal(o.series[0].name, `${m.name} (no KV cache)`);
    // Q8_0's bar: the weights at 8.5 bits (the method's figure) and overhead, nothing for a cache.
    const weights = (m.params_total_b.value * 8.5) / 8;
    assert.ok(o.series[0].data[1] > weights && o.series[0].data[1] < weights * 1.2, `${o.series[0].data[1]} vs ${weights}`);
    const notice = page.getByTestId(`kv-unknown-${m.id}`);
    assert.match(await notice.innerText(), /lacks its [^,]+, so its KV cache is not counted.*a lower bound/);
    const verdicts = page.getByTestId(`verdicts-${m.id}`);
    assert.equal(await verdicts.locator("tbody tr").count(), 7);
    for (const t of await verdicts.locator("tbody td").allInnerTexts()) {
      assert.match(t, /^(weights fit \(|needs offload \(≥ |won't run \(≥ )/);
    }
    assert.equal(await page.getByText("cannot estimate").count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a phone each calculator's results are a link away from its first field, by mouse or keyboard; beside the inputs there is no link", async () => {
  const { context, page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    for (const [path, heading] of [["/costs", /^At .* tokens a month$/], ["/hardware", /^Memory needed by quantization$/]]) {
      await page.goto(at(SITE, path));
      await appReady(page);
      const results = page.locator("#results");
      await results.getByRole("heading", { name: heading }).first().waitFor();
      const link = page.getByTestId("jump-to-results");
      assert.ok(await link.isVisible(), `${path}: the link shows`);
      const before = await results.boundingBox();
      assert.ok(before.y > 844, `${path}: the results start below the first screen (${before.y} px)`);
      if (path === "/costs") {
        await link.click();
      } else {
        await link.focus();
        await page.keyboard.press("Enter");
      }
      await page.waitForFunction(() => document.activeElement?.id === "results");
      const after = await results.boundingBox();
      assert.ok(Math.abs(after.y) < 40, `${path}: the results are at the top of the screen (${after.y} px)`);
      // Tab goes on from the results, not from the link.
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => document.getElementById("results").contains(document.activeElement)));
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    assert.ok(await page.getByTestId("jump-to-results").isHidden(), "no link beside the inputs");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a phone the table of what each setup runs keeps the model names and the setups in view as it scrolls", async () => {
  const { context, page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(at(SITE, "/hardware"));
    await appReady(page);
    const table = page.getByTestId("runs-on");
    await table.waitFor();
    const box = page.locator(".verdicts:has(table.runs-on)");
    await box.scrollIntoViewIfNeeded();
    const frame = await box.boundingBox();
    assert.ok(frame.height <= 0.8 * 844 + 1, `the box is at most most of a screen tall (${frame.height} px)`);
    const lastHead = table.locator("thead th").last();
    const scrolled = await box.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
      el.scrollTop = el.scrollHeight / 2;
      return { left: el.scrollLeft, top: el.scrollTop };
    });
    assert.ok(scrolled.left > 50 && scrolled.top > 200, `the box scrolls both ways (${JSON.stringify(scrolled)})`);
    // Across: the last setup is in view, and so are the names of the rows beside it.
    const head = await lastHead.boundingBox();
    assert.ok(head.x + head.width <= frame.x + frame.width + 1, "the last setup scrolled into view");
    const rowName = await table.locator("tbody tr").nth(60).locator("th").boundingBox();
    assert.ok(Math.abs(rowName.x - frame.x) <= 2, `row names stay at the left (${rowName.x} / ${frame.x})`);
    // Down: the headings stay at the box's top, above the rows.
    const model = await table.locator("thead th").first().boundingBox();
    assert.ok(Math.abs(model.y - frame.y) <= 2, `the headings stay at the top (${model.y} / ${frame.y})`);
    assert.ok(Math.abs(head.y - frame.y) <= 2);
    // What sits at the box's top left corner is the "Model" heading, not a row scrolled under it.
    const corner = await page.evaluate(({ x, y }) => document.elementFromPoint(x + 4, y + 4)?.closest("th")?.innerText, {
      x: frame.x,
      y: frame.y,
    });
    assert.equal(corner, "Model");
    // Mid-box at the left edge is a row's name, on top of the setups scrolled under it.
    const left = await page.evaluate(
      ({ x, y }) => document.elementFromPoint(x + 4, y)?.closest("th, td")?.getAttribute("scope"),
      { x: frame.x, y: frame.y + frame.height / 2 },
    );
    assert.equal(left, "row");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the hardware page lists what each setup runs, in agreement with the verdicts", async () => {
  const models = await (await fetch(at(SITE, "/data/models.json"))).json();
  const quants = ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K"];
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/hardware?m=gemma-3-27b"));
    await appReady(page);
    const table = page.getByTestId("runs-on");
    await table.waitFor();
    const rows = table.locator("tbody tr");
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.model));
    // Every open model with a size, from the JSON: none left out for lack of a KV layout.
    const sized = models.filter((m) => m.open_weights && m.params_total_b).map((m) => m.id);
    assert.deepEqual([...ids].sort(), [...sized].sort());
    // Those whose attention layout the data lacks are marked, and only those.
    const layoutless = models
      .filter((m) => sized.includes(m.id))
      .filter((m) => {
        const a = m.architecture ?? {};
        const mla = a.kv_lora_rank || a.qk_rope_head_dim;
        return !a.layers || (mla ? !(a.kv_lora_rank && a.qk_rope_head_dim) : !(a.kv_heads && a.head_dim));
      })
      .map((m) => m.id);
    assert.ok(layoutless.length > 0, "the dataset holds an open model without a KV layout");
    const marked = await table.locator("tr.kv-unknown").evaluateAll((trs) => trs.map((tr) => tr.dataset.model));
    assert.deepEqual(marked.sort(), layoutless.sort());
    assert.match(await table.locator(`tr[data-model="${layoutless[0]}"] th`).innerText(), /no KV cache/);
    const cellQuants = async (id) =>
      (await table.locator(`tr[data-model="${id}"] td`).allInnerTexts()).slice(1).map((t) => t.split(" · ")[0]);
    // Each setup's quantization is the first verdict row that says "fits" in that setup's column.
    const verdictRows = await page.getByTestId("verdicts-gemma-3-27b").locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText)),
    );
    const chosen = await cellQuants("gemma-3-27b");
    chosen.forEach((q, col) => {
      const first = verdictRows.findIndex((cells) => cells[col].startsWith("fits"));
      assert.equal(q, first < 0 ? "not even Q2_K" : quants[first], `setup ${col + 1}`);
    });
    // A longer context never buys a more precise quantization.
    await page.getByTestId("ctx").fill("131072");
    await page.getByTestId("ctx").press("Enter");
    await page.waitForURL(/ctx=131072/);
    await page.waitForFunction(
      (before) =>
        [...document.querySelectorAll('[data-testid="runs-on"] tr[data-model="gemma-3-27b"] td')]
          .slice(1)
          .map((td) => td.innerText.split(" · ")[0])
          .join() !== before.join(),
      chosen,
    );
    const rank = (q) => (q === "not even Q2_K" ? quants.length : quants.indexOf(q));
    const after = await cellQuants("gemma-3-27b");
    after.forEach((q, col) => {
      assert.ok(rank(q) >= 0, q);
      assert.ok(rank(q) >= rank(chosen[col]), `setup ${col + 1}: ${chosen[col]} -> ${q}`);
    });
    // A model's name opens its page.
    await table.locator('tr[data-model="gemma-3-27b"] th a').click();
    await page.getByRole("heading", { level: 1, name: "Gemma 3 27B" }).waitFor();
    // With no setup, the section says what to do.
    await page.goto(at(SITE, "/hardware?gpus="));
    await page.getByText("Add a GPU setup to see which models it runs.").waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("what each setup runs can be ordered by a benchmark and narrowed to what fits, naming each setup's best model", async () => {
  const models = await (await fetch(at(SITE, "/data/models.json"))).json();
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/hardware"));
    await appReady(page);
    const table = page.getByTestId("runs-on");
    await table.waitFor();
    const everyRow = await table.locator("tbody tr").count();
    assert.equal(await page.getByTestId("best-per-setup").count(), 0, "no best model when ordered by size");
    await page.getByTestId("rank").selectOption("gpqa_diamond");
    await page.waitForURL(/rank=gpqa_diamond/);
    await table.locator("thead th", { hasText: "GPQA Diamond" }).waitFor();
    // Rows: id, the score cell's text, and each setup's cell.
    const rows = () =>
      table.locator("tbody tr").evaluateAll((trs) =>
        trs.map((tr) => {
          const tds = [...tr.querySelectorAll("td")].map((td) => td.innerText.trim());
          return { id: tr.dataset.model, score: tds[1], setups: tds.slice(2) };
        }),
      );
    const ranked = await rows();
    assert.equal(ranked.length, everyRow);
    // The open models with a GPQA Diamond score come first, best first, as models.json has them.
    const scored = models
      .filter((m) => m.open_weights && m.params_total_b && m.benchmarks?.gpqa_diamond)
      .map((m) => m.benchmarks.gpqa_diamond.value)
      .sort((a, b) => b - a);
    assert.ok(scored.length >= 10);
    const shown = ranked.slice(0, scored.length).map((r) => Number.parseFloat(r.score));
    assert.deepEqual(shown, scored);
    assert.ok(ranked.slice(scored.length).every((r) => r.score === "—"), "the unscored follow");
    // Each setup's best model is the first scored row that setup holds.
    const items = await page.getByTestId("best-per-setup").locator("li").allInnerTexts();
    assert.equal(items.length, 3);
    const name = (id) => models.find((m) => m.id === id).name;
    items.forEach((text, i) => {
      const best = ranked.find((r) => r.score !== "—" && !r.setups[i].startsWith("not even"));
      assert.ok(best, `setup ${i + 1} runs a scored model`);
      assert.ok(text.includes(`: ${name(best.id)}, `), `${text} names ${name(best.id)}`);
      assert.ok(text.includes(`at ${best.setups[i].split(" · ")[0]}`), text);
      // Its cell in that setup's column, and no other, is marked best.
      const marked = ranked.filter((r) => / best$/.test(r.setups[i])).map((r) => r.id);
      assert.deepEqual(marked, [best.id], `setup ${i + 1}`);
    });
    // Only what fits: fewer rows, each held by some setup, in the same order.
    await page.getByTestId("fitting-only").check();
    await page.waitForURL(/fit=1/);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="runs-on"] tbody tr').length < n,
      everyRow,
    );
    const fitting = await rows();
    assert.ok(fitting.length > 0);
    assert.ok(fitting.every((r) => r.setups.some((c) => !c.startsWith("not even"))));
    assert.deepEqual(
      fitting.map((r) => r.id),
      ranked.filter((r) => r.setups.some((c) => !c.startsWith("not even"))).map((r) => r.id),
    );
    // A link keeps the view.
    await page.reload();
    await appReady(page);
    await table.locator("thead th", { hasText: "GPQA Diamond" }).waitFor();
    assert.equal(await page.getByTestId("rank").inputValue(), "gpqa_diamond");
    assert.ok(await page.getByTestId("fitting-only").isChecked());
    // Back to size: no score column, no best list, and the URL drops the order.
    await page.getByTestId("rank").selectOption("");
    await page.waitForURL((u) => !u.search.includes("rank="));
    await page.waitForFunction(() => !document.querySelector('[data-testid="best-per-setup"]'));
    assert.equal(await table.locator("thead th", { hasText: "GPQA Diamond" }).count(), 0);
    assert.equal(await table.locator("td.best-run").count(), 0, "ordered by size, nothing is best");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the quality-against-memory chart plots each scored open model at the chosen quantization, and embeds", async () => {
  const models = await (await fetch(at(SITE, "/data/models.json"))).json();
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/hardware?qb=swe_bench_verified&qq=Q8_0"));
    await appReady(page);
    await waitForChart(page, "quality-vs-memory");
    const o = await option(page, "quality-vs-memory");
    const byName = (name) => o.series.find((s) => s.name === name);
    const plotted = [...byName("Models").data, ...(byName("Weights only (KV layout unknown)")?.data ?? [])];
    // Every open model with a SWE-bench Verified score and a size, once, at its score.
    const expected = models.filter((m) => m.open_weights && m.params_total_b && m.benchmarks?.swe_bench_verified);
    assert.equal(plotted.length, expected.length);
    for (const m of expected) {
      const point = plotted.find((d) => d.name === m.name);
      assert.ok(point, `${m.name} is plotted`);
      assert.equal(point.value[1], m.benchmarks.swe_bench_verified.value);
    }
    assert.match(o.xAxis[0].name, /Q8_0/);
    assert.equal(o.yAxis[0].name, "SWE-bench Verified");
    // The line rises with memory, and no plotted model with a known cache beats it at its memory.
    const line = byName("Best within this memory").data;
    assert.ok(line.length >= 2);
    for (let i = 1; i < line.length; i++) {
      assert.ok(line[i][0] >= line[i - 1][0] && line[i][1] > line[i - 1][1], JSON.stringify(line));
    }
    for (const d of byName("Models").data) {
      const best = Math.max(...line.filter(([gb]) => gb <= d.value[0]).map(([, s]) => s));
      assert.ok(d.value[1] <= best, `${d.name} above the line`);
    }
    // No two model names drawn on the chart overlap (a label is at least its 10-pixel font
    // tall, whatever ECharts measures), and the models on the line keep theirs first.
    const labels = await drawnLabels(page, "quality-vs-memory", plotted.map((d) => d.name));
    const onLine = byName("Models").data.filter((d) => d.symbolSize === 16).map((d) => d.name);
    assert.ok(onLine.length >= 2 && onLine.some((n) => labels.some((l) => l.name === n)), `${onLine} named`);
    // The default setups are drawn as capacity lines.
    const capacities = byName("Models").markLine.data.map((d) => d.xAxis);
    assert.ok(capacities.includes(32) && capacities.includes(80) && capacities.includes(640), `${capacities}`);
    // A smaller quantization moves every model left.
    const gbBefore = Object.fromEntries(plotted.map((d) => [d.name, d.value[0]]));
    await page.getByTestId("quality-quant").selectOption("Q4_K_M");
    await page.waitForURL(/qq=Q4_K_M|^(?!.*qq=)/);
    const after = await waitForOption(page, "quality-vs-memory", (x) => /Q4_K_M/.test(x.xAxis[0].name));
    for (const d of after.series.find((s) => s.name === "Models").data) {
      assert.ok(d.value[0] < gbBefore[d.name], `${d.name}: ${d.value[0]} < ${gbBefore[d.name]}`);
    }
    // Another benchmark redraws it.
    await page.getByTestId("memory-quality-benchmark").selectOption("gpqa_diamond");
    await waitForOption(page, "quality-vs-memory", (x) => x.yAxis[0].name === "GPQA Diamond");
    // Its embed pins the chart's inputs and draws the same chart on its own.
    const panel = page.getByTestId("chart-quality-vs-memory");
    await panel.getByTestId("embed").click();
    const src = (await panel.getByTestId("embed-code").inputValue()).match(/<iframe src="([^"]+)"/)[1];
    const pinned = new URL(src).searchParams;
    assert.equal(pinned.get("qb"), "gpqa_diamond");
    assert.equal(pinned.get("qq"), "Q4_K_M");
    await page.goto(src);
    await waitForChart(page, "quality-vs-memory");
    assert.equal(await page.locator("h1.embed-title").innerText(), "GPQA Diamond against memory");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("an embed renders inside a sandboxed iframe on another origin and sizes its frame", { skip: !HOST && "ATLAS_HOST_URL is not set" }, async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const src = at(SITE, "/embed/cost-vs-volume?tok=1000000000&theme=dark");
    await page.goto(`${HOST}?src=${encodeURIComponent(src)}`);
    assert.notEqual(new URL(HOST).origin, new URL(SITE).origin);
    await page.waitForFunction(() => window.lastResize, null, { timeout: 30_000 });
    const frame = page.frames().find((f) => f.url().startsWith(src.split("?")[0]));
    assert.ok(frame, "the embed frame loaded");
    await frame.waitForSelector('.echart[data-chart="cost-vs-volume"] canvas');
    // The embed reports its height each time it changes (the chart grows by the rows its legend
    // wraps onto once drawn); the host's frame follows, until it holds the embed whole.
    let msg, own, frameHeight;
    for (const end = Date.now() + 10_000; ; ) {
      msg = await page.evaluate(() => window.lastResize);
      own = await frame.evaluate(() => document.querySelector('[data-testid="embed"]').scrollHeight + 16);
      frameHeight = await page.locator("iframe").evaluate((f) => f.getBoundingClientRect().height);
      if ((msg.height === own && Math.abs(frameHeight - own) < 2) || Date.now() > end) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(msg.chart, "cost-vs-volume");
    assert.equal(msg.height, own, "the last height reported is the embed's");
    assert.ok(msg.height > 300, `reported height ${msg.height}`);
    assert.ok(Math.abs(frameHeight - msg.height) < 2, `the host set the frame to the reported height (${frameHeight} / ${msg.height})`);
    assert.match(await frame.locator("h1").innerText(), /Monthly cost against monthly volume/);
    assert.equal(await frame.getAttribute("html", "data-theme"), "dark");
    assert.equal(await frame.locator(".site-header").count(), 0, "no site header in an embed");
    const back = await frame.getByRole("link", { name: "Open in LLM Atlas" }).getAttribute("href");
    assert.match(back, /\/costs\?.*tok=1000000000/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the models page charts a benchmark for the shown rows", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const fetched = echartsFetches(context);
    await page.goto(at(SITE, "/models?open=open"));
    await appReady(page);
    // The chart sits under a page of table rows: the library waits until the reader scrolls.
    await page.waitForLoadState("networkidle");
    assert.deepEqual(fetched, [], "ECharts fetched for a chart far below the viewport");
    assert.equal(await page.locator('.echart[data-chart="benchmarks"]').getAttribute("aria-busy"), "true");
    const waiting = await page.locator('.echart[data-chart="benchmarks"]').evaluate((el) => getComputedStyle(el, "::before").content);
    assert.equal(waiting, '"Loading the chart…"', "an empty chart box says it is loading");
    await page.locator('.echart[data-chart="benchmarks"]').scrollIntoViewIfNeeded();
    await waitForChart(page, "benchmarks");
    assert.equal(fetched.length, 1);
    const a = await option(page, "benchmarks");
    await page.getByTestId("chart-benchmark").selectOption("mmlu_pro");
    await page.waitForURL(/chart=mmlu_pro/);
    const b = await waitForOption(page, "benchmarks", (o) => /MMLU-Pro/.test(o.xAxis[0].name));
    assert.notDeepEqual(a.yAxis[0].data, b.yAxis[0].data);
    const models = await (await fetch(at(SITE, "/data/models.json"))).json();
    const closedNames = models.filter((m) => !m.open_weights).map((m) => m.name);
    assert.ok(b.yAxis[0].data.every((n) => !closedNames.includes(n)), "only the filtered (open) models are charted");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a chart follows its box when the window narrows, as on a phone turned or a split screen", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await waitForChart(page, "cost-vs-volume");
    const widths = () =>
      page.evaluate(() => {
        const el = document.querySelector('.echart[data-chart="cost-vs-volume"]');
        return { box: el.clientWidth, chart: window.echarts.getInstanceByDom(el).getWidth() };
      });
    const wide = await widths();
    assert.ok(Math.abs(wide.chart - wide.box) <= 1, `drawn ${wide.chart} px in a ${wide.box} px box`);
    await page.setViewportSize({ width: 600, height: 860 });
    await page.waitForFunction(() => {
      const el = document.querySelector('.echart[data-chart="cost-vs-volume"]');
      return Math.abs(window.echarts.getInstanceByDom(el).getWidth() - el.clientWidth) <= 1;
    });
    const narrow = await widths();
    assert.ok(narrow.box < wide.box - 100, `the box narrowed (${wide.box} -> ${narrow.box} px)`);
    assert.ok(Math.abs(narrow.chart - narrow.box) <= 1, `drawn ${narrow.chart} px in a ${narrow.box} px box`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a phone the volume axis reads in short counts that do not overlap", async () => {
  const { context, page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await waitForChart(page, "cost-vs-volume");
    // The default view spans 100 thousand to 1 billion tokens a month.
    const short = ["100K", "1M", "10M", "100M", "1B"];
    const long = ["100,000", "1,000,000", "10,000,000", "100,000,000", "1,000,000,000"];
    const drawn = await drawnLabels(page, "cost-vs-volume", short, 3);
    const y = drawn[0].y;
    assert.ok(drawn.every((l) => Math.abs(l.y - y) < 2), "all on the axis line");
    assert.deepEqual(await drawnLabels(page, "cost-vs-volume", long, 0), [], "no long volume is drawn");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a phone the price chart's names leave its bars room, each model over its seller", async () => {
  const { context, page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await waitForChart(page, "prices");
    const plot = await plotBox(page, "prices");
    const names = await drawnTexts(page, "prices", { multiline: true });
    assert.ok(plot.width >= 0.4 * plot.chartWidth, `bars get ${plot.width} of ${plot.chartWidth} px`);
    const opt = await option(page, "prices");
    assert.equal(names.length, opt.yAxis[0].data.length, "every name drawn, on two lines");
    for (const n of names) {
      assert.ok(n.x >= 0 && n.x + n.w <= plot.x + 1, `${JSON.stringify(n.name)} fits left of the bars`);
      assert.ok(n.h >= 26, `${JSON.stringify(n.name)}: two lines apart (${n.h} px tall)`);
    }
    for (const [i, a] of names.entries()) {
      for (const b of names.slice(i + 1)) assert.ok(a.y + a.h <= b.y + 1 || b.y + b.h <= a.y + 1, `${a.name} and ${b.name} overlap`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/// A legend name without its parenthesised parts, as a crowded legend shows it.
function shortName(name) {
  let out = "";
  let depth = 0;
  for (const c of name) {
    if (c === "(") depth += 1;
    else if (c === ")" && depth > 0) depth -= 1;
    else if (depth === 0) out += c;
  }
  return out.split(/\s+/).filter(Boolean).join(" ") || name;
}

/// Every name is drawn once, above the plot and inside the chart, none over another.
async function assertLegendDrawn(page, slug, names, plot) {
  const drawn = await drawnTexts(page, slug, { names });
  assert.deepEqual(drawn.map((d) => d.name).sort(), [...names].sort(), "every name drawn once");
  for (const d of drawn) {
    assert.ok(d.y + d.h <= plot.y - 8, `${d.name} sits above the plot (${d.y + d.h} / ${plot.y})`);
    assert.ok(d.x >= 0 && d.x + d.w <= plot.chartWidth, `${d.name} is inside the chart (${d.x}, ${d.w})`);
  }
  assertApart(slug, drawn);
  return drawn;
}

/// Whether a series is hidden: one of the option's legends has its name unselected.
const seriesHidden = (opt, name) => opt.legend.some((l) => l.selected?.[name] === false);

/// Clicks a text the chart draws (a box from `drawnTexts`), as a reader clicks a legend name.
async function clickDrawn(page, slug, text) {
  const chart = page.locator(`.echart[data-chart="${slug}"]`);
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  await page.mouse.click(box.x + text.x + text.w / 2, box.y + text.y + text.h / 2);
}

test("the volume chart's legend shows every name above the plot: in full on a laptop, shortened on a phone, where the chart grows instead of its plot shrinking", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await waitForChart(page, "cost-vs-volume");
    const opt = await option(page, "cost-vs-volume");
    const names = [...new Set(opt.series.map((s) => s.name))];
    const plot = await plotBox(page, "cost-vs-volume");
    assert.ok(opt.legend.length > 1, `a ${plot.chartWidth} px chart wraps its legend onto rows`);
    assert.ok(opt.legend.every((l) => l.type === "plain"));
    await assertLegendDrawn(page, "cost-vs-volume", names, plot);
    // On a phone each full name is nearly as wide as the chart: the legend shows them without
    // their parenthesised parts (seller, tier, set-up), on more rows, and the chart grows by
    // them so the plot keeps its height.
    const laptopRows = opt.legend.length;
    await page.setViewportSize({ width: 390, height: 844 });
    const narrow = await waitForOption(page, "cost-vs-volume", (o) => o.legend.length > laptopRows);
    const short = names.map(shortName);
    assert.ok(short.some((n, i) => n !== names[i]), "some names are shortened");
    const phonePlot = await plotBox(page, "cost-vs-volume");
    const drawn = await assertLegendDrawn(page, "cost-vs-volume", short, phonePlot);
    assert.ok(Math.abs(phonePlot.height - plot.height) <= 1, `the plot keeps its height (${plot.height} -> ${phonePlot.height})`);
    // The legends' rows follow one another, 22 px apart, and the full names stay in the tooltip.
    assert.deepEqual(narrow.legend.map((l) => l.top), narrow.legend.map((_, i) => i * 22));
    assert.ok(narrow.legend.every((l) => l.tooltip?.show === true));
    // A name clicked in any row hides its series, and shows it again.
    const last = drawn.find((d) => d.name === short.at(-1));
    await clickDrawn(page, "cost-vs-volume", last);
    await waitForOption(page, "cost-vs-volume", (o) => seriesHidden(o, names.at(-1)));
    await clickDrawn(page, "cost-vs-volume", last);
    await waitForOption(page, "cost-vs-volume", (o) => !seriesHidden(o, names.at(-1)));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a keyboard hides and shows a chart's series by buttons that appear on focus and follow the legend", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    await waitForChart(page, "cost-vs-volume");
    const panel = page.getByTestId("chart-cost-vs-volume");
    const group = panel.getByRole("group", { name: "Show or hide the chart's series" });
    const buttons = group.getByRole("button");
    const names = [...new Set((await option(page, "cost-vs-volume")).series.map((s) => s.name))];
    assert.deepEqual(await buttons.allInnerTexts(), names, "a button a legend name");
    const box = async () => (await group.boundingBox()) ?? { width: 0, height: 0 };
    assert.ok((await box()).width <= 1, "out of sight until focused");
    // Tab reaches the buttons (from the chart's element before them), Space hides a series.
    const first = buttons.first();
    await first.focus();
    assert.ok((await box()).width > 100, "shown while it holds the focus");
    assert.equal(await first.getAttribute("aria-pressed"), "true");
    await page.keyboard.press("Space");
    await waitForOption(page, "cost-vs-volume", (o) => seriesHidden(o, names[0]));
    assert.equal(await first.getAttribute("aria-pressed"), "false");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.innerText), names[1], "Tab moves along the buttons");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await waitForOption(page, "cost-vs-volume", (o) => !seriesHidden(o, names[0]));
    assert.equal(await first.getAttribute("aria-pressed"), "true");
    // A click on the legend moves the button too; a narrower window keeps the series hidden.
    const name = names.at(-1);
    const [label] = await drawnTexts(page, "cost-vs-volume", { names: [name] });
    await clickDrawn(page, "cost-vs-volume", label);
    await waitForOption(page, "cost-vs-volume", (o) => seriesHidden(o, name));
    assert.equal(await buttons.last().getAttribute("aria-pressed"), "false");
    await page.setViewportSize({ width: 390, height: 844 });
    await waitForOption(page, "cost-vs-volume", (o) => o.legend.length > 3 && seriesHidden(o, name));
    assert.equal(await buttons.last().getAttribute("aria-pressed"), "false");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("ECharts is fetched once, by the first page that draws a chart, and never by pages without one", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const fetched = echartsFetches(context);
    for (const path of ["/", "/claims", "/models/gemma-3-270m", "/about"]) {
      await page.goto(at(SITE, path));
      await appReady(page);
      await page.waitForLoadState("networkidle");
    }
    assert.deepEqual(fetched, [], "pages without a chart fetched ECharts");
    // The costs page draws three charts from one load; moving on within the app loads nothing more.
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    for (const slug of ["cost-vs-volume", "prices", "quality-vs-price"]) await waitForChart(page, slug);
    assert.equal(fetched.length, 1, `fetched ${fetched.length} times`);
    await page.getByRole("link", { name: "Hardware", exact: true }).first().click();
    await waitForChart(page, "memory");
    assert.equal(fetched.length, 1, "a second page's chart reused the loaded library");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("when ECharts cannot be fetched, each chart says so and its data table still holds the numbers", async () => {
  const { context, page } = await openPage(browser);
  try {
    await context.route("**/echarts.min.js", (route) => route.abort());
    await page.goto(at(SITE, "/costs"));
    await appReady(page);
    const alerts = page.locator(".inline-error[role=alert]", { hasText: "The chart library did not load" });
    await alerts.first().waitFor();
    assert.equal(await alerts.count(), 3, "one message per chart");
    const table = page.locator("details", { hasText: "Data table" }).first();
    await table.locator("summary").click();
    assert.ok((await table.locator("tbody tr").count()) > 0, "the data table has rows");
    assert.equal(await page.locator(".echart canvas").count(), 0);
  } finally {
    await context.close();
  }
});
