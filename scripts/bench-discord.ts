// Discord end to end, on loopback: the real discord.js Client logged in to the fake Discord of the tests
// (test/adapters/discord/fake-discord.ts), answering INTERACTION_CREATE events over the seed corpus.
//
// The fake Discord and the load run in a worker thread, so their clock and their sockets are not held up while the bot
// computes an answer: latency is measured from the moment the fake gateway sends INTERACTION_CREATE to the moment the
// reply call (the interaction callback: the answer itself, or "thinking…" when the bot defers) reaches the fake REST
// server; the "answer" columns time the message that holds the answer (the callback, or the edit after a deferral).
//
// Run by `npm run bench` through the `bench` export (the contract in scripts/bench.ts), or alone:
//   node --import tsx scripts/bench-discord.ts [--quick]
// Other code can call `benchDiscord({ quick, dir, seedCorpus })`, which resolves with the rows of the table.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startDiscord } from '../adapters/discord/index.ts';
import { readConfig } from '../src/config.ts';
import { openEngine } from '../src/core/engine.ts';
import { memoryStore } from '../src/service/store.ts';
import { APP_ID, FAKE_TOKEN, FakeDiscord, type RestCall } from '../test/adapters/discord/fake-discord.ts';
import type { BenchContext, BenchRow } from './bench.ts';

