// Which engine a community's /crux searches: the process's own corpus ("default"), or the named corpora (data/corpora.json,
// src/corpus/corpora.ts) it chose with `/crux-config corpora …`. Each set of names is opened once, when first asked for, and kept
// until a reload (SIGHUP, the default corpus's watcher) or a change to its own files (its watcher), after which it is
// opened again, with its index rebuilt.
// Served from worker threads (the `open` option), a set is opened in the background: until it is ready its questions
// wait a moment (LOADING_WAIT_MS), then are told to ask again (UserError LOADING); a set being reopened keeps
// answering from its previous engine until the new one is ready.
import { join } from 'node:path';
import { readCorpora, type CorporaFile } from '../corpus/corpora.ts';
import { openEngine, REPO_ROOT, type Engine, type OpenOptions, type ServedEngine } from '../core/engine.ts';
import { UserError } from '../errors.ts';
import { buildInChild } from './hotswap.ts';
import type { Log } from './log.ts';
import { watchPaths } from './watch.ts';
import { fold } from '../core/text.ts';
import type { RemoteEngine } from './worker/remote.ts';

/** The name that stands for the corpus the process was started with. */
export const DEFAULT_CORPUS_NAME = 'default';

/** How long a question waits for corpora being opened before it is told to ask again. */
export const LOADING_WAIT_MS = 2_000;
/** How long a set that failed to open is not tried again (each try is a thread and a read of its files). */
const RETRY_AFTER_MS = 30_000;

export interface EngineChooser {
  /** The engine for these corpus names; none, or only "default", is the process's own engine. */
  engineFor(names: readonly string[] | null | undefined): ServedEngine;
  /** The names a community may choose: "default" and those of the corpora file. */
  names(): string[];
  /**
   * After a reload of the default corpus: each set of names opened so far is opened again (with its index rebuilt)
   * when next asked for; until then, and while that runs in the background, it answers as before.
   */
  forget(): void;
  /** The engines of named corpora open now (records added while serving go to them too). */
  opened(): ServedEngine[];
  /** Closes the engines opened (their threads, once what was asked of them is answered). */
  close(): Promise<void>;
  /**
   * Watches the named corpora's files. When one changes, each set of names opened with it has its index rebuilt in a
   * child process and is opened again (at its next use, or in the background when served from threads); a failed
   * rebuild keeps the old engine. Returns a function that stops watching.
   */
  watch(o: NamedWatchOptions): () => void;
}

export interface NamedWatchOptions {
  log: Pick<Log, 'info' | 'warn' | 'error'>;
  debounceMs?: number;
  /** False rebuilds at the next use instead, in this process (tests, tiny corpora). */
  buildInChild?: boolean;
}

/** A set of names opened (or being opened), and what it was opened with (to rebuild it). */
interface Opened {
  engine: ServedEngine | null;
  /** Opening in the background (worker threads), with what asks get meanwhile. */
  opening: { done: Promise<ServedEngine>; waiting: ServedEngine } | null;
  /** Why the last try failed, and when. */
  failed: { error: Error; at: number } | null;
  /** Opened before a reload of the default corpus: rebuilt and opened again at its next use. */
  stale: boolean;
  names: string[];
  paths: string[];
  format?: string;
}

export interface ChooserOptions {
  /** The process's own engine (it may be swapped for a rebuilt one while running). */
  base: () => ServedEngine;
  /** The corpora file; null when the install has none. */
  corpora: CorporaFile | null;
  /** The process's corpus paths, for a choice that lists "default" next to other names. */
  defaultPaths?: string[];
  cacheDir?: string;
  onNotice?: (msg: string) => void;
  /** Opens an engine: openEngine by default (in this thread, at once); a promise when it opens in a worker thread. */
  open?: (o: OpenOptions) => ServedEngine | Promise<ServedEngine>;
  /** Called with each engine opened, before it answers (to give it the records added while serving). */
  onOpen?: (e: ServedEngine) => void | Promise<void>;
  /** For opening in the background: where failures are told. */
  log?: Pick<Log, 'info' | 'warn' | 'error'>;
}

