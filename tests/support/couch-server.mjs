#!/usr/bin/env node
// A CouchDB-compatible test server for the app's CouchDB transport and the couch conformance
// suite: express-pouchdb (CouchDB's HTTP API on top of PouchDB) with PouchDB's in-memory
// adapter, behind HTTP Basic auth and CORS as a real CouchDB 3 set up by docs/couchdb.md has
// them. It is a stand-in for tests, not a CouchDB: see docs/couchdb.md ("The test server") for
// what it does differently (integer sequences, no `pending` in _changes, …).
//
//   node tests/support/couch-server.mjs serve <port> [user] [password]
//        runs until Ctrl-C; prints the database URL and the credentials
//   node tests/support/couch-server.mjs conformance
//        starts on a free port, runs tests/conformance/couch.mjs against it, stops,
//        exits with the suite's status (0 = every rule holds)
//
// From a test:
//   import { startCouchServer } from "../support/couch-server.mjs";
//   const couch = await startCouchServer({ port: 0, users: { "skole-a": "hemmelig" }, db: "ssp" });
//   couch.url        // http://127.0.0.1:<port>/ssp   (the database URL the app is given)
//   couch.baseUrl    // http://127.0.0.1:<port>
//   couch.user, couch.password   // the first user
//   await couch.stop(); await couch.restart();  // see "Restarts" below (restart also after stop)
//   await couch.injectConflict(id, { ...body }) // a replication-style conflicting branch
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
// change sequence, as a real CouchDB keeps its data on disk across a restart. What this does
// not simulate: a cluster that forgets its sequence position, or data lost on a crash.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

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

const CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
const CORS_HEADERS = "Authorization, Content-Type";
// Headers a page may read from a cross-origin answer: CouchDB's own ones (its default
// `exposed_headers`) and the usual simple ones.
const CORS_EXPOSE =
  "Cache-Control, Content-Type, ETag, Server, X-Couch-Request-ID, X-Couch-Update-NewRev, X-CouchDB-Body-Time";

let instances = 0;

