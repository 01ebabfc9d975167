// Conformance suite, kind `couch-teams`: checks that a CouchDB server (a real Apache CouchDB 3,
// or the test server in tests/support/couch-server.mjs) does what the app's teams on CouchDB
// rely on (docs/couchdb.md, "Teams on CouchDB"): sign-up in `_users`, a user changing its own
// password, databases only an administrator makes, `_security` written by a database's own
// administrator (the owner device), members and non-members, design documents and the team's
// validate function (`_design/ssp-hold`), in single writes and in `_bulk_docs`.
//
//   node tests/conformance/run.mjs couch-teams <server-url> <admin-user> <admin-password>
//
// It needs a server administrator (as "Opret et hold" does): it makes its own database
// `ssp-hold-conf-<random hex>` and users `ssp-conf-<random hex>`, and deletes them again at the
// end. It makes one failed login (the old password after a password change). COUCH_ORIGIN
// (default http://127.0.0.1:4173) is the app origin the CORS rule sends.
//
// On a CouchDB 3 as installed, `_users` is for administrators only ([couchdb] default_security
// = admin_only), so the sign-up and password rules break until it is opened:
//   [couchdb] users_db_security_editable = true, then
//   PUT /_users/_security {"admins": {"names": [], "roles": ["_admin"]}, "members": {"names": [], "roles": []}}
// When sign-up is refused the suite makes its users as the administrator, so the other rules
// still run.
//
// Every rule checks status codes and the `error` field, never `reason` (CouchDB's texts vary).
//
// Proof that the rules can fail: each mutation below was made to tests/support/couch-server.mjs
// on its own, `node tests/support/couch-server.mjs conformance` run, the mutation undone. What
// broke (besides, in brackets, rules that broke only because an earlier one had):
//  1. Non-members let in (dbRequest: the isMember check removed): "a new database is for
//     administrators only" (the owner got 200), "a user not in members gets 403" (200),
//     "a member cannot change _security" (the outsider read the database), "after the owner
//     takes a member out…" (the member still read); couch.mjs: "no credentials: 401" and the
//     CORS 401 rule (200 without credentials).
//  2. validate_doc_update not run (validators() returning none): the member's keys:/invite:
//     writes, another device's device: document and foo:bar all 201, and the _bulk_docs rule
//     (both documents written). [The owner's keys:0000000002 then met the member's: 409; the
//     delete rule had no keys: document.]
//  3. A non-admin's PUT _security allowed (its isDbAdmin check removed): "a member cannot
//     change _security" (200). [The member had made itself a db admin: the design-document,
//     validate and removal rules broke after it.]
//  4. An auth cache that never forgets a password that once worked (authenticate accepting any
//     name:password seen before): "a user changes its own password…" (the old password still
//     answered 200 after 3 s).
//  5. Sign-up while logged in allowed (writeUser: couch_users_db's 404 for another name
//     removed): "sign-up with a logged-in non-admin's credentials is refused" (201). The
//     other-user rule still held: without _rev 409, with it 403 from the _users rules.
//  6. Design documents written by members (singleWrite: the db-admin check removed): "a member
//     cannot write or delete a design document" (201 for the member's design document).
//  7. A database without members treated as admin-only (isMember: no public case): "_security
//     with an empty members list makes a database public" (403); and, as the open `_users` is
//     one without members, the sign-up, roles and password rules (401/403).
//  8. The password kept in clear beside its hash (writeUser not removing `password`): "a user
//     changes its own password…" (its document showed the password).
//  9. _bulk_docs refusals dropped (bulkWrite passing every batch on): the _bulk_docs rule (the
//     keys: document written with ok).
// 10. The non-admin branch of the _users rules skipped: "a non-admin cannot give a new user
//     roles" (201), "a user cannot change its own roles" (201), "a user cannot read another
//     user's document nor write it" (nobody logged in, with the owner's _rev: 201, the account
//     taken over). [The removal rule: the owner's login no longer worked.]
import { Suite, call, assert } from "./harness.mjs";
import { randomBytes, randomUUID } from "node:crypto";

