// Benchmark for scripts/bench: time to unlock N PIN-encrypted concerns in Chromium.
//
//   node tests/support/bench-unlock.mjs [dist] [count] [runs]
//
// Seals `count` concerns with Node's crypto in the app's scheme (PBKDF2-SHA256 600,000 rounds →
// wrapped data key → AES-256-GCM per record, the storage key as additional data), puts them in
// localStorage, enters the PIN and measures from the click on "Lås op" to the list of saved
// concerns showing all of them. Prints one JSON object. No CPU throttling (this machine).
import { chromium } from "@playwright/test";
import { createCipheriv, pbkdf2Sync, randomBytes, randomUUID } from "node:crypto";
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

function storage() {
  const salt = randomBytes(16);
  const dek = randomBytes(32);
  const kek = pbkdf2Sync(PIN, salt, 600000, 32, "sha256");
  const w = seal(kek, dek, "ssp-handleguide:lock:k1");
  const lock = { kdf: "PBKDF2-SHA256", iterations: 600000, salt: salt.toString("base64"), keys: [{ id: "k1", iv: w.iv, wrapped: w.ct }], current: "k1" };
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

const entries = storage();
const chars = Object.entries(entries).reduce((n, [k, v]) => n + k.length + v.length, 0);
const server = createStaticServer(dist, {});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch(chromiumLaunch);
const times = [];
let stored = 0;
try {
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${base}/privacy`);
    stored = await page.evaluate((entries) => {
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
    await page.waitForFunction((n) => document.querySelectorAll(".concern-list > li").length === n, count, { timeout: 120_000 });
    times.push((await page.evaluate(() => performance.now())) - t0);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const sorted = [...times].sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      unlock: {
        concerns: count,
        stored_chars: chars,
        record: COMPACT ? "compact (no guide answers, 1 action item, 1 history entry)" : "the v1 fixture's first record",
        runs,
        median_ms: Math.round(sorted[Math.floor(sorted.length / 2)]),
        runs_ms: times.map(Math.round),
        measures: "click on 'Lås op' → all concerns listed (PBKDF2 600,000 rounds, unwrap, decrypt every record, load, render)",
      },
    },
    null,
    2,
  ),
);
