// Whole crux processes on a saved index, as users run them: a one-shot answer (wall time and peak RSS), and two
// prompt processes serving the same index side by side (RSS and PSS each: PSS splits the pages they share, such as
// the index file's texts in the page cache that both read).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.ts';
import type { ProcessFigures } from './types.ts';

const BIN = join(ROOT, 'bin', 'crux.mjs');

/** Places the saved index where `crux --corpus corpus` looks for it, in its own cache folder; returns the folder. */
async function cacheFor(corpus: string, indexFile: string, dir: string): Promise<string> {
  const { indexPathFor } = await import('../../src/core/engine.ts');
  const cache = join(dir, 'cli-cache');
  mkdirSync(cache, { recursive: true });
  copyFileSync(indexFile, indexPathFor([corpus], cache));
  return cache;
}

function oneShot(corpus: string, cache: string): { s: number; rss: number } {
  const env = { ...process.env, CRUX_CACHE_DIR: cache };
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, BIN, '--corpus', corpus, 'hyperstition'], { env, encoding: 'utf8' });
    const m = /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(r.stderr);
    if (m) return { s: Number(m[1]), rss: Number(m[2]) * 1024 };
  }
  const t0 = performance.now();
  spawnSync(process.execPath, [BIN, '--corpus', corpus, 'hyperstition'], { env });
  return { s: (performance.now() - t0) / 1000, rss: NaN };
}

/** Rss and Pss of a process, from /proc (Linux), in bytes. */
function memoryOf(pid: number): { rss: number; pss: number } {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(t)?.[1] ?? NaN) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: NaN, pss: NaN };
  }
}

/** Starts a prompt, asks one question, and resolves once the answer is printed (the process keeps running). */
function prompt(corpus: string, cache: string): Promise<{ pid: number; stop(): void }> {
  const child = spawn(process.execPath, [BIN, '--corpus', corpus], { env: { ...process.env, CRUX_CACHE_DIR: cache, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'ignore'] });
  // Without a terminal the prompt prints no "crux>": ask at once, and take the answer as done when output pauses.
  child.stdin.write('hyperstition\n');
  return new Promise((done, fail) => {
    let out = '';
    let quiet: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => fail(new Error('the prompt did not answer within 120 s')), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!/hyperstition/i.test(out)) return;
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        clearTimeout(timer);
        done({ pid: child.pid!, stop: () => child.kill() });
      }, 500);
    });
    child.on('error', fail);
  });
}

export async function processFigures(corpus: string, indexFile: string, dir: string): Promise<ProcessFigures> {
  const cache = await cacheFor(corpus, indexFile, dir);
  const shots = [oneShot(corpus, cache), oneShot(corpus, cache), oneShot(corpus, cache)].sort((a, b) => a.s - b.s);
  const median = shots[1];
  const both = await Promise.all([prompt(corpus, cache), prompt(corpus, cache)]);
  const mem = both.map((p) => memoryOf(p.pid));
  for (const p of both) p.stop();
  return { oneShotS: median.s, oneShotRssBytes: median.rss, rssBytes: mem.map((m) => m.rss), pssBytes: mem.map((m) => m.pss) };
}
