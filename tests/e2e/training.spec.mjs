// Training mode: the banner on every screen, the fictional cases, two cases walked through the
// guide with their answer key, a training concern saved apart from the real ones, "Stor
// tekst", "Nulstil", and leaving → the real concerns and every real key are exactly as before.
import { readFileSync } from "node:fs";
import { test, expect, expectAccessible, mainHeading, nav, NAV_DA, seedStorage } from "./fixtures.mjs";

const V1 = readFileSync("tests/fixtures/concerns-v1.json", "utf8");
const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "Lærer" } });
const TRAINING = JSON.parse(readFileSync("data/training.json", "utf8"));

const banner = (page) => page.getByRole("region", { name: "Undervisning" });
// Every real key except the settings (the role chosen when saving is a preference, not data).
const realKeys = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      Object.entries(localStorage).filter(([k]) => !k.startsWith("ssp.training.") && k !== "ssp.settings"),
    ),
  );
const trainingKeys = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ssp.training.")).sort());
const card = (page, title) => page.locator(".training-case").filter({ hasText: title });
const next = (page) => page.getByRole("button", { name: "Videre →" });
const check = (page, name) => page.getByRole("checkbox", { name });

test("two training cases walked, reset, leave → the real concerns are unchanged", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/concerns");
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  const before = await realKeys(page);
  expect(Object.keys(before).filter((k) => k.startsWith("ssp.concern."))).toHaveLength(2);

  await nav(page).getByRole("link", { name: "Undervisning" }).click();
  await expect(mainHeading(page)).toHaveText("Undervisning");
  await expect(banner(page)).toHaveCount(0);
  await page.getByRole("button", { name: "Start undervisning" }).click();
  await expect(banner(page)).toContainText("Undervisningstilstand – fiktive cases.");
  await expect(page.getByText(TRAINING.fiction_notice.da)).toBeVisible();
  await expect(page.locator(".training-case")).toHaveCount(TRAINING.cases.length);
  await expectAccessible(page, "the training cases");

  // The banner is on every screen, and the real concerns are not shown during training.
  for (const item of NAV_DA) {
    await nav(page).getByRole("link", { name: item.link, exact: true }).click();
    await expect(mainHeading(page)).toHaveText(item.heading);
    await expect(banner(page)).toBeVisible();
  }
  await expect(page.getByRole("link", { name: /AB/ })).toHaveCount(0);

  // Case 1, with the answer key filled in: the outcome, the key and the discussion points.
  await nav(page).getByRole("link", { name: "Undervisning" }).click();
  const ida = TRAINING.cases.find((c) => c.id === "trivsel-groen");
  await card(page, ida.title.da).getByRole("button", { name: "Vis facit" }).click();
  await expect(page.getByRole("complementary")).toContainText(ida.story.da);
  const key = page.getByRole("region", { name: "Facit og drøftelse" });
  await expect(key).toContainText("Jeres svar giver det forventede udfald.");
  await expect(key.getByRole("row", { name: /Niveau/ })).toContainText("Grøn");
  await expect(key).toContainText(ida.discussion[0].da);
  await expectAccessible(page, "a training case's answer key");
  await expect(page.getByText("bekymringen gemmes kun i undervisningen")).toBeVisible();
  await page.getByLabel("Barnets initialer eller et pseudonym").fill("Ida");
  await page.getByRole("button", { name: "Gem bekymringen" }).click();
  await expect(mainHeading(page)).toContainText("Ida");

  // Case 2, answered by hand as the staff would, then one answer changed on purpose.
  await nav(page).getByRole("link", { name: "Undervisning" }).click();
  const lea = TRAINING.cases.find((c) => c.id === "seksuelle-overgreb-roed");
  await card(page, lea.title.da).getByRole("button", { name: "Gå casen igennem i guiden" }).click();
  await expect(page.getByRole("complementary")).toContainText("Lea");
  await page.getByRole("button", { name: "Nej", exact: true }).click();
  await page.getByLabel("Det har jeg set eller hørt").fill("Lea har tegnet tegninger med seksuelt indhold og virkede bange (fiktivt).");
  await next(page).click();
  await check(page, "Seksuelle overgreb").click();
  await next(page).click();
  await page.getByRole("button", { name: "Det er første gang" }).click();
  await page.getByRole("button", { name: "Tydeligt" }).click();
  // The topic already means abuse: the ground is ticked and locked, nothing else is needed.
  await expect(check(page, "Barnet har været udsat for vold eller overgreb")).toBeDisabled();
  await next(page).click();
  await page.getByRole("button", { name: "En anden i familien eller i hjemmet, fx en forælders kæreste" }).click();
  await next(page).click();
  await expect(key).toContainText("Jeres svar giver det forventede udfald.");
  await expect(key.getByRole("row", { name: /Forældrene må ikke kontaktes først/ })).toContainText("Ja");
  await expect(key).toContainText(lea.discussion[0].da);
  for (const [width, height] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `screenshots/training-case-outcome-${width}x${height}.png` });
  }

  // Only training's namespace was written; the real keys are byte for byte as before.
  expect(await realKeys(page)).toEqual(before);
  const written = await trainingKeys(page);
  expect(written.some((k) => k.startsWith("ssp.training.concern."))).toBe(true);
  await nav(page).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /Ida/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /AB/ })).toHaveCount(0);

  // "Stor tekst" for the projector.
  await banner(page).getByRole("button", { name: "Stor tekst" }).click();
  await expect(banner(page).getByRole("button", { name: "Stor tekst" })).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe("20px");
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: "screenshots/training-banner-large-1024x768.png" });
  await banner(page).getByRole("button", { name: "Stor tekst" }).click();

  // "Nulstil" in one tap: the training concern is gone, training stays on.
  await banner(page).getByRole("button", { name: "Nulstil" }).click();
  await expect(mainHeading(page)).toHaveText("Undervisning");
  expect(await trainingKeys(page)).toEqual(["ssp.training.on"]);
  await nav(page).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /Ida/ })).toHaveCount(0);

  // Leaving returns to the real data, untouched.
  await banner(page).getByRole("button", { name: "Afslut undervisning" }).click();
  await expect(banner(page)).toHaveCount(0);
  expect(await trainingKeys(page)).toEqual([]);
  await nav(page).getByRole("link", { name: "Bekymringer", exact: true }).click();
  await expect(page.getByRole("link", { name: /AB/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Elev K/ })).toBeVisible();
  expect(await realKeys(page)).toEqual(before);
});

test("training mode survives a reload, so real concerns never appear on the projector", async ({ page }) => {
  await seedStorage(page, { "ssp.settings": SETTINGS, "ssp.concerns": V1 });
  await page.goto("/training");
  await page.getByRole("button", { name: "Start undervisning" }).click();
  await expect(banner(page)).toBeVisible();
  await page.goto("/concerns");
  await expect(banner(page)).toBeVisible();
  await expect(mainHeading(page)).toHaveText("Gemte bekymringer");
  await expect(page.getByRole("link", { name: /AB/ })).toHaveCount(0);
  await page.screenshot({ path: "screenshots/training-banner-1024x768.png" });
});
