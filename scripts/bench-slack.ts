// Slack end to end, on loopback: signed /crux requests into the real Bolt App (HTTP mode) over the seed corpus, timed
// from sending the request to its ack (HTTP 200) and to the moment Crux's respond() POST reaches the response_url.
// The load generator and the response_url sink run in a worker thread, so their clocks are not held up by the app's
// own event loop (the search is synchronous). Run by `npm run bench` (the `bench` export), or alone:
//   node --import tsx scripts/bench-slack.ts [--quick]
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openEngine } from '../src/core/engine.ts';
import { memoryStore } from '../src/service/store.ts';
import { startSlack } from '../adapters/slack/app.ts';
import type { BenchContext, BenchRow } from './bench.ts';

const SECRET = 'bench-signing-secret';
const TOPICS = ['hyperstition', 'sycophancy', 'agency by default', 'persona selection model', 'inoculation prompting', 'the void', 'hyperstiton', 'security commitments'];

// Plain JavaScript run in the worker: a fake Slack (auth.test and response_url sinks) and the request sender.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { secret, topics } = workerData;
const waiting = new Map();
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = req.url || '';
    res.setHeader('content-type', 'application/json');
    if (url === '/api/auth.test') return res.end(JSON.stringify({ ok: true, user_id: 'UBENCH', bot_id: 'BBENCH', user: 'crux', team_id: 'TBENCH' }));
    if (url.startsWith('/response/')) {
      const done = waiting.get(url);
      waiting.delete(url);
      if (done) done(performance.now());
      return res.end('{"ok":true}');
    }
    res.statusCode = 404;
    res.end('{"ok":false,"error":"unknown_method"}');
  });
});
let n = 0;
let base = '';
async function one(url) {
  const i = n++;
  const path = '/response/T/' + i + '/x';
  const body = new URLSearchParams({
    token: 't', team_id: 'TBENCH', team_domain: 'b', channel_id: 'C' + (i % 50), channel_name: 'general', user_id: 'U' + (i % 200),
    user_name: 'u', command: '/crux', text: topics[i % topics.length], api_app_id: 'A', is_enterprise_install: 'false',
    response_url: base + path, trigger_id: 'bench.' + i,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + createHmac('sha256', secret).update('v0:' + ts + ':' + body).digest('hex');
  const responded = new Promise((r) => waiting.set(path, r));
  const t0 = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig }, body });
  await r.arrayBuffer();
  const tAck = performance.now();
  if (r.status !== 200) throw new Error('Bolt answered ' + r.status);
  return [tAck - t0, (await responded) - t0];
}
parentPort.on('message', async (m) => {
  if (m.stop) { server.closeAllConnections(); server.close(); parentPort.close(); return; }
  try {
    const acks = [], resps = [];
    let left = m.total;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: m.concurrency }, async () => {
      while (left-- > 0) { const [a, r] = await one(m.url); acks.push(a); resps.push(r); }
    }));
    parentPort.postMessage({ acks, resps, secs: (performance.now() - t0) / 1000 });
  } catch (e) { parentPort.postMessage({ error: String(e && e.stack || e) }); }
});
server.listen(0, '127.0.0.1', () => { base = 'http://127.0.0.1:' + server.address().port; parentPort.postMessage({ base }); });
`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const ms = (x: number) => Math.round(x * 10) / 10;

interface RoundResult {
  acks: number[];
  resps: number[];
  secs: number;
  error?: string;
}

async function run(ctx: Pick<BenchContext, 'quick' | 'dir' | 'seedCorpus'>): Promise<BenchRow[]> {
  const cacheDir = join(ctx.dir, 'slack-bench-cache');
  mkdirSync(cacheDir, { recursive: true });
  const engine = openEngine({ corpus: ctx.seedCorpus, cacheDir });
  const worker = new Worker(WORKER, { eval: true, workerData: { secret: SECRET, topics: TOPICS } });
  const next = () => new Promise<any>((r, j) => {
    worker.once('message', r);
    worker.once('error', j);
  });
  const { base } = await next();
  const app = await startSlack({
    engine,
    store: memoryStore(),
    log: { info() {}, warn() {}, error: (m: string) => process.stderr.write(`${m}\n`) },
    botToken: 'xoxb-bench',
    apiUrl: `${base}/api/`,
    retryConfig: { retries: 0 },
    transport: { mode: 'http', signingSecret: SECRET, port: 0, host: '127.0.0.1' },
    limits: false,
  });
  const url = `http://127.0.0.1:${app.port}/slack/events`;

  async function round(total: number, concurrency: number): Promise<BenchRow> {
    const got = next();
    worker.postMessage({ url, total, concurrency });
    const r: RoundResult = await got;
    if (r.error) throw new Error(r.error);
    return {
      transport: 'HTTP, signed',
      concurrency,
      requests: total,
      'commands/s': Math.round(total / r.secs),
      'ack p50 ms': ms(pct(r.acks, 50)),
      'ack p99 ms': ms(pct(r.acks, 99)),
      'ack max ms': ms(Math.max(...r.acks)),
      'respond() p50 ms': ms(pct(r.resps, 50)),
      'respond() p99 ms': ms(pct(r.resps, 99)),
    };
  }

  try {
    const total = ctx.quick ? 200 : 1000;
    await round(50, 4); // warm-up: JIT, keep-alive connections, engine caches
    const rows = [await round(total, 1), await round(total, 8), await round(total, 32)];
    for (const r of rows) r.passages = engine.stats.passages;
    return rows;
  } finally {
    await app.stop();
    worker.postMessage({ stop: true });
    await worker.terminate();
  }
}

/** The contract of scripts/bench.ts: rows for a table headed "slack". */
export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  return run(ctx);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const rows = await run({ quick: process.argv.includes('--quick'), dir: join(tmpdir(), 'crux-bench'), seedCorpus: join(root, 'data', 'corpus') });
  console.table(rows);
}
