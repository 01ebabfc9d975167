// Teams end to end (issue 18): three browser contexts — an SSP consultant and two teachers —
// against the reference server, and again against the CouchDB stand-in (a team is then its
// own database with its own users: docs/couchdb.md "Teams on CouchDB"). The consultant creates a team; each teacher joins with the
// invite code (one pasted from the text, one read back from the rendered QR code with an
// independent decoder); a reused or damaged code is refused in words. A shared concern reaches
// both teachers; edits made offline on two devices become a conflict that is merged; unsharing
// stops updates; the consultant removes a teacher's tablet: the key is rotated, the removed
// tablet is told and gets nothing new, the others go on; then the removed tablet and a teacher
// leave by themselves, and the consultant's device makes a new key. Afterwards the server's
// stored data (the reference server's SQLite file; every revision of every document in every
// CouchDB database) is scanned for every text of the concerns: none may be there (the server
// stores only ciphertext).
import { readFileSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";
import jsQR from "jsqr";
import { test, expect, mainHeading, expectAccessible, seedStorage } from "./fixtures.mjs";
import { startSyncServer } from "../support/sync-server.mjs";
import { startCouchServer } from "../support/couch-server.mjs";

const v1 = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8"));
// Long, distinct pseudonyms (fictional): short ones could turn up in base64 ciphertext by chance.
const PSEUDONYM = "Elev Zeta (fiktiv)";
v1.data[0].child = PSEUDONYM;
v1.data[1].child = "Elev Omega (fiktiv)";
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
const TEAM = "5.B's lærere (fiktivt hold)";
// What the consultant's concerns say: the server may hold none of it.
const TEXTS = [
  ...v1.data.flatMap((c) => [c.child, ...c.action_plan.map((a) => a.what)]),
  ...v1.data.flatMap((c) => Object.values(c.answers).flatMap((a) => (typeof a?.Text === "string" ? [a.Text] : []))),
  TEAM,
].filter((s) => s.length >= 8);

async function device(browser, seed) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await seedStorage(page, seed);
  await page.goto("/teams");
  await expect(mainHeading(page)).toHaveText("Hold");
  return { context, page, errors };
}

/** The invite's QR code, rasterised from the page's SVG and read by jsQR (not the app's code). */
async function readQr(page) {
  const svg = await page.getByRole("img", { name: "QR-kode med invitationen" }).evaluate((el) => {
    const copy = el.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    return copy.outerHTML;
  });
  const png = new Resvg(svg, { fitTo: { mode: "width", value: 600 } }).render();
  const found = jsQR(new Uint8ClampedArray(png.pixels), png.width, png.height);
  expect(found, "the QR code reads").not.toBeNull();
  return found.data;
}

async function invite(page) {
  await page.getByRole("button", { name: "Inviter en kollega" }).click();
  const code = page.getByLabel("Eller indsæt koden på den anden enhed");
  await expect(code).toHaveValue(/^SSP-/);
  return code.inputValue();
}

async function join(page, code) {
  await page.getByLabel("Invitationskode").fill(code);
  await page.getByRole("button", { name: "Tilslut", exact: true }).click();
}

async function syncTeam(page) {
  if (!page.url().endsWith("/teams")) await page.goto("/teams");
  await page.getByRole("button", { name: "Synkronisér nu" }).click();
  await expect(page.getByRole("button", { name: "Synkronisér nu" })).toBeEnabled();
  await expect(page.getByTestId("team-waiting")).toHaveText("0");
}

const concernIds = (page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("ssp.concern."))
      .map((k) => k.slice("ssp.concern.".length))
      .sort(),
  );

/** The two backends a team can live on: how the consultant makes the team, how a device's
 *  own login reads the team's live documents, and everything the server stored, as text. */
