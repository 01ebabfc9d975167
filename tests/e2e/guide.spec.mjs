// The concern guide, walked as a teacher does. Taps are counted on the common paths.
import { test, expect, mainHeading, startWithMunicipality, expectAccessible } from "./fixtures.mjs";

/** Clicks and counts. */
function tapper(page) {
  const t = { count: 0 };
  t.tap = async (locator) => {
    await locator.click();
    t.count += 1;
  };
  return t;
}

const question = (page) => page.locator("#step-heading");
const option = (page, name) => page.getByRole("group", { name: /./ }).getByRole("button", { name, exact: true });
const check = (page, name) => page.getByRole("checkbox", { name });
const next = (page) => page.getByRole("button", { name: "Videre →" });

async function walkBullying(page, t, { shots } = {}) {
  const shot = async (name) => shots && (await page.screenshot({ path: `screenshots/guide-${name}-portrait.png`, fullPage: true }));
  await expect(question(page)).toHaveText("Er barnet i fare lige nu?");
  await shot("1-acute");
  await t.tap(page.getByRole("button", { name: "Nej", exact: true }));
  await expect(question(page)).toHaveText("Hvad har du set eller hørt?");
  await page.getByLabel("Det har jeg set eller hørt").fill("Tre elever har skubbet ham og taget hans madpakke i frikvarteret hver dag i to uger.");
  await page.getByLabel("Barnets egne ord").fill("»De siger, jeg ikke må være med.«");
  await shot("2-observation");
  await t.tap(next(page));
  await expect(question(page)).toHaveText("Hvad handler bekymringen om?");
  await t.tap(check(page, "Mobning"));
  await shot("3-topics");
  await t.tap(next(page));
  await expect(question(page)).toHaveText("Hvor længe har du været bekymret?");
  await shot("4-duration");
  await t.tap(page.getByRole("button", { name: "Nogle uger" }));
  await expect(question(page)).toContainText("Hvor meget påvirker det");
  await shot("5-impact");
  await t.tap(page.getByRole("button", { name: "Tydeligt" }));
  await expect(question(page)).toHaveText("Har du grund til at antage, at et af disse gælder?");
  // No colour verdict before the question is answered.
  await expect(page.locator(".level-box")).toHaveCount(0);
  await shot("6-duty");
  await t.tap(check(page, "Ingen af disse"));
  await t.tap(next(page));
  await expect(question(page)).toHaveText("Sådan skal I gøre – i denne rækkefølge");
  await shot("7-involve");
  await t.tap(next(page));
  await expect(page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" })).toBeVisible();
}

test("(a) acute danger → call 112 first; danger from home → no parent contact, the warning first", async ({ page }) => {
  await startWithMunicipality(page, "Køge Kommune");
  await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
  await page.getByRole("button", { name: "Ja, lige nu" }).click();
  await expect(question(page)).toHaveText("Kommer faren fra barnets hjem – eller tør barnet ikke gå hjem?");
  await expect(page.locator(".step-hint")).toContainText("ringet 112");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Ja", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Ring 112 nu" })).toBeVisible();
  const first = page.locator(".plan__step").first();
  await expect(first).toContainText("Ring 112 nu");
  await expect(page.locator(".legal-list")).toContainText("114");
  await expect(page.locator(".legal-list")).toContainText("døgnvagt");
  await expect(page.locator(".duty")).toContainText("Underretningspligten gælder");
  // The warning is the first thing on the outcome, and no step contacts the parents.
  const firstBox = page.locator(".outcome > :is(section, p, div):not(.print-only)").first();
  await expect(firstBox).toHaveClass(/stop-box/);
  await expect(firstBox).toContainText("Kontakt ikke forældrene");
  await expect(page.locator(".plan")).not.toContainText("Tal med forældrene");
  await expect(page.locator(".plan")).not.toContainText("Aftal, hvem der taler med forældrene");
  await expectAccessible(page);
});

