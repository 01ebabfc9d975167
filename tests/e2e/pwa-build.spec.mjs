// The build step that makes the app installable and offline (pwa/build.mjs, a trunk hook),
// tested in Node on temporary directories: no browser. The cache name must follow the build
// output exactly: the same files give the same name, any changed byte or name a new one.
import { test, expect } from "@playwright/test";
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { Resvg } from "@resvg/resvg-js";
import { ICONS, build, cacheVersion, cspOf, iconSvg, precacheEntries } from "../../pwa/build.mjs";

const dirs = [];
/** A directory that looks like trunk's staging directory after the build. */
function staged() {
  const dir = mkdtempSync(join(tmpdir(), "ssp-pwa-"));
  dirs.push(dir);
  // As trunk's minifier writes it: no <head> tag, the charset first.
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><html lang=da><meta charset=utf-8><script type="module" src="/app-0123456789abcdef.js"></script>',
  );
  writeFileSync(join(dir, "app-0123456789abcdef.js"), "console.log('app');");
  writeFileSync(join(dir, "app-0123456789abcdef_bg.wasm"), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  cpSync("pwa/manifest.webmanifest", join(dir, "manifest.webmanifest"));
  return dir;
}
test.afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const png = (path) => {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).toString("hex"), `${path} is a PNG`).toBe("89504e470d0a1a0a");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
};

test("the same output gives the same cache name; a changed file, a renamed file or a changed worker a new one", () => {
  const a = staged();
  const b = staged();
  const first = build(a);
  expect(first.version).toMatch(/^[0-9a-f]{16}$/);
  expect(build(b).version, "same files, same name").toBe(first.version);
  expect(build(a).version, "a second run over its own output changes nothing").toBe(first.version);
  expect(readFileSync(join(b, "sw.js"), "utf8")).toBe(readFileSync(join(a, "sw.js"), "utf8"));

  writeFileSync(join(b, "app-0123456789abcdef.js"), "console.log('app 2');");
  const changed = build(b).version;
  expect(changed, "one changed byte").not.toBe(first.version);

  const c = staged();
  renameSync(join(c, "app-0123456789abcdef_bg.wasm"), join(c, "app-fedcba9876543210_bg.wasm"));
  const renamed = build(c).version;
  expect(renamed, "a renamed file").not.toBe(first.version);
  expect(renamed).not.toBe(changed);

  const template = readFileSync("pwa/sw.js", "utf8");
  const entries = precacheEntries(a);
  expect(cacheVersion(entries, template)).toBe(first.version);
  expect(cacheVersion(entries, `${template}\n// changed`), "a changed worker").not.toBe(first.version);
});

test("sw.js lists every file of the build with its hash, but not itself", () => {
  const dir = staged();
  const { version, entries } = build(dir);
  const sw = readFileSync(join(dir, "sw.js"), "utf8");
  expect(sw).toContain(`const VERSION = "${version}";`);
  expect(sw).not.toContain("__VERSION__");
  expect(sw).not.toContain("__PRECACHE__");
  const urls = entries.map((e) => e.url);
  expect(urls).toEqual([...urls].sort());
  expect(urls).toEqual(
    expect.arrayContaining(["/index.html", "/manifest.webmanifest", "/app-0123456789abcdef.js", "/app-0123456789abcdef_bg.wasm", ...ICONS.map((i) => `/${i.file}`)]),
  );
  expect(urls).not.toContain("/sw.js");
  for (const { url, integrity } of entries) {
    expect(integrity, url).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(sw).toContain(JSON.stringify(url));
  }
});

