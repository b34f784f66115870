// Temp folders for tests: each is removed after the test file that made it, so a test run leaves nothing behind
// (test/global-setup.ts fails the run, naming what was left, when something is).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
// Registered when a test file first imports this; after hooks run last-registered first, so the file's own
// afterAll (stopping a bot or a server that uses a folder) runs before its folders go.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh empty folder in the system's temp folder, removed after the test file. */
export function tempDir(prefix = 'crux-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
