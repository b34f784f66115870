// Before any test file runs: bring dist/ up to date with the sources, so every test that spawns bin/crux.mjs (and
// every process those start: `crux index` for a hot swap, shards) runs the code under test, compiled once here rather
// than rebuilt by the first of many children. bin/crux.mjs checks again at each start, so an edit made while the
// suite runs is picked up too (docs/development.md).
import { build, freshEntry } from '../scripts/build.mjs';

export default async function setup(): Promise<void> {
  if (freshEntry()) return;
  try {
    await build();
  } catch (e) {
    // The tests still run the current code: bin/crux.mjs falls back to the TypeScript sources.
    process.stderr.write(`crux: dist/ could not be built, spawned commands run the sources through tsx: ${(e as Error).message}\n`);
  }
}
