#!/usr/bin/env node
// A CouchDB-compatible test server for the app's CouchDB transport and the couch conformance
// suites: express-pouchdb (CouchDB's HTTP API on top of PouchDB) with PouchDB's in-memory
// adapter, behind HTTP Basic auth and CORS as a real CouchDB 3 set up by docs/couchdb.md has
// them. It is a stand-in for tests, not a CouchDB: see docs/couchdb.md ("The test server") for
// what it does differently (integer sequences, no `pending` in _changes, …).
//
// Users and security, as CouchDB 3 has them (docs/couchdb.md, "Teams on CouchDB"), modelled in
// front of express-pouchdb (its own auth modules are off):
//  - server admins (option `admins`; userCtx role `_admin`) may do everything;
//  - `_users`: user documents `org.couchdb.user:<name>`, checked by CouchDB's own rules for
//    that database (sign-up without roles without credentials, a user reads and writes only its
//    own document and may not change its roles, only admins set roles or delete others, and a
//    logged-in non-admin writing another name's document gets 404 as from CouchDB's
//    couch_users_db); passwords are stored only as pbkdf2-sha256 hashes and a new password
//    replaces the old one at once. Stored in a PouchDB database `_users`, answered by this file;
//  - Basic logins: the admins, the `_users` users (the `users` option's users are put there at
//    start);
//  - databases: only server admins create or delete them; a new one has CouchDB 3's default
//    security object (members and admins: role `_admin`, i.e. admin-only); `GET`/`PUT
//    /{db}/_security` (members read it, server and db admins write it); every other request
//    under `/{db}` needs a member (name or role in `members`), a db admin or a server admin,
//    and a database whose `members` are empty is public, as in CouchDB (is_public_db);
//  - design documents are written and deleted only by server or db admins;
//  - `validate_doc_update` of every design document runs on each document write (PUT, DELETE,
//    POST /{db}, _bulk_docs, also with new_edits=false), compiled with node's vm module, with
//    CouchDB's arguments (newDoc, oldDoc, userCtx {db, name, roles}, secObj); a thrown
//    {forbidden} / {unauthorized} refuses the write (403 / 401; a per-document entry in
//    _bulk_docs, the other documents being written). As in CouchDB, a write that conflicts is
//    answered 409 without running the functions, and design and _local documents are not
//    passed to them.
// Not modelled: cookie sessions (POST /_session), proxy/JWT auth, the auth cache's delay, the
// `_users` database's design document, attachments and COPY in a database with validate
// functions (left to its admins: see `approximateWrite`).
//
//   node tests/support/couch-server.mjs serve <port> [user] [password]
//        runs until Ctrl-C; prints the database URL and the credentials (the admin's too)
//   node tests/support/couch-server.mjs conformance
//        starts on a free port, runs tests/conformance/couch.mjs (as the user, on the database)
//        and tests/conformance/couch-teams.mjs (as the admin, on the server) against it, stops,
//        exits 0 when every rule of both holds
//
// From a test:
//   import { startCouchServer } from "../support/couch-server.mjs";
//   const couch = await startCouchServer({ port: 0, users: { "skole-a": "hemmelig" }, db: "ssp" });
//   couch.url        // http://127.0.0.1:<port>/ssp   (the database URL the app is given)
//   couch.baseUrl    // http://127.0.0.1:<port>
//   couch.user, couch.password   // the first user (a member of `db`)
//   couch.adminUser, couch.adminPassword   // the first server admin
//   await couch.stop(); await couch.restart();  // see "Restarts" below (restart also after stop)
//   await couch.injectConflict(id, { ...body }) // a replication-style conflicting branch
//   couch.databases()                           // every database's name, "_users" included
//   couch.pouchFor(name)                        // PouchDB's handle on any of them
//   couch.security(name)                        // a database's security object (a copy)
//   await couch.destroy()                       // stop and drop the data
//
// The server runs in the caller's process (no child process, so nothing can be left running
// when the caller exits). Each startCouchServer() gets its own in-memory namespace, so several
// servers in one process (Playwright workers, parallel tests) never see each other's data.
//
// Restarts: PouchDB's memory adapter keeps the data in this process, so a "restart" here
// restarts only the HTTP service: stop() closes the listener and destroys every open socket
// (requests in flight fail as they would when CouchDB goes down), restart() listens again on
// the same port. The PouchDB databases are kept, with their documents, revision trees and
// change sequence, as a real CouchDB keeps its data on disk across a restart; so are the users
// and the security objects. What this does not simulate: a cluster that forgets its sequence
// position, or data lost on a crash.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { randomBytes, timingSafeEqual, createHash, pbkdf2Sync } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);

// express-pouchdb is written for express 4; package.json pins express 4 at the top level.
const express = require("express");
const expressPouchDB = require("express-pouchdb");
const PouchDBCore = require("pouchdb-core");

const BasePouchDB = PouchDBCore.plugin(require("pouchdb-adapter-memory"))
  .plugin(require("pouchdb-adapter-http"))
  .plugin(require("pouchdb-replication"))
  .plugin(require("pouchdb-mapreduce"));

// CouchDB's answers, word for word, so the app sees the same bodies as from a real CouchDB.
const UNAUTHORIZED_NO_CREDENTIALS = "You are not authorized to access this db.";
const UNAUTHORIZED_WRONG = "Name or password is incorrect.";
const LOCKED_OUT = "Account is temporarily locked due to multiple authentication failures";
const NOT_ALLOWED = "You are not allowed to access this db.";
const NOT_SERVER_ADMIN = "You are not a server admin.";
const NOT_DB_ADMIN = "You are not a db or server admin.";
const NOT_SERVER_OR_DB_ADMIN = "You are not a server or db admin.";
const NO_DATABASE = "Database does not exist.";
const CONFLICT = "Document update conflict.";

const CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
const CORS_HEADERS = "Authorization, Content-Type";
// Headers a page may read from a cross-origin answer: CouchDB's own ones (its default
// `exposed_headers`) and the usual simple ones.
const CORS_EXPOSE =
  "Cache-Control, Content-Type, ETag, Server, X-Couch-Request-ID, X-Couch-Update-NewRev, X-CouchDB-Body-Time";

