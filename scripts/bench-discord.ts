// Discord end to end, on loopback: the real discord.js Client logged in to the fake Discord of the tests
// (test/discord/fake-discord.ts), answering INTERACTION_CREATE events over the seed corpus. Timed from the moment the
// fake gateway sends the event to the moment the reply call (the interaction callback: the answer, or "thinking…" when
// deferred) reaches the fake REST server; "answer" columns time the message with the answer itself.
// Run by `npm run bench` (the `bench` export below, per the contract in scripts/bench.ts), or alone:
//   node --import tsx scripts/bench-discord.ts [--quick]
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDiscord } from '../adapters/discord/index.ts';
import { readConfig } from '../src/config.ts';
import { openEngine } from '../src/engine.ts';
import { memoryStore } from '../src/store.ts';
import { APP_ID, FakeDiscord, type RestCall } from '../test/discord/fake-discord.ts';
import type { BenchContext, BenchRow } from './bench.ts';

const TOPICS = ['hyperstition', 'sycophancy', 'agency by default', 'persona selection model', 'inoculation prompting', 'the void', 'hyperstiton', 'security commitments'];
const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.bench0.not-a-real-token-only-loopback';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const ms = (x: number) => Math.round(x * 100) / 100;

type Kind = '/crux' | 'autocomplete' | 'button (more passages)';

/**
 * Interactions per second and latency (INTERACTION_CREATE sent → reply call received) for /crux, autocomplete and
 * button presses at a few concurrencies. Rate limits are off: this measures the bot, not its manners.
 */
export async function benchDiscord(ctx: Pick<BenchContext, 'quick' | 'dir' | 'seedCorpus'>): Promise<BenchRow[]> {
  const cacheDir = join(ctx.dir, 'discord-cache');
  mkdirSync(cacheDir, { recursive: true });
  const engine = openEngine({ corpus: ctx.seedCorpus, cacheDir });
  const fake = await FakeDiscord.start();
  fake.keepCalls = false;
  const replied = new Map<string, (c: RestCall) => void>();
  const answered = new Map<string, (c: RestCall) => void>();
  fake.listeners.add((c) => {
    const m = /\/interactions\/\d+\/([^/]+)\/callback$/.exec(c.path);
    if (m) replied.get(m[1])?.(c);
    // The answer itself: a callback with a message (types 4, 7, 8), or the edit that replaces "thinking…".
    const edit = /\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(c.path);
    if ((m && [4, 7, 8].includes(c.body?.type)) || (edit && c.method === 'PATCH')) answered.get((m ?? edit)![1])?.(c);
  });
  const errors: string[] = [];
  const log = { info() {}, warn() {}, error: (m: string) => errors.push(m) };
  const config = readConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl });
  const huge = { max: 1e9, windowMs: 60_000 };
  const bot = await startDiscord({ engine, store: memoryStore(), config, log }, { limits: { user: huge, channel: huge } });

  // Real answer messages, one per topic, to press "More passages" on.
  const pages: Array<{ message: unknown; id: string }> = [];
  for (const topic of TOPICS) {
    const token = fake.slash('crux', { topic, limit: 3 });
    const call = await new Promise<RestCall>((r) => replied.set(token, r));
    for (const row of call.body.data.components ?? []) for (const b of row.components) if (b.label === 'More passages') pages.push({ message: call.body.data, id: b.custom_id });
  }

  let n = 0;
  async function one(kind: Kind): Promise<[number, number, boolean]> {
    const i = n++;
    const user = { id: String(600000000000000000n + BigInt(i % 500)), username: `u${i % 500}`, discriminator: '0', global_name: null as unknown as string, avatar: null };
    const token =
      kind === '/crux'
        ? fake.slash('crux', { topic: TOPICS[i % TOPICS.length] }, { user })
        : kind === 'autocomplete'
          ? fake.autocomplete('crux', { topic: TOPICS[i % TOPICS.length].slice(0, 3 + (i % 6)) }, 'topic', { user })
          : fake.press(pages[i % pages.length].message, pages[i % pages.length].id, { ephemeral: true, user, owner: user });
    const [call, answer] = await Promise.all([new Promise<RestCall>((r) => replied.set(token, r)), new Promise<RestCall>((r) => answered.set(token, r))]);
    replied.delete(token);
    answered.delete(token);
    if (call.status >= 300) throw new Error(`callback answered ${call.status}`);
    const sent = fake.sentAt.get(token)!;
    fake.sentAt.delete(token);
    return [call.at - sent, answer.at - sent, call.body.type === 5 || call.body.type === 6];
  }

  async function round(kind: Kind, total: number, concurrency: number): Promise<BenchRow> {
    const lat: number[] = [];
    const full: number[] = [];
    let deferred = 0;
    let left = total;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) {
          const [first, answer, wasDeferred] = await one(kind);
          lat.push(first);
          full.push(answer);
          if (wasDeferred) deferred++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    return {
      interaction: kind,
      concurrency,
      interactions: total,
      'per s': Math.round(total / secs),
      'p50 ms': ms(pct(lat, 50)),
      'p99 ms': ms(pct(lat, 99)),
      'max ms': ms(Math.max(...lat)),
      deferred: `${Math.round((100 * deferred) / total)}%`,
      'answer p50 ms': ms(pct(full, 50)),
      'answer p99 ms': ms(pct(full, 99)),
    };
  }

  try {
    const total = ctx.quick ? 200 : 1000;
    await round('/crux', 100, 4); // warm-up: JIT, keep-alive connections, engine caches
    const rows: BenchRow[] = [];
    for (const c of [1, 8, 32]) rows.push(await round('/crux', total, c));
    rows.push(await round('autocomplete', total, 8));
    rows.push(await round('button (more passages)', total, 1));
    rows.push(await round('button (more passages)', total, 8));
    for (const r of rows) r.passages = engine.stats.unique;
    if (errors.length) throw new Error(`the bot logged errors: ${errors.slice(0, 3).join('; ')}`);
    return rows;
  } finally {
    await bot.stop();
    await fake.close();
  }
}

/** The contract of scripts/bench.ts: rows for a table headed "discord". */
export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  return benchDiscord(ctx);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = join(tmpdir(), 'crux-bench');
  benchDiscord({ quick: process.argv.includes('--quick'), dir, seedCorpus: join(root, 'data', 'corpus') })
    .then((rows) => {
      console.table(rows);
      process.exit(0);
    })
    .catch((e) => {
      console.error(`bench-discord: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
