// Installable and offline: after one visit the whole app works with no network, and a new
// version waits for the user's "genindlæs" instead of swapping itself in mid-task.
//
// These tests serve dist/ themselves (tests/support/serve.mjs, in this process), so that the
// server can really be switched off, on the same port, while the browser is also offline.
import { test, expect, expectAccessible, NAV_DA, mainHeading, nav } from "./fixtures.mjs";
import { readFileSync } from "node:fs";
import { createStaticServer } from "../support/serve.mjs";

/** dist/ on 127.0.0.1; `extra` overrides paths (see createStaticServer); logs the paths asked. */
async function startServer(extra = {}) {
  const server = createStaticServer("dist", extra);
  const s = { server, asked: [] };
  server.on("request", (req) => s.asked.push(new URL(req.url, "http://x").pathname));
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  s.port = server.address().port;
  s.origin = `http://127.0.0.1:${s.port}`;
  s.stop = () =>
    new Promise((done) => {
      server.close(done);
      server.closeAllConnections();
    });
  s.restart = () => new Promise((done) => server.listen(s.port, "127.0.0.1", done));
  return s;
}

/** Waits until the service worker controls the page; reloads once if it has not taken over. */
async function untilControlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const took = await page
    .waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 5_000 })
    .then(() => true, () => false);
  if (!took) await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
  expect(await page.evaluate(() => navigator.serviceWorker.controller.state)).toBe("activated");
}

/** A server whose sw.js is the build's until the test swaps `extra["/sw.js"][1]` for a new release. */
async function serverWithReplaceableWorker() {
  const built = readFileSync("dist/sw.js", "utf8");
  const oldVersion = built.match(/const VERSION = "([0-9a-f]+)";/)[1];
  const extra = { "/sw.js": ["text/javascript; charset=utf-8", built] };
  return { built, oldVersion, extra, server: await startServer(extra) };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  expect(bytes.subarray(0, 8).toString("hex"), "PNG signature").toBe("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("latin1"), "IHDR first").toBe("IHDR");
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** The first visit: choose a municipality, as a teacher does (fixtures.mjs startWithMunicipality). */
async function firstVisit(page, origin, name = "Viborg Kommune") {
  await page.goto(`${origin}/`);
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");
  await page.getByRole("button", { name }).click();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
}

const question = (page) => page.locator("#step-heading");
const next = (page) => page.getByRole("button", { name: "Videre →" });

test("installable: the manifest is linked and valid, and every icon is a PNG of its declared size", async ({ page }) => {
  const server = await startServer();
  try {
    await firstVisit(page, server.origin);
    await untilControlled(page);
    // The worker took the app from the browser's HTTP cache rather than download it again, and
    // fetched each chunk of the other pages once.
    const wasm = server.asked.filter((path) => path.endsWith(".wasm"));
    expect(wasm.filter((path) => /^\/ssp-handleguide-[0-9a-f]+_bg\.wasm$/.test(path))).toHaveLength(1);
    expect(wasm.length).toBeGreaterThan(1);
    expect(new Set(wasm).size).toBe(wasm.length);
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    const response = await page.request.get(`${server.origin}${href}`);
    expect(response.headers()["content-type"]).toBe("application/manifest+json");
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      name: "SSP Handleguide",
      lang: "da",
      display: "standalone",
      start_url: "/",
      scope: "/",
      background_color: "#ffffff",
    });
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    expect(manifest.description).toContain("bekymret for et barn");
    expect(manifest.theme_color).toBe(await page.locator('meta[name="theme-color"]').getAttribute("content"));
    const declared = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
    expect(declared).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));

    const icons = [
      ...manifest.icons.map((i) => ({ src: i.src, sizes: i.sizes })),
      { src: await page.locator('link[rel="apple-touch-icon"]').getAttribute("href"), sizes: "180x180" },
      { src: await page.locator('link[rel="icon"][type="image/png"]').getAttribute("href"), sizes: "32x32" },
    ];
    for (const { src, sizes } of icons) {
      const icon = await page.request.get(`${server.origin}${src}`);
      expect(icon.status(), src).toBe(200);
      expect(icon.headers()["content-type"], src).toBe("image/png");
      expect(pngSize(await icon.body()), src).toBe(sizes);
    }

    // Chromium itself reads the manifest without errors and finds the app installable.
    const cdp = await page.context().newCDPSession(page);
    const { errors } = await cdp.send("Page.getAppManifest");
    expect(errors).toEqual([]);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    // A Playwright context is an incognito profile, where Chromium never offers to install.
    expect(installabilityErrors.filter((e) => e.errorId !== "in-incognito")).toEqual([]);
  } finally {
    await server.stop();
  }
});

