// PIN lock: the fixture built from known vectors (tests/vault_vectors.rs) opens with WebCrypto;
// a PIN set in the app leaves no plaintext in localStorage, and Node's own crypto opens what the
// browser wrote; reload asks for the PIN; a wrong PIN is refused and repeated ones wait; change
// PIN re-encrypts; idle time locks; a forgotten PIN leaves "Ryd denne enhed".
import { readFileSync } from "node:fs";
import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { test, expect, expectAccessible, mainHeading, seedStorage } from "./fixtures.mjs";

const LOCKED = JSON.parse(readFileSync("tests/fixtures/locked-v1.json", "utf8"));
const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
const PIN = "246813";
const ID1 = "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d01";

const lockHeading = (page) => page.getByRole("heading", { level: 1, name: "Data er låst" });

async function unlock(page, pin) {
  await page.getByLabel("PIN-kode").fill(pin);
  await page.getByRole("button", { name: "Lås op" }).click();
}

/** Opens one stored value with Node's crypto: PBKDF2-SHA256 → unwrap the data key → AES-GCM. */
function openWithNode(storage, pin, key) {
  const lock = JSON.parse(storage["ssp.lock"]).data;
  const gcm = (k, iv, ct, aad) => {
    const d = createDecipheriv("aes-256-gcm", k, iv);
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(ct.subarray(ct.length - 16));
    return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  };
  const b = (s) => Buffer.from(s, "base64");
  const kek = pbkdf2Sync(pin, b(lock.salt), lock.iterations, 32, "sha256");
  const sealed = JSON.parse(storage[key]);
  const wrapped = lock.keys.find((k) => k.id === sealed.key);
  const dek = gcm(kek, b(wrapped.iv), b(wrapped.wrapped), `ssp-handleguide:lock:${wrapped.id}`);
  return gcm(dek, b(sealed.iv), b(sealed.ct), `ssp-handleguide:${key}`).toString("utf8");
}

test("the fixture from the known vectors opens with the PIN in WebCrypto, and only with it", async ({ page }) => {
  await seedStorage(page, LOCKED);
  await page.goto("/concerns");
  await expect(lockHeading(page)).toBeVisible();
  // The locked screen shows nothing of the data and offers no way around it.
  await expect(page.getByRole("navigation", { name: "Hovedmenu" })).toHaveCount(0);
  await expect(page.locator("body")).not.toContainText("AB");
  await expect(page.locator("body")).not.toContainText("Elev K");
  await expectAccessible(page, "the locked screen");
  for (const [width, height] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `screenshots/lock-${width}x${height}.png`, fullPage: true });
  }

  await unlock(page, "246812");
  await expect(page.getByRole("alert")).toHaveText("Forkert PIN-kode. Intet er slettet – prøv igen.");
  expect(await page.evaluate(() => localStorage.length)).toBe(Object.keys(LOCKED).length + 1); // + the failure count

  await unlock(page, PIN);
  await expect(mainHeading(page)).toHaveText("Gemte bekymringer");
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
  // Still sealed on the device.
  const stored = await page.evaluate((id) => localStorage.getItem("ssp.concern." + id), ID1);
  expect(stored).toMatch(/^\{"sealed":1,/);
});

test("set a PIN: no plaintext on the device, reload asks for it, wrong is refused, right shows the data", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/concerns");
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  await page.getByRole("banner").getByRole("link", { name: "Indstillinger" }).click();
  const section = page.getByRole("region", { name: "PIN-lås" });
  await expect(section).toContainText("Glemmer du PIN-koden, kan bekymringerne ikke gendannes");
  // A passphrase is offered first; this test chooses the PIN.
  await expect(section.getByRole("radio", { name: "Adgangssætning (mindst 12 tegn) – anbefales" })).toBeChecked();
  await section.getByRole("radio", { name: "PIN-kode (6–12 cifre)" }).check();

  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill("240683");
  await section.getByLabel("Gentag den nye PIN-kode").fill("240683");
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("alert")).toContainText("ligner en dato");

  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill("123456");
  await section.getByLabel("Gentag den nye PIN-kode").fill("123456");
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("alert")).toContainText("for let at gætte");

  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill("135792");
  await section.getByLabel("Gentag den nye PIN-kode").fill("135792");
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("alert")).toContainText("Sæt kryds");
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("status")).toHaveText("Låsen er slået til, og alt gemt indhold er krypteret.");
  await expect(section).toContainText(/Alt gemt indhold på enheden er krypteret \(\d+ værdier\)/);
  await expectAccessible(page, "Settings with PIN lock on");
  await page.setViewportSize({ width: 768, height: 1024 });
  await section.screenshot({ path: "screenshots/pin-settings-768x1024.png" });

  const storage = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const everything = Object.values(storage).join("\n");
  for (const plain of ['"pseudonym"', '"AB"', "Elev K", "Skubbet", "mobning", "observation"]) {
    expect(everything, `no plaintext ${plain}`).not.toContain(plain);
  }
  const lock = JSON.parse(storage["ssp.lock"]).data;
  expect(lock.kdf).toBe("PBKDF2-SHA256");
  expect(lock.iterations).toBeGreaterThanOrEqual(600000);
  expect(Buffer.from(lock.salt, "base64")).toHaveLength(16);
  const records = Object.keys(storage).filter((k) => k.startsWith("ssp.concern."));
  expect(records).toHaveLength(2);
  const ivs = records.map((k) => JSON.parse(storage[k]).iv);
  expect(new Set(ivs).size).toBe(2);
  for (const iv of ivs) expect(Buffer.from(iv, "base64")).toHaveLength(12);
  // An independent implementation opens what the browser wrote.
  expect(openWithNode(storage, "135792", "ssp.concern." + ID1)).toContain("Skubbet i frikvarteret");

  await page.reload();
  await expect(lockHeading(page)).toBeVisible();
  await unlock(page, "135790");
  await expect(page.getByRole("alert")).toContainText("Forkert PIN-kode");
  await unlock(page, "135792");
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();

  // A change is written sealed, with a fresh IV.
  await page.getByRole("link", { name: /AB/ }).click();
  await page.getByLabel("Flyt opfølgningen").fill("2026-12-21");
  await expect(page.locator(".history")).toContainText("21.12.2026");
  const after = await page.evaluate((id) => localStorage.getItem("ssp.concern." + id), ID1);
  expect(after).toMatch(/^\{"sealed":1,/);
  expect(JSON.parse(after).iv).not.toBe(JSON.parse(storage["ssp.concern." + ID1]).iv);
  expect(after).not.toContain("2026-12-21");
});

