// Data on the device: what was set aside is shown (download, delete); storage used; clearing
// the device asks for a typed word and removes only the app's data; the privacy page.
import { readFileSync } from "node:fs";
import { test, expect, mainHeading, seedStorageOnce, startWithMunicipality } from "./fixtures.mjs";

test("unreadable saved concerns are set aside, reported, downloadable and deletable; the rest loads", async ({ page }) => {
  await seedStorageOnce(page, "ssp.concerns", '{"schema":1,"data":[{"id":"half a rec');
  await page.goto("/");
  await expect(page.getByRole("alert")).toContainText("De gemte bekymringer kunne ikke læses");
  await page.getByRole("button", { name: "Viborg Kommune" }).click();
  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();

  const item = page.locator(".quarantine__item");
  await expect(item).toContainText("ssp.concerns");
  await expect(page.getByText(/Appen bruger i alt \d+ kB/)).toBeVisible();
  // The copy is not encrypted: a second step with the warning (tests/e2e/backup.spec.mjs).
  await item.getByRole("button", { name: "Hent som fil" }).click();
  const download = page.waitForEvent("download");
  await item.getByRole("button", { name: "Hent ukrypteret fil" }).click();
  const saved = JSON.parse(readFileSync(await (await download).path(), "utf8"));
  expect(saved.raw).toBe('{"schema":1,"data":[{"id":"half a rec');
  expect(saved.key).toBe("ssp.concerns");

  await item.getByRole("button", { name: "Slet" }).click();
  await expect(page.getByText("Intet er lagt til side.")).toBeVisible();
  const keys = await page.evaluate(() => Object.keys(localStorage));
  expect(keys.filter((k) => k.startsWith("ssp.quarantine."))).toEqual([]);
});

test("Ryd denne enhed asks for the typed word and removes only the app's data", async ({ page }) => {
  await startWithMunicipality(page);
  await page.evaluate(() => localStorage.setItem("another-app", "keep"));
  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByLabel("Skriv SLET for at bekræfte").fill("slet ikke");
  await page.getByRole("button", { name: "Ryd denne enhed" }).click();
  await expect(page.getByRole("alert")).toContainText("Skriv ordet præcis");
  expect(await page.evaluate(() => localStorage.getItem("ssp.settings"))).not.toBeNull();

  await page.getByLabel("Skriv SLET for at bekræfte").fill("SLET");
  await page.getByRole("button", { name: "Ryd denne enhed" }).click();
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");
  const keys = await page.evaluate(() => Object.keys(localStorage));
  expect(keys).toEqual(["another-app"]);
});

test("the privacy page says what is stored where", async ({ page }) => {
  await startWithMunicipality(page);
  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByRole("link", { name: "Læs om privatliv og data" }).click();
  await expect(mainHeading(page)).toHaveText("Privatliv og data");
  await expect(page.getByText("Kun i browserens lager på denne enhed")).toBeVisible();
  await expect(page.getByText("kommunens egen sikre kanal")).toBeVisible();
  await expect(page.getByText(/Med en lås .* krypteres alt, hvad appen gemmer om børn, på enheden/)).toBeVisible();
  await expect(page.getByText(/en PIN-kode holder en forbipasserende ude, men ikke den, der kopierer lageret/)).toBeVisible();
  await expect(page.getByText(/En sikkerhedskopi krypteres med sin egen adgangssætning/)).toBeVisible();
});

// The plain (old-style) file: still written after the explicit choice, and still imported.
// The encrypted default is in tests/e2e/backup.spec.mjs.
test("plain export → clear this device → import → everything is back", async ({ page }) => {
  const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
  const settings = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "koege", my_role: "Lærer" } });
  await page.addInitScript(([v1, s]) => {
    if (!sessionStorage.getItem("seeded")) {
      localStorage.setItem("ssp.concerns", v1);
      localStorage.setItem("ssp.settings", s);
      sessionStorage.setItem("seeded", "1");
    }
  }, [V1, settings]);
  await page.goto("/concerns");
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  const before = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern.")).sort().map((k) => localStorage.getItem(k)),
  );

  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByRole("checkbox", { name: /Jeg forstår, at filen ikke er krypteret/ }).check();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Eksportér ukrypteret fil" }).click();
  const file = await (await download).path();

  await page.getByLabel("Skriv SLET for at bekræfte").fill("SLET");
  await page.getByRole("button", { name: "Ryd denne enhed" }).click();
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");

  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles(file);
  await expect(page.getByRole("status")).toContainText("2 nye bekymringer");
  await expect(page.getByRole("status")).toContainText("Indstillingerne gendannes.");
  await page.getByRole("button", { name: "Importér", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Sikkerhedskopien er importeret.");
  await expect(page.getByRole("banner")).toContainText("Køge Kommune");

  await page.reload();
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
  const after = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern.")).sort().map((k) => localStorage.getItem(k)),
  );
  expect(after).toEqual(before);

  // A file that is not a backup is refused with the reason; nothing changes.
  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from("[]") });
  await expect(page.getByRole("alert")).toContainText("not an SSP Handleguide backup");
});
