// An engine in a worker thread, as the serving thread uses it: opening a corpus (loading or building its index, the
// typo tree, the autocomplete phrases) and every answer run there, so the thread that acks Discord and Slack only
// ever posts a message and reads the reply. Answers, updates and suggestions come back as promises, in order.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { REPO_ROOT } from '../../paths.ts';
import type { EngineStats, ServedEngine } from '../../core/engine.ts';
import type { LiveChange, LiveDrafts, LiveRecord } from '../../core/live.ts';
import type { Answer, AskOptions, SourceInfo } from '../../core/types.ts';
import type { Suggestion } from '../../core/suggest.ts';
import type { Problem } from '../../corpus/types.ts';
import { UserError, type UserErrorCode } from '../../errors.ts';
import type { FileSync } from '../appends.ts';
import type { Op, ThreadEvent, ThreadInput, WireError } from './protocol.ts';

/** Autocomplete that answers from the engine's thread. */
export interface RemoteSuggester {
  suggest(input: string, limit?: number): Promise<Suggestion[]>;
  suggestTitles(input: string, limit?: number): Promise<Suggestion[]>;
}

export interface RemoteEngine extends ServedEngine {
  ask(query: string, opts?: AskOptions): Promise<Answer>;
  upsert(records: Array<LiveRecord | LiveDrafts>, scope?: string | null): Promise<LiveChange>;
  remove(ids: string[], scope?: string | null): Promise<LiveChange>;
  /** Brings the passages of corpus files that changed up to date in place (appends.ts), or says why not. */
  syncFiles(changed: string[]): Promise<FileSync>;
  suggester: RemoteSuggester;
  /** Requests sent and not yet answered. */
  pending(): number;
  /** False once the thread has stopped (closed, or died). */
  alive(): boolean;
  /** Called once if the thread stops without being closed (a crash, out of memory). */
  onExit(listener: (why: string) => void): void;
  /** Stops the thread once what was asked of it is answered (or after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export interface ThreadOptions extends ThreadInput {
  /** One-line notices from opening ("Rebuilding the index: …"). */
  onNotice?: (msg: string) => void;
}

/**
 * The thread's entry, found from the repository root rather than this file: the service may run from the compiled
 * build (dist/, scripts/build.mjs), while the thread loads the sources through tsx.
 */
const ENTRY = pathToFileURL(join(REPO_ROOT, 'src', 'service', 'worker', 'entry.mjs'));

/** Opens a corpus in a new engine thread; resolves when it can answer, rejects (a UserError when it is one) when it cannot. */
export function openInThread(o: ThreadOptions): Promise<RemoteEngine> {
  const input: ThreadInput = { corpus: o.corpus, cacheDir: o.cacheDir, format: o.format };
  const worker = new Worker(ENTRY, { workerData: input });
  const waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  const exits: Array<(why: string) => void> = [];
  let nextId = 1;
  let stopped: string | null = null;
  let closing = false;
  let drained: (() => void) | null = null;

  return new Promise((opened, failed) => {
    let ready = false;
    const stats = {} as EngineStats;
    let sources: SourceInfo[] = [];
    let problems: Problem[] = [];

    const call = <T>(op: Op): Promise<T> => {
      if (stopped) return Promise.reject(gone(stopped));
      const id = nextId++;
      return new Promise<T>((ok, fail) => {
        waiting.set(id, { ok: ok as (v: unknown) => void, fail });
        worker.postMessage({ ...op, id });
      });
    };

    worker.on('message', (e: ThreadEvent) => {
      if (e.type === 'notice') o.onNotice?.(e.message);
      else if (e.type === 'ready') {
        ready = true;
        Object.assign(stats, e.stats);
        sources = e.sources;
        problems = e.problems;
        opened(remote);
      } else if (e.type === 'failed') {
        failed(errorOf(e.error));
        void worker.terminate();
      } else {
        const w = waiting.get(e.id);
        waiting.delete(e.id);
        if (e.ok && e.stats) Object.assign(stats, e.stats);
        if (e.ok) w?.ok(e.value);
        else w?.fail(errorOf(e.error));
        if (drained && waiting.size === 0) drained();
      }
    });
    worker.on('error', (e) => stop(`the engine thread failed: ${e.message}`));
    worker.on('exit', (code) => stop(`the engine thread stopped (exit code ${code})`));

    function stop(why: string): void {
      if (stopped) return;
      stopped = why;
      for (const w of waiting.values()) w.fail(gone(why));
      waiting.clear();
      drained?.();
      if (!ready) failed(new Error(why));
      else if (!closing) for (const l of exits) l(why);
    }

    const remote: RemoteEngine = {
      ask: (query, opts) => call<Answer>({ op: 'ask', query, opts }),
      upsert: (records, scope) => call<LiveChange>({ op: 'upsert', records, scope: scope ?? null }),
      remove: (ids, scope) => call<LiveChange>({ op: 'remove', ids, scope: scope ?? null }),
      syncFiles: (changed) => call<FileSync>({ op: 'syncFiles', changed }),
      suggester: {
        suggest: (text, limit) => call<Suggestion[]>({ op: 'suggest', titles: false, input: text, limit }),
        suggestTitles: (text, limit) => call<Suggestion[]>({ op: 'suggest', titles: true, input: text, limit }),
      },
      sources: () => sources,
      get problems() {
        return problems;
      },
      stats,
      pending: () => waiting.size,
      alive: () => !stopped,
      onExit: (l) => void exits.push(l),
      async close(graceMs = 30_000) {
        closing = true;
        if (waiting.size && !stopped) {
          await Promise.race([new Promise<void>((r) => (drained = r)), new Promise((r) => setTimeout(r, graceMs).unref())]);
        }
        stop('the engine thread was closed');
        await worker.terminate();
      },
    };
  });
}

function errorOf(e: WireError): Error {
  if (e.user && e.code) return new UserError(e.code as UserErrorCode, e.message);
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/** What an ask gets when the engine's thread stopped under it: a user-facing "ask again", while it is reopened. */
function gone(why: string): Error {
  return new UserError('LOADING', `Crux is reopening its corpus (${why}); ask again in a moment.`);
}
