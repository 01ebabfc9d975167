// Overblik: the SSP consultant's numbers from three seeded concerns — the key figures, the
// charts (by their visible numbers and by the tables screen readers get), the class and period
// filters, the numbers-only CSV, and the empty state. Reached by clicking, as a person would.
import { readFileSync } from "node:fs";
import { test, expect, expectAccessible, mainHeading, seedStorage } from "./fixtures.mjs";
import { TODAY, SECRETS, WITH_CONCERNS, WITHOUT_CONCERNS } from "./overview-data.mjs";

const TOPICS = ["Trivsel", "Fravær", "Mobning", "Misbrug", "Vold", "Kriminalitet", "Digitale krænkelser", "Radikalisering og ekstremisme", "Seksuelle overgreb", "Omsorgssvigt"];

/** Topic counts in the file's order, from a {label: count} of the non-zero ones. */
const topics = (nonZero) => TOPICS.map((label) => [label, String(nonZero[label] ?? 0)]);

async function open(page, entries) {
  await page.clock.setFixedTime(TODAY);
  await seedStorage(page, entries);
  await page.goto("/");
  await expect(mainHeading(page)).toHaveText("Hvad har du brug for?");
  await page.getByRole("link", { name: "Overblik", exact: true }).click();
  await expect(page).toHaveURL("/overview");
  await expect(mainHeading(page)).toHaveText("Overblik");
  await expect(page).toHaveTitle("Overblik – SSP Handleguide");
}

/** The big number above `label`. */
const figure = (page, label) => page.locator(".figure").filter({ hasText: label }).locator(".figure__number");

async function expectFigures(page, [total, open, closed, followUps, items]) {
  await expect(figure(page, "Bekymringer i alt")).toHaveText(String(total));
  await expect(figure(page, "Åbne bekymringer")).toHaveText(String(open));
  await expect(figure(page, "Lukkede bekymringer")).toHaveText(String(closed));
  await expect(figure(page, "Overskredne opfølgninger")).toHaveText(String(followUps));
  await expect(figure(page, "Overskredne punkter i handleplaner")).toHaveText(String(items));
  await expect(page.getByRole("status")).toHaveText(`Viser ${total} af 3 bekymringer.`);
}

/** A chart as the eye reads it: each label (in the SVG) with the number drawn beside its bar. */
async function seen(page, chart) {
  const rows = page.locator(`.chart--${chart} svg .chart__row, .chart--${chart} svg .chart__column`);
  return rows.evaluateAll((gs) =>
    gs.map((g) => [
      (g.querySelector(".chart__label") ?? g.querySelector(".chart__month")).textContent.trim(),
      g.querySelector(".chart__count").textContent.trim(),
    ]),
  );
}

/** A chart as a screen reader gets it: the table named `name`, row by row. */
async function heard(page, name) {
  const table = page.getByRole("table", { name });
  return table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
}

/** Month labels in the strip are short: "november 2026" is drawn as "nov". */
const short = (rows) => rows.map(([label, n]) => [label.slice(0, 3), n]);

async function expectCharts(page, { topicCounts, levels, steps, months }) {
  await expect.poll(() => heard(page, "Emner")).toEqual(topics(topicCounts));
  expect(await seen(page, "topics")).toEqual(topics(topicCounts));
  await expect.poll(() => heard(page, "Bekymringsgrad")).toEqual(levels);
  expect(await seen(page, "levels")).toEqual(levels);
  await expect.poll(() => heard(page, "Trin på indsatstrappen")).toEqual(steps);
  expect(await seen(page, "staircase")).toEqual(steps);
  if (months.length === 0) {
    await expect(page.locator(".chart--months")).toContainText("Ingen bekymringer passer til det valgte filter.");
    await expect(page.getByRole("table", { name: "Nye bekymringer pr. måned" })).toHaveCount(0);
  } else {
    await expect.poll(() => heard(page, "Nye bekymringer pr. måned")).toEqual(months);
    expect(await seen(page, "months")).toEqual(short(months));
  }
}

const ALL = {
  topicCounts: { Trivsel: 1, Mobning: 2, Vold: 1 },
  levels: [["Grøn", "1"], ["Gul", "1"], ["Rød", "1"]],
  // Elev K is the victim of violence: never on the crime step (issue 13), so step 2.
  steps: [["Trin 1", "1"], ["Trin 2", "2"], ["Trin 3", "0"], ["Trin ikke kendt", "0"]],
  months: [["september 2026", "1"], ["oktober 2026", "0"], ["november 2026", "2"]],
};

