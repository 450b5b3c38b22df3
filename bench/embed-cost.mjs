// Benchmark: what an embedded chart costs a blog reader: bytes transferred and time to the first
// drawn chart, for each embeddable chart, in a fresh Chromium profile (no cache).
//
//   ATLAS_URL=http://127.0.0.1:PORT/ node bench/embed-cost.mjs      (or: cargo xtask bench-ui)
import { chromium } from "playwright-core";

const SITE = process.env.ATLAS_URL;
if (!SITE) throw new Error("ATLAS_URL is not set: run through `cargo xtask bench-ui`");
const CHARTS = ["prices", "cost-vs-volume", "quality-vs-price", "memory", "benchmarks"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const rows = [];
try {
  for (const chart of CHARTS) {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    let bytes = 0;
    let requests = 0;
    page.on("response", async (res) => {
      requests++;
      const len = Number(res.headers()["content-length"] ?? 0);
      bytes += len;
    });
    const t0 = Date.now();
    await page.goto(new URL(`embed/${chart}`, SITE).toString());
    await page.waitForFunction((slug) => {
      const el = document.querySelector(`.echart[data-chart="${slug}"]`);
      const c = el && window.echarts && window.echarts.getInstanceByDom(el);
      return c && el.querySelector("canvas");
    }, chart);
    const firstChartMs = Date.now() - t0;
    rows.push({ chart, requests, transferred_kb: Math.round(bytes / 1024), first_chart_ms: firstChartMs });
    await context.close();
  }
  console.log(JSON.stringify({ note: "uncompressed bytes (the test server sends no gzip)", embeds: rows }, null, 1));
} finally {
  await browser.close();
}
