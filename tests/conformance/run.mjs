#!/usr/bin/env node
// Conformance suite: checks a sync backend against docs/sync-protocol.md (kind `json`) or
// against what the app's CouchDB transport relies on (kind `couch`, docs/couchdb.md).
//
//   node tests/conformance/run.mjs json  <base-url> <write-token> <read-token> [<write-token-B> <read-token-B> [<organise-token>]]
//   node tests/conformance/run.mjs couch <database-url> <user> <password>
//
// The optional second pair are tokens of another space (protocol v2, "Spaces"): with them the
// json suite also checks that the two spaces are kept apart; without them it says it skipped that.
// The optional organise token (access "organise", protocol v2 "Teams and invites") turns on the
// teams rules (create, invite, join once, expiry, who may do what, public keys and key epochs);
// without it they are skipped.
// To give it without a second pair, pass "" "" for the pair.
// Prints every rule with `ok` or what the server did instead; exits 1 if any rule is broken.
const [kind, ...args] = process.argv.slice(2);
const suites = { json: "./json.mjs", couch: "./couch.mjs" };
if (!suites[kind] || args.length < 1) {
  console.error("usage: run.mjs json <base-url> <write-token> <read-token> [<write-token-B> <read-token-B> [<organise-token>]]");
  console.error("       run.mjs couch <database-url> <user> <password>");
  process.exit(2);
}
const { run } = await import(suites[kind]);
const broken = await run(...args);
process.exit(broken === 0 ? 0 : 1);