test("offline after one visit: every page, a deep link, the guide to its outcome and saving a concern", async ({ page, context }) => {
  test.setTimeout(60_000);
  const server = await startServer();
  try {
    await firstVisit(page, server.origin);
    await untilControlled(page);

    // No network, and no server either.
    await context.setOffline(true);
    await server.stop();
    const fromNetwork = [];
    page.on("response", (r) => r.fromServiceWorker() || fromNetwork.push(r.url()));

    await page.reload();
    await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
    await expect(page.getByRole("banner")).toContainText("Viborg Kommune");
    for (const item of NAV_DA) {
      await nav(page).getByRole("link", { name: item.link, exact: true }).click();
      await expect(page).toHaveURL(`${server.origin}${item.path}`);
      await expect(mainHeading(page)).toHaveText(item.heading);
    }
    // Both weights of the bundled font came from the cache.
    const fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.weight).sort();
    });
    expect(fonts).toEqual(["400", "600"]);

    // A deep link typed in (or opened from a bookmark) while offline.
    await page.goto(`${server.origin}/staircase`);
    await expect(mainHeading(page)).toHaveText("Indsatstrappen");
    await expect(page.locator("svg").first()).toBeVisible();

    // The concern guide, to its outcome, and the concern saved.
    await nav(page).getByRole("link", { name: "Forside", exact: true }).click();
    await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
    await expect(question(page)).toHaveText("Er barnet i fare lige nu?");
    await page.getByRole("button", { name: "Nej", exact: true }).click();
    await page.getByLabel("Det har jeg set eller hørt").fill("Bliver holdt udenfor af de andre i klassen hver dag.");
    await next(page).click();
    await page.getByRole("checkbox", { name: "Mobning" }).click();
    await next(page).click();
    await page.getByRole("button", { name: "Nogle uger" }).click();
    await page.getByRole("button", { name: "Tydeligt" }).click();
    await page.getByRole("checkbox", { name: "Ingen af disse" }).click();
    await next(page).click();
    await next(page).click();
    await expect(page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" })).toBeVisible();
    await page.getByLabel("Barnets initialer eller et pseudonym").fill("MK");
    await page.getByRole("button", { name: "Gem bekymringen" }).click();
    await expect(mainHeading(page)).toContainText("MK");

    expect(fromNetwork, "nothing came from the network while offline").toEqual([]);

    // Online again: the saved concern is still there after a reload.
    await server.restart();
    await context.setOffline(false);
    await page.reload();
    await nav(page).getByRole("link", { name: "Bekymringer", exact: true }).click();
    await expect(page.getByRole("link", { name: /MK/ })).toContainText("Mobning");
  } finally {
    await server.stop();
  }
});