const BACKENDS = {
  "the reference server": {
    start: () => startSyncServer({}),
    async create(c, server) {
      await c.getByLabel("Serverens adresse").fill(server.url);
      await c.getByLabel("Opretter-nøgle").fill(server.writeToken);
      await c.getByRole("button", { name: "Opret holdet" }).click();
      await expect(c.getByRole("status")).toHaveText("Serveren tager ikke imod nøglen som opretter-nøgle. Brug den opretter-nøgle, kommunens IT har givet dig. Intet er oprettet.");
      await expect(c.getByTestId("no-teams")).toBeVisible();
      await c.getByLabel("Opretter-nøgle").fill(server.organiseToken);
    },
    async liveDocs(team) {
      const feed = await (await fetch(`${team.url}/changes?since=`, { headers: { authorization: `Bearer ${team.token}` } })).json();
      return feed.docs.filter((d) => !d.deleted).map((d) => ({ id: d.id, data: d.data }));
    },
    async stored(server) {
      await server.stop();
      const text = ["", "-wal"]
        .map((s) => {
          try {
            return readFileSync(server.dbPath + s).toString("utf8");
          } catch {
            return "";
          }
        })
        .join("\n");
      await server.remove();
      return text;
    },
    stop: (server) => server.stop(),
  },
  CouchDB: {
    start: () => startCouchServer({ port: 0 }),
    async create(c, server) {
      await c.getByRole("radio", { name: "CouchDB" }).check();
      await expectAccessible(c, "Teams, creating one on CouchDB");
      await c.getByLabel("Serverens adresse").fill(server.baseUrl);
      await c.getByLabel("CouchDB-administratorens brugernavn").fill(server.adminUser);
      await c.getByLabel("CouchDB-administratorens adgangskode").fill(`${server.adminPassword}-forkert`);
      await c.getByRole("button", { name: "Opret holdet" }).click();
      await expect(c.getByRole("status")).toHaveText("CouchDB tager ikke imod brugernavn og adgangskode som administrator. Spørg kommunens IT. Intet er oprettet.");
      await expect(c.getByTestId("no-teams")).toBeVisible();
      expect((await server.databases()).filter((d) => d.startsWith("ssp-hold-"))).toEqual([]);
      await c.getByLabel("CouchDB-administratorens adgangskode").fill(server.adminPassword);
    },
    async liveDocs(team) {
      const auth = `Basic ${Buffer.from(team.token).toString("base64")}`;
      const res = await fetch(`${team.url}/${team.space}/_changes?include_docs=true`, { headers: { authorization: auth, accept: "application/json" } });
      expect(res.status).toBe(200);
      const feed = await res.json();
      return feed.results
        .map((r) => r.doc)
        .filter((d) => d && !d._deleted && !d._id.startsWith("_") && !d._id.includes(":"))
        .map((d) => ({ id: d._id, data: d.data }));
    },
    async stored(server) {
      // Every revision the stand-in still has of every document, in every database.
      const parts = [];
      for (const name of await server.databases()) {
        const db = server.pouchFor(name);
        const feed = await db.changes({ since: 0, style: "all_docs" });
        for (const r of feed.results) {
          for (const { rev } of r.changes) {
            const doc = await db.get(r.id, { rev, revs_info: true });
            parts.push(JSON.stringify(doc));
            for (const info of doc._revs_info || []) {
              if (info.status === "available" && info.rev !== rev) parts.push(JSON.stringify(await db.get(r.id, { rev: info.rev })));
            }
          }
        }
        parts.push(JSON.stringify(server.security(name)));
      }
      await server.destroy();
      return parts.join("\n");
    },
    stop: (server) => server.stop(),
  },
};

/** Every live document in the team's space, read with the device's own login, is sealed under `epoch`. */
async function expectSealedUnder(backend, page, epoch) {
  const team = await page.evaluate(() => JSON.parse(localStorage.getItem("ssp.teams")).data.teams[0]);
  const live = await backend.liveDocs(team);
  expect(live.length).toBeGreaterThan(0);
  for (const d of live) expect(d.data.epoch, `${d.id} sealed under epoch ${epoch}`).toBe(epoch);
}

async function openConcern(page, pseudonym) {
  await page.getByRole("link", { name: "Bekymringer", exact: true }).click();
  await page.getByRole("link", { name: pseudonym }).first().click();
}

