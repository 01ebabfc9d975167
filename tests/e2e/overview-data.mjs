// Seed data for the overview: the two concerns of tests/fixtures/concerns-v1.json plus a third
// (tests/fixtures/concern-extra-v1.json: another class, topic, level and month; closed), as one
// schema-1 document, and a fixed "today" so that what is overdue never depends on the day the
// tests run. All fictional; pseudonyms only.
import { readFileSync } from "node:fs";

export const TODAY = new Date("2026-12-01T10:00:00Z");

const v1 = JSON.parse(readFileSync("tests/fixtures/concerns-v1.json", "utf8"));
const extra = JSON.parse(readFileSync("tests/fixtures/concern-extra-v1.json", "utf8"));
v1.data.push(extra);

/** Everything that must never leave the device in the CSV: pseudonyms, classes, ids, texts. */
export const SECRETS = v1.data.flatMap((c) => [
  c.id,
  c.child,
  ...(c.school_class ? [c.school_class, ...c.school_class.split(", ")] : []),
  c.answers.observation.text.observed,
  ...c.action_plan.map((a) => a.what),
  ...(c.close_reason ? [c.close_reason] : []),
]);

export const SETTINGS = JSON.stringify({ schema: 1, data: { lang: "da", municipality: "halsnaes", my_role: "SSP-konsulent" } });
export const WITH_CONCERNS = { "ssp.settings": SETTINGS, "ssp.concerns": JSON.stringify(v1) };
export const WITHOUT_CONCERNS = { "ssp.settings": SETTINGS };