const USER_PREFIX = "org.couchdb.user:";
// pbkdf2-sha256 as CouchDB 3.4+ stores it (`pbkdf2_prf: "sha256"`), with fewer iterations than
// its 600000 so that every Basic request (each one checks the password) stays cheap.
const ITERATIONS = 1000;
const MAX_ITERATIONS = 1_000_000; // a stored document asking for more is not worth the CPU
const PRF = { sha: ["sha1", 20], sha224: ["sha224", 28], sha256: ["sha256", 32], sha384: ["sha384", 48], sha512: ["sha512", 64] };
const DUMMY_SALT = randomBytes(16).toString("hex");
// The same size limit as express-pouchdb's own JSON parser.
const MAX_BODY = 4 * 1024 * 1024 * 1024;
const VDU_TIMEOUT_MS = 1000;

let instances = 0;

/** Users from the options: `{ name: password }` or `[{ name, password }]`. */
function normaliseUsers(users, what, fallback) {
  if (!users) return [fallback()];
  const list = Array.isArray(users)
    ? users.map((u) => ({ name: String(u.name), password: String(u.password) }))
    : Object.entries(users).map(([name, password]) => ({ name, password: String(password) }));
  if (list.length === 0) throw new Error(`startCouchServer: \`${what}\` is empty`);
  return list;
}

/** Compares without leaking where two strings differ (hash first: equal lengths). */
function sameSecret(a, b) {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** `{ name, password }` from an `Authorization: Basic …` header; null when there is none,
 *  false when it is there but unreadable. */
function parseBasic(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header || "");
  if (!m) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The fields CouchDB stores instead of a password (couch_users_db: save_doc). */
function hashPassword(password) {
  const salt = randomBytes(16).toString("hex");
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256").toString("hex");
  return { password_scheme: "pbkdf2", pbkdf2_prf: "sha256", salt, iterations: ITERATIONS, derived_key: derived };
}

const PASSWORD_FIELDS = ["derived_key", "iterations", "password", "password_scheme", "password_sha", "preserve_salt", "pbkdf2_prf", "salt"];

/**
 * Whether `password` is the one the stored user document `doc` holds the hash of. A missing
 * document or one without usable fields is hashed against too, so that the time taken does not
 * tell which names exist.
 */
function passwordMatches(doc, password) {
  if (doc && doc.password_scheme === "pbkdf2" && typeof doc.derived_key === "string" && typeof doc.salt === "string") {
    const prf = PRF[doc.pbkdf2_prf || "sha"];
    const n = doc.iterations;
    if (prf && Number.isInteger(n) && n > 0 && n <= MAX_ITERATIONS) {
      const got = pbkdf2Sync(password, doc.salt, n, prf[1], prf[0]).toString("hex");
      return sameSecret(got, doc.derived_key.toLowerCase());
    }
  }
  if (doc && doc.password_scheme === "simple" && typeof doc.password_sha === "string" && typeof doc.salt === "string") {
    const got = createHash("sha1").update(password + doc.salt).digest("hex");
    return sameSecret(got, doc.password_sha.toLowerCase());
  }
  pbkdf2Sync(password, DUMMY_SALT, ITERATIONS, 32, "sha256");
  return false;
}

/**
 * The rules CouchDB's `_users` database applies to every write (its `_design/_auth` validate
 * function), written out here: null when the write may go ahead, else the refusal's reason.
 */
function userDocRefusal(newDoc, oldDoc, userCtx, secObj) {
  const roles = userCtx.roles;
  if (newDoc._deleted === true) {
    if (roles.includes("_admin") || (oldDoc && userCtx.name === oldDoc.name)) return null;
    return "Only admins may delete other user docs.";
  }
  if (newDoc.type !== "user") return "doc.type must be user";
  if (!newDoc.name || typeof newDoc.name !== "string") return "doc.name is required";
  if (!newDoc.roles) return "doc.roles must exist";
  if (!Array.isArray(newDoc.roles)) return "doc.roles must be an array";
  if (newDoc.roles.some((r) => typeof r !== "string")) return "doc.roles can only contain strings";
  if (newDoc._id !== USER_PREFIX + newDoc.name) return "Doc ID must be of the form org.couchdb.user:name";
  if (oldDoc && oldDoc.name !== newDoc.name) return "Usernames can not be changed.";
  if (newDoc.password_sha && !newDoc.salt) {
    return "Users with password_sha must have a salt.See /_utils/script/couch.js for example code.";
  }
  if (newDoc.password_scheme && !["simple", "pbkdf2", "simple+pbkdf2"].includes(newDoc.password_scheme)) {
    return `Password scheme \`${newDoc.password_scheme}\` not supported.`;
  }
  if (newDoc.password_scheme === "pbkdf2") {
    if (typeof newDoc.iterations !== "number") return "iterations must be a number.";
    if (typeof newDoc.derived_key !== "string") return "derived_key must be a string.";
  }
  const dbAdmins = (secObj && secObj.admins) || {};
  const admin =
    roles.includes("_admin") ||
    (Array.isArray(dbAdmins.names) && dbAdmins.names.includes(userCtx.name)) ||
    (Array.isArray(dbAdmins.roles) && roles.some((r) => dbAdmins.roles.includes(r)));
  if (!admin) {
    if (oldDoc) {
      if (userCtx.name !== newDoc.name) return "You may only update your own user document.";
      const before = [...(oldDoc.roles || [])].sort();
      const after = [...newDoc.roles].sort();
      if (before.length !== after.length || before.some((r, i) => r !== after[i])) return "Only _admin may edit roles";
    } else if (newDoc.roles.length > 0) {
      return "Only _admin may set roles";
    }
  }
  if (newDoc.roles.some((r) => r !== "_metrics" && r.startsWith("_"))) {
    return "No system roles (starting with underscore) in users db.";
  }
  if (newDoc.name.startsWith("_")) return "Username may not start with underscore.";
  if (newDoc.name.includes(":")) return "Character `:` is not allowed in usernames.";
  return null;
}

// ---- security objects ---------------------------------------------------------------------------

/** CouchDB 3's security object for a new database ([couchdb] default_security = admin_only). */
const adminOnlySecurity = () => ({ members: { roles: ["_admin"] }, admins: { roles: ["_admin"] } });

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const listOf = (group, key) => (group && typeof group === "object" && Array.isArray(group[key]) ? group[key] : []);
const membersOf = (sec) => (sec && (sec.members || sec.readers)) || {};
const hasRole = (ctx, roles) => ctx.roles.some((r) => roles.includes(r));

function isServerAdmin(ctx) {
  return ctx.roles.includes("_admin");
}

/** couch_db:is_admin: the `_admin` role, or a name or role in `admins`. */
function isDbAdmin(ctx, sec) {
  const admins = (sec && sec.admins) || {};
  if (hasRole(ctx, ["_admin", ...listOf(admins, "roles")])) return true;
  return ctx.name !== null && listOf(admins, "names").includes(ctx.name);
}

/** couch_db:is_member: a db admin, any user of a public database (no member names or roles),
 *  or a name or role in `members`. */
function isMember(ctx, sec) {
  if (isDbAdmin(ctx, sec)) return true;
  const members = membersOf(sec);
  const names = listOf(members, "names");
  const roles = listOf(members, "roles");
  if (names.length === 0 && roles.length === 0) return true;
  if (hasRole(ctx, ["_admin", ...roles])) return true;
  return ctx.name !== null && names.includes(ctx.name);
}

/** Why a security object cannot be stored (couch_db:validate_security_object), or null. */
function securityRefusal(body) {
  if (!body || typeof body !== "object" || Array.isArray(body)) return "Security object must be a JSON object";
  for (const key of ["admins", body.members !== undefined ? "members" : "readers"]) {
    const group = body[key];
    if (group === undefined) continue;
    if (!group || typeof group !== "object" || Array.isArray(group)) return "admins or members must be a JSON list of strings";
    for (const part of ["names", "roles"]) {
      const v = group[part];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) return `${part} must be a JSON list of strings`;
    }
  }
  return null;
}