test("the overview counts the saved concerns, in figures, charts and tables", async ({ page }) => {
  await open(page, WITH_CONCERNS);
  // 3 concerns, 2 open, 1 closed; Elev K's follow-up (28.11) and action item (20.11) are
  // overdue on 1.12; the closed concern's old item is not counted.
  await expectFigures(page, [3, 2, 1, 1, 1]);
  await expectCharts(page, ALL);
  // The pictures are hidden from screen readers, which get the tables instead.
  for (const chart of ["topics", "levels", "staircase", "months"]) {
    await expect(page.locator(`.chart--${chart} svg`)).toHaveAttribute("aria-hidden", "true");
  }
  await expect(page.getByRole("table", { name: "Emner" }).getByRole("row", { name: "Mobning 2" })).toHaveCount(1);
  // The level bars have the level's colour.
  const fill = (key) => page.locator(`.chart--levels [data-key="${key}"] .chart__bar`).evaluate((r) => getComputedStyle(r).fill);
  expect([await fill("green"), await fill("yellow"), await fill("red")]).toEqual(["rgb(53, 128, 0)", "rgb(254, 187, 48)", "rgb(204, 0, 0)"]);
  await expectAccessible(page, "overview with data");

  await page.getByRole("button", { name: "Skift sprog til English" }).click();
  await expect(mainHeading(page)).toHaveText("Overview");
  await expect(page.getByRole("table", { name: "Topics" }).getByRole("row", { name: "Bullying 2" })).toHaveCount(1);
  await expect(page.getByRole("status")).toHaveText("Showing 3 of 3 concerns.");
});

test("the class and period filters change every number, and reset shows all again", async ({ page }) => {
  await open(page, WITH_CONCERNS);
  const classes = page.getByLabel("Skole og klasse");
  await expect(classes.locator("option")).toHaveText(["Alle", "Skole A, 6.b", "Skole B, 8.a"]);

  await classes.selectOption("Skole A, 6.b");
  await expectFigures(page, [1, 1, 0, 0, 0]);
  await expectCharts(page, {
    topicCounts: { Mobning: 1 },
    levels: [["Grøn", "0"], ["Gul", "1"], ["Rød", "0"]],
    steps: [["Trin 1", "0"], ["Trin 2", "1"], ["Trin 3", "0"], ["Trin ikke kendt", "0"]],
    months: [["november 2026", "1"]],
  });

  await classes.selectOption("Skole B, 8.a");
  await expectFigures(page, [1, 0, 1, 0, 0]);
  await expectCharts(page, {
    topicCounts: { Trivsel: 1, Mobning: 1 },
    levels: [["Grøn", "1"], ["Gul", "0"], ["Rød", "0"]],
    steps: [["Trin 1", "1"], ["Trin 2", "0"], ["Trin 3", "0"], ["Trin ikke kendt", "0"]],
    months: [["september 2026", "1"]],
  });

  await page.getByRole("button", { name: "Nulstil filtre" }).click();
  await expect(classes).toHaveValue("");
  await expectFigures(page, [3, 2, 1, 1, 1]);
  await expectCharts(page, ALL);

  // Created from 1.11: AB (23.11) and Elev K (20.11).
  await page.getByLabel("Oprettet fra").fill("2026-11-01");
  await expectFigures(page, [2, 2, 0, 1, 1]);
  await expectCharts(page, {
    topicCounts: { Mobning: 1, Vold: 1 },
    levels: [["Grøn", "0"], ["Gul", "1"], ["Rød", "1"]],
    steps: [["Trin 1", "0"], ["Trin 2", "2"], ["Trin 3", "0"], ["Trin ikke kendt", "0"]],
    months: [["november 2026", "2"]],
  });
  // … up to and including 20.11: Elev K only.
  await page.getByLabel("Oprettet til og med").fill("2026-11-20");
  await expectFigures(page, [1, 1, 0, 1, 1]);
  await expect.poll(() => heard(page, "Bekymringsgrad")).toEqual([["Grøn", "0"], ["Gul", "0"], ["Rød", "1"]]);
  // A period that ends before it begins counts nothing, and says why.
  await page.getByLabel("Oprettet fra").fill("2026-11-21");
  await expect(page.getByText("Fra-datoen ligger efter til-datoen, så ingen bekymringer passer.")).toBeVisible();
  await expectFigures(page, [0, 0, 0, 0, 0]);
  await expectCharts(page, {
    topicCounts: {},
    levels: [["Grøn", "0"], ["Gul", "0"], ["Rød", "0"]],
    steps: [["Trin 1", "0"], ["Trin 2", "0"], ["Trin 3", "0"], ["Trin ikke kendt", "0"]],
    months: [],
  });

  await page.getByRole("button", { name: "Nulstil filtre" }).click();
  await expect(page.getByLabel("Oprettet fra")).toHaveValue("");
  await expect(page.getByLabel("Oprettet til og med")).toHaveValue("");
  await expectFigures(page, [3, 2, 1, 1, 1]);
  // Filters are not stored: nothing new in localStorage.
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(keys.filter((k) => !k.startsWith("ssp.concern"))).toEqual(["ssp.settings"]);
});

