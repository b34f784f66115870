// Runs a child process (scripts/bench/child.ts) with its own heap limit and time limit, and reads back its result.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHILD, ROOT } from './paths.ts';
import type { Outcome } from './types.ts';

/** Runs scripts/bench/child.ts as a child with its own heap limit; kills it (by its pid) if it runs past `timeoutS`. */
export function spawnChild<T>(kind: string, rest: Record<string, string>, opts: { heapMb: number; timeoutS: number; quick: boolean; dir: string }): Promise<Outcome<T>> {
  const out = join(opts.dir, `result-${process.pid}-${Date.now()}.json`);
  const argv = [
    '--expose-gc',
    `--max-old-space-size=${opts.heapMb}`,
    '--import',
    'tsx',
    CHILD,
    '--child',
    kind,
    ...(opts.quick ? ['--quick'] : []),
    ...Object.entries({ ...rest, out }).flatMap(([k, v]) => [`--${k}`, v]),
  ];
  return new Promise((done) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let res: Outcome<T> | null = null;
      try {
        res = JSON.parse(readFileSync(out, 'utf8'));
        rmSync(out, { force: true });
      } catch {
        res = null;
      }
      if (res) return done(res);
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      const why = timedOut
        ? `timed out after ${opts.timeoutS} s`
        : oom
          ? `out of memory (--max-old-space-size=${opts.heapMb})`
          : `exited with ${signal ?? code}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`;
      done({ ok: false, error: why });
    });
  });
}
