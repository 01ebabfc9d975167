// Benchmark for scripts/bench: sync against the reference server on 127.0.0.1, in Chromium.
//
//   node tests/support/bench-sync.mjs [dist] [pull-count] [push-count] [runs]
//
// - initial pull: the server holds `pull-count` concerns (pushed from Node first); a fresh
//   tablet with sync set up pulls them all. Measured from the app's first /changes request to
//   every concern stored on the device.
// - push: a tablet holds `push-count` concerns waiting in its outbox; measured from the first
//   /push request until the outbox is empty (every change accepted).
// - the same two for a team (issue 18, end-to-end encrypted; bench-sync-team.mjs): a freshly
//   joined device pulls `pull-count` sealed concerns of its team (each opened and merged), and
//   a device pushes `push-count` concerns shared with the team (each sealed), measured the same
//   way, each run right after the plaintext run of the same kind; reported beside the plaintext
//   figure with the ratio encrypted / plaintext (also on stderr, one line each).
//   BENCH_TEAM_DIAG=1 adds a diagnostic team pull on a device that counts every concern as
//   shared already (not a real start: it tells opening apart from sharing what arrived).
//   BENCH_WAIT_MS: how long a run may take (default 300000); on a timeout, the lanes' states.
// Records are compact (as in bench-unlock.mjs) so that 5,000 fit in localStorage. No CPU
// throttling. Prints one JSON object (medians in ms).
import { chromium } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { chromiumLaunch } from "../../playwright.config.mjs";
import { createStaticServer } from "./serve.mjs";
import { startSyncServer } from "./sync-server.mjs";
import { setupTeam, teamPull, teamPush, verifyTeam } from "./bench-sync-team.mjs";

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

/**
 * Seeds a fresh context's localStorage with `entries`, opens the app and waits for `done(arg)`:
 * ms from the app's first request to `path` (and from its first GET /keys, which only a team's
 * round makes), and what `after(afterArg)` finds in the page then.
 */