async function exportCsv(page) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Eksportér som CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("ssp-overblik-2026-12-01.csv");
  return readFileSync(await download.path(), "utf8");
}

test("the CSV holds the numbers and nothing about a child", async ({ page }) => {
  await page.clock.setFixedTime(TODAY);
  await seedStorage(page, WITH_CONCERNS);
  await page.goto("/concerns");
  await page.getByRole("link", { name: "Se overblik i tal" }).click();
  await expect(mainHeading(page)).toHaveText("Overblik");
  await expect(page.getByText("Filen indeholder kun tallene på denne side")).toBeVisible();

  const csv = await exportCsv(page);
  expect(csv.startsWith("\uFEFFsection,key,label,count\r\n"), "a UTF-8 byte order mark, then the header").toBe(true);
  const lines = csv.slice(1).trimEnd().split("\r\n");
  for (const line of [
    "summary,total,Bekymringer i alt,3",
    "summary,open,Åbne bekymringer,2",
    "summary,closed,Lukkede bekymringer,1",
    "summary,overdue_follow_ups,Overskredne opfølgninger,1",
    "summary,overdue_items,Overskredne punkter i handleplaner,1",
    "topic,mobning,Mobning,2",
    "topic,trivsel,Trivsel,1",
    "topic,vold,Vold,1",
    "topic,fravaer,Fravær,0",
    "level,green,Grøn,1",
    "level,yellow,Gul,1",
    "level,red,Rød,1",
    "staircase,1,Trin 1,1",
    "staircase,2,Trin 2,2",
    "staircase,3,Trin 3,0",
    "staircase,unknown,Trin ikke kendt,0",
    "month,2026-09,september 2026,1",
    "month,2026-10,oktober 2026,0",
    "month,2026-11,november 2026,2",
  ]) {
    expect(lines).toContain(line);
  }
  // 1 header + 5 summary + 10 topics + 3 levels + 4 steps + 3 months.
  expect(lines).toHaveLength(26);
  for (const secret of SECRETS) expect(csv, `the CSV leaks ${secret}`).not.toContain(secret);

  // With a class chosen: that class's numbers, and still not the class's name.
  await page.getByLabel("Skole og klasse").selectOption("Skole A, 6.b");
  await expect(figure(page, "Bekymringer i alt")).toHaveText("1");
  const one = await exportCsv(page);
  expect(one).toContain("summary,total,Bekymringer i alt,1\r\n");
  expect(one).toContain("topic,mobning,Mobning,1\r\n");
  for (const secret of SECRETS) expect(one, `the CSV leaks ${secret}`).not.toContain(secret);
});

test("with no concerns, the overview says so calmly and offers the way to save one", async ({ page }) => {
  await open(page, WITHOUT_CONCERNS);
  await expect(page.getByText("Der er endnu ingen gemte bekymringer på denne enhed.")).toBeVisible();
  await expect(page.locator(".figures")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Eksportér som CSV" })).toHaveCount(0);
  await expectAccessible(page, "overview, empty");
  await page.getByRole("main").getByRole("link", { name: "Jeg er bekymret for et barn" }).click();
  await expect(page).toHaveURL("/concern/new");
  await expect(mainHeading(page)).toHaveText("Jeg er bekymret for et barn");
});
