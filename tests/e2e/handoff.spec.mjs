// "Giv videre som fil" end to end (issue 18, item 7): one concern handed from one device to
// another as an encrypted file, with no server. Two (or three) browser contexts: the sender makes
// the file with a one-time code (read from the screen) or for a team both devices are on
// (both seeded with the same team record and key); the file is taken from the download and given
// to the receiver's file input. A wrong code, a foreign file, a team this device is not on and
// the same concern twice are refused in words with nothing written; the file holds no word of
// the concern; axe finds nothing serious on the page.
import { readFileSync } from "node:fs";
import { test, expect, mainHeading, expectAccessible, seedStorage } from "./fixtures.mjs";

const v1 = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8"));
// Long, distinct and fictional: a short one could turn up in base64 by chance.
const PSEUDONYM = "Elev-Theta (fiktiv)";
const concern = v1.data[0];
concern.child = PSEUDONYM;
const CONCERNS = JSON.stringify({ schema: 1, data: [concern] });
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
// Every text of the concern that is long enough not to turn up in base64 by chance.
const TEXTS = [
  PSEUDONYM,
  concern.school_class,
  ...concern.action_plan.map((a) => a.what),
  concern.answers.observation.text.observed,
  "pseudonym",
  "action_plan",
].filter((s) => s && s.length >= 8);

const TEAM_NAME = "6.B's lærere (fiktivt hold)";
/** A team record as `domain::team::Team` stores it, with the key of `epoch`. */
function teams(epoch, keyByte) {
  const key = Buffer.alloc(32, keyByte).toString("base64");
  return JSON.stringify({
    schema: 1,
    data: {
      teams: [
        {
          id: "hold-handoff-test",
          name: TEAM_NAME,
          kind: "json",
          url: "https://sync.invalid",
          space: "space-1",
          token: "TEST-ONLY-token",
          keys: [[epoch, key]],
          shared: [],
          joined_ms: 1795435200000,
        },
      ],
    },
  });
}

async function device(browser, seed, path = "/handoff") {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await seedStorage(page, { "ssp.settings": SETTINGS, ...seed });
  await page.goto(path);
  return { context, page, errors };
}

const concernKeys = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.concern.")).sort());

/** On the sender: from the concern's page to the file. Returns the file's name and bytes. */
async function makeFile(page, lock) {
  await page.goto("/concerns");
  await page.getByRole("link", { name: PSEUDONYM }).first().click();
  await page.getByRole("link", { name: "Giv videre som fil" }).click();
  await expect(mainHeading(page)).toHaveText("Giv en bekymring videre som fil");
  await expect(page.getByTestId("handoff-concern")).toHaveText(`Bekymring for ${PSEUDONYM}`);
  await page.getByRole("radio", { name: lock }).check();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Lav den krypterede fil" }).click();
  const download = await downloading;
  const name = download.suggestedFilename();
  expect(name).toMatch(/^bekymring-\d{4}-\d{2}-\d{2}\.sspo$/);
  const bytes = readFileSync(await download.path());
  const text = bytes.toString("utf8");
  for (const secret of TEXTS) expect(text, "the file holds no text of the concern").not.toContain(secret);
  expect(JSON.parse(text)).toMatchObject({ format: "ssp-handleguide-handoff", version: 1 });
  return { name, bytes };
}

async function give(page, file) {
  await page.getByLabel("Fil", { exact: true }).setInputFiles({
    name: file.name,
    mimeType: "application/octet-stream",
    buffer: file.bytes,
  });
}

const refusal = (page) => page.getByTestId("handoff-receive-message");

