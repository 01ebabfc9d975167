// The pages other than the start page come from one wasm chunk (src/ui/mod.rs `lazy_pages`, split by
// tools/bin/wasm-bindgen) that holds the concern store's code too (src/ui/concern_io.rs
// `store_code`), the profile editor, teams and a sync round's code (src/ui/sync.rs
// `round_code`): the concerns load from it just after the first render, and the start screen,
// which shows none, runs on the main module alone and works before that chunk has arrived. One
// split point, so no chunks of code shared between split points: a deep link waits for two
// wasm files, not eight.
import { readFileSync } from "node:fs";
import { test as plain } from "@playwright/test";
import { test, expect, mainHeading, seedStorage } from "./fixtures.mjs";

/** The wasm files the page itself has asked for, by kind: main module, pages. */
function wasmRequests(page) {
  const seen = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) seen.push(path);
  });
  const kinds = () =>
    [
      ...new Set(
        seen.map((p) =>
          /^\/ssp-handleguide-[0-9a-f]+_bg\.wasm$/.test(p)
            ? "main"
            : /^\/split_pages-[0-9a-f]{16}\.wasm$/.test(p)
              ? "pages"
              : `unexpected ${p}`,
        ),
      ),
    ].sort();
  return kinds;
}

const KOEGE = '{"schema":1,"data":{"lang":"da","municipality":"koege"}}';

/** Køge chosen and the schema-1 fixture's concerns on the device; returns the first concern. */
async function seedConcerns(page) {
  const v1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
  await seedStorage(page, { "ssp.settings": KOEGE, "ssp.concerns": v1 });
  return JSON.parse(v1).data[0];
}

test("the start screen needs only the main module; the pages' chunk loads with the concerns and serves every page", async ({ page }) => {
  const kinds = wasmRequests(page);
  // Every chunk is held back until the start screen has been used: it works on the main module.
  let release;
  const released = new Promise((r) => (release = r));
  const held = [];
  await page.route(/\/(split_|chunk_)[a-z_0-9]*-[0-9a-f]{16}\.wasm$/, async (route) => {
    held.push(new URL(route.request().url()).pathname);
    await released;
    await route.continue();
  });
  await page.goto("/");
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");
  await page.getByRole("button", { name: "Køge Kommune" }).click();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
  await expect(page.getByRole("link", { name: /Hvad skal jeg gøre\?/ })).toBeVisible();
  // Just after the first render the pages' chunk was asked for, to load the concerns (and is
  // still held).
  expect(kinds()).toEqual(["main", "pages"]);
  expect(held.some((p) => p.startsWith("/split_pages-"))).toBe(true);
  release();
  await page.unrouteAll({ behavior: "wait" });

  await page.getByRole("link", { name: /Hvad skal jeg gøre\?/ }).click();
  await expect(mainHeading(page)).toHaveText("Hvad skal jeg gøre?");
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await expect(page.locator("#step-heading")).toContainText("Hvad har du set eller hørt?");
  expect(kinds()).toEqual(["main", "pages"]);

  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await expect(mainHeading(page)).toHaveText("Indstillinger");
  expect(kinds()).toEqual(["main", "pages"]);
});

test("on a returning visit the pages' chunk is loaded with the concerns, before any tap", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Køge Kommune" }).click();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const kinds = wasmRequests(page);
  await page.reload();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
  await expect.poll(kinds, { timeout: 10_000 }).toEqual(["main", "pages"]);
  // The tap then opens the guide with nothing more to load.
  await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
  await expect(mainHeading(page)).toHaveText("Jeg er bekymret for et barn");
  expect(kinds()).toEqual(["main", "pages"]);
});

test("a deep link opens its page straight away, with its chunk, and fetches the profiles once", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": KOEGE });
  const kinds = wasmRequests(page);
  // Asked for at start (the deep link's preload) and again when the page is chosen: one fetch.
  const profiles = [];
  page.on("request", (r) => {
    if (/\/profiles-[0-9a-f]{16}\.jsonl$/.test(new URL(r.url()).pathname)) profiles.push(r.url());
  });
  await page.goto("/staircase");
  await expect(mainHeading(page)).toHaveText("Indsatstrappen");
  expect(kinds()).toEqual(["main", "pages"]);
  await page.reload();
  await expect(mainHeading(page)).toHaveText("Indsatstrappen");
  expect(profiles).toHaveLength(2);
});

