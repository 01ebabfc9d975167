// Accessibility: axe (WCAG 2.1 A/AA + best practice) on every screen; serious or critical
// violations fail the test.
import { test, expect, expectAccessible, NAV_DA, HEADER_LINKS_DA, FROM_SETTINGS_DA, mainHeading, seedStorageOnce, startWithMunicipality } from "./fixtures.mjs";


test("first start (choose municipality) is accessible", async ({ page }) => {
  await page.goto("/");
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");
  await expectAccessible(page, "first start");
});

for (const item of [...NAV_DA, ...HEADER_LINKS_DA, ...FROM_SETTINGS_DA]) {
  test(`${item.path} is accessible`, async ({ page }) => {
    await startWithMunicipality(page);
    await page.goto(item.path);
    await expect(mainHeading(page)).toHaveText(item.heading);
    await expectAccessible(page, item.path);
  });
}

test("the concern action page is accessible", async ({ page }) => {
  await startWithMunicipality(page);
  await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
  await expect(mainHeading(page)).toHaveText("Jeg er bekymret for et barn");
  await expectAccessible(page, "/concern/new");
});

test("the profile page, with an import error listed, is accessible", async ({ page }) => {
  await startWithMunicipality(page, "Halsnæs Kommune");
  await page.goto("/profile");
  await expect(mainHeading(page)).toHaveText("Kommuneprofil");
  await page.getByLabel("Eller indsæt profilen (JSON)").fill('{"format_version": 1}');
  await page.getByRole("button", { name: "Kontrollér og importér" }).click();
  await expect(page.getByRole("alert")).toContainText("Profilen blev ikke importeret");
  await expectAccessible(page, "/profile");
});

test("an open staircase detail and the list view are accessible", async ({ page }) => {
  await startWithMunicipality(page, "Halsnæs Kommune");
  await page.goto("/staircase");
  await page.getByRole("button", { name: "Cool Kids" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Cool Kids" })).toBeVisible();
  await expectAccessible(page, "staircase detail");
  await page.getByRole("button", { name: "Liste" }).click();
  await expectAccessible(page, "staircase list");
});

test("guide steps and the outcome are accessible", async ({ page }) => {
  await startWithMunicipality(page, "Køge Kommune");
  await page.goto("/guide");
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("Han har 010203-1234 skrevet på hånden.");
  await expect(page.getByRole("alert")).toBeVisible();
  await expectAccessible(page, "observation step with CPR warning");
  await page.getByRole("button", { name: "Fjern CPR-nummeret" }).click();
  await page.getByRole("button", { name: "Videre →" }).click();
  await page.getByRole("checkbox", { name: "Kriminalitet" }).click();
  await expectAccessible(page, "topics step");
  await page.getByRole("button", { name: "Videre →" }).click();
  await page.getByRole("button", { name: "Længe – måneder" }).click();
  await page.getByRole("button", { name: "Tydeligt" }).click();
  await expectAccessible(page, "duty step");
  await page.getByRole("checkbox", { name: "Ingen af disse" }).click();
  await page.getByRole("button", { name: "Videre →" }).click();
  await page.getByRole("button", { name: "Videre →" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" })).toBeVisible();
  await expect(page.locator(".plan")).toContainText("§115 Mandagsmøderne");
  await expectAccessible(page, "outcome");
});

test("the fallback page is accessible", async ({ page }) => {
  await page.goto("/no-such-page");
  await expect(mainHeading(page)).toHaveText("Siden findes ikke");
  await expectAccessible(page, "fallback");
});

test("the hidden screen is accessible", async ({ page }) => {
  await startWithMunicipality(page);
  await page.getByRole("button", { name: "Skjul skærm" }).click();
  await expect(page.getByRole("button", { name: "Vis skærmen igen" })).toBeVisible();
  await expectAccessible(page, "hidden screen");
});

test("the English start page and the storage notice are accessible", async ({ page }) => {
  await seedStorageOnce(page, "ssp.settings", "not json");
  await page.goto("/");
  await expect(page.getByRole("alert")).toBeVisible();
  await page.getByRole("button", { name: "Viborg Kommune" }).click();
  await page.getByRole("button", { name: "Skift sprog til English" }).click();
  await expect(mainHeading(page)).toHaveText("What do you need?");
  await expectAccessible(page, "English start with notice");
});
