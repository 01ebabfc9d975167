// What a first visit downloads, gzip, against the checked-in budget (size-budget.json).
//
//   node tests/support/size.mjs [dist] [budget-file]     exits 1 when over the budget
//
// A first visit loads the page and the app, and the service worker then fetches every other
// file of the build for offline use: so every file in dist/ counts (licence texts aside). Text
// and wasm count as a server sends them (gzip -9); fonts and PNGs as they are (compressed already).
// The budget only goes down as the app shrinks; raising it needs a commit that says why.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const KIND = { ".wasm": "wasm", ".js": "js", ".css": "css", ".html": "html", ".woff2": "fonts" };
const ALREADY_COMPRESSED = new Set([".woff2", ".png"]);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Bytes by kind (raw and gzip) and the gzip total of everything a first visit downloads. */
export function firstVisitSizes(dist) {
  const out = {};
  let total = 0;
  for (const path of files(dist)) {
    const ext = extname(path);
    if (ext === ".txt") continue; // licence texts are not loaded by the app
    const kind = KIND[ext] || "other";
    const raw = readFileSync(path);
    const gzip = ALREADY_COMPRESSED.has(ext) ? raw.length : gzipSync(raw, { level: 9 }).length;
    out[kind] ??= { raw: 0, gzip: 0 };
    out[kind].raw += raw.length;
    out[kind].gzip += gzip;
    total += gzip;
  }
  return { ...out, total_gzip: total };
}

/** The budget file's limit, and the issue's goal. */
export function readBudget(file = "size-budget.json") {
  const b = JSON.parse(readFileSync(file, "utf8"));
  if (!Number.isInteger(b.first_visit_gzip_bytes) || b.first_visit_gzip_bytes <= 0) {
    throw new Error(`${file}: first_visit_gzip_bytes must be a positive whole number`);
  }
  return b;
}

/** The check: `{ ok, total, budget, text }`. */
export function checkBudget(dist, file = "size-budget.json") {
  const sizes = firstVisitSizes(dist);
  const { first_visit_gzip_bytes: budget, goal_gzip_bytes: goal } = readBudget(file);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const parts = Object.entries(sizes)
    .filter(([k]) => k !== "total_gzip")
    .map(([k, v]) => `${k} ${kb(v.gzip)}`)
    .join(", ");
  const ok = sizes.total_gzip <= budget;
  const text =
    `first visit: ${sizes.total_gzip} B gzip (${kb(sizes.total_gzip)}: ${parts}); ` +
    `budget ${budget} B (${kb(budget)})${goal ? `, goal ${kb(goal)}` : ""}: ` +
    (ok ? `within, ${budget - sizes.total_gzip} B to spare` : `OVER by ${sizes.total_gzip - budget} B`);
  return { ok, total: sizes.total_gzip, budget, sizes, text };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = checkBudget(process.argv[2] || "dist", process.argv[3] || "size-budget.json");
  console.log(result.text);
  if (!result.ok) {
    console.error("size budget: the first visit downloads more than size-budget.json allows. Make it smaller, load it later, or raise the budget in a commit that says why.");
    process.exit(1);
  }
}
