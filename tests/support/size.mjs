// What a first visit downloads, gzip, against the checked-in budgets (size-budget.json).
//
//   node tests/support/size.mjs [dist] [budget-file]     exits 1 when over a budget
//
// Two figures, each with its budget:
// - first screen: what the page itself loads before the start screen works: index.html, what it
//   links as stylesheet, script, module or preload (the glue JS, the main wasm module, the CSS,
//   the two fonts), and the modules those scripts import statically (the chunk loader). Not the
//   wasm chunks of the other pages (fetched when one opens), nor the icons and manifest.
// - all files: what the first visit has downloaded once the service worker has cached every file
//   of the build for offline use (licence texts aside): the first screen plus the rest, in the
//   background.
// Text and wasm count as a server sends them (gzip -9); fonts and PNGs as they are (compressed
// already). The budgets only go down as the app shrinks; raising one needs a commit that says why.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, relative } from "node:path";
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

/** Bytes by kind (raw and gzip) of `paths`, and their gzip total. */
function sizesOf(paths) {
  const out = {};
  let total = 0;
  for (const path of paths) {
    const ext = extname(path);
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

/** All files: every file of the build, as the service worker caches it (licence texts are not loaded). */
export function allFilesSizes(dist) {
  return sizesOf(files(dist).filter((path) => extname(path) !== ".txt"));
}

const LINKED = /<link\b([^>]*)>/gi;
const SCRIPT_SRC = /<script\b[^>]*\bsrc=["']?([^"' >]+)/gi;
const INLINE_SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/gi;
const STATIC_IMPORT = /\b(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']/g;
const attr = (attrs, name) => (attrs.match(new RegExp(`\\b${name}=["']?([^"' >]+)`, "i")) || [])[1];

/** The files the page loads before its first screen works (see the top of this file). */
export function firstScreenFiles(dist) {
  const page = join(dist, "index.html");
  const html = readFileSync(page, "utf8");
  const found = new Set([page]);
  const queue = [];
  const add = (href, from) => {
    if (!href || /^(https?:|data:)/.test(href)) return;
    const path = href.startsWith("/") ? join(dist, href) : normalize(join(dirname(from), href));
    if (relative(dist, path).startsWith("..")) return;
    if (!existsSync(path)) throw new Error(`${relative(dist, from)} loads ${href}, which is not in the build`);
    if (!found.has(path)) {
      found.add(path);
      if (path.endsWith(".js")) queue.push(path);
    }
  };
  for (const [, attrs] of html.matchAll(LINKED)) {
    const rel = (attr(attrs, "rel") || "").toLowerCase();
    if (["stylesheet", "modulepreload", "preload"].includes(rel)) add(attr(attrs, "href"), page);
  }
  for (const [, src] of html.matchAll(SCRIPT_SRC)) add(src, page);
  const imports = (js, from) => {
    for (const m of js.matchAll(STATIC_IMPORT)) add(m[1] || m[2], from);
  };
  for (const [, body] of html.matchAll(INLINE_SCRIPT)) imports(body, page);
  while (queue.length) {
    const js = queue.shift();
    imports(readFileSync(js, "utf8"), js);
  }
  return [...found];
}

export function firstScreenSizes(dist) {
  return sizesOf(firstScreenFiles(dist));
}

/** The budget file's limits, and the issue's goal. */
export function readBudget(file = "size-budget.json") {
  const b = JSON.parse(readFileSync(file, "utf8"));
  for (const key of ["first_screen_gzip_bytes", "all_files_gzip_bytes"]) {
    if (!Number.isInteger(b[key]) || b[key] <= 0) throw new Error(`${file}: ${key} must be a positive whole number`);
  }
  return b;
}

/** The check: `{ ok, firstScreen, allFiles, text }`. */
export function checkBudget(dist, file = "size-budget.json") {
  const b = readBudget(file);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const line = (name, sizes, budget, goal) => {
    const parts = Object.entries(sizes)
      .filter(([k]) => k !== "total_gzip")
      .map(([k, v]) => `${k} ${kb(v.gzip)}`)
      .join(", ");
    const ok = sizes.total_gzip <= budget;
    const text =
      `${name}: ${sizes.total_gzip} B gzip (${kb(sizes.total_gzip)}: ${parts}); ` +
      `budget ${budget} B (${kb(budget)})${goal ? `, goal ${kb(goal)}` : ""}: ` +
      (ok ? `within, ${budget - sizes.total_gzip} B to spare` : `OVER by ${sizes.total_gzip - budget} B`);
    return { ok, total: sizes.total_gzip, budget, sizes, text };
  };
  const firstScreen = line("first screen", firstScreenSizes(dist), b.first_screen_gzip_bytes, b.goal_gzip_bytes);
  const allFiles = line("all files (service worker cache)", allFilesSizes(dist), b.all_files_gzip_bytes);
  return {
    ok: firstScreen.ok && allFiles.ok,
    firstScreen,
    allFiles,
    text: `${firstScreen.text}\n${allFiles.text}`,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = checkBudget(process.argv[2] || "dist", process.argv[3] || "size-budget.json");
  console.log(result.text);
  if (!result.ok) {
    console.error("size budget: a first visit downloads more than size-budget.json allows. Make it smaller, load it later, or raise the budget in a commit that says why.");
    process.exit(1);
  }
}