async function measure(entries, path, done, arg = null, { after, afterArg } = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${appUrl}/privacy`);
  await page.evaluate((e) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(e)) localStorage.setItem(k, v);
  }, entries);
  let first = null;
  let keys = null;
  page.on("request", (r) => {
    if (first === null && r.url().startsWith(sync.url + path)) first = Date.now();
    if (keys === null && r.url().startsWith(sync.url + "/keys")) keys = Date.now();
  });
  await page.goto(`${appUrl}/settings`);
  await page.waitForFunction(done, arg, { polling: 20, timeout: Number(process.env.BENCH_WAIT_MS || 300_000) }).catch(async (e) => {
    const s = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("sync.state")).map((k) => [k, localStorage.getItem(k).slice(0, 600)]));
    throw new Error(`${e.message}; sync state: ${JSON.stringify(s)}`);
  });
  const end = Date.now();
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern.")).length);
  const found = after ? await page.evaluate(after, afterArg) : null;
  await context.close();
  return { ms: end - first, from_keys_ms: keys === null ? null : end - keys, stored, after: found };
}

const browser = await chromium.launch(chromiumLaunch);
const pull = [];
const push = [];
const teamPullMs = [];
const teamPullFromKeys = [];
const teamPushMs = [];
const teamPushFromKeys = [];
const teamPushed = [];
const teamPullPreshared = [];
let pulled = 0;
let pushedStored = 0;
let serverDocs = 0;
let teamOpened = 0;
let team = null;
let teamCheck = null;
const teamArgs = { env, concern, pullCount, pushCount };
try {
  team = await setupTeam(sync, teamArgs);
  // Plaintext and encrypted runs alternate, so that both see the same load of the machine.
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
    const t = await teamPull(sync, team, { ...teamArgs, measure }).catch((e) => {
      throw new Error(`team pull run ${r}: ${e.message}`);
    });
    teamPullMs.push(t.ms);
    teamPullFromKeys.push(t.from_keys_ms);
    teamOpened = t.opened;
  }
  // Diagnostic (BENCH_TEAM_DIAG=1): the team's pull on a device that already counts every
  // concern as shared, to tell the cost of opening from that of sharing what arrived.
  if (process.env.BENCH_TEAM_DIAG === "1") {
    for (let r = 0; r < runs; r++) {
      const t = await teamPull(sync, team, { ...teamArgs, measure, preshared: true });
      teamPullPreshared.push(t.ms);
    }
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
    const t = await teamPush(sync, team, { ...teamArgs, measure }).catch((e) => {
      throw new Error(`team push run ${r}: ${e.message}`);
    });
    teamPushMs.push(t.ms);
    teamPushFromKeys.push(t.from_keys_ms);
    teamPushed.push(...t.ids);
  }
  // Every pushed change reached the server (not just left the outbox).
  serverDocs = (await feed()).docs;
  if (serverDocs !== pullCount + runs * pushCount) throw new Error(`server holds ${serverDocs} documents, expected ${pullCount + runs * pushCount}`);
  // The team's space: every document an envelope, every pushed one there and opening in Node.
  teamCheck = await verifyTeam(team, teamPushed);
  const want = pullCount + runs * pushCount;
  if (teamCheck.docs !== want || teamCheck.envelopes !== want || teamCheck.pushed_opened_in_node !== teamPushed.length) {
    throw new Error(`the team's space: ${JSON.stringify(teamCheck)}, expected ${want} envelopes of which ${teamPushed.length} pushed`);
  }
} finally {
  await browser.close();
  await sync.stop();
  web.close();
}
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const summary = [
  `pull ${pullCount}: plain ${secs(median(pull))}, encrypted ${secs(median(teamPullMs))} (×${ratio(median(teamPullMs), median(pull))})`,
  `push ${pushCount}: plain ${secs(median(push))}, encrypted ${secs(median(teamPushMs))} (×${ratio(median(teamPushMs), median(push))})`,
];
for (const line of summary) console.error(line);
console.log(
  JSON.stringify(
    {
      sync_initial_pull: { concerns: pullCount, stored_on_device: pulled, median_ms: median(pull), runs_ms: pull },
      sync_push: { changes: pushCount, stored_on_device: pushedStored, median_ms: median(push), runs_ms: push },
      sync_server_documents_after: serverDocs,
      sync_team_initial_pull: {
        concerns: pullCount,
        opened_on_device: teamOpened,
        median_ms: median(teamPullMs),
        runs_ms: teamPullMs,
        plain_median_ms: median(pull),
        ratio_encrypted_to_plain: ratio(median(teamPullMs), median(pull)),
        from_keys_request_median_ms: median(teamPullFromKeys),
      },
      sync_team_push: {
        changes: pushCount,
        median_ms: median(teamPushMs),
        runs_ms: teamPushMs,
        plain_median_ms: median(push),
        ratio_encrypted_to_plain: ratio(median(teamPushMs), median(push)),
        from_keys_request_median_ms: median(teamPushFromKeys),
      },
      ...(teamPullPreshared.length
        ? {
            sync_team_pull_diagnostic_preshared: {
              note: "not a real start: every id already shared with the team on the device, so nothing newly arrived is shared (no save of ssp.teams per concern)",
              median_ms: median(teamPullPreshared),
              runs_ms: teamPullPreshared,
            },
          }
        : {}),
      sync_team_server_check: teamCheck,
      sync_summary: summary,
      sync_note:
        "reference server on 127.0.0.1 (SQLite file), Chromium without CPU throttling; pages of 200, batches of 50. " +
        "Team: a member device of a team made through POST /teams, /invites, /join; its data sealed with AES-256-GCM (Node WebCrypto for the seed, the app's WebCrypto for the push); " +
        "timed from the first /changes or /push request as the plaintext run (from_keys_request: from the round's GET /keys, which comes first)",
    },
    null,
    2,
  ),
);
