// Nothing heavy on the serving thread: corpora are opened and searched in worker threads (src/service/worker/), swapped
// in when ready, and the thread that acks Discord and Slack keeps turning meanwhile.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS, openEngine, type Engine, type ServedEngine } from '../../src/core/engine.ts';
import type { Answer } from '../../src/core/types.ts';
import { isUserError } from '../../src/errors.ts';
import { engineChooser, LOADING_WAIT_MS } from '../../src/service/engines.ts';
import { liveEngine, openHere, type LiveEngine } from '../../src/service/hotswap.ts';
import { createLogger, memorySink } from '../../src/service/log.ts';
import { metricsText } from '../../src/service/metrics.ts';
import { liveUpdates } from '../../src/service/updates.ts';
import { openInThread, type RemoteEngine } from '../../src/service/worker/remote.ts';

const root = mkdtempSync(join(tmpdir(), 'crux-threads-'));
const remotes: RemoteEngine[] = [];
const lives: LiveEngine[] = [];
afterEach(async () => {
  await Promise.all(lives.splice(0).map((l) => l.close({ engines: true })));
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const WORD = 'zyzzogeton';
let n = 0;
function corpusCopy(): { corpus: string; cache: string } {
  const dir = join(root, `c${n++}`);
  cpSync(DEFAULT_CORPUS, join(dir, 'corpus'), { recursive: true });
  return { corpus: join(dir, 'corpus'), cache: join(dir, 'cache') };
}

async function inThread(corpus: string, cacheDir: string): Promise<RemoteEngine> {
  const r = await openInThread({ corpus: [corpus], cacheDir });
  remotes.push(r);
  return r;
}

const ids = (a: Answer) => a.passages.map((p) => p.id);

async function until(test: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !(await test()) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
}

describe('a corpus opened in a worker thread', () => {
  it('answers as the same corpus opened here does, and takes updates', async () => {
    const { corpus, cache } = corpusCopy();
    const here = openEngine({ corpus, cacheDir: cache });
    const there = await inThread(corpus, cache);
    for (const q of ['hyperstition', 'agency by default', 'hyperstiton']) expect(ids(await there.ask(q))).toEqual(ids(here.ask(q)));
    expect(there.stats.passages).toBe(here.stats.passages);
    expect(there.sources()).toEqual(here.sources());
    expect(await there.upsert([{ id: 'm1', text: `The ${WORD} is new here.` }], 'discord:G')).toEqual({ added: 1, removed: 0, rejected: [] });
    expect(ids(await there.ask(WORD, { scope: 'discord:G' }))).toEqual(['m1']);
    expect(there.stats.passages).toBe(here.stats.passages + 1);
    expect((await there.suggester.suggest('hyperst', 5)).length).toBeGreaterThan(0);
  });

  it('passes a user’s mistake back as the same UserError', async () => {
    const { corpus, cache } = corpusCopy();
    const there = await inThread(corpus, cache);
    const e = await there.ask('   ').catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('EMPTY_QUERY');
  });

  it('refuses to open a corpus with nothing in it, saying why', async () => {
    const empty = mkdtempSync(join(root, 'empty-'));
    writeFileSync(join(empty, 'x.txt'), '');
    const e = await openInThread({ corpus: [empty], cacheDir: join(root, 'cache-empty') }).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('NO_CORPUS');
  });

  it('leaves the serving thread free while it builds the index', async () => {
    const { corpus, cache } = corpusCopy();
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const there = await inThread(corpus, cache); // no saved index yet: it is built in the thread
    counting = false;
    expect(there.stats.passages).toBeGreaterThan(100);
    // Opening here runs start to finish in one turn of the event loop; in a thread, the loop turns all along.
    expect(turns).toBeGreaterThan(20);
  });

  it('is closed once what was asked of it is answered', async () => {
    const { corpus, cache } = corpusCopy();
    const there = await inThread(corpus, cache);
    const asked = [there.ask('hyperstition'), there.ask('sycophancy')];
    await there.close();
    expect((await Promise.all(asked)).every((a) => a.passages.length > 0)).toBe(true);
    expect(there.alive()).toBe(false);
    const late = await there.ask('hyperstition').catch((x: unknown) => x);
    expect(isUserError(late) && late.code).toBe('LOADING');
  });
});

describe('swapping in a rebuilt index served from threads', () => {
  const threaded = (corpus: string, cache: string, initial: RemoteEngine) => {
    const live = liveEngine<ServedEngine>(initial, {
      corpus,
      cacheDir: cache,
      log: createLogger({ sink: memorySink() }),
      open: (x) => openInThread(x),
    });
    lives.push(live);
    return live;
  };

  it('answers every question asked during the swap, from the old index or the new, and closes the old thread', async () => {
    const { corpus, cache } = corpusCopy();
    const first = await openInThread({ corpus: [corpus], cacheDir: cache });
    const live = threaded(corpus, cache, first);
    writeFileSync(join(corpus, 'late.txt'), `Nobody had mentioned the ${WORD} before.\n`);
    let asking = true;
    const outcomes: string[] = [];
    const hammer = (async () => {
      while (asking) {
        const a = await Promise.resolve()
          .then(() => live.current().ask('hyperstition'))
          .catch((e: Error) => e);
        outcomes.push(a instanceof Error ? a.message : a.passages.length ? 'ok' : 'empty');
      }
    })();
    const r = await live.reload('test');
    asking = false;
    await hammer;
    expect(r.ok).toBe(true);
    expect(outcomes.length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    expect(ids(await live.current().ask(WORD))).toEqual(['late:L1']);
    await until(() => !first.alive());
    expect(first.alive()).toBe(false);
  });

  it('keeps the old engine when the new index cannot be built', async () => {
    const { corpus, cache } = corpusCopy();
    const first = await openInThread({ corpus: [corpus], cacheDir: cache });
    const live = threaded(corpus, cache, first);
    for (const f of readdirSync(corpus)) writeFileSync(join(corpus, f), '');
    const r = await live.reload('test: corpus emptied');
    expect(r.ok).toBe(false);
    expect(live.current()).toBe(first);
    expect((await live.current().ask('hyperstition')).passages.length).toBeGreaterThan(0);
  });

  it('gives the new engine the records added while serving before it answers', async () => {
    const { corpus, cache } = corpusCopy();
    const updates = liveUpdates();
    const first = await openInThread({ corpus: [corpus], cacheDir: cache });
    const live = liveEngine<ServedEngine>(first, { corpus, cacheDir: cache, log: createLogger({ sink: memorySink() }), open: (x) => openInThread(x), updates });
    lives.push(live);
    await updates.upsert([{ id: 'm1', text: `Captured: the ${WORD}.` }], 'slack:T1');
    appendFileSync(join(corpus, readdirSync(corpus).find((f) => f.endsWith('.txt'))!), 'One more line.\n');
    expect((await live.reload('test')).ok).toBe(true);
    expect(live.current()).not.toBe(first);
    expect(ids(await live.current().ask(WORD, { scope: 'slack:T1' }))).toEqual(['m1']);
  });

  it('opens the corpus again when the engine’s thread stops on its own', async () => {
    const { corpus, cache } = corpusCopy();
    let crash: (why: string) => void = () => {};
    const real = openHere({ corpus: [corpus], cacheDir: cache, onNotice: () => {} });
    // Stands in for an engine thread that dies (out of memory, say): it says so through onExit.
    const dying = { ...real, onExit: (l: (why: string) => void) => void (crash = l) } as unknown as Engine;
    const sink = memorySink();
    const live = liveEngine<Engine>(dying, { corpus, cacheDir: cache, log: createLogger({ sink }), buildInChild: false });
    crash('exit code 1');
    await until(() => live.generation() === 1);
    expect(live.generation()).toBe(1);
    expect(live.current()).not.toBe(dying);
    expect(sink.records().map((r) => String(r.msg))).toContainEqual('The engine stopped (exit code 1); opening the corpus again.');
    await live.close();
  });
});

describe('named corpora opened in threads', () => {
  const corporaFile = (corpus: string) => {
    const f = join(root, `corpora${n++}.json`);
    writeFileSync(f, JSON.stringify({ corpora: { seed: { paths: [corpus] } } }));
    return f;
  };

  it('answer their first questions once opened, and are opened once', async () => {
    const { corpus, cache } = corpusCopy();
    const { readCorpora } = await import('../../src/corpus/corpora.ts');
    let opens = 0;
    const chooser = engineChooser({
      base: () => openEngine({ corpus, cacheDir: cache }),
      corpora: readCorpora(corporaFile(corpus)),
      cacheDir: cache,
      open: (x) => (opens++, openInThread({ corpus: [x.corpus ?? corpus].flat(), cacheDir: x.cacheDir })),
    });
    openEngine({ corpus, cacheDir: cache }); // a saved index to load, so the thread opens it well within the wait
    const waiting = chooser.engineFor(['seed']);
    const answers = await Promise.all([waiting.ask('hyperstition'), chooser.engineFor(['seed']).ask('sycophancy')]);
    expect(answers.every((a) => a.passages.length > 0)).toBe(true);
    await until(() => chooser.engineFor(['seed']) !== waiting);
    expect(chooser.engineFor(['seed'])).not.toBe(waiting);
    expect(opens).toBe(1);
    await chooser.close();
  });

  it('tell a question that waited too long to ask again, and answer once they are open', async () => {
    const { corpus, cache } = corpusCopy();
    const { readCorpora } = await import('../../src/corpus/corpora.ts');
    let finish: (e: ServedEngine) => void = () => {};
    const chooser = engineChooser({
      base: () => openEngine({ corpus, cacheDir: cache }),
      corpora: readCorpora(corporaFile(corpus)),
      cacheDir: cache,
      open: () => new Promise<ServedEngine>((ok) => (finish = ok)),
    });
    const t0 = Date.now();
    const e = await Promise.resolve(chooser.engineFor(['seed']).ask('hyperstition')).catch((x: unknown) => x);
    expect(isUserError(e) && e.code).toBe('LOADING');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(LOADING_WAIT_MS - 50);
    finish(openEngine({ corpus, cacheDir: cache }));
    const ask = () => Promise.resolve().then(() => chooser.engineFor(['seed']).ask('hyperstition'));
    await until(async () => ((await ask().catch(() => null))?.passages.length ?? 0) > 0, 5_000);
    expect((await chooser.engineFor(['seed']).ask('hyperstition')).passages.length).toBeGreaterThan(0);
  });
});

describe('/metrics', () => {
  it('reports how late the serving thread’s event loop runs (perf_hooks.monitorEventLoopDelay)', async () => {
    const m = (await metricsText()).body;
    for (const name of ['crux_nodejs_eventloop_lag_p99_seconds', 'crux_nodejs_eventloop_lag_max_seconds']) expect(m).toMatch(new RegExp(`^${name} \\d`, 'm'));
  });
});