// ---- validate_doc_update -------------------------------------------------------------------------

/**
 * A design document's validate function, compiled in its own vm context with the helpers
 * CouchDB's JavaScript environment gives it. Returns a function taking the four arguments;
 * each call gets copies of them (made inside the context) and at most VDU_TIMEOUT_MS.
 */
function compileValidator(src) {
  const context = vm.createContext({
    isArray: (x) => Array.isArray(x),
    log: () => {},
    toJSON: (x) => JSON.stringify(x),
    sum: (xs) => xs.reduce((a, b) => a + b, 0),
  });
  const fn = vm.runInContext(`(${src}\n)`, context, { timeout: VDU_TIMEOUT_MS, filename: "validate_doc_update.js" });
  if (typeof fn !== "function") throw new Error("validate_doc_update is not a function");
  context.__fn = fn;
  const call = new vm.Script("__fn.apply(null, JSON.parse(__args));", { filename: "validate_doc_update.js" });
  return (args) => {
    context.__args = JSON.stringify(args);
    call.runInContext(context, { timeout: VDU_TIMEOUT_MS });
  };
}

/** Why a design document cannot be stored (its validate function does not compile), or null. */
function designRefusal(doc) {
  if (!doc || typeof doc !== "object" || doc._deleted === true || doc.validate_doc_update === undefined) return null;
  if (typeof doc.validate_doc_update !== "string") {
    return { error: "invalid_design_doc", reason: "`validate_doc_update` must be a string" };
  }
  try {
    compileValidator(doc.validate_doc_update);
    return null;
  } catch (e) {
    return { error: "compilation_error", reason: `validate_doc_update: ${e && e.message ? e.message : e}` };
  }
}

/**
 * Starts the server on 127.0.0.1.
 *  - port: a port number, or 0 for a free one (kept across restart()).
 *  - users: `{ name: password }` or `[{ name, password }]`; default one user with a random
 *    password (returned as `user`/`password`). They are users in `_users` (no roles) and the
 *    members of `db`.
 *  - admins: `{ name: password }` or `[{ name, password }]`: the server admins (CouchDB's
 *    [admins]); default one admin "admin" with a random password (returned as
 *    `adminUser`/`adminPassword`).
 *  - db: the database to create (default "ssp"); its security object names every `users` user
 *    as a member (no db admins).
 *  - usersDb: who may use `_users`: "open" (default; members empty, as docs/couchdb.md's setup
 *    makes it: anyone may sign up, a user reads and changes its own document) or "admin_only"
 *    (CouchDB 3's own default: only server admins; sign-up and password changes are refused).
 *  - origins: origins allowed by CORS; default the e2e app's origin
 *    (http://127.0.0.1:<E2E_PORT or 4173> and http://localhost:<same>); "*" allows any origin
 *    (the request's origin is echoed back).
 *  - log: a function given one line per request (default: none).
 *  - wwwAuthenticate: a value for a `WWW-Authenticate` header on 401 answers (default none, as
 *    CouchDB by default; CouchDB sends `Basic realm="server"` when [chttpd] require_valid_user
 *    is true, which can make a browser show its own login dialog).
 *  - lockout: `{ threshold = 5, windowMs = 300000 }` to behave like CouchDB 3.4+'s
 *    [chttpd_auth_lockout] mode = enforce: after `threshold` failed logins of one user name
 *    (of an admin or of a user in `_users`) from one address within the window, that name gets
 *    403 (even with the right password) until the window, counted from the first failure, ends.
 *    Default off.
 */
