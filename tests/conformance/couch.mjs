// Conformance suite, kind `couch`: checks that a CouchDB database (a real Apache CouchDB 3, or
// the test server in tests/support/couch-server.mjs) answers the way the app's CouchDB transport
// relies on (docs/couchdb.md). Each rule writes only documents with fresh ids and starts from a
// checkpoint taken at the end of the changes feed, so it runs on a database that already holds
// data (it leaves its test documents behind, most of them deleted).
//
//   node tests/conformance/run.mjs couch <database-url> <user> <password>
//
// COUCH_ORIGIN (default http://127.0.0.1:4173) is the app origin the CORS rules send; set it to
// the origin the app is served from when checking a production CouchDB.
import { Suite, call, freshId, assert } from "./harness.mjs";
import { randomBytes } from "node:crypto";

const PAGE = 100; // page size when looking for the end of the feed
const MAX_PAGES = 10_000; // a feed that never ends is a broken rule, not a hung suite
const SETTLE_MS = 3_000; // how long a change may take to show in _changes (a cluster may lag)

export async function run(dbUrl, user, password) {
  const db = dbUrl.replace(/\/+$/, "");
  const origin = process.env.COUCH_ORIGIN || "http://127.0.0.1:4173";
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const auth = { Authorization: basic, Accept: "application/json" };
  const suite = new Suite(`CouchDB conformance: ${db}`);
  const client = `conf-client-${randomBytes(4).toString("hex")}`;
  let mid = 0;

  // ---- helpers -------------------------------------------------------------------------------

  /** What the server answered, short enough for a report line. */
  const shown = (res) => `HTTP ${res.status} ${res.text.length > 400 ? `${res.text.slice(0, 400)}…` : res.text.trim()}`;
  const docUrl = (id) => `${db}/${encodeURIComponent(id)}`;
  const changesUrl = (since, params) => {
    const q = new URLSearchParams(params);
    if (since !== undefined && since !== null) q.set("since", typeof since === "string" ? since : JSON.stringify(since));
    return `${db}/_changes?${q}`;
  };
  const nextMutation = () => `${client}:${++mid}`;
  const concern = (label) => ({ pseudonym: label, note: `conformance ${label}` });

  /** A document as the app stores it. */
  function appDoc(id, label, rev) {
    const doc = { _id: id, schema: 2, updated_ms: Date.now(), data: concern(label), ssp_mutation: nextMutation() };
    if (rev) doc._rev = rev;
    return doc;
  }

  async function bulk(docs, extra = {}) {
    return call("POST", `${db}/_bulk_docs`, { headers: auth, body: { docs, ...extra } });
  }

  /** Sends one document through _bulk_docs and returns its new rev (fails the rule if not ok). */
  async function write(doc, what = "the write") {
    const res = await bulk([doc]);
    const row = Array.isArray(res.json) ? res.json[0] : null;
    assert.ok(
      res.status >= 200 && res.status < 300 && row && row.ok === true && typeof row.rev === "string",
      `${what} (_bulk_docs of ${doc._id}) was not accepted: ${shown(res)}`,
    );
    return row.rev;
  }

  async function allDocs(keys) {
    return call("POST", `${db}/_all_docs?include_docs=true&conflicts=true`, { headers: auth, body: { keys } });
  }

  /** One _changes page as the app asks for it. */
  async function page(since, limit) {
    const res = await call("GET", changesUrl(since, { limit, include_docs: "true", conflicts: "true" }), { headers: auth });
    const from = since === undefined ? "" : `since=${JSON.stringify(since)}&`;
    assert.ok(
      res.status === 200 && res.json && Array.isArray(res.json.results) && "last_seq" in res.json,
      `GET _changes?${from}limit=${limit} did not answer {results, last_seq}: ${shown(res)}`,
    );
    assert.ok(res.json.results.length <= limit, `GET _changes?${from}limit=${limit} gave ${res.json.results.length} changes: ${listed(res.json.results)}`);
    return res.json;
  }

  /** Whether the app would ask for another page: `pending` when the server gives it, else a full page. */
  const more = (p, limit) => (typeof p.pending === "number" ? p.pending > 0 : p.results.length === limit) && p.results.length > 0;

  /**
   * Pages from `since` to the end as the app does; returns every entry and the final
   * checkpoint. A page made only of changes this paging has already seen means the server
   * ignores `since` (the app would page for ever): that is reported, not looped on.
   */
  async function drain(since, limit = PAGE) {
    const entries = [];
    const seen = new Set();
    let cp = since;
    for (let i = 0; i < MAX_PAGES; i++) {
      const p = await page(cp, limit);
      const keys = p.results.map((e) => JSON.stringify([e.seq, e.id, e.changes]));
      if (keys.length > 0 && keys.every((k) => seen.has(k))) {
        throw new Error(`_changes?since=${JSON.stringify(cp)}&limit=${limit} gave again changes it had already given (${listed(p.results)}), last_seq ${JSON.stringify(p.last_seq)}: since is not honoured, paging never ends`);
      }
      keys.forEach((k) => seen.add(k));
      entries.push(...p.results);
      cp = p.last_seq;
      if (!more(p, limit)) return { entries, checkpoint: cp, pages: i + 1 };
    }
    throw new Error(`the changes feed did not end after ${MAX_PAGES} pages of ${limit}`);
  }

  // The end of the feed, kept up to date so each rule pages only over what came since.
  let tip;
  async function checkpoint() {
    const { checkpoint: cp } = await drain(tip);
    tip = cp;
    return cp;
  }

  /** Drains from `since` until `ready(entries)` holds or SETTLE_MS passed; returns the entries. */
  async function changesUntil(since, ready) {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const { entries } = await drain(since);
      if (ready(entries) || Date.now() > deadline) return entries;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const only = (entries, ids) => entries.filter((e) => ids.includes(e.id));
  const listed = (entries) => {
    const one = (e) => `${e.id}@${e.changes && e.changes[0] && e.changes[0].rev}${e.deleted ? " (deleted)" : ""}`;
    if (entries.length === 0) return "nothing";
    const head = entries.slice(0, 8).map(one).join(", ");
    return entries.length > 8 ? `${head}, … (${entries.length} in all)` : head;
  };

  /** A rev string as CouchDB makes them: <generation>-<32 hex digits>. */
  const hex = () => randomBytes(16).toString("hex");

  // ---- ordering --------------------------------------------------------------------------------

  await suite.rule("ordering", "_bulk_docs creates new documents: ok and a rev for each", async () => {
    const a = appDoc(freshId("conf-new"), "A");
    const b = appDoc(freshId("conf-new"), "B");
    const res = await bulk([a, b]);
    assert.ok(res.status >= 200 && res.status < 300 && Array.isArray(res.json), `_bulk_docs answered ${shown(res)}`);
    for (const doc of [a, b]) {
      const row = res.json.find((r) => r.id === doc._id);
      assert.ok(row, `no result for ${doc._id} in ${shown(res)}`);
      assert.ok(row.ok === true && /^1-/.test(row.rev || ""), `result for a new document is not {ok: true, rev: "1-…"}: ${JSON.stringify(row)}`);
    }
  });

  // Written in three separate requests, so "in order" has a meaning.
  let orderIds = [];
  let orderCheckpoint;
  await suite.rule("ordering", "_changes since a checkpoint returns the new changes, with their documents", async () => {
    const cp = await checkpoint();
    orderCheckpoint = cp;
    const docs = ["first", "second", "third"].map((l) => appDoc(freshId("conf-order"), l));
    const revs = {};
    for (const d of docs) revs[d._id] = await write(d);
    orderIds = docs.map((d) => d._id);
    const entries = only(await changesUntil(cp, (es) => only(es, orderIds).length >= 3), orderIds);
    assert.equal(entries.length, 3, `expected 3 changes for the 3 new documents since ${JSON.stringify(cp)}, got: ${listed(entries)}`);
    for (const d of docs) {
      const e = entries.find((x) => x.id === d._id);
      assert.ok(e && e.doc, `the change of ${d._id} has no doc with include_docs=true: ${JSON.stringify(e)}`);
      assert.ok("seq" in e, `the change of ${d._id} has no seq: ${JSON.stringify(e)}`);
      assert.equal(e.doc._rev, revs[d._id], `the change's doc is at ${e.doc._rev}, the write answered ${revs[d._id]}`);
      for (const f of ["schema", "updated_ms", "ssp_mutation"]) {
        assert.deepEqual(e.doc[f], d[f], `field ${f} came back as ${JSON.stringify(e.doc[f])}, was sent as ${JSON.stringify(d[f])}`);
      }
      assert.deepEqual(e.doc.data, d.data, `data came back changed: ${JSON.stringify(e.doc.data)}`);
    }
  });

  await suite.rule("ordering", "… in the order they were written (holds on a single-shard database, q=1)", async () => {
    assert.ok(orderIds.length === 3, "the previous rule did not write its documents");
    const all = only((await drain(orderCheckpoint)).entries, orderIds).map((e) => e.id);
    assert.deepEqual(all, orderIds, `changes came in the order ${all.join(", ")}; written as ${orderIds.join(", ")} (a CouchDB database with q > 1 shards is only partially ordered: docs/couchdb.md)`);
  });

  await suite.rule("ordering", "each document once, at its latest revision", async () => {
    const cp = await checkpoint();
    const id = freshId("conf-latest");
    let rev = await write(appDoc(id, "v1"));
    rev = await write(appDoc(id, "v2", rev), "the first update");
    const last = appDoc(id, "v3", rev);
    rev = await write(last, "the second update");
    const entries = only(await changesUntil(cp, (es) => es.some((e) => e.id === id && e.changes[0].rev === rev)), [id]);
    assert.equal(entries.length, 1, `expected ${id} once, got ${entries.length} entries: ${listed(entries)}`);
    const e = entries[0];
    assert.equal(e.changes[0].rev, rev, `the entry is at ${e.changes[0].rev}, the latest rev is ${rev}`);
    assert.ok(e.doc && e.doc._rev === rev && e.doc.data.pseudonym === "v3", `the entry's doc is not the latest: ${JSON.stringify(e.doc)}`);
  });

  // ---- idempotence -----------------------------------------------------------------------------

  await suite.rule("idempotence", "a create sent twice (response lost): the second is a conflict, _all_docs shows the sent ssp_mutation", async () => {
    const doc = appDoc(freshId("conf-twice"), "once");
    const first = await bulk([doc]);
    const row1 = Array.isArray(first.json) && first.json[0];
    assert.ok(row1 && row1.ok === true, `the first send was not accepted: ${shown(first)}`);
    const again = await bulk([doc]);
    const row2 = Array.isArray(again.json) && again.json[0];
    assert.ok(again.status >= 200 && again.status < 300 && row2 && row2.error === "conflict", `the second send did not answer a per-document conflict: ${shown(again)}`);
    const look = await allDocs([doc._id]);
    const r = look.json && look.json.rows && look.json.rows[0];
    assert.ok(r && r.doc, `_all_docs with keys did not return the document: ${shown(look)}`);
    assert.equal(r.doc.ssp_mutation, doc.ssp_mutation, `_all_docs shows ssp_mutation ${JSON.stringify(r.doc.ssp_mutation)}, sent ${doc.ssp_mutation}`);
    assert.equal(r.value.rev, row1.rev, `_all_docs shows rev ${r.value.rev}; the first send made ${row1.rev} (did the second change it?)`);
  });

  await suite.rule("idempotence", "an update sent twice (response lost): the second is a conflict, _all_docs shows the sent ssp_mutation", async () => {
    const id = freshId("conf-twice");
    const rev1 = await write(appDoc(id, "v1"));
    const upd = appDoc(id, "v2", rev1);
    const rev2 = await write(upd, "the update");
    const again = await bulk([upd]);
    const row = Array.isArray(again.json) && again.json[0];
    assert.ok(row && row.error === "conflict", `the update sent again did not answer a per-document conflict: ${shown(again)}`);
    const look = await allDocs([id]);
    const r = look.json && look.json.rows && look.json.rows[0];
    assert.ok(r && r.doc && r.doc.ssp_mutation === upd.ssp_mutation && r.value.rev === rev2,
      `_all_docs should show ${rev2} with ssp_mutation ${upd.ssp_mutation}; it answered ${shown(look)}`);
  });

  await suite.rule("idempotence", "a delete sent twice: the second is a conflict, _all_docs shows the target deleted", async () => {
    const id = freshId("conf-twice");
    const rev = await write(appDoc(id, "doomed"));
    const del = { _id: id, _rev: rev, _deleted: true, ssp_mutation: nextMutation() };
    const drev = await write(del, "the delete");
    const again = await bulk([del]);
    const row = Array.isArray(again.json) && again.json[0];
    assert.ok(row && row.error === "conflict", `the delete sent again did not answer a per-document conflict: ${shown(again)}`);
    const look = await allDocs([id]);
    const r = look.json && look.json.rows && look.json.rows[0];
    assert.ok(r && r.value && r.value.deleted === true && r.value.rev === drev,
      `_all_docs should show value {rev: ${drev}, deleted: true}; it answered ${shown(look)}`);
  });

  // ---- conflicts -------------------------------------------------------------------------------

  await suite.rule("conflicts", "a stale _rev in _bulk_docs: per-document error \"conflict\", nothing changes", async () => {
    const id = freshId("conf-stale");
    const rev1 = await write(appDoc(id, "v1"));
    const rev2 = await write(appDoc(id, "v2", rev1), "the update");
    const cp = await checkpoint();
    const res = await bulk([appDoc(id, "stale", rev1)]);
    const row = Array.isArray(res.json) && res.json.find((r) => r.id === id);
    assert.ok(res.status >= 200 && res.status < 300, `_bulk_docs with a stale _rev answered ${shown(res)} (expected 201 with a per-document error)`);
    assert.ok(row && row.error === "conflict" && !row.ok, `expected {id, error: "conflict"} for ${id}; got ${shown(res)}`);
    const now = await call("GET", docUrl(id), { headers: auth });
    assert.ok(now.status === 200 && now.json._rev === rev2 && now.json.data.pseudonym === "v2",
      `after the refused write the document should still be ${rev2} with v2; GET answered ${shown(now)}`);
    const entries = only((await drain(cp)).entries, [id]);
    assert.equal(entries.length, 0, `the refused write made changes: ${listed(entries)}`);
  });

  await suite.rule("conflicts", "a single PUT with a stale _rev: HTTP 409", async () => {
    const id = freshId("conf-put");
    const rev1 = await write(appDoc(id, "v1"));
    await write(appDoc(id, "v2", rev1), "the update");
    const body = appDoc(id, "stale", rev1);
    delete body._id;
    const res = await call("PUT", docUrl(id), { headers: auth, body });
    assert.equal(res.status, 409, `PUT with a stale _rev answered ${shown(res)}`);
    assert.ok(res.json && res.json.error === "conflict", `the 409 body is not {error: "conflict", …}: ${shown(res)}`);
  });

  // A replication-style conflict: two branches from the same parent, written as a replicator
  // writes them (new_edits=false with _revisions).
  const cid = freshId("conf-branch");
  const base = hex();
  const [h1, h2] = [hex(), hex()].sort(); // CouchDB's winner: same generation, higher rev string
  const loser = `2-${h1}`;
  const winner = `2-${h2}`;
  const branchDoc = (h, label) => ({
    _id: cid, _rev: `2-${h}`, _revisions: { start: 2, ids: [h, base] },
    schema: 2, updated_ms: Date.now(), data: concern(label), ssp_mutation: `other-node:${label}`,
  });
  let branchCp;
  let branchesWritten = false;

  await suite.rule("conflicts", "two branches written with new_edits=false show as _conflicts in _changes", async () => {
    branchCp = await checkpoint();
    const res = await bulk([branchDoc(h1, "branch-low"), branchDoc(h2, "branch-high")], { new_edits: false });
    assert.ok(res.status >= 200 && res.status < 300, `_bulk_docs with new_edits=false answered ${shown(res)}`);
    branchesWritten = true;
    const entries = only(await changesUntil(branchCp, (es) => es.some((e) => e.id === cid && e.doc && e.doc._conflicts)), [cid]);
    assert.equal(entries.length, 1, `expected one change for ${cid}, got ${listed(entries)}`);
    const e = entries[0];
    assert.ok(e.doc, `the change has no doc: ${JSON.stringify(e)}`);
    assert.equal(e.doc._rev, winner, `the winning revision is ${e.doc._rev}; CouchDB's rule makes it ${winner} (higher rev at the same generation)`);
    assert.deepEqual(e.doc._conflicts, [loser], `_conflicts is ${JSON.stringify(e.doc._conflicts)}, expected [${loser}]`);
  });

  await suite.rule("conflicts", "GET {db}/{id}?rev=<losing rev> returns the losing revision", async () => {
    assert.ok(branchesWritten, "the branches could not be written (previous rule)");
    const res = await call("GET", `${docUrl(cid)}?rev=${encodeURIComponent(loser)}`, { headers: auth });
    assert.ok(res.status === 200 && res.json && res.json._rev === loser && res.json.data && res.json.data.pseudonym === "branch-low",
      `expected the body of ${loser} (branch-low); got ${shown(res)}`);
  });

  await suite.rule("conflicts", "the resolution (winner updated + loser deleted, one _bulk_docs) leaves no _conflicts", async () => {
    assert.ok(branchesWritten, "the branches could not be written (previous rule)");
    const cp = await checkpoint();
    const merged = appDoc(cid, "merged", winner);
    const res = await bulk([merged, { _id: cid, _rev: loser, _deleted: true, ssp_mutation: merged.ssp_mutation }]);
    const rows = Array.isArray(res.json) ? res.json : [];
    assert.ok(rows.length === 2 && rows.every((r) => r.ok === true), `the resolution was not accepted for both revisions: ${shown(res)}`);
    const now = await call("GET", `${docUrl(cid)}?conflicts=true`, { headers: auth });
    assert.ok(now.status === 200 && !now.json._conflicts, `after the resolution GET ?conflicts=true still shows conflicts: ${shown(now)}`);
    assert.equal(now.json.data.pseudonym, "merged", `the winner after the resolution is not the merged document: ${shown(now)}`);
    const entries = only(await changesUntil(cp, (es) => es.some((e) => e.id === cid && e.doc && e.doc.data && e.doc.data.pseudonym === "merged")), [cid]);
    assert.equal(entries.length, 1, `expected one change for ${cid} after the resolution, got ${listed(entries)}`);
    assert.ok(entries[0].doc && !entries[0].doc._conflicts && !entries[0].deleted && entries[0].doc._rev === now.json._rev,
      `the change after the resolution should be ${now.json._rev} without _conflicts; got ${JSON.stringify(entries[0])}`);
  });

  // ---- tombstones ------------------------------------------------------------------------------

  let tomb = null; // { id, rev } of a deleted document, for the rules below
  await suite.rule("tombstones", "a delete shows in _changes with deleted: true", async () => {
    const id = freshId("conf-tomb");
    const rev = await write(appDoc(id, "to delete"));
    const cp = await checkpoint();
    const drev = await write({ _id: id, _rev: rev, _deleted: true, ssp_mutation: nextMutation() }, "the delete");
    tomb = { id, rev: drev };
    const entries = only(await changesUntil(cp, (es) => es.some((e) => e.id === id)), [id]);
    assert.equal(entries.length, 1, `expected one change for the delete, got ${listed(entries)}`);
    const e = entries[0];
    assert.ok(e.deleted === true, `the change of the deleted document has no deleted: true: ${JSON.stringify(e)}`);
    assert.equal(e.changes[0].rev, drev, `the change is at ${e.changes[0].rev}; the delete made ${drev}`);
  });

  await suite.rule("tombstones", "_all_docs with keys on a deleted id: value.deleted true with its rev", async () => {
    assert.ok(tomb, "no deleted document (previous rule)");
    const res = await allDocs([tomb.id]);
    const r = res.json && Array.isArray(res.json.rows) && res.json.rows[0];
    assert.ok(r && r.value && r.value.deleted === true && r.value.rev === tomb.rev && !r.doc,
      `expected {id: ${tomb.id}, value: {rev: ${tomb.rev}, deleted: true}, doc: null}; got ${shown(res)}`);
  });

  await suite.rule("tombstones", "a deleted document is restored by a write on the tombstone's rev", async () => {
    assert.ok(tomb, "no deleted document (previous rule)");
    const cp = await checkpoint();
    const rev = await write(appDoc(tomb.id, "restored", tomb.rev), "the restore");
    const g = (r) => Number(r.split("-")[0]);
    assert.equal(g(rev), g(tomb.rev) + 1, `the restore made ${rev}; expected generation ${g(tomb.rev) + 1} on top of ${tomb.rev}`);
    const now = await call("GET", docUrl(tomb.id), { headers: auth });
    assert.ok(now.status === 200 && now.json.data.pseudonym === "restored", `GET after the restore answered ${shown(now)}`);
    const entries = only(await changesUntil(cp, (es) => es.some((e) => e.id === tomb.id)), [tomb.id]);
    assert.ok(entries.length === 1 && !entries[0].deleted && entries[0].changes[0].rev === rev,
      `expected one change at ${rev} without deleted; got ${listed(entries)}`);
  });

  // ---- paging ----------------------------------------------------------------------------------

  await suite.rule("paging", "limit=1 with since=last_seq visits every change exactly once and ends", async () => {
    const cp = await checkpoint();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const id = freshId("conf-page");
      ids.push(id);
      await write(appDoc(id, `p${i}`));
    }
    await changesUntil(cp, (es) => only(es, ids).length >= 5);
    const seen = [];
    const seenKeys = new Set();
    let since = cp;
    let pages = 0;
    for (;;) {
      assert.ok(pages < MAX_PAGES, `paging with limit=1 did not end after ${MAX_PAGES} pages`);
      const p = await page(since, 1);
      pages++;
      const key = p.results.map((e) => JSON.stringify([e.seq, e.id, e.changes])).join();
      assert.ok(!key || !seenKeys.has(key), `since=${JSON.stringify(since)} gave again ${listed(p.results)} (last_seq ${JSON.stringify(p.last_seq)}): paging never ends`);
      seenKeys.add(key);
      seen.push(...p.results.map((e) => e.id));
      since = p.last_seq;
      if (!more(p, 1)) break;
    }
    for (const id of ids) {
      const n = seen.filter((x) => x === id).length;
      assert.equal(n, 1, `${id} was seen ${n} times over ${pages} pages (${seen.filter((x) => ids.includes(x)).join(", ")})`);
    }
    const after = await page(since, 1);
    assert.equal(after.results.length, 0, `the final checkpoint ${JSON.stringify(since)} still gives changes: ${listed(after.results)}`);
  });

  await suite.rule("paging", "a change made after the last page shows from its checkpoint", async () => {
    const cp = await checkpoint();
    const id = freshId("conf-late");
    const rev = await write(appDoc(id, "late"));
    const entries = only(await changesUntil(cp, (es) => es.some((e) => e.id === id)), [id]);
    assert.ok(entries.length === 1 && entries[0].changes[0].rev === rev, `expected ${id}@${rev} after ${JSON.stringify(cp)}; got ${listed(entries)}`);
  });

  // ---- auth ------------------------------------------------------------------------------------

  await suite.rule("auth", "no credentials: 401", async () => {
    const res = await call("GET", changesUrl(tip, { limit: 1 }), { headers: { Accept: "application/json" } });
    assert.equal(res.status, 401, `_changes without credentials answered ${shown(res)}`);
    const id = freshId("conf-noauth");
    const w = await call("POST", `${db}/_bulk_docs`, { headers: { Accept: "application/json" }, body: { docs: [appDoc(id, "x")] } });
    assert.equal(w.status, 401, `_bulk_docs without credentials answered ${shown(w)}`);
    const look = await allDocs([id]);
    const r = look.json && look.json.rows && look.json.rows[0];
    assert.ok(r && r.error === "not_found", `the refused write was stored anyway: ${shown(look)}`);
  });

  await suite.rule("auth", "wrong password: 401", async () => {
    const bad = `Basic ${Buffer.from(`${user}:${password}-wrong`).toString("base64")}`;
    const res = await call("GET", changesUrl(tip, { limit: 1 }), { headers: { Authorization: bad, Accept: "application/json" } });
    assert.equal(res.status, 401, `_changes with a wrong password answered ${shown(res)}`);
    assert.ok(res.json && res.json.error === "unauthorized", `the 401 body is not {error: "unauthorized", …}: ${shown(res)}`);
  });

  await suite.rule("auth", `CORS preflight from ${origin} allows Authorization and Content-Type`, async () => {
    const res = await fetch(`${db}/_bulk_docs`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    const h = (n) => res.headers.get(n) || "";
    const said = `HTTP ${res.status}, Access-Control-Allow-Origin: ${JSON.stringify(h("access-control-allow-origin"))}, -Headers: ${JSON.stringify(h("access-control-allow-headers"))}, -Methods: ${JSON.stringify(h("access-control-allow-methods"))}`;
    assert.ok(res.status >= 200 && res.status < 300, `the preflight answered ${said}`);
    assert.equal(h("access-control-allow-origin"), origin, `the preflight does not allow the origin: ${said}`);
    const allowedHeaders = h("access-control-allow-headers").toLowerCase().split(/\s*,\s*/);
    for (const want of ["authorization", "content-type"]) {
      assert.ok(allowedHeaders.includes(want), `the preflight does not allow the header ${want}: ${said}`);
    }
    const methods = h("access-control-allow-methods").toUpperCase().split(/\s*,\s*/);
    for (const want of ["GET", "POST", "PUT"]) {
      assert.ok(methods.includes(want), `the preflight does not allow ${want}: ${said}`);
    }
  });

  await suite.rule("auth", "cross-origin answers (200 and 401) carry Access-Control-Allow-Origin", async () => {
    const ok = await fetch(changesUrl(tip, { limit: 1 }), { headers: { ...auth, Origin: origin } });
    await ok.text();
    assert.equal(ok.headers.get("access-control-allow-origin"), origin,
      `a 200 answer to ${origin} has Access-Control-Allow-Origin ${JSON.stringify(ok.headers.get("access-control-allow-origin"))} (status ${ok.status})`);
    const denied = await fetch(changesUrl(tip, { limit: 1 }), { headers: { Accept: "application/json", Origin: origin } });
    await denied.text();
    assert.ok(denied.status === 401 && denied.headers.get("access-control-allow-origin") === origin,
      `a 401 answer must carry Access-Control-Allow-Origin, or the app sees a network error instead of "wrong password": HTTP ${denied.status}, Access-Control-Allow-Origin ${JSON.stringify(denied.headers.get("access-control-allow-origin"))}`);
  });

  return suite.report();
}
