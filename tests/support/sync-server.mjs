// Starts the sync reference server (sync-server/) for tests, from its release binary.
// Building it is the caller's job: `cargo build --release -p sync-server`.
//
//   import { startSyncServer } from "./sync-server.mjs";
//   const server = await startSyncServer({ port: 0 });   // a free port, a temporary database
//   … fetch(`${server.url}/changes`, { headers: { Authorization: `Bearer ${server.readToken}` } })
//   server.writeTokenB, server.readTokenB                // a second team's tokens, in another space
//   server.organiseToken                                 // may create teams (POST /teams) only
//   await server.restart();                             // same port, same database file
//   await server.stop();                                // SIGTERM, waits for the exit
//   await server.remove();                              // stops, deletes the temporary files
//
// From the command line, runs the JSON conformance suite against a fresh server, then again
// after a restart (the data must survive, and the suite must hold on a database with data):
//
//   node tests/support/sync-server.mjs conformance
//
// The binary is `${CARGO_TARGET_DIR:-target}/release/sync-server`. Its log (stderr) is kept
// in memory and printed when it fails to start; SYNC_SERVER_LOG=1 passes it through.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** Where the release binary is expected. */
export function syncServerBinary() {
  const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
  return join(target, "release", "sync-server");
}

/** The origins a test server allows by default: scripts/serve and the e2e server. */
function defaultOrigins() {
  const e2e = process.env.E2E_PORT || 4173;
  const list = [
    "http://127.0.0.1:8080",
    "http://localhost:8080",
    `http://127.0.0.1:${e2e}`,
    `http://localhost:${e2e}`,
  ];
  if (process.env.CONFORMANCE_ORIGIN) list.push(process.env.CONFORMANCE_ORIGIN);
  return list;
}

/**
 * Starts a server. `port` 0 or absent: a free port (kept by restart()). `dbPath` absent: a
 * database in a temporary directory. `tokens` absent: one write and one read token, random, in
 * the default space (`writeToken`, `readToken`), and one of each in the space `testskole-b`
 * (`writeTokenB`, `readTokenB`, for the conformance suite's spaces rules), and one organise
 * token (`organiseToken`, access `organise`: it may only create teams; the teams rules).
 * Each token is `{ name, token, access, space?, revoked? }`; the config file gets only its
 * SHA-256 (`token_sha256`), as the server requires. Resolves once the server printed `listening on http://…`.
 */
export async function startSyncServer({ port = 0, dbPath, tokens, origins } = {}) {
  const binary = syncServerBinary();
  if (!existsSync(binary)) {
    throw new Error(
      `sync-server binary not found at ${binary}\n` +
        "build it first: cargo build --release -p sync-server (with the same CARGO_TARGET_DIR)",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "sync-server-"));
  const db = dbPath ? resolve(dbPath) : join(dir, "sync.sqlite3");
  const tokenList = tokens || [
    { name: "Testskole (skriv)", token: `test-write-${randomBytes(16).toString("hex")}`, access: "write" },
    { name: "Testskole (læs)", token: `test-read-${randomBytes(16).toString("hex")}`, access: "read" },
    { name: "Testskole B (skriv)", token: `test-b-write-${randomBytes(16).toString("hex")}`, access: "write", space: "testskole-b" },
    { name: "Testskole B (læs)", token: `test-b-read-${randomBytes(16).toString("hex")}`, access: "read", space: "testskole-b" },
    { name: "SSP-konsulent (opret teams)", token: `test-organise-${randomBytes(16).toString("hex")}`, access: "organise" },
  ];
  const inDefault = (t) => !t.space || t.space === "default";
  const pick = (access, inSpace) => tokenList.find((t) => t.access === access && inSpace(t))?.token;
  const writeToken = pick("write", inDefault);
  const readToken = pick("read", inDefault);
  const writeTokenB = pick("write", (t) => !inDefault(t));
  const readTokenB = pick("read", (t) => !inDefault(t));
  const organiseToken = tokenList.find((t) => t.access === "organise")?.token;
  const configPath = join(dir, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({ database: db, allowed_origins: origins || defaultOrigins(), tokens: tokenList.map(configEntry) }, null, 2),
  );

  const server = {
    url: null,
    port,
    dbPath: db,
    configPath,
    writeToken,
    readToken,
    writeTokenB,
    readTokenB,
    organiseToken,
    /** The server's recent log lines (stderr). */
    log: [],
    process: null,
    /** Sends SIGTERM and waits for the exit; resolves with the exit code (0 when graceful). */
    async stop() {
      const child = server.process;
      server.process = null;
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? 0;
      const exited = new Promise((res) => child.once("exit", (code, signal) => res({ code, signal })));
      child.kill("SIGTERM");
      let timer;
      const timeout = new Promise((res) => {
        timer = setTimeout(() => res(null), STOP_TIMEOUT_MS);
      });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === null) {
        child.kill("SIGKILL");
        await exited;
        throw new Error(`sync-server did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM (killed)`);
      }
      if (result.code !== 0) {
        throw new Error(`sync-server exited with ${result.code ?? result.signal} on SIGTERM\n${tail(server.log)}`);
      }
      return result.code;
    },
    /** Stops and starts again on the same port with the same database file. */
    async restart() {
      await server.stop();
      await launch(server, binary);
    },
    /** Stops, then deletes the temporary directory (and the database, if it is in there). */
    async remove() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await launch(server, binary);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return server;
}

