// Writes the app's first-visit start screen into index.html (#prerender), so a first visit
// shows it as soon as the HTML and CSS are in, before the wasm has loaded.
//
//   node tests/support/prerender.mjs [dist]        (scripts/prerender builds first)
//
// The screen is taken from the built app itself: Chromium opens "/" with empty storage, the app
// renders, and its DOM (without Leptos's empty marker comments) replaces the contents of
// <div id="prerender"> in index.html. tests/e2e/prerender.spec.mjs fails when the built
// index.html and the app's screen differ, so a change to the start screen, the shell or the
// Danish texts needs `bash scripts/prerender` and a commit of index.html.
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "@playwright/test";
import { chromiumLaunch } from "../../playwright.config.mjs";
import { createStaticServer } from "./serve.mjs";

/** Top-level elements of <body> that are not part of the screen. */
const NOT_SCREEN = ["SCRIPT", "NOSCRIPT", "LINK"];

/** The app's screen as HTML: its top-level elements in <body>, marker comments removed. */
export async function appScreenHtml(page) {
  await page.locator(".app h1").waitFor();
  await page.waitForFunction(() => !document.getElementById("prerender"));
  return page.evaluate(
    (notScreen) =>
      [...document.body.children]
        .filter((el) => !notScreen.includes(el.tagName))
        .map((el) => el.outerHTML.replaceAll("<!---->", ""))
        .join(""),
    NOT_SCREEN,
  );
}

/**
 * The same screen in a canonical form, to compare the app's DOM with the prerendered one after
 * trunk's minifier (which reorders attributes): elements with sorted attributes, text, no
 * comments. `where` = "#prerender" for index.html's copy, or "app" for what the app drew.
 */
export function canonicalScreen(page, where) {
  return page.evaluate(([where, notScreen]) => {
    const canon = (n) => {
      if (n.nodeType === Node.TEXT_NODE) return n.textContent;
      if (n.nodeType !== Node.ELEMENT_NODE) return "";
      const attrs = [...n.attributes].map((a) => `${a.name.toLowerCase()}="${a.value}"`).sort().join(" ");
      const tag = n.tagName.toLowerCase();
      return `<${tag}${attrs ? " " + attrs : ""}>${[...n.childNodes].map(canon).join("")}</${tag}>`;
    };
    const roots =
      where === "app"
        ? [...document.body.children].filter((el) => !notScreen.includes(el.tagName) && el.id !== "prerender")
        : [...document.querySelector(where).children];
    return roots.map(canon).join("\n");
  }, [where, NOT_SCREEN]);
}

export const OPEN = '<div id="prerender" inert>';
const CLOSE = "</div>\n</body>";

/** index.html with `html` as the prerendered screen. */
export function withPrerender(indexHtml, html) {
  const start = indexHtml.indexOf(OPEN);
  const end = indexHtml.lastIndexOf(CLOSE);
  if (start < 0 || end < start) throw new Error(`index.html has no ${OPEN}…${CLOSE}`);
  return indexHtml.slice(0, start + OPEN.length) + html + indexHtml.slice(end);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] || "dist";
  const server = createStaticServer(dist);
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const page = await browser.newPage({ locale: "da-DK" });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const html = await appScreenHtml(page);
    const file = new URL("../../index.html", import.meta.url);
    const before = readFileSync(file, "utf8");
    const after = withPrerender(before, html);
    writeFileSync(file, after);
    console.log(before === after ? "index.html: the prerendered start screen is current" : `index.html: prerendered start screen written (${html.length} characters)`);
  } finally {
    await browser.close();
    server.close();
  }
}
