// The size budgets (size-budget.json, checked by scripts/test through tests/support/size.mjs),
// tested in Node on temporary directories: they count what a first visit downloads (before the
// first screen works, and in all) and fail when either is over its budget.
import { test, expect } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { checkBudget, firstScreenFiles, firstScreenSizes, allFilesSizes, readBudget } from "../support/size.mjs";

const dirs = [];
test.afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PAGE =
  "<!doctype html><link rel=stylesheet href=/main.css><link rel=preload href=/fonts/a.woff2 as=font>" +
  "<link rel=modulepreload href=/app.js><link rel=icon href=/icon.png>" +
  "<script type=module>import init from '/app.js';await init('/app_bg.wasm');</script>" +
  "<link rel=preload href=/app_bg.wasm as=fetch>" +
  "<p>x</p>".repeat(500);

/** A built site: a page, its CSS, font, glue JS (importing a loader), main wasm; a chunk and an
 *  icon that the first screen does not load; a licence text nothing loads. */
function site() {
  const dir = mkdtempSync(join(tmpdir(), "ssp-size-"));
  dirs.push(dir);
  mkdirSync(join(dir, "fonts"));
  writeFileSync(join(dir, "index.html"), PAGE);
  writeFileSync(join(dir, "main.css"), "p{color:red}".repeat(100));
  writeFileSync(join(dir, "app.js"), 'import * as s from "./loader.js";export default function init(){}');
  writeFileSync(join(dir, "loader.js"), 'export const load=()=>fetch(new URL("./chunk_1.wasm",import.meta.url));');
  writeFileSync(join(dir, "app_bg.wasm"), randomBytes(10_000));
  writeFileSync(join(dir, "chunk_1.wasm"), randomBytes(4_000));
  writeFileSync(join(dir, "icon.png"), randomBytes(500));
  writeFileSync(join(dir, "fonts", "a.woff2"), randomBytes(3_000));
  writeFileSync(join(dir, "fonts", "LICENSE.txt"), "x".repeat(50_000));
  return dir;
}

/** A budget file beside (not inside) the site, as size-budget.json is beside dist/. */
function budget(firstScreen, allFiles) {
  const dir = mkdtempSync(join(tmpdir(), "ssp-budget-"));
  dirs.push(dir);
  const file = join(dir, "budget.json");
  writeFileSync(
    file,
    JSON.stringify({ first_screen_gzip_bytes: firstScreen, all_files_gzip_bytes: allFiles, goal_gzip_bytes: 1000, why: "test" }),
  );
  return file;
}

const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

test("all files: text and wasm gzipped, fonts and PNGs as they are, not the licence texts", () => {
  const dir = site();
  const s = allFilesSizes(dir);
  expect(s.html.gzip).toBe(gz(PAGE));
  expect(s.fonts.gzip).toBe(3_000);
  expect(s.other.gzip).toBe(500);
  expect(s.wasm.gzip).toBeGreaterThan(14_000); // random bytes do not compress: both wasm files
  expect(s.total_gzip).toBe(s.html.gzip + s.css.gzip + s.js.gzip + s.fonts.gzip + s.wasm.gzip + s.other.gzip);
});

test("first screen: the page, what it links and preloads, and the modules its scripts import; not the chunks or icons", () => {
  const dir = site();
  const names = firstScreenFiles(dir).map((p) => p.slice(dir.length + 1)).sort();
  expect(names).toEqual(["app.js", "app_bg.wasm", "fonts/a.woff2", "index.html", "loader.js", "main.css"]);
  const s = firstScreenSizes(dir);
  const all = allFilesSizes(dir);
  expect(s.wasm.gzip).toBeLessThan(all.wasm.gzip);
  expect(s.total_gzip).toBe(all.total_gzip - gz(readFileSync(join(dir, "chunk_1.wasm"))) - 500);
  // A page that links a file the build does not have is an error, not a smaller figure.
  writeFileSync(join(dir, "index.html"), PAGE.replace("/main.css", "/gone.css"));
  expect(() => firstScreenFiles(dir)).toThrow(/gone\.css, which is not in the build/);
});

test("over either budget fails and says by how much; within passes; a broken budget file is refused", () => {
  const dir = site();
  const first = firstScreenSizes(dir).total_gzip;
  const all = allFilesSizes(dir).total_gzip;
  const overFirst = checkBudget(dir, budget(first - 1, all));
  expect(overFirst.ok).toBe(false);
  expect(overFirst.firstScreen.text).toContain("OVER by 1 B");
  const overAll = checkBudget(dir, budget(first, all - 1));
  expect(overAll.ok).toBe(false);
  expect(overAll.allFiles.text).toContain("OVER by 1 B");
  const within = checkBudget(dir, budget(first, all));
  expect(within.ok).toBe(true);
  expect(within.text).toContain("within, 0 B to spare");
  const bad = join(dirs.at(-1), "bad.json");
  writeFileSync(bad, JSON.stringify({ first_screen_gzip_bytes: "400 KB", all_files_gzip_bytes: 1 }));
  expect(() => readBudget(bad)).toThrow(/first_screen_gzip_bytes must be a positive whole number/);
});

test("the checked-in budgets are at most what the last commit that changed them says, and name the goal of issue 15", () => {
  const b = readBudget("size-budget.json");
  expect(b.first_screen_gzip_bytes).toBeLessThanOrEqual(296_800);
  expect(b.all_files_gzip_bytes).toBeLessThanOrEqual(1_093_100);
  expect(b.goal_gzip_bytes).toBe(300 * 1024);
  expect(b.why.length).toBeGreaterThan(20);
});
