// Benchmark for scripts/bench: time to unlock N encrypted concerns in Chromium, with a PIN lock
// and with a device-bound lock (WebAuthn PRF + PIN, Chromium's virtual authenticator).
//
//   node tests/support/bench-unlock.mjs [dist] [count] [runs]
//
// PIN: seals `count` concerns with Node's crypto in the app's scheme (PBKDF2-SHA256 600,000
// rounds → wrapped data key → AES-256-GCM per record, the storage key as additional data).
// Device: the app sets the lock up itself (the virtual authenticator answers), the PRF output it
// received is recorded, and Node derives the same wrapping key (HKDF over PRF output and PBKDF2
// of the PIN) to unwrap the data key and seal the records under it. Both: the records go into
// localStorage, the PIN is entered, and the time runs from the click on "Lås op" to the list of
// saved concerns showing its first page (the 100 most urgent) and the count of all. Prints one JSON object. No CPU throttling (this machine).
import { chromium } from "@playwright/test";
import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2Sync, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { chromiumLaunch } from "../../playwright.config.mjs";
import { createStaticServer } from "./serve.mjs";

const dist = process.argv[2] || "dist";
const count = Number(process.argv[3] || 5000);
const runs = Number(process.argv[4] || 3);
const PIN = "246813";
const COMPACT = process.env.FULL_RECORDS ? false : true;

const seal = (key, plain, aad) => {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return { iv: iv.toString("base64"), ct: ct.toString("base64") };
};

const open = (key, iv, ct, aad) => {
  const d = createDecipheriv("aes-256-gcm", key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
};

/** A PIN lock made here: its record and data key. */
function pinLock() {
  const salt = randomBytes(16);
  const dek = randomBytes(32);
  const kek = pbkdf2Sync(PIN, salt, 600000, 32, "sha256");
  const w = seal(kek, dek, "ssp-handleguide:lock:k1");
  const lock = { kdf: "PBKDF2-SHA256", iterations: 600000, salt: salt.toString("base64"), keys: [{ id: "k1", iv: w.iv, wrapped: w.ct }], current: "k1" };
  return { lock, dek };
}

/** The data key of a device-bound lock the app made, from the PRF output it received. */
function deviceDek(lock, prf) {
  const b = (x) => Buffer.from(x, "base64");
  const pinBits = pbkdf2Sync(PIN, b(lock.salt), lock.iterations, 32, "sha256");
  const kek = Buffer.from(hkdfSync("sha256", Buffer.concat([b(prf), pinBits]), b(lock.salt), "ssp-handleguide:device+pin:v1", 32));
  const k = lock.keys.find((x) => x.id === lock.current);
  return open(kek, b(k.iv), b(k.wrapped), `ssp-handleguide:lock:${k.id}`);
}

function storage({ lock, dek }) {
  // One realistic record from the schema-1 fixture, as schema 2, with a new id each time.
  const [template] = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8")).data;
  // Compact (no guide answers, one action item, one history entry), so 5,000 fit in Chromium's localStorage.
  const { child, ...full } = template;
  const rest = COMPACT ? { ...full, answers: {}, action_plan: full.action_plan.slice(0, 1), history: full.history.slice(0, 1) } : full;
  const out = {
    "ssp.settings": JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } }),
    "ssp.lock": JSON.stringify({ schema: 1, data: lock }),
  };
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    ids.push(id);
    const key = `ssp.concern.${id}`;
    const record = JSON.stringify({ schema: 2, data: { ...rest, id, pseudonym: `F${i}` } });
    const s = seal(dek, Buffer.from(record), `ssp-handleguide:${key}`);
    out[key] = JSON.stringify({ sealed: 1, key: "k1", iv: s.iv, ct: s.ct });
  }
  out["ssp.concerns.index"] = JSON.stringify({ schema: 1, data: ids });
  return out;
}

