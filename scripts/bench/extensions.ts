// Extension benches: other parts of Crux add end-to-end figures as scripts/bench-<name>.{ts,mts,mjs,js} exporting
// `bench(ctx)` (the contract is in scripts/bench.ts). Each runs in a child process of its own; its rows print as a table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.ts';
import { table } from './report.ts';
import { spawnChild } from './spawn.ts';
import type { BenchContext, BenchRow } from './types.ts';

/** Extension benches the README mentions: a missing one is reported rather than silently absent. */
const EXPECTED = ['discord', 'slack', 'ops', 'formats', 'startup'];

/** An extension's time limit: 5 minutes, or what it declares with `export const timeoutS = N` (read from its text). */
function timeoutOf(file: string): number {
  const m = /^export const timeoutS = (\d+)/m.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) : 300;
}

export async function runExtensions(ctx: BenchContext, want: (name: string) => boolean, log: (s: string) => void): Promise<void> {
  const extFiles = readdirSync(join(ROOT, 'scripts'))
    .filter((f) => /^bench-[\w-]+\.(ts|mts|mjs|js)$/.test(f))
    .sort();
  const seen = new Set<string>();
  for (const f of extFiles) {
    const name = f.replace(/^bench-/, '').replace(/\.\w+$/, '');
    if (seen.has(name) || !want(name)) continue;
    seen.add(name);
    log(`extension bench ${f}…`);
    const res = await spawnChild<BenchRow[]>(
      'ext',
      { file: join(ROOT, 'scripts', f), ctx: JSON.stringify(ctx) },
      { heapMb: 4096, timeoutS: timeoutOf(join(ROOT, 'scripts', f)), quick: ctx.quick, dir: ctx.dir },
    );
    console.log('');
    if (res.ok) {
      console.log(`${name} (scripts/${f})`);
      console.log(table(res.value));
    } else console.log(`${name} (scripts/${f}): skipped: ${res.error}`);
  }
  for (const name of EXPECTED) {
    if (!seen.has(name) && want(name)) console.log(`${name}: no scripts/bench-${name}.* yet; skipped`);
  }
}
