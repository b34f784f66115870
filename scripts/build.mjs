// The compiled build: src/cli/main.ts and everything it imports bundled by esbuild into dist/ (one file per lazily
// loaded part), so `crux` starts without compiling TypeScript. Run by `npm install` (the prepare script), by the test
// suite's global setup, and by bin/crux.mjs itself whenever a source changed since the last build: the build is never
// stale. Plain JavaScript because it runs before anything can compile TypeScript.
//
//   node scripts/build.mjs          build now (whatever the freshness check says)
//
// dist/build.json, written last, names the entry (dist/main-<hash>.js) and lists every file the build read with its
// mtime and size as they were BEFORE the build read it; the build is fresh while all of them still match (a stat
// each, well under a millisecond in all).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const RECORD = join(DIST, 'build.json');
const ENTRY = 'src/cli/main.ts';
/** Folders whose files the build may read (esbuild's metafile says which it did). */
const SOURCES = ['src', 'commands', 'adapters'];
/** Files that change the output without being imported. */
const SETTINGS = ['package.json', 'tsconfig.json', 'scripts/build.mjs'];
/** Outputs of earlier builds are kept this long, for processes still running them that load a part later. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/** The compiled entry's file URL when dist/ matches the sources, else null. */
export function freshEntry() {
  let record;
  try {
    record = JSON.parse(readFileSync(RECORD, 'utf8'));
  } catch {
    return null;
  }
  // Plain concatenation: path.join for each of the hundred-odd files was most of this check's time.
  const root = ROOT + sep;
  for (const file in record.inputs) {
    const was = record.inputs[file];
    const now = statOf(root + file);
    if (!now || now[0] !== was[0] || now[1] !== was[1]) return null;
  }
  return pathToFileURL(join(DIST, record.entry)).href;
}

/** The compiled entry, building first if a source changed; null when it cannot be built (the caller runs the sources). */
export async function ensureBuilt() {
  const entry = freshEntry();
  if (entry) return entry;
  try {
    return await build();
  } catch (e) {
    if (process.env.CRUX_DEBUG) process.stderr.write(`crux: could not build dist/ (${e.message}); running the TypeScript sources\n`);
    return null;
  }
}

/** Builds dist/ and returns the entry's file URL. Safe to run in several processes at once: every file is written to a
 *  temporary name and renamed into place, parts before the entry, the record last. */
export async function build() {
  const before = new Map();
  for (const dir of SOURCES) walk(join(ROOT, dir), before);
  for (const f of SETTINGS) before.set(f, statOf(join(ROOT, f)));
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { main: ENTRY },
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    entryNames: '[name]-[hash]',
    chunkNames: 'parts/[name]-[hash]',
    sourcemap: 'linked',
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const inputs = {};
  for (const f of [...Object.keys(result.metafile.inputs), ...SETTINGS]) inputs[f] = before.get(f) ?? [-1, -1];
  // The entry is named by its content and the record names it, so a record always goes with its own build's entry,
  // whichever of two racing builds writes last.
  const entryName = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === ENTRY)[0].replace(/^dist\//, '');
  const files = result.outputFiles.sort((a, b) => rank(a.path) - rank(b.path));
  for (const f of files) put(f.path, f.contents);
  put(RECORD, JSON.stringify({ entry: entryName, builtAt: new Date().toISOString(), inputs }, null, 1));
  sweep(new Set([RECORD, ...files.map((f) => f.path)]));
  return pathToFileURL(join(DIST, entryName)).href;

  function rank(path) {
    return relative(DIST, path).startsWith('parts') ? 0 : 1;
  }
}

function put(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Removes outputs of earlier builds (and temporary files of interrupted ones) once they are old enough. */
function sweep(keep) {
  const old = Date.now() - KEEP_OLD_MS;
  const all = new Map();
  walk(DIST, all, (p) => p);
  for (const [path, st] of all) {
    if (keep.has(path) || !st || st[0] > old) continue;
    rmSync(path, { force: true });
  }
}

/** [mtimeMs, size] of every file under dir, keyed by path relative to the root (or by `key(path)`). */
function walk(dir, into, key = (p) => relative(ROOT, p).split('\\').join('/')) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, into, key);
    else if (e.isFile()) into.set(key(p), statOf(p));
  }
}

function statOf(path) {
  try {
    const s = statSync(path);
    return [s.mtimeMs, s.size];
  } catch {
    return null;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await build();
  process.stdout.write(`crux: built dist/ in ${Math.round(performance.now() - t0)} ms\n`);
}
