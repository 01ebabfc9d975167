// Makes the staged build an installable app that works offline. Run by trunk as a post_build
// hook (Trunk.toml), after index.html is written to the staging directory and before trunk
// moves it to dist/:
//
// 1. minifies the JavaScript (wasm-bindgen's glue) with terser and brings the page's integrity
//    attributes up to date with it;
// 1b. on a deep link, has index.html fetch and compile the wasm chunks while the main module
//    loads (`compileChunksEarly`), and preload the chunks' loader script;
// 2. puts the Content-Security-Policy in index.html as a <meta> (first, so it is in force
//    before anything loads), with the SHA-256 of each inline script (trunk's loader,
//    index.html's own, the early compile) as the only inline scripts allowed. Runs before the
//    precache list is made, so sw.js checks the page with it.
//    frame-ancestors cannot be set by <meta>: hosts send it as a header (docs/hosting.md);
// 3. renders the PNG icons (ICONS below) from pwa/icon.svg, the one drawing, with resvg, as
//    palette PNGs;
// 4. writes sw.js from the template pwa/sw.js, with the precache list (every file of the build
//    with its SHA-256 as subresource integrity) and VERSION, a hash over that list and the
//    template. The service worker names its cache after VERSION, so any change to the build
//    output gives a new cache, and the old one is deleted when the new worker takes over.
//
//   node pwa/build.mjs [dir]      dir: $TRUNK_STAGING_DIR when trunk runs it
//
// No network: @resvg/resvg-js (a prebuilt native module) and terser come from `npm ci`.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
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
    const image = resvg.render();
    writeFileSync(path, indexedPng(image.width, image.height, image.pixels) ?? image.asPng());
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
};

/**
 * The same pixels as a palette PNG (lossless) when they have at most 256 colours, else null.
 * The flat icon has ~70 colours (its antialiased edges included): a palette stores each pixel
 * in one byte instead of four, which makes the icons about a third of resvg's RGBA PNGs.
 * `pixels`: RGBA, 8 bits each, not premultiplied, row by row (resvg's `pixels`).
 */
export function indexedPng(width, height, pixels) {
  const index = new Map();
  const indices = Buffer.alloc((width + 1) * height); // a filter byte (0) before each row
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = pixels.readUInt32BE((y * width + x) * 4);
      let i = index.get(colour);
      if (i === undefined) {
        if (index.size === 256) return null;
        i = index.size;
        index.set(colour, i);
      }
      indices[y * (width + 1) + 1 + x] = i;
    }
  }
  const colours = [...index.keys()];
  const plte = Buffer.alloc(colours.length * 3);
  const trns = Buffer.alloc(colours.length);
  colours.forEach((c, i) => {
    plte[i * 3] = c >>> 24;
    plte[i * 3 + 1] = (c >>> 16) & 0xff;
    plte[i * 3 + 2] = (c >>> 8) & 0xff;
    trns[i] = c & 0xff;
  });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8); // 8-bit, palette, deflate, filter 0, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("PLTE", plte),
    ...(trns.every((a) => a === 255) ? [] : [chunk("tRNS", trns)]),
    chunk("IDAT", deflateSync(indices, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
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

/** The script `compileChunksEarly` writes; found again by its id when the build runs twice. */
const EARLY_CHUNKS = /<script id=early-chunks>[\s\S]*?<\/script>/;
const LOADER_PRELOAD = /<link rel=modulepreload href=\/__wasm_split-[^>]*>/g;

/**
 * On any address but the start page (a deep link, a reload: its page waits for the pages'
 * chunk), index.html fetches and compiles the wasm chunks (`split_*.wasm`) at once, with an
 * inline script after the first one, while the main module loads; the chunks' loader (see
 * tools/split.mjs) takes them from `__wasmChunks`. Asked for by the loader at the app's start
 * instead, a chunk's bytes waited for the main thread until the app had mounted and drawn its
 * first frame, and the concerns began to load about 45 ms after the mount (issue 15). The start
 * page does not ask: its first screen needs no chunk, and a first visit's bytes go to it first.
 * The loader's own script, which the main script imports, is asked for beside the main script
 * (modulepreload) instead of after it. Returns the chunks.
 */
export function compileChunksEarly(dir) {
  const file = join(dir, "index.html");
  let html = readFileSync(file, "utf8").replace(EARLY_CHUNKS, "").replace(LOADER_PRELOAD, "");
  const files = filesUnder(dir);
  const chunks = files.filter((path) => /^split_[^/]*\.wasm$/.test(path));
  const loaders = files.filter((path) => /^__wasm_split-[^/]*\.js$/.test(path));
  if (chunks.length === 0) {
    writeFileSync(file, html);
    return chunks;
  }
  const first = html.match(/<script>[\s\S]*?<\/script>/);
  if (!first) throw new Error("index.html has no inline script to put the chunks' early compile after");
  const urls = JSON.stringify(chunks.map((path) => `/${path}`));
  const script =
    `<script id=early-chunks>try{if(location.pathname!=="/"){var c=self.__wasmChunks={};` +
    `${urls}.forEach(function(u){(c[u]=WebAssembly.compileStreaming(fetch(u))).catch(function(){})})}}catch(e){}</script>`;
  // Without integrity, as the main script's import of it is (the service worker checks every
  // file of the build when it caches it).
  const modulepreloads = loaders.map((path) => `<link rel=modulepreload href=/${path} crossorigin>`).join("");
  const at = first.index + first[0].length;
  writeFileSync(file, html.slice(0, at) + script + modulepreloads + html.slice(at));
  return chunks;
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

/**
 * Minifies the app's JavaScript (wasm-bindgen's glue; trunk's own minifier gives up on it) with
 * terser, in place. The file names stay: they are trunk's content hashes of the unminified
 * text, still unique per build. Returns the minified files.
 */
export function minifyScripts(dir) {
  const terser = createRequire(import.meta.url).resolve("terser/bin/terser");
  const scripts = filesUnder(dir).filter((path) => path.endsWith(".js") && path !== "sw.js");
  for (const path of scripts) {
    const file = join(dir, path);
    execFileSync(process.execPath, [terser, file, "--module", "--compress", "--mangle", "--output", file]);
  }
  return scripts;
}

/**
 * Brings every `integrity` attribute in index.html up to date with the file it names (after
 * the scripts were minified), in the attribute's own algorithm; a file that is not there fails.
 */
export function refreshIntegrity(dir) {
  const file = join(dir, "index.html");
  const html = readFileSync(file, "utf8").replace(/<(?:link|script)\b[^>]*>/g, (tag) => {
    const integrity = tag.match(/\bintegrity=(["']?)(sha256|sha384|sha512)-[A-Za-z0-9+/=]+\1/);
    const url = tag.match(/\b(?:href|src)=(["']?)\/([^"' >]+)\1/);
    if (!integrity || !url) return tag;
    const digest = createHash(integrity[2]).update(readFileSync(join(dir, url[2]))).digest("base64");
    return tag.replace(integrity[0], `integrity=${integrity[1]}${integrity[2]}-${digest}${integrity[1]}`);
  });
  writeFileSync(file, html);
}

/** Icons, then sw.js, into the built site in `dir`. Returns the version and what is cached. */
export function build(dir, sourceDir = HERE) {
  if (!filesUnder(dir).includes("index.html")) {
    throw new Error(`${dir} has no index.html: run this after trunk has written the page (post_build)`);
  }
  minifyScripts(dir);
  refreshIntegrity(dir);
  compileChunksEarly(dir);
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
