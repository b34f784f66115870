// Which engine a community's /crux searches: the process's own corpus ("default"), or the named corpora (data/corpora.json,
// src/corpus/corpora.ts) it chose with `/crux-config corpora …`. Each set of names is opened once, when first asked for, and kept
// until a reload (SIGHUP, the default corpus's watcher) or a change to its own files (its watcher), after which it is
// opened again, with its index rebuilt.
import { join } from 'node:path';
import { readCorpora, type CorporaFile } from '../corpus/corpora.ts';
import { openEngine, REPO_ROOT, type Engine, type OpenOptions } from '../core/engine.ts';
import { UserError } from '../errors.ts';
import { buildInChild } from './hotswap.ts';
import type { Log } from './log.ts';
import { watchPaths } from './watch.ts';
import { fold } from '../core/text.ts';

/** The name that stands for the corpus the process was started with. */
export const DEFAULT_CORPUS_NAME = 'default';

export interface EngineChooser {
  /** The engine for these corpus names; none, or only "default", is the process's own engine. */
  engineFor(names: readonly string[] | null | undefined): Engine;
  /** The names a community may choose: "default" and those of the corpora file. */
  names(): string[];
  /** Lets go of the engines opened so far: each set of names is opened again when next asked for (after a reload). */
  forget(): void;
  /** The engines of named corpora open now (records added while serving go to them too). */
  opened(): Engine[];
  /**
   * Watches the named corpora's files. When one changes, each set of names opened with it has its index rebuilt in a
   * child process and is opened again on its next use; a failed rebuild keeps the old engine. Returns a function
   * that stops watching.
   */
  watch(o: NamedWatchOptions): () => void;
}

export interface NamedWatchOptions {
  log: Pick<Log, 'info' | 'warn' | 'error'>;
  debounceMs?: number;
  /** False rebuilds at the next use instead, in this process (tests, tiny corpora). */
  buildInChild?: boolean;
}

/** A set of names opened, and what it was opened with (to rebuild it). */
interface Opened {
  engine: Engine;
  names: string[];
  paths: string[];
  format?: string;
}

export interface ChooserOptions {
  /** The process's own engine (it may be swapped for a rebuilt one while running). */
  base: () => Engine;
  /** The corpora file; null when the install has none. */
  corpora: CorporaFile | null;
  /** The process's corpus paths, for a choice that lists "default" next to other names. */
  defaultPaths?: string[];
  cacheDir?: string;
  onNotice?: (msg: string) => void;
  /** Opens an engine (tests may count opens); openEngine by default. */
  open?: (o: OpenOptions) => Engine;
  /** Called with each engine opened, before it answers (to give it the records added while serving). */
  onOpen?: (e: Engine) => void;
}

export function engineChooser(o: ChooserOptions): EngineChooser {
  const open = o.open ?? openEngine;
  const opened = new Map<string, Opened>();
  const all = () => [DEFAULT_CORPUS_NAME, ...[...(o.corpora?.corpora.values() ?? [])].map((c) => c.name)];
  return {
    names: all,
    forget: () => opened.clear(),
    opened: () => [...opened.values()].map((x) => x.engine),
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
      if (had) return had.engine;
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
      const engine = open({ corpus: paths, format, cacheDir: o.cacheDir, onNotice: o.onNotice });
      o.onOpen?.(engine);
      opened.set(key, { engine, names: wanted, paths, format });
      return engine;
    },
  };

  /** Corpus `name` changed: rebuild each opened set that searches it, then let it be opened again. */
  async function refresh(name: string, w: NamedWatchOptions): Promise<void> {
    for (const [key, set] of [...opened]) {
      if (!set.names.includes(name)) continue;
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
  base: Engine,
  chooser: EngineChooser | undefined,
  settings: { corpora?: string[] | null } | undefined,
  captured?: { over(base: Engine): Engine },
): Engine {
  const names = settings?.corpora;
  const chosen = chooser && names?.length ? chooser.engineFor(names) : base;
  return captured ? captured.over(chosen) : chosen;
}
