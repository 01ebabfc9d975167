// trunk post_build hook, after tools/split.mjs and before pwa/build.mjs (which then precaches
// them): writes the English text table that build.rs made (data/texts-en-<hash>.json, see
// englishFile) and the built-in municipality profiles into the build as data/profiles-<hash>.jsonl,
// the file the app fetches instead of carrying them in its main wasm module (whose data is all
// on the first screen; issue 15, src/domain/profile/mod.rs). The minifying (whitespace outside
// strings removed, nothing else), the order and the hash (FNV-1a 64 of the text, 16 hex
// digits) are build.rs's; the build fails when the main module does not name the file as
// written here.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** JSON without whitespace outside strings (build.rs `minify`, character for character). */
export function minify(json) {
  let out = "";
  let inString = false;
  let escaped = false;
  for (const c of json) {
    if (inString) {
      out += c;
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!" \t\n\r\f".includes(c)) {
      out += c;
    }
  }
  return out;
}

/** FNV-1a, 64 bits, of the bytes, as 16 hex digits (build.rs `fnv1a64`). */
export function fnv1a64(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

/** The built-in profiles as the build serves them: one file, the minified texts one per line
 * in the order of their file names (build.rs `FILES`), named by the hash of the whole. */
export function profilesFile(root) {
  const dir = join(root, "data", "profiles");
  const text = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => minify(readFileSync(join(dir, f), "utf8")))
    .join("\n");
  return { path: `data/profiles-${fnv1a64(Buffer.from(text, "utf8"))}.jsonl`, text };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stage = process.env.TRUNK_STAGING_DIR;
  if (!stage) throw new Error("tools/data-files.mjs runs as trunk's post_build hook (TRUNK_STAGING_DIR)");
  const root = process.env.TRUNK_SOURCE_DIR || ".";
  const main = readdirSync(stage).filter((f) => /^ssp-handleguide-[0-9a-f]+_bg\.wasm$/.test(f));
  if (main.length !== 1) throw new Error(`tools/data-files.mjs: expected one main wasm in the build, found ${main.join(", ") || "none"}`);
  const wasm = readFileSync(join(stage, main[0]));
  const { path, text } = profilesFile(root);
  if (!wasm.includes(Buffer.from(`/${path}`))) {
    throw new Error(`tools/data-files.mjs: the app does not name /${path} (build.rs and this script minify, order or hash differently)`);
  }
  mkdirSync(join(stage, "data"), { recursive: true });
  writeFileSync(join(stage, path), text);

  // The English text table: build.rs wrote it into its OUT_DIR (a JSON array of the texts in
  // the order of the table's fields) and named it in the app by its hash. Of the copies in the
  // target directory (one per build script output directory), the one the app names goes in.
  const target = process.env.CARGO_TARGET_DIR || join(root, "target");
  const english = englishFile(target, wasm);
  writeFileSync(join(stage, english.path), english.text);
}

/** The English texts file the main module names (`/data/texts-en-<hash>.json`), found among
 * build.rs's outputs under `target`. */
export function englishFile(target, wasm) {
  const found = [];
  for (const profile of readdirSync(target, { withFileTypes: true })) {
    if (!profile.isDirectory()) continue;
    for (const sub of [join(target, profile.name, "build"), join(target, profile.name, "release", "build")]) {
      let dirs = [];
      try {
        dirs = readdirSync(sub).filter((d) => d.startsWith("ssp-handleguide-"));
      } catch {
        continue;
      }
      for (const d of dirs) {
        try {
          const text = readFileSync(join(sub, d, "out", "data", "texts-en.json"), "utf8");
          const path = `data/texts-en-${fnv1a64(Buffer.from(text, "utf8"))}.json`;
          if (wasm.includes(Buffer.from(`/${path}`))) return { path, text };
          found.push(path);
        } catch {
          // not a build script's output directory with the file
        }
      }
    }
  }
  throw new Error(
    `tools/data-files.mjs: no English texts file under ${target} is the one the app names (found: ${found.join(", ") || "none"})`,
  );
}