/** Sets a device-bound lock up in the app (no concerns yet) and returns its record and data key. */
async function deviceLock(page, base) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true },
  });
  await page.addInitScript(() => {
    window.__prf = [];
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = async (o) => {
      const c = await get(o);
      const first = c.getClientExtensionResults().prf?.results?.first;
      if (first) window.__prf.push(btoa(String.fromCharCode(...new Uint8Array(first))));
      return c;
    };
  });
  await page.goto(`${base}/privacy`);
  await page.evaluate((s) => localStorage.setItem("ssp.settings", s), JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } }));
  await page.goto(`${base}/settings`);
  const section = page.getByRole("region", { name: "PIN-lås" });
  await section.getByRole("radio", { name: /Tablettens egen lås/ }).check();
  await section.getByLabel("Ny PIN-kode (6–12 cifre)").fill(PIN);
  await section.getByLabel("Gentag den nye PIN-kode").fill(PIN);
  await section.getByRole("checkbox", { name: /ikke kan gendannes/ }).check();
  await section.getByRole("button", { name: "Slå PIN-lås til" }).click();
  await section.getByRole("status").waitFor();
  const lock = JSON.parse(await page.evaluate(() => localStorage.getItem("ssp.lock"))).data;
  const prf = await page.evaluate(() => window.__prf.at(-1));
  return { lock, dek: deviceDek(lock, prf) };
}

const server = createStaticServer(dist, {});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
// localhost, not 127.0.0.1: WebAuthn needs a host name.
const base = `http://localhost:${server.address().port}`;
const browser = await chromium.launch(chromiumLaunch);
const results = {};
let chars = 0;
try {
  for (const mode of ["pin", "device"]) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const made = mode === "pin" ? pinLock() : await deviceLock(page, base);
    const entries = storage(made);
    chars = Object.entries(entries).reduce((n, [k, v]) => n + k.length + v.length, 0);
    await page.goto(`${base}/privacy`);
    const stored = await page.evaluate((entries) => {
      let n = 0;
      for (const [k, v] of Object.entries(entries)) {
        try {
          localStorage.setItem(k, v);
          n++;
        } catch {
          break;
        }
      }
      return n;
    }, entries);
    if (stored < Object.keys(entries).length) throw new Error(`only ${stored} values fit in localStorage`);
    await page.goto(`${base}/concerns`);
    await page.getByLabel("PIN-kode").fill(PIN);
    const t0 = await page.evaluate(() => performance.now());
    await page.getByRole("button", { name: "Lås op" }).click();
    if (process.env.PHASES) {
      await page.getByRole("heading", { name: "Data er låst" }).waitFor({ state: "detached", timeout: 120_000 });
      console.error(mode, "lock screen gone after", Math.round((await page.evaluate(() => performance.now())) - t0), "ms");
    }
    // The list shows the most urgent page first and says how many there are in all.
    const page1 = Math.min(count, 100);
    await page.waitForFunction((n) => document.querySelectorAll(".concern-list > li").length === n, page1, { timeout: 120_000 });
    if (count > page1) await page.getByText(`Viser ${page1} af ${count} bekymringer`).waitFor({ timeout: 120_000 });
    times.push((await page.evaluate(() => performance.now())) - t0);
    await context.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  results[mode === "pin" ? "unlock" : "unlock_device"] = {
    concerns: count,
    stored_chars: chars,
    record: COMPACT ? "compact (no guide answers, 1 action item, 1 history entry)" : "the v1 fixture's first record",
    runs,
    median_ms: Math.round(sorted[Math.floor(sorted.length / 2)]),
    runs_ms: times.map(Math.round),
    measures:
      mode === "pin"
        ? "click on 'Lås op' → all concerns loaded and the first 100 listed with the count of all (PBKDF2 600,000 rounds, unwrap, decrypt every record, load, render)"
        : "click on 'Lås op' → all concerns loaded and the first 100 listed with the count of all (the virtual authenticator's PRF, PBKDF2 600,000 rounds, HKDF, unwrap, decrypt every record, load, render)",
  };
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(results, null, 2));
