// The lock fails closed (issue 14): after a lock is set, no value outside a short allowlist is
// in the clear and no personal text is anywhere in localStorage, also after a forced quarantine
// and in training; the passphrase path works end to end; locking forgets the guide's answers;
// a CPR-like number never reaches the draft.
import { readFileSync } from "node:fs";
import { test, expect, expectAccessible, seedStorage } from "./fixtures.mjs";

const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
const PASSPHRASE = "grøn cykel under broen synger";
const ID1 = "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d01";

// Written out from the issue, not read from the app: what may stay in the clear.
const ALLOWED_PLAIN = (k) =>
  ["ssp.lock", "ssp.lock.failures", "ssp.settings", "ssp.training.on", "ssp.sync.lease"].includes(k) ||
  k.startsWith("ssp.profile.") ||
  k.startsWith("ssp.quarantine.ssp.settings.") ||
  k.startsWith("ssp.quarantine.ssp.profile.");

// Personal texts the fixtures and the steps below put on the device.
// (Long enough that a base64 ciphertext cannot hold one by chance.)
const PERSONAL = ['"pseudonym":"AB"', "Elev K", "Skubbet", "frikvarteret", "Træning-Ø", "Fiktiv observation", "TEST-ONLY-token"];

const lockHeading = (page) => page.getByRole("heading", { level: 1, name: "Data er låst" });

/** Every key the app wrote, with what is wrong with it. */
async function leaks(page) {
  const storage = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const found = [];
  for (const [key, raw] of Object.entries(storage)) {
    if (!key.startsWith("ssp.")) continue;
    if (!ALLOWED_PLAIN(key) && !/^\{"sealed":1,/.test(raw)) found.push(`${key}: not sealed`);
    for (const text of PERSONAL) if (raw.includes(text)) found.push(`${key}: holds ${text}`);
  }
  return { found, keys: Object.keys(storage) };
}

async function setPassphrase(page, phrase) {
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "PIN-lås" });
  await section.getByLabel(/^Ny adgangssætning/).fill(phrase);
  await section.getByLabel("Gentag den nye adgangssætning").fill(phrase);
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("status")).toHaveText("Låsen er slået til, og alt gemt indhold er krypteret.");
  return section;
}

test("after a passphrase is set, nothing outside the allowlist is plain, also training, quarantine and sync", async ({ page }) => {
  // A device in use without a lock: concerns, a damaged record (set aside on load), training's
  // cases, sync's secret and state, the index and tombstones.
  await seedStorage(page, {
    "ssp.settings": SETTINGS,
    "ssp.concerns": V1,
    "ssp.concern.broken": '{"schema":3,"data":{"pseudonym":"Træning-Ø","observation":"Fiktiv observation',
    "ssp.training.concern.t1": JSON.stringify({ schema: 3, data: { pseudonym: "Træning-Ø" } }),
    "ssp.sync.secret": JSON.stringify({ schema: 1, data: "TEST-ONLY-token" }),
    "ssp.tombstone.x1": JSON.stringify({ schema: 1, data: { id: "x1", revision: 2, deleted_ms: 1 } }),
  });
  await page.goto("/concerns");
  await expect(page.getByRole("alert")).toContainText("1 er lagt til side");
  const before = await leaks(page);
  expect(before.found.length, "the device starts with plaintext").toBeGreaterThan(5);
  expect(before.keys.some((k) => k.startsWith("ssp.quarantine.ssp.concern.broken."))).toBe(true);

  await setPassphrase(page, PASSPHRASE);
  const after = await leaks(page);
  expect(after.found).toEqual([]);
  for (const key of ["ssp.concerns.index", "ssp.training.concern.t1", "ssp.sync.secret"]) {
    expect(after.keys, key).toContain(key);
  }

  // A sealed value changed on the device is set aside at unlock, and the copy stays sealed.
  await page.evaluate((id) => {
    const k = "ssp.concern." + id;
    const v = JSON.parse(localStorage.getItem(k));
    v.ct = (v.ct[0] === "A" ? "B" : "A") + v.ct.slice(1);
    localStorage.setItem(k, JSON.stringify(v));
  }, ID1);
  await page.reload();
  await page.getByLabel("Adgangssætning").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(page.getByRole("alert")).toContainText("kunne ikke åbnes med låsens nøgle");
  const quarantined = await leaks(page);
  expect(quarantined.keys.some((k) => k.startsWith(`ssp.quarantine.ssp.concern.${ID1}.`))).toBe(true);
  expect(quarantined.found).toEqual([]);
});

