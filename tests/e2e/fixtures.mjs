// Shared test setup: every test fails if the page logs a console error, throws, or breaks the
// Content-Security-Policy (reported by the page itself, whatever the console says).
import { test as base, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const test = base.extend({
  page: async ({ page }, use) => {
    const errors = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    await page.exposeFunction("__reportCspViolation", (v) => errors.push(`csp: ${v}`));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    await use(page);
    expect(errors, "the page logged no errors").toEqual([]);
  },
});
export { expect };

/** The main navigation, in Danish: link text, path, and the page's main heading. */
export const NAV_DA = [
  { link: "Forside", path: "/", heading: "Hvad har du brug for?" },
  { link: "Vejledning", path: "/guide", heading: "Hvad skal jeg gøre?" },
  { link: "Indsatstrappen", path: "/staircase", heading: "Indsatstrappen" },
  { link: "Organisation", path: "/organisation", heading: "Organisation" },
  { link: "Bekymringer", path: "/concerns", heading: "Gemte bekymringer" },
  { link: "Undervisning", path: "/training", heading: "Undervisning" },
];

/** Reached from the header, on every screen. */
export const HEADER_LINKS_DA = [{ link: "Indstillinger", path: "/settings", heading: "Indstillinger" }];

/** Reached from Settings. */
export const FROM_SETTINGS_DA = [
  { path: "/profile", heading: "Kommuneprofil" },
  { path: "/privacy", heading: "Privatliv og data" },
  { path: "/teams", heading: "Hold" },
];


export const mainHeading = (page) => page.getByRole("heading", { level: 1 });
export const nav = (page, name = "Hovedmenu") => page.getByRole("navigation", { name });

/** Puts `value` under `key` in localStorage before the app's first load (not on reloads). */
export async function seedStorageOnce(page, key, value) {
  await page.addInitScript(
    ([key, value]) => {
      if (!sessionStorage.getItem("seeded")) {
        localStorage.setItem(key, value);
        sessionStorage.setItem("seeded", "1");
      }
    },
    [key, value],
  );
}

/** Puts several `{key: value}` entries in localStorage before the app's first load. */
export async function seedStorage(page, entries) {
  await page.addInitScript((entries) => {
    if (!sessionStorage.getItem("seeded")) {
      for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
      sessionStorage.setItem("seeded", "1");
    }
  }, entries);
}

/** Opens the app fresh and picks a municipality the way a teacher does on first start. */
export async function startWithMunicipality(page, name = "Viborg Kommune") {
  await page.goto("/");
  await expect(mainHeading(page)).toHaveText("Vælg din kommune");
  await page.getByRole("button", { name }).click();
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
}

/** axe (WCAG 2.1 A/AA + best practice): no serious or critical violations on the screen. */
export async function expectAccessible(page, screen) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `axe on ${screen}`).toEqual([]);
  // axe really looked at the page (colour contrast, names, landmarks …).
  expect(results.passes.length, `axe checks ran on ${screen}`).toBeGreaterThan(10);
}
