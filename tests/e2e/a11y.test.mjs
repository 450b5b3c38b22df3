// Accessibility: axe-core (from npm) on every route, in the light and the dark theme, at desktop
// and phone widths. Any WCAG 2.x A or AA violation fails, with its rule, impact and elements.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launch, openPage, at, appReady, waitDemoState, waitDemoTokens, fetchData, currentPrices, startsAfter, SITE, DESKTOP, PHONE } from "./lib.mjs";

const ROUTES = [
  ["/", "main h1"],
  ["/models", "[data-testid=models-table], table"],
  ["/models/llama-4-maverick", "[data-testid=model-memory]"],
  ["/models/gpt-4o", "[data-testid=model-prices]"],
  // Prices all retired (the history open); a page with an announced retirement is added from
  // the data in `before`.
  ["/models/grok-4", "[data-testid=earlier-prices]"],
  ["/models/llama-4", "[data-testid=model-not-found]"],
  ["/costs", "[data-chart=cost-vs-volume]"],
  ["/hardware", "[data-chart=memory]"],
  ["/demo", "[data-testid=generate]"],
  ["/claims", "main h1"],
  ["/about", "main h1"],
  ["/embed/prices", "[data-chart=prices]"],
  ["/no/such/page", "main h1"],
];

let browser;
let axeSource;
before(async () => {
  browser = await launch();
  axeSource = await readFile("node_modules/axe-core/axe.min.js", "utf8");
  // A model whose current price has a retirement announced for after the dataset's date (its
  // page shows a warning badge): which one depends on the data, so it is read from it.
  const { prices, meta } = await fetchData(["prices", "meta"]);
  const announced = currentPrices(prices, meta.date).find((p) => p.retired !== undefined);
  assert.ok(announced, "the dataset has a price with an announced retirement");
  ROUTES.push([`/models/${announced.model}`, ".badge-warn"]);
  // A model with a price announced for a later day (its page lists it apart).
  const ahead = prices.find((p) => startsAfter(p, meta.date));
  assert.ok(ahead, "the dataset has a price announced for a later day");
  ROUTES.push([`/models/${ahead.model}`, "[data-testid=announced-prices]"]);
});
after(async () => {
  await browser?.close();
});

/// The WCAG A/AA violations on the page, one line each.
async function violations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    }),
  );
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(" ")).slice(0, 4).join(", ")}`,
  );
}

for (const colorScheme of ["light", "dark"]) {
  for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    test(`no WCAG A/AA violations on any route (${colorScheme}, ${label})`, async () => {
      const { context, page, errors } = await openPage(browser, { viewport, colorScheme });
      try {
        const found = [];
        for (const [path, ready] of ROUTES) {
          await page.goto(at(SITE, path));
          await appReady(page);
          await page.locator(ready).first().waitFor();
          for (const v of await violations(page)) found.push(`${path}: ${v}`);
        }
        assert.deepEqual(found, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
}

// Open states: the parts a reader opens (the models table's column chooser and a pinned
// comparison, a chart's embed and cite drawers, a number field refusing an entry, the list of
// sources with a source's values), and
// the demo's states (generating, stopped, a bad model file). Each step checks the page as it
// is at that moment with `check(label)`.
const waitState = (page, states, timeout = 180_000) => waitDemoState(page, states, timeout);

const OPENED = [
  ["/models", async (page, check) => {
    await page.locator("summary", { hasText: "Columns" }).click();
    await page.getByRole("checkbox").nth(1).check();
    await check("columns");
    const pins = page.locator("table.models tbody td.pin-col input");
    await pins.nth(0).check();
    await pins.nth(1).check();
    await page.getByTestId("compare").waitFor();
    await check("comparison");
  }],
  ["/models/gemma-3-27b", async (page, check) => {
    // The header's finder with its list open and an option highlighted, then with no match;
    // the model page's earlier prices and a value's source.
    const input = page.getByRole("combobox", { name: "Find a model" });
    await input.fill("llama");
    await page.getByRole("listbox", { name: "Models" }).waitFor();
    await input.press("ArrowDown");
    await check("finder open");
    await input.fill("zzz");
    await page.locator(".finder-empty").waitFor();
    await check("finder, no match");
    await input.press("Escape");
    await page.getByTestId("model-facts").locator("button.sv-value").first().focus();
    await check("source tooltip");
  }],
  ["/costs", async (page, check) => {
    const panel = page.locator(".chart-panel").first();
    await panel.getByTestId("embed").click();
    await panel.getByTestId("embed-code").waitFor();
    await panel.getByTestId("cite").click();
    await check("embed and cite");
    // A number field refusing an entry (its message under it), beside the chosen APIs' names.
    await page.getByTestId("tokens").fill("2e15");
    await page.getByTestId("tokens").press("Enter");
    await page.getByTestId("tokens-error").waitFor();
    await page.getByRole("list", { name: "Chosen APIs" }).getByRole("button").first().waitFor();
    await check("refused entry");
  }],
  ["/about", async (page, check) => {
    await page.locator(".source-list > summary").click();
    await page.getByTestId("source-row").first().waitFor();
    // A source's values, and a source marked as an address's target.
    await page.locator(".cited-by > summary").first().click();
    await page.evaluate(() => { location.hash = "#source-meta-llama4-card"; });
    await page.locator("tr.source-target").waitFor();
    await check("sources");
  }],
  ["/demo", async (page, check) => {
    await waitState(page, "idle");
    await page.getByTestId("prompt").fill("Once upon a time");
    await page.getByTestId("max-tokens").fill("64");
    await page.getByTestId("max-tokens").dispatchEvent("change");
    await page.getByTestId("generate").click();
    await waitDemoTokens(page, 2, 180_000);
    await check("generating");
    await page.getByTestId("stop").click();
    await waitState(page, ["stopped", "done"]);
    await check("stopped");
    // A file that is not a model: the error panel.
    await page.locator("details.demo-other summary").click();
    await page.getByTestId("file").setInputFiles({
      name: "not-a-model.gguf",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("NOPE".padEnd(4096, "x")),
    });
    await waitState(page, "error");
    await check("bad file");
  }],
];

for (const colorScheme of ["light", "dark"]) {
  test(`no WCAG A/AA violations with drawers and lists open and in the demo's states (${colorScheme})`, async () => {
    const { context, page, errors } = await openPage(browser, { colorScheme });
    try {
      const found = [];
      for (const [path, open] of OPENED) {
        await page.goto(at(SITE, path));
        await appReady(page);
        await open(page, async (label) => {
          for (const v of await violations(page)) found.push(`${path} (${label}): ${v}`);
        });
      }
      assert.deepEqual(found, []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