test("the passphrase path: weak ones refused with their strength shown, reload asks for it, wrong refused", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "PIN-lås" });
  await section.getByText("Hvad beskytter låsen mod?").click();
  await expect(section).toContainText("Den beskytter ikke, hvis nogen kopierer lageret");
  await expect(section).not.toContainText("ingen læse");

  await section.getByLabel(/^Ny adgangssætning/).fill("kort");
  await expect(section.getByText(/Anslået styrke: for svag/)).toBeVisible();
  await section.getByLabel("Gentag den nye adgangssætning").fill("kort");
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("alert")).toHaveText("Adgangssætningen skal have mindst 12 og højst 200 tegn.");
  await section.getByLabel(/^Ny adgangssætning/).fill("hest hest hest hest");
  await section.getByLabel("Gentag den nye adgangssætning").fill("hest hest hest hest");
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("alert")).toContainText("for let at gætte");

  await section.getByLabel(/^Ny adgangssætning/).fill(PASSPHRASE);
  await expect(section.getByText(/Anslået styrke: (god nok|stærk)/)).toBeVisible();
  await section.getByLabel("Gentag den nye adgangssætning").fill(PASSPHRASE);
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("status")).toHaveText("Låsen er slået til, og alt gemt indhold er krypteret.");
  await expectAccessible(page, "Settings with a passphrase lock");
  for (const [width, height] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await section.screenshot({ path: `screenshots/lock-settings-${width}x${height}.png` });
  }

  await page.reload();
  await expect(lockHeading(page)).toBeVisible();
  await expect(page.getByText("Skriv adgangssætningen")).toBeVisible();
  await page.getByLabel("Adgangssætning").fill("grøn cykel under broen");
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(page.getByRole("alert")).toContainText("Forkert");
  await page.getByLabel("Adgangssætning").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Lås op" }).click();
  await page.goto("/concerns");
  await page.getByLabel("Adgangssætning").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
});

test("locking forgets the answers of 'Hvad skal jeg gøre?'; unlocking does not bring them back", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS });
  await setPassphrase(page, PASSPHRASE);
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Vejledning" }).click();
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("Fiktiv observation om et barn.");
  await page.getByRole("button", { name: "Videre →" }).click();
  await expect(page.getByText("Hvad handler bekymringen om?")).toBeVisible();

  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  await page.getByRole("button", { name: "Lås nu" }).click();
  await expect(lockHeading(page)).toBeVisible();
  await expect(page.locator("body")).not.toContainText("Fiktiv observation");
  await page.getByLabel("Adgangssætning").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Lås op" }).click();
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Vejledning" }).click();
  await expect(page.getByText("Er barnet i fare lige nu?")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("Fiktiv observation");
});

test("a CPR-like number is never stored: the step does not move on, and the draft never holds it", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS });
  await page.goto("/concern/new");
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("Han sagde sit nummer 010203-1234 højt i klassen.");
  await page.getByRole("button", { name: "Videre →" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "svaret er ikke gemt" })).toBeVisible();
  await expect(page.getByText("Hvad har du set eller hørt?")).toBeVisible();
  // Nothing typed is lost.
  await expect(page.getByLabel("Det har jeg set eller hørt")).toHaveValue("Han sagde sit nummer 010203-1234 højt i klassen.");
  const everything = await page.evaluate(() => Object.values(localStorage).join("\n"));
  expect(everything).not.toContain("010203");
  expect(everything).not.toContain("0102031234");
  // Removed, the answer is taken and kept in the draft.
  await page.getByRole("button", { name: "Fjern CPR-nummeret" }).click();
  await page.getByRole("button", { name: "Videre →" }).click();
  await expect(page.getByText("Hvad handler bekymringen om?")).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("ssp.draft.concern") || ""))
    .toContain("[CPR fjernet]");
});
