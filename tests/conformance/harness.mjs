// The conformance suite's small harness: named rules, each run on its own, a line per rule
// with `ok` or what the server did instead, and an exit code that says whether any broke.
import assert from "node:assert/strict";

export { assert };

// Every report printed in this process, in order: { title, held, total, skipped } (for a runner
// that runs several suites and sums them up).
export const reports = [];

export class Suite {
  constructor(title) {
    this.title = title;
    this.results = [];
  }

  // Runs one rule. `group` is one of: ordering, idempotence, conflicts, batches, tombstones,
  // paging, auth, limits, spaces, teams (the report groups by it).
  async rule(group, name, fn) {
    try {
      await fn();
      this.results.push({ group, name, ok: true });
    } catch (e) {
      this.results.push({ group, name, ok: false, why: e && e.message ? e.message : String(e) });
    }
  }

  // Records a rule that was not run, and why (it neither holds nor breaks).
  skip(group, name, why) {
    this.results.push({ group, name, ok: true, skipped: why });
  }

  // Prints the report and returns the number of broken rules.
  report() {
    console.log(`\n${this.title}`);
    for (const r of this.results) {
      console.log(`  ${r.skipped ? "skip  " : r.ok ? "ok    " : "BROKEN"} [${r.group}] ${r.name}`);
      if (r.skipped) console.log(`         ${r.skipped}`);
      if (!r.ok) console.log(`         ${r.why.split("\n").join("\n         ")}`);
    }
    const run = this.results.filter((r) => !r.skipped);
    const broken = run.filter((r) => !r.ok).length;
    const skipped = this.results.length - run.length;
    console.log(`${run.length - broken} of ${run.length} rules hold${skipped ? ` (${skipped} skipped)` : ""}`);
    reports.push({ title: this.title, held: run.length - broken, total: run.length, skipped });
    return broken;
  }
}

// fetch with a JSON body and a parsed JSON answer (or null when the body is not JSON).
export async function call(method, url, { headers = {}, body } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

// A fresh id, so that runs against a server with earlier data do not collide.
export function freshId(prefix = "conf") {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
