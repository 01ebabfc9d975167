// A small static server for the built app (dist/), used by the e2e tests and the benchmark.
// No dependencies. App routes (paths without a file extension) fall back to index.html, as on
// any static host configured for a single-page app; a missing file with an extension is a 404.
// Caching as docs/hosting.md asks of a real host: files whose name carries trunk's content hash
// are cached for a year; everything else (index.html, sw.js, the manifest, icons, fonts) is
// revalidated on every request ("no-cache"), so a new release and its service worker are seen.
//
//   node tests/support/serve.mjs [dir=dist] [port=4173]

import { gzipSync } from "node:zlib";
import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { policyIn } from "../../pwa/csp.mjs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** trunk's content hash in a file name: main-0123456789abcdef.css, app-…_bg.wasm (as in
 *  pwa/sw.js: up to 16 hex digits, leading zeros dropped by trunk). */
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z0-9]+$/;

/** The headers docs/hosting.md asks for on every answer: the page's own policy (from its
 *  <meta>, pwa/build.mjs) plus frame-ancestors, which only a header can set. The page is read
 *  again only when it changed (a new build under a running server). */
let seen = { page: null, mtimeMs: -1, csp: null };
function securityHeaders(root) {
  try {
    const page = join(root, "index.html");
    const { mtimeMs } = statSync(page);
    if (page !== seen.page || mtimeMs !== seen.mtimeMs) {
      const policy = policyIn(readFileSync(page, "utf8"));
      seen = { page, mtimeMs, csp: policy && `${policy}; frame-ancestors 'none'` };
    }
  } catch {
    // No build yet: the tests that need one fail on their own.
    seen = { page: null, mtimeMs: -1, csp: null };
  }
  return {
    ...(seen.csp ? { "content-security-policy": seen.csp } : {}),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "microphone=(), geolocation=()",
  };
}

const COMPRESSIBLE = new Set([".wasm", ".js", ".css", ".html", ".json", ".svg", ".webmanifest"]);

/**
 * Creates (does not start) a server for `dir`. `extra` maps paths to [type, body] served from
 * memory. `{ gzip: true }` compresses text and wasm as docs/hosting.md asks of a real server
 * (the bench's network emulation then moves what a real server would send); the e2e tests
 * leave it off.
 */
export function createStaticServer(dir, extra = {}, { gzip = false } = {}) {
  const root = resolve(dir);
  const compressed = new Map();
  return createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    let path = decodeURIComponent(url.pathname);
    if (extra[path]) {
      const [type, body] = extra[path];
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      return res.end(body);
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403);
      return res.end("forbidden");
    }
    let target = file;
    try {
      const info = await stat(target);
      if (info.isDirectory()) target = join(target, "index.html");
    } catch {
      // No such file: app routes go to index.html; missing assets are real 404s.
      if (extname(path) === "") target = join(root, "index.html");
    }
    try {
      let body = await readFile(target);
      const headers = {
        ...securityHeaders(root),
        "content-type": TYPES[extname(target)] || "application/octet-stream",
        "cache-control": HASHED.test(target) ? "public, max-age=31536000, immutable" : "no-cache",
      };
      if (gzip && COMPRESSIBLE.has(extname(target)) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        if (!compressed.has(target)) compressed.set(target, gzipSync(body, { level: 9 }));
        body = compressed.get(target);
        headers["content-encoding"] = "gzip";
        headers.vary = "accept-encoding";
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] || "dist";
  const port = Number(process.argv[3] || 4173);
  createStaticServer(dir).listen(port, "127.0.0.1", () => {
    console.log(`serving ${dir} on http://127.0.0.1:${port}/`);
  });
}
