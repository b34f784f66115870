// An engine thread: opens one corpus (loading its saved index, or building it when there is none or it is stale),
// builds what the first typo and the first autocomplete would otherwise build, says it is ready, then answers what
// the serving thread asks, one request at a time. None of this runs on the thread that talks to Discord and Slack.
import { parentPort, workerData } from 'node:worker_threads';
import { openEngine, type Engine } from '../../core/engine.ts';
import { suggesterFor } from '../../core/suggest.ts';
import { isUserError } from '../../errors.ts';
import { syncChangedFiles } from '../appends.ts';
import type { Op, Request, ThreadEvent, ThreadInput, WireError } from './protocol.ts';

const port = parentPort!;
const input = workerData as ThreadInput;
const post = (e: ThreadEvent) => port.postMessage(e);

function wire(e: unknown): WireError {
  if (isUserError(e)) return { message: e.message, user: true, code: e.code };
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, user: false, stack: err.stack };
}

/** The stats as plain data (the engine's count added passages through getters). */
const statsOf = (e: Engine) => ({ ...e.stats, passages: e.stats.passages, unique: e.stats.unique });

function run(engine: Engine, r: Op): unknown {
  switch (r.op) {
    case 'ask':
      return engine.ask(r.query, r.opts);
    case 'suggest': {
      const s = suggesterFor(engine);
      return r.titles ? s.suggestTitles(r.input, r.limit) : s.suggest(r.input, r.limit);
    }
    case 'upsert':
      return engine.upsert!(r.records, r.scope);
    case 'remove':
      return engine.remove!(r.ids, r.scope);
    case 'syncFiles':
      return syncChangedFiles(engine, input.corpus, input.format, r.changed);
  }
}

let engine: Engine | null = null;
try {
  engine = openEngine({ corpus: input.corpus, cacheDir: input.cacheDir, format: input.format, onNotice: (message) => post({ type: 'notice', message }) });
  engine.warm?.();
  suggesterFor(engine);
  post({ type: 'ready', stats: statsOf(engine), sources: engine.sources(), problems: engine.problems });
} catch (e) {
  post({ type: 'failed', error: wire(e) });
}

port.on('message', (r: Request) => {
  if (!engine) return post({ type: 'reply', id: r.id, ok: false, error: { message: 'the corpus is not open', user: false } });
  try {
    const value = run(engine, r);
    const changed = r.op === 'upsert' || r.op === 'remove' || r.op === 'syncFiles';
    post({ type: 'reply', id: r.id, ok: true, value, ...(changed && { stats: statsOf(engine) }) });
  } catch (e) {
    post({ type: 'reply', id: r.id, ok: false, error: wire(e) });
  }
});
