// Storage full: a clear message with what to do, nothing lost, and the write retried after the
// user frees space.
import { readFileSync } from "node:fs";
import { test, expect, mainHeading, seedStorage } from "./fixtures.mjs";

const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "koege", my_role: "Lærer" } });
const ID = "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d02";

/** Fills the origin's localStorage to the last few characters; returns how many fillers. */
function fillStorage(page) {
  return page.evaluate(() => {
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
}

/** Removes the list's copy of the concerns (src/domain/concern_list.rs): a write of a record
 * removes it first, which would free its room, and the device would not be full for the write. */
function dropListCopy(page) {
  return page.evaluate(() => localStorage.removeItem("ssp.concerns.list"));
}

test("a full store gives a clear error, keeps the change, and saves it after space is freed", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto(`/concerns/${ID}`);
  await expect(mainHeading(page)).toContainText("Elev K");

  await dropListCopy(page);
  expect(await fillStorage(page)).toBeGreaterThan(3);

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

test("setting a lock on a nearly full device changes nothing and says why; with room it seals everything", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/concerns");
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  expect(await fillStorage(page)).toBeGreaterThan(3);
  const before = await page.evaluate(() =>
    JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith("ssp.")).sort()),
  );
  const section = page.getByRole("region", { name: "PIN-lås" });
  await section.getByRole("radio", { name: "PIN-kode (6–12 cifre)" }).check();
  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill("135792");
  await section.getByLabel("Gentag den nye PIN-kode").fill("135792");
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("alert")).toHaveText(
    "Der er ikke plads nok på enheden til at kryptere alt. Intet er ændret. Frigør plads (eksportér og slet lukkede bekymringer), og prøv igen.",
  );
  const after = await page.evaluate(() =>
    JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith("ssp.")).sort()),
  );
  expect(after).toBe(before);
  expect(after).not.toContain("ssp.lock");

  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("filler-")).forEach((k) => localStorage.removeItem(k)));
  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill("135792");
  await section.getByLabel("Gentag den nye PIN-kode").fill("135792");
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("status")).toHaveText("Låsen er slået til, og alt gemt indhold er krypteret.");
  await expect(section).toContainText(/Alt gemt indhold på enheden er krypteret \(\d+ værdier\)/);
});

test("a change the full device could not take survives 'Lås nu' sealed in memory, and comes back after unlocking", async ({ page }) => {
  const LOCKED = JSON.parse(readFileSync("tests/fixtures/locked-v1.json", "utf8"));
  const ID1 = "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d01";
  await seedStorage(page, LOCKED);
  await page.goto(`/concerns/${ID1}`);
  await page.getByLabel("PIN-kode").fill("246813");
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(mainHeading(page)).toContainText("AB");
  await dropListCopy(page);
  await fillStorage(page);
  await page.getByLabel("Flyt opfølgningen").fill("2026-12-23");
  await expect(page.getByRole("alert")).toContainText("Lageret på enheden er fuldt");
  await expect(page.locator(".history")).toContainText("23.12.2026");

  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByRole("button", { name: "Lås nu" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Data er låst" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("23.12.2026");
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("filler-")).forEach((k) => localStorage.removeItem(k)));
  await page.getByLabel("PIN-kode").fill("246813");
  await page.getByRole("button", { name: "Lås op" }).click();
  // Within the page (a reload would drop what memory held, as the notice says).
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await page.getByRole("link", { name: /AB/ }).click();
  await expect(page.locator(".history")).toContainText("23.12.2026");
  await page.getByRole("button", { name: "Prøv igen" }).click();
  await expect(page.getByRole("button", { name: "Prøv igen" })).toHaveCount(0);
  await page.reload();
  await page.getByLabel("PIN-kode").fill("246813");
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(page.locator(".history")).toContainText("23.12.2026");
});
