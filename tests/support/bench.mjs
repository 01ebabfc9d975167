// Benchmark for scripts/bench: sizes of the built app and first-render time in Chromium.
//
//   node tests/support/bench.mjs [dist] [runs]
//
// Prints one JSON object. First render = navigation start → the start page's main heading
// (<h1>) in the DOM and the next animation frame, measured in the page with performance.now();
// first paint = the browser's first-contentful-paint entry, when pixels of the page (the heading
// with its fonts) are on the screen. Both with CDP CPU throttling ×4, each run in a fresh
// browser context (cold cache, empty storage). The same is measured for a static HTML page with
// the same heading served by the same server (no stylesheet, no fonts), and for a static page of
// the same screen: the built index.html without its scripts and the wasm and JS preloads (the
// same HTML, stylesheet and fonts; nothing runs), and for the static page with the same text:
// that page without its stylesheet and fonts. The loads of one run go in a turning order, so
// that none of them is always the first; each figure's ratio is given as the ratio of the
// medians and as the median of the runs' own ratios (both loads of a pair saw the same moment).
// On a first visit the heading is index.html's copy of the start screen (#prerender, see
// scripts/prerender); app ready = the app has replaced it with its own (the buttons work), also
// to the next animation frame; once more over a school's Wi-Fi (10 Mbit/s, 40 ms, emulated by
// Chromium), where the size of what the first screen loads counts.
import { chromium } from "@playwright/test";
import { chromiumLaunch } from "../../playwright.config.mjs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createStaticServer } from "./serve.mjs";
import { firstScreenSizes, allFilesSizes, readBudget } from "./size.mjs";

const dist = process.argv[2] || "dist";
const runs = Math.max(5, Number(process.argv[3] || 7));
const HEADING = "Vælg din kommune";
function sizes() {
  const budget = readBudget();
  const all = allFilesSizes(dist);
  const first = firstScreenSizes(dist);
  return {
    first_screen: { ...first, budget_gzip: budget.first_screen_gzip_bytes, within_budget: first.total_gzip <= budget.first_screen_gzip_bytes },
    all_files: { ...all, budget_gzip: budget.all_files_gzip_bytes, within_budget: all.total_gzip <= budget.all_files_gzip_bytes },
    goal_gzip: budget.goal_gzip_bytes,
  };
}

const OBSERVE_H1 = () => {
  window.__h1 = null;
  window.__ready = null;
  const seen = () => {
    const live = document.querySelector("h1:not(#prerender h1)");
    if (live && window.__ready === null && !document.getElementById("prerender")) {
      window.__ready = -1;
      requestAnimationFrame(() => (window.__ready = performance.now()));
    }
    const h = document.querySelector("h1");
    if (h && window.__h1 === null && h.getBoundingClientRect().height > 0) {
      window.__h1 = -1;
      requestAnimationFrame(() => (window.__h1 = performance.now()));
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", seen);
};

/** A school's Wi-Fi shared by a class: 10 Mbit/s down, 40 ms round trip. */
const SCHOOL_WIFI = { offline: false, latency: 40, downloadThroughput: (10e6 / 8) | 0, uploadThroughput: (5e6 / 8) | 0 };

async function firstRender(browser, url, app = false, network = null) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  if (network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", network);
  }
  await page.addInitScript(OBSERVE_H1);
  await page.goto(url);
  await page.waitForFunction((app) => window.__h1 > 0 && (!app || window.__ready > 0), app, { timeout: 60_000 });
  await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 60_000 });
  const [ms, paint, ready] = await page.evaluate(() => [
    window.__h1,
    performance.getEntriesByName("first-contentful-paint")[0].startTime,
    window.__ready,
  ]);
  const text = await page.locator("h1").textContent();
  await context.close();
  if (text.trim() !== HEADING) throw new Error(`unexpected heading "${text}" at ${url}`);
  return [ms, paint, ready];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => Math.round(x * 10) / 10;

