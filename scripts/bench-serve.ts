// Serving while the corpus changes (the "serve" extension of `npm run bench`, or alone:
//   node --import tsx scripts/bench-serve.ts [--quick] [--sizes 100k,1M] [--dir DIR]):
//   - Slack acks (signed /crux over HTTP into the real Bolt App) and Discord initial responses (the real discord.js
//     Client on the fake gateway of the tests) while a corpus of 100k and of 1M passages is swapped in, beside the same
//     load with nothing swapped in, /healthz asked at the same pace, and the serving thread's event-loop delay
//     (perf_hooks.monitorEventLoopDelay) over each. The swap is what a reload does after its `crux index` child has saved the index: open it in a new engine
//     thread (load, typo tree, autocomplete phrases), give it the records added while serving, swap, close the old one;
//   - the time from a record appended to a corpus JSONL file (the watcher, CRUX_WATCH_CORPUS, with its 1 s debounce)
//     and from updates.upsert (live capture) to the record being found by an ask.
// The two platforms' fakes and the load run in a worker thread, on their own clock. The corpus is the search bench's
// generated one plus a small JSONL folder of this bench; its index is built once (a `crux index` child) and kept in
// the bench folder, so a rerun starts at once.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { BenchContext, BenchRow } from './bench.ts';

const SECRET = 'bench-signing-secret';
/** Requests a second on each platform: a busy community's pace, well under what one process answers. */
const RATE = 20;
const TOPICS = ['hyperstition', 'sycophancy', 'agency by default', 'persona selection model', 'inoculation prompting', 'the void', 'hyperstiton', 'security commitments'];
/** An extension gets this long (scripts/bench/extensions.ts): building a 1M index the first time takes most of it. */
export const timeoutS = 1800;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const label = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

