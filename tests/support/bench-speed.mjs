// Benchmark for scripts/bench: how fast the app starts with many saved concerns, and how fast
// the guide moves from one step to the next. No CPU throttling (this machine), no timed tests.
//
//   node tests/support/bench-speed.mjs [dist] [concerns] [runs]
//
// Start-up: `concerns` plain (no lock) records at the current schema (3) and their index are put in localStorage,
// then /concerns is opened `runs` times in new tabs of the same browser (a returning user: the
// HTTP cache and the service worker are warm; the unmeasured first visit also wrote the list's
// copy, src/domain/concern_list.rs, as any start does). The time runs from navigation start to
// the start of the frame after the list shows its first page and the count of all ("Viser 100
// af N"), measured in the page with performance.now() (`startup_to_list`); and to when that
// frame, its style, layout and paint done, is presented, the first row's text on the screen
// (Element Timing's renderTime, `startup_to_list_drawn`).
//
// Guide: the guide is walked as a teacher does (clicks by visible text) several times over. Each
// click that moves to another step is measured with the Performance API (see RECORD_STEPS): the
// app's work from the click until the new step is in the DOM and laid out, in the frame that
// shows it, without the idle wait for that frame (vsync), which is not the app's work. The time
// from the click to the end of that frame, wait included, is printed beside it. Prints one JSON
// object.
import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { chromiumLaunch } from "../../playwright.config.mjs";
import { createStaticServer } from "./serve.mjs";

const dist = process.argv[2] || "dist";
const count = Number(process.argv[3] || 5000);
const runs = Math.max(5, Number(process.argv[4] || 7));
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

function concerns() {
  // One realistic record from the schema-1 fixture, as schema 3 (what the app writes now), compact (no answers, one
  // action item, one history entry) so 5,000 fit in Chromium's localStorage, as bench-unlock.
  const [template] = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8")).data;
  const { child, ...full } = template;
  const rest = { ...full, answers: {}, action_plan: full.action_plan.slice(0, 1), history: full.history.slice(0, 1) };
  const out = { "ssp.settings": SETTINGS };
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    ids.push(id);
    out[`ssp.concern.${id}`] = JSON.stringify({ schema: 3, data: { ...rest, id, pseudonym: `F${i}` } });
  }
  out["ssp.concerns.index"] = JSON.stringify({ schema: 1, data: ids });
  return out;
}

const OBSERVE_LIST = (n) => {
  window.__list = null;
  window.__drawn = null;
  // When the first row's text is on the screen (Element Timing: the frame's presentation).
  new PerformanceObserver((entries) => {
    for (const e of entries.getEntries()) if (e.identifier === "first-row") window.__drawn = e.renderTime;
  }).observe({ type: "element", buffered: true });
  const seen = () => {
    const shown = document.querySelectorAll(".concern-list > li").length;
    const counted = document.body && document.body.textContent.includes(`af ${n} bekymringer`);
    if (shown > 0 && counted && window.__list === null) {
      window.__list = -1;
      document.querySelector(".concern-list .concern-row__child").setAttribute("elementtiming", "first-row");
      requestAnimationFrame(() => (window.__list = performance.now()));
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
};

async function startup(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const seed = await context.newPage();
  await seed.goto(`${base}/privacy`);
  await seed.evaluate((entries) => {
    for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
  }, concerns());
  await seed.close();
  const times = [];
  // One unmeasured visit first: it installs the service worker and fills the caches.
  for (let i = 0; i <= runs; i++) {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE_LIST, count);
    await page.goto(`${base}/concerns`);
    await page.waitForFunction(() => window.__list > 0 && window.__drawn > 0, null, { timeout: 60_000 });
    if (i > 0) times.push(await page.evaluate(() => [window.__list, window.__drawn]));
    await page.close();
  }
  await context.close();
  return times;
}

// Each click that moves to another step: its time stamps, read back after the walk.
// - start: performance.now() at the click (capture phase, before the app's handler);
// - frame: the start of the next frame (a requestAnimationFrame asked for at the click, so it
//   runs before the app's own);
// - end: after that frame, in a task, with the new step in the DOM and laid out (a forced
//   layout); the heading must have changed, else the click is not a step;
// - processing_end: the Event Timing entry of the click (the app's handler and the reactive
//   updates it queued, which run before the click's task ends).
// Chromium runs the next frame before the page's other tasks after an input, so `end` comes
// only after the wait for the screen's next refresh (vsync), up to 16.7 ms of idle time that
// is not the app's work; the work is end − start minus that wait (frame − processing_end).
const RECORD_STEPS = () => {
  window.__steps = [];
  window.__events = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "click") window.__events.push({ start: e.startTime, processing_end: e.processingEnd });
  }).observe({ type: "event", durationThreshold: 16, buffered: true });
  document.addEventListener(
    "click",
    (event) => {
      const before = document.querySelector("#step-heading")?.textContent ?? "";
      const step = { stamp: event.timeStamp, start: performance.now(), frame: null };
      requestAnimationFrame(() => (step.frame = performance.now()));
      setTimeout(() => {
        document.body.getBoundingClientRect();
        step.end = performance.now();
        const after = document.querySelector("#step-heading")?.textContent ?? document.querySelector("h2")?.textContent ?? "";
        if (after !== before) window.__steps.push(step);
      }, 0);
    },
    true,
  );
};

