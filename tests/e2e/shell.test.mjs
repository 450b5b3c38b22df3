// The app shell as a visitor meets it: every route, the theme toggle, deep links, the 404 page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, at, appReady, fetchData, screenshotPath, SITE, SUBPATH_SITE, DESKTOP, PHONE } from "./lib.mjs";

const ROUTES = [
  { path: "/", name: "overview", heading: /Choose a language model/, title: /LLM Atlas/ },
  { path: "/models", name: "models", heading: /^Models$/, title: /^Models · LLM Atlas$/ },
  { path: "/models/llama-4-maverick", name: "model", heading: /^Llama 4 Maverick$/, title: /^Llama 4 Maverick · LLM Atlas$/ },
  { path: "/costs", name: "costs", heading: /^Costs: API or your own hardware\?$/, title: /^Costs · LLM Atlas$/ },
  { path: "/hardware", name: "hardware", heading: /^Hardware: will it fit\?$/, title: /^Hardware · LLM Atlas$/ },
  { path: "/demo", name: "demo", heading: /On-device demo/, title: /On-device demo · LLM Atlas/ },
  { path: "/claims", name: "claims", heading: /^Claims checked$/, title: /^Claims checked · LLM Atlas$/ },
  { path: "/about", name: "about", heading: /About LLM Atlas/, title: /^About: method and sources · LLM Atlas$/ },
  { path: "/embed/prices", name: "embed", heading: null, title: /Embedded chart · LLM Atlas/ },
  { path: "/no/such/page", name: "404", heading: /Page not found/, title: /Page not found · LLM Atlas/ },
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`every route renders without console errors (${label}, ${viewport.width}px)`, async () => {
    const { context, page, errors } = await openPage(browser, { viewport });
    try {
      for (const route of ROUTES) {
        await page.goto(at(SITE, route.path));
        await appReady(page);
        if (route.heading) {
          await page.getByRole("heading", { level: 1, name: route.heading }).waitFor();
        } else {
          await page.getByTestId("embed").waitFor();
        }
        assert.match(await page.title(), route.title, `title of ${route.path}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${route.path} overflows horizontally by ${overflow}px at ${viewport.width}px`);
        await page.screenshot({ path: screenshotPath(`${route.name}-${label}`), fullPage: true });
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test("on phones from 360 px the header's six links take two rows, the same on every page, each a target a thumb can hit", async () => {
  for (const width of [360, 390]) {
    const { context, page, errors } = await openPage(browser, { viewport: { width, height: 800 } });
    try {
      let first;
      for (const path of ["/", "/models", "/hardware", "/demo", "/claims"]) {
        await page.goto(at(SITE, path));
        await appReady(page);
        const links = await page.locator(".site-nav a").evaluateAll((as) =>
          as.map((a) => {
            const r = a.getBoundingClientRect();
            return { text: a.innerText, x: Math.round(r.left), top: Math.round(r.top), right: r.right, w: r.width, h: r.height };
          }),
        );
        assert.equal(links.length, 6);
        const rows = new Set(links.map((l) => l.top));
        assert.equal(rows.size, 2, `${width} px, ${path}: links on ${rows.size} rows (${JSON.stringify(links)})`);
        for (const l of links) {
          assert.ok(l.right <= width, `${l.text} is on screen at ${width} px`);
          assert.ok(l.w >= 44 && l.h >= 32, `${l.text}: ${l.w} x ${l.h} px`);
        }
        // The current page's link is bold, and moves none of the others.
        const at_ = links.map(({ text, x, top }) => ({ text, x, top }));
        first ??= at_;
        assert.deepEqual(at_, first, `${width} px, ${path}: the links stay where they were`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("the overview counts what the dataset holds", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(SITE);
    await appReady(page);
    const json = async (name) => (await fetch(at(SITE, `/data/${name}.json`))).json();
    const [models, prices, hardware, claims, sources, benchmarks, meta] = await Promise.all(
      ["models", "prices", "hardware", "claims", "sources", "benchmarks", "meta"].map(json),
    );
    const glance = page.getByTestId("dataset-glance");
    await glance.waitFor();
    const count = async (id) => Number(await page.getByTestId(id).locator("strong").textContent());
    const open = models.filter((m) => m.open_weights).length;
    const scores = models.reduce((n, m) => n + Object.keys(m.benchmarks ?? {}).length, 0);
    assert.equal(await count("glance-models"), models.length);
    assert.match(await page.getByTestId("glance-models").textContent(), new RegExp(`${open} open weights, ${models.length - open} closed`));
    assert.equal(await count("glance-scores"), scores);
    assert.match(await page.getByTestId("glance-scores").textContent(), new RegExp(`on ${benchmarks.length} benchmarks`));
    assert.equal(await count("glance-prices"), prices.length);
    assert.equal(await count("glance-hardware"), hardware.length);
    assert.equal(await count("glance-claims"), claims.length);
    assert.equal(await count("glance-sources"), sources.length);
    assert.ok((await page.locator(".glance-note").first().textContent()).includes(`${meta.version} of ${meta.date}`));
    // The newest models, newest first (same day: by name), each opening its page.
    const day = (m) => m.release_date?.value;
    const newest = models
      .filter(day)
      .sort((a, b) => (day(a) === day(b) ? (a.name < b.name ? -1 : 1) : day(a) < day(b) ? 1 : -1))
      .slice(0, 8);
    const listed = page.getByTestId("newest-models").getByRole("link");
    assert.deepEqual(await listed.allInnerTexts(), newest.map((m) => m.name));
    await listed.first().click();
    await page.getByRole("heading", { level: 1, name: newest[0].name }).waitFor();
    await page.goBack();
    await glance.waitFor();
    // The table sorted newest first, with the release date shown.
    await page.getByRole("link", { name: "All models by release date" }).click();
    await page.getByTestId("models-table").waitFor();
    assert.equal(await page.locator("table.models thead th").nth(2).getAttribute("data-col"), "release");
    const first = await page.locator("table.models tbody th.model-name a").first().innerText();
    assert.equal(first, newest[0].name);
    await page.goBack();
    await glance.waitFor();
    // The fifth card leads to the claims.
    await page.locator(".cards").getByRole("link", { name: "Claims checked" }).click();
    await page.getByRole("heading", { level: 1, name: "Claims checked" }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the overview lists the latest price changes, announced ones first, as the prices say", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(SITE);
    await appReady(page);
    const { models, prices, meta } = await fetchData(["models", "prices", "meta"]);
    // The rule, from the data: a retired price, and the earliest later price of the same
    // model, seller and tier not retired by that day (later by the day it applies: an announced
    // price from its start; for a tier without one, such as an introductory price, the seller's
    // later price without a tier); an equal successor is no change.
    const sameSeller = (a, b) => a.model === b.model && a.provider === b.provider;
    const same = (a, b) => sameSeller(a, b) && (a.tier ?? "") === (b.tier ?? "");
    const parts = (p) => [p.input_usd_per_mtok, p.cached_input_usd_per_mtok ?? null, p.output_usd_per_mtok];
    const name = (id) => models.find((m) => m.id === id).name;
    const all = prices
      .filter((p) => p.retired)
      .map((p) => {
        const day = p.retired.value;
        const applies = (q) => q.starts?.value ?? q.as_of;
        const after = (match) =>
          prices
            .filter((q) => match(q) && applies(q) > p.as_of && !(q.retired && q.retired.value <= day))
            .sort((a, b) => (applies(a) < applies(b) ? -1 : 1))[0];
        const next = after((q) => same(p, q)) ?? (p.tier ? after((q) => sameSeller(p, q) && !q.tier) : undefined);
        return { p, day, next, name: name(p.model) };
      })
      .filter((c) => !c.next || parts(c.p).some((x, i) => x !== parts(c.next)[i]))
      .sort((a, b) => (a.day !== b.day ? (a.day < b.day ? 1 : -1) : a.name < b.name ? -1 : a.name > b.name ? 1 : a.p.provider < b.p.provider ? -1 : 1));
    // In lines: one seller's stops on one day (no price after them) share a line, which names
    // each model once; every other change is a line of its own.
    const lines = (list) => {
      const out = [];
      for (const c of list) {
        const key = c.next ? null : `${c.day}|${c.p.provider}|${c.day > meta.date}`;
        const line = key && out.find((l) => l.key === key);
        if (line) line.items.push(c);
        else out.push({ key, items: [c] });
      }
      return out;
    };
    // Up to four announced lines, the soonest first (a stable sort keeps a day's order by
    // name), then the latest made ones, eight in all.
    const announced = lines(all.filter((c) => c.day > meta.date).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))).slice(0, 4);
    const changes = [...announced, ...lines(all.filter((c) => c.day <= meta.date)).slice(0, 8 - announced.length)];
    assert.ok(announced.length > 0 && changes.length > announced.length, "the dataset has announced and made changes");
    const items = page.getByTestId("price-change");
    await items.first().waitFor();
    assert.equal(await items.count(), changes.length);
    for (const [i, { items: line }] of changes.entries()) {
      const [c] = line;
      const ids = [...new Set(line.map((d) => d.p.model))];
      const text = await items.nth(i).innerText();
      assert.ok(text.startsWith(c.name), `item ${i}: "${text}" names ${c.name} first`);
      for (const d of line) assert.ok(text.includes(d.name), `item ${i} names ${d.name}`);
      assert.equal(await items.nth(i).getAttribute("data-models"), ids.join(" "));
      assert.ok(text.includes(c.p.provider), `item ${i} names the seller ${c.p.provider}`);
      assert.ok(text.includes(c.day), `item ${i} gives the day ${c.day}`);
      assert.equal(/announced/.test(text), c.day > meta.date, `item ${i}: announced or not`);
      if (c.next) {
        assert.match(text, / → \$/, `item ${i} says what the price became`);
      } else {
        assert.match(text, ids.length > 1 ? /stop(ped|s) selling them/ : /stop(ped|s) selling it/, `item ${i} says the seller stops`);
        if (line.length > 1) assert.doesNotMatch(text, /\(was|\(now/, `item ${i} quotes no single price for several`);
      }
    }
    // What changed shows where it was read, on keyboard focus.
    const words = items.first().locator("button.sv-value").first();
    await words.focus();
    await items.first().locator('[role="tooltip"] a').first().waitFor();
    // The model's name opens its page, where the old price is history.
    const first = changes[0].items[0].name;
    await items.first().getByRole("link", { name: first, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: first }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the header navigates between sections and marks the current one", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(SITE);
    await appReady(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Costs" }).click();
    await page.getByRole("heading", { level: 1, name: "Costs" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/costs");
    assert.equal(await nav.getByRole("link", { name: "Costs" }).getAttribute("aria-current"), "page");
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: /Choose a language model/ }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the theme follows the system, toggles, and is remembered across reloads", async () => {
  const dark = await openPage(browser, { colorScheme: "dark" });
  try {
    await dark.page.goto(SITE);
    await appReady(dark.page);
    assert.equal(await dark.page.getAttribute("html", "data-theme"), "dark");
  } finally {
    await dark.context.close();
  }

  const { context, page, errors } = await openPage(browser, { colorScheme: "light" });
  try {
    await page.goto(at(SITE, "/about"));
    await appReady(page);
    const html = page.locator("html");
    assert.equal(await html.getAttribute("data-theme"), "light");
    const bgLight = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const toggle = page.getByTestId("theme-toggle");
    assert.equal(await toggle.getAttribute("aria-label"), "Switch to dark theme");
    await toggle.click();
    assert.equal(await html.getAttribute("data-theme"), "dark");
    const bgDark = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.notEqual(bgDark, bgLight, "the background colour changes with the theme");
    await page.reload();
    await appReady(page);
    assert.equal(await html.getAttribute("data-theme"), "dark", "the choice survives a reload");
    assert.equal(await page.getByTestId("theme-toggle").getAttribute("aria-label"), "Switch to light theme");
    // Keyboard: the toggle is a real button.
    await page.getByTestId("theme-toggle").focus();
    await page.keyboard.press("Enter");
    assert.equal(await html.getAttribute("data-theme"), "light");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a deep link survives a reload", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(at(SITE, "/hardware?gpu=h100"));
    await appReady(page);
    await page.getByRole("heading", { level: 1, name: "Hardware" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Hardware" }).waitFor();
    assert.equal(new URL(page.url()).search, "?gpu=h100");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the 404 page says so and links home", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const response = await page.goto(at(SITE, "/definitely-not-a-page"));
    assert.equal(response.status(), 404, "the static host answers an unknown path with 404.html");
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    assert.match(await page.getByTestId("not-found").innerText(), /\/definitely-not-a-page/);
    await page.getByRole("link", { name: "Go to the overview" }).click();
    await page.getByRole("heading", { level: 1, name: /Choose a language model/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the skip link moves keyboard focus to the content", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(SITE);
    await appReady(page);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(focused, "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("under a sub-path, links, deep links and reloads keep the prefix", { skip: !SUBPATH_SITE && "ATLAS_SUBPATH_URL is not set" }, async () => {
  const prefix = new URL(SUBPATH_SITE).pathname; // e.g. /atlas/
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(SUBPATH_SITE);
    await appReady(page);
    await page.getByRole("heading", { level: 1, name: /Choose a language model/ }).waitFor();
    const href = await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Models" }).getAttribute("href");
    assert.equal(href, `${prefix}models`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Models" }).click();
    await page.getByRole("heading", { level: 1, name: "Models" }).waitFor();
    assert.equal(new URL(page.url()).pathname, `${prefix}models`);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Models" }).waitFor();
    await page.goto(at(SUBPATH_SITE, "/nowhere"));
    await page.getByRole("link", { name: "Go to the overview" }).click();
    await page.getByRole("heading", { level: 1, name: /Choose a language model/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, prefix);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the app's WebAssembly needs no SIMD, so it loads in older browsers; only the demo's worker uses it", async () => {
  const { execFileSync } = await import("node:child_process");
  const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const html = await (await fetch(at(SITE, "/"))).text();
  const app = html.match(/["']([^"']*app-[0-9a-f]+_bg\.wasm)["']/)?.[1];
  assert.ok(app, "the page names the app's wasm");
  const dir = await mkdtemp(join(tmpdir(), "atlas-wasm-"));
  try {
    // binaryen's disassembler (the npm package the build's wasm-opt comes from) names every
    // SIMD value type and instruction with "v128" or a lane shape such as "f32x4".
    const simd = async (url) => {
      const file = join(dir, "m.wasm");
      await writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
      const text = execFileSync("node_modules/.bin/wasm-dis", [file], { encoding: "utf8", maxBuffer: 1 << 30 });
      return (text.match(/\bv128\b|\b[if](8x16|16x8|32x4|64x2)\./g) ?? []).length;
    };
    assert.equal(await simd(new URL(app, at(SITE, "/")).toString()), 0, "SIMD in the app's wasm");
    assert.ok((await simd(at(SITE, "/worker_bg.wasm"))) > 0, "the worker's CPU backend uses SIMD");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// Links carry the pages' state, so a link can hold anything: absurd numbers, unknown ids,
// control characters. Each page must open, keep its defaults for what it cannot use, and never
// word a figure as "NaN", "inf" or a run of hundreds of digits.
const HOSTILE_LINKS = [
  "/costs?tok=1e300&io=1e300&reason=1e300&kwh=1e300&w=1e300&price=1e300&usdh=1e300&ops=1e300",
  "/costs?tok=0.0000001&util=0.000001&eff=0.0000001&batch=1e9&months=1e-300&buy=1&n=64",
  "/costs?api=nope,,%20,gpt-4o&model=nope&hw=nope&q=zz&bench=nope&dgbs=1e300",
  "/hardware?ctx=10000000&seq=1024&gpus=nvidia-h100-sxm:64,nope:2,x:0&ram=1e308",
  "/hardware?m=deepseek-v4-pro,qwen3.5-397b-a17b&ctx=99999999999&seq=-1",
  "/models?q=%00%ff&sort=zzz&tmin=1e308&tmax=-5&amin=abc&cols=a,b&pin=x,y,z,w,v,u",
  "/models/gemma-3-270m?ctx=999999999999&q=zz",
  "/embed/cost-vs-volume?tok=1e300&w=1e300&kwh=1e300",
];

test("hostile links open their pages with readable figures", async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    for (const link of HOSTILE_LINKS) {
      await page.goto(at(SITE, link), { waitUntil: "networkidle" });
      await appReady(page);
      // Rendered from the dataset: each of these pages shows figures once it has loaded.
      await page.waitForFunction(() => /\d/.test(document.querySelector("main")?.innerText ?? ""));
      const text = await page.locator("main").innerText();
      const bad = text.match(/.{0,40}(NaN|Infinity|undefined|panicked|\binf\b|\d{17,}).{0,40}/);
      assert.equal(bad, null, `${link}: ${bad?.[0]}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