const staticPage = `<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>static</title></head><body><main><h1>${HEADING}</h1></main></body></html>`;
const staticScreen = readFileSync(join(dist, "index.html"), "utf8")
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "")
  .replace(/<link\b[^>]*\b(modulepreload|as=fetch)\b[^>]*>/g, "");
if (/<script/.test(staticScreen) || /_bg\.wasm/.test(staticScreen)) throw new Error("the static screen still loads the app");
const sameText = staticScreen.replace(/<link\b[^>]*\b(rel="?stylesheet"?|as="?font"?)[^>]*>/g, "");
if (/\.css|\.woff2/.test(sameText)) throw new Error("the static page with the same text still loads styles or fonts");
const server = createStaticServer(dist, {
  "/__static.html": ["text/html; charset=utf-8", staticPage],
  "/__static-screen.html": ["text/html; charset=utf-8", staticScreen],
  "/__static-same-text.html": ["text/html; charset=utf-8", sameText],
}, { gzip: true });
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch(chromiumLaunch);
const app = [];
const statik = [];
const appPaint = [];
const staticPaint = [];
const appReady = [];
const appReadyWifi = [];
const screen = [];
const screenPaint = [];
const text = [];
const textPaint = [];
const loads = [
  async () => {
    const [a, ap, ar] = await firstRender(browser, `${base}/`, true);
    app.push(a);
    appPaint.push(ap);
    appReady.push(ar);
  },
  async () => appReadyWifi.push((await firstRender(browser, `${base}/`, true, SCHOOL_WIFI))[2]),
  async () => {
    const [c, cp] = await firstRender(browser, `${base}/__static-screen.html`);
    screen.push(c);
    screenPaint.push(cp);
  },
  async () => {
    const [t, tp] = await firstRender(browser, `${base}/__static-same-text.html`);
    text.push(t);
    textPaint.push(tp);
  },
  async () => {
    const [s, sp] = await firstRender(browser, `${base}/__static.html`);
    statik.push(s);
    staticPaint.push(sp);
  },
];
try {
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < loads.length; k++) await loads[(i + k) % loads.length]();
  }
} finally {
  await browser.close();
  server.close();
}

/** The median of the runs' own ratios: run i of `a` against run i of `b`. */
const pairedRatio = (a, b) => round(median(a.map((x, i) => x / b[i])));

/** The app's times beside the heading-only static page's, the static screen's and the static
 *  page's with the same text. */
const comparison = (appMs, staticMs, screenMs, textMs) => ({
  cpu_throttling: 4,
  runs,
  app_median: round(median(appMs)),
  static_html_median: round(median(staticMs)),
  ratio: round(median(appMs) / median(staticMs)),
  ratio_paired: pairedRatio(appMs, staticMs),
  static_screen_median: round(median(screenMs)),
  ratio_to_static_screen: round(median(appMs) / median(screenMs)),
  ratio_to_static_screen_paired: pairedRatio(appMs, screenMs),
  static_same_text_median: round(median(textMs)),
  ratio_to_static_same_text: round(median(appMs) / median(textMs)),
  static_screen_to_static_html: round(median(screenMs) / median(staticMs)),
  app_runs: appMs.map(round),
  static_html_runs: staticMs.map(round),
  static_screen_runs: screenMs.map(round),
});

const result = {
  build: "release",
  sizes_bytes: sizes(),
  first_render_ms: comparison(app, statik, screen, text),
  first_contentful_paint_ms: comparison(appPaint, staticPaint, screenPaint, textPaint),
  app_ready_ms: {
    cpu_throttling: 4,
    runs,
    median: round(median(appReady)),
    ratio_to_static_html: round(median(appReady) / median(statik)),
    runs_ms: appReady.map(round),
    school_wifi_median: round(median(appReadyWifi)),
    school_wifi: "10 Mbit/s, 40 ms",
    school_wifi_runs_ms: appReadyWifi.map(round),
  },
  chromium: browser.version(),
};
console.log(JSON.stringify(result, null, 2));
