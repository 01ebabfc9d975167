// Backups (docs/backup-format.md): an export is encrypted with a passphrase by default; the file
// holds nothing in the clear and Node's own crypto opens it; clear the device, import with the
// passphrase, everything is back; a wrong passphrase is refused and nothing is written; the
// fixture made by an independent implementation (tests/backup_format.rs) opens in the app and
// with scripts/open-backup.mjs; a plain export and a set-aside download need an explicit choice.
import { readFileSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { test, expect, expectAccessible, mainHeading, seedStorage } from "./fixtures.mjs";

const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "koege", my_role: "Lærer" } });
const FIXTURE = "tests/fixtures/backup-encrypted-v1.json";
const FIXTURE_PASSPHRASE = "korsbær lampe tirsdag regnvejr";
const PASSPHRASE = "blå kaffekande vindmølle onsdag";
// Texts from the fixture's two concerns that must never be in an encrypted file.
const PLAINTEXT = ["Elev K", "Skubbet i frikvarteret", "fiktivt eksempel", "Skole A, 6.b", "mobning", "pseudonym", "koege", "ssp-handleguide-backup\""];

const settingsLink = (page) => page.getByRole("banner").getByRole("link", { name: "Indstillinger" });
const concernRecords = (page) =>
  page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern.")).sort().map((k) => localStorage.getItem(k)),
  );
const allStorage = (page) => page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));

/** Opens a file with scripts/open-backup.mjs (Node's own crypto), the passphrase in the env. */
function openWithScript(path, passphrase) {
  return spawnSync("node", ["scripts/open-backup.mjs", path], {
    env: { ...process.env, SSP_BACKUP_PASSPHRASE: passphrase },
    encoding: "utf8",
  });
}

async function exportEncrypted(page, passphrase) {
  await page.getByLabel("Adgangssætning til filen (mindst 12 tegn").fill(passphrase);
  await page.getByLabel("Gentag adgangssætningen til filen").fill(passphrase);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Eksportér alle data" }).click();
  return (await download).path();
}

