// Live capture figures for `npm run bench` (the "capture" extension; alone: `npm run bench -- --only capture`):
//   - messages per second captured and indexed: written to the capture log (a file, as with the embedded store),
//     applied to the community's state and searchable corpus, in backfill pages of 100 and one by one (live);
//   - time from a message posted to it being found by a question (p50/p99), with 10k and 100k messages captured;
//   - memory (heap after GC, RSS) with 100k messages captured, searchable; the log's size and its replay time;
//   - with Redis (CRUX_TEST_REDIS_URL, else a redis-server on PATH): the same writes through the shared stream, and
//     the time until a second process's index has a message the first wrote.
// Messages are the generated bench corpus's passages (1-4 sentences of the seed corpus each).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchRow } from './bench.ts';
import { ensureCorpus, readPassages } from './bench/corpus.ts';
import { percentile } from './bench/measure.ts';
import { openEngine, type Engine, type ServedEngine } from '../src/core/engine.ts';
import { openInThread } from '../src/service/worker/remote.ts';
import { memoryStore } from '../src/service/store.ts';
import { silentLog } from '../src/service/log.ts';
import { setSetting } from '../src/service/settings.ts';
import { fileCaptureLog, type CaptureLog } from '../src/service/capture/log.ts';
import { captureService, type CaptureService } from '../src/service/capture/service.ts';
import { incrementalCorpora } from '../src/service/capture/searchable.ts';
import { liveUpdates } from '../src/service/updates.ts';
import type { CapturedMessage } from '../src/service/capture/message.ts';

declare const gc: undefined | (() => void);

const GUILD = 'G1';
const CHANNEL = 'C1';
const r1 = (x: number) => Math.round(x * 10) / 10;
const mb = (b: number) => Math.round(b / 2 ** 20);

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

let seq = 0;
function messageOf(text: string, at = Date.now()): CapturedMessage {
  const id = String(1_000_000_000_000_000n + BigInt(++seq));
  return { id, channel: CHANNEL, title: '#debates', thread: CHANNEL, parent: null, authorId: `U${seq % 50}`, author: `Member ${seq % 50}`, at: new Date(at).toISOString(), version: at, url: null, text };
}

/**
 * A capture service indexing into `base`, as `crux serve` wires it (src/service/serve.ts): the engine is attached to
 * the service's live updates from the start, so each message is indexed as it is captured (and a replay indexes all).
 */
async function serviceOver(log: CaptureLog, base: ServedEngine): Promise<CaptureService> {
  const store = memoryStore();
  await setSetting(store, base as Engine, { platform: 'discord', communityId: GUILD }, 'capture', CHANNEL);
  const updates = liveUpdates();
  updates.attach(base);
  const s = captureService({ log, store, corpora: incrementalCorpora(updates), logger: silentLog(), settingsTtlMs: 60_000 });
  await s.start();
  return s;
}

/** Waits until a question in the community finds `word` (an engine in a thread answers once it has applied what came before). */
async function found(s: CaptureService, base: ServedEngine, word: string, since: number): Promise<void> {
  while (!(await s.engineFor('discord', GUILD, base).ask(word)).passages.length) {
    await new Promise((r) => setImmediate(r));
    if (performance.now() - since > 300_000) throw new Error(`not searchable within 300 s (${word})`);
  }
}

