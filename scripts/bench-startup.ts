// Cold start for `npm run bench` (run by scripts/bench.ts as the "startup" extension, or alone with
// `node --import tsx scripts/bench-startup.ts [--quick]`): whole processes, as a user starts them, each as a ratio to a
// bare `node -e 0` measured in the same rounds (the commands interleaved, so a busy machine slows them all alike):
//   - `crux hyperstition` on the bundled corpus, its index already saved (target ≤ 3×);
//   - `crux --version` and `crux --help` (target ≤ 2×);
//   - the prompt shown: `crux` and `crux serve` (what npm start runs, no platform configured) in a terminal, until
//     `crux> ` appears (target ≤ 3×). The terminal is a pseudo-terminal from util-linux's `script`, which `node -e 0`
//     is then run through too, for a ratio like for like; without `script` these rows are skipped;
//   - the first answer at the prompt: the same, input piped, until the answer to `:sources` (no target: it includes
//     what is done after the prompt shows, such as npm start building its typo tree);
// each compiled (dist/, as bin/crux.mjs runs it) and, for comparison, from the TypeScript sources through tsx
// (CRUX_FROM_SOURCE=1, as every run was before dist/). Medians of 15 rounds (5 with --quick).
import { spawn, spawnSync } from 'node:child_process';
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
  /** Arguments to node: `crux …` runs bin/crux.mjs. */
  argv: string[];
  /** Run in a pseudo-terminal; timed until the prompt appears, then `:quit` is typed. */
  tty?: boolean;
  /** Piped to standard input; timed until the first output, then standard input is closed after `:quit`. */
  input?: string;
  target: number | null;
}

const crux = (...args: string[]) => [CLI, ...args];
const CASES: Case[] = [
  { name: 'node -e 0', argv: ['-e', '0'], target: null },
  { name: 'crux hyperstition', argv: crux('hyperstition'), target: 3 },
  { name: 'crux --version', argv: crux('--version'), target: 2 },
  { name: 'crux --help', argv: crux('--help'), target: 2 },
  { name: 'node -e 0 (in a terminal)', argv: ['-e', '0'], tty: true, target: null },
  { name: 'crux: prompt shown', argv: crux(), tty: true, target: 3 },
  { name: 'crux serve: prompt shown', argv: crux('serve'), tty: true, target: 3 },
  { name: 'crux: first answer (:sources)', argv: crux(), input: ':sources\n', target: null },
  { name: 'crux serve: first answer (:sources)', argv: crux('serve'), input: ':sources\n', target: null },
];

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Milliseconds from spawn to exit, to the prompt (tty), or to the first output (input). */
function timeOnce(c: Case, env: NodeJS.ProcessEnv): Promise<number> {
  const [cmd, args] = c.tty ? ['script', ['-qfec', [process.execPath, ...c.argv].map(quote).join(' '), '/dev/null']] : [process.execPath, c.argv];
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'ignore'] });
    let at: number | null = null;
    let seen = '';
    child.stdout.on('data', (d: Buffer) => {
      if (at !== null || (!c.tty && c.input === undefined)) return;
      seen += d.toString();
      if (c.tty && !seen.includes('crux> ')) return;
      at = performance.now() - t0;
      if (c.tty) child.stdin.write(':quit\n');
      else child.stdin.end(':quit\n');
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) fail(new Error(`${c.name} exited ${code}`));
      else done(at ?? performance.now() - t0);
    });
    if (c.input !== undefined) child.stdin.write(c.input);
    else if (!c.tty) child.stdin.end();
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
  const terminal = spawnSync('script', ['--version']).status === 0;
  const skipped = (c: Case) => (platform && c.argv[1] === 'serve' ? 'a platform is configured (.env)' : c.tty && !terminal ? 'no `script` (util-linux) for a terminal' : null);
  const cases = CASES.filter((c) => !skipped(c));
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
  const bareTty = terminal ? median(compiled.get('node -e 0 (in a terminal)')!) : NaN;
  const rows: BenchRow[] = cases.map((c) => {
    const ms = median(compiled.get(c.name)!);
    const base = c.tty ? bareTty : bare;
    const tsx = c.target === null ? null : median(source.get(c.name)!);
    return {
      command: c.name,
      'median ms': Math.round(ms),
      'vs node -e 0': times(ms / base),
      target: c.target === null ? '' : `≤ ${c.target}×`,
      met: c.target === null ? null : ms / base <= c.target,
      'via tsx ms': tsx === null ? null : Math.round(tsx),
      'via tsx vs node': tsx === null ? '' : times(tsx / base),
    };
  });
  for (const c of CASES) if (skipped(c)) rows.push({ command: c.name, 'median ms': null, 'vs node -e 0': `skipped: ${skipped(c)}` });
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const quick = process.argv.includes('--quick');
  const dir = join(tmpdir(), 'crux-bench');
  bench({ quick, dir }).then((rows) => console.table(rows));
}