test("every icon is a PNG of its size, from the one drawing; the maskable ones are square to the edge", () => {
  const dir = staged();
  build(dir);
  for (const icon of ICONS) {
    expect(png(join(dir, icon.file)), icon.file).toEqual({ width: icon.size, height: icon.size });
  }
  const sizes = ICONS.map((i) => i.size);
  expect(sizes).toEqual(expect.arrayContaining([192, 512, 180, 32]));
  const source = readFileSync("pwa/icon.svg", "utf8");
  expect(iconSvg(source, "rounded")).toMatch(/<rect id="background"[^>]* rx="/);
  expect(iconSvg(source, "full")).not.toMatch(/<rect id="background"[^>]* rx="/);
  expect(ICONS.find((i) => i.file.includes("maskable")).shape).toBe("full");
  expect(ICONS.find((i) => i.file.includes("apple-touch")).shape).toBe("full");
});

test("the glue script is minified, and the page's integrity attributes follow the new bytes", () => {
  const dir = staged();
  const js = join(dir, "app-0123456789abcdef.js");
  const source = "export function greet(longParameterName) {\n  // a comment\n  return `hello ${longParameterName}`;\n}\nconsole.log(greet('app'));\n";
  writeFileSync(js, source);
  const old = `sha384-${createHash("sha384").update(source).digest("base64")}`;
  const html = readFileSync(join(dir, "index.html"), "utf8");
  writeFileSync(join(dir, "index.html"), html.replace("<script", `<link crossorigin href=/app-0123456789abcdef.js integrity=${old} rel=modulepreload><script`));
  build(dir);
  const minified = readFileSync(js, "utf8");
  expect(minified.length).toBeLessThan(source.length);
  expect(minified).not.toContain("a comment");
  expect(minified).toContain("export");
  const now = `sha384-${createHash("sha384").update(minified).digest("base64")}`;
  const page = readFileSync(join(dir, "index.html"), "utf8");
  expect(page).toContain(`integrity=${now}`);
  expect(page).not.toContain(old);
});

test("the palette icons are lossless: Chromium decodes each to resvg's pixels", async ({ page }) => {
  const dir = staged();
  build(dir);
  const source = readFileSync("pwa/icon.svg", "utf8");
  await page.setContent("<canvas></canvas>");
  for (const icon of ICONS) {
    const bytes = readFileSync(join(dir, icon.file));
    // A palette PNG (colour type 3), not resvg's RGBA one, and smaller than it.
    expect(bytes[25], `${icon.file} colour type`).toBe(3);
    const rendered = new Resvg(iconSvg(source, icon.shape), { fitTo: { mode: "width", value: icon.size } }).render();
    expect(bytes.length, `${icon.file} is smaller than resvg's PNG`).toBeLessThan(rendered.asPng().length);
    // Compared in the page: the canvas keeps half-transparent pixels premultiplied, so those
    // may differ by rounding; opaque pixels must be exact.
    const worst = await page.evaluate(
      async ([png, rgba]) => {
        const img = new Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        const c = document.querySelector("canvas");
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        const got = g.getImageData(0, 0, img.width, img.height).data;
        const want = Uint8Array.from(atob(rgba), (ch) => ch.charCodeAt(0));
        if (got.length !== want.length) return Infinity;
        let worst = 0;
        for (let i = 0; i < want.length; i += 4) {
          const slack = want[i + 3] === 255 ? 0 : Math.ceil(255 / Math.max(1, want[i + 3]));
          for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(got[i + k] - want[i + k]) - slack);
        }
        return worst;
      },
      [bytes.toString("base64"), Buffer.from(rendered.pixels).toString("base64")],
    );
    expect(worst, `${icon.file}: largest difference beyond rounding`).toBeLessThanOrEqual(0);
  }
});

test("the icon, the manifest and the page use the app's primary colour", () => {
  const primary = readFileSync("style/main.css", "utf8").match(/--primary:\s*(#[0-9a-fA-F]{6})/)[1].toLowerCase();
  const manifest = JSON.parse(readFileSync("pwa/manifest.webmanifest", "utf8"));
  expect(readFileSync("pwa/icon.svg", "utf8")).toMatch(new RegExp(`<rect id="background"[^>]* fill="${primary}"`));
  expect(manifest.theme_color).toBe(primary);
  expect(readFileSync("index.html", "utf8")).toContain(`<meta name="theme-color" content="${primary}" />`);
});

test("the build refuses a manifest icon it does not render, and a directory without index.html", () => {
  const dir = staged();
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.webmanifest"), "utf8"));
  manifest.icons.push({ src: "/icons/icon-1024.png", sizes: "1024x1024", type: "image/png" });
  writeFileSync(join(dir, "manifest.webmanifest"), JSON.stringify(manifest));
  expect(() => build(dir)).toThrow(/icon-1024\.png is not in pwa\/build\.mjs ICONS/);
  const empty = mkdtempSync(join(tmpdir(), "ssp-pwa-"));
  dirs.push(empty);
  expect(() => build(empty)).toThrow(/no index\.html/);
});

test("a trunk hash that lost its leading zero still counts as hashed, in the worker and the test server", () => {
  // trunk formats its 64-bit hash with {:x}: one build in 16 gets 15 digits. Taken for an
  // unhashed file, it was revalidated at install and downloaded a second time.
  const hashedIn = (path) => new RegExp(readFileSync(path, "utf8").match(/const HASHED = \/(.+)\/;/)[1]);
  for (const hashed of [hashedIn("pwa/sw.js"), hashedIn("tests/support/serve.mjs")]) {
    for (const name of ["/main-40d3ebfa033669fe.css", "/ssp-handleguide-79275f16c6942405_bg.wasm", "/ssp-handleguide-a21ec12a1d86687_bg.wasm", "/ssp-handleguide-a21ec12a1d86687.js"]) {
      expect(name).toMatch(hashed);
    }
    for (const name of ["/index.html", "/sw.js", "/manifest.webmanifest", "/icons/icon-192.png", "/fonts/HandleguideSans-Regular.woff2"]) {
      expect(name).not.toMatch(hashed);
    }
  }
});

test("dist/sw.js belongs to the build in dist/", () => {
  test.skip(!existsSync("dist/sw.js"), "no release build in dist/");
  const sw = readFileSync("dist/sw.js", "utf8");
  const version = sw.match(/const VERSION = "([0-9a-f]{16})";/)[1];
  expect(cacheVersion(precacheEntries("dist"), readFileSync("pwa/sw.js", "utf8"))).toBe(version);
});

test("the page gets its Content-Security-Policy right after the charset, with the inline loader's hash, once", () => {
  const dir = staged();
  const loader = "import init from '/app-0123456789abcdef.js';\nawait init();";
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html lang=da><meta charset=utf-8><title>x</title><script type=module>${loader}</script>`,
  );
  build(dir);
  build(dir);
  const html = readFileSync(join(dir, "index.html"), "utf8");
  expect(html.match(/Content-Security-Policy/g)).toHaveLength(1);
  expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<title>"));
  const hash = createHash("sha256").update(loader, "utf8").digest("base64");
  const policy = cspOf(dir);
  expect(policy).toContain(`script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'`);
  expect(policy).toContain("object-src 'none'");
  // The cached page is the one with the policy.
  const sw = readFileSync(join(dir, "sw.js"), "utf8");
  const digest = createHash("sha256").update(readFileSync(join(dir, "index.html"))).digest("base64");
  expect(sw).toContain(`sha256-${digest}`);
});

test("with wasm chunks, the page compiles them at once on any address but the start page, and preloads their loader", () => {
  const dir = staged();
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><html lang=da><meta charset=utf-8><title>x</title><script>document.documentElement.className="x"</script><script type=module>import "/app-0123456789abcdef.js";</script>',
  );
  writeFileSync(join(dir, "split_pages-0123456789abcdef.wasm"), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(dir, "__wasm_split-0123456789abcdef.js"), "export const x = 1;");
  build(dir);
  build(dir);
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const early = html.match(/<script id=early-chunks>([\s\S]*?)<\/script>/g);
  expect(early, "once, however often the build runs").toHaveLength(1);
  const script = early[0].replace(/^<script id=early-chunks>|<\/script>$/g, "");
  // Right after the first inline script, before the app's own module.
  expect(html.indexOf("id=early-chunks")).toBeGreaterThan(html.indexOf('className="x"'));
  expect(html.indexOf("id=early-chunks")).toBeLessThan(html.indexOf("<script type=module>"));
  // Allowed by the policy like the other inline scripts.
  expect(cspOf(dir)).toContain(`'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`);
  // What it does, run as the browser would: on a deep link every chunk is fetched and compiled,
  // keyed by its path; on the start page nothing is.
  const run = (pathname) => {
    const fetched = [];
    const self = {};
    new Function("self", "location", "WebAssembly", "fetch", script)(
      self,
      { pathname },
      { compileStreaming: (response) => Promise.resolve({ compiled: response }) },
      (url) => (fetched.push(url), url),
    );
    return { fetched, chunks: self.__wasmChunks };
  };
  const deep = run("/concerns");
  expect(deep.fetched).toEqual(["/split_pages-0123456789abcdef.wasm"]);
  expect(Object.keys(deep.chunks)).toEqual(["/split_pages-0123456789abcdef.wasm"]);
  expect(run("/")).toEqual({ fetched: [], chunks: undefined });
  // The loader the main script imports: asked for beside it.
  expect(html.match(/<link rel=modulepreload href=\/__wasm_split-0123456789abcdef\.js crossorigin>/g)).toHaveLength(1);
});

test("without wasm chunks the page gets no early compile", () => {
  const dir = staged();
  writeFileSync(join(dir, "index.html"), "<!doctype html><html lang=da><meta charset=utf-8><script>1</script>");
  build(dir);
  expect(readFileSync(join(dir, "index.html"), "utf8")).not.toContain("early-chunks");
});
