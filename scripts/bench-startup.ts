// Cold start for `npm run bench` (run by scripts/bench.ts as the "startup" extension, or alone with
// `node --import tsx scripts/bench-startup.ts [--quick]`): whole processes, as a user starts them, each as a ratio to a
// bare `node -e 0` measured in the same rounds (the commands interleaved, so a busy machine slows them all alike):
//   - `crux hyperstition` on the bundled corpus, its index already saved (target ≤ 3×);
//   - `crux --version` and `crux --help` (target ≤ 2×);
//   - the prompt ready: `crux` and `crux serve` (what npm start runs, no platform configured) until the answer to
//     `:sources`, the first thing a user could see (target ≤ 3×);
// each compiled (dist/, as bin/crux.mjs runs it) and, for comparison, from the TypeScript sources through tsx
// (CRUX_FROM_SOURCE=1, as every run was before dist/). Medians of 15 rounds (5 with --quick).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchRow } from './bench.ts';
import { loadDotEnv, readConfig } from '../src/config.ts';
import { ensureBuilt } from './build.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const CLI = join(ROOT, 'bin', 'crux.mjs');

interface Case {
  name: string;
  args: string[];
  /** Written to standard input; the time is taken at the first output instead of at exit. */
  input?: string;
  target: number | null;
}

const CASES: Case[] = [
  { name: 'node -e 0', args: [], target: null },
  { name: 'crux hyperstition', args: ['hyperstition'], target: 3 },
  { name: 'crux --version', args: ['--version'], target: 2 },
  { name: 'crux --help', args: ['--help'], target: 2 },
  { name: 'crux (prompt ready)', args: [], input: ':sources\n', target: 3 },
  { name: 'crux serve (prompt ready)', args: ['serve'], input: ':sources\n', target: 3 },
];

/** Milliseconds from spawn to exit, or to the first byte of output when the case types something. */
function timeOnce(c: Case, env: NodeJS.ProcessEnv): Promise<number> {
  const argv = c.name === 'node -e 0' ? ['-e', '0'] : [CLI, ...c.args];
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'ignore'] });
    let at: number | null = null;
    child.stdout.on('data', () => {
      if (c.input === undefined || at !== null) return;
      at = performance.now() - t0;
      child.stdin.end(':quit\n');
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) fail(new Error(`${c.name} exited ${code}`));
      else done(at ?? performance.now() - t0);
    });
    if (c.input !== undefined) child.stdin.write(c.input);
    else child.stdin.end();
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const times = (x: number) => `${x.toFixed(1)}×`;

export async function bench(ctx: Pick<BenchContext, 'quick' | 'dir'>): Promise<BenchRow[]> {
  const rounds = ctx.quick ? 5 : 15;
  const cacheDir = join(ctx.dir, 'startup-cache');
  mkdirSync(cacheDir, { recursive: true });
  // No platform from this shell or the checkout's .env: `crux serve` must show the prompt, not connect to Discord.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CRUX_CACHE_DIR: cacheDir };
  const config = { ...process.env };
  loadDotEnv(ROOT, config);
  const platform = (() => {
    try {
      const c = readConfig(config);
      return c.discord != null || c.slack != null;
    } catch {
      return true;
    }
  })();
  const cases = CASES.filter((c) => !(platform && c.args[0] === 'serve'));
  if (!(await ensureBuilt())) throw new Error('dist/ could not be built (see npm run build)');
  const fromSource = { ...env, CRUX_FROM_SOURCE: '1' };
  // Once each beforehand: the saved index is built and the files are in the page cache.
  for (const c of cases) {
    await timeOnce(c, env);
    await timeOnce(c, fromSource);
  }
  const compiled = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const source = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      compiled.get(c.name)!.push(await timeOnce(c, env));
      if (c.target !== null) source.get(c.name)!.push(await timeOnce(c, fromSource));
    }
  }
  const bare = median(compiled.get('node -e 0')!);
  const rows: BenchRow[] = cases.map((c) => {
    const ms = median(compiled.get(c.name)!);
    const tsx = c.target === null ? null : median(source.get(c.name)!);
    return {
      command: c.name,
      'median ms': Math.round(ms),
      'vs node -e 0': times(ms / bare),
      target: c.target === null ? '' : `≤ ${c.target}×`,
      met: c.target === null ? null : ms / bare <= c.target,
      'via tsx ms': tsx === null ? null : Math.round(tsx),
      'via tsx vs node': tsx === null ? '' : times(tsx / bare),
    };
  });
  if (platform) rows.push({ command: 'crux serve (prompt ready)', 'median ms': null, 'vs node -e 0': 'skipped: a platform is configured (.env)' });
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const quick = process.argv.includes('--quick');
  const dir = join(tmpdir(), 'crux-bench');
  bench({ quick, dir }).then((rows) => console.table(rows));
}