test("a new version waits for the user: notice mid-task, nothing swapped, 'Genindlæs' switches and drops the old cache", async ({ page }) => {
  test.setTimeout(60_000);
  const { built, oldVersion, extra, server } = await serverWithReplaceableWorker();
  try {
    await firstVisit(page, server.origin);
    await untilControlled(page);
    expect(await page.evaluate(() => caches.keys())).toEqual([`ssp-handleguide-${oldVersion}`]);

    // Mid-task: the guide half answered.
    await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
    await page.getByRole("button", { name: "Nej", exact: true }).click();
    await page.getByLabel("Det har jeg set eller hørt").fill("Har grædt i frikvarteret tre dage i træk.");
    await next(page).click();
    await expect(question(page)).toHaveText("Hvad handler bekymringen om?");
    const topic = page.getByRole("checkbox", { name: "Trivsel" });
    await topic.check();
    await page.evaluate(() => (window.stillTheSamePage = true));

    // A new release: a different sw.js. The browser finds it (here: asked at once).
    extra["/sw.js"][1] = built.replace(`const VERSION = "${oldVersion}";`, 'const VERSION = "e2e-next";');
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const notice = page.getByText("En ny version er klar – genindlæs");
    await expect(notice).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "En ny version er klar" })).toBeVisible();
    await expectAccessible(page, "the update notice");

    // Nothing swapped: same page, same answers, the old worker still in charge.
    expect(await page.evaluate(() => window.stillTheSamePage)).toBe(true);
    await expect(question(page)).toHaveText("Hvad handler bekymringen om?");
    await expect(topic).toBeChecked();
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.waiting?.state))).toBe("installed");
    expect((await page.evaluate(() => caches.keys())).sort()).toEqual([`ssp-handleguide-${oldVersion}`, "ssp-handleguide-e2e-next"].sort());

    // The user chooses: the new worker takes over, the page reloads, the old cache is gone.
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Genindlæs" }).click()]);
    await expect(question(page)).toHaveText("Hvad handler bekymringen om?");
    expect(await page.evaluate(() => window.stillTheSamePage)).toBeUndefined();
    await expect(notice).toHaveCount(0);
    await expect.poll(() => page.evaluate(() => caches.keys())).toEqual(["ssp-handleguide-e2e-next"]);
    // The draft of "Jeg er bekymret for et barn" (answers so far) is kept across the reload.
    await page.getByRole("button", { name: "← Tilbage" }).click();
    await expect(page.getByLabel("Det har jeg set eller hørt")).toHaveValue("Har grædt i frikvarteret tre dage i træk.");
  } finally {
    await server.stop();
  }
});

test("with two tabs open, 'Genindlæs' in one does not reload the other, which keeps the notice", async ({ page, context }) => {
  test.setTimeout(60_000);
  const { built, oldVersion, extra, server } = await serverWithReplaceableWorker();
  try {
    await firstVisit(page, server.origin);
    await untilControlled(page);
    const other = await context.newPage();
    await other.goto(`${server.origin}/concern/new`);
    await expect(question(other)).toHaveText("Er barnet i fare lige nu?");
    await other.evaluate(() => (window.stillTheSamePage = true));

    extra["/sw.js"][1] = built.replace(`const VERSION = "${oldVersion}";`, 'const VERSION = "e2e-next";');
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    for (const tab of [page, other]) await expect(tab.getByText("En ny version er klar – genindlæs")).toBeVisible();

    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Genindlæs" }).click()]);
    await expect.poll(() => page.evaluate(() => caches.keys())).toEqual(["ssp-handleguide-e2e-next"]);
    // The other tab was not reloaded under its user; it still offers the reload.
    expect(await other.evaluate(() => window.stillTheSamePage)).toBe(true);
    await expect(question(other)).toHaveText("Er barnet i fare lige nu?");
    await expect(other.getByText("En ny version er klar – genindlæs")).toBeVisible();
    await Promise.all([other.waitForEvent("load"), other.getByRole("button", { name: "Genindlæs" }).click()]);
    expect(await other.evaluate(() => window.stillTheSamePage)).toBeUndefined();
    await expect(other.getByText("En ny version er klar – genindlæs")).toHaveCount(0);
  } finally {
    await server.stop();
  }
});
