// What a deployment relies on in the repository itself: secrets stay out of git, and every variable is documented.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
/** Set by discord.js's ShardingManager in shard processes, never by a person. */
const INTERNAL = new Set(['SHARDING_MANAGER', 'SHARDS', 'SHARD_COUNT']);

describe('configuration hygiene', () => {
  it('keeps .env out of git', () => {
    const r = spawnSync('git', ['check-ignore', '-q', '.env'], { cwd: ROOT });
    expect(r.status).toBe(0);
  });

  it('holds no values in .env.example, only names and comments', () => {
    const assigned = example.split('\n').filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l));
    expect(assigned.length).toBeGreaterThan(10);
    expect(assigned.filter((l) => !/^[A-Z][A-Z0-9_]*=$/.test(l))).toEqual([]);
  });

  it('documents in .env.example every variable the configuration reads, each with a comment', () => {
    const config = readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8');
    const read = new Set([...config.matchAll(/(?:val|port|seconds)\(env, '([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]));
    const lines = example.split('\n');
    const undocumented = [...read].filter((v) => !INTERNAL.has(v)).filter((v) => {
      const i = lines.findIndex((l) => l.startsWith(`${v}=`));
      if (i < 0) return true;
      // A comment right above it (possibly shared by a group of variables).
      let j = i - 1;
      while (j >= 0 && /^[A-Z][A-Z0-9_]*=$/.test(lines[j])) j--;
      return !(j >= 0 && lines[j].startsWith('#'));
    });
    expect(undocumented).toEqual([]);
  });
});