test("a deep link's chunk is fetched once, by index.html while the app loads, and the app takes it from there", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": KOEGE });
  const chunks = [];
  page.on("request", (r) => {
    if (/^\/split_pages-[0-9a-f]{16}\.wasm$/.test(new URL(r.url()).pathname)) chunks.push(r.url());
  });
  // The chunk is asked for while the page is still being parsed (index.html's early compile),
  // not once the app's module runs, after parsing.
  await page.addInitScript(() => {
    window.__chunkBeforeApp = null;
    const fetchOf = window.fetch;
    window.fetch = function (...args) {
      if (window.__chunkBeforeApp === null && /split_pages-/.test(String(args[0]))) window.__chunkBeforeApp = document.readyState === "loading";
      return fetchOf.apply(this, args);
    };
  });
  await page.goto("/staircase");
  await expect(mainHeading(page)).toHaveText("Indsatstrappen");
  expect(await page.evaluate(() => window.__chunkBeforeApp)).toBe(true);
  // Taken by the chunks' loader: nothing left behind, and no second fetch.
  expect(await page.evaluate(() => Object.keys(window.__wasmChunks))).toEqual([]);
  expect(chunks).toHaveLength(1);
  // The start page asks for none before the app does.
  await page.goto("/");
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
  expect(await page.evaluate(() => window.__wasmChunks)).toBeUndefined();
});

test("a deep link to a saved concern draws it once the concerns have loaded, never 'not found' first", async ({ page }) => {
  const first = await seedConcerns(page);
  // Every text the page ever shows, not only the last: a "findes ikke" before the load counts.
  await page.addInitScript(() => {
    window.__seen = "";
    new MutationObserver(() => (window.__seen += document.body?.innerText ?? "")).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  const kinds = wasmRequests(page);
  await page.goto(`/concerns/${first.id}`);
  await expect(mainHeading(page)).toContainText(first.child);
  expect(kinds()).toContain("pages");
  expect(await page.evaluate(() => window.__seen)).not.toContain("Bekymringen findes ikke");
});

test("a row of the list opens its concern in the app, without loading the page again", async ({ page }) => {
  const first = await seedConcerns(page);
  await page.goto("/concerns");
  await expect(mainHeading(page)).toHaveText("Gemte bekymringer");
  // Gone if the page is loaded again.
  await page.evaluate(() => (window.__samePage = true));
  await page.getByRole("link", { name: new RegExp(first.child) }).click();
  await expect(mainHeading(page)).toContainText(first.child);
  expect(await page.evaluate(() => window.__samePage)).toBe(true);
});

// Plain Playwright here: the failed fetch is logged by the browser on purpose, which the shared
// fixture would count as an error. That the app keeps running is checked instead.
plain.describe("a page whose code cannot be fetched", () => {
  // No service worker: it would answer the fetch that this test makes fail.
  plain.use({ serviceWorkers: "block", baseURL: `http://127.0.0.1:${Number(process.env.E2E_PORT || 4173)}` });

  plain("says so in Danish, keeps the app running, and 'Prøv igen' brings the page", async ({ page }) => {
    const crashes = [];
    page.on("pageerror", (e) => crashes.push(e.message));
    // From the start: the load of the concerns asks for the pages' chunk just after the first
    // render. The start page is in the main module and works without it.
    await page.route(/\/split_pages-[0-9a-f]{16}\.wasm$/, (route) => route.abort("internetdisconnected"));
    await page.goto("/");
    await page.getByRole("button", { name: "Køge Kommune" }).click();
    await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");

    await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
    await expect(mainHeading(page)).toHaveText("Siden kunne ikke hentes");
    await expect(page.getByText("Intet er gået tabt", { exact: false })).toBeVisible();
    await expect(page).toHaveTitle("Siden kunne ikke hentes – SSP Handleguide");
    // The app still works: the navigation leads to a page in the main module.
    await page.getByRole("navigation").getByRole("link", { name: "Forside" }).click();
    await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
    expect(crashes).toEqual([]);

    await page.goBack();
    await expect(mainHeading(page)).toHaveText("Siden kunne ikke hentes");
    await page.unroute(/\/split_pages-[0-9a-f]{16}\.wasm$/);
    await page.getByRole("button", { name: "Prøv igen" }).click();
    await expect(mainHeading(page)).toHaveText("Jeg er bekymret for et barn");
    expect(crashes).toEqual([]);
  });

  plain("a deep link whose chunk cannot be fetched says so, and 'Prøv igen' brings the page", async ({ page }) => {
    const crashes = [];
    page.on("pageerror", (e) => crashes.push(e.message));
    await page.addInitScript((settings) => localStorage.setItem("ssp.settings", settings), KOEGE);
    // index.html's early compile and the loader's own fetch both fail.
    const asked = [];
    await page.route(/\/split_pages-[0-9a-f]{16}\.wasm$/, (route) => {
      asked.push(route.request().url());
      return route.abort("internetdisconnected");
    });
    await page.goto("/staircase");
    await expect(mainHeading(page)).toHaveText("Siden kunne ikke hentes");
    await page.getByRole("navigation").getByRole("link", { name: "Forside" }).click();
    await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
    await page.goBack();
    await expect(mainHeading(page)).toHaveText("Siden kunne ikke hentes");
    // Opening the page again fetched the chunk again: the failed early compile is not kept.
    expect(asked.length).toBeGreaterThanOrEqual(2);
    await page.unroute(/\/split_pages-[0-9a-f]{16}\.wasm$/);
    await page.getByRole("button", { name: "Prøv igen" }).click();
    await expect(mainHeading(page)).toHaveText("Indsatstrappen");
    expect(crashes).toEqual([]);
  });
});