const TOPICS = ['hyperstition', 'sycophancy', 'agency by default', 'persona selection model', 'inoculation prompting', 'the void', 'hyperstiton', 'security commitments'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const ms = (x: number) => Math.round(x * 100) / 100;

type Kind = '/crux' | 'autocomplete' | 'button (more passages)';

/**
 * Interactions per second and latency for /crux, autocomplete and button presses at a few concurrencies.
 * Rate limits are off: this measures the bot, not its manners.
 */
export async function benchDiscord(ctx: Pick<BenchContext, 'quick' | 'dir' | 'seedCorpus'>): Promise<BenchRow[]> {
  const cacheDir = join(ctx.dir, 'discord-cache');
  mkdirSync(cacheDir, { recursive: true });
  const engine = openEngine({ corpus: ctx.seedCorpus, cacheDir });
  // The worker loads this file through tsx's API, whatever loader flags this process was started with.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const load = new Worker(boot, { eval: true, workerData: { quick: ctx.quick } });
  const next = () =>
    new Promise<any>((resolve, reject) => {
      const onMessage = (m: any) => (load.off('error', onError), resolve(m));
      const onError = (e: Error) => (load.off('message', onMessage), reject(e));
      load.once('message', onMessage);
      load.once('error', onError);
    });
  const errors: string[] = [];
  let bot: Awaited<ReturnType<typeof startDiscord>> | null = null;
  try {
    const { apiUrl } = await next();
    const log = { info() {}, warn() {}, error: (m: string) => errors.push(m) };
    const config = readConfig({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: apiUrl });
    const huge = { max: 1e9, windowMs: 60_000 };
    bot = await startDiscord({ engine, store: memoryStore(), config, log }, { limits: { user: huge, channel: huge } });
    load.postMessage('go');
    const { rows, error } = await next();
    if (error) throw new Error(error);
    for (const r of rows as BenchRow[]) r.passages = engine.stats.unique;
    if (errors.length) throw new Error(`the bot logged errors: ${errors.slice(0, 3).join('; ')}`);
    return rows;
  } finally {
    await bot?.stop();
    await load.terminate();
  }
}

/** The worker: a fake Discord, and the load it sends to the bot in the main thread. */
async function runLoad(quick: boolean): Promise<void> {
  const fake = await FakeDiscord.start();
  fake.keepCalls = false;
  // Both ends of a measurement are taken here, on this thread's clock.
  const replied = new Map<string, (c: RestCall) => void>();
  const answered = new Map<string, (c: RestCall) => void>();
  fake.listeners.add((c) => {
    const cb = /\/interactions\/\d+\/([^/]+)\/callback$/.exec(c.path);
    if (cb) replied.get(cb[1])?.(c);
    const edit = /\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(c.path);
    if ((cb && [4, 7, 8].includes(c.body?.type)) || (edit && c.method === 'PATCH')) answered.get((cb ?? edit)![1])?.(c);
  });
  parentPort!.postMessage({ apiUrl: fake.apiUrl });
  await new Promise((r) => parentPort!.once('message', r));
  while (!fake.identifies.length) await new Promise((r) => setTimeout(r, 10));

  try {
    // Real answer messages, one per topic, to press "More passages" on.
    const pages: Array<{ message: unknown; id: string }> = [];
    for (const topic of TOPICS) {
      const token = fake.slash('crux', { topic, limit: 3 });
      const call = await new Promise<RestCall>((r) => answered.set(token, r));
      for (const row of call.body.data?.components ?? []) for (const b of row.components) if (b.label === 'More passages') pages.push({ message: call.body.data, id: b.custom_id });
    }

    let n = 0;
    // The token is chosen first so the listeners are in place before the event goes out.
    const run1 = async (kind: Kind): Promise<[number, number, boolean]> => {
      const i = n++;
      const user = { id: String(600000000000000000n + BigInt(i % 500)), username: `u${i % 500}`, discriminator: '0', global_name: `U${i % 500}`, avatar: null };
      const page = pages[i % pages.length];
      const topic = TOPICS[i % TOPICS.length];
      let resolveReply!: (c: RestCall) => void;
      let resolveAnswer!: (c: RestCall) => void;
      const reply = new Promise<RestCall>((r) => (resolveReply = r));
      const answer = new Promise<RestCall>((r) => (resolveAnswer = r));
      const token = fake.nextToken();
      replied.set(token, resolveReply);
      answered.set(token, resolveAnswer);
      if (kind === '/crux') fake.slash('crux', { topic }, { user, token });
      else if (kind === 'autocomplete') fake.autocomplete('crux', { topic: topic.slice(0, 3 + (i % 6)) }, 'topic', { user, token });
      else fake.press(page.message, page.id, { ephemeral: true, user, owner: user, token });
      const [r, a] = await Promise.all([reply, answer]);
      replied.delete(token);
      answered.delete(token);
      if (r.status >= 300) throw new Error(`callback answered ${r.status}`);
      const t0 = fake.sentAt.get(token)!;
      fake.sentAt.delete(token);
      return [r.at - t0, a.at - t0, r.body.type === 5 || r.body.type === 6];
    };

    const round = async (kind: Kind, total: number, concurrency: number): Promise<BenchRow> => {
      const first: number[] = [];
      const full: number[] = [];
      let deferred = 0;
      let left = total;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) {
            const [f, a, d] = await run1(kind);
            first.push(f);
            full.push(a);
            if (d) deferred++;
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      return {
        interaction: kind,
        concurrency,
        interactions: total,
        'per s': Math.round(total / secs),
        'reply p50 ms': ms(pct(first, 50)),
        'reply p99 ms': ms(pct(first, 99)),
        deferred: `${Math.round((100 * deferred) / total)}%`,
        'answer p50 ms': ms(pct(full, 50)),
        'answer p99 ms': ms(pct(full, 99)),
      };
    };

    const total = quick ? 200 : 1000;
    await round('/crux', 100, 4); // warm-up: JIT, keep-alive connections, engine caches
    const rows: BenchRow[] = [];
    for (const c of [1, 8, 32]) rows.push(await round('/crux', total, c));
    rows.push(await round('autocomplete', total, 8));
    for (const c of [1, 8]) rows.push(await round('button (more passages)', total, c));
    parentPort!.postMessage({ rows });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    await fake.close();
  }
}

/** The contract of scripts/bench.ts: rows for a table headed "discord". */
export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  return benchDiscord(ctx);
}

if (!isMainThread && workerData && typeof workerData.quick === 'boolean') {
  void runLoad(workerData.quick);
} else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  benchDiscord({ quick: process.argv.includes('--quick'), dir: join(tmpdir(), 'crux-bench'), seedCorpus: join(root, 'data', 'corpus') })
    .then((rows) => {
      console.table(rows);
      process.exit(0);
    })
    .catch((e) => {
      console.error(`bench-discord: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