/** Posts `n` messages one at a time, each with a word of its own; for each, the time until a question finds it. */
async function toSearchable(s: CaptureService, base: ServedEngine, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const word = `zq${i}x${seq}`;
    const t0 = performance.now();
    await s.message('discord', GUILD, messageOf(`A fresh remark about ${word} in the debate.`));
    await found(s, base, word, t0);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/** `texts` with a word of its own at the end of the last one, to know when all of them are searchable. */
function marked(texts: string[], word: string): CapturedMessage[] {
  return texts.map((t, i) => messageOf(i === texts.length - 1 ? `${t} ${word}` : t));
}

/** Captures `n` messages into a file log, indexing them into `base` (in this thread, or an engine thread). */
async function fileRow(ctx: BenchContext, texts: string[], n: number, engine: string, open: () => Promise<ServedEngine>, probes: number): Promise<BenchRow> {
  const dir = join(ctx.dir, `capture-${n}-${engine}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'capture.log');
  const base = await open();
  const heap0 = heap();
  const s = await serviceOver(fileCaptureLog(file), base);
  // Backfill-sized pages, until a question finds the last of them.
  const t0 = performance.now();
  const pages = marked(texts.slice(0, n - 1_000), 'zpagedlast');
  for (let i = 0; i < pages.length; i += 100) await s.messages('discord', GUILD, pages.slice(i, i + 100));
  await found(s, base, 'zpagedlast', t0);
  const paged = performance.now() - t0;
  // The last 1,000 one by one, as live messages arrive.
  const t1 = performance.now();
  const live = marked(texts.slice(n - 1_000, n), 'zlivelast');
  for (const m of live) await s.message('discord', GUILD, m);
  await found(s, base, 'zlivelast', t1);
  const oneByOne = performance.now() - t1;
  const t2 = performance.now();
  await s.engineFor('discord', GUILD, base).ask('alignment');
  const ask = performance.now() - t2;
  const lat = await toSearchable(s, base, probes);
  const row: BenchRow = {
    captured: n.toLocaleString('en'),
    log: 'file',
    engine,
    'paged msg/s': Math.round((n - 1_000) / (paged / 1000)),
    'live msg/s': Math.round(1_000 / (oneByOne / 1000)),
    'a question ms': Math.round(ask),
    'to searchable p50 ms': r1(percentile(lat, 0.5)),
    'to searchable p99 ms': r1(percentile(lat, 0.99)),
    'heap MB': engine === 'thread' ? null : mb(heap() - heap0),
    'rss MB': mb(process.memoryUsage().rss),
    'log MB': mb(statSync(file).size),
    'replay and index s': null,
  };
  await s.close();
  await (base as { close?: () => Promise<void> }).close?.();
  const again = await open();
  const t3 = performance.now();
  const replayed = await serviceOver(fileCaptureLog(file), again);
  await found(replayed, again, 'zlivelast', t3);
  row['replay and index s'] = r1((performance.now() - t3) / 1000);
  await replayed.close();
  await (again as { close?: () => Promise<void> }).close?.();
  rmSync(dir, { recursive: true, force: true });
  return row;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes = ctx.quick ? [10_000] : [10_000, 100_000];
  const corpus = await ensureCorpus(ctx.dir, Math.max(...sizes), (m) => console.error(m));
  const texts = readPassages(corpus);
  // The corpus the community chose (the seed corpus); a fresh engine for each service, so none sees another's records.
  const where = { corpus: [ctx.seedCorpus], cacheDir: join(ctx.dir, 'capture-cache') };
  const fresh = () => openEngine(where);
  const probes = ctx.quick ? 5 : 10;
  for (const n of sizes) rows.push(await fileRow(ctx, texts, n, 'in-process', async () => fresh(), probes));
  // As crux serve runs it: the engine in a worker thread of its own (src/service/worker/).
  rows.push(await fileRow(ctx, texts, Math.max(...sizes), 'thread', () => openInThread(where), probes));
  rows.push(...(await redisRows(ctx, texts, fresh, probes)));
  return rows;
}

/** Writes through a Redis stream, and how soon a second process's index has what the first wrote. */
async function redisRows(ctx: BenchContext, texts: string[], fresh: () => Engine, probes: number): Promise<BenchRow[]> {
  const { PrivateRedis } = await import('../test/service/helpers/private-redis.ts');
  let url = process.env.CRUX_TEST_REDIS_URL ?? null;
  let own: { stop(): Promise<void> } | null = null;
  if (!url && spawnSync('redis-server', ['--version']).status === 0) {
    const r = await PrivateRedis.start();
    own = r;
    url = r.url;
  }
  if (!url) return [{ captured: '-', log: 'redis: none (set CRUX_TEST_REDIS_URL or install redis-server)' }];
  const { redisCaptureLog } = await import('../src/service/capture/redis-log.ts');
  const prefix = `crux-bench-capture-${process.pid}`;
  const n = ctx.quick ? 2_000 : 10_000;
  try {
    // Two processes' worth: each service has its own connection and its own engine.
    const base = fresh();
    const writer = await serviceOver(await redisCaptureLog(url, { prefix }), fresh());
    const reader = await serviceOver(await redisCaptureLog(url, { prefix }), base);
    const t0 = performance.now();
    for (let i = 0; i + 100 <= n; i += 100) await writer.messages('discord', GUILD, texts.slice(i, i + 100).map((t) => messageOf(t)));
    const paged = performance.now() - t0;
    // The reader catches up with the pages before the probes start.
    while (reader.state.count(`discord:${GUILD}`) < n) await new Promise((r) => setTimeout(r, 10));
    const across: number[] = [];
    for (let i = 0; i < probes; i++) {
      const word = `zr${i}x${seq}`;
      const t = performance.now();
      await writer.message('discord', GUILD, messageOf(`Across processes: ${word}.`));
      while (!reader.engineFor('discord', GUILD, base).ask(word).passages.length) await new Promise((r) => setTimeout(r, 1));
      across.push(performance.now() - t);
    }
    across.sort((a, b) => a - b);
    await writer.close();
    await reader.close();
    return [{ captured: n.toLocaleString('en'), log: 'redis stream', 'paged msg/s': Math.round(n / (paged / 1000)), 'to searchable p50 ms': r1(percentile(across, 0.5)), 'to searchable p99 ms': r1(percentile(across, 0.99)), note: 'searchable in a second process' }];
  } finally {
    const { createClient } = await import('@keyv/redis');
    const c = createClient({ url });
    await c.connect();
    await c.del(`${prefix}:capture:log`);
    await c.close();
    await own?.stop();
  }
}

if (process.argv[1] && process.argv[1].endsWith('bench-capture.ts')) {
  const dir = join(process.env.TMPDIR ?? '/tmp', 'crux-bench');
  mkdirSync(dir, { recursive: true });
  const quick = process.argv.includes('--quick');
  const root = join(import.meta.dirname, '..');
  bench({ quick, sizes: [], dir, seedCorpus: join(root, 'data', 'corpus'), root }).then((rows) => console.table(rows));
}
