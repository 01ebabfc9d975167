// Sync end to end: two tablets (two browser contexts, each its own localStorage) sync through
// the reference server (JSON protocol) and through the CouchDB-compatible test server. One
// tablet goes offline and edits, the server is stopped while the other edits and tries to
// sync, then started again; the same concern changed on both becomes a conflict, is merged on
// the conflict screen, and both tablets and the server end with the same data.
import { readFileSync } from "node:fs";
import { test, expect, mainHeading, expectAccessible, seedStorage } from "./fixtures.mjs";
import { startSyncServer } from "../support/sync-server.mjs";
import { startCouchServer } from "../support/couch-server.mjs";

const v1 = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8"));
const extra = JSON.parse(readFileSync("tests/fixtures/concern-extra-v1.json", "utf8"));
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
const TABLET_A = { "ssp.settings": SETTINGS, "ssp.concerns": JSON.stringify(v1) };
const TABLET_B = { "ssp.settings": SETTINGS, "ssp.concerns": JSON.stringify({ schema: 1, data: [extra] }) };
const ALL_IDS = [...v1.data.map((c) => c.id), extra.id].sort();

const BACKENDS = [
  {
    name: "the reference server (JSON)",
    kind: "SSP-server (JSON-protokol)",
    async start() {
      const s = await startSyncServer({});
      return {
        url: s.url,
        secret: s.writeToken,
        stop: () => s.stop(),
        start: () => s.restart(),
        // The live documents the server holds: id -> data.
        async docs() {
          const out = {};
          let since = "";
          for (;;) {
            const r = await fetch(`${s.url}/changes?since=${encodeURIComponent(since)}&limit=1000`, {
              headers: { Authorization: `Bearer ${s.writeToken}` },
            });
            const page = await r.json();
            for (const d of page.docs) {
              if (d.deleted) delete out[d.id];
              else out[d.id] = d.data;
            }
            since = page.checkpoint;
            if (!page.more) return out;
          }
        },
        cleanup: () => s.stop(),
      };
    },
  },
  {
    name: "the CouchDB-compatible server",
    kind: "CouchDB",
    async start() {
      const s = await startCouchServer({});
      const auth = "Basic " + Buffer.from(`${s.user}:${s.password}`).toString("base64");
      return {
        url: s.url,
        user: s.user,
        secret: s.password,
        stop: () => s.stop(),
        start: () => s.restart(),
        async docs() {
          const r = await fetch(`${s.url}/_all_docs?include_docs=true`, {
            headers: { Authorization: auth, Accept: "application/json" },
          });
          const body = await r.json();
          return Object.fromEntries(body.rows.filter((x) => !x.id.startsWith("_")).map((x) => [x.id, x.doc.data]));
        },
        cleanup: () => s.stop(),
      };
    },
  },
];

/** A tablet: its own context; page errors (not failed requests to a stopped server) fail the test. */
async function tablet(browser, seed) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await seedStorage(page, seed);
  await page.goto("/settings");
  await expect(mainHeading(page)).toHaveText("Indstillinger");
  return { context, page, errors };
}

async function configure(page, server, kind) {
  await page.getByLabel("Synkronisér med en server").check();
  await page.getByRole("radio", { name: kind }).check();
  await page.getByLabel("Adresse").fill(server.url);
  if (server.user) await page.getByLabel("Brugernavn").fill(server.user);
  await page.getByLabel(server.user ? "Adgangskode" : "Token").fill(server.secret);
  await page.getByRole("button", { name: "Test forbindelse" }).click();
  await expect(page.getByRole("status")).toContainText("Forbindelsen virker");
  await page.getByRole("button", { name: "Gem synkronisering" }).click();
  await expect(page.getByRole("status")).toHaveText("Gemt.");
}

const waiting = (page) => page.getByTestId("sync-waiting");
const conflicts = (page) => page.getByTestId("sync-conflicts");

async function syncNow(page) {
  if (!page.url().endsWith("/settings")) {
    await page.getByRole("link", { name: "Indstillinger" }).click();
    await expect(mainHeading(page)).toHaveText("Indstillinger");
  }
  await page.getByRole("button", { name: "Synkronisér nu" }).click();
  await expect(page.getByRole("button", { name: "Synkronisér nu" })).toBeEnabled();
}

async function ids(page) {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("ssp.concern."))
      .map((k) => k.slice("ssp.concern.".length))
      .sort(),
  );
}

/** What the tablet holds: id -> { plan done flags, history length }. */
async function holdings(page) {
  return page.evaluate(() => {
    const out = {};
    for (const k of Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern."))) {
      const c = JSON.parse(localStorage.getItem(k)).data;
      out[c.id] = { done: c.action_plan.map((a) => a.done), history: c.history.length };
    }
    return out;
  });
}

/** Ticks or unticks an action item of the concern with this pseudonym. */
async function setItem(page, pseudonym, item, on) {
  await page.getByRole("link", { name: "Bekymringer", exact: true }).click();
  await page.getByRole("link", { name: new RegExp(pseudonym) }).click();
  const box = page.getByRole("checkbox", { name: item });
  if (on) await box.check();
  else await box.uncheck();
}