test("(b) bullying, yellow, Halsnæs → step 2 with the bullying action plan and the door; the draft survives reload", async ({ page }) => {
  await startWithMunicipality(page, "Halsnæs Kommune");
  const t = tapper(page);
  await t.tap(page.getByRole("link", { name: /Jeg er bekymret for et barn/ }));
  await walkBullying(page, t);
  console.log(`taps to the outcome (bullying, yellow): ${t.count}`);
  expect(t.count).toBeLessThanOrEqual(12);

  await expect(page.locator(".level-box")).toContainText("Gul");
  await expect(page.getByRole("heading", { level: 3, name: /trin 2/ })).toBeVisible();
  await expect(page.locator(".outcome")).toContainText("Mobning – indsats/handleplan");
  await expect(page.locator(".plan")).toContainText("Din nærmeste leder");
  await expect(page.locator(".plan")).toContainText("forældrene");
  // The leader is Halsnæs' door: named mid-sentence in lower case, and not told twice.
  await expect(page.locator(".plan")).toContainText("Drøft bekymringen med din nærmeste leder");
  await expect(page.locator(".plan")).not.toContainText("Fortæl din leder");
  await expect(page.locator(".duty")).toContainText("gælder underretningspligten ikke");

  await page.reload();
  await expect(page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" })).toBeVisible();
  await expect(page.locator(".outcome")).toContainText("Mobning – indsats/handleplan");

  // Save: a full name is refused; initials are kept; the concern is in the list after reload.
  await page.getByLabel("Barnets initialer eller et pseudonym").fill("Anna Jensen");
  await page.getByRole("button", { name: "Gem bekymringen" }).click();
  await expect(page.getByRole("alert")).toContainText("ligner et fuldt navn");
  await page.getByLabel("Barnets initialer eller et pseudonym").fill("AJ");
  await page.getByLabel("Skole og klasse (valgfrit)").fill("Skole A, 6.b");
  await page.getByRole("button", { name: "Gem bekymringen" }).click();
  await expect(mainHeading(page)).toContainText("AJ");
  await expect(page.locator(".action-plan")).toContainText("Din nærmeste leder");
  const stored = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(stored.filter((k) => k.startsWith("ssp.concern."))).toHaveLength(1);
  expect(stored).toContain("ssp.concerns.index");
  expect(stored).not.toContain("ssp.draft.concern");

  await page.reload();
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Bekymringer", exact: true }).click();
  const row = page.getByRole("link", { name: /AJ/ });
  await expect(row).toContainText("Skole A, 6.b");
  await expect(row).toContainText("Mobning");
  await expect(row).toContainText("Gul");
  await page.screenshot({ path: "screenshots/concerns-list-landscape.png" });
  await row.click();
  await expect(page.locator(".action-plan")).toBeVisible();
  await page.screenshot({ path: "screenshots/concern-detail-landscape.png", fullPage: true });

  // Action plan: mark an item done; add one; close with a reason; the history records it.
  // Ticked with the keyboard: the item is saved and the history gains its line, and the focus
  // stays on the checkbox (the page is not drawn again, only the item).
  const agree = page.getByRole("checkbox", { name: "Aftal, hvem der giver de involverede fagpersoner besked om det videre forløb." });
  await agree.focus();
  await page.keyboard.press("Space");
  await expect(agree).toBeChecked();
  await expect(page.locator(".history")).toContainText("Udført: Aftal, hvem der giver");
  await expect(agree).toBeFocused();
  await page.getByLabel("Hvad", { exact: true }).fill("Ring til far, cpr 150590-4321");
  await page.getByLabel("Hvem (rolle)").fill("Klasselærer");
  await page.getByLabel("Senest").fill("2026-12-10");
  await page.getByRole("button", { name: "Tilføj punkt" }).click();
  await expect(page.getByRole("alert")).toContainText("150590-4321");
  await expect(page.locator(".action-plan")).not.toContainText("Ring til far");
  await page.getByLabel("Hvad", { exact: true }).fill("Møde med forældrene");
  await page.getByLabel("Hvem (rolle)").fill("Klasselærer");
  await page.getByLabel("Senest").fill("2026-12-10");
  await page.getByRole("button", { name: "Tilføj punkt" }).click();
  await expect(page.locator(".action-plan")).toContainText("Møde med forældrene");
  await page.getByRole("button", { name: "Ret initialer og klasse" }).click();
  await page.getByLabel("Barnets initialer eller et pseudonym").fill("Peter Hansen");
  await page.getByRole("button", { name: "Gem ændringer" }).click();
  await expect(page.getByRole("alert")).toContainText("ligner et fuldt navn");
  // Typed key by key, as on a tablet: the field keeps focus between keystrokes.
  await page.getByLabel("Barnets initialer eller et pseudonym").fill("");
  await page.getByLabel("Barnets initialer eller et pseudonym").pressSequentially("PH");
  await expect(page.getByLabel("Barnets initialer eller et pseudonym")).toHaveValue("PH");
  await page.getByRole("button", { name: "Gem ændringer" }).click();
  await expect(mainHeading(page)).toContainText("PH");
  await expect(page.locator(".history")).toContainText("Oplysninger rettet");
  await page.getByLabel("Flyt opfølgningen").fill("2026-12-18");
  await expect(page.locator(".history")).toContainText("Opfølgning flyttet til: 18.12.2026");
  await page.getByRole("button", { name: "Luk bekymringen" }).click();
  await expect(page.getByRole("alert")).toContainText("Skriv en grund");
  await page.getByLabel("Hvorfor lukkes den?").fill("Mobningen er stoppet");
  await page.getByRole("button", { name: "Luk bekymringen" }).click();
  await expect(page.locator(".badge")).toContainText("Lukket: Mobningen er stoppet");
  await page.reload();
  await expect(page.locator(".history")).toContainText("Lukket: Mobningen er stoppet");
  await expect(page.locator(".history")).toContainText("Udført: Aftal, hvem der giver de involverede fagpersoner besked");
  await expect(page.getByRole("checkbox", { name: "Aftal, hvem der giver de involverede fagpersoner besked om det videre forløb." })).toBeChecked();

  // Delete asks first.
  await page.getByRole("button", { name: "Slet bekymringen" }).click();
  await page.getByRole("button", { name: "Ja, slet" }).click();
  await expect(mainHeading(page)).toHaveText("Gemte bekymringer");
  await expect(page.getByText("Der er ingen gemte bekymringer")).toBeVisible();
});

test("(c) sexual abuse picked, no duty ground ticked, someone in the home → no parent contact, the warning first, the municipality today", async ({ page }) => {
  await startWithMunicipality(page, "Silkeborg Kommune");
  await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("Hun fortalte, at mors kæreste rører hende, når moren er på arbejde.");
  await page.getByLabel("Hvornår og hvor?").fill("Mandag kl. 10, i klasselokalet");
  await next(page).click();
  await check(page, "Seksuelle overgreb").click();
  await next(page).click();
  await page.getByRole("button", { name: "Det er første gang" }).click();
  await page.getByRole("button", { name: "Lidt" }).click();
  // The topic already means ground (4): shown ticked, with why, and it cannot be unticked.
  const abuse = check(page, "Barnet har været udsat for vold eller overgreb");
  await expect(abuse).toBeChecked();
  await expect(abuse).toBeDisabled();
  await expect(page.locator(".check--implied")).toContainText("Gælder allerede ud fra dine svar");
  await expect(page.locator(".check--implied")).toContainText("seksuelle overgreb");
  await expectAccessible(page);
  // The teacher is unsure and ticks nothing else.
  await check(page, "Ingen andre af disse").click();
  await next(page).click();
  await expect(question(page)).toHaveText("Hvem går mistanken på?");
  await expectAccessible(page);
  await page.getByRole("button", { name: "En anden i familien eller i hjemmet, fx en forælders kæreste" }).click();
  await next(page).click();

  await expect(page.locator(".level-box")).toContainText("Rød");
  await expect(page.locator(".duty")).toContainText("Underretningspligten gælder");
  // The warning box opens the outcome, before the level.
  const firstBox = page.locator(".outcome > :is(section, p, div):not(.print-only)").first();
  await expect(firstBox).toHaveClass(/stop-box/);
  await expect(firstBox).toContainText("Kontakt ikke forældrene");
  const steps = page.locator(".plan__step");
  await expect(steps.nth(0)).toContainText("Kontakt ikke forældrene, før kommunen er underrettet");
  await expect(steps.nth(1)).toContainText("Kontakt kommunens børne- og familieafdeling i dag");
  await expect(steps.nth(1)).toContainText("Spørg ikke barnet mere ud");
  await expect(page.locator(".plan")).toContainText("videresend");
  await expect(page.locator(".plan")).toContainText("Barnets Lov § 133");
  await expect(page.locator(".plan")).not.toContainText("Tal med forældrene");
  await expect(page.locator(".plan")).not.toContainText("Aftal, hvem der taler med forældrene");
  await expect(page.locator(".legal-list")).toContainText("Ikke bekræftet i en kilde");
  await expect(page.locator(".legal-list")).toContainText("Praksis, ikke lov");
  await expectAccessible(page);

  // On paper too, the warning comes first.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".stop-box")).toBeVisible();
  await page.emulateMedia({ media: "screen" });

  // Changing the topics drops the question about who is suspected, and says so.
  await page.getByRole("button", { name: "Ret – Hvad handler bekymringen om?" }).click();
  await check(page, "Seksuelle overgreb").click();
  await check(page, "Fravær").click();
  await next(page).click();
  await expect(page.getByRole("status")).toContainText("Hvem går mistanken på?");
});

test("a fight in the schoolyard → the school's matter, no police step", async ({ page }) => {
  await startWithMunicipality(page, "Holbæk Kommune");
  await page.getByRole("link", { name: /Hvad skal jeg gøre\?/ }).click();
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("To elever fra 7.a sloges i frikvarteret om en fodbold.");
  await next(page).click();
  await check(page, "Vold").click();
  await next(page).click();
  await expect(question(page)).toHaveText("Hvad handler volden om?");
  await expectAccessible(page);
  await check(page, "En slåskamp eller konflikt mellem elever").click();
  await next(page).click();
  await page.getByRole("button", { name: "Det er første gang" }).click();
  await page.getByRole("button", { name: "Lidt" }).click();
  await check(page, "Ingen af disse").click();
  await next(page).click();
  await next(page).click();
  await expect(page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" })).toBeVisible();
  await expect(page.locator(".plan")).toContainText("skolens egen sag");
  // Nobody in the plan is the police (Holbæk's is "Lokalpolitiet"), and 112 is not called.
  const who = await page.locator(".plan__who").allTextContents();
  expect(who.length).toBeGreaterThan(2);
  expect(who.filter((w) => /politi|112/i.test(w))).toEqual([]);
  await expect(page.locator(".duty")).toContainText("gælder underretningspligten ikke");
  await expectAccessible(page);
});

test("(d) Hvad skal jeg gøre? gives the advice and stores nothing", async ({ page }) => {
  await startWithMunicipality(page, "Viborg Kommune");
  const before = await page.evaluate(() => Object.keys(localStorage).sort());
  const t = tapper(page);
  await t.tap(page.getByRole("link", { name: /Hvad skal jeg gøre\?/ }));
  await expect(mainHeading(page)).toHaveText("Hvad skal jeg gøre?");
  await walkBullying(page, t);
  console.log(`taps to the outcome (guide mode): ${t.count}`);
  await expect(page.locator(".plan")).toContainText("SSP-konsulenterne");
  // A look at the staircase and back keeps the answers (in memory only).
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Indsatstrappen" }).click();
  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Vejledning" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Det skal du gøre nu" })).toBeVisible();
  const after = await page.evaluate(() => ({ keys: Object.keys(localStorage).sort(), session: Object.keys(sessionStorage) }));
  expect(after.keys).toEqual(before);
  expect(after.session).toEqual([]);
  const everything = await page.evaluate(() => JSON.stringify(localStorage));
  expect(everything).not.toContain("madpakke");
});

