// The profile editor (issue 17), as an SSP consultant would use it: a small fictional
// municipality built from an empty profile with clicks and typing only, the live staircase
// following, the importer's checks shown until the profile is valid, the draft surviving a
// reload, and the saved profile on the profile page's list.
import { test, expect, expectAccessible, mainHeading, startWithMunicipality } from "./fixtures.mjs";

const section = (page, id) => page.locator(`#${id}`);

async function add(page, sectionId, button, name) {
  await section(page, sectionId).getByLabel("Navn på det nye punkt").fill(name);
  await section(page, sectionId).getByRole("button", { name: button }).click();
}

test("a consultant builds Testrup Kommune (fictional) from an empty profile, sees the staircase follow, reloads, and saves it", async ({ page }) => {
  await startWithMunicipality(page, "Køge Kommune");
  await page.goto("/profile");
  await page.getByRole("link", { name: "Lav eller ret en profil i formularer" }).click();
  await expect(mainHeading(page)).toHaveText("Lav en kommuneprofil");
  await expectAccessible(page, "profile editor, start");

  await page.getByLabel("Kommunens navn").fill("Testrup Kommune");
  await page.getByRole("button", { name: "Start med en tom profil" }).click();
  await expect(page.getByLabel("Navn", { exact: true })).toHaveValue("Testrup Kommune");
  // An empty profile is not valid: the importer's own checks say what is missing.
  await expect(page.locator("#problems")).toContainText("Det mangler, før profilen kan gemmes");

  // Two roles (functions, never people), with what they do in the guide.
  await add(page, "s-roles", "Tilføj rolle", "SSP-konsulent");
  const roles = section(page, "s-roles").locator("li.editor__item");
  await roles.nth(0).getByLabel("Hvad rollen gør").fill("Koordinerer SSP-samarbejdet i Testrup (fiktiv).");
  await roles.nth(0).getByRole("checkbox", { name: "SSP-konsulent" }).check();
  await add(page, "s-roles", "Tilføj rolle", "Skolens SSP-kontaktlærer");
  await roles.nth(1).getByLabel("Hvad rollen gør").fill("Skolens første kontakt til SSP (fiktiv).");
  await roles.nth(1).getByRole("checkbox", { name: "Skolens SSP-kontakt" }).check();
  // Typed key by key, the field keeps its focus and its text.
  await roles.nth(1).getByLabel("Rollens navn").fill("");
  await roles.nth(1).getByLabel("Rollens navn").pressSequentially("SSP-kontaktlærer");
  await expect(roles.nth(1).getByLabel("Rollens navn")).toHaveValue("SSP-kontaktlærer");
  await expect(roles.nth(1).getByLabel("Rollens navn")).toBeFocused();

  // The door for sparring: a role chosen from those that exist.
  await page.getByLabel("Rollen bag døren").selectOption({ label: "SSP-kontaktlærer" });
  await section(page, "s-sparring_door").getByLabel("Hvad døren er").fill("Spørg skolens SSP-kontaktlærer først (fiktiv).");

  // A staircase of three levels with their goals.
  const levels = section(page, "s-staircase").locator("li.editor__item");
  for (const [title, goal] of [
    ["Alle børn", "Trivsel og fællesskab for alle (fiktiv)."],
    ["Børn i risiko", "Tidlig indsats, når der er bekymring (fiktiv)."],
    ["Børn med særlige behov", "En koordineret handleplan (fiktiv)."],
  ]) {
    await add(page, "s-staircase", "Tilføj trin", title);
    await levels.last().getByLabel("Trinnets mål").fill(goal);
  }
  await expect(levels).toHaveCount(3);

  // Four interventions, each on a level.
  const interventions = section(page, "s-interventions").locator("li.editor__item");
  for (const [name, level] of [
    ["Trivselsundervisning", "1 Alle børn"],
    ["Forældremøde om fællesskab", "1 Alle børn"],
    ["Samtale med SSP-konsulenten", "2 Børn i risiko"],
    ["Tværfagligt møde", "3 Børn med særlige behov"],
  ]) {
    await add(page, "s-interventions", "Tilføj indsats", name);
    await interventions.last().getByRole("checkbox", { name: level }).check();
  }
  // A goal and a value in the municipality's own words.
  for (const [list, text] of [
    ["goals", "Alle børn i Testrup trives i fællesskabet (fiktiv)."],
    ["values", "Vi møder børn og forældre med respekt (fiktiv)."],
  ]) {
    await page.locator(`#new-${list}`).fill(text);
    await page.locator(`.field:has(#new-${list})`).getByRole("button", { name: "Tilføj" }).click();
  }
  await expect(section(page, "s-texts").getByLabel("Tekst")).toHaveCount(2);
  await expect(section(page, "s-texts").getByLabel("Tekst").nth(1)).toHaveValue("Vi møder børn og forældre med respekt (fiktiv).");
  // The live picture shows them.
  const preview = page.locator(".editor__preview");
  await expect(preview).toContainText("Trivselsundervisning");
  await expect(preview).toContainText("Tværfagligt møde");

  await expect(page.locator("#problems")).toHaveText("Profilen er gyldig og kan gemmes.");
  await expectAccessible(page, "profile editor, a valid draft");

  // Undo takes back the last change, redo brings it again.
  await page.getByRole("button", { name: "Fortryd" }).click();
  await expect(section(page, "s-texts").getByLabel("Tekst")).toHaveCount(1);
  await page.getByRole("button", { name: "Gentag" }).click();
  await expect(section(page, "s-texts").getByLabel("Tekst")).toHaveCount(2);
  await expect(interventions.last().getByRole("checkbox", { name: "3 Børn med særlige behov" })).toBeChecked();

  // A reload mid-edit keeps the draft.
  await page.reload();
  await expect(page.getByText("Der ligger en kladde på enheden:")).toContainText("Testrup Kommune");
  await page.getByRole("button", { name: "Fortsæt kladden" }).click();
  await expect(section(page, "s-roles").locator("li.editor__item").nth(1).getByLabel("Rollens navn")).toHaveValue("SSP-kontaktlærer");
  await expect(page.locator("#problems")).toHaveText("Profilen er gyldig og kan gemmes.");

  await page.getByRole("button", { name: "Gem profilen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profilen er gemt på enheden" })).toBeVisible();
  await page.goto("/profile");
  await expect(page.getByText("Testrup Kommune").first()).toBeVisible();
});

test("removing a role the door names asks first and lists the place", async ({ page }) => {
  await startWithMunicipality(page, "Køge Kommune");
  await page.goto("/profile/edit");
  await page.getByLabel("Kommunens navn").fill("Testrup Kommune");
  await page.getByRole("button", { name: "Start med en tom profil" }).click();
  await add(page, "s-roles", "Tilføj rolle", "SSP-konsulent");
  await page.getByLabel("Rollen bag døren").selectOption({ label: "SSP-konsulent" });
  await section(page, "s-roles").getByRole("button", { name: "Fjern" }).click();
  const alert = section(page, "s-roles").getByRole("alert");
  await expect(alert).toContainText("Den nævnes stadig disse steder");
  await expect(alert).toContainText("Døren til sparring");
  await alert.getByRole("button", { name: "Behold" }).click();
  await expect(section(page, "s-roles").locator("li.editor__item")).toHaveCount(1);
});