for (const backend of BACKENDS) {
  test(`two tablets converge through ${backend.name}: offline, server restart, conflict merged`, async ({ browser }) => {
    test.setTimeout(120_000);
    const server = await backend.start();
    const a = await tablet(browser, TABLET_A);
    const b = await tablet(browser, TABLET_B);
    try {
      // A uploads its two concerns; B uploads one and gets A's two; A then gets B's.
      await configure(a.page, server, backend.kind);
      await expect(waiting(a.page)).toHaveText("0");
      await configure(b.page, server, backend.kind);
      await expect(waiting(b.page)).toHaveText("0");
      await expect.poll(() => ids(b.page)).toEqual(ALL_IDS);
      await syncNow(a.page);
      await expect.poll(() => ids(a.page)).toEqual(ALL_IDS);
      await expectAccessible(a.page, "Settings with sync on");
      if (backend.kind === "CouchDB") {
        await a.page.setViewportSize({ width: 768, height: 1024 });
        await a.page.getByRole("heading", { name: "Status" }).scrollIntoViewIfNeeded();
        await a.page.screenshot({ path: "screenshots/sync-settings-768x1024.png" });
        await a.page.setViewportSize({ width: 1024, height: 768 });
      }

      // B goes offline and edits concern AB; its change waits.
      await b.context.setOffline(true);
      await setItem(b.page, "AB", "Fortæl din leder om bekymringen.", false);
      await b.page.getByRole("link", { name: "Indstillinger" }).click();
      await expect(waiting(b.page)).toHaveText("1");

      // The server stops. A edits the same concern; its round fails and says so; nothing is lost.
      await server.stop();
      await setItem(a.page, "AB", /Følg op/, true);
      await syncNow(a.page);
      await expect(a.page.getByText("Ingen forbindelse til serveren")).toBeVisible();
      await expect(waiting(a.page)).toHaveText("1");

      // The server comes back; B comes back online and sends its change by itself.
      await server.start();
      await b.context.setOffline(false);
      await expect(waiting(b.page)).toHaveText("0", { timeout: 30_000 });

      // A's change meets B's: a conflict, both kept; merged on the conflict screen.
      await syncNow(a.page);
      await expect(conflicts(a.page)).toContainText("1");
      await a.page.getByRole("link", { name: "Bekymringer", exact: true }).click();
      await expect(a.page.getByText("Konflikt", { exact: true })).toBeVisible();
      await a.page.getByRole("link", { name: "Indstillinger" }).click();
      await a.page.getByRole("link", { name: "Se og afgør konflikterne" }).click();
      await expect(mainHeading(a.page)).toHaveText("Konflikter ved synkronisering");
      await expect(a.page.getByRole("columnheader", { name: "Din version (denne enhed)" })).toBeVisible();
      await expectAccessible(a.page, "the conflict screen");
      if (backend.kind === "CouchDB") {
        // Looked at by a person: the conflict screen and Settings' sync section at tablet sizes.
        for (const [w, h] of [[768, 1024], [1024, 768]]) {
          await a.page.setViewportSize({ width: w, height: h });
          await a.page.screenshot({ path: `screenshots/sync-conflict-${w}x${h}.png`, fullPage: true });
        }
      }
      await a.page.getByRole("button", { name: "Flet begge" }).click();
      await expect(a.page.getByText("Afgjort.")).toBeVisible();
      await expect(a.page.getByText("Der er ingen konflikter.")).toBeVisible();

      await syncNow(a.page);
      await expect(waiting(a.page)).toHaveText("0");
      await expect(conflicts(a.page)).toHaveText("0");
      await syncNow(b.page);
      await expect(waiting(b.page)).toHaveText("0");

      // Both tablets and the server hold the same three concerns; the merge kept both edits'
      // history entries, and the item A ticked is done everywhere.
      const [ha, hb, onServer] = [await holdings(a.page), await holdings(b.page), await server.docs()];
      expect(Object.keys(ha).sort()).toEqual(ALL_IDS);
      expect(hb).toEqual(ha);
      expect(Object.keys(onServer).sort()).toEqual(ALL_IDS);
      for (const [id, c] of Object.entries(onServer)) {
        expect({ done: c.action_plan.map((x) => x.done), history: c.history.length }, id).toEqual(ha[id]);
      }
      const ab = ha[v1.data[0].id];
      expect(ab.done[1], "A's tick survived").toBe(true);
      expect(ab.history, "both edits are in the history").toBe(v1.data[0].history.length + 2);
      expect([...a.errors, ...b.errors]).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
      await server.cleanup();
    }
  });
}

test("sync refuses an unencrypted address, says so when the server refuses the token, and loses nothing", async ({ browser }) => {
  test.setTimeout(60_000);
  const server = await startSyncServer({});
  const t = await tablet(browser, TABLET_A);
  const { page } = t;
  try {
    await page.getByLabel("Synkronisér med en server").check();
    await page.getByLabel("Adresse").fill("http://sync.kommune.example/ssp");
    await page.getByLabel("Token").fill("anything");
    await page.getByRole("button", { name: "Gem synkronisering" }).click();
    await expect(page.getByRole("status")).toContainText("Adressen skal begynde med https://");
    // Nothing was stored for sync.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.sync.")))).toEqual([]);

    // A wrong token: the test says so in plain Danish; saved anyway, the round stops and the
    // outbox keeps both concerns.
    await page.getByLabel("Adresse").fill(server.url);
    await page.getByLabel("Token").fill("wrong-token");
    await page.getByRole("button", { name: "Test forbindelse" }).click();
    await expect(page.getByRole("status")).toContainText("Serveren afviste adgangen");
    await page.getByRole("button", { name: "Gem synkronisering" }).click();
    await expect(page.getByText("Serveren afviste adgangen")).toBeVisible();
    await expect(waiting(page)).toHaveText("2");
    await expectAccessible(page, "Settings with a sync error");

    // The right token: the waiting changes go.
    await page.getByLabel("Token").fill(server.writeToken);
    await page.getByRole("button", { name: "Gem synkronisering" }).click();
    await expect(waiting(page)).toHaveText("0");
    await expect(page.getByText("Serveren afviste adgangen")).toHaveCount(0);
    expect(t.errors).toEqual([]);
  } finally {
    await t.context.close();
    await server.stop();
  }
});
