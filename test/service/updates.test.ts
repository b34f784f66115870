// Changes while serving without a rebuild: corpus files changed on disk (appends.ts, hotswap's watcher) and records
// added through the service (updates.ts), which every engine opened later gets too.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { syncChangedFiles } from '../../src/service/appends.ts';
import { buildInChild, liveEngine, type LiveEngine } from '../../src/service/hotswap.ts';
import { createLogger, memorySink } from '../../src/service/log.ts';
import { liveUpdates } from '../../src/service/updates.ts';
import { engineForCommunity } from '../../src/service/engines.ts';
import { incrementalCorpora } from '../../src/service/capture/searchable.ts';
import { communityKey, type CapturedMessage } from '../../src/service/capture/message.ts';
import { instrumentEngine } from '../../src/service/metrics.ts';
import { REPO } from '../cli/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'crux-updates-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const lives: LiveEngine<Engine>[] = [];
afterEach(() => {
  for (const l of lives.splice(0)) l.close();
});

const WORD = 'zyzzogeton';
let n = 0;
/** A corpus of a JSONL file (the replies fixture) and a text file, with its own cache folder. */
function corpus(): { dir: string; cache: string; jsonl: string; txt: string } {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO, 'test', 'fixtures', 'positions', 'replies', 'comments.jsonl'), join(dir, 'comments.jsonl'));
  writeFileSync(join(dir, 'notes.txt'), 'A first note about gardening and tomatoes.\nA second note about the weather in June.\n');
  return { dir, cache: join(dir, '..', `cache${n}`), jsonl: join(dir, 'comments.jsonl'), txt: join(dir, 'notes.txt') };
}

const found = (e: Engine, q: string, scope?: string) => e.ask(q, { limit: 20, scope }).passages.map((p) => p.id);

async function until(test: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !test() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
}

describe('a corpus file changed on disk', () => {
  it('gets a record appended to a JSONL file searchable in place, without a rebuild', () => {
    const c = corpus();
    const e = openEngine({ corpus: c.dir, cacheDir: c.cache });
    appendFileSync(c.jsonl, JSON.stringify({ id: 'c9', thread: 't1', parent: 'c1', author: 'hal', text: `The ${WORD} week is here.` }) + '\n');
    const r = syncChangedFiles(e, [c.dir], undefined, [c.jsonl]);
    expect(r).toEqual({ ok: true, change: { added: 1, removed: 0, rejected: [] }, files: 1 });
    expect(found(e, WORD)).toEqual(['c9']);
    expect(found(e, 'four-day week')).toContain('c1'); // the rest is as it was
  });

  it('gets a line appended to a text file, with the id a rebuild gives it', () => {
    const c = corpus();
    const e = openEngine({ corpus: c.dir, cacheDir: c.cache });
    appendFileSync(c.txt, `A third note, about the ${WORD}.\n`);
    expect(syncChangedFiles(e, [c.dir], undefined, [c.txt]).ok).toBe(true);
    expect(found(e, WORD)).toEqual(['notes:L3']);
    expect(found(openEngine({ corpus: c.dir, cacheDir: join(c.cache, 'fresh') }), WORD)).toEqual(['notes:L3']);
  });

  it('gets an edited and a deleted record updated in place', () => {
    const c = corpus();
    const e = openEngine({ corpus: c.dir, cacheDir: c.cache });
    const lines = [
      JSON.stringify({ id: 'c1', thread: 't1', author: 'ann', text: `A ${WORD} week is good for productivity.` }),
      JSON.stringify({ id: 'c2', thread: 't1', parent: 'c1', author: 'bob', text: 'A four-day week is bad for customers, who expect service every weekday.' }),
    ];
    writeFileSync(c.jsonl, lines.join('\n') + '\n');
    const r = syncChangedFiles(e, [c.dir], undefined, [c.jsonl]);
    expect(r.ok && r.change).toEqual({ added: 1, removed: 6, rejected: [] }); // c1 replaced, c3…c7 gone
    expect(found(e, WORD)).toEqual(['c1']);
    expect(found(e, 'trail')).toEqual([]);
    expect(found(e, 'customers')).toEqual(['c2']);
  });

  it('asks for a rebuild when a file is removed, sources.json changes, or the file is not read line by line', () => {
    const c = corpus();
    const e = openEngine({ corpus: c.dir, cacheDir: c.cache });
    writeFileSync(join(c.dir, 'sources.json'), '{"sources": []}');
    writeFileSync(join(c.dir, 'export.json'), '[]');
    unlinkSync(c.txt);
    expect(syncChangedFiles(e, [c.dir], undefined, [c.txt])).toEqual({ ok: false, why: 'notes.txt was removed or renamed' });
    expect(syncChangedFiles(e, [c.dir], undefined, [join(c.dir, 'sources.json')])).toEqual({ ok: false, why: 'sources.json changed' });
    expect(syncChangedFiles(e, [c.dir], undefined, [join(c.dir, 'export.json')])).toEqual({ ok: false, why: 'export.json is not a JSONL, text or Markdown file' });
    expect(syncChangedFiles(e, [c.dir], 'slack', [c.jsonl])).toEqual({ ok: false, why: 'slack files are read as a whole' });
  });
});

