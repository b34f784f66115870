// Swaps in a new index while serving: built in a child process (`crux index`), loaded, then swapped in one assignment.
// Queries never wait on the rebuild and never see half an index: until the swap they use the old engine, after it the new.
// A corpus file that changes (appended JSONL records or text lines) is first read again on its own and its passages
// updated in the engine in service (appends.ts), searchable within seconds; the rebuild that merges those changes
// into the saved index runs later, in the background, once changes have been quiet for a while.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { openEngine, REPO_ROOT, type Engine, type OpenOptions } from '../core/engine.ts';
import type { Log } from './log.ts';
import { watchPaths } from './watch.ts';
import { syncChangedFiles } from './appends.ts';
import type { LiveUpdates } from './updates.ts';

export interface LiveEngine {
  /** The engine in service right now. */
  current(): Engine;
  /** Rebuilds the index from the corpus and swaps it in. Calls made while one runs share the next run. */
  reload(why: string): Promise<ReloadResult>;
  /** Reloads when files under the corpus change (debounced). Returns a function that stops watching. */
  watch(debounceMs?: number): () => void;
  /** A rebuild is under way. */
  reloading(): boolean;
  /** How many times a new engine was swapped in. */
  generation(): number;
  close(): void;
}

export type ReloadResult = { ok: true; passages: number; ms: number } | { ok: false; error: string };

export interface LiveOptions {
  /** The corpus paths (a named corpus already resolved to its paths). */
  corpus: string | string[];
  cacheDir?: string;
  format?: string;
  log: Pick<Log, 'info' | 'warn' | 'error'>;
  /** Builds the index in a child process (the default); false builds it in this process (tests, tiny corpora). */
  buildInChild?: boolean;
  /** Builds and saves the index of the paths (resolves with null, or with why it failed): buildInChild by default. */
  build?: (paths: string[]) => Promise<string | null>;
  /** Called after each swap (engines opened for named corpora are let go then). */
  onSwap?: () => void;
  /** Records added while serving: each new engine gets them before it is swapped in (the first is attached here). */
  updates?: LiveUpdates;
  /** Quiet time after a file change applied in place before the rebuild that merges it into the saved index. */
  mergeAfterMs?: number;
}

/** Default quiet time before changes applied in place are merged into the saved index by a rebuild. */
export const MERGE_AFTER_MS = 60_000;
/** Passages changed in place since the last build beyond which the merge starts at once. */
const MERGE_AT = 20_000;

const CLI = join(REPO_ROOT, 'bin', 'crux.mjs');

/**
 * Runs `crux index` for the corpus in a child process. Resolves with null when the index was saved (some files may
 * have been skipped, exit 3), else with the last line the child printed.
 */
export async function buildInChild(o: { format?: string; cacheDir?: string }, paths: string[]): Promise<string | null> {
  const { code, output } = await runIndex(o, paths);
  return code === 0 || code === 3 ? null : (output.split('\n').filter(Boolean).at(-1) ?? `crux index exited with ${code}`);
}

function runIndex(o: { format?: string; cacheDir?: string }, paths: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    // Paths as arguments (`crux index PATH…`) are read as paths, never as corpus names; absolute, so none reads as a flag.
    const args = [CLI, 'index', ...(o.format ? ['--format', o.format] : []), ...paths.map((p) => resolve(p))];
    const env = { ...process.env, ...(o.cacheDir ? { CRUX_CACHE_DIR: o.cacheDir } : {}) };
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    child.on('error', (e) => done({ code: 1, output: e.message }));
    child.on('close', (code) => done({ code: code ?? 1, output: output.trim() }));
  });
}