test("a concern handed over with a one-time code: wrong code refused, right code adds it once", async ({ browser }) => {
  test.setTimeout(90_000);
  const sender = await device(browser, { "ssp.concerns": CONCERNS }, "/concerns");
  const receiver = await device(browser, {});
  try {
    const s = sender.page;
    const file = await makeFile(s, "Med en engangskode");
    const code = (await s.getByTestId("handoff-code").textContent()).trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expect(s.getByText("Koden vises kun denne ene gang")).toBeVisible();
    await expect(s.getByTestId("handoff-send-message")).toContainText(file.name);
    await expectAccessible(s, "the hand-off page with the one-time code shown");

    const r = receiver.page;
    await expect(mainHeading(r)).toHaveText("Giv en bekymring videre som fil");
    await expect(r.getByText("Vælg først en bekymring")).toBeVisible();
    // Not a hand-off file: refused in words.
    await give(r, { name: "backup.json", bytes: Buffer.from(CONCERNS) });
    await expect(refusal(r)).toContainText("Det er ikke en fil fra »Giv videre som fil«");
    await give(r, file);
    const codeField = r.getByLabel("Engangskoden fra afsenderen");
    await expect(codeField).toBeVisible();
    await expectAccessible(r, "the hand-off page asking for the code");
    // A wrong code (one character else): refused, nothing written.
    const wrong = (code[0] === "A" ? "B" : "A") + code.slice(1);
    await codeField.fill(wrong);
    await r.getByRole("button", { name: "Åbn filen" }).click();
    await expect(refusal(r)).toContainText("Koden passer ikke til filen", { timeout: 20_000 });
    expect(await concernKeys(r)).toEqual([]);
    // Too short: told what a code looks like.
    await codeField.fill(code.slice(0, 9));
    await r.getByRole("button", { name: "Åbn filen" }).click();
    await expect(refusal(r)).toContainText("Koden skal være 12 tegn");
    // As a person types what they are told: lower case, spaces.
    await codeField.fill(code.toLowerCase().replaceAll("-", " "));
    await r.getByRole("button", { name: "Åbn filen" }).click();
    await expect(refusal(r)).toContainText(`Bekymringen for ${PSEUDONYM} er tilføjet`, { timeout: 20_000 });
    expect(await concernKeys(r)).toEqual([`ssp.concern.${concern.id}`]);
    await r.getByRole("link", { name: "Se bekymringerne" }).click();
    await expect(r.getByRole("link", { name: PSEUDONYM })).toBeVisible();

    // The same file again: refused, the one on the device kept as it is.
    const before = await r.evaluate((k) => localStorage.getItem(k), `ssp.concern.${concern.id}`);
    await r.goto("/handoff");
    await give(r, file);
    await r.getByLabel("Engangskoden fra afsenderen").fill(code);
    await r.getByRole("button", { name: "Åbn filen" }).click();
    await expect(refusal(r)).toContainText("Bekymringen findes allerede på denne enhed", { timeout: 20_000 });
    expect(await r.evaluate((k) => localStorage.getItem(k), `ssp.concern.${concern.id}`)).toBe(before);
    expect(sender.errors.concat(receiver.errors)).toEqual([]);
  } finally {
    await sender.context.close();
    await receiver.context.close();
  }
});

test("a concern handed over to a team: opens with the team's key, not elsewhere", async ({ browser }) => {
  test.setTimeout(90_000);
  const sender = await device(browser, { "ssp.concerns": CONCERNS, "ssp.teams": teams(1, 0x42) }, "/concerns");
  const member = await device(browser, { "ssp.teams": teams(1, 0x42) });
  const stranger = await device(browser, {});
  const behind = await device(browser, { "ssp.teams": teams(0, 0x41) });
  try {
    const file = await makeFile(sender.page, `Til en på holdet ${TEAM_NAME}`);
    expect(JSON.parse(file.bytes.toString("utf8"))).toMatchObject({ mode: "team", team: "hold-handoff-test", epoch: 1 });
    await expect(sender.page.getByTestId("handoff-code")).toHaveCount(0);
    await expect(sender.page.getByTestId("handoff-send-message")).toContainText(TEAM_NAME);

    // Not on the team; on it but without the key of that epoch: refused, nothing written.
    for (const [d, words] of [
      [stranger, "låst til et hold, denne enhed ikke er med på"],
      [behind, "har ikke holdets nøgle til filen"],
    ]) {
      await give(d.page, file);
      await d.page.getByRole("button", { name: "Åbn filen" }).click();
      await expect(refusal(d.page)).toContainText(words);
      expect(await concernKeys(d.page)).toEqual([]);
    }

    const m = member.page;
    await give(m, file);
    await expect(m.getByText(`Filen er låst til holdet ${TEAM_NAME}`)).toBeVisible();
    await expect(m.getByLabel("Engangskoden fra afsenderen")).toHaveCount(0);
    await m.getByRole("button", { name: "Åbn filen" }).click();
    await expect(refusal(m)).toContainText(`Bekymringen for ${PSEUDONYM} er tilføjet`);
    expect(await concernKeys(m)).toEqual([`ssp.concern.${concern.id}`]);
    expect([sender, member, stranger, behind].flatMap((d) => d.errors)).toEqual([]);
  } finally {
    for (const d of [sender, member, stranger, behind]) await d.context.close();
  }
});
