#!/usr/bin/env node
// Conformance suite: checks a sync backend against docs/sync-protocol.md (kind `json`),
// against what the app's CouchDB transport relies on (kind `couch`, docs/couchdb.md), or
// against what its teams on CouchDB rely on (kind `couch-teams`, docs/couchdb.md "Teams on
// CouchDB"; with a server administrator's login, as a team is made with one).
//
//   node tests/conformance/run.mjs json  <base-url> <write-token> <read-token> [<write-token-B> <read-token-B> [<organise-token>]]
//   node tests/conformance/run.mjs couch <database-url> <user> <password>
//   node tests/conformance/run.mjs couch-teams <server-url> <admin-user> <admin-password>
//
// The optional second pair are tokens of another space (protocol v2, "Spaces"): with them the
// json suite also checks that the two spaces are kept apart; without them it says it skipped that.
// The optional organise token (access "organise", protocol v2 "Teams and invites") turns on the
// teams rules (create, invite, join once, expiry, who may do what, public keys and key epochs);
// without it they are skipped.
// To give it without a second pair, pass "" "" for the pair.
// couch-teams makes its own database and users on the server and deletes them at the end;
// COUCH_ORIGIN is the app's origin for its CORS rule (as for couch).
// Prints every rule with `ok` or what the server did instead; exits 1 if any rule is broken.
const [kind, ...args] = process.argv.slice(2);
const suites = { json: "./json.mjs", couch: "./couch.mjs", "couch-teams": "./couch-teams.mjs" };
if (!suites[kind] || args.length < 1 || (kind === "couch-teams" && args.length < 3)) {
  console.error("usage: run.mjs json <base-url> <write-token> <read-token> [<write-token-B> <read-token-B> [<organise-token>]]");
  console.error("       run.mjs couch <database-url> <user> <password>");
  console.error("       run.mjs couch-teams <server-url> <admin-user> <admin-password>");
  process.exit(2);
}
const { run } = await import(suites[kind]);
const broken =
  kind === "couch-teams"
    ? await run(args[0], args[1], args[2], { origin: process.env.COUCH_ORIGIN })
    : await run(...args);
process.exit(broken === 0 ? 0 : 1);
