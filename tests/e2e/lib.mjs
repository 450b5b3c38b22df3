// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, WebGPU on
// SwiftShader, console errors collected per page. `cargo xtask test` serves the built site and
// passes its address in ATLAS_URL (and a sub-path build in ATLAS_SUBPATH_URL).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const SITE = must("ATLAS_URL");
export const SUBPATH_SITE = process.env.ATLAS_SUBPATH_URL;
export const SCREENSHOTS = process.env.ATLAS_SCREENSHOTS ?? "target/screenshots";

function must(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through \`cargo xtask test\``);
  return v;
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-webgpu-adapter=swiftshader",
];

export async function launch({ webgpu = true } = {}) {
  const args = webgpu
    ? CHROMIUM_ARGS
    : CHROMIUM_ARGS.filter((a) => !/webgpu|Vulkan/i.test(a));
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args,
  });
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 360, height: 740 };

/// A fresh context and page that records console errors, page errors and failed requests, and
/// console warnings apart (Chromium warns about things that are not ours, such as Trunk's
/// preload integrity attributes, so tests pick which warnings fail them).
/// A 404 for a document itself is expected on deep links (the static host answers with the
/// app's 404.html, which routes on the client), so it is not counted.
export async function openPage(browser, { viewport = DESKTOP, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on("console", (msg) => {
    if (msg.type() === "warning") warnings.push(msg.text());
    if (msg.type() !== "error") return;
    const where = msg.location()?.url ?? "";
    // Any frame's own document (an embed in an iframe is a deep link too).
    const isDocument404 =
      /status of 404/.test(msg.text()) && page.frames().some((f) => sameDocument(where, f.url()));
    if (!isDocument404) errors.push(`console: ${msg.text()} (${where})`);
  });
  page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
  return { context, page, errors, warnings };
}

function sameDocument(a, b) {
  const strip = (u) => u.split(/[?#]/)[0];
  return strip(a) === strip(b);
}

/// Absolute URL of an app path (`/models`) under a site root (`http://…/` or `http://…/atlas/`).
export function at(root, path) {
  return new URL(path.replace(/^\//, ""), root).toString();
}

/// Waits until the app has mounted (the header or an embed is in the DOM).
export async function appReady(page) {
  await page.waitForSelector("main#main", { timeout: 30_000 });
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/// Waits until the demo's status is in one of `states` (its `data-state`).
export async function waitDemoState(page, states, timeout) {
  await page.waitForFunction(
    (want) => want.includes(document.querySelector('[data-testid="status"]')?.dataset.state),
    [].concat(states),
    { timeout, polling: 250 },
  );
}

/// Waits until the demo's output holds at least `n` generated token ids.
export async function waitDemoTokens(page, n, timeout) {
  await page.waitForFunction(
    (n) => (document.querySelector('[data-testid="output"]')?.dataset.ids ?? "").split(" ").filter(Boolean).length >= n,
    n,
    { timeout, polling: 100 },
  );
}

/// The dataset's JSON files, fetched from the site as the app fetches them: `{ models, prices, … }`.
export async function fetchData(names) {
  const files = await Promise.all(names.map(async (n) => (await fetch(at(SITE, `/data/${n}.json`))).json()));
  return Object.fromEntries(names.map((n, i) => [n, files[i]]));
}

/// Whether a price's seller had stopped selling by `date` (the dataset's, "YYYY-MM-DD").
export const retiredBy = (price, date) => price.retired !== undefined && price.retired.value <= date;

/// Whether a price is announced for a day after `date`: not yet on offer.
export const startsAfter = (price, date) => price.starts !== undefined && price.starts.value > date;

/// The prices still on offer on `date`: the newest in force per model, seller and tier (by the
/// day it applies: an announced price from its start), unless retired (a seller whose newest
/// price was retired offers none, whatever it charged before).
export function currentPrices(prices, date) {
  const applies = (p) => `${p.starts?.value ?? p.as_of} ${p.as_of}`;
  const newest = new Map();
  for (const p of prices.filter((p) => !startsAfter(p, date))) {
    const key = `${p.model}|${p.provider}|${p.tier ?? ""}`;
    if (!newest.has(key) || applies(p) > applies(newest.get(key))) newest.set(key, p);
  }
  return [...newest.values()].filter((p) => !retiredBy(p, date));
}
