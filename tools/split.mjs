// trunk post_build hook, before pwa/build.mjs: puts the wasm chunks that tools/bin/wasm-bindgen
// split off (target/wasm-split/) into the staged build, each optimised with wasm-opt -Oz as
// trunk does the main module, names them and their loader (__wasm_split.js) with a hash of
// their content, points the loader at the glue JS under the name trunk gave it, and the glue at
// the loader. Fails the build when the glue needs the
// loader but this build made none: trunk was run without tools/bin first on PATH.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) throw new Error("tools/split.mjs runs as trunk's post_build hook (TRUNK_STAGING_DIR)");
const split = join(process.env.CARGO_TARGET_DIR || join(process.env.TRUNK_SOURCE_DIR || ".", "target"), "wasm-split");
const LOADER = "__wasm_split.js";

const glue = readdirSync(stage).filter((f) => /^ssp-handleguide-[0-9a-f]+\.js$/.test(f));
if (glue.length !== 1) throw new Error(`tools/split.mjs: expected one glue JS in the build, found ${glue.join(", ") || "none"}`);
// Split or not, an app with lazy pages imports from the loader: from "__wasm_split_placeholder__"
// when nothing replaced the name, which no browser can load.
const needsLoader = readFileSync(join(stage, glue[0]), "utf8").includes("__wasm_split");
if (!existsSync(join(split, LOADER))) {
  if (needsLoader) {
    throw new Error(
      "tools/split.mjs: the app imports its chunk loader, but this build split nothing: run trunk with tools/bin first on PATH (bash scripts/serve, scripts/test and scripts/bench do)",
    );
  }
  process.exit(0);
}
let loader = readFileSync(join(split, LOADER), "utf8");
const mainImport = '"./ssp-handleguide.js"';
if (!loader.includes(mainImport)) throw new Error(`tools/split.mjs: ${LOADER} does not import ${mainImport}`);
loader = loader.replaceAll(mainImport, `"./${glue[0]}"`);
// A chunk that index.html began to compile while the page loaded (a deep link: see
// `compileChunksEarly` in pwa/build.mjs) is taken from there, once; else it is fetched and
// compiled here, when first needed, as the split tool's loader does. The loader asked for the
// chunk only from the app's start, and its bytes then waited for the main thread until the app
// had mounted (issue 15).
const fetcher = /const src = fetch\(new URL\(("\.\/[^"]+\.wasm"), import\.meta\.url\)\);\s*src\.catch\(\(\) => \{\}\);\s*return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);/g;
const fetchers = loader.match(fetcher) || [];
if (fetchers.length === 0 || fetchers.length !== (loader.match(/instantiateStreaming/g) || []).length) {
  throw new Error(`tools/split.mjs: ${LOADER} does not fetch its chunks as expected; see the early compile`);
}
loader = loader.replace(fetcher, "const compiled = compiledChunk($1);\n    return async (imports) => WebAssembly.instantiate(await compiled, imports);");
loader += `
function compiledChunk(path) {
    const url = new URL(path, import.meta.url);
    const early = globalThis.__wasmChunks;
    const begun = early && early[url.pathname];
    if (begun) delete early[url.pathname];
    const compiled = begun || WebAssembly.compileStreaming(fetch(url));
    compiled.catch(() => {});
    return compiled;
}
`;
// Every name carries a hash of its content, as trunk's own files do: a page of an older release
// must never load a chunk of a newer one (their functions would not match), and the server may
// then cache them for a year (docs/hosting.md).
const hashed = (stem, ext, bytes) => `${stem}-${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}${ext}`;
const chunks = readdirSync(split).filter((f) => f.endsWith(".wasm") && f !== "ssp-handleguide.wasm");
for (const f of chunks) {
  const tmp = join(split, `opt-${f}`);
  execFileSync("wasm-opt", ["-Oz", join(split, f), "-o", tmp], { stdio: "inherit" });
  const bytes = readFileSync(tmp);
  const name = hashed(f.slice(0, -".wasm".length), ".wasm", bytes);
  const ref = `"./${f}"`;
  if (!loader.includes(ref)) throw new Error(`tools/split.mjs: ${LOADER} does not load ${f}`);
  loader = loader.replaceAll(ref, `"./${name}"`);
  writeFileSync(join(stage, name), bytes);
}
const loaderName = hashed("__wasm_split", ".js", loader);
writeFileSync(join(stage, loaderName), loader);
const gluePath = join(stage, glue[0]);
const glueText = readFileSync(gluePath, "utf8");
// Only the import statements: the same string is also the name of the wasm module's import
// namespace, which stays.
const importStatement = new RegExp(`(\\bfrom\\s*)"\\./${LOADER.replaceAll(".", "\\.")}"`, "g");
if (!importStatement.test(glueText)) throw new Error(`tools/split.mjs: ${glue[0]} does not import ./${LOADER}`);
// pwa/build.mjs minifies the glue next and writes its integrity into index.html from the result.
writeFileSync(gluePath, glueText.replace(importStatement, `$1"./${loaderName}"`));
// Consumed: a later build that splits nothing must not find these.
rmSync(split, { recursive: true, force: true });
console.log(`split: ${chunks.length} wasm chunks and their loader ${loaderName} staged`);
