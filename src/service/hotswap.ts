// Swaps in a new index while serving: built in a child process (`crux index`), opened (in a worker thread when the
// service runs one, src/service/worker/), then swapped in one assignment. Queries never wait on the rebuild and never
// see half an index: until the swap they use the old engine, after it the new; a failed build keeps the old one.
// A corpus file that changes (appended JSONL records or text lines) is first read again on its own and its passages
// updated in the engine in service (appends.ts), searchable within seconds; the rebuild that merges those changes
// into the saved index runs later, in the background, once changes have been quiet for a while.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { openEngine, REPO_ROOT, type Engine, type ServedEngine } from '../core/engine.ts';
import type { Log } from './log.ts';
import { watchPaths } from './watch.ts';
import { syncChangedFiles, type FileSync } from './appends.ts';
import type { RemoteEngine } from './worker/remote.ts';
import type { LiveUpdates } from './updates.ts';

export interface LiveEngine<E extends ServedEngine = ServedEngine> {
  /** The engine in service right now. */
  current(): E;
  /** Rebuilds the index from the corpus and swaps it in. Calls made while one runs share the next run. */
  reload(why: string): Promise<ReloadResult>;
  /** Reloads when files under the corpus change (debounced). Returns a function that stops watching. */
  watch(debounceMs?: number): () => void;
  /** A rebuild is under way. */
  reloading(): boolean;
  /** How many times a new engine was swapped in. */
  generation(): number;
  /** Stops watching; with `engines`, also closes the engine in service (its thread). */
  close(o?: { engines?: boolean }): Promise<void>;
}

/** What opens an engine for the corpus: in this thread (the default) or in a worker thread (worker/remote.ts). */
export type EngineOpener<E extends ServedEngine = ServedEngine> = (o: { corpus: string[]; cacheDir?: string; format?: string; onNotice: (msg: string) => void }) => E | Promise<E>;

/** Opens an engine in this thread, with its typo tree built. */
export const openHere: EngineOpener<Engine> = (o) => {
  const e = openEngine(o);
  e.warm?.();
  return e;
};

export type ReloadResult = { ok: true; passages: number; ms: number } | { ok: false; error: string };

export interface LiveOptions<E extends ServedEngine = ServedEngine> {
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
  /** How a rebuilt index is opened: openHere by default (then E is Engine). */
  open?: EngineOpener<E>;
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

export function liveEngine<E extends ServedEngine>(initial: E, o: LiveOptions<E>): LiveEngine<E> {
  const paths = [o.corpus].flat();
  const where = { corpus: paths.join(', ') };
  const open = o.open ?? (openHere as unknown as EngineOpener<E>);
  let engine = initial;
  void o.updates?.attach(initial);
  let gen = 0;
  let running: Promise<ReloadResult> | null = null;
  let queued: Promise<ReloadResult> | null = null;
  const stops = new Set<() => void>();
  /** Files changed (and applied in place) while a rebuild runs: applied again to the engine it makes. */
  let changedDuringBuild = new Set<string>();
  let inPlace = 0;
  let mergeTimer: NodeJS.Timeout | null = null;
  let closed = false;
  watchThread(initial);

  async function once(why: string): Promise<ReloadResult> {
    const t0 = performance.now();
    o.log.info(`Reloading the corpus (${why}).`, where);
    changedDuringBuild = new Set();
    inPlace = 0;
    let next: E | null = null;
    try {
      if (o.buildInChild !== false) {
        const error = await (o.build ?? ((p) => buildInChild(o, p)))(paths);
        if (error) {
          o.log.error(`The new index could not be built; still answering from the previous one. ${error}`, where);
          return { ok: false, error };
        }
      }
      next = await open({ corpus: paths, cacheDir: o.cacheDir, format: o.format, onNotice: (m) => o.log.warn(m) });
      await o.updates?.attach(next);
      if (changedDuringBuild.size) await applyInPlace(next, [...changedDuringBuild]);
      if (closed) {
        void retire(next);
        return { ok: false, error: 'stopped' };
      }
      const old = engine;
      o.updates?.detach(old);
      engine = next;
      gen++;
      watchThread(next);
      void retire(old);
      o.onSwap?.();
      const ms = Math.round(performance.now() - t0);
      o.log.info(`Swapped in the new index: ${next.stats.passages} passages from ${next.stats.files} files (${ms} ms).`, {
        passages: next.stats.passages,
        generation: gen,
      });
      return { ok: true, passages: next.stats.passages, ms };
    } catch (e) {
      if (next) void retire(next);
      const error = (e as Error).message;
      o.log.error(`The new index could not be loaded; still answering from the previous one. ${error}`, where);
      return { ok: false, error };
    }
  }

  /** An engine in its own thread that stops on its own (a crash, out of memory) is replaced by a fresh one. */
  function watchThread(e: E): void {
    (e as Partial<RemoteEngine>).onExit?.((why) => {
      if (engine !== e || closed) return;
      o.log.error(`The engine stopped (${why}); opening the corpus again.`, where);
      void reload(`the engine stopped: ${why}`);
    });
  }

  /** Lets an engine swapped out go: its thread stops once what was asked of it is answered. */
  async function retire(e: ServedEngine): Promise<void> {
    await (e as Partial<RemoteEngine>).close?.();
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
  async function applyInPlace(target: ServedEngine, changed: string[]): Promise<boolean> {
    let r: FileSync;
    try {
      const remote = (target as Partial<RemoteEngine>).syncFiles;
      r = remote ? await remote(changed) : syncChangedFiles(target as Engine, paths, o.format, changed);
    } catch (e) {
      r = { ok: false, why: (e as Error).message };
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
  async function filesChanged(changed: string[], mergeAfterMs: number): Promise<void> {
    if (running) for (const f of changed) changedDuringBuild.add(f);
    if (!(await applyInPlace(engine, changed))) return;
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
    const stop = watchPaths(paths, (changed) => void filesChanged(changed, o.mergeAfterMs ?? MERGE_AFTER_MS), {
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
    async close(c) {
      closed = true;
      for (const stop of stops) stop();
      stops.clear();
      if (mergeTimer) clearTimeout(mergeTimer);
      mergeTimer = null;
      if (c?.engines) await retire(engine);
    },
  };
}
