// The encrypted half of bench-sync.mjs (issue 18): a team's lane against the same reference
// server, so that each figure stands beside the plaintext one of the same invocation.
//
// Setup, the cheapest honest way (nothing of the app's own round is skipped or replaced):
// - the team is made on the server through its HTTP API: POST /teams with the organise token
//   (the owner device, with an ECDH P-256 public key made in Node), then for every measured run
//   an invite (POST /invites, owner) and POST /join: a fresh member device with its own token;
// - the team key (epoch 1) is 32 random bytes made in Node; the server's starting data is
//   `pull-count` concerns built like the plaintext run's, sealed in Node with WebCrypto
//   (AES-256-GCM, the envelope `{enc:"A256GCM", epoch, iv, ct}` and the additional data
//   `ssp-hold/1\n<space>\n<id>\n<rev>\n<schema>` of docs/sync-protocol.md), pushed by the owner;
// - the browser's localStorage gets the team record (`ssp.teams`, the storage envelope
//   `{schema: 1, data: {teams: [Team]}}` with the fields of src/domain/team.rs) and the lane
//   state that lane::start_team writes (`ssp.team.<id>.sync.state`: a new client id,
//   next_mid 1, no checkpoint). The app's scheduler then runs its own round (net::rounds →
//   team_round: GET /keys, the WebCrypto key import, push, pull, open, merge, share).
//
// Checked after the runs: the pull stored every concern and kept none aside (none failed to
// open), and each became shared with the team; the push left every pushed document on the server
// as an envelope that opens in Node with the team key to the concern the browser held.
import { randomUUID, webcrypto } from "node:crypto";

const subtle = (globalThis.crypto ?? webcrypto).subtle;
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const aad = (space, id, rev, schema) => new TextEncoder().encode(`ssp-hold/1\n${space}\n${id}\n${rev}\n${schema}`);