export function liveEngine(initial: Engine, o: LiveOptions): LiveEngine {
  const paths = [o.corpus].flat();
  const where = { corpus: paths.join(', ') };
  let engine = initial;
  o.updates?.attach(initial);
  let gen = 0;
  let running: Promise<ReloadResult> | null = null;
  let queued: Promise<ReloadResult> | null = null;
  const stops = new Set<() => void>();
  /** Files changed (and applied in place) while a rebuild runs: applied again to the engine it makes. */
  let changedDuringBuild = new Set<string>();
  let inPlace = 0;
  let mergeTimer: NodeJS.Timeout | null = null;
  const openOpts = (): OpenOptions => ({
    corpus: paths,
    cacheDir: o.cacheDir,
    format: o.format,
    onNotice: (m) => o.log.warn(m),
  });

  async function once(why: string): Promise<ReloadResult> {
    const t0 = performance.now();
    o.log.info(`Reloading the corpus (${why}).`, where);
    changedDuringBuild = new Set();
    inPlace = 0;
    try {
      if (o.buildInChild !== false) {
        const error = await (o.build ?? ((p) => buildInChild(o, p)))(paths);
        if (error) {
          o.log.error(`The new index could not be built; still answering from the previous one. ${error}`, where);
          return { ok: false, error };
        }
      }
      const next = openEngine(openOpts());
      next.warm?.();
      o.updates?.attach(next);
      if (changedDuringBuild.size) applyInPlace(next, [...changedDuringBuild]);

      o.updates?.detach(engine);
      engine = next;
      gen++;
      o.onSwap?.();
      const ms = Math.round(performance.now() - t0);
      o.log.info(`Swapped in the new index: ${next.stats.passages} passages from ${next.stats.files} files (${ms} ms).`, {
        passages: next.stats.passages,
        generation: gen,
      });
      return { ok: true, passages: next.stats.passages, ms };
    } catch (e) {
      const error = (e as Error).message;
      o.log.error(`The new index could not be loaded; still answering from the previous one. ${error}`, where);
      return { ok: false, error };
    }
  }

  function reload(why: string): Promise<ReloadResult> {
    if (!running) {
      running = once(why).finally(() => {
        running = null;
      });
      return running;
    }
    // One is running: queue exactly one more, so changes made during this build are picked up.
    if (!queued) {
      queued = running.then(() => {
        queued = null;
        return reload(why);
      });
    }
    return queued;
  }

  /** Applies changed files to an engine in place; false when a rebuild is needed instead (and was asked for). */
  function applyInPlace(target: Engine, changed: string[]): boolean {
    let r;
    try {
      r = syncChangedFiles(target, paths, o.format, changed);
    } catch (e) {
      r = { ok: false as const, why: (e as Error).message };
    }
    if (!r.ok) {
      void reload(`files changed under ${where.corpus}: ${r.why}`);
      return false;
    }
    inPlace += r.change.added + r.change.removed;
    o.log.info(`Updated ${r.files} changed file(s) in place: ${r.change.added} passages added, ${r.change.removed} removed.`, where);
    return true;
  }

  /** Files changed: update them in place now, and merge them into the saved index by a rebuild later. */
  function filesChanged(changed: string[], mergeAfterMs: number): void {
    if (running) for (const f of changed) changedDuringBuild.add(f);
    if (!applyInPlace(engine, changed)) return;
    if (mergeTimer) clearTimeout(mergeTimer);
    mergeTimer = null;
    if (inPlace >= MERGE_AT) void reload('merging the changes made in place into the saved index');
    else {
      mergeTimer = setTimeout(() => {
        mergeTimer = null;
        void reload('merging the changes made in place into the saved index');
      }, mergeAfterMs);
      mergeTimer.unref?.();
    }
  }

  function watchCorpus(debounceMs = 1_000): () => void {
    const stop = watchPaths(paths, (changed) => filesChanged(changed, o.mergeAfterMs ?? MERGE_AFTER_MS), {
      debounceMs,
      onError: (target, e) => o.log.warn(`Stopped watching ${target}: ${e.message}`),
    });
    stops.add(stop);
    return () => {
      stop();
      stops.delete(stop);
    };
  }

  return {
    current: () => engine,
    reload,
    watch: watchCorpus,
    reloading: () => running !== null,
    generation: () => gen,
    close: () => {
      for (const stop of stops) stop();
      stops.clear();
      if (mergeTimer) clearTimeout(mergeTimer);
      mergeTimer = null;
    },
  };
}
