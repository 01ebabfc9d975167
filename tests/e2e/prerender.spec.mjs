// The first-visit start screen that index.html carries (#prerender, written by scripts/prerender):
// it is on the screen before the app's wasm has arrived, it is exactly what the app then draws,
// and nobody else (a returning teacher, another address) ever sees it.
import { test, expect, mainHeading, seedStorage } from "./fixtures.mjs";
import { appScreenHtml, canonicalScreen } from "../support/prerender.mjs";

/** Holds back the app's wasm until `release()` is called. */
async function holdWasm(page) {
  let release;
  const gate = new Promise((ok) => (release = ok));
  await page.route(/_bg\.wasm$/, async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

test("a first visit shows the start screen before the app has loaded, and the app draws the same", async ({ page }) => {
  const release = await holdWasm(page);
  await page.goto("/");
  // Before the wasm: the screen is there, in Danish, with the five municipalities.
  const early = page.locator("#prerender");
  await expect(early).toBeVisible();
  await expect(early.locator("h1")).toHaveText("Vælg din kommune");
  for (const name of ["Halsnæs Kommune", "Holbæk Kommune", "Køge Kommune", "Silkeborg Kommune", "Viborg Kommune"]) {
    await expect(early.getByText(name, { exact: true })).toBeVisible();
  }
  // Inert until the app runs: a tap can do nothing half-way, and assistive technology waits.
  await expect(early).toHaveAttribute("inert", "");
  const prerendered = await canonicalScreen(page, "#prerender");

  release();
  await appScreenHtml(page);
  const drawn = await canonicalScreen(page, "app");
  await expect(page.locator("#prerender")).toHaveCount(0);
  await expect(page.locator("h1")).toHaveCount(1);
  expect(
    drawn,
    "index.html's start screen is the app's own: run `bash scripts/prerender` and commit index.html",
  ).toBe(prerendered);
  // And the app's screen works.
  await page.getByRole("button", { name: "Køge Kommune" }).click();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
});

test("a returning teacher never sees the first-visit screen, not even before the app has loaded", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": '{"schema":1,"data":{"lang":"da","municipality":"viborg"}}' });
  const release = await holdWasm(page);
  await page.goto("/");
  await expect(page.locator("#prerender")).toBeHidden();
  release();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
  await expect(page.getByRole("banner")).toContainText("Viborg Kommune");
});

test("another address never shows the start screen while the app loads", async ({ page }) => {
  const release = await holdWasm(page);
  await page.goto("/guide");
  await expect(page.locator("#prerender")).toBeHidden();
  release();
  await expect(mainHeading(page)).toHaveText("Hvad skal jeg gøre?");
});
