// Operations figures for `npm run bench` (run by scripts/bench.ts as the "ops" extension, or alone with
// `node --expose-gc --import tsx scripts/bench-ops.ts [--quick] [--passages 100000]`):
//   - store operation latency: in-process, embedded file (keyv-file), Redis: get, set, claim, hit (p50/p99, ops/s);
//   - answers per second and p50/p99 of one interaction's core work (event claim, settings, rate limit, engine.ask)
//     for one process (embedded store), one process (Redis) and two processes sharing Redis;
//   - memory per process (RSS and heap after GC) with the index of a generated corpus loaded (100k passages by default).
// Redis comes from CRUX_TEST_REDIS_URL, else a redis-server on PATH is started on a free loopback port; without
// either, the Redis rows say so. Platform transport is not included (bench-discord and bench-slack measure that).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchRow } from './bench.ts';
import { PrivateRedis } from '../test/service/helpers/private-redis.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const SEED = join(ROOT, 'data', 'corpus');
const QUERIES = ['hyperstition', 'agency by default', 'sycophancy', 'what is the void', 'persona selection', 'alignment', 'hyperstiton', 'model welfare', 'simulators', 'deception'];

declare const gc: undefined | (() => void);

function pct(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** A Redis to measure against: CRUX_TEST_REDIS_URL, or our own redis-server, or null (with why). */
async function redisFor(): Promise<{ url: string; stop(): void } | { url: null; why: string }> {
  if (process.env.CRUX_TEST_REDIS_URL) return { url: process.env.CRUX_TEST_REDIS_URL, stop: () => {} };
  if (spawnSync('redis-server', ['--version']).status !== 0) return { url: null, why: 'no Redis (set CRUX_TEST_REDIS_URL or install redis-server)' };
  try {
    const r = await PrivateRedis.start();
    return { url: r.url, stop: () => void r.stop() };
  } catch {
    return { url: null, why: 'redis-server did not start' };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Store latency

async function storeLatency(kind: string, url: string, n: number): Promise<BenchRow[]> {
  const { openStore } = await import('../src/service/store.ts');
  const store = await openStore(url);
  const rows: BenchRow[] = [];
  const value = { query: 'hyperstition', source: null, page: 2, at: '2026-01-01T00:00:00Z' };
  const ops: Array<[string, (i: number) => Promise<unknown>]> = [
    ['set', (i) => store.set(`bench:v:${i % 500}`, value, 60_000)],
    ['get', (i) => store.get(`bench:v:${i % 500}`)],
    ['claim', (i) => store.claim(`bench:event:${Date.now()}:${i}`, 60_000)],
    ['hit', (i) => store.hit(`bench:rate:${i % 50}`, 60_000)],
  ];
  for (const [op, f] of ops) {
    for (let i = 0; i < Math.min(200, n); i++) await f(i); // warm up
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const a = performance.now();
      await f(i);
      lat.push(performance.now() - a);
    }
    const total = performance.now() - t0;
    lat.sort((a, b) => a - b);
    rows.push({ part: 'store', backend: kind, op, 'ops/s': Math.round((n / total) * 1000), 'p50 ms': r3(pct(lat, 0.5)), 'p99 ms': r3(pct(lat, 0.99)) });
  }
  await store.close();
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// A generated corpus (reuses the search bench's when it is there)

function corpusOf(dir: string, n: number): string {
  const label = n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
  const theirs = join(dir, `corpus-v2-${label}`);
  if (existsSync(join(theirs, '.done'))) return theirs;
  const out = join(dir, `ops-corpus-${label}`);
  if (existsSync(join(out, '.done'))) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  const sentences: string[] = [];
  for (const f of readdirSync(SEED).filter((f) => f.endsWith('.txt'))) {
    for (const line of readFileSync(join(SEED, f), 'utf8').split(/\r?\n/)) {
      for (const s of seg.segment(line.trim())) if (s.segment.trim().length > 20) sentences.push(s.segment.trim());
    }
  }
  let seed = 0x5eed + n;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const per = 10_000;
  for (let made = 0, file = 0; made < n; file++) {
    const lines: string[] = [];
    for (let i = 0; i < Math.min(per, n - made); i++) {
      const k = 1 + Math.floor(rnd() * 3);
      const parts = Array.from({ length: k }, () => sentences[Math.floor(rnd() * sentences.length)]);
      lines.push(`${parts.join(' ')} (${(made + i).toString(36)})`);
    }
    writeFileSync(join(out, `part-${String(file).padStart(4, '0')}.txt`), lines.join('\n\n') + '\n');
    made += lines.length;
  }
  writeFileSync(join(out, '.done'), String(n));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Workers: each loads the index, waits for "go", then answers as fast as it can for a fixed time.

interface WorkerResult {
  answers: number;
  seconds: number;
  p50: number;
  p99: number;
  rssMB: number;
  heapMB: number;
  loadMs: number;
  passages: number;
}

async function runWorker(): Promise<void> {
  const { openEngine } = await import('../src/core/engine.ts');
  const { openStore } = await import('../src/service/store.ts');
  const { getSettings, checkCommunityRate } = await import('../src/service/settings.ts');
  const t0 = performance.now();
  const engine = openEngine({ corpus: process.env.OPS_CORPUS!, cacheDir: process.env.OPS_CACHE! });
  const loadMs = performance.now() - t0;
  engine.ask('warm up');
  gc?.();
  await new Promise((r) => setTimeout(r, 50));
  gc?.();
  const mem = process.memoryUsage();
  const store = await openStore(process.env.OPS_STORE!);
  process.stdout.write('ready\n');
  await new Promise<void>((ok) => process.stdin.once('data', () => ok()));
  const until = performance.now() + Number(process.env.OPS_MS ?? 3000);
  const lat: number[] = [];
  const start = performance.now();
  const me = process.pid;
  let i = 0;
  while (performance.now() < until) {
    const a = performance.now();
    // One interaction's core work, as an adapter does it.
    if (await store.claim(`bench:ev:${me}:${i}`, 60_000)) {
      const s = await getSettings(store, 'bench', `G${i % 20}`);
      const v = await checkCommunityRate(store, 'bench', { userId: `U${me}-${i}`, channelId: `C${me}-${i}` }, s);
      if (v.ok) engine.ask(QUERIES[i % QUERIES.length], { limit: 5 });
    }
    lat.push(performance.now() - a);
    i++;
  }
  const seconds = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  await store.close();
  const out: WorkerResult = {
    answers: lat.length,
    seconds,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    rssMB: mem.rss / 2 ** 20,
    heapMB: mem.heapUsed / 2 ** 20,
    loadMs,
    passages: engine.stats.passages,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function startWorker(env: Record<string, string>): { proc: ChildProcess; ready: Promise<void>; done: Promise<WorkerResult> } {
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SELF], {
    cwd: ROOT,
    env: { ...process.env, CRUX_BENCH_OPS_WORKER: '1', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let readyFn: () => void = () => {};
  const ready = new Promise<void>((r) => (readyFn = r));
  const done = new Promise<WorkerResult>((ok, fail) => {
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) readyFn();
    });
    proc.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        ok(JSON.parse(last) as WorkerResult);
      } catch {
        fail(new Error(`ops worker exited with ${code}: ${last}`));
      }
    });
  });
  return { proc, ready, done };
}

async function answersPerSecond(label: string, processes: number, env: Record<string, string>): Promise<{ row: BenchRow; results: WorkerResult[] }> {
  const ws = Array.from({ length: processes }, () => startWorker(env));
  await Promise.all(ws.map((w) => w.ready));
  for (const w of ws) w.proc.stdin!.end('go\n');
  const results = await Promise.all(ws.map((w) => w.done));
  const total = results.reduce((s, r) => s + r.answers / r.seconds, 0);
  const row: BenchRow = {
    part: 'answers',
    setup: label,
    processes,
    passages: results[0].passages,
    'answers/s': Math.round(total),
    'p50 ms': r2(Math.max(...results.map((r) => r.p50))),
    'p99 ms': r2(Math.max(...results.map((r) => r.p99))),
  };
  return { row, results };
}

// ---------------------------------------------------------------------------------------------------------------

export async function bench(ctx: Pick<BenchContext, 'quick' | 'dir'> & { passages?: number }): Promise<BenchRow[]> {
  const dir = join(ctx.dir, 'ops');
  mkdirSync(dir, { recursive: true });
  const rows: BenchRow[] = [];
  const redis = await redisFor();
  try {
    const n = ctx.quick ? 1000 : 3000;
    rows.push(...(await storeLatency('memory', 'memory:', n)));
    rows.push(...(await storeLatency('file (keyv-file)', `file:${join(mkdtempSync(join(dir, 'store-')), 'state.json')}`, n)));
    if (redis.url) rows.push(...(await storeLatency('redis', redis.url, n)));
    else rows.push({ part: 'store', backend: 'redis', op: 'why' in redis ? redis.why : '' });

    const passages = ctx.passages ?? (ctx.quick ? 10_000 : 100_000);
    const corpus = corpusOf(dir, passages);
    const cache = join(dir, 'cache');
    // Build the index once, so the workers only load it.
    const { openEngine } = await import('../src/core/engine.ts');
    const tb = performance.now();
    const built = openEngine({ corpus, cacheDir: cache });
    const buildS = (performance.now() - tb) / 1000;
    void built;
    const ms = String(ctx.quick ? 2000 : 4000);
    const base = { OPS_CORPUS: corpus, OPS_CACHE: cache, OPS_MS: ms };
    const one = await answersPerSecond('embedded store', 1, { ...base, OPS_STORE: `file:${join(mkdtempSync(join(dir, 'store-')), 'state.json')}` });
    rows.push(one.row);
    if (redis.url) {
      rows.push((await answersPerSecond('Redis', 1, { ...base, OPS_STORE: redis.url })).row);
      rows.push((await answersPerSecond('Redis, shared', 2, { ...base, OPS_STORE: redis.url })).row);
    } else {
      rows.push({ part: 'answers', setup: `Redis: ${'why' in redis ? redis.why : ''}` });
    }
    const r = one.results[0];
    rows.push({
      part: 'memory',
      setup: 'one process, index loaded',
      passages: r.passages,
      'RSS MB': Math.round(r.rssMB),
      'heap MB': Math.round(r.heapMB),
      'load s': r2(r.loadMs / 1000),
      'build s (in bench process)': r2(buildS),
    });
  } finally {
    if ('stop' in redis) redis.stop();
  }
  return rows;
}

if (process.env.CRUX_BENCH_OPS_WORKER === '1') {
  await runWorker();
  process.exit(0);
} else if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--passages');
  const passages = i > 0 ? Number(process.argv[i + 1]) : undefined;
  const rows = await bench({ quick, dir: join(tmpdir(), 'crux-bench'), passages });
  console.table(rows);
  process.exit(0);
}