describe('the corpus watcher', () => {
  it('applies an appended record in place within seconds, then merges it into the saved index in the background', async () => {
    const c = corpus();
    const sink = memorySink();
    const live = liveEngine(openEngine({ corpus: c.dir, cacheDir: c.cache }), { corpus: c.dir, cacheDir: c.cache, log: createLogger({ sink }), mergeAfterMs: 1_000 });
    lives.push(live);
    live.watch(50);
    appendFileSync(c.jsonl, JSON.stringify({ id: 'c9', text: `The ${WORD} arrives.` }) + '\n');
    await until(() => found(live.current(), WORD).length > 0);
    expect(found(live.current(), WORD)).toEqual(['c9']);
    expect(live.generation()).toBe(0); // found without a swap
    expect(sink.records().map((r) => String(r.msg))).toContainEqual(expect.stringMatching(/^Updated 1 changed file\(s\) in place: 1 passages added/));
    await until(() => live.generation() === 1 && !live.reloading(), 60_000);
    expect(live.generation()).toBe(1); // the merge: a rebuild in a child process, swapped in
    expect(found(live.current(), WORD)).toEqual(['c9']);
    expect(openEngine({ corpus: c.dir, cacheDir: c.cache, onNotice: (m) => expect.fail(m) }).stats.passages).toBe(live.current().stats.passages);
  });

  it('rebuilds when a change cannot be applied in place', async () => {
    const c = corpus();
    const live = liveEngine(openEngine({ corpus: c.dir, cacheDir: c.cache }), { corpus: c.dir, cacheDir: c.cache, log: createLogger({ sink: memorySink() }), buildInChild: false });
    lives.push(live);
    live.watch(50);
    unlinkSync(c.txt);
    await until(() => live.generation() > 0);
    expect(live.generation()).toBe(1);
    expect(found(live.current(), 'tomatoes')).toEqual([]);
  });

  it('keeps a change made after a rebuild read the files and before it was swapped in', async () => {
    const c = corpus();
    let live: LiveEngine<Engine> | null = null;
    // The real build, then a line appended (and applied in place) before the engine it made is swapped in.
    const build = async (paths: string[]) => {
      const error = await buildInChild({ cacheDir: c.cache }, paths);
      appendFileSync(c.txt, `A late note about the ${WORD}.\n`);
      await until(() => found(live!.current(), WORD).length > 0);
      return error;
    };
    live = liveEngine(openEngine({ corpus: c.dir, cacheDir: c.cache }), { corpus: c.dir, cacheDir: c.cache, log: createLogger({ sink: memorySink() }), build });
    lives.push(live);
    live.watch(20);
    expect((await live.reload('test')).ok).toBe(true);
    expect(live.generation()).toBe(1);
    expect(found(live.current(), WORD)).toEqual(['notes:L3']);
  });
});

describe('records added through the service', () => {
  const record = { id: 'm1', text: `Community G met the ${WORD}.`, author: 'Ann', title: '#general' };

  it('reach every attached engine, and an engine attached later', async () => {
    const c = corpus();
    const a = openEngine({ corpus: c.dir, cacheDir: c.cache });
    const updates = liveUpdates();
    updates.attach(a);
    await updates.upsert([record], 'discord:G');
    await updates.remove(['c7']);
    const b = openEngine({ corpus: c.dir, cacheDir: c.cache });
    updates.attach(b);
    for (const e of [a, b]) {
      expect(found(e, WORD, 'discord:G')).toEqual(['m1']);
      expect(found(e, WORD, 'discord:H')).toEqual([]);
      expect(found(e, 'trail')).toEqual([]);
    }
    expect(updates.size()).toBe(2);
  });

  it('are given once to an engine seen through a proxy (metrics) and directly', async () => {
    const c = corpus();
    const e = openEngine({ corpus: c.dir, cacheDir: c.cache });
    const updates = liveUpdates();
    updates.attach(e);
    updates.attach(instrumentEngine(() => e, 'test'));
    expect((await updates.upsert([record], 'discord:G')).added).toBe(1);
    expect(e.stats.passages - openEngine({ corpus: c.dir, cacheDir: c.cache }).stats.passages).toBe(1);
  });

  it('survive a reload of the corpus', async () => {
    const c = corpus();
    const updates = liveUpdates();
    const live = liveEngine(openEngine({ corpus: c.dir, cacheDir: c.cache }), { corpus: c.dir, cacheDir: c.cache, log: createLogger({ sink: memorySink() }), buildInChild: false, updates });
    lives.push(live);
    await updates.upsert([record], 'slack:T1');
    expect((await live.reload('test')).ok).toBe(true);
    expect(live.generation()).toBe(1);
    expect(found(live.current(), WORD, 'slack:T1')).toEqual(['m1']);
  });
});

describe('captured messages', () => {
  const msg = (id: string, text: string): CapturedMessage => ({
    id,
    channel: 'C1',
    title: '#debates',
    thread: null,
    parent: null,
    authorId: 'U1',
    author: 'Ann',
    at: '2026-03-01T10:00:00.000Z',
    version: 1,
    url: `https://discord.com/channels/G/C1/${id}`,
    text,
  });

  it('are searched in their own community only, shaped as the export readers shape a message', () => {
    const c = corpus();
    const engine = openEngine({ corpus: c.dir, cacheDir: c.cache });
    const corpora = incrementalCorpora(liveUpdates());
    corpora.put(communityKey('discord', 'G'), [msg('111', `First paragraph on the ${WORD}.\n\n> a quoted line\n\nSecond ${WORD} paragraph.`)]);
    const ask = (communityId: string) => {
      const e = engineForCommunity(engine, undefined, undefined, { over: (base) => corpora.over(communityKey('discord', communityId), base) });
      return (e as Engine).ask(WORD).passages.map((p) => [p.id, p.source.site]);
    };
    expect(ask('G')).toEqual([
      ['111', 'Discord'],
      ['111.2', 'Discord'],
    ]);
    expect(ask('H')).toEqual([]);
    corpora.remove(communityKey('discord', 'G'), ['111']);
    expect(ask('G')).toEqual([]);
  });
});