test("an empty observation says what is missing; a CPR number is warned about and can be removed", async ({ page }) => {
  await startWithMunicipality(page);
  await page.goto("/guide");
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await next(page).click();
  await expect(page.getByRole("alert")).toContainText("Skriv, hvad du har set eller hørt");
  await expect(question(page)).toHaveText("Hvad har du set eller hørt?");
  const field = page.getByLabel("Det har jeg set eller hørt");
  await field.pressSequentially("Han sagde sit nummer 010203-1234 højt i klassen.");
  await expect(field).toHaveValue("Han sagde sit nummer 010203-1234 højt i klassen.");
  await expect(page.getByRole("alert")).toContainText("ligner et CPR-nummer");
  await page.getByRole("button", { name: "Fjern CPR-nummeret" }).click();
  await expect(field).toHaveValue("Han sagde sit nummer [CPR fjernet] højt i klassen.");
  await expect(page.getByText("ligner et CPR-nummer")).toHaveCount(0);
});

test("back and start over (which asks first)", async ({ page }) => {
  await startWithMunicipality(page);
  await page.goto("/guide");
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("Fravær hver mandag.");
  await next(page).click();
  await page.getByRole("button", { name: "← Tilbage" }).click();
  await expect(page.getByLabel("Det har jeg set eller hørt")).toHaveValue("Fravær hver mandag.");
  await page.getByRole("button", { name: "Start forfra" }).click();
  await page.getByRole("button", { name: "Nej, fortsæt" }).click();
  await expect(page.getByLabel("Det har jeg set eller hørt")).toHaveValue("Fravær hver mandag.");
  await page.getByRole("button", { name: "Start forfra" }).click();
  await page.getByRole("button", { name: "Ja, start forfra" }).click();
  await expect(question(page)).toHaveText("Er barnet i fare lige nu?");
});

test.describe("768×1024", () => {
  test.use({ viewport: { width: 768, height: 1024 } });
  test("screenshots of every step, the outcome and the print view", async ({ page }) => {
    await startWithMunicipality(page, "Halsnæs Kommune");
    await page.getByRole("link", { name: /Jeg er bekymret for et barn/ }).click();
    await walkBullying(page, tapper(page), { shots: true });
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: "screenshots/guide-8-outcome-portrait.png", fullPage: true });
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("navigation")).toBeHidden();
    await expect(page.getByRole("button", { name: "Udskriv" })).toBeHidden();
    await page.screenshot({ path: "screenshots/guide-9-print-portrait.png", fullPage: true });
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.length).toBeGreaterThan(1000);
  });
});
