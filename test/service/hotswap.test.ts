import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS, openEngine } from '../../src/core/engine.ts';
import { FORMAT_VERSION } from '../../src/search/snapshot.ts';
import { liveEngine, type LiveEngine } from '../../src/service/hotswap.ts';
import { createLogger, memorySink } from '../../src/service/log.ts';
import { startService } from '../../src/service/service.ts';
import { memoryStore } from '../../src/service/store.ts';
import { ServeProcess } from './helpers/serve.ts';
import { tempDir } from '../helpers/temp.ts';

const NEW_WORD = 'zyzzogeton';
const NEW_FILE = `Nobody had mentioned the ${NEW_WORD} before this thread, and now everyone argues about the ${NEW_WORD}.\n`;

function corpusCopy(): { corpus: string; cache: string } {
  const root = tempDir('crux-swap-');
  const corpus = join(root, 'corpus');
  cpSync(DEFAULT_CORPUS, corpus, { recursive: true });
  return { corpus, cache: join(root, 'cache') };
}

const indexFile = (cache: string) => join(cache, readdirSync(cache).find((f) => f.endsWith('.bin'))!);

/** Rewrites the saved index's header as if an older Crux had written it. */
function makeOlder(file: string): void {
  const buf = readFileSync(file);
  const magic = 'CRUXIDX\n'.length;
  const hlen = buf.readUInt32LE(magic);
  const header = JSON.parse(buf.subarray(magic + 4, magic + 4 + hlen).toString());
  header.format = FORMAT_VERSION - 1;
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  writeFileSync(file, Buffer.concat([buf.subarray(0, magic), len, h, buf.subarray(magic + 4 + hlen)]));
}

const lives: LiveEngine[] = [];
const serves: ServeProcess[] = [];
afterEach(async () => {
  for (const l of lives.splice(0)) l.close();
  await Promise.all(serves.splice(0).map((s) => s.stop('SIGKILL')));
});

describe('a damaged or outdated saved index', () => {
  for (const [what, damage, notice] of [
    ['truncated', (f: string) => truncateSync(f, Math.floor(readFileSync(f).length / 2)), /Rebuilding the index: .*truncated|Rebuilding the index: .*(checksum|corrupt)/],
    ['from an older version', makeOlder, /Rebuilding the index: .*format/],
  ] as const) {
    it(`is rebuilt with a notice when ${what}, and the answers are the same as before`, () => {
      const { corpus, cache } = corpusCopy();
      const before = openEngine({ corpus, cacheDir: cache }).ask('hyperstition');
      damage(indexFile(cache));
      const notices: string[] = [];
      const after = openEngine({ corpus, cacheDir: cache, onNotice: (m) => notices.push(m) }).ask('hyperstition');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(notice);
      expect(after.passages.map((p) => [p.id, p.text])).toEqual(before.passages.map((p) => [p.id, p.text]));
      // …and the rebuilt file is good again: the next start loads it silently.
      const again: string[] = [];
      openEngine({ corpus, cacheDir: cache, onNotice: (m) => again.push(m) });
      expect(again).toEqual([]);
    });
  }
});

