// Runs once around the whole test run (vitest globalSetup):
// - before any test file: dist/ brought up to date with the sources, so every test that spawns bin/crux.mjs (and
//   every process those start: `crux index` for a hot swap, shards) runs the code under test, compiled once here
//   rather than rebuilt by the first of many children. bin/crux.mjs checks again at each start, so an edit made while
//   the suite runs is picked up too (docs/development.md);
// - a temp folder of the run's own (TMPDIR for every test and the processes they start), which must be empty at the
//   end: a test that leaves files behind fails the run, by name, and the folder is removed either way;
// - a private redis-server for the tests that need a real Redis, when CI's (CRUX_TEST_REDIS_URL) is not given and
//   redis-server is installed; without either, those tests are skipped and the run says which.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build, freshEntry } from '../scripts/build.mjs';
import { PrivateRedis } from './service/helpers/private-redis.ts';

const ROOT = resolve(import.meta.dirname, '..');

export default async function setup(): Promise<() => Promise<void>> {
  await buildDist();
  const run = mkdtempSync(join(tmpdir(), 'crux-test-run-'));
  const tmp = join(run, 'tmp');
  const shared = join(run, 'shared');
  mkdirSync(tmp);
  mkdirSync(shared);
  process.env.TMPDIR = tmp;
  // For what tests share on purpose (one saved index for every `crux serve` they start): removed at the end.
  process.env.CRUX_TEST_SHARED_DIR = shared;

  let redis: PrivateRedis | null = null;
  let noRedis = '';
  if (!process.env.CRUX_TEST_REDIS_URL) {
    if (spawnSync('redis-server', ['--version']).status === 0) {
      redis = await PrivateRedis.start();
      process.env.CRUX_TEST_REDIS_URL = redis.url;
    } else {
      noRedis =
        'redis-server is not installed and CRUX_TEST_REDIS_URL is not set, so the tests that need a real Redis were ' +
        `skipped (in ${redisTestFiles().join(', ')}). Install redis-server (Debian: apt-get install redis-server) to run them.`;
    }
  }

  return async () => {
    await redis?.stop();
    // tsx keeps its compile cache in the temp folder (tsx-<uid>): the child processes' cache, not a test's file.
    const left = readdirSync(tmp).filter((f) => !/^tsx-\d+$/.test(f));
    rmSync(run, { recursive: true, force: true });
    if (noRedis) console.warn(`\n${noRedis}`);
    if (left.length) {
      console.error(`\nThe tests left ${left.length} temp file(s) or folder(s) behind (each test must remove what it makes): ${left.join(', ')}`);
      process.exitCode = 1;
    }
  };
}

async function buildDist(): Promise<void> {
  if (freshEntry()) return;
  try {
    await build();
  } catch (e) {
    // The tests still run the current code: bin/crux.mjs falls back to the TypeScript sources.
    process.stderr.write(`crux: dist/ could not be built, spawned commands run the sources through tsx: ${(e as Error).message}\n`);
  }
}

/** The test files that use the test Redis. */
function redisTestFiles(): string[] {
  const dir = join(ROOT, 'test');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && readFileSync(join(dir, f), 'utf8').includes('TEST_REDIS_URL'))
    .map((f) => relative(ROOT, join(dir, f)))
    .sort();
}