/** The app's work for one step (ms), and the time to the end of the frame that shows it. */
function stepTimes(steps, events) {
  return steps.map((s) => {
    const total = s.end - s.start;
    const e = events.find((e) => Math.abs(e.start - s.stamp) < 0.5);
    // No entry: the click's whole time to the next paint was under Event Timing's 16 ms floor;
    // the time to the end of the frame (with any idle wait in it) is then the upper bound.
    // A frame after `end` (the task ran first) put no wait into it.
    const idle = e && s.frame !== null && s.frame <= s.end ? Math.max(0, s.frame - e.processing_end) : 0;
    return { work: total - idle, to_frame_end: total };
  });
}

async function guideWalk(browser, base, walks) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${base}/privacy`);
  await page.evaluate((s) => localStorage.setItem("ssp.settings", s), SETTINGS);
  await page.addInitScript(RECORD_STEPS);
  const heading = page.locator("#step-heading");
  const steps = [];
  // Each page load starts a new record: collect it before leaving the page.
  const collect = async () => {
    await page.waitForTimeout(100);
    const [recorded, events] = await page.evaluate(() => [window.__steps, window.__events]);
    steps.push(...stepTimes(recorded, events));
  };
  const next = page.getByRole("button", { name: "Videre →" });
  for (let w = 0; w < walks; w++) {
    await page.goto(`${base}/guide`);
    // Bullying, yellow (as tests/e2e/guide.spec.mjs walks it).
    await heading.getByText("Er barnet i fare lige nu?").waitFor();
    await page.getByRole("button", { name: "Nej", exact: true }).click();
    await heading.getByText("Hvad har du set eller hørt?").waitFor();
    await page.getByLabel("Det har jeg set eller hørt").fill("Fiktivt: tre elever har skubbet ham i frikvarteret hver dag i to uger.");
    await next.click();
    await heading.getByText("Hvad handler bekymringen om?").waitFor();
    await page.getByRole("checkbox", { name: "Mobning" }).click();
    await next.click();
    await heading.getByText("Hvor længe har du været bekymret?").waitFor();
    await page.getByRole("button", { name: "Nogle uger" }).click();
    await heading.getByText("Hvor meget påvirker det", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Tydeligt" }).click();
    await heading.getByText("Har du grund til at antage, at et af disse gælder?").waitFor();
    await page.getByRole("checkbox", { name: "Ingen af disse" }).click();
    await next.click();
    await heading.getByText("Sådan skal I gøre – i denne rækkefølge").waitFor();
    await next.click();
    await page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" }).waitFor();
    await collect();
    // And back to the start through the acute path's first answer.
    await page.goto(`${base}/guide`);
    await page.getByRole("button", { name: "Ja, lige nu" }).click();
    await heading.getByText("Kommer faren fra barnets hjem", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Ja", exact: true }).click();
    await page.getByText("Ring 112 nu").first().waitFor();
    await collect();
  }
  await context.close();
  return steps;
}

const server = createStaticServer(dist, {});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch(chromiumLaunch);
try {
  const start = await startup(browser, base);
  const steps = await guideWalk(browser, base, Number(process.env.GUIDE_WALKS || 6));
  const work = steps.map((s) => s.work);
  const toFrame = steps.map((s) => s.to_frame_end);
  console.log(
    JSON.stringify(
      {
        startup_concerns: count,
        startup_to_list_ms_median: round(median(start.map(([list]) => list))),
        startup_to_list_ms_runs: start.map(([list]) => round(list)),
        startup_to_list_drawn_ms_median: round(median(start.map(([, drawn]) => drawn))),
        guide_step_transitions: steps.length,
        guide_step_ms_p95: round(percentile(work, 95)),
        guide_step_ms_median: round(median(work)),
        guide_step_ms_max: round(Math.max(...work)),
        guide_step_to_frame_end_ms_p95: round(percentile(toFrame, 95)),
        guide_step_to_frame_end_ms_median: round(median(toFrame)),
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  server.close();
}