test("encrypted export → clear this device → import with the passphrase → everything is back", async ({ page }) => {
  await seedStorage(page, { "ssp.concerns": V1, "ssp.settings": SETTINGS });
  await page.goto("/concerns");
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  const before = await concernRecords(page);

  await settingsLink(page).click();
  await expect(page.getByText(/Filen krypteres med en adgangssætning, som du vælger her/)).toBeVisible();
  await expectAccessible(page, "Settings with the backup section");
  // The file's passphrase is checked like the lock's: length, strength, typed twice.
  await page.getByLabel("Adgangssætning til filen (mindst 12 tegn").fill("kort");
  await page.getByRole("button", { name: "Eksportér alle data" }).click();
  await expect(page.getByRole("alert")).toHaveText("Adgangssætningen skal have mindst 12 og højst 200 tegn.");
  await page.getByLabel("Adgangssætning til filen (mindst 12 tegn").fill("aaaaaaaaaaaaaaaa");
  await expect(page.getByText(/Anslået styrke: for svag/)).toBeVisible();
  await page.getByRole("button", { name: "Eksportér alle data" }).click();
  await expect(page.getByRole("alert")).toContainText("for let at gætte");
  await page.getByLabel("Adgangssætning til filen (mindst 12 tegn").fill(PASSPHRASE);
  await page.getByLabel("Gentag adgangssætningen til filen").fill(PASSPHRASE + "x");
  await page.getByRole("button", { name: "Eksportér alle data" }).click();
  await expect(page.getByRole("alert")).toHaveText("De to adgangssætninger er ikke ens.");

  const file = await exportEncrypted(page, PASSPHRASE);
  await expect(page.getByRole("status")).toContainText("Den krypterede sikkerhedskopi er hentet.");
  const section = page.getByRole("region", { name: "Data på denne enhed" });
  for (const [width, height] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await section.screenshot({ path: `screenshots/backup-${width}x${height}.png` });
  }
  await expect(page.getByLabel("Adgangssætning til filen (mindst 12 tegn")).toHaveValue("");

  // The file is the documented envelope and holds nothing in the clear.
  const text = readFileSync(file, "utf8");
  const envelope = JSON.parse(text);
  expect(Object.keys(envelope).sort()).toEqual(["cipher", "ct", "iterations", "iv", "kdf", "kind", "salt", "version"]);
  expect(envelope).toMatchObject({ kind: "ssp-handleguide-backup-encrypted", version: 1, kdf: "PBKDF2-SHA256", iterations: 600000, cipher: "AES-256-GCM" });
  expect(Buffer.from(envelope.salt, "base64")).toHaveLength(16);
  expect(Buffer.from(envelope.iv, "base64")).toHaveLength(12);
  for (const needle of PLAINTEXT) expect(text, needle).not.toContain(needle);
  expect(envelope.ct).toMatch(/^[A-Za-z0-9+/]+=*$/);

  // Node's own crypto opens it with the passphrase, and only with it.
  const opened = openWithScript(file, PASSPHRASE);
  expect(opened.status, opened.stderr).toBe(0);
  const plain = JSON.parse(opened.stdout);
  expect(plain.kind).toBe("ssp-handleguide-backup");
  expect(plain.concerns.map((c) => c.pseudonym ?? c.child).sort()).toEqual(["AB", "Elev K"]);
  expect(plain.settings.municipality).toBe("koege");
  expect(openWithScript(file, PASSPHRASE.slice(0, -1)).status).toBe(1);

  await page.getByLabel("Skriv SLET for at bekræfte").fill("SLET");
  await page.getByRole("button", { name: "Ryd denne enhed" }).click();
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");

  await settingsLink(page).click();
  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles(file);
  await expect(page.getByText("Filen er krypteret. Skriv den adgangssætning")).toBeVisible();
  await expect(page.getByLabel("Adgangssætning til filen", { exact: true })).toBeFocused();
  await expectAccessible(page, "the import's passphrase prompt");
  await page.getByLabel("Adgangssætning til filen", { exact: true }).fill(PASSPHRASE);
  await page.getByRole("button", { name: "Åbn filen" }).click();
  await expect(page.getByRole("status")).toContainText("2 nye bekymringer");
  await expect(page.getByRole("status")).toContainText("Indstillingerne gendannes.");
  await page.getByRole("button", { name: "Importér", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Sikkerhedskopien er importeret.");
  await expect(page.getByRole("banner")).toContainText("Køge Kommune");

  await page.reload();
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
  expect(await concernRecords(page)).toEqual(before);
});

test("a wrong passphrase is refused and nothing is written; the right one opens the fixture made outside the browser", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS });
  await page.goto("/settings");
  await expect(mainHeading(page)).toHaveText("Indstillinger");
  const stored = await allStorage(page);

  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles(FIXTURE);
  const phrase = page.getByLabel("Adgangssætning til filen", { exact: true });
  await phrase.fill("korsbær lampe tirsdag regnvejR");
  await page.getByRole("button", { name: "Åbn filen" }).click();
  await expect(page.getByRole("alert")).toHaveText("Forkert adgangssætning, eller filen er blevet ændret. Intet er importeret.");
  await expect(phrase).toHaveValue("");
  await expect(page.getByText("nye bekymringer")).toHaveCount(0);
  expect(await allStorage(page)).toEqual(stored);
  await expectAccessible(page, "a refused passphrase");

  // A changed file does not open either, with the right passphrase.
  const tampered = JSON.parse(readFileSync(FIXTURE, "utf8"));
  const ct = Buffer.from(tampered.ct, "base64");
  ct[20] ^= 1;
  tampered.ct = ct.toString("base64");
  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles({ name: "t.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(tampered)) });
  await phrase.fill(FIXTURE_PASSPHRASE);
  await page.getByRole("button", { name: "Åbn filen" }).click();
  await expect(page.getByRole("alert")).toContainText("Forkert adgangssætning");
  expect(await allStorage(page)).toEqual(stored);

  // A malformed envelope is refused with its reason before any passphrase is asked.
  const weak = { ...JSON.parse(readFileSync(FIXTURE, "utf8")), iterations: 1000 };
  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles({ name: "w.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(weak)) });
  await expect(page.getByRole("alert")).toContainText("$.iterations: 1000 is outside 600000–10000000");
  await expect(phrase).toHaveCount(0);

  // The fixture (RustCrypto, tests/backup_format.rs) opens in WebCrypto with its passphrase.
  await page.getByLabel("Importér en sikkerhedskopi (.json)").setInputFiles(FIXTURE);
  await phrase.fill(FIXTURE_PASSPHRASE);
  await page.getByRole("button", { name: "Åbn filen" }).click();
  await expect(page.getByRole("status")).toContainText("2 nye bekymringer");
  // Still nothing written until "Importér".
  expect(await allStorage(page)).toEqual(stored);
  await page.getByRole("button", { name: "Importér", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Sikkerhedskopien er importeret.");
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
});

test("scripts/open-backup.mjs opens the fixture with Node's own crypto (passphrase from the env or stdin)", () => {
  const fromEnv = openWithScript(FIXTURE, FIXTURE_PASSPHRASE);
  expect(fromEnv.status, fromEnv.stderr).toBe(0);
  const backup = JSON.parse(fromEnv.stdout);
  expect(backup.kind).toBe("ssp-handleguide-backup");
  expect(backup.concerns).toHaveLength(2);
  const fromStdin = execFileSync("node", ["scripts/open-backup.mjs", FIXTURE], {
    input: FIXTURE_PASSPHRASE + "\n",
    env: { ...process.env, SSP_BACKUP_PASSPHRASE: undefined },
    encoding: "utf8",
  });
  expect(JSON.parse(fromStdin)).toEqual(backup);
  const wrong = openWithScript(FIXTURE, "korsbaer lampe tirsdag regnvejr");
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toContain("wrong passphrase");
  expect(wrong.stdout).toBe("");
  const notABackup = openWithScript("package.json", FIXTURE_PASSPHRASE);
  expect(notABackup.status).toBe(2);
});

test("a plain export needs the explicit choice, and says the file is not encrypted", async ({ page }) => {
  await seedStorage(page, { "ssp.concerns": V1, "ssp.settings": SETTINGS });
  await page.goto("/settings");
  let downloads = 0;
  page.on("download", () => downloads++);
  const plainButton = page.getByRole("button", { name: "Eksportér ukrypteret fil" });
  const understand = page.getByRole("checkbox", { name: /Jeg forstår, at filen ikke er krypteret/ });
  await expect(page.getByRole("heading", { name: "Eksportér uden kryptering" })).toBeVisible();
  await expect(page.getByText("Filen er ikke krypteret")).toBeVisible();
  await expect(plainButton).toBeDisabled();
  await expect(understand).not.toBeChecked();

  await understand.check();
  await expect(plainButton).toBeEnabled();
  const download = page.waitForEvent("download");
  await plainButton.click();
  const plain = JSON.parse(readFileSync(await (await download).path(), "utf8"));
  expect(plain.kind).toBe("ssp-handleguide-backup");
  expect(plain.concerns).toHaveLength(2);
  // The choice holds for one file only.
  await expect(understand).not.toBeChecked();
  await expect(plainButton).toBeDisabled();
  expect(downloads).toBe(1);
});

test("downloading a set-aside value needs a second step with the warning", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": '{"schema":1,"data":[{"id":"half a rec' });
  await page.goto("/settings");
  let downloads = 0;
  page.on("download", () => downloads++);
  const item = page.locator(".quarantine__item");
  await item.getByRole("button", { name: "Hent som fil" }).click();
  await expect(item).toContainText("Filen bliver ikke krypteret, og den kan indeholde oplysninger om et barn.");
  await expectAccessible(page, "the set-aside download's warning");
  expect(downloads).toBe(0);
  await item.getByRole("button", { name: "Annullér" }).click();
  await expect(item.getByRole("button", { name: "Hent ukrypteret fil" })).toHaveCount(0);
  expect(downloads).toBe(0);

  await item.getByRole("button", { name: "Hent som fil" }).click();
  const download = page.waitForEvent("download");
  await item.getByRole("button", { name: "Hent ukrypteret fil" }).click();
  const saved = JSON.parse(readFileSync(await (await download).path(), "utf8"));
  expect(saved.key).toBe("ssp.concerns");
  expect(downloads).toBe(1);
});