export async function startCouchServer({
  port = 0,
  users,
  admins,
  db = "ssp",
  usersDb = "open",
  origins,
  log,
  wwwAuthenticate,
  lockout,
} = {}) {
  const userList = normaliseUsers(users, "users", () => ({ name: "skole-test", password: `test-${randomBytes(9).toString("hex")}` }));
  const adminList = normaliseUsers(admins, "admins", () => ({ name: "admin", password: `admin-${randomBytes(12).toString("hex")}` }));
  if (usersDb !== "open" && usersDb !== "admin_only") throw new Error('startCouchServer: `usersDb` is "open" or "admin_only"');
  const e2ePort = Number(process.env.E2E_PORT || 4173);
  const allowed = new Set(origins || [`http://127.0.0.1:${e2ePort}`, `http://localhost:${e2ePort}`]);

  // Its own namespace in memdown's process-wide store (see the header).
  const prefix = `ssp_couch_${process.pid}_${++instances}_${randomBytes(4).toString("hex")}_`;
  const PouchDB = BasePouchDB.defaults({ adapter: "memory", prefix });

  // "minimumForPouchDB" has every route the app and the suite use (_changes, _bulk_docs,
  // _all_docs, documents with ?rev=, database info/creation) and, unlike "fullCouchDB", no
  // config-infrastructure / logging-infrastructure: nothing writes config.json or log.txt
  // into the working directory. Its own auth parts (_users, _security, _session) are off too:
  // users and security are modelled by the middleware below.
  const pouchApp = expressPouchDB({ mode: "minimumForPouchDB" });
  await pouchApp.setPouchDB(PouchDB);

  // ---- state (kept across stop/restart) -----------------------------------------------------

  /** The databases made through the HTTP API: name -> { security }. `_users` is apart. */
  const dbs = new Map();
  const pouches = new Map();
  const usersPouch = new PouchDB("_users");
  let usersSecurity =
    usersDb === "open"
      ? { admins: { names: [], roles: ["_admin"] }, members: { names: [], roles: [] } }
      : adminOnlySecurity();
  const validatorCache = new Map(); // "<db>\n<ddoc id>\n<rev>" -> compiled function or Error

  function pouchFor(name) {
    if (name === "_users") return usersPouch;
    if (!dbs.has(name)) throw new Error(`couch-server: no database ${JSON.stringify(name)}`);
    if (!pouches.has(name)) pouches.set(name, new PouchDB(name));
    return pouches.get(name);
  }

  async function userDoc(name) {
    if (typeof name !== "string") return null;
    try {
      return await usersPouch.get(USER_PREFIX + name);
    } catch {
      return null;
    }
  }

  for (const u of userList) {
    await usersPouch.put({ _id: USER_PREFIX + u.name, name: u.name, roles: [], type: "user", ...hashPassword(u.password) });
  }

  const ANONYMOUS = Object.freeze({ name: null, roles: Object.freeze([]) });

  /** The userCtx an `Authorization` header logs in as; `{ reason }` when it does not. */
  async function authenticate(header) {
    const creds = parseBasic(header);
    if (creds === null) return { ctx: ANONYMOUS };
    if (creds === false) return { reason: UNAUTHORIZED_WRONG };
    // The server admins first, as CouchDB reads its [admins] before `_users`. Every admin is
    // compared, so the time taken does not tell which admin names exist.
    let admin = null;
    let adminNamed = false;
    for (const a of adminList) {
      const nameOk = sameSecret(a.name, creds.name);
      const ok = nameOk & sameSecret(a.password, creds.password);
      if (nameOk) adminNamed = true;
      if (ok && !admin) admin = a;
    }
    if (admin) return { ctx: { name: admin.name, roles: ["_admin"] } };
    const doc = adminNamed ? null : await userDoc(creds.name);
    const ok = passwordMatches(doc, creds.password);
    if (ok && doc) {
      const roles = Array.isArray(doc.roles) ? doc.roles.filter((r) => typeof r === "string") : [];
      return { ctx: { name: creds.name, roles } };
    }
    return { reason: UNAUTHORIZED_WRONG };
  }

  /** Whether a name belongs to an existing admin or user (only those are counted for lockout). */
  async function nameExists(name) {
    return adminList.some((a) => a.name === name) || (await userDoc(name)) !== null;
  }

  // ---- the HTTP app --------------------------------------------------------------------------

  const app = express();
  app.disable("x-powered-by");

  if (log) {
    app.use((req, res, next) => {
      res.on("finish", () => log(`${req.method} ${req.originalUrl} -> ${res.statusCode}`));
      next();
    });
  }

  // CORS first, so that a 401 still carries the headers the page needs to read it.
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    const ok = origin && (allowed.has(origin) || allowed.has("*"));
    if (origin) res.vary("Origin");
    if (ok) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
    }
    if (req.method === "OPTIONS") {
      // A preflight never needs credentials (browsers do not send them on a preflight).
      if (ok) {
        res.setHeader("Access-Control-Allow-Methods", CORS_METHODS);
        res.setHeader("Access-Control-Allow-Headers", CORS_HEADERS);
        res.setHeader("Access-Control-Max-Age", "600");
      }
      res.status(204).end();
      return;
    }
    if (ok) res.setHeader("Access-Control-Expose-Headers", CORS_EXPOSE);
    next();
  });

  // Failed logins per "name address", for the optional lockout.
  const failures = new Map();
  const lock = lockout ? { threshold: 5, windowMs: 300_000, ...lockout } : null;
  const sendJson = (res, status, body) => {
    // By default no WWW-Authenticate header, like CouchDB by default, so a browser does not
    // pop up its own login dialog over the app.
    if (status === 401 && wwwAuthenticate) res.setHeader("WWW-Authenticate", wwwAuthenticate);
    res.status(status).type("application/json");
    res.send(JSON.stringify(body) + "\n");
  };
  /** couch_db's security error: 401 for nobody logged in, else 403. */
  const refuse = (res, ctx, reason) =>
    ctx.name === null
      ? sendJson(res, 401, { error: "unauthorized", reason: reason || UNAUTHORIZED_NO_CREDENTIALS })
      : sendJson(res, 403, { error: "forbidden", reason: reason || NOT_ALLOWED });
  const notServerAdmin = (res) => sendJson(res, 401, { error: "unauthorized", reason: NOT_SERVER_ADMIN });
  const missing = (res, reason = "missing") => sendJson(res, 404, { error: "not_found", reason });
  const pouchError = (res, e) => {
    if (e && e.status === 409) return sendJson(res, 409, { error: "conflict", reason: CONFLICT });
    sendJson(res, (e && e.status) || 500, { error: (e && e.name) || "unknown_error", reason: (e && (e.reason || e.message)) || String(e) });
  };
  const parseJson = express.json({ limit: MAX_BODY }); // body-parser's, as express-pouchdb uses
  /** Parses a JSON body the way express-pouchdb does (which then finds it parsed: req._body).
   *  False when it answered the request (a bad body). */
  const readJson = (req, res) =>
    new Promise((resolve) =>
      parseJson(req, res, (err) => {
        if (!err) return resolve(true);
        if (err.status === 400) sendJson(res, 400, { error: "bad_request", reason: "invalid_json" });
        else if (err.status === 413) sendJson(res, 413, { error: "too_large", reason: "the request entity is too large" });
        else sendJson(res, 500, { error: "unknown_error", reason: String(err.message || err) });
        resolve(false);
      }),
    );
  const isJsonObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const newId = () => randomBytes(16).toString("hex");
  const isMultipart = (req) => /^multipart\//i.test(req.headers["content-type"] || "");
  /** The `rev` a request names: `?rev=` or `If-Match`. */
  const revOf = (req) => req.query.rev || (req.headers["if-match"] || "").replace(/^"|"$/g, "") || undefined;

  // ---- validate functions of a database -------------------------------------------------------

  async function validators(dbName) {
    const res = await pouchFor(dbName).allDocs({ startkey: "_design/", endkey: "_design/\uffff", include_docs: true });
    const out = [];
    for (const row of res.rows) {
      const src = row.doc && row.doc.validate_doc_update;
      if (typeof src !== "string") continue;
      const key = `${dbName}\n${row.id}\n${row.doc._rev}`;
      if (!validatorCache.has(key)) {
        try {
          validatorCache.set(key, compileValidator(src));
        } catch (e) {
          validatorCache.set(key, e instanceof Error ? e : new Error(String(e)));
        }
      }
      out.push({ id: row.id, fn: validatorCache.get(key) });
    }
    return out;
  }

  /** Runs every validate function on a write: null, or `{ status, error, reason }`. */
  function validate(fns, newDoc, oldDoc, userCtx, secObj) {
    for (const { id, fn } of fns) {
      if (fn instanceof Error) return { status: 500, error: "compilation_error", reason: `${id}: ${fn.message}` };
      try {
        fn([newDoc, oldDoc, userCtx, secObj]);
      } catch (e) {
        if (e && typeof e === "object" && "forbidden" in e) return { status: 403, error: "forbidden", reason: e.forbidden };
        if (e && typeof e === "object" && "unauthorized" in e) return { status: 401, error: "unauthorized", reason: e.unauthorized };
        return { status: 500, error: "unknown_error", reason: `${id}: ${e && e.message ? e.message : String(e)}` };
      }
    }
    return null;
  }

  /**
   * What a write on `id` based on `rev` replaces: `{ oldDoc }` (null for a new document), or
   * `{ conflict: true }` when CouchDB would answer 409 before running any validate function
   * (the write is then left to express-pouchdb, which answers the conflict).
   */
  async function prior(pouch, id, rev, newEdits) {
    let winner = null;
    try {
      winner = await pouch.get(id);
    } catch {
      winner = null;
    }
    if (!newEdits) return { oldDoc: winner };
    if (!rev) return winner ? { conflict: true } : { oldDoc: null };
    let leaves = [];
    try {
      leaves = (await pouch.get(id, { open_revs: "all" })).filter((l) => l.ok).map((l) => l.ok);
    } catch {
      leaves = [];
    }
    const leaf = leaves.find((d) => d._rev === rev);
    if (!leaf) return { conflict: true };
    return { oldDoc: leaf._deleted ? null : leaf };
  }

  const userCtxOf = (ctx, dbName) => ({ db: dbName, name: ctx.name, roles: [...ctx.roles] });

  /** PUT/DELETE /{db}/{id}, POST /{db}: the checks, then express-pouchdb writes (or refuses). */
  async function singleWrite(req, res, next, ctx, dbName, id, kind) {
    const sec = dbs.get(dbName).security;
    if (id.startsWith("_local/")) return next();
    if (kind === "delete" && !revOf(req)) return sendJson(res, 409, { error: "conflict", reason: CONFLICT });
    if (id.startsWith("_design/")) {
      if (!isDbAdmin(ctx, sec)) return refuse(res, ctx, NOT_DB_ADMIN);
      const bad = kind === "delete" ? null : designRefusal(req.body);
      if (bad) return sendJson(res, 400, bad);
      return next();
    }
    const fns = await validators(dbName);
    if (fns.length === 0) return next();
    let newDoc;
    if (kind === "delete") {
      newDoc = { _id: id, _rev: revOf(req), _deleted: true };
    } else {
      newDoc = { ...req.body, _id: id };
      const rev = req.body._rev || req.query.rev;
      if (rev) newDoc._rev = rev;
    }
    const before = await prior(pouchFor(dbName), id, newDoc._rev, req.query.new_edits !== "false");
    if (before.conflict) return next();
    const refusal = validate(fns, newDoc, before.oldDoc, userCtxOf(ctx, dbName), clone(sec));
    if (refusal) return sendJson(res, refusal.status, { error: refusal.error, reason: refusal.reason });
    return next();
  }

  /**
   * POST /{db}/_bulk_docs: each document checked as a single write would be. With no refusal
   * express-pouchdb writes the batch; otherwise the others are written here (as express-pouchdb
   * would) and the answer has the refusals in their places.
   */
  async function bulkWrite(req, res, next, ctx, dbName) {
    const body = req.body;
    if (!isJsonObject(body) || !Array.isArray(body.docs)) return next();
    const sec = dbs.get(dbName).security;
    const newEdits = body.new_edits !== false;
    const admin = isDbAdmin(ctx, sec);
    const fns = await validators(dbName);
    const designs = body.docs.some((d) => isJsonObject(d) && typeof d._id === "string" && d._id.startsWith("_design/"));
    if (fns.length === 0 && !designs) return next();
    const pouch = pouchFor(dbName);
    const refused = new Map(); // position -> the per-document answer
    for (let i = 0; i < body.docs.length; i++) {
      const doc = body.docs[i];
      if (!isJsonObject(doc)) continue;
      if (doc._id === undefined && fns.length > 0) doc._id = newId();
      const id = doc._id;
      if (typeof id !== "string" || id.startsWith("_local/")) continue;
      if (id.startsWith("_design/")) {
        if (!admin) {
          refused.set(i, { id, error: ctx.name === null ? "unauthorized" : "forbidden", reason: NOT_DB_ADMIN });
        } else {
          const bad = designRefusal(doc);
          if (bad) refused.set(i, { id, ...bad });
        }
        continue;
      }
      if (fns.length === 0) continue;
      const before = await prior(pouch, id, doc._rev, newEdits);
      if (before.conflict) continue;
      const refusal = validate(fns, doc, before.oldDoc, userCtxOf(ctx, dbName), clone(sec));
      if (refusal) refused.set(i, { id, error: refusal.error, reason: refusal.reason });
    }
    if (refused.size === 0) return next();
    const kept = body.docs.filter((_, i) => !refused.has(i));
    let results = [];
    if (kept.length > 0) {
      try {
        results = await pouch.bulkDocs(kept, { new_edits: newEdits });
      } catch (e) {
        return pouchError(res, e);
      }
    }
    // express-pouchdb's per-document format.
    const shown = (info) => (info.error ? { id: info.id, error: info.name, reason: info.message } : info);
    let out;
    if (newEdits) {
      out = [];
      let k = 0;
      for (let i = 0; i < body.docs.length; i++) out.push(refused.has(i) ? refused.get(i) : shown(results[k++]));
    } else {
      // As CouchDB: with new_edits=false only the errors are listed.
      out = [...refused.values(), ...results.map(shown)];
    }
    return sendJson(res, 201, out);
  }

  /**
   * Attachment writes, multipart document writes, POST of a form and COPY: their document is
   * not at hand here to run validate functions on, so where a database has any (or the target
   * is a design document) only db admins may make them. The app makes none of these.
   */
  async function approximateWrite(res, next, ctx, dbName, id) {
    const sec = dbs.get(dbName).security;
    if (id && id.startsWith("_local/")) return next();
    if (isDbAdmin(ctx, sec)) return next();
    if (id && id.startsWith("_design/")) return refuse(res, ctx, NOT_DB_ADMIN);
    if ((await validators(dbName)).length === 0) return next();
    return refuse(res, ctx, "The test server takes only JSON document writes from non-admins in a database with validate functions.");
  }

  // ---- `_users` -----------------------------------------------------------------------------

  async function usersRequest(req, res, ctx, rest) {
    const m = req.method;
    const admin = isServerAdmin(ctx);
    if (rest.length === 0) {
      if (m === "PUT" || m === "DELETE") {
        if (!admin) return notServerAdmin(res);
        if (m === "PUT") return sendJson(res, 412, { error: "file_exists", reason: "The database could not be created, the file already exists." });
        return sendJson(res, 400, { error: "bad_request", reason: "The test server keeps its _users database." });
      }
      if (!isMember(ctx, usersSecurity)) return refuse(res, ctx);
      if (m === "GET" || m === "HEAD") {
        const info = await usersPouch.info();
        return sendJson(res, 200, { db_name: "_users", doc_count: info.doc_count, update_seq: info.update_seq });
      }
      if (m === "POST") {
        if (!(await readJson(req, res))) return;
        const id = isJsonObject(req.body) && typeof req.body._id === "string" ? req.body._id : newId();
        return writeUser(req, res, ctx, id, req.body, undefined);
      }
      return sendJson(res, 405, { error: "method_not_allowed", reason: "Only GET,HEAD,POST allowed" });
    }
    const sub = rest[0];
    if (sub === "_all_docs" || sub === "_changes") {
      if (!admin) return notServerAdmin(res);
      if (sub === "_all_docs" && (m === "GET" || m === "HEAD")) {
        const all = await usersPouch.allDocs({ include_docs: req.query.include_docs === "true" });
        return sendJson(res, 200, all);
      }
      return sendJson(res, 501, { error: "not_implemented", reason: `The test server's _users has no ${m} ${sub}.` });
    }
    if (!isMember(ctx, usersSecurity)) return refuse(res, ctx);
    if (sub === "_security" && rest.length === 1) {
      if (m === "GET" || m === "HEAD") return sendJson(res, 200, usersSecurity);
      if (m !== "PUT") return sendJson(res, 405, { error: "method_not_allowed", reason: "Only GET,PUT allowed" });
      // As with [couchdb] users_db_security_editable = true (which opening sign-up needs).
      if (!isDbAdmin(ctx, usersSecurity)) return refuse(res, ctx, NOT_DB_ADMIN);
      if (!(await readJson(req, res))) return;
      const why = securityRefusal(req.body);
      if (why) return sendJson(res, 400, { error: "bad_request", reason: why });
      usersSecurity = clone(req.body);
      return sendJson(res, 200, { ok: true });
    }
    const id = docIdOf(rest);
    if (!id || id.rest.length > 0 || id.id.startsWith("_local/")) return missing(res);
    if (id.id.startsWith("_design/")) {
      if (!admin) return sendJson(res, 403, { error: "forbidden", reason: "Only administrators can view design docs in the users database." });
      return missing(res);
    }
    if (m === "GET" || m === "HEAD") return readUser(res, ctx, id.id);
    if (m === "PUT") {
      if (!(await readJson(req, res))) return;
      return writeUser(req, res, ctx, id.id, req.body, req.query.rev);
    }
    if (m === "DELETE") return writeUser(req, res, ctx, id.id, { _id: id.id, _rev: revOf(req), _deleted: true }, undefined);
    return sendJson(res, 405, { error: "method_not_allowed", reason: "Only DELETE,GET,HEAD,PUT allowed" });
  }

  const nameIn = (id) => (id.startsWith(USER_PREFIX) ? id.slice(USER_PREFIX.length) : undefined);

  async function readUser(res, ctx, id) {
    let doc;
    try {
      doc = await usersPouch.get(id);
    } catch (e) {
      return missing(res, (e && e.reason) || "missing");
    }
    // couch_users_db:after_doc_read: another user's document has no public fields here.
    if (!isServerAdmin(ctx) && ctx.name !== nameIn(id)) return missing(res);
    return sendJson(res, 200, doc);
  }

  async function writeUser(req, res, ctx, id, body, queryRev) {
    if (!isJsonObject(body)) return sendJson(res, 400, { error: "bad_request", reason: "Document must be a JSON object" });
    // couch_users_db:before_doc_update: a logged-in non-admin may write only its own document
    // (nobody logged in: sign-up, left to the rules below); CouchDB answers 404.
    if (!isServerAdmin(ctx) && ctx.name !== null && ctx.name !== nameIn(id)) return missing(res);
    const doc = { ...body, _id: id };
    const rev = body._rev || queryRev;
    if (rev) doc._rev = rev;
    else delete doc._rev;
    const deleting = doc._deleted === true;
    if (typeof doc.password === "string") {
      for (const f of PASSWORD_FIELDS) delete doc[f];
      Object.assign(doc, hashPassword(body.password));
    } else if (doc.password !== undefined && doc.password !== null) {
      return sendJson(res, 400, { error: "bad_request", reason: "password must be a string" });
    }
    let current = null;
    try {
      current = await usersPouch.get(id);
    } catch {
      current = null;
    }
    if (deleting && !current) return missing(res);
    if (current ? rev !== current._rev : deleting) return sendJson(res, 409, { error: "conflict", reason: CONFLICT });
    const why = userDocRefusal(doc, current, userCtxOf(ctx, "_users"), usersSecurity);
    if (why) return sendJson(res, 403, { error: "forbidden", reason: why });
    try {
      const out = await usersPouch.put(doc);
      return sendJson(res, deleting && req.method === "DELETE" ? 200 : 201, { ok: true, id: out.id, rev: out.rev });
    } catch (e) {
      return pouchError(res, e);
    }
  }

  // ---- routing --------------------------------------------------------------------------------

  /** A document's id and what follows it, from the path parts after the database. */
  function docIdOf(parts) {
    const [first, second, ...more] = parts;
    if (first === undefined) return null;
    if (first === "_design" || first === "_local") {
      return second === undefined ? null : { id: `${first}/${second}`, rest: more };
    }
    if (first.startsWith("_design/") || first.startsWith("_local/")) return { id: first, rest: parts.slice(1) };
    if (first.startsWith("_")) return null;
    return { id: first, rest: parts.slice(1) };
  }

  async function dbRequest(req, res, next, ctx, dbName, rest) {
    const m = req.method;
    if (rest.length === 0 && (m === "PUT" || m === "DELETE")) {
      if (!isServerAdmin(ctx)) return notServerAdmin(res);
      if (m === "PUT") {
        if (dbs.has(dbName)) {
          return sendJson(res, 412, { error: "file_exists", reason: "The database could not be created, the file already exists." });
        }
        res.on("finish", () => {
          if (res.statusCode === 201 && !dbs.has(dbName)) dbs.set(dbName, { security: adminOnlySecurity() });
        });
        return next();
      }
      if (!dbs.has(dbName)) return missing(res, NO_DATABASE);
      res.on("finish", () => {
        if (res.statusCode === 200) {
          dbs.delete(dbName);
          pouches.delete(dbName);
        }
      });
      return next();
    }
    // As chttpd: a database that does not exist is 404 to anyone, before any security check.
    const state = dbs.get(dbName);
    if (!state) return missing(res, NO_DATABASE);
    if (!isMember(ctx, state.security)) return refuse(res, ctx);
    const [sub] = rest;
    if (sub === "_security" && rest.length === 1) {
      if (m === "GET" || m === "HEAD") return sendJson(res, 200, state.security);
      if (m !== "PUT") return sendJson(res, 405, { error: "method_not_allowed", reason: "Only GET,PUT allowed" });
      if (!isDbAdmin(ctx, state.security)) return refuse(res, ctx, NOT_DB_ADMIN);
      if (!(await readJson(req, res))) return;
      const why = securityRefusal(req.body);
      if (why) return sendJson(res, 400, { error: "bad_request", reason: why });
      state.security = clone(req.body);
      return sendJson(res, 200, { ok: true });
    }
    if (sub === "_purge") {
      if (!isServerAdmin(ctx)) return notServerAdmin(res);
      return next();
    }
    if (sub === "_compact" || sub === "_view_cleanup") {
      if (!isDbAdmin(ctx, state.security)) return sendJson(res, 401, { error: "unauthorized", reason: NOT_SERVER_OR_DB_ADMIN });
      return next();
    }
    if (m === "POST" && rest.length === 0) {
      if (isMultipart(req)) return approximateWrite(res, next, ctx, dbName, null);
      if (!(await readJson(req, res))) return;
      if (!isJsonObject(req.body)) return next();
      if (req.body._id === undefined || req.body._id === null || req.body._id === "") req.body._id = newId();
      if (typeof req.body._id !== "string") return next();
      return singleWrite(req, res, next, ctx, dbName, req.body._id, "post");
    }
    if (m === "POST" && sub === "_bulk_docs" && rest.length === 1) {
      if (!(await readJson(req, res))) return;
      return bulkWrite(req, res, next, ctx, dbName);
    }
    const doc = docIdOf(rest);
    if (!doc) return next();
    const plain = doc.rest.length === 0;
    if (m === "PUT" && plain) {
      if (isMultipart(req)) return approximateWrite(res, next, ctx, dbName, doc.id);
      if (!(await readJson(req, res))) return;
      if (!isJsonObject(req.body)) return next();
      return singleWrite(req, res, next, ctx, dbName, doc.id, "put");
    }
    if (m === "DELETE" && plain) return singleWrite(req, res, next, ctx, dbName, doc.id, "delete");
    if (m === "PUT" || m === "DELETE" || m === "COPY" || (m === "POST" && plain)) {
      return approximateWrite(res, next, ctx, dbName, doc.id);
    }
    return next();
  }

  // Authentication on everything but the welcome answer (`GET /`, public on CouchDB too), then
  // what CouchDB 3 lets the user do.
  app.use((req, res, next) => {
    handle(req, res, next).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, { error: "unknown_error", reason: String((e && e.message) || e) });
    });
  });

  async function handle(req, res, next) {
    if (req.method === "GET" && req.path === "/") return next();
    // Like CouchDB, only names of existing users are counted and locked.
    const creds = parseBasic(req.headers.authorization);
    const claimed = lock && creds && (await nameExists(creds.name)) ? creds.name : null;
    const key = `${claimed} ${req.socket.remoteAddress}`;
    if (lock && claimed !== null) {
      const f = failures.get(key);
      if (f && Date.now() - f.first > lock.windowMs) failures.delete(key);
      else if (f && f.count >= lock.threshold) {
        return sendJson(res, 403, { error: "forbidden", reason: LOCKED_OUT });
      }
    }
    const { ctx, reason } = await authenticate(req.headers.authorization);
    if (!ctx) {
      if (lock && claimed !== null) {
        const f = failures.get(key) || { first: Date.now(), count: 0 };
        f.count++;
        failures.set(key, f);
      }
      return sendJson(res, 401, { error: "unauthorized", reason });
    }
    req.sspUser = ctx.name;

    const raw = req.path.split("/").filter((p) => p !== "");
    let parts;
    try {
      parts = raw.map((p) => decodeURIComponent(p));
    } catch {
      return sendJson(res, 400, { error: "bad_request", reason: "invalid URL encoding" });
    }
    if (parts.length === 0) return next();
    const [top, ...rest] = parts;
    if (top === "_session") {
      if (req.method !== "GET" && req.method !== "HEAD") {
        return sendJson(res, 405, { error: "method_not_allowed", reason: "The test server has only Basic logins: GET /_session." });
      }
      const info = { authentication_handlers: ["cookie", "default"] };
      if (ctx.name !== null) Object.assign(info, { authenticated: "default", authentication_db: "_users" });
      return sendJson(res, 200, { ok: true, userCtx: { name: ctx.name, roles: ctx.roles }, info });
    }
    if (top === "_users") return usersRequest(req, res, ctx, rest);
    if (top === "_up" || top === "_uuids") return next();
    if (top.startsWith("_")) {
      if (!isServerAdmin(ctx)) return notServerAdmin(res);
      return next();
    }
    return dbRequest(req, res, next, ctx, top, rest);
  }

  app.use(pouchApp);

  // The HTTP listener, replaceable by restart().
  const sockets = new Set();
  let server = null;
  let boundPort = port;

  async function listen() {
    if (server) return;
    const s = createServer(app);
    s.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise((resolve, reject) => {
      s.once("error", reject);
      s.listen(boundPort, "127.0.0.1", () => {
        s.off("error", reject);
        resolve();
      });
    });
    boundPort = s.address().port;
    server = s;
  }

  async function stop() {
    if (!server) return;
    const s = server;
    server = null;
    const closed = new Promise((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  }

  // Down for a moment (downMs, default 50 ms), so that clients holding a keep-alive connection
  // see it closed before the port answers again, as they would after a real restart.
  async function restart({ downMs = 50 } = {}) {
    await stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await listen();
  }

  await listen();

  const baseUrl = `http://127.0.0.1:${boundPort}`;
  const url = `${baseUrl}/${encodeURIComponent(db)}`;
  const first = userList[0];
  const firstAdmin = adminList[0];
  const adminAuth = `Basic ${Buffer.from(`${firstAdmin.name}:${firstAdmin.password}`).toString("base64")}`;

  // Create the database through the HTTP API, as an operator would (registers it with
  // express-pouchdb's list of databases), then let the users in as its members.
  const created = await fetch(url, { method: "PUT", headers: { Authorization: adminAuth } });
  if (created.status !== 201) {
    await stop();
    throw new Error(`couch-server: creating ${db} answered ${created.status}: ${await created.text()}`);
  }
  dbs.get(db).security = { admins: { names: [], roles: [] }, members: { names: userList.map((u) => u.name), roles: [] } };

  const database = pouchFor(db);

  /**
   * Makes a replication-style conflict on `id`, as two CouchDB nodes that both accepted an edit
   * and then replicated would: writes `body` as a sibling of the current leaf revision (same
   * parent, same generation) with new_edits=false. `win` chooses whether the new branch becomes
   * the winner (CouchDB's rule, which PouchDB follows: the higher generation wins, then the
   * higher revision string; the new revision's hash is made all "f" or all "0" to decide).
   * Returns { rev, winner, loser } (winner/loser = the two leaf revisions).
   */
  async function injectConflict(id, body = {}, { win = false } = {}) {
    const current = await database.get(id, { revs: true });
    const gen = current._revisions.start;
    const parents = current._revisions.ids.slice(1);
    const hash = (win ? "f" : "0").repeat(32);
    if (current._revisions.ids[0] === hash) throw new Error("injectConflict: current rev already has that hash");
    const rev = `${gen}-${hash}`;
    const doc = { ...body, _id: id, _rev: rev, _revisions: { start: gen, ids: [hash, ...parents] } };
    delete doc._conflicts;
    await database.bulkDocs([doc], { new_edits: false });
    const after = await database.get(id, { conflicts: true });
    const winner = after._rev;
    const loser = winner === rev ? current._rev : rev;
    return { rev, winner, loser };
  }

  /** Every database's name: "_users" and those made through the HTTP API (sorted). */
  function databases() {
    return ["_users", ...[...dbs.keys()].sort()];
  }

  /** A database's security object (a copy), or undefined for one that does not exist. */
  function security(name) {
    if (name === "_users") return clone(usersSecurity);
    const state = dbs.get(name);
    return state ? clone(state.security) : undefined;
  }

  async function destroy() {
    await stop();
    for (const name of [...dbs.keys()]) await pouchFor(name).destroy().catch(() => {});
    dbs.clear();
    pouches.clear();
    await usersPouch.destroy().catch(() => {});
  }

  return {
    url,
    baseUrl,
    db,
    user: first.name,
    password: first.password,
    users: userList.map((u) => ({ ...u })),
    adminUser: firstAdmin.name,
    adminPassword: firstAdmin.password,
    admins: adminList.map((a) => ({ ...a })),
    port: boundPort,
    /** PouchDB's own handle on the database, for looking behind the HTTP API in tests. */
    pouch: database,
    pouchFor,
    databases,
    security,
    stop,
    restart,
    injectConflict,
    destroy,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === "serve") {
    const port = Number(rest[0] || 5984);
    const users = rest[1] ? { [rest[1]]: rest[2] || "" } : undefined;
    const origins = process.env.COUCH_ORIGINS ? process.env.COUCH_ORIGINS.split(",") : undefined;
    const couch = await startCouchServer({
      port,
      users,
      db: process.env.COUCH_DB || "ssp",
      origins,
      log: (line) => console.log(line),
    });
    console.log(`couch-server: ${couch.url}`);
    console.log(`couch-server: user ${couch.user}, password ${couch.password}`);
    console.log(`couch-server: server admin ${couch.adminUser}, password ${couch.adminPassword}`);
    console.log("couch-server: data in memory only; Ctrl-C stops");
    const quit = async () => {
      await couch.stop();
      process.exit(0);
    };
    process.on("SIGINT", quit);
    process.on("SIGTERM", quit);
    return;
  }
  if (cmd === "conformance") {
    const couch = await startCouchServer({ port: 0 });
    let broken = 1;
    try {
      const here = dirname(fileURLToPath(import.meta.url));
      const suite = (name) => import(pathToFileURL(join(here, "..", "conformance", name)).href);
      const { reports } = await suite("harness.mjs");
      const plain = await (await suite("couch.mjs")).run(couch.url, couch.user, couch.password);
      const teams = await (await suite("couch-teams.mjs")).run(couch.baseUrl, couch.adminUser, couch.adminPassword, {
        origin: process.env.COUCH_ORIGIN,
      });
      broken = plain + teams;
      const [a, b] = reports.slice(-2);
      console.log(`\ncouch-server conformance: couch ${a.held} of ${a.total}, couch-teams ${b.held} of ${b.total}`);
      console.log(`${a.held + b.held} of ${a.total + b.total} rules hold`);
    } finally {
      await couch.destroy();
    }
    process.exit(broken === 0 ? 0 : 1);
  }
  console.error("usage: couch-server.mjs serve <port> [user] [password]");
  console.error("       couch-server.mjs conformance");
  process.exit(2);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  });
}