describe('the corpus changing while serving', () => {
  it('swaps the new index in atomically: every query during the rebuild is answered, then the new text is found', async () => {
    const { corpus, cache } = corpusCopy();
    const sink = memorySink();
    const live = liveEngine(openEngine({ corpus, cacheDir: cache }), { corpus, cacheDir: cache, log: createLogger({ sink }) });
    lives.push(live);
    expect(live.current().ask(NEW_WORD).passages).toHaveLength(0);

    writeFileSync(join(corpus, 'late.txt'), NEW_FILE);
    let running = true;
    const results: Array<'ok' | string> = [];
    let sawNew = false;
    const hammer = (async () => {
      while (running) {
        try {
          const a = live.current().ask('hyperstition');
          results.push(a.passages.length > 0 ? 'ok' : 'empty answer');
          if (live.current().ask(NEW_WORD).passages.length) sawNew = true;
        } catch (e) {
          results.push(`failed: ${(e as Error).message}`);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const result = await live.reload('test: a file was added');
    await new Promise((r) => setTimeout(r, 50));
    running = false;
    await hammer;

    expect(result.ok).toBe(true);
    expect(live.generation()).toBe(1);
    expect(results.length).toBeGreaterThan(20); // queries kept running while the child process built the index
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    expect(sawNew).toBe(true);
    expect(live.current().ask(NEW_WORD).passages[0].text).toContain(NEW_WORD);
    expect(sink.records().map((r) => String(r.msg))).toContainEqual(expect.stringMatching(/^Swapped in the new index: \d+ passages/));
  });

  it('keeps answering from the old index when the new corpus cannot be loaded, and says why', async () => {
    const { corpus, cache } = corpusCopy();
    const sink = memorySink();
    const live = liveEngine(openEngine({ corpus, cacheDir: cache }), { corpus, cacheDir: cache, log: createLogger({ sink }), buildInChild: false });
    lives.push(live);
    for (const f of readdirSync(corpus)) writeFileSync(join(corpus, f), '');
    const r = await live.reload('test: corpus emptied');
    expect(r.ok).toBe(false);
    expect(live.current().ask('hyperstition').passages.length).toBeGreaterThan(0);
    expect(sink.records().find((x) => x.level === 'error')?.msg).toMatch(/could not be (built|loaded); still answering from the previous one/);
  });

  it('picks up a new text file by watching the corpus folder, in place (no rebuild)', async () => {
    const { corpus, cache } = corpusCopy();
    const live = liveEngine(openEngine({ corpus, cacheDir: cache }), { corpus, cacheDir: cache, log: createLogger({ sink: memorySink() }), buildInChild: false });
    lives.push(live);
    live.watch(100);
    writeFileSync(join(corpus, 'late.txt'), NEW_FILE);
    for (let i = 0; i < 300 && live.current().ask(NEW_WORD).passages.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(live.current().ask(NEW_WORD).passages.length).toBeGreaterThan(0);
    expect(live.generation()).toBe(0);
  });

  it('rebuilds when a file is removed from the watched corpus folder', async () => {
    const { corpus, cache } = corpusCopy();
    const live = liveEngine(openEngine({ corpus, cacheDir: cache }), { corpus, cacheDir: cache, log: createLogger({ sink: memorySink() }), buildInChild: false });
    lives.push(live);
    live.watch(100);
    const gone = readdirSync(corpus).find((f) => f.endsWith('.txt'))!;
    rmSync(join(corpus, gone));
    for (let i = 0; i < 300 && live.generation() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(live.generation()).toBe(1);
    expect(live.current().stats.files).toBe(readdirSync(corpus).filter((f) => f.endsWith('.txt')).length);
  });
});

describe('crux serve with a damaged index and a changing corpus', { timeout: 240_000 }, () => {
  it('starts with a notice, answers, and on SIGHUP swaps in the new corpus without a failed request', async () => {
    const { corpus, cache } = corpusCopy();
    openEngine({ corpus, cacheDir: cache });
    truncateSync(indexFile(cache), 100);
    const s = await ServeProcess.start({ CRUX_CORPUS: corpus, CRUX_CACHE_DIR: cache });
    serves.push(s);
    expect(s.records().find((r) => r.level === 'warn' && /Rebuilding the index/.test(String(r.msg)))).toBeTruthy();
    expect((await s.ask('hyperstition')).status).toBe(200);

    appendFileSync(join(corpus, 'late.txt'), NEW_FILE);
    s.proc.kill('SIGHUP');
    const statuses: number[] = [];
    let found = false;
    const deadline = Date.now() + 120_000;
    while (!found && Date.now() < deadline) {
      const [a, b] = await Promise.all([s.ask('hyperstition', { user: `u${statuses.length}`, channel: `c${statuses.length}` }), s.ask(NEW_WORD, { user: `v${statuses.length}`, channel: `d${statuses.length}` })]);
      statuses.push(a.status, b.status);
      const reply = (await b.json()) as { answer?: { passages: unknown[] } };
      await a.arrayBuffer();
      found = (reply.answer?.passages.length ?? 0) > 0;
    }
    expect(found).toBe(true);
    expect(statuses.filter((c) => c !== 200)).toEqual([]);
    await s.waitFor((r) => /^Swapped in the new index/.test(String(r.msg)));
    expect(s.proc.exitCode).toBeNull();
  });
});

describe('the service and the corpus watchers', () => {
  async function serviceWith(watchCorpus: boolean) {
    const { corpus, cache } = corpusCopy();
    const live = liveEngine(openEngine({ corpus, cacheDir: cache }), { corpus, cacheDir: cache, log: createLogger({ sink: memorySink() }), buildInChild: false });
    const named = { started: 0, stopped: 0 };
    const watchNamed = () => {
      named.started++;
      return () => {
        named.stopped++;
      };
    };
    const service = await startService({ config: { httpPort: null, watchCorpus }, log: createLogger({ sink: memorySink() }), store: memoryStore(), live, running: [], signals: false, watchNamed });
    return { named, service };
  }

  it('watches the named corpora too when CRUX_WATCH_CORPUS is on, and stops watching them at shutdown', async () => {
    const { named, service } = await serviceWith(true);
    expect(named).toEqual({ started: 1, stopped: 0 });
    await service.shutdown('test');
    expect(named).toEqual({ started: 1, stopped: 1 });
  });

  it('watches nothing when it is off', async () => {
    const { named, service } = await serviceWith(false);
    await service.shutdown('test');
    expect(named.started).toBe(0);
  });
});
