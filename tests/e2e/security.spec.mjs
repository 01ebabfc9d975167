// The Content-Security-Policy is in force (issue 14): the page and the server carry it, it
// blocks what it should, and the app runs under it (every other test fails on a violation:
// see fixtures.mjs).
import { test as plain, expect } from "@playwright/test";
import { test, startWithMunicipality } from "./fixtures.mjs";

test("the page and every answer carry the policy, with frame-ancestors from the header", async ({ page }) => {
  const response = await page.goto("/");
  const header = response.headers()["content-security-policy"];
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(header).toContain("object-src 'none'");
  expect(header).toContain("base-uri 'none'");
  expect(header).toContain("frame-ancestors 'none'");
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(header.startsWith(meta)).toBe(true);
  expect(meta).not.toContain("frame-ancestors");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  // A deep link (the single-page fallback) and a hashed file carry it too.
  for (const path of ["/settings", "/manifest.webmanifest"]) {
    const r = await page.request.get(path);
    expect(r.headers()["content-security-policy"], path).toBe(header);
  }
});

// Uses Playwright's own `test`: this one provokes violations on purpose.
plain("the policy blocks an injected inline script, an inline style and a foreign script", async ({ page }) => {
  const violations = [];
  await page.exposeFunction("__violation", (v) => violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violation(`${e.effectiveDirective} ${e.blockedURI || "inline"}`),
    ),
  );
  await startWithMunicipality(page);
  const ran = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__injected = true";
    document.body.append(s);
    const foreign = document.createElement("script");
    foreign.src = "https://cdn.example.invalid/x.js";
    document.body.append(foreign);
    const p = document.createElement("p");
    p.setAttribute("style", "color: red");
    document.body.append(p);
    await new Promise((r) => setTimeout(r, 100));
    return window.__injected === true;
  });
  expect(ran).toBe(false);
  // The inline script, the foreign one and the style attribute (each reported once per policy:
  // the page's <meta> and the server's header both hold).
  await expect
    .poll(() => [...new Set(violations)].sort())
    .toEqual(["script-src-elem https://cdn.example.invalid/x.js", "script-src-elem inline", "style-src-attr inline"]);
});
