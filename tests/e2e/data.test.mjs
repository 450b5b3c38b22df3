// The dataset as a reader meets it: the claims page, sources on focus, and the error panel when a
// served file is malformed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, at, appReady, SITE } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch({ webgpu: false });
});
after(async () => {
  await browser?.close();
});

test("the claims page lists every claim with a verdict and its sources", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const claims = await (await fetch(at(SITE, "/data/claims.json"))).json();
    await page.goto(at(SITE, "/claims"));
    await appReady(page);
    const list = page.getByTestId("claims");
    await list.waitFor();
    const items = list.locator(":scope > li");
    assert.equal(await items.count(), claims.length);
    const maverick = page.locator("#maverick-mmlu-pro-80-5");
    assert.match(await maverick.innerText(), /Llama 4 Maverick hits 80\.5 on MMLU Pro/);
    assert.match(await maverick.locator(".verdict").innerText(), /Confirmed|Wrong|Outdated|Unverifiable/);
    for (let i = 0; i < claims.length; i++) {
      const links = await items.nth(i).locator(".claim-sources a[target=_blank]").count();
      assert.ok(links >= 1, `claim ${claims[i].id} shows at least one source link`);
    }
    // Each source also leads to every value read from it, on the about page.
    await maverick.getByRole("link", { name: "every value from it" }).first().click();
    await page.getByRole("heading", { level: 1, name: "About LLM Atlas" }).waitFor();
    const id = claims.find((c) => c.id === "maverick-mmlu-pro-80-5").sources[0];
    assert.ok(page.url().endsWith(`/about#source-${id}`), page.url());
    const row = page.locator(`tr[data-source="${id}"]`);
    await row.getByTestId("cited-by").waitFor();
    assert.ok((await row.getByTestId("cited-by").innerText()).includes("Llama 4 Maverick hits 80.5 on MMLU Pro"));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a malformed data file shows the error panel with the path and reason", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const models = await (await fetch(at(SITE, "/data/models.json"))).json();
    const id = Object.keys(models[1].benchmarks)[0];
    models[1].benchmarks[id].value = -3;
    models[2].colour = "blue";
    await page.route("**/data/models.json", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(models) }),
    );
    await page.goto(at(SITE, "/claims"));
    await appReady(page);
    const panel = page.getByTestId("data-error");
    await panel.waitFor();
    const text = await panel.innerText();
    // Parsing stops at the first unknown field, with its precise path.
    assert.match(text, /models\[2\]\.colour: unknown field `colour`/);
    assert.equal(await page.getByTestId("claims").count(), 0, "no half-rendered data");
    // The shell still works: navigation is there and another page renders.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "About" }).click();
    await page.getByRole("heading", { level: 1, name: "About LLM Atlas" }).waitFor();

    // With only the out-of-range score left, validation names it.
    delete models[2].colour;
    await page.unroute("**/data/models.json");
    await page.route("**/data/models.json", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(models) }),
    );
    await page.goto(at(SITE, "/claims"));
    await panel.waitFor();
    assert.match(await panel.innerText(), new RegExp(`models\\[1\\]\\.benchmarks\\.${id}\\.value: -3 is below 0`));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a data file the server cannot find is reported, not a blank page", async () => {
  const { context, page } = await openPage(browser);
  try {
    await page.route("**/data/prices.json", (route) => route.fulfill({ status: 503, body: "unavailable" }));
    await page.goto(at(SITE, "/claims"));
    await appReady(page);
    const panel = page.getByTestId("data-error");
    await panel.waitFor();
    assert.match(await panel.innerText(), /data\/prices\.json: the server answered HTTP 503/);
  } finally {
    await context.close();
  }
});

test("the about page lists every source with the date read and how many values cite it", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/about"));
    await appReady(page);
    const sources = await (await fetch(at(SITE, "/data/sources.json"))).json();
    const models = await (await fetch(at(SITE, "/data/models.json"))).json();
    await page.locator(".source-list > summary").click();
    const rows = page.getByTestId("source-row");
    await rows.first().waitFor();
    assert.equal(await rows.count(), sources.length);
    // Count the Llama 4 model card's citations among the models (other files may cite it too).
    let inModels = 0;
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          if (k === "source" && x === "meta-llama4-card") inModels += 1;
          else walk(x);
        }
    };
    walk(models);
    const row = page.locator('[data-source="meta-llama4-card"]');
    const cited = Number(await row.getByTestId("source-cited").textContent());
    assert.ok(inModels > 0 && cited >= inModels, `cited ${cited}, in models.json ${inModels}`);
    const card = sources.find((s) => s.id === "meta-llama4-card");
    assert.equal(await row.getByRole("link").getAttribute("href"), card.url);
    assert.ok((await row.textContent()).includes(card.date_read));
    // Its values are listed in words, as many as it is cited for.
    await row.locator(".cited-by > summary").click();
    const values = await row.getByTestId("cited-by").locator("li").allInnerTexts();
    assert.equal(values.length, cited);
    assert.ok(values.includes("Llama 4 Maverick \u203a release date"), JSON.stringify(values));
    // A model's value links to the model's page; a claim does not.
    const value = row.getByTestId("cited-by").getByRole("link", { name: "Llama 4 Maverick \u203a release date" });
    await value.click();
    await page.getByRole("heading", { level: 1, name: "Llama 4 Maverick" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/models/llama-4-maverick");
    await page.goBack();
    await row.getByTestId("cited-by").waitFor({ state: "attached" });
    const claimItem = row.getByTestId("cited-by").locator("li", { hasText: "Claim \u201c" }).first();
    assert.equal(await claimItem.locator("a").count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