/** A token as the server's config holds it: the name, the SHA-256 of the token, the access, the space. */
export function configEntry({ name, token, access, space, revoked }) {
  const entry = { name, token_sha256: createHash("sha256").update(token, "utf8").digest("hex"), access };
  if (space) entry.space = space;
  if (revoked) entry.revoked = true;
  return entry;
}

function tail(lines) {
  return lines.slice(-20).join("\n");
}

/** Spawns the binary for `server` and waits for its `listening on` line. */
function launch(server, binary) {
  const args = ["--config", server.configPath, "--listen", `127.0.0.1:${server.port}`, "--db", server.dbPath];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  server.process = child;
  const passThrough = process.env.SYNC_SERVER_LOG === "1";

  // Keep reading both pipes for the server's whole life, or it blocks once a pipe is full.
  let stderrRest = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    if (passThrough) process.stderr.write(chunk);
    const lines = (stderrRest + chunk).split("\n");
    stderrRest = lines.pop();
    server.log.push(...lines);
    if (server.log.length > 500) server.log.splice(0, server.log.length - 500);
  });

  return new Promise((resolvePromise, reject) => {
    let stdoutRest = "";
    let started = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`sync-server did not print "listening on" within ${START_TIMEOUT_MS} ms\n${tail(server.log)}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      const lines = (stdoutRest + chunk).split("\n");
      stdoutRest = lines.pop();
      for (const line of lines) {
        const m = !started && /^listening on (http:\/\/\S+)$/.exec(line.trim());
        if (m) {
          started = true;
          clearTimeout(timer);
          server.url = m[1];
          server.port = Number(new URL(m[1]).port);
          resolvePromise(server);
        }
      }
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`sync-server could not be started (${binary}): ${e.message}`));
    });
    child.once("exit", (code, signal) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`sync-server exited with ${code ?? signal} before listening\n${tail(server.log)}`));
      }
    });
  });
}

/** `conformance`: the JSON suite (with the spaces and teams rules) on a fresh database, then again after a restart. */
async function conformance() {
  const { run } = await import("../conformance/json.mjs");
  const server = await startSyncServer({ port: 0 });
  let broken = 0;
  try {
    console.log(`sync-server at ${server.url} (database ${server.dbPath})`);
    const tokens = [server.writeToken, server.readToken, server.writeTokenB, server.readTokenB, server.organiseToken];
    broken += await run(server.url, ...tokens);

    // Both spaces' first pages, before and after the restart.
    const feed = async (token) => {
      const res = await fetch(`${server.url}/changes?since=&limit=1000`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return res.text();
    };
    const feeds = async () => [await feed(server.readToken), await feed(server.readTokenB)];
    const before = await feeds();
    await server.restart();
    const after = await feeds();
    for (const [i, space] of ["default", "testskole-b"].entries()) {
      if (after[i] !== before[i]) {
        console.log(`\nBROKEN the data of space ${space} did not survive a restart (the first page of changes differs)`);
        broken += 1;
      } else {
        console.log(`\nok     the data of space ${space} survived a restart (${JSON.parse(after[i]).docs.length} documents on the first page)`);
      }
    }
    console.log("\nThe suite again, on the database that now holds data:");
    broken += await run(server.url, ...tokens);
  } finally {
    await server.remove();
  }
  return broken;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [command] = process.argv.slice(2);
  if (command !== "conformance") {
    console.error("usage: node tests/support/sync-server.mjs conformance");
    process.exit(2);
  }
  try {
    const broken = await conformance();
    process.exit(broken === 0 ? 0 : 1);
  } catch (e) {
    console.error(e && e.message ? e.message : e);
    process.exit(1);
  }
}