const SETTLE_MS = 3_000; // how long a change of users or _security may take to show (a cluster, the auth cache)

/** The validate function of docs/couchdb.md ("The validate function"), as the app writes it
 *  into `_design/ssp-hold` (src/domain/sync/couch_team.rs, VALIDATE). */
export const SSP_HOLD_VALIDATE = `function (newDoc, oldDoc, userCtx, secObj) {
  var admins = (secObj && secObj.admins && secObj.admins.names) || [];
  var owner = userCtx.roles.indexOf('_admin') !== -1 || admins.indexOf(userCtx.name) !== -1;
  var id = newDoc._id;
  if (id.indexOf('keys:') === 0 || id.indexOf('invite:') === 0) {
    if (!owner) throw({forbidden: 'Only the team owner writes ' + id});
  } else if (id.indexOf('device:') === 0) {
    if (!owner && id !== 'device:' + userCtx.name) throw({forbidden: 'A device writes only its own device document'});
  } else if (id.indexOf(':') !== -1) {
    throw({forbidden: 'Unknown kind of document: ' + id});
  }
}`;
export const DESIGN_ID = "_design/ssp-hold";

export async function run(baseUrl, adminUser, adminPassword, { origin } = {}) {
  const base = baseUrl.replace(/\/+$/, "");
  const appOrigin = origin || process.env.COUCH_ORIGIN || "http://127.0.0.1:4173";
  const hex = (n = 8) => randomBytes(n).toString("hex");
  const db = `ssp-hold-conf-${hex()}`;
  const dbUrl = `${base}/${db}`;
  const suite = new Suite(`CouchDB teams conformance: ${base} (database ${db})`);

  // ---- helpers -------------------------------------------------------------------------------

  const shown = (res) => `HTTP ${res.status} ${res.text.length > 300 ? `${res.text.slice(0, 300)}…` : res.text.trim()}`;
  const basic = (name, password) => ({
    Authorization: `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}`,
    Accept: "application/json",
  });
  const admin = basic(adminUser, adminPassword);
  const anon = { Accept: "application/json" };
  const as = (u) => basic(u.name, u.password);
  const newUser = (role) => ({ name: `ssp-conf-${hex()}`, password: randomBytes(32).toString("base64url"), role, made: false });
  const owner = newUser("owner");
  const member = newUser("member");
  const outsider = newUser("outsider");
  const made = [owner, member, outsider]; // users to delete at the end
  const userUrl = (name) => `${base}/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
  const userBody = (u, roles = []) => ({ _id: `org.couchdb.user:${u.name}`, name: u.name, password: u.password, roles, type: "user" });
  const docUrl = (id) => (id.startsWith("_design/") ? `${dbUrl}/${id}` : `${dbUrl}/${encodeURIComponent(id)}`);
  const concern = () => ({ _id: randomUUID(), schema: 2, updated_ms: Date.now(), data: { sealed: `conformance ${hex(4)}` } });
  const ok2xx = (res) => res.status >= 200 && res.status < 300;
  const errorIs = (res, ...names) => res.json && names.includes(res.json.error);

  /** The answer is the given status with the given `error`. */
  function expectRefusal(res, status, error, what) {
    assert.ok(res.status === status && errorIs(res, error), `${what}: expected ${status} {"error": "${error}"}, got ${shown(res)}`);
  }

  /** Retries `check` (which throws while the server has not caught up) for up to SETTLE_MS. */
  async function eventually(check) {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      try {
        return await check();
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  const put = (url, headers, body) => call("PUT", url, { headers, body });
  const get = (url, headers) => call("GET", url, { headers });

  /** Writes a document (PUT) and returns its new rev; fails the rule if not 2xx. */
  async function write(doc, headers, what) {
    const res = await put(docUrl(doc._id), headers, doc);
    assert.ok(ok2xx(res) && res.json && res.json.ok === true && typeof res.json.rev === "string", `${what} (PUT ${doc._id}) was not accepted: ${shown(res)}`);
    return res.json.rev;
  }

  /** The document as the administrator sees it, or null when it is not there. */
  async function peek(id) {
    const res = await get(docUrl(id), admin);
    if (res.status === 404) return null;
    assert.ok(res.status === 200, `GET ${id} as the administrator answered ${shown(res)}`);
    return res.json;
  }

  async function securityNow() {
    const res = await get(`${dbUrl}/_security`, admin);
    assert.ok(res.status === 200 && res.json, `GET _security as the administrator answered ${shown(res)}`);
    return res.json;
  }

  const names = (sec, part) => (sec && sec[part] && Array.isArray(sec[part].names) ? sec[part].names : []);
  const securityWith = (adminNames, memberNames) => ({
    admins: { names: adminNames, roles: [] },
    members: { names: memberNames, roles: [] },
  });

  let dbMade = false;
  let securitySet = false;
  let memberIn = false;
  let designRev = null;
  let ownerKeysRev = null;

  // ---- users ---------------------------------------------------------------------------------

  await suite.rule("auth", "sign-up: a user without roles is made without credentials (PUT /_users/org.couchdb.user:…)", async () => {
    for (const u of made) {
      const res = await put(userUrl(u.name), anon, userBody(u));
      if (ok2xx(res) && res.json && res.json.ok === true) u.made = true;
      const hint = res.status === 401 || res.status === 403
        ? " (_users is for administrators only, CouchDB 3's default: open it: see the header of tests/conformance/couch-teams.mjs)"
        : "";
      assert.ok(u.made, `sign-up of ${u.name} without credentials answered ${shown(res)}${hint}`);
      assert.equal(res.json.id, `org.couchdb.user:${u.name}`, `the sign-up's answer names another id: ${shown(res)}`);
    }
  });
  // The other rules need the users: made by the administrator when sign-up was refused.
  for (const u of made.filter((x) => !x.made)) {
    const res = await put(userUrl(u.name), admin, userBody(u));
    u.made = ok2xx(res);
  }

  await suite.rule("auth", "sign-up with a logged-in non-admin's credentials is refused (CouchDB: 404), so invites must be sent without them", async () => {
    assert.ok(owner.made, "the owner's user could not be made");
    const other = newUser("signed-up-while-logged-in");
    const res = await put(userUrl(other.name), as(owner), userBody(other));
    if (ok2xx(res)) made.push(other);
    assert.ok(
      (res.status === 404 && errorIs(res, "not_found")) || (res.status === 403 && errorIs(res, "forbidden")),
      `PUT of another name's user document with the owner's login: expected 404 {"error": "not_found"} (or 403), got ${shown(res)}`,
    );
    const look = await get(userUrl(other.name), admin);
    assert.equal(look.status, 404, `the refused user was made anyway: ${shown(look)}`);
  });

  await suite.rule("auth", "a non-admin cannot give a new user roles (403 forbidden; 401 where _users is closed)", async () => {
    const other = newUser("with-roles");
    const res = await put(userUrl(other.name), anon, userBody(other, ["ssp-conf-role"]));
    if (ok2xx(res)) made.push(other);
    assert.ok(
      (res.status === 403 && errorIs(res, "forbidden")) || (res.status === 401 && errorIs(res, "unauthorized")),
      `sign-up with roles: expected 403 {"error": "forbidden"}, got ${shown(res)}`,
    );
    const look = await get(userUrl(other.name), admin);
    assert.equal(look.status, 404, `the refused user was made anyway: ${shown(look)}`);
  });

  // ---- the database and its security object -------------------------------------------------

  await suite.rule("teams", "a non-admin cannot make a database (401/403), logged in or not", async () => {
    assert.ok(owner.made, "the owner's user could not be made");
    const other = `${db}-x`;
    for (const [who, headers] of [["the owner", as(owner)], ["nobody logged in", anon]]) {
      const res = await call("PUT", `${base}/${other}?q=1`, { headers });
      if (ok2xx(res)) await call("DELETE", `${base}/${other}`, { headers: admin });
      assert.ok(
        (res.status === 401 && errorIs(res, "unauthorized")) || (res.status === 403 && errorIs(res, "forbidden")),
        `PUT /${other} by ${who}: expected 401 {"error": "unauthorized"} or 403, got ${shown(res)}`,
      );
    }
  });

  await suite.rule("teams", "an administrator makes the team's database (PUT /{db}?q=1)", async () => {
    const res = await call("PUT", `${dbUrl}?q=1`, { headers: admin });
    assert.ok(ok2xx(res) && res.json && res.json.ok === true, `PUT /${db}?q=1 as the administrator answered ${shown(res)}`);
    dbMade = true;
  });

  await suite.rule("teams", "a new database is for administrators only: a user gets 403, nobody logged in 401", async () => {
    assert.ok(dbMade && owner.made, "no database or no owner (previous rules)");
    expectRefusal(await get(dbUrl, as(owner)), 403, "forbidden", "GET the new database as a user");
    expectRefusal(await get(dbUrl, anon), 401, "unauthorized", "GET the new database without credentials");
  });

  const firstConcern = concern();
  await suite.rule("teams", "with _security admins = members = [owner] the owner reads and writes documents", async () => {
    assert.ok(dbMade && owner.made, "no database or no owner (previous rules)");
    const res = await put(`${dbUrl}/_security`, admin, securityWith([owner.name], [owner.name]));
    assert.ok(res.status === 200 && res.json && res.json.ok === true, `PUT _security as the administrator answered ${shown(res)}`);
    securitySet = true;
    const rev = await eventually(() => write(firstConcern, as(owner), "the owner's write"));
    const back = await get(docUrl(firstConcern._id), as(owner));
    assert.ok(back.status === 200 && back.json && back.json._rev === rev, `the owner's GET of its document answered ${shown(back)}`);
  });

  await suite.rule("teams", "a user not in members gets 403 on reads and writes; nobody logged in 401", async () => {
    assert.ok(securitySet && outsider.made, "no security object or no outsider (previous rules)");
    expectRefusal(await get(dbUrl, as(outsider)), 403, "forbidden", "GET the database as a non-member");
    expectRefusal(await get(docUrl(firstConcern._id), as(outsider)), 403, "forbidden", "GET a document as a non-member");
    expectRefusal(await get(`${dbUrl}/_changes`, as(outsider)), 403, "forbidden", "GET _changes as a non-member");
    const doc = concern();
    const w = await call("POST", `${dbUrl}/_bulk_docs`, { headers: as(outsider), body: { docs: [doc] } });
    expectRefusal(w, 403, "forbidden", "_bulk_docs as a non-member");
    expectRefusal(await get(docUrl(firstConcern._id), anon), 401, "unauthorized", "GET a document without credentials");
    assert.equal(await peek(doc._id), null, "the non-member's refused write was stored");
  });

  await suite.rule("teams", "the owner (a db admin, not a server admin) adds a member with PUT _security; the member logs in, reads and writes", async () => {
    assert.ok(securitySet && member.made, "no security object or no member (previous rules)");
    const cur = await get(`${dbUrl}/_security`, as(owner));
    assert.ok(cur.status === 200 && cur.json, `GET _security as the owner answered ${shown(cur)}`);
    assert.deepEqual(names(cur.json, "admins"), [owner.name], `_security.admins.names is not [owner]: ${shown(cur)}`);
    const next = { ...cur.json, members: { ...(cur.json.members || {}), names: [...names(cur.json, "members"), member.name] } };
    const res = await put(`${dbUrl}/_security`, as(owner), next);
    assert.ok(res.status === 200 && res.json && res.json.ok === true, `PUT _security as the owner answered ${shown(res)}`);
    memberIn = true;
    await eventually(async () => {
      const r = await get(docUrl(firstConcern._id), as(member));
      assert.ok(r.status === 200 && r.json && r.json._id === firstConcern._id, `the new member's GET answered ${shown(r)}`);
    });
    await write(concern(), as(member), "the new member's write");
  });

  await suite.rule("teams", "a member cannot change _security (403 forbidden); it stays as it was", async () => {
    assert.ok(memberIn && outsider.made, "the member is not in (previous rule)");
    const before = await securityNow();
    const res = await put(`${dbUrl}/_security`, as(member), securityWith([owner.name, member.name], [...names(before, "members"), outsider.name]));
    expectRefusal(res, 403, "forbidden", "PUT _security as a member");
    const after = await securityNow();
    assert.deepEqual(after, before, `_security changed after the refused PUT: ${JSON.stringify(after)}`);
    expectRefusal(await get(dbUrl, as(outsider)), 403, "forbidden", "GET the database as the outsider after the refused PUT");
  });

  // ---- design documents and the validate function --------------------------------------------

  await suite.rule("teams", `the owner (db admin) writes ${DESIGN_ID} with the validate function of docs/couchdb.md`, async () => {
    assert.ok(securitySet, "no security object (previous rules)");
    designRev = await write({ _id: DESIGN_ID, language: "javascript", validate_doc_update: SSP_HOLD_VALIDATE }, as(owner), "the owner's design document");
  });

  await suite.rule("teams", "a member cannot write or delete a design document (403 forbidden)", async () => {
    assert.ok(memberIn && designRev, "no member or no design document (previous rules)");
    const mine = `_design/conf-${hex(4)}`;
    const res = await put(docUrl(mine), as(member), { _id: mine, language: "javascript", validate_doc_update: "function () {}" });
    expectRefusal(res, 403, "forbidden", `PUT ${mine} as a member`);
    assert.equal(await peek(mine), null, "the member's design document was stored");
    const del = await call("DELETE", `${docUrl(DESIGN_ID)}?rev=${encodeURIComponent(designRev)}`, { headers: as(member) });
    expectRefusal(del, 403, "forbidden", `DELETE ${DESIGN_ID} as a member`);
    const still = await peek(DESIGN_ID);
    assert.ok(still && still._rev === designRev, `${DESIGN_ID} changed after the refused delete: ${JSON.stringify(still)}`);
  });

  const validated = (what) => assert.ok(memberIn && designRev, `no member or no validate function (previous rules) for ${what}`);

  await suite.rule("teams", "validate: a member cannot write keys: or invite: documents (403 forbidden)", async () => {
    validated("keys:");
    for (const id of ["keys:0000000002", `invite:${outsider.name}`]) {
      const res = await put(docUrl(id), as(member), { _id: id, epoch: 2, wrapped: {} });
      expectRefusal(res, 403, "forbidden", `PUT ${id} as a member`);
      assert.equal(await peek(id), null, `the member's ${id} was stored`);
    }
  });

  await suite.rule("teams", "validate: a member cannot write another device's device: document (403 forbidden)", async () => {
    validated("device:");
    const id = `device:${owner.name}`;
    expectRefusal(await put(docUrl(id), as(member), { _id: id, public_key: "conformance" }), 403, "forbidden", `PUT ${id} as the member`);
    assert.equal(await peek(id), null, `the member's ${id} was stored`);
  });

  await suite.rule("teams", "validate: a member writes and updates its own device:<name> document", async () => {
    validated("device:");
    const id = `device:${member.name}`;
    const rev = await write({ _id: id, public_key: "conformance", epoch: 1 }, as(member), "the member's own device document");
    await write({ _id: id, _rev: rev, public_key: "conformance", epoch: 1, left: true }, as(member), "the member's update of its device document");
  });

  await suite.rule("teams", "validate: the owner writes keys:0000000002 and invite:<user>", async () => {
    validated("keys:");
    ownerKeysRev = await write({ _id: "keys:0000000002", epoch: 2, wrapped: {} }, as(owner), "the owner's keys:0000000002");
    await write({ _id: `invite:${outsider.name}`, expires_ms: Date.now() + 3_600_000 }, as(owner), "the owner's invite: document");
  });

  await suite.rule("teams", "validate: an id of an unknown kind (foo:bar) is refused, even to the owner (403 forbidden)", async () => {
    validated("foo:bar");
    expectRefusal(await put(docUrl("foo:bar"), as(owner), { _id: "foo:bar" }), 403, "forbidden", "PUT foo:bar as the owner");
    assert.equal(await peek("foo:bar"), null, "foo:bar was stored");
  });

  await suite.rule("teams", "validate: a member writes a concern (a UUID id)", async () => {
    validated("a concern");
    await write(concern(), as(member), "the member's concern");
  });

  await suite.rule("teams", "validate on delete: a member cannot delete the owner's keys: document (403 forbidden)", async () => {
    validated("a delete");
    assert.ok(ownerKeysRev, "the owner's keys:0000000002 was not written (previous rule)");
    const res = await call("DELETE", `${docUrl("keys:0000000002")}?rev=${encodeURIComponent(ownerKeysRev)}`, { headers: as(member) });
    expectRefusal(res, 403, "forbidden", "DELETE keys:0000000002 as a member");
    const still = await peek("keys:0000000002");
    assert.ok(still && still._rev === ownerKeysRev, `keys:0000000002 changed after the refused delete: ${JSON.stringify(still)}`);
  });

  await suite.rule("teams", 'validate in _bulk_docs: a refused document gets {"error": "forbidden"}, the other document of the batch is written', async () => {
    validated("_bulk_docs");
    const ok = concern();
    const bad = { _id: "keys:0000000003", epoch: 3, wrapped: {} };
    const res = await call("POST", `${dbUrl}/_bulk_docs`, { headers: as(member), body: { docs: [bad, ok] } });
    assert.ok(ok2xx(res) && Array.isArray(res.json), `_bulk_docs answered ${shown(res)} (expected 201 with a per-document list)`);
    const rowBad = res.json.find((r) => r.id === bad._id);
    const rowOk = res.json.find((r) => r.id === ok._id);
    assert.ok(rowBad && rowBad.error === "forbidden" && !rowBad.ok, `the refused document's entry is not {"error": "forbidden"}: ${shown(res)}`);
    assert.ok(rowOk && rowOk.ok === true && typeof rowOk.rev === "string", `the allowed document's entry is not {"ok": true, "rev"}: ${shown(res)}`);
    assert.equal(await peek(bad._id), null, `${bad._id} was stored`);
    const back = await peek(ok._id);
    assert.ok(back && back._rev === rowOk.rev, `the allowed document is not stored at ${rowOk.rev}: ${JSON.stringify(back)}`);
  });

  await suite.rule("teams", '_changes lists device:, keys: and _design/ documents (the app skips ids that start with "_" or hold ":")', async () => {
    validated("_changes");
    const want = [`device:${member.name}`, "keys:0000000002", DESIGN_ID];
    await eventually(async () => {
      const res = await get(`${dbUrl}/_changes?include_docs=true`, as(member));
      assert.ok(res.status === 200 && res.json && Array.isArray(res.json.results), `_changes answered ${shown(res)}`);
      const ids = res.json.results.map((e) => e.id);
      for (const id of want) assert.ok(ids.includes(id), `_changes does not list ${id}: ${ids.join(", ")}`);
    });
  });

  // ---- passwords and other users' documents --------------------------------------------------

  await suite.rule("auth", "a user changes its own password (GET its document, PUT it with _rev and a new password): the old password gets 401, the new one works", async () => {
    assert.ok(memberIn, "the member is not in (previous rules)");
    const own = await get(userUrl(member.name), as(member));
    assert.ok(own.status === 200 && own.json && own.json.name === member.name && typeof own.json._rev === "string", `GET of its own user document answered ${shown(own)}`);
    assert.ok(!("password" in own.json) && !own.text.includes(member.password), `the user document shows the password: ${shown(own)}`);
    const next = randomBytes(32).toString("base64url");
    const doc = { _id: own.json._id, _rev: own.json._rev, name: member.name, roles: own.json.roles, type: "user", password: next };
    const res = await put(userUrl(member.name), as(member), doc);
    assert.ok(ok2xx(res) && res.json && res.json.ok === true, `PUT of its own user document with a new password answered ${shown(res)}`);
    const old = { ...member };
    member.password = next;
    await eventually(async () => {
      const r = await get(dbUrl, as(member));
      assert.equal(r.status, 200, `the new password: GET the database answered ${shown(r)}`);
    });
    // Polled while the old password still works, so that it makes one failed login at most.
    await eventually(async () => {
      const r = await get(dbUrl, as(old));
      assert.ok(r.status === 401 && errorIs(r, "unauthorized"), `the old password still answers ${shown(r)}`);
    });
    const stored = await get(userUrl(member.name), admin);
    assert.ok(stored.status === 200 && !stored.text.includes(next) && !stored.text.includes(old.password), `the stored user document holds a password in clear: ${shown(stored)}`);
  });

  await suite.rule("auth", "a user cannot change its own roles (403 forbidden)", async () => {
    assert.ok(member.made, "no member (previous rules)");
    const own = await get(userUrl(member.name), admin);
    assert.ok(own.status === 200 && own.json, `GET of the member's user document as the administrator answered ${shown(own)}`);
    const res = await put(userUrl(member.name), as(member), { ...own.json, roles: ["ssp-conf-role"] });
    assert.ok(res.status === 403 && errorIs(res, "forbidden"), `PUT of its own user document with a role: expected 403 {"error": "forbidden"}, got ${shown(res)}`);
    const after = await get(userUrl(member.name), admin);
    assert.ok(after.status === 200 && after.json._rev === own.json._rev && after.json.roles.length === 0, `the user document changed: ${shown(after)}`);
  });

  await suite.rule("auth", "a user cannot read another user's document (403/404) nor write it (403/404/409); it stays unchanged", async () => {
    assert.ok(owner.made && outsider.made, "no owner or no outsider (previous rules)");
    const target = userUrl(owner.name);
    const before = await get(target, admin);
    assert.ok(before.status === 200 && before.json, `GET of the owner's user document as the administrator answered ${shown(before)}`);
    for (const [who, headers] of [["another user", as(outsider)], ["nobody logged in", anon]]) {
      const r = await get(target, headers);
      assert.ok(
        [401, 403, 404].includes(r.status) && errorIs(r, "unauthorized", "forbidden", "not_found") && !("derived_key" in r.json) && !("name" in r.json),
        `GET of the owner's user document by ${who} answered ${shown(r)}`,
      );
      for (const rev of [undefined, before.json._rev]) {
        const body = { _id: before.json._id, name: owner.name, roles: [], type: "user", password: "taken-over" };
        if (rev) body._rev = rev;
        const w = await put(target, headers, body);
        assert.ok(
          [401, 403, 404, 409].includes(w.status) && errorIs(w, "unauthorized", "forbidden", "not_found", "conflict"),
          `PUT of the owner's user document by ${who}${rev ? " with its _rev" : ""} answered ${shown(w)}`,
        );
      }
    }
    const after = await get(target, admin);
    assert.ok(after.status === 200 && after.json._rev === before.json._rev, `the owner's user document changed: ${shown(after)}`);
    const login = await get(dbUrl, as(owner));
    assert.equal(login.status, 200, `the owner's login no longer works: ${shown(login)}`);
    const taken = await get(dbUrl, basic(owner.name, "taken-over"));
    assert.equal(taken.status, 401, `the password another user tried to set works: ${shown(taken)}`);
  });

  // ---- removal -------------------------------------------------------------------------------

  await suite.rule("teams", "after the owner takes a member out of _security.members.names, the member gets 403", async () => {
    assert.ok(memberIn, "the member is not in (previous rules)");
    const cur = await get(`${dbUrl}/_security`, as(owner));
    assert.ok(cur.status === 200 && cur.json, `GET _security as the owner answered ${shown(cur)}`);
    const next = { ...cur.json, members: { ...cur.json.members, names: names(cur.json, "members").filter((n) => n !== member.name) } };
    const res = await put(`${dbUrl}/_security`, as(owner), next);
    assert.ok(res.status === 200 && res.json && res.json.ok === true, `PUT _security as the owner answered ${shown(res)}`);
    await eventually(async () => expectRefusal(await get(docUrl(firstConcern._id), as(member)), 403, "forbidden", "GET a document as the removed member"));
    const w = await put(docUrl(randomUUID()), as(member), concern());
    expectRefusal(w, 403, "forbidden", "a write by the removed member");
    expectRefusal(await get(`${dbUrl}/_changes`, as(member)), 403, "forbidden", "_changes as the removed member");
  });

  await suite.rule("teams", "_security with an empty members list makes a database public (CouchDB 3): the app must never write one", async () => {
    assert.ok(securitySet && outsider.made, "no security object or no outsider (previous rules)");
    const before = await securityNow();
    const res = await put(`${dbUrl}/_security`, admin, securityWith([owner.name], []));
    assert.ok(res.status === 200, `PUT _security as the administrator answered ${shown(res)}`);
    try {
      await eventually(async () => {
        const r = await get(dbUrl, as(outsider));
        assert.equal(r.status, 200, `with no members a non-member's GET answered ${shown(r)} (CouchDB lets anyone in)`);
      });
      const a = await get(dbUrl, anon);
      assert.equal(a.status, 200, `with no members a GET without credentials answered ${shown(a)} (CouchDB lets anyone in)`);
    } finally {
      await put(`${dbUrl}/_security`, admin, before);
    }
  });

  await suite.rule("auth", `CORS: preflights from ${appOrigin} for PUT /_users/… and PUT /{db}/_security allow PUT, Authorization and Content-Type`, async () => {
    for (const url of [userUrl(`ssp-conf-${hex()}`), `${dbUrl}/_security`]) {
      const res = await fetch(url, {
        method: "OPTIONS",
        headers: { Origin: appOrigin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization,content-type" },
      });
      await res.text();
      const h = (n) => res.headers.get(n) || "";
      const said = `HTTP ${res.status}, Allow-Origin ${JSON.stringify(h("access-control-allow-origin"))}, -Methods ${JSON.stringify(h("access-control-allow-methods"))}, -Headers ${JSON.stringify(h("access-control-allow-headers"))}`;
      assert.ok(ok2xx(res) && h("access-control-allow-origin") === appOrigin, `the preflight for ${url} does not allow the origin: ${said}`);
      assert.ok(h("access-control-allow-methods").toUpperCase().split(/\s*,\s*/).includes("PUT"), `the preflight for ${url} does not allow PUT: ${said}`);
      const allowedHeaders = h("access-control-allow-headers").toLowerCase().split(/\s*,\s*/);
      for (const want of ["authorization", "content-type"]) assert.ok(allowedHeaders.includes(want), `the preflight for ${url} does not allow ${want}: ${said}`);
    }
  });

  // ---- cleaning up ---------------------------------------------------------------------------

  await suite.rule("teams", "the administrator deletes the test database and the test users", async () => {
    const problems = [];
    if (dbMade) {
      const res = await call("DELETE", dbUrl, { headers: admin });
      if (!ok2xx(res)) problems.push(`DELETE /${db}: ${shown(res)}`);
      const gone = await get(dbUrl, admin);
      if (gone.status !== 404) problems.push(`GET /${db} after the delete: ${shown(gone)}`);
    }
    for (const u of made) {
      const doc = await get(userUrl(u.name), admin);
      if (doc.status === 404) continue;
      const res = doc.json && doc.json._rev
        ? await call("DELETE", `${userUrl(u.name)}?rev=${encodeURIComponent(doc.json._rev)}`, { headers: admin })
        : doc;
      if (!ok2xx(res)) problems.push(`deleting ${u.name}: ${shown(res)}`);
    }
    assert.ok(problems.length === 0, problems.join("\n"));
  });

  return suite.report();
}