export function engineChooser(o: ChooserOptions): EngineChooser {
  const open = o.open ?? ((x: OpenOptions): Engine => openEngine(x));
  const opened = new Map<string, Opened>();
  const all = () => [DEFAULT_CORPUS_NAME, ...[...(o.corpora?.corpora.values() ?? [])].map((c) => c.name)];
  return {
    names: all,
    forget() {
      for (const [key, set] of opened) {
        if (set.opening) continue;
        if (set.engine && isRemote(set.engine)) set.stale = true;
        else opened.delete(key);
      }
    },
    opened: () => [...opened.values()].flatMap((x) => (x.engine ? [x.engine] : [])),
    async close() {
      const sets = [...opened.values()];
      opened.clear();
      await Promise.all(sets.map(async (s) => (s.engine ?? (await s.opening?.done.catch(() => null))) as Partial<RemoteEngine> | null).map(async (e) => (await e)?.close?.()));
    },
    watch(w) {
      const stops = [...(o.corpora?.corpora.values() ?? [])].map((c) =>
        watchPaths(c.paths, () => void refresh(c.name, w), {
          debounceMs: w.debounceMs ?? 1_000,
          onError: (target, e) => w.log.warn(`Stopped watching ${target}: ${e.message}`),
        }),
      );
      return () => stops.forEach((stop) => stop());
    },
    engineFor(names) {
      const wanted = [...new Set((names ?? []).map((n) => n.trim().toLowerCase()).filter(Boolean))].sort();
      if (!wanted.length || (wanted.length === 1 && wanted[0] === DEFAULT_CORPUS_NAME)) return o.base();
      const key = wanted.join(',');
      const had = opened.get(key);
      if (had?.stale) {
        had.stale = false;
        void reopen(key, had, { build: true });
      }
      if (had?.engine) return had.engine;
      if (had?.opening) return had.opening.waiting;
      if (had?.failed && Date.now() - had.failed.at < RETRY_AFTER_MS) throw had.failed.error;
      const paths: string[] = [];
      const formats = new Set<string | null>();
      for (const n of wanted) {
        if (n === DEFAULT_CORPUS_NAME) {
          if (!o.defaultPaths?.length) throw new UserError('BAD_OPTION', `The default corpus cannot be searched together with others here.`);
          paths.push(...o.defaultPaths);
          formats.add(null);
          continue;
        }
        const c = o.corpora?.corpora.get(n);
        if (!c) throw new UserError('BAD_OPTION', `There is no corpus named "${n}" any more (there are: ${all().join(', ')}). Ask an admin to change /crux-config corpora.`);
        paths.push(...c.paths);
        formats.add(c.format ?? null);
      }
      if (formats.size > 1) throw new UserError('BAD_OPTION', `Corpora ${wanted.join(', ')} force different formats and cannot be searched together.`);
      const format = [...formats][0] ?? undefined;
      const set: Opened = { engine: null, opening: null, failed: null, stale: false, names: wanted, paths, format };
      opened.set(key, set);
      const first = open({ corpus: paths, format, cacheDir: o.cacheDir, onNotice: o.onNotice });
      if (!(first instanceof Promise)) {
        void o.onOpen?.(first);
        set.engine = first;
        return first;
      }
      return reopen(key, set, { build: false, first });
    },
  };

  /**
   * Opens a set in the background (rebuilding its index in a child process first when `build`), and swaps it in
   * when ready. Returns what asks get meanwhile: the previous engine, or one that waits for this.
   */
  function reopen(key: string, set: Opened, how: { build: boolean; first?: Promise<ServedEngine> }): ServedEngine {
    const done = (async () => {
      if (how.build) {
        const error = await buildInChild({ format: set.format, cacheDir: o.cacheDir }, set.paths);
        if (error) throw new Error(`the index of corpora ${key} could not be built: ${error}`);
      }
      const e = await (how.first ?? open({ corpus: set.paths, format: set.format, cacheDir: o.cacheDir, onNotice: o.onNotice }));
      await o.onOpen?.(e);
      return e;
    })();
    const waiting = set.engine ?? waitFor(key, done);
    set.opening = { done, waiting };
    done.then(
      (e) => {
        const old = set.engine;
        set.engine = e;
        set.opening = null;
        set.failed = null;
        if (old && old !== e) void (old as Partial<RemoteEngine>).close?.();
        if (opened.get(key) !== set) void (e as Partial<RemoteEngine>).close?.();
      },
      (error: Error) => {
        set.opening = null;
        set.failed = { error, at: Date.now() };
        o.log?.error(`Corpora ${key} could not be opened${set.engine ? '; still answering from the previous index' : ''}: ${error.message}`);
      },
    );
    return waiting;
  }

  /** Corpus `name` changed: rebuild each opened set that searches it, then open it again. */
  async function refresh(name: string, w: NamedWatchOptions): Promise<void> {
    for (const [key, set] of [...opened]) {
      if (!set.names.includes(name) || set.opening) continue;
      if (set.engine && isRemote(set.engine)) {
        w.log.info(`Rebuilding the index of corpora ${key} (files of ${name} changed).`);
        reopen(key, set, { build: true });
        continue;
      }
      if (w.buildInChild !== false) {
        w.log.info(`Rebuilding the index of corpora ${key} (files of ${name} changed).`);
        const error = await buildInChild({ format: set.format, cacheDir: o.cacheDir }, set.paths);
        if (error) {
          w.log.error(`The new index of corpora ${key} could not be built; still answering from the previous one. ${error}`);
          continue;
        }
      }
      if (opened.get(key) === set) opened.delete(key);
      w.log.info(`Corpora ${key} will be opened again on their next use (files of ${name} changed).`);
    }
  }
}

