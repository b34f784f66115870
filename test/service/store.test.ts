import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStore, openStore, redisStore, StoreError, type Store } from '../../src/service/store.ts';
import { createLogger, memorySink } from '../../src/service/log.ts';
import { NO_REDIS_MESSAGE, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.ts';
import { StoreProcess } from './helpers/store-process.ts';
import { tempDir } from '../helpers/temp.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STORE_MODULE = join(ROOT, 'src', 'service', 'store.ts');

const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const keep = <S extends Store>(s: S) => (open.push(s), s);
const tmp = () => tempDir('crux-store-');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the embedded store', () => {
  it('keeps settings, claims and counters across a restart', async () => {
    const file = join(tmp(), 'state.json');
    const a = fileStore(file);
    await a.set('settings:discord:g1', { visibility: 'public' });
    await a.set('page:abc', { topic: 'hyperstition', page: 2 }, 60_000);
    expect(await a.claim('event:Ev1', 60_000)).toBe(true);
    expect(await a.hit('rate:u1', 60_000)).toBe(1);
    expect(await a.hit('rate:u1', 60_000)).toBe(2);
    await a.close();

    const b = keep(fileStore(file));
    expect(await b.get('settings:discord:g1')).toEqual({ visibility: 'public' });
    expect(await b.get('page:abc')).toEqual({ topic: 'hyperstition', page: 2 });
    expect(await b.claim('event:Ev1', 60_000)).toBe(false);
    expect(await b.hit('rate:u1', 60_000)).toBe(3);
  });

  it('forgets values whose time is up', async () => {
    const s = keep(fileStore(join(tmp(), 'state.json')));
    await s.set('short', 'x', 30);
    expect(await s.claim('event:short', 30)).toBe(true);
    await sleep(60);
    expect(await s.get('short')).toBeUndefined();
    expect(await s.claim('event:short', 30)).toBe(true);
    expect(await s.hit('rate:short', 30)).toBe(1);
    await sleep(60);
    expect(await s.hit('rate:short', 30)).toBe(1);
  });

  it('lets exactly one of many simultaneous claims win, and counts every hit', async () => {
    const s = keep(fileStore(join(tmp(), 'state.json')));
    const wins = await Promise.all(Array.from({ length: 50 }, () => s.claim('event:same', 60_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const counts = await Promise.all(Array.from({ length: 50 }, () => s.hit('rate:same', 60_000)));
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('writes the file whole: what is on disk after a flush is valid JSON holding every value', async () => {
    const file = join(tmp(), 'state.json');
    const s = keep(fileStore(file));
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.set(`k${i}`, { i })));
    await s.flush!();
    const text = readFileSync(file, 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    for (const i of [0, 99, 199]) expect(text).toContain(`k${i}`);
  });

  it('saves a write made just before close, even when nothing else keeps the process alive', () => {
    // As at the end of a shutdown: the write's delay timer does not hold the process open, so close() must not
    // wait for it, or Node exits mid-flush (code 13, an unsettled top-level await) and the write is lost.
    const dir = tmp();
    const file = join(dir, 'state.json');
    const script = join(dir, 'close-at-once.mts');
    writeFileSync(
      script,
      `import { fileStore } from ${JSON.stringify(STORE_MODULE)};\n` +
        `const s = fileStore(process.argv[2]);\nawait s.set('last', 'word');\nawait s.close();\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).cache).toContainEqual(['crux:last', expect.anything()]);
  });

  it('moves an unreadable file aside with a warning and starts empty', async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"cache": [["crux:a", {"val');
    const sink = memorySink();
    const s = keep(fileStore(file, { log: createLogger({ sink }) }));
    expect(await s.get('a')).toBeUndefined();
    await s.set('a', 1);
    expect(await s.get('a')).toBe(1);
    expect(sink.records().map((r) => r.msg).join('\n')).toMatch(/could not be read; it was moved to .*state\.json\.unreadable-/);
    expect(readdirSync(dir).some((f) => f.startsWith('state.json.unreadable-'))).toBe(true);
  });

  it('refuses a second process on the same file, and says to use Redis', async () => {
    const file = join(tmp(), 'state.json');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${file}.lock`, String(other.pid));
      expect(() => fileStore(file)).toThrow(StoreError);
      expect(() => fileStore(file)).toThrow(/in use by another Crux process .*CRUX_STORE_URL=redis:/);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const file = join(tmp(), 'state.json');
    writeFileSync(`${file}.lock`, '999999999');
    const s = keep(fileStore(file));
    await s.set('a', 1);
    expect(await s.get('a')).toBe(1);
  });
});

describe('choosing a store from CRUX_STORE_URL', () => {
  it('refuses a scheme it does not know, naming the variable and without echoing a password', async () => {
    await expect(openStore('mongodb://user:pw-secret@host/db')).rejects.toThrow(/CRUX_STORE_URL must start with redis:\/\//);
    await expect(openStore('mongodb://user:pw-secret@host/db')).rejects.not.toThrow(/pw-secret/);
  });

  it('opens the embedded store for file: URLs and plain paths', async () => {
    const s = keep(await openStore(`file:${join(tmp(), 'a.json')}`));
    expect(s.status?.().backend).toBe('file');
    const t = keep(await openStore('memory:'));
    expect(t.status?.().backend).toBe('memory');
  });
});

describe.skipIf(!TEST_REDIS_URL)(`the Redis store${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, () => {
  const procs: StoreProcess[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  it('shares values, claims and counters between two processes', async () => {
    const prefix = uniquePrefix('share');
    const [a, b] = await Promise.all([StoreProcess.start(TEST_REDIS_URL, prefix), StoreProcess.start(TEST_REDIS_URL, prefix)]);
    procs.push(a, b);
    expect(a.pid).not.toBe(b.pid);
    await a.call('set', 'settings:slack:T1', { visibility: 'public', sources: ['LessWrong'] });
    expect(await b.call('get', 'settings:slack:T1')).toEqual({ visibility: 'public', sources: ['LessWrong'] });
    await b.call('delete', 'settings:slack:T1');
    expect(await a.call('get', 'settings:slack:T1')).toBeNull();

    // Both processes claim one event 20 times at once: exactly one claim wins, in one of them.
    const [winsA, winsB] = await Promise.all([a.call<boolean[]>('claimMany', 'event:Ev42', 60_000, 20), b.call<boolean[]>('claimMany', 'event:Ev42', 60_000, 20)]);
    expect([...winsA, ...winsB].filter(Boolean)).toHaveLength(1);
    // And each counts 20 hits: together they count to 40, every count given once.
    const [countsA, countsB] = await Promise.all([a.call<number[]>('hitMany', 'rate:user:U1', 60_000, 20), b.call<number[]>('hitMany', 'rate:user:U1', 60_000, 20)]);
    expect([...countsA, ...countsB].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('holds a claim and a counter for their time, and lets them expire', async () => {
    const s = keep(await redisStore(TEST_REDIS_URL, { prefix: uniquePrefix('ttl') }));
    // Held: a minute is far longer than the test takes, however busy the machine.
    expect(await s.claim('event:held', 60_000)).toBe(true);
    expect(await s.claim('event:held', 60_000)).toBe(false);
    expect(await s.hit('rate:held', 60_000)).toBe(1);
    expect(await s.hit('rate:held', 60_000)).toBe(2);
    // Expired: 50 ms are certainly over after 150 ms (a slow machine only waits longer).
    expect(await s.claim('event:short', 50)).toBe(true);
    expect(await s.hit('rate:short', 50)).toBe(1);
    await s.set('v', 'x', 50);
    await sleep(150);
    expect(await s.claim('event:short', 50)).toBe(true);
    expect(await s.hit('rate:short', 50)).toBe(1);
    expect(await s.get('v')).toBeUndefined();
  });
});