interface Latencies {
  slack: number[];
  discord: number[];
  health: number[];
  errors: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// The main thread: the service as npm start runs it (engine threads, hotswap, Slack and Discord adapters).

export async function benchServe(ctx: Pick<BenchContext, 'quick' | 'dir' | 'sizes'>, log: (s: string) => void = () => {}): Promise<BenchRow[]> {
  const sizes = ctx.sizes.filter((n) => n >= 100_000 || process.env.BENCH_SERVE_ANY_SIZE);
  if (!sizes.length) sizes.push(100_000);
  const rows: BenchRow[] = [];
  for (const n of sizes) rows.push(...(await oneSize(n, ctx, log)));
  return rows;
}

async function oneSize(n: number, ctx: Pick<BenchContext, 'quick' | 'dir'>, log: (s: string) => void): Promise<BenchRow[]> {
  const { ensureCorpus } = await import('./bench/corpus.ts');
  const { indexPathFor, corpusFingerprint } = await import('../src/core/engine.ts');
  const { openInThread } = await import('../src/service/worker/remote.ts');
  const { buildInChild, liveEngine } = await import('../src/service/hotswap.ts');
  const { liveUpdates } = await import('../src/service/updates.ts');
  const { instrumentEngine } = await import('../src/service/metrics.ts');
  const { startSlack } = await import('../adapters/slack/app.ts');
  const { startDiscord } = await import('../adapters/discord/index.ts');
  const { readConfig } = await import('../src/config.ts');
  const { memoryStore } = await import('../src/service/store.ts');
  const { startOpsServer } = await import('../src/service/http.ts');
  const { APP_ID, FAKE_TOKEN } = await import('../test/adapters/discord/fake-discord.ts');

  const generated = await ensureCorpus(ctx.dir, n, log);
  // A JSONL file of this bench's beside the generated text: what the watcher sees a record appended to.
  const liveDir = join(ctx.dir, 'serve-live');
  const jsonl = join(liveDir, 'live.jsonl');
  if (!existsSync(jsonl)) {
    mkdirSync(liveDir, { recursive: true });
    writeFileSync(jsonl, `${JSON.stringify({ id: 'seed-1', text: 'A first record of the live file, about hyperstition.', author: 'bench' })}\n`);
  }
  const corpus = [generated, liveDir];
  const cacheDir = join(ctx.dir, 'serve-cache');
  const index = indexPathFor(corpus, cacheDir);
  const mark = `${index}.fingerprint`;
  const fingerprint = corpusFingerprint(corpus);
  if (!existsSync(index) || !existsSync(mark) || readFileSync(mark, 'utf8') !== fingerprint) {
    log(`  serve: building the ${label(n)} index (crux index, once)`);
    const error = await buildInChild({ cacheDir }, corpus);
    if (error) throw new Error(`crux index failed: ${error}`);
    writeFileSync(mark, fingerprint);
  }

  const silent = { info() {}, warn() {}, error: (m: string) => errors.push(m) };
  const errors: string[] = [];
  const t0 = performance.now();
  const first = await openInThread({ corpus, cacheDir });
  const openS = (performance.now() - t0) / 1000;
  const updates = liveUpdates();
  // The index is saved already: a reload's swap is opening it in a new thread (what follows the `crux index` child).
  const live = liveEngine(first, { corpus, cacheDir, log: silent, open: (x) => openInThread(x), build: async () => null, updates, mergeAfterMs: 3_600_000 });
  const engine = instrumentEngine(() => live.current(), 'bench');

  // The load thread loads this file through tsx's API, whatever loader flags this process was started with.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const load = new Worker(boot, { eval: true, workerData: { role: 'load', secret: SECRET, topics: TOPICS } });
  const next = () =>
    new Promise<any>((ok, fail) => {
      const onMessage = (m: any) => (load.off('error', onError), ok(m));
      const onError = (e: Error) => (load.off('message', onMessage), fail(e));
      load.once('message', onMessage);
      load.once('error', onError);
    });
  let slack: Awaited<ReturnType<typeof startSlack>> | null = null;
  let discord: Awaited<ReturnType<typeof startDiscord>> | null = null;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | null = null;
  try {
    const { slackApi, discordApi } = await next();
    slack = await startSlack({
      engine,
      store: memoryStore(),
      log: silent,
      botToken: 'xoxb-bench',
      apiUrl: `${slackApi}/api/`,
      retryConfig: { retries: 0 },
      transport: { mode: 'http', signingSecret: SECRET, port: 0, host: '127.0.0.1' },
      limits: false,
    });
    const huge = { max: 1e9, windowMs: 60_000 };
    discord = await startDiscord(
      { engine, store: memoryStore(), config: readConfig({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discordApi }), log: silent },
      { limits: { user: huge, channel: huge } },
    );
    const store = memoryStore();
    ops = await startOpsServer(0, { engine: () => live.current(), store, adapters: () => [], stopping: () => false }, silent);
    load.postMessage({ connect: `http://127.0.0.1:${slack.port}/slack/events`, health: `http://127.0.0.1:${ops.port}/healthz` });
    await next();

    const delay = monitorEventLoopDelay({ resolution: 10 });
    /** Starts the load, runs `during` (at least `minMs`), then reads the latencies and the loop's delay. */
    const measure = async (during: () => Promise<unknown>, minMs: number) => {
      delay.reset();
      delay.enable();
      load.postMessage({ start: { perSecond: RATE } });
      try {
        await new Promise((r) => setTimeout(r, 200));
        await Promise.all([during(), new Promise((r) => setTimeout(r, minMs))]);
      } finally {
        load.postMessage({ stop: true });
      }
      const got: Latencies = await next();
      delay.disable();
      if (got.errors.length) throw new Error(`requests failed: ${got.errors.slice(0, 3).join('; ')}`);
      return { got, loopP99: delay.percentile(99) / 1e6, loopMax: delay.max / 1e6 };
    };
    const row = (phase: string, m: Awaited<ReturnType<typeof measure>>, extra: BenchRow = {}): BenchRow => ({
      passages: label(n),
      phase,
      'slack acks': m.got.slack.length,
      'ack p50 ms': r1(pct(m.got.slack, 50)),
      'ack p99 ms': r1(pct(m.got.slack, 99)),
      'ack max ms': r1(Math.max(...m.got.slack)),
      'discord replies': m.got.discord.length,
      'reply p50 ms': r1(pct(m.got.discord, 50)),
      'reply p99 ms': r1(pct(m.got.discord, 99)),
      'reply max ms': r1(Math.max(...m.got.discord)),
      'healthz p99 ms': r1(pct(m.got.health, 99)),
      'healthz max ms': r1(Math.max(...m.got.health)),
      'loop delay p99 ms': r1(m.loopP99),
      'loop delay max ms': r1(m.loopMax),
      ...extra,
    });

    const idle = async () => {};
    log(`  serve: ${label(n)} opened in ${r1(openS)} s; measuring`);
    await measure(idle, 1_000); // warm-up: JIT, keep-alive connections, engine caches
    const out: BenchRow[] = [];
    out.push(row('steady (nothing swapped)', await measure(idle, ctx.quick ? 3_000 : 6_000), { 'swap s': null }));
    let swapS = 0;
    const swap = async () => {
      const s0 = performance.now();
      const r = await live.reload('bench');
      if (!r.ok) throw new Error(`the swap failed: ${r.error}`);
      swapS = (performance.now() - s0) / 1000;
    };
    log('  serve: swapping');
    const during = await measure(swap, 500);
    log('  serve: appending');
    out.push(row('during a swap', during, { 'swap s': r1(swapS) }));

    // Appended to the JSONL file while the watcher runs: found after the debounce and an in-place update.
    const before = statSync(jsonl);
    const stop = live.watch(1_000);
    const word = `zq${Date.now().toString(36)}`;
    const a0 = performance.now();
    appendFileSync(jsonl, `${JSON.stringify({ id: `appended-${word}`, text: `An appended record about ${word}.` })}\n`);
    const appendedMs = await until(async () => (await engine.ask(word)).passages.length > 0, 60_000).then(() => performance.now() - a0);
    stop();
    truncateSync(jsonl, before.size);
    utimesSync(jsonl, before.atime, before.mtime);
    // Added through the service (live capture's path): found by the next ask.
    const u0 = performance.now();
    await updates.upsert([{ id: `captured-${word}`, text: `A captured message about ${word}x.` }], 'discord:bench');
    const upsertedMs = await until(async () => (await engine.ask(`${word}x`, { scope: 'discord:bench' })).passages.length > 0, 10_000).then(() => performance.now() - u0);
    out.push({
      passages: label(n),
      phase: 'a record appended → found',
      'open s': r1(openS),
      'JSONL append (watcher, 1 s debounce) ms': Math.round(appendedMs),
      'updates.upsert ms': r1(upsertedMs),
      ...(errors.length ? { errors: errors.slice(0, 3).join('; ') } : {}),
    });
    return out;
  } finally {
    await slack?.stop();
    await discord?.stop();
    await ops?.close();
    load.postMessage({ close: true });
    await new Promise((r) => setTimeout(r, 200));
    await load.terminate();
    await live.close({ engines: true });
  }
}

async function until(test: () => Promise<boolean>, ms: number): Promise<void> {
  for (const end = performance.now() + ms; performance.now() < end; ) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`not found within ${ms} ms`);
}

