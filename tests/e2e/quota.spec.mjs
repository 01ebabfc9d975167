// Storage full: a clear message with what to do, nothing lost, and the write retried after the
// user frees space.
import { readFileSync } from "node:fs";
import { test, expect, mainHeading, seedStorage } from "./fixtures.mjs";

const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "koege", my_role: "Lærer" } });
const ID = "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d02";

test("a full store gives a clear error, keeps the change, and saves it after space is freed", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto(`/concerns/${ID}`);
  await expect(mainHeading(page)).toContainText("Elev K");

  // Fill the origin's localStorage to the last few characters.
  const fillers = await page.evaluate(() => {
    let n = 0;
    for (let size = 1 << 20; size >= 8; size = Math.floor(size / 4)) {
      const chunk = "x".repeat(size);
      try {
        for (;;) localStorage.setItem(`filler-${n++}`, chunk);
      } catch {
        n++;
      }
    }
    return n;
  });
  expect(fillers).toBeGreaterThan(3);

  const item = page.getByRole("checkbox", { name: "Underret kommunen skriftligt i dag." });
  await item.check();
  await expect(page.getByRole("alert")).toContainText("Lageret på enheden er fuldt");
  await expect(page.getByRole("alert")).toContainText("eksportér data");
  await expect(item).toBeChecked(); // kept in memory
  const stored = await page.evaluate((id) => localStorage.getItem("ssp.concern." + id), ID);
  expect(stored).not.toContain('"done":true'); // not half-written either

  // The user frees space, then tries again.
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("filler-")).forEach((k) => localStorage.removeItem(k)));
  await page.getByRole("button", { name: "Prøv igen" }).click();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Underret kommunen skriftligt i dag." })).toBeChecked();
});