async function call(url, token, body) {
  const r = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== 200 && r.status !== 201) throw new Error(`${new URL(url).pathname}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** An ECDH P-256 pair as the app keeps it: PKCS #8 (base64) and the raw public point (base64url). */
async function ecdhPair() {
  const pair = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  return {
    pkcs8: b64(await subtle.exportKey("pkcs8", pair.privateKey)),
    public: b64url(await subtle.exportKey("raw", pair.publicKey)),
  };
}

/**
 * Makes the team on the server and seeds it with `pullCount` sealed concerns.
 * `concern(id, i)` builds a concern as the plaintext run does.
 */
export async function setupTeam(sync, { pullCount, concern }) {
  const ownerPair = await ecdhPair();
  const owner = await call(`${sync.url}/teams`, sync.organiseToken, { public_key: ownerPair.public });
  const rawKey = webcrypto.getRandomValues(new Uint8Array(32));
  const key = await subtle.importKey("raw", rawKey, "AES-GCM", false, ["encrypt", "decrypt"]);
  const team = { id: randomUUID(), name: "Benchhold (fiktivt)", space: owner.space, owner, key, rawKey, epoch: 1 };

  const seal = async (doc) => {
    const iv = webcrypto.getRandomValues(new Uint8Array(12));
    const plain = new TextEncoder().encode(JSON.stringify(doc.data));
    const ct = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(team.space, doc.id, doc.rev, doc.schema) }, key, plain);
    return { ...doc, data: { enc: "A256GCM", epoch: team.epoch, iv: b64(iv), ct: b64(new Uint8Array(ct)) } };
  };
  let mid = 0;
  team.ids = [];
  for (let i = 0; i < pullCount; i += 50) {
    const mutations = [];
    for (let j = i; j < Math.min(i + 50, pullCount); j++) {
      const id = randomUUID();
      team.ids.push(id);
      const doc = { id, rev: `1-${id.replace(/-/g, "").slice(0, 16)}`, base_rev: null, deleted: false, schema: 2, updated_ms: Date.now(), data: concern(id, j) };
      mutations.push({ mid: ++mid, doc: await seal(doc) });
    }
    const r = await call(`${sync.url}/push`, owner.token, { client: "bench-team-seed", mutations });
    if (r.accepted.length !== mutations.length) throw new Error(`seeding the team: ${JSON.stringify(r.conflicts).slice(0, 300)}`);
  }
  team.feed = (fn) => feed(sync.url, owner.token, fn);
  /** Opens a document of the team's space in Node (the check that a pushed one is real). */
  team.open = async (doc) => {
    const e = doc.data;
    const plain = await subtle.decrypt(
      { name: "AES-GCM", iv: Buffer.from(e.iv, "base64"), additionalData: aad(team.space, doc.id, doc.rev, doc.schema) },
      key,
      Buffer.from(e.ct, "base64"),
    );
    return JSON.parse(new TextDecoder().decode(plain));
  };
  return team;
}

/** Pages through the team's feed with `token`; calls `fn` on every document. */
async function feed(url, token, fn = () => {}) {
  let since = "";
  let docs = 0;
  for (;;) {
    const r = await (await fetch(`${url}/changes?since=${encodeURIComponent(since)}&limit=1000`, { headers: { Authorization: `Bearer ${token}` } })).json();
    for (const d of r.docs) await fn(d);
    docs += r.docs.length;
    since = r.checkpoint;
    if (!r.more) return { docs, checkpoint: since };
  }
}

/** A new member device of the team (invite by the owner, then join), as a device that joined. */
async function member(sync, team) {
  const pair = await ecdhPair();
  const { invite } = await call(`${sync.url}/invites`, team.owner.token, { expires_ms: Date.now() + 10 * 60_000 });
  const m = await call(`${sync.url}/join`, invite, { public_key: pair.public });
  if (m.space !== team.space) throw new Error(`joined ${m.space}, expected ${team.space}`);
  return { ...m, pair };
}

/** localStorage of a device that joined the team: the team record and the lane's state. */
function entries(sync, team, m, { env, shared = [], state = {} }) {
  const record = {
    id: team.id,
    name: team.name,
    kind: "json",
    url: sync.url,
    space: m.space,
    token: m.token,
    keys: [[team.epoch, b64(team.rawKey)]],
    shared,
    joined_ms: Date.now(),
    device: m.device,
    owner: false,
    ecdh: m.pair.pkcs8,
    ecdh_public: m.pair.public,
  };
  const lane = `ssp.team.${team.id}.sync.`;
  return {
    "ssp.settings": env({ lang: "da", municipality: "halsnaes", my_role: "Lærer" }),
    "ssp.teams": env({ teams: [record] }),
    [`${lane}state`]: env({ client: randomUUID(), next_mid: 1, checkpoint: "", ...state }),
  };
}

/** What the device holds after a team run: concerns, kept aside, shared, outbox left. */
const held = (teamId) => {
  const keys = Object.keys(localStorage);
  const lane = `ssp.team.${teamId}.sync.`;
  const teams = JSON.parse(localStorage.getItem("ssp.teams")).data.teams;
  return {
    concerns: keys.filter((k) => k.startsWith("ssp.concern.")).length,
    aside: keys.filter((k) => k.startsWith(`${lane}aside.`)).length,
    shared: teams[0].shared.length,
    outbox: localStorage.getItem(`${lane}outbox`) ? JSON.parse(localStorage.getItem(`${lane}outbox`)).data.length : 0,
    last_error: JSON.parse(localStorage.getItem(`${lane}state`)).data.last_error ?? null,
  };
};

/**
 * One initial pull of the team's `pullCount` documents by a freshly joined device. `preshared`
 * (a diagnostic, not the benchmark: no device starts so) lists every id as already shared with
 * the team, so that the pull opens and merges but shares nothing new (lane::apply_team_page
 * saves the team record once for every concern that arrives).
 */
export async function teamPull(sync, team, { measure, env, pullCount, preshared = false }) {
  const m = await member(sync, team);
  const lane = `ssp.team.${team.id}.sync.`;
  const r = await measure(
    entries(sync, team, m, { env, shared: preshared ? team.ids : [] }),
    "/changes",
    ([n, lane]) => {
      const s = JSON.parse(localStorage.getItem(`${lane}state`) || "null");
      const idx = JSON.parse(localStorage.getItem("ssp.concerns.index") || "null");
      return s && s.data.last_ok_ms && idx && idx.data.length >= n;
    },
    [pullCount, lane],
    { after: held, afterArg: team.id },
  );
  const h = r.after;
  if (h.concerns !== pullCount || h.aside !== 0 || h.shared !== pullCount || h.last_error) {
    throw new Error(`team pull: the device holds ${JSON.stringify(h)}, expected ${pullCount} concerns opened and shared, none aside`);
  }
  return { ...r, opened: h.concerns };
}

/**
 * One push: a device of the team holds `pushCount` concerns shared with the team, each waiting
 * in the team lane's outbox (as lane::share leaves it); measured as the plaintext push.
 */
export async function teamPush(sync, team, { measure, env, pushCount, concern }) {
  const m = await member(sync, team);
  const ids = Array.from({ length: pushCount }, () => randomUUID());
  const lane = `ssp.team.${team.id}.sync.`;
  const e = entries(sync, team, m, { env, shared: ids, state: { next_mid: pushCount + 1, checkpoint: (await team.feed()).checkpoint } });
  ids.forEach((id, i) => (e[`ssp.concern.${id}`] = JSON.stringify({ schema: 2, data: concern(id, i) })));
  e["ssp.concerns.index"] = env(ids);
  e[`${lane}outbox`] = env(ids.map((id, i) => ({ mid: i + 1, id })));
  const r = await measure(e, "/push", (lane) => !localStorage.getItem(`${lane}outbox`), lane, {
    after: held,
    afterArg: team.id,
  });
  if (r.after.outbox !== 0 || r.after.last_error) throw new Error(`team push: ${JSON.stringify(r.after)}`);
  return { ...r, ids };
}

/**
 * After the runs: every document of the team's space is an envelope; each pushed one opens in
 * Node with the team key (its own space, id, rev and schema as additional data) to the concern
 * of that id. Returns what was seen.
 */
export async function verifyTeam(team, pushed) {
  const want = new Set(pushed);
  let envelopes = 0;
  let plain = 0;
  let opened = 0;
  const sample = [];
  const { docs } = await team.feed(async (d) => {
    if (d.data && d.data.enc === "A256GCM" && typeof d.data.ct === "string" && !("pseudonym" in d.data)) envelopes++;
    else plain++;
    if (want.has(d.id)) {
      const c = await team.open(d);
      if (c.id !== d.id || !/^F\d+$/.test(c.pseudonym)) throw new Error(`document ${d.id} opened to concern ${c.id} (${c.pseudonym})`);
      opened++;
      if (sample.length < 1) sample.push({ id: d.id, data_keys: Object.keys(d.data), enc: d.data.enc, epoch: d.data.epoch });
    }
  });
  return { docs, envelopes, plain, pushed_opened_in_node: opened, sample };
}
