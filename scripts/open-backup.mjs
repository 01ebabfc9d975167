#!/usr/bin/env node
// Opens an encrypted SSP Handleguide backup with Node's own crypto and prints the plain backup
// (JSON) on stdout. The format is docs/backup-format.md.
//
//   SSP_BACKUP_PASSPHRASE='…' node scripts/open-backup.mjs backup.json > plain.json
//   node scripts/open-backup.mjs backup.json < passphrase.txt > plain.json
//
// Without the variable the passphrase is the first line of stdin (typed, it is shown on screen).
// Exit codes: 0 opened, 1 wrong passphrase or changed file, 2 not a valid encrypted backup.
import { readFileSync } from "node:fs";
import { createDecipheriv, pbkdf2Sync } from "node:crypto";

const KIND = "ssp-handleguide-backup-encrypted";

function fail(code, message) {
  process.stderr.write(`open-backup: ${message}\n`);
  process.exit(code);
}

/** Strict base64 (the standard alphabet with padding), or null. */
function base64(text) {
  if (typeof text !== "string" || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  return Buffer.from(text, "base64");
}

async function passphrase() {
  if (process.env.SSP_BACKUP_PASSPHRASE !== undefined) return process.env.SSP_BACKUP_PASSPHRASE;
  if (process.stdin.isTTY) process.stderr.write("Adgangssætning / passphrase: ");
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
    if (Buffer.concat(chunks).includes(0x0a)) break;
  }
  // The first line, without its line ending.
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0];
}

const path = process.argv[2];
if (!path) fail(2, "usage: node scripts/open-backup.mjs <backup.json>  (passphrase from SSP_BACKUP_PASSPHRASE or stdin)");

let file;
try {
  file = JSON.parse(readFileSync(path, "utf8"));
} catch (e) {
  fail(2, `${path}: not a JSON file (${e.message})`);
}
if (file?.kind !== KIND) fail(2, `${path}: not an encrypted SSP Handleguide backup (kind is not "${KIND}")`);
if (file.version !== 1) fail(2, `version ${file.version} is not known here (this script reads version 1)`);
if (file.kdf !== "PBKDF2-SHA256" || file.cipher !== "AES-256-GCM") fail(2, `unknown kdf "${file.kdf}" or cipher "${file.cipher}"`);
if (!Number.isInteger(file.iterations) || file.iterations < 600000 || file.iterations > 10000000)
  fail(2, `iterations ${file.iterations} is outside 600000–10000000`);
const salt = base64(file.salt);
const iv = base64(file.iv);
const ct = base64(file.ct);
if (salt?.length !== 16 || iv?.length !== 12 || !ct || ct.length <= 16) fail(2, "salt, iv or ct has the wrong length or is not base64");

const key = pbkdf2Sync(Buffer.from(await passphrase(), "utf8"), salt, file.iterations, 32, "sha256");
const aad = `${KIND}:${file.version}:${file.kdf}:${file.iterations}:${file.cipher}`;
const decipher = createDecipheriv("aes-256-gcm", key, iv);
decipher.setAAD(Buffer.from(aad, "utf8"));
decipher.setAuthTag(ct.subarray(ct.length - 16));
let plain;
try {
  plain = Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]);
} catch {
  fail(1, "wrong passphrase, or the file has been changed");
}
process.stdout.write(plain.toString("utf8") + "\n");
