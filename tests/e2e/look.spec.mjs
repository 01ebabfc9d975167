// Look at it: screenshots at both tablet sizes (written to screenshots/, git-ignored), and
// touch targets of at least 44 × 44 px on every interactive element that is shown.
import { test, expect, mainHeading, seedStorage, startWithMunicipality } from "./fixtures.mjs";
import { TODAY, WITH_CONCERNS, WITHOUT_CONCERNS } from "./overview-data.mjs";

const SIZES = [
  { name: "portrait", width: 768, height: 1024 },
  { name: "landscape", width: 1024, height: 768 },
];

async function smallTouchTargets(page) {
  return page.$$eval("a, button, label.radio", (els) =>
    els
      .filter((el) => {
        const style = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        // Shown and on screen (the skip link waits above the viewport until focused).
        return style.visibility !== "hidden" && r.width > 0 && r.height > 0 && r.bottom > 0;
      })
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent.trim().slice(0, 40), width: Math.round(r.width), height: Math.round(r.height) };
      })
      .filter((t) => t.width < 44 || t.height < 44),
  );
}

for (const size of SIZES) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test("first start", async ({ page }) => {
      await page.goto("/");
      await expect(mainHeading(page)).toHaveText("Vælg din kommune");
      await page.evaluate(() => document.fonts.ready);
      expect(await smallTouchTargets(page)).toEqual([]);
      await page.screenshot({ path: `screenshots/start-first-${size.name}.png` });
    });

    test("start page", async ({ page }) => {
      await startWithMunicipality(page);
      await page.evaluate(() => document.fonts.ready);
      expect(await smallTouchTargets(page)).toEqual([]);
      // Both big actions are visible without scrolling.
      await expect(page.getByRole("link", { name: /Jeg er bekymret for et barn/ })).toBeInViewport();
      await expect(page.getByRole("link", { name: /Hvad skal jeg gøre\?/ })).toBeInViewport();
      await page.screenshot({ path: `screenshots/start-${size.name}.png` });
    });

    test("settings and the training page", async ({ page }) => {
      await startWithMunicipality(page);
      await page.goto("/settings");
      await expect(mainHeading(page)).toHaveText("Indstillinger");
      expect(await smallTouchTargets(page)).toEqual([]);
      await page.screenshot({ path: `screenshots/settings-${size.name}.png`, fullPage: true });
      await page.goto("/training");
      await expect(mainHeading(page)).toHaveText("Undervisning");
      await page.screenshot({ path: `screenshots/training-start-${size.name}.png` });
    });

    test("overview: figures and charts fit without sideways scrolling", async ({ page }) => {
      await page.clock.setFixedTime(TODAY);
      await seedStorage(page, WITH_CONCERNS);
      await page.goto("/overview");
      await expect(mainHeading(page)).toHaveText("Overblik");
      await expect(page.locator(".chart--months svg")).toBeVisible();
      await page.evaluate(() => document.fonts.ready);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, "/overview scrolls sideways").toBeLessThanOrEqual(0);
      // Every chart's picture fits its card.
      const wider = await page.$$eval(".chart", (cards) =>
        cards.filter((c) => c.querySelector("svg") && c.querySelector("svg").getBoundingClientRect().right > c.getBoundingClientRect().right).length,
      );
      expect(wider, "charts wider than their card").toBe(0);
      expect(await smallTouchTargets(page)).toEqual([]);
      await page.screenshot({ path: `screenshots/overview-${size.name}.png`, fullPage: true });
      await page.getByLabel("Skole og klasse").selectOption("Skole A, 6.b");
      await expect(page.getByRole("status")).toHaveText("Viser 1 af 3 bekymringer.");
      await page.screenshot({ path: `screenshots/overview-filtered-${size.name}.png` });
    });

    test("overview with no concerns", async ({ page }) => {
      await seedStorage(page, WITHOUT_CONCERNS);
      await page.goto("/overview");
      await expect(mainHeading(page)).toHaveText("Overblik");
      await page.evaluate(() => document.fonts.ready);
      expect(await smallTouchTargets(page)).toEqual([]);
      await page.screenshot({ path: `screenshots/overview-empty-${size.name}.png` });
    });

    for (const [municipality, slug] of [["Halsnæs Kommune", "halsnaes"], ["Silkeborg Kommune", "silkeborg"]]) {
      test(`${municipality}: staircase and organisation fit without sideways scrolling`, async ({ page }) => {
        await startWithMunicipality(page, municipality);
        for (const [path, heading] of [["/staircase", "Indsatstrappen"], ["/organisation", "Organisation"]]) {
          await page.goto(path);
          await expect(mainHeading(page)).toHaveText(heading);
          await page.evaluate(() => document.fonts.ready);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
          expect(await smallTouchTargets(page)).toEqual([]);
          await page.screenshot({ path: `screenshots/${slug}${path.replace("/", "-")}-${size.name}.png`, fullPage: true });
        }
      });
    }
  });
}