/** An engine in a worker thread (it has a thread to close). */
const isRemote = (e: ServedEngine): boolean => typeof (e as Partial<RemoteEngine>).close === 'function';

/** What asks get while corpora are first opened: a short wait for them, else "ask again" (UserError LOADING). */
function waitFor(key: string, done: Promise<ServedEngine>): ServedEngine {
  const loading = () => new UserError('LOADING', `The corpora ${key} are being opened for their first use; ask again in a minute.`);
  const ready = async (): Promise<ServedEngine> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), LOADING_WAIT_MS)));
    try {
      const e = await Promise.race([done, late]);
      if (!e) throw loading();
      return e;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    ask: async (query, opts) => (await ready()).ask(query, opts),
    sources: () => {
      throw loading();
    },
    problems: [],
    stats: { passages: 0, unique: 0, files: 0, builtAt: new Date(0).toISOString(), indexPath: '', indexBytes: null },
  };
}

/** The corpora file an install uses: CRUX_CORPORA (config.corporaFile), else data/corpora.json. Null when absent. */
export function installCorpora(corporaFile: string | null | undefined): CorporaFile | null {
  return readCorpora(corporaFile ?? join(REPO_ROOT, 'data', 'corpora.json'));
}

/**
 * Checks a community's choice of corpora ("lw, slack", "default") against the names known; returns them as stored
 * (lower case, in the order given), or null for "default" alone. Throws UserError (BAD_OPTION) naming what is accepted.
 */
export function parseCorporaChoice(v: string, known: readonly string[]): string[] | null {
  const wanted = [...new Set(v.split(/[,;\s]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const names = known.map((k) => k.toLowerCase());
  if (!wanted.length) throw new UserError('BAD_OPTION', `corpora is one or more of ${known.join(', ')}, separated by commas.`);
  const unknown = wanted.filter((w) => !names.includes(fold(w)));
  if (unknown.length) {
    const hint = known.length > 1 ? `Corpora: ${known.join(', ')}.` : 'This install has no named corpora (data/corpora.json, or CRUX_CORPORA).';
    throw new UserError('BAD_OPTION', `No corpus named ${unknown.map((u) => `"${u.slice(0, 40)}"`).join(', ')}. ${hint}`);
  }
  return wanted.length === 1 && wanted[0] === DEFAULT_CORPUS_NAME ? null : wanted;
}

/**
 * The engine a command runs on for a community: its chosen corpora when it set some and the install can open them,
 * plus what it captured from its own channels (`captured`, src/service/capture/) when it captures.
 */
export function engineForCommunity(
  base: ServedEngine,
  chooser: EngineChooser | undefined,
  settings: { corpora?: string[] | null } | undefined,
  captured?: { over<E extends ServedEngine>(base: E): E },
): ServedEngine {
  const names = settings?.corpora;
  const chosen = chooser && names?.length ? chooser.engineFor(names) : base;
  return captured ? captured.over(chosen) : chosen;
}
