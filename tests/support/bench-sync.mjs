// Benchmark for scripts/bench: sync against the reference server on 127.0.0.1, in Chromium.
//
//   node tests/support/bench-sync.mjs [dist] [pull-count] [push-count] [runs]
//
// - initial pull: the server holds `pull-count` concerns (pushed from Node first); a fresh
//   tablet with sync set up pulls them all. Measured from the app's first /changes request to
//   every concern stored on the device.
// - push: a tablet holds `push-count` concerns waiting in its outbox; measured from the first
//   /push request until the outbox is empty (every change accepted).
// Records are compact (as in bench-unlock.mjs) so that 5,000 fit in localStorage. No CPU
// throttling. Prints one JSON object (medians in ms).
import { chromium } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { chromiumLaunch } from "../../playwright.config.mjs";
import { createStaticServer } from "./serve.mjs";
import { startSyncServer } from "./sync-server.mjs";

const dist = process.argv[2] || "dist";
const pullCount = Number(process.argv[3] || 5000);
const pushCount = Number(process.argv[4] || 1000);
const runs = Number(process.argv[5] || 3);

const [template] = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8")).data;
const { child, ...full } = template;
const compact = { ...full, answers: {}, action_plan: full.action_plan.slice(0, 1), history: full.history.slice(0, 1) };
const concern = (id, i) => ({ ...compact, id, revision: 1, pseudonym: `F${i}` });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = (data) => JSON.stringify({ schema: 1, data });

const web = createStaticServer(dist, {});
await new Promise((ok) => web.listen(0, "127.0.0.1", ok));
const appUrl = `http://127.0.0.1:${web.address().port}`;
const sync = await startSyncServer({ origins: [appUrl] });
const auth = { Authorization: `Bearer ${sync.writeToken}`, "Content-Type": "application/json" };

/** Pages through the server's whole feed: how many documents, and the checkpoint at its end. */
async function feed() {
  let since = "";
  let docs = 0;
  for (;;) {
    const r = await (await fetch(`${sync.url}/changes?since=${encodeURIComponent(since)}&limit=1000`, { headers: auth })).json();
    docs += r.docs.length;
    since = r.checkpoint;
    if (!r.more) return { docs, checkpoint: since };
  }
}

// The server's starting data: pullCount concerns from another (fictional) tablet.
let mid = 0;
for (let i = 0; i < pullCount; i += 100) {
  const mutations = [];
  for (let j = i; j < Math.min(i + 100, pullCount); j++) {
    const id = randomUUID();
    mutations.push({ mid: ++mid, doc: { id, rev: `1-${id.replace(/-/g, "").slice(0, 16)}`, base_rev: null, deleted: false, schema: 2, updated_ms: Date.now(), data: concern(id, j) } });
  }
  const r = await fetch(`${sync.url}/push`, { method: "POST", headers: auth, body: JSON.stringify({ client: "bench-seed", mutations }) });
  if (r.status !== 200) throw new Error(`seeding the server: ${r.status} ${await r.text()}`);
}

const base = (state) => ({
  "ssp.settings": env({ lang: "da", municipality: "halsnaes", my_role: "Lærer" }),
  "ssp.sync.config": env({ enabled: true, kind: "json", url: sync.url, user: "" }),
  "ssp.sync.secret": env(sync.writeToken),
  "ssp.sync.state": env({ client: randomUUID(), next_mid: 1, checkpoint: "", ...state }),
});

async function measure(entries, path, done, arg = null) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${appUrl}/privacy`);
  await page.evaluate((e) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(e)) localStorage.setItem(k, v);
  }, entries);
  let first = null;
  page.on("request", (r) => {
    if (first === null && r.url().startsWith(sync.url + path)) first = Date.now();
  });
  await page.goto(`${appUrl}/settings`);
  await page.waitForFunction(done, arg, { polling: 20, timeout: 300_000 });
  const ms = Date.now() - first;
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern.")).length);
  await context.close();
  return { ms, stored };
}

const browser = await chromium.launch(chromiumLaunch);
const pull = [];
const push = [];
let pulled = 0;
let pushedStored = 0;
let serverDocs = 0;
try {
  for (let r = 0; r < runs; r++) {
    const m = await measure(base({}), "/changes", (n) => {
      const s = JSON.parse(localStorage.getItem("ssp.sync.state") || "null");
      const idx = JSON.parse(localStorage.getItem("ssp.concerns.index") || "null");
      return s && s.data.last_ok_ms && idx && idx.data.length >= n;
    }, pullCount).catch((e) => {
      throw new Error(`pull run ${r}: ${e.message}`);
    });
    pull.push(m.ms);
    pulled = m.stored;
  }
  for (let r = 0; r < runs; r++) {
    const ids = Array.from({ length: pushCount }, () => randomUUID());
    const entries = base({ next_mid: pushCount + 1, checkpoint: (await feed()).checkpoint });
    ids.forEach((id, i) => (entries[`ssp.concern.${id}`] = JSON.stringify({ schema: 2, data: concern(id, i) })));
    entries["ssp.concerns.index"] = env(ids);
    entries["ssp.sync.outbox"] = env(ids.map((id, i) => ({ mid: i + 1, id })));
    const m = await measure(entries, "/push", () => !localStorage.getItem("ssp.sync.outbox"));
    push.push(m.ms);
    pushedStored = m.stored;
  }
  // Every pushed change reached the server (not just left the outbox).
  serverDocs = (await feed()).docs;
  if (serverDocs !== pullCount + runs * pushCount) throw new Error(`server holds ${serverDocs} documents, expected ${pullCount + runs * pushCount}`);
} finally {
  await browser.close();
  await sync.stop();
  web.close();
}
console.log(
  JSON.stringify(
    {
      sync_initial_pull: { concerns: pullCount, stored_on_device: pulled, median_ms: median(pull), runs_ms: pull },
      sync_push: { changes: pushCount, stored_on_device: pushedStored, median_ms: median(push), runs_ms: push },
      sync_server_documents_after: serverDocs,
      sync_note: "reference server on 127.0.0.1 (SQLite file), Chromium without CPU throttling; pages of 200, batches of 50",
    },
    null,
    2,
  ),
);
