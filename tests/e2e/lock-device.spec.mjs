// A lock key bound to the tablet (issue 14): WebAuthn with the PRF extension on a platform
// authenticator, here Chromium's virtual authenticator over the DevTools protocol. The data
// key is wrapped under HKDF(PRF output ‖ PBKDF2(PIN)); Node's own crypto shows that the right
// PIN without the PRF output opens nothing, and that with it the data opens. Removing the
// credential from the authenticator gives a clear screen that offers "Ryd denne enhed" and changes nothing.
import { readFileSync } from "node:fs";
import { createDecipheriv, hkdfSync, pbkdf2Sync } from "node:crypto";
import { test, expect, expectAccessible, seedStorage } from "./fixtures.mjs";

const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
const ID1 = "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d01";
const PIN = "135792";

// WebAuthn needs a domain name, not an IP address: these tests open the app as localhost (the
// same server on 127.0.0.1). On 127.0.0.1 the app does not offer the device key at all.
test.use({ baseURL: `http://localhost:${Number(process.env.E2E_PORT || 4173)}` });

const lockHeading = (page) => page.getByRole("heading", { level: 1, name: "Data er låst" });
const b = (s) => Buffer.from(s, "base64");

async function addAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      hasPrf: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Test-only: keeps each PRF output the page receives, so Node can check the scheme. */
async function recordPrf(page) {
  await page.addInitScript(() => {
    window.__prf = [];
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = async (options) => {
      const credential = await get(options);
      const first = credential.getClientExtensionResults().prf?.results?.first;
      if (first) window.__prf.push(btoa(String.fromCharCode(...new Uint8Array(first))));
      return credential;
    };
  });
}

function gcmOpen(key, iv, ct, aad) {
  const d = createDecipheriv("aes-256-gcm", key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
}

/** Unwraps the data key with `kek` and opens the concern `key`; throws if the key is wrong. */
function openWith(storage, kek, key) {
  const lock = JSON.parse(storage["ssp.lock"]).data;
  const sealed = JSON.parse(storage[key]);
  const wrapped = lock.keys.find((k) => k.id === sealed.key);
  const dek = gcmOpen(kek, b(wrapped.iv), b(wrapped.wrapped), `ssp-handleguide:lock:${wrapped.id}`);
  return gcmOpen(dek, b(sealed.iv), b(sealed.ct), `ssp-handleguide:${key}`).toString("utf8");
}

test("device key + PIN: set up, unlock; the PIN without the device's PRF output opens nothing", async ({ page }) => {
  await addAuthenticator(page);
  await recordPrf(page);
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "PIN-lås" });
  const device = section.getByRole("radio", { name: /Tablettens egen lås/ });
  await expect(device).toBeChecked();
  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill(PIN);
  await section.getByLabel("Gentag den nye PIN-kode").fill(PIN);
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("status")).toHaveText("Låsen er slået til, og alt gemt indhold er krypteret.");
  await expectAccessible(page, "Settings with a device-bound lock");

  const storage = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const lock = JSON.parse(storage["ssp.lock"]).data;
  expect(lock.device.credential.length).toBeGreaterThan(0);
  expect(b(lock.device.prf_salt)).toHaveLength(32);
  const key = "ssp.concern." + ID1;
  const pinBits = pbkdf2Sync(PIN, b(lock.salt), lock.iterations, 32, "sha256");
  const info = "ssp-handleguide:device+pin:v1";
  // The right PIN alone: neither as a plain PIN lock's key, nor in the device scheme without
  // the device's output, opens the data key.
  expect(() => openWith(storage, pinBits, key)).toThrow();
  const noDevice = Buffer.from(hkdfSync("sha256", Buffer.concat([Buffer.alloc(32), pinBits]), b(lock.salt), info, 32));
  expect(() => openWith(storage, noDevice, key)).toThrow();
  // With the PRF output the device gave, the same PIN opens it: the scheme is as documented.
  const prf = await page.evaluate(() => window.__prf.at(-1));
  expect(b(prf)).toHaveLength(32);
  const both = Buffer.from(hkdfSync("sha256", Buffer.concat([b(prf), pinBits]), b(lock.salt), info, 32));
  expect(openWith(storage, both, key)).toContain("Skubbet i frikvarteret");
  // And the wrong PIN with the device's output does not.
  const wrongBits = pbkdf2Sync("135790", b(lock.salt), lock.iterations, 32, "sha256");
  const wrong = Buffer.from(hkdfSync("sha256", Buffer.concat([b(prf), wrongBits]), b(lock.salt), info, 32));
  expect(() => openWith(storage, wrong, key)).toThrow();

  await page.reload();
  await expect(lockHeading(page)).toBeVisible();
  await expect(page.getByText("Bekræft med tablettens lås")).toBeVisible();
  await page.getByLabel("PIN-kode").fill("135790");
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(page.getByRole("alert")).toContainText("Forkert PIN-kode");
  await page.getByLabel("PIN-kode").fill(PIN);
  await page.getByRole("button", { name: "Lås op" }).click();
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
});

test("opened by IP address, the device key is not offered", async ({ page }) => {
  await addAuthenticator(page);
  await page.goto(`http://127.0.0.1:${Number(process.env.E2E_PORT || 4173)}/settings`);
  const section = page.getByRole("region", { name: "PIN-lås" });
  await expect(section.getByRole("radio", { name: "Adgangssætning (mindst 12 tegn) – anbefales" })).toBeChecked();
  await expect(section.getByRole("radio", { name: /Tablettens egen lås/ })).toHaveCount(0);
});

test("the device key gone: a clear screen offers 'Ryd denne enhed', and nothing is changed", async ({ page }) => {
  const { cdp, authenticatorId } = await addAuthenticator(page);
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "PIN-lås" });
  await expect(section.getByRole("radio", { name: /Tablettens egen lås/ })).toBeChecked();
  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill(PIN);
  await section.getByLabel("Gentag den nye PIN-kode").fill(PIN);
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await expect(section.getByRole("status")).toBeVisible();

  // The tablet's lock was reset: the authenticator is there, the credential is gone.
  await cdp.send("WebAuthn.clearCredentials", { authenticatorId });
  await page.reload();
  const before = await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
  await page.getByLabel("PIN-kode").fill(PIN);
  await page.getByRole("button", { name: "Lås op" }).click();
  await expect(page.getByRole("heading", { name: "Tablettens nøgle kunne ikke bruges" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("kan data her ikke åbnes – heller ikke med PIN-koden")).toBeVisible();
  await expect(page.getByRole("button", { name: "Ryd denne enhed" })).toBeVisible();
  await expectAccessible(page, "the device key is gone");
  for (const [width, height] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `screenshots/device-key-gone-${width}x${height}.png`, fullPage: true });
  }
  // Nothing was deleted or counted as a wrong PIN.
  const after = await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
  expect(after).toBe(before);
});