/** Users from the options: `{ name: password }` or `[{ name, password }]`. */
function normaliseUsers(users) {
  if (!users) return [{ name: "skole-test", password: `test-${randomBytes(9).toString("hex")}` }];
  const list = Array.isArray(users)
    ? users.map((u) => ({ name: String(u.name), password: String(u.password) }))
    : Object.entries(users).map(([name, password]) => ({ name, password: String(password) }));
  if (list.length === 0) throw new Error("startCouchServer: `users` is empty");
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

/** The user an `Authorization: Basic …` header logs in as, or null with the reason to refuse. */
function checkBasic(header, users) {
  const creds = parseBasic(header);
  if (creds === null) return { user: null, reason: UNAUTHORIZED_NO_CREDENTIALS };
  if (creds === false) return { user: null, reason: UNAUTHORIZED_WRONG };
  // Look at every user, so the time taken does not tell which names exist.
  let found = null;
  for (const u of users) {
    const ok = sameSecret(u.name, creds.name) & sameSecret(u.password, creds.password);
    if (ok && !found) found = u;
  }
  return found ? { user: found, reason: null } : { user: null, reason: UNAUTHORIZED_WRONG };
}

/**
 * Starts the server on 127.0.0.1.
 *  - port: a port number, or 0 for a free one (kept across restart()).
 *  - users: `{ name: password }` or `[{ name, password }]`; default one user with a random
 *    password (returned as `user`/`password`).
 *  - db: the database to create (default "ssp").
 *  - origins: origins allowed by CORS; default the e2e app's origin
 *    (http://127.0.0.1:<E2E_PORT or 4173> and http://localhost:<same>); "*" allows any origin
 *    (the request's origin is echoed back).
 *  - log: a function given one line per request (default: none).
 *  - wwwAuthenticate: a value for a `WWW-Authenticate` header on 401 answers (default none, as
 *    CouchDB by default; CouchDB sends `Basic realm="server"` when [chttpd] require_valid_user
 *    is true, which can make a browser show its own login dialog).
 *  - lockout: `{ threshold = 5, windowMs = 300000 }` to behave like CouchDB 3.4+'s
 *    [chttpd_auth_lockout] mode = enforce: after `threshold` failed logins of one user name
 *    from one address within the window, that name gets 403 (even with the right password)
 *    until the window, counted from the first failure, ends. Default off.
 */
export async function startCouchServer({ port = 0, users, db = "ssp", origins, log, wwwAuthenticate, lockout } = {}) {
  const userList = normaliseUsers(users);
  const e2ePort = Number(process.env.E2E_PORT || 4173);
  const allowed = new Set(origins || [`http://127.0.0.1:${e2ePort}`, `http://localhost:${e2ePort}`]);

  // Its own namespace in memdown's process-wide store (see the header).
  const prefix = `ssp_couch_${process.pid}_${++instances}_${randomBytes(4).toString("hex")}_`;
  const PouchDB = BasePouchDB.defaults({ adapter: "memory", prefix });

  // "minimumForPouchDB" has every route the app and the suite use (_changes, _bulk_docs,
  // _all_docs, documents with ?rev=, database info/creation) and, unlike "fullCouchDB", no
  // config-infrastructure / logging-infrastructure: nothing writes config.json or log.txt
  // into the working directory. Its own auth parts (_users, _security, _session) are off too:
  // authentication is the Basic middleware below.
  const pouchApp = expressPouchDB({ mode: "minimumForPouchDB" });
  await pouchApp.setPouchDB(PouchDB);

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
    res.status(status).type("application/json");
    res.send(JSON.stringify(body) + "\n");
  };

  // HTTP Basic on everything but the welcome answer (`GET /`, public on CouchDB too).
  app.use((req, res, next) => {
    if (req.method === "GET" && req.path === "/") return next();
    // Like CouchDB, only names of existing users are counted and locked.
    const creds = parseBasic(req.headers.authorization);
    const claimed = creds && userList.some((u) => u.name === creds.name) ? creds.name : null;
    const key = `${claimed} ${req.socket.remoteAddress}`;
    if (lock && claimed !== null) {
      const f = failures.get(key);
      if (f && Date.now() - f.first > lock.windowMs) failures.delete(key);
      else if (f && f.count >= lock.threshold) {
        return sendJson(res, 403, { error: "forbidden", reason: LOCKED_OUT });
      }
    }
    const { user, reason } = checkBasic(req.headers.authorization, userList);
    if (!user) {
      if (lock && claimed !== null) {
        const f = failures.get(key) || { first: Date.now(), count: 0 };
        f.count++;
        failures.set(key, f);
      }
      // By default no WWW-Authenticate header, like CouchDB by default, so a browser does
      // not pop up its own login dialog over the app.
      if (wwwAuthenticate) res.setHeader("WWW-Authenticate", wwwAuthenticate);
      return sendJson(res, 401, { error: "unauthorized", reason });
    }
    req.sspUser = user.name;
    next();
  });

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
  const authHeader = `Basic ${Buffer.from(`${first.name}:${first.password}`).toString("base64")}`;

  // Create the database through the HTTP API, as an operator would (registers it with
  // express-pouchdb's list of databases). 412 = it exists already.
  const created = await fetch(url, { method: "PUT", headers: { Authorization: authHeader } });
  if (created.status !== 201 && created.status !== 412) {
    await stop();
    throw new Error(`couch-server: creating ${db} answered ${created.status}: ${await created.text()}`);
  }

  const database = new PouchDB(db);

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

  async function destroy() {
    await stop();
    await database.destroy().catch(() => {});
  }

  return {
    url,
    baseUrl,
    db,
    user: first.name,
    password: first.password,
    users: userList.map((u) => ({ ...u })),
    port: boundPort,
    /** PouchDB's own handle on the database, for looking behind the HTTP API in tests. */
    pouch: database,
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
      const { run } = await import(pathToFileURL(join(here, "..", "conformance", "couch.mjs")).href);
      broken = await run(couch.url, couch.user, couch.password);
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
