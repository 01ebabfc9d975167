// The size budget (size-budget.json, checked by scripts/test through tests/support/size.mjs),
// tested in Node on temporary directories: it counts what a first visit downloads and fails
// when that is over the budget.
import { test, expect } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { checkBudget, firstVisitSizes, readBudget } from "../support/size.mjs";

const dirs = [];
test.afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function site() {
  const dir = mkdtempSync(join(tmpdir(), "ssp-size-"));
  dirs.push(dir);
  mkdirSync(join(dir, "fonts"));
  writeFileSync(join(dir, "index.html"), "<!doctype html>" + "<p>x</p>".repeat(500));
  writeFileSync(join(dir, "app-0123456789abcdef_bg.wasm"), randomBytes(10_000));
  writeFileSync(join(dir, "fonts", "a.woff2"), randomBytes(3_000));
  writeFileSync(join(dir, "fonts", "LICENSE.txt"), "x".repeat(50_000));
  return dir;
}

/** A budget file beside (not inside) the site, as size-budget.json is beside dist/. */
function budget(_site, bytes) {
  const dir = mkdtempSync(join(tmpdir(), "ssp-budget-"));
  dirs.push(dir);
  const file = join(dir, "budget.json");
  writeFileSync(file, JSON.stringify({ first_visit_gzip_bytes: bytes, goal_gzip_bytes: 1000, why: "test" }));
  return file;
}

test("it counts text and wasm gzipped, fonts as they are, and not the licence texts", () => {
  const dir = site();
  const s = firstVisitSizes(dir);
  const html = gzipSync(Buffer.from("<!doctype html>" + "<p>x</p>".repeat(500)), { level: 9 }).length;
  expect(s.html.gzip).toBe(html);
  expect(s.fonts.gzip).toBe(3_000);
  expect(s.wasm.gzip).toBeGreaterThan(10_000); // random bytes do not compress
  expect(s.total_gzip).toBe(s.html.gzip + s.fonts.gzip + s.wasm.gzip);
});

test("over the budget fails and says by how much; within passes; a broken budget file is refused", () => {
  const dir = site();
  const total = firstVisitSizes(dir).total_gzip;
  const over = checkBudget(dir, budget(dir, total - 1));
  expect(over.ok).toBe(false);
  expect(over.text).toContain("OVER by 1 B");
  const within = checkBudget(dir, budget(dir, total));
  expect(within.ok).toBe(true);
  expect(within.text).toContain("within, 0 B to spare");
  const bad = join(dirs.at(-1), "bad.json");
  writeFileSync(bad, JSON.stringify({ first_visit_gzip_bytes: "800 KB" }));
  expect(() => readBudget(bad)).toThrow(/positive whole number/);
});

test("the checked-in budget is at most 802,500 B and names the goal of issue 15", () => {
  const b = readBudget("size-budget.json");
  expect(b.first_visit_gzip_bytes).toBeLessThanOrEqual(802_500);
  expect(b.goal_gzip_bytes).toBe(300 * 1024);
  expect(b.why.length).toBeGreaterThan(20);
});