test("change PIN re-encrypts; 'Lås nu' locks; the old PIN no longer opens", async ({ page }) => {
  await seedStorage(page, LOCKED);
  await page.goto("/settings");
  await unlock(page, PIN);
  const section = page.getByRole("region", { name: "PIN-lås" });
  await section.getByLabel("Nuværende PIN-kode").first().fill(PIN);
  await section.getByRole("radio", { name: "PIN-kode (6–12 cifre)" }).check();
  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill("864209");
  await section.getByLabel("Gentag den nye PIN-kode").fill("864209");
  await section.getByRole("button", { name: "Skift PIN-kode" }).click();
  await expect(section.getByRole("status")).toHaveText("Låsen er skiftet, og alt er krypteret igen.");

  const storage = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const lock = JSON.parse(storage["ssp.lock"]).data;
  expect(lock.keys.map((k) => k.id)).toEqual(["k2"]);
  expect(lock.salt).not.toBe(JSON.parse(LOCKED["ssp.lock"]).data.salt);
  for (const key of Object.keys(storage).filter((k) => k.startsWith("ssp.concern."))) {
    expect(JSON.parse(storage[key]).key).toBe("k2");
    expect(storage[key]).not.toBe(LOCKED[key]);
  }
  expect(openWithNode(storage, "864209", "ssp.concern." + ID1)).toContain('"pseudonym":"AB"');

  await section.getByRole("button", { name: "Lås nu" }).click();
  await expect(lockHeading(page)).toBeVisible();
  await unlock(page, PIN);
  await expect(page.getByRole("alert")).toContainText("Forkert PIN-kode");
  await unlock(page, "864209");
  await page.goto("/concerns");
  await unlock(page, "864209");
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
});

test("idle time locks the app; repeated wrong PINs make the user wait, and nothing is deleted", async ({ page }) => {
  await page.clock.install();
  await seedStorage(page, LOCKED);
  await page.goto("/concerns");
  await unlock(page, PIN);
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();

  await page.clock.fastForward("04:00");
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  await page.clock.fastForward("01:30");
  await expect(lockHeading(page)).toBeVisible();
  await expect(page.locator("body")).not.toContainText("Elev K");

  for (const wrong of ["111111", "222222", "333333"]) {
    await unlock(page, wrong);
    await expect(page.getByRole("alert")).toBeVisible();
  }
  await expect(page.getByRole("alert")).toContainText("For mange forkerte forsøg. Intet er slettet.");
  await expect(page.getByRole("button", { name: "Lås op" })).toBeDisabled();
  await page.clock.fastForward("00:06");
  await expect(page.getByRole("button", { name: "Lås op" })).toBeEnabled();
  await unlock(page, PIN);
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
});

test("two tabs with a PIN: a change in one shows in the other", async ({ page, context }) => {
  await seedStorage(page, LOCKED);
  await page.goto(`/concerns/${ID1}`);
  await unlock(page, PIN);
  await expect(mainHeading(page)).toContainText("AB");
  const other = await context.newPage();
  await other.goto(`/concerns/${ID1}`);
  await unlock(other, PIN);
  await expect(mainHeading(other)).toContainText("AB");
  await page.getByLabel("Flyt opfølgningen").fill("2026-12-22");
  await expect(other.locator(".history")).toContainText("Opfølgning flyttet til: 22.12.2026");
  await other.close();
});

test("a forgotten PIN: the data cannot be opened, and the device can be cleared to start again", async ({ page }) => {
  await seedStorage(page, LOCKED);
  await page.goto("/");
  await page.getByText("Glemt PIN-koden?").click();
  await expect(page.getByText("kan ikke nulstilles")).toBeVisible();
  await page.getByLabel("Skriv SLET for at bekræfte").fill("SLET");
  await page.getByRole("button", { name: "Ryd denne enhed" }).click();
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.")))).toEqual([]);
});