for (const [backendName, backend] of Object.entries(BACKENDS))
test(`a team shares a concern encrypted on ${backendName}: create, invite by code and QR, merge, unshare, remove, leave`, async ({ browser }) => {
  test.setTimeout(180_000);
  const server = await backend.start();
  const consultant = await device(browser, { "ssp.settings": SETTINGS, "ssp.concerns": JSON.stringify(v1) });
  const anna = await device(browser, { "ssp.settings": SETTINGS });
  const bo = await device(browser, { "ssp.settings": SETTINGS });
  try {
    const c = consultant.page;
    await expect(c.getByTestId("no-teams")).toBeVisible();
    await expectAccessible(c, "Teams, none yet");

    // Bad input first: each said in words, nothing made.
    await c.getByRole("button", { name: "Opret holdet" }).click();
    await expect(c.getByText("Skriv holdets navn.")).toBeVisible();
    await c.getByLabel("Holdets navn").fill(TEAM);
    await backend.create(c, server);
    await c.getByRole("button", { name: "Opret holdet" }).click();
    await expect(c.getByText("Holdet er oprettet.", { exact: false })).toBeVisible();
    await expect(c.getByRole("heading", { level: 2, name: TEAM })).toBeVisible();

    // An invite: the QR code and the text are the same invite.
    const first = await invite(c);
    expect(await readQr(c)).toBe(first);
    await expect(c.getByText("Vis kun koden ansigt til ansigt", { exact: false })).toBeVisible();
    await expectAccessible(c, "Teams with an invite shown");

    // Anna pastes it; Bo tries the same code: used.
    await join(anna.page, first);
    await expect(anna.page.getByText("Denne enhed er nu med på holdet.", { exact: false })).toBeVisible();
    await join(bo.page, first);
    await expect(bo.page.getByText("Invitationen er allerede brugt.", { exact: false })).toBeVisible();
    // A damaged code: refused before anything is sent.
    await join(bo.page, first.slice(0, 40) + (first[40] === "A" ? "B" : "A") + first.slice(41));
    await expect(bo.page.getByText("Koden er ikke hel eller er skrevet forkert.", { exact: false })).toBeVisible();
    // A new invite, read from the QR code, joins Bo.
    await c.getByRole("button", { name: "Luk invitationen" }).click();
    await invite(c);
    await join(bo.page, await readQr(c));
    await expect(bo.page.getByText("Denne enhed er nu med på holdet.", { exact: false })).toBeVisible();
    await expectAccessible(bo.page, "Teams, joined");

    // Nothing is shared yet: the teachers have no concerns.
    await syncTeam(anna.page);
    expect(await concernIds(anna.page)).toEqual([]);

    // The consultant shares "AB" with the team; the mark shows in the list and on the concern.
    await openConcern(c, PSEUDONYM);
    await c.getByRole("button", { name: `Del med holdet ${TEAM}` }).click();
    await expect(c.getByText(`Delt med ${TEAM}`)).toBeVisible();
    await expectAccessible(c, "a concern shared with a team");
    await syncTeam(c);
    const shared = v1.data[0].id;
    for (const t of [anna, bo]) {
      await syncTeam(t.page);
      expect(await concernIds(t.page)).toEqual([shared]);
    }
    await anna.page.getByRole("link", { name: "Bekymringer", exact: true }).click();
    await expect(anna.page.getByText(`Delt med ${TEAM}`)).toBeVisible();

    // Anna and the consultant edit the same concern while Anna is offline: a conflict on the
    // later one to sync, merged there, and everyone ends with both edits.
    await anna.context.setOffline(true);
    await openConcern(anna.page, PSEUDONYM);
    await anna.page.getByRole("checkbox", { name: "Fortæl din leder om bekymringen." }).uncheck();
    await openConcern(c, PSEUDONYM);
    await c.getByRole("checkbox", { name: /Følg op/ }).check();
    await syncTeam(c);
    await anna.context.setOffline(false);
    await anna.page.goto("/teams");
    await anna.page.getByRole("button", { name: "Synkronisér nu" }).click();
    await expect(anna.page.getByRole("button", { name: "Synkronisér nu" })).toBeEnabled();
    await anna.page.goto("/conflicts");
    await expect(anna.page.getByRole("heading", { level: 2, name: PSEUDONYM })).toBeVisible();
    await anna.page.getByRole("button", { name: "Flet begge" }).click();
    await expect(anna.page.getByText("Afgjort.")).toBeVisible();
    await syncTeam(anna.page);
    for (const t of [consultant, bo]) await syncTeam(t.page);
    const plan = (page) =>
      page.evaluate((id) => JSON.parse(localStorage.getItem(`ssp.concern.${id}`)).data.action_plan.map((a) => a.done), shared);
    const merged = await plan(anna.page);
    expect(await plan(c)).toEqual(merged);
    expect(await plan(bo.page)).toEqual(merged);
    // The consultant's tick is in the merge (a merge keeps an item done on either side).
    expect(merged[1]).toBe(true);

    // Bo stops sharing it: his edits stay on his tablet.
    await openConcern(bo.page, PSEUDONYM);
    await bo.page.getByRole("button", { name: `Stop deling med ${TEAM}` }).click();
    await expect(bo.page.getByRole("button", { name: `Del med holdet ${TEAM}` })).toBeVisible();
    await bo.page.getByRole("checkbox", { name: "Fortæl din leder om bekymringen." }).check();
    await syncTeam(bo.page);
    await syncTeam(c);
    expect(await plan(c)).toEqual(merged);

    // The consultant removes Bo's tablet (Bo reads its number aloud): a new key goes to Anna
    // only, everything shared is sealed again under it, and the server refuses Bo from now on.
    const boNumber = (await bo.page.getByTestId("this-device").textContent()).split(": ")[1];
    expect(boNumber).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await c.goto("/teams");
    await c.getByRole("button", { name: "Vis holdets enheder" }).click();
    await expect(c.getByRole("heading", { level: 3, name: "Holdets enheder" })).toBeVisible();
    await expect(c.getByRole("listitem").filter({ hasText: boNumber })).toBeVisible();
    await c.getByRole("button", { name: `Fjern ${boNumber} fra holdet` }).click();
    await expect(c.getByRole("alertdialog")).toContainText("Det, den allerede har hentet, kan ikke kaldes tilbage.");
    await expectAccessible(c, "Teams, removing a device");
    await c.getByRole("button", { name: "Ja, fjern enheden" }).click();
    await expect(c.getByText(`${boNumber} er fjernet fra holdet.`)).toBeVisible();
    await expect(c.getByRole("listitem").filter({ hasText: boNumber })).toContainText("fjernet");
    await expect(c.getByRole("button", { name: `Fjern ${boNumber} fra holdet` })).toHaveCount(0);
    await syncTeam(c);

    // After the removal the consultant shares a second concern: Anna gets it (and the new key),
    // Bo gets nothing new and is told he has been removed.
    const second = v1.data[1].id;
    await openConcern(c, "Elev Omega (fiktiv)");
    await c.getByRole("button", { name: `Del med holdet ${TEAM}` }).click();
    await expect(c.getByText(`Delt med ${TEAM}`)).toBeVisible();
    await syncTeam(c);
    await syncTeam(anna.page);
    expect(await concernIds(anna.page)).toEqual([shared, second].sort());
    const epochs = (page) =>
      page.evaluate(() => JSON.parse(localStorage.getItem("ssp.teams")).data.teams[0].keys.map(([e]) => e));
    expect(await epochs(anna.page)).toEqual([1, 2]);
    expect(await epochs(c)).toEqual([1, 2]);
    // The concern shared before the removal was sealed again under the new key (nobody edited it).
    await expectSealedUnder(backend, anna.page, 2);
    await bo.page.goto("/teams");
    await bo.page.getByRole("button", { name: "Synkronisér nu" }).click();
    await expect(bo.page.getByText("Denne enhed er fjernet fra holdet", { exact: false })).toBeVisible();
    expect(await concernIds(bo.page)).toEqual([shared]);
    expect(await epochs(bo.page)).toEqual([1]);
    await expectAccessible(bo.page, "Teams, this device removed");

    // Anna and the consultant go on together; the server holds everything under the new key.
    await openConcern(anna.page, PSEUDONYM);
    const box = anna.page.getByRole("checkbox", { name: "Fortæl din leder om bekymringen." });
    await box.setChecked(!(await box.isChecked()));
    await syncTeam(anna.page);
    await syncTeam(c);
    const after = await plan(anna.page);
    expect(after).not.toEqual(merged);
    expect(await plan(c)).toEqual(after);
    await expectSealedUnder(backend, anna.page, 2);

    // Bo's tablet was removed: "Forlad holdet" takes the team and its key off it (the server
    // already refuses it); his concern stays.
    await bo.page.getByRole("button", { name: "Forlad holdet" }).click();
    await bo.page.getByRole("button", { name: "Ja, forlad holdet" }).click();
    await expect(bo.page.getByText(`Du har forladt «${TEAM}».`, { exact: false })).toBeVisible();
    await expect(bo.page.getByRole("heading", { level: 2, name: TEAM })).toHaveCount(0);
    expect(await bo.page.evaluate(() => JSON.parse(localStorage.getItem("ssp.teams")).data.teams)).toEqual([]);
    expect(await bo.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.team.")))).toEqual([]);
    expect(await concernIds(bo.page)).toEqual([shared]);

    // Anna leaves by herself: she keeps her concerns, the team's key is deleted on her tablet,
    // and the consultant's next round makes a new key, for nobody but the consultant now.
    const annaNumber = (await anna.page.getByTestId("this-device").textContent()).split(": ")[1];
    await anna.page.goto("/teams");
    await anna.page.getByRole("button", { name: "Forlad holdet" }).click();
    await expect(anna.page.getByRole("alertdialog")).toContainText("Vil du med igen, skal du inviteres på ny.");
    await expectAccessible(anna.page, "Teams, leaving a team");
    await anna.page.getByRole("button", { name: "Ja, forlad holdet" }).click();
    await expect(anna.page.getByText(`Du har forladt «${TEAM}».`, { exact: false })).toBeVisible();
    await expect(anna.page.getByTestId("no-teams")).toBeVisible();
    expect(await concernIds(anna.page)).toEqual([shared, second].sort());
    await expectAccessible(anna.page, "Teams, after leaving");
    await syncTeam(c);
    expect(await epochs(c)).toEqual([1, 2, 3]);
    await expectSealedUnder(backend, c, 3);
    await c.goto("/teams");
    await c.getByRole("button", { name: "Vis holdets enheder" }).click();
    await expect(c.getByRole("listitem").filter({ hasText: annaNumber })).toContainText("har forladt holdet");

    for (const d of [consultant, anna, bo]) expect(d.errors).toEqual([]);
  } catch (e) {
    await backend.stop(server);
    throw e;
  } finally {
    for (const d of [consultant, anna, bo]) await d.context.close();
  }
  // The server's stored data holds no text of the concerns, and not the team's name.
  const stored = await backend.stored(server);
  expect(stored.length).toBeGreaterThan(1000);
  for (const text of TEXTS) expect(stored.includes(text), `the server holds "${text}"`).toBe(false);
  expect(stored).toContain('"enc":"A256GCM"');
});

test("on a CouchDB whose IT has not opened sign-up, an invite is refused in words and the team is unchanged", async ({ browser }) => {
  const server = await startCouchServer({ port: 0, usersDb: "admin_only" });
  const consultant = await device(browser, { "ssp.settings": SETTINGS });
  try {
    const c = consultant.page;
    await c.getByLabel("Holdets navn").fill(TEAM);
    await BACKENDS.CouchDB.create(c, server);
    await c.getByRole("button", { name: "Opret holdet" }).click();
    await expect(c.getByText("Holdet er oprettet.", { exact: false })).toBeVisible();
    const db = (await server.databases()).find((d) => d.startsWith("ssp-hold-"));
    const before = server.security(db);
    await c.getByRole("button", { name: "Inviter en kollega" }).click();
    await expect(c.getByText("Invitationen kan ikke laves: CouchDB tager ikke imod nye brugere.", { exact: false })).toBeVisible();
    await expect(c.getByLabel("Eller indsæt koden på den anden enhed")).toHaveCount(0);
    expect(server.security(db)).toEqual(before);
    await expectAccessible(c, "Teams, an invite CouchDB refused");
    expect(consultant.errors).toEqual([]);
  } finally {
    await consultant.context.close();
    await server.destroy();
  }
});