// ---------------------------------------------------------------------------------------------------------------
// The load thread: a fake Slack API with its response_url sink, the fake Discord, and the senders.

async function runLoad(o: { secret: string; topics: string[] }): Promise<void> {
  const http = await import('node:http');
  const { createHmac } = await import('node:crypto');
  const { FakeDiscord } = await import('../test/adapters/discord/fake-discord.ts');
  const port = parentPort!;
  const slackApi = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/auth.test') return res.end(JSON.stringify({ ok: true, user_id: 'UBENCH', bot_id: 'BBENCH', user: 'crux', team_id: 'TBENCH' }));
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => slackApi.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(slackApi.address() as { port: number }).port}`;
  const fake = await FakeDiscord.start();
  fake.keepCalls = false;
  const replied = new Map<string, (at: number) => void>();
  fake.listeners.add((c) => {
    const cb = /\/interactions\/\d+\/([^/]+)\/callback$/.exec(c.path);
    if (cb) replied.get(cb[1])?.(c.at);
  });
  port.postMessage({ slackApi: base, discordApi: fake.apiUrl });

  let url = '';
  let healthUrl = '';
  let got: Latencies = { slack: [], discord: [], health: [], errors: [] };
  let n = 0;
  const slackOne = async () => {
    const i = n++;
    const body = new URLSearchParams({
      token: 't', team_id: 'TBENCH', team_domain: 'b', channel_id: `C${i % 50}`, channel_name: 'general', user_id: `U${i % 200}`, user_name: 'u',
      command: '/crux', text: o.topics[i % o.topics.length], api_app_id: 'A', is_enterprise_install: 'false', response_url: `${base}/response/${i}`, trigger_id: `bench.${i}`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const sig = `v0=${createHmac('sha256', o.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const t0 = performance.now();
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig }, body });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`Bolt answered ${r.status}`);
    return performance.now() - t0;
  };
  const discordOne = async () => {
    const i = n++;
    const token = fake.nextToken();
    const at = new Promise<number>((r) => replied.set(token, r));
    const user = { id: String(600000000000000000n + BigInt(i % 500)), username: `u${i % 500}`, discriminator: '0', global_name: `U${i % 500}`, avatar: null };
    fake.slash('crux', { topic: o.topics[i % o.topics.length] }, { user, token });
    const t = (await at) - fake.sentAt.get(token)!;
    replied.delete(token);
    fake.sentAt.delete(token);
    return t;
  };
  const healthOne = async () => {
    const t0 = performance.now();
    const r = await fetch(healthUrl);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`/healthz answered ${r.status}`);
    return performance.now() - t0;
  };
  // Open loop: requests go out at a steady pace whatever the answers do, as people's questions do.
  const fire = (one: () => Promise<number>, into: number[]) =>
    inFlight.add(
      one().then(
        (ms) => void into.push(ms),
        (e: Error) => void got.errors.push(e.message),
      ),
    );
  const inFlight = new Set<Promise<void>>();
  let ticker: NodeJS.Timeout | null = null;
  port.on('message', async (m: any) => {
    if (m.connect) {
      url = m.connect;
      healthUrl = m.health;
      while (!fake.identifies.length) await new Promise((r) => setTimeout(r, 10));
      port.postMessage({ ready: true });
    } else if (m.start) {
      got = { slack: [], discord: [], health: [], errors: [] };
      inFlight.clear();
      ticker = setInterval(() => {
        fire(slackOne, got.slack);
        fire(discordOne, got.discord);
        fire(healthOne, got.health);
      }, 1000 / m.start.perSecond);
    } else if (m.stop) {
      if (ticker) clearInterval(ticker);
      await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 30_000))]);
      port.postMessage(got);
    } else if (m.close) {
      slackApi.closeAllConnections();
      slackApi.close();
      await fake.close();
    }
  });
}

/** The contract of scripts/bench.ts: rows for a table headed "serve". */
export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  return benchServe(ctx, (s) => process.stderr.write(`${s}\n`));
}

if (!isMainThread && workerData?.role === 'load') {
  void runLoad(workerData);
} else if (isMainThread && process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--sizes');
  const sizes = at > 0 ? process.argv[at + 1].split(',').map((s) => Number(s.replace(/k$/i, 'e3').replace(/M$/, 'e6'))) : [100_000];
  const dirAt = process.argv.indexOf('--dir');
  const dir = dirAt > 0 ? resolve(process.argv[dirAt + 1]) : join(tmpdir(), 'crux-bench');
  benchServe({ quick: process.argv.includes('--quick'), dir, sizes }, (s) => console.error(s))
    .then((rows) => {
      console.table(rows);
      process.exit(0);
    })
    .catch((e) => {
      console.error(`bench-serve: ${e instanceof Error ? e.stack : String(e)}`);
      process.exit(1);
    });
}
