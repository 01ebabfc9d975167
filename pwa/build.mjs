// Makes the staged build an installable app that works offline. Run by trunk as a post_build
// hook (Trunk.toml), after index.html is written to the staging directory and before trunk
// moves it to dist/:
//
// 1. renders the PNG icons (ICONS below) from pwa/icon.svg, the one drawing, with resvg;
// 2. writes sw.js from the template pwa/sw.js, with the precache list (every file of the build
//    with its SHA-256 as subresource integrity) and VERSION, a hash over that list and the
//    template. The service worker names its cache after VERSION, so any change to the build
//    output gives a new cache, and the old one is deleted when the new worker takes over.
//
// 3. puts the Content-Security-Policy in index.html as a <meta> (first, so it is in force
//    before anything loads), with the SHA-256 of trunk's inline loader script as the only inline
//    script allowed. Runs before the precache list is made, so sw.js checks the page with it.
//    frame-ancestors cannot be set by <meta>: hosts send it as a header (docs/hosting.md).
//
//   node pwa/build.mjs [dir]      dir: $TRUNK_STAGING_DIR when trunk runs it
//
// No network: @resvg/resvg-js is a prebuilt native module installed by `npm ci`.

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import { policyIn } from "./csp.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Every PNG made from pwa/icon.svg. "rounded": the drawing as it is (rounded corners, for
 * browsers' "any" icons and the favicon); "full": without the rounded corners, for icons that
 * the system masks itself (Android's maskable icon, iOS's apple-touch-icon), which must be
 * opaque to the edge.
 */
export const ICONS = [
  { file: "icons/icon-192.png", size: 192, shape: "rounded" },
  { file: "icons/icon-512.png", size: 512, shape: "rounded" },
  { file: "icons/icon-maskable-512.png", size: 512, shape: "full" },
  { file: "icons/apple-touch-icon.png", size: 180, shape: "full" },
  { file: "icons/favicon-32.png", size: 32, shape: "rounded" },
];

/** The SVG text for one shape of the icon. */
export function iconSvg(source, shape) {
  if (shape === "rounded") return source;
  const full = source.replace(/(<rect id="background"[^>]*?)\s+rx="[^"]*"/, "$1");
  if (full === source) throw new Error('pwa/icon.svg: no <rect id="background" rx="…"> to square off');
  return full;
}

/** Renders every icon in ICONS into `dir`. */
export function renderIcons(dir, source) {
  for (const icon of ICONS) {
    const resvg = new Resvg(iconSvg(source, icon.shape), {
      fitTo: { mode: "width", value: icon.size },
      font: { loadSystemFonts: false }, // the drawing has no text
    });
    const path = join(dir, icon.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, resvg.render().asPng());
  }
}

/** Paths of all files under `dir`, relative, with "/" separators, sorted; dotfiles skipped. */
export function filesUnder(dir, prefix = "") {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesUnder(dir, path) : [path];
    })
    .sort();
}

/** What the service worker caches at install: every file of the build but sw.js itself. */
export function precacheEntries(dir) {
  return filesUnder(dir)
    .filter((path) => path !== "sw.js")
    .map((path) => {
      const digest = createHash("sha256").update(readFileSync(join(dir, path))).digest("base64");
      return { url: `/${path}`, integrity: `sha256-${digest}` };
    });
}

/** The build's version: a hash over every file's name and content, and the worker's code. */
export function cacheVersion(entries, template) {
  const hash = createHash("sha256").update(template);
  for (const { url, integrity } of entries) hash.update(`\n${url} ${integrity}`);
  return hash.digest("hex").slice(0, 16);
}

/** The service worker's text: `template` with VERSION and PRECACHE filled in. */
export function serviceWorker(template, entries) {
  const version = cacheVersion(entries, template);
  const fill = (text, marker, value) => {
    if (text.split(marker).length !== 2) throw new Error(`pwa/sw.js: expected ${marker} exactly once`);
    return text.replace(marker, () => value);
  };
  let text = fill(template, '"__VERSION__"', JSON.stringify(version));
  text = fill(text, "/* __PRECACHE__ */ []", JSON.stringify(entries, null, 2));
  return { version, text };
}

/** The manifest's icons must be the ones rendered here, at the sizes they declare. */
export function checkManifest(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.webmanifest"), "utf8"));
  for (const icon of manifest.icons) {
    const made = ICONS.find((i) => `/${i.file}` === icon.src);
    if (!made) throw new Error(`manifest.webmanifest: icon ${icon.src} is not in pwa/build.mjs ICONS`);
    if (icon.sizes !== `${made.size}x${made.size}`) {
      throw new Error(`manifest.webmanifest: ${icon.src} declares ${icon.sizes}, rendered ${made.size}`);
    }
    if ((icon.purpose === "maskable") !== (made.shape === "full")) {
      throw new Error(`manifest.webmanifest: ${icon.src} is "${icon.purpose}" but rendered "${made.shape}"`);
    }
  }
}

/**
 * The policy for `index.html`: `'self'` for everything, WebAssembly compiled from the app's
 * own file, the inline loader scripts by hash, no plugins, no <base>, no form posts; sync may
 * reach any https server (the municipality's), or http on this machine while developing.
 */
export function contentSecurityPolicy(html) {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

const CSP_META = /<meta http-equiv="?Content-Security-Policy"?[^>]*>/i;

/** Writes the policy into `dir`/index.html (replacing one written before). Returns it. */
export function addCsp(dir) {
  const file = join(dir, "index.html");
  const html = readFileSync(file, "utf8").replace(CSP_META, "");
  const policy = contentSecurityPolicy(html);
  // Right after the charset (trunk's minifier drops the <head> tag itself), before anything loads.
  const anchor = html.match(/<meta charset=[^>]*>/i) || html.match(/<head[^>]*>/i);
  if (!anchor) throw new Error("index.html has neither <meta charset> nor <head>");
  const at = anchor.index + anchor[0].length;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  writeFileSync(file, html.slice(0, at) + meta + html.slice(at));
  return policy;
}

/** The policy a page in `dir` carries, for a server to send as a header too. */
export function cspOf(dir) {
  return policyIn(readFileSync(join(dir, "index.html"), "utf8"));
}

/** Icons, then sw.js, into the built site in `dir`. Returns the version and what is cached. */
export function build(dir, sourceDir = HERE) {
  if (!filesUnder(dir).includes("index.html")) {
    throw new Error(`${dir} has no index.html: run this after trunk has written the page (post_build)`);
  }
  addCsp(dir);
  renderIcons(dir, readFileSync(join(sourceDir, "icon.svg"), "utf8"));
  checkManifest(dir);
  const entries = precacheEntries(dir);
  const { version, text } = serviceWorker(readFileSync(join(sourceDir, "sw.js"), "utf8"), entries);
  writeFileSync(join(dir, "sw.js"), text);
  return { version, entries };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
  if (!dir) {
    console.error("usage: node pwa/build.mjs <dir> (or run by trunk, which sets TRUNK_STAGING_DIR)");
    process.exit(2);
  }
  try {
    const { version, entries } = build(dir);
    console.log(`pwa: ${ICONS.length} icons, sw.js caches ${entries.length} files as ssp-handleguide-${version}`);
  } catch (error) {
    console.error(`pwa: ${error.message}`);
    process.exit(1);
  }
}
