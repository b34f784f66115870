// Prometheus metrics (prom-client) for a running Crux: answers by platform and outcome, latency, rate limits, store errors.
import client from 'prom-client';
import type { ServedEngine } from '../core/engine.ts';
import type { Answer } from '../core/types.ts';
import { isUserError } from '../errors.ts';
import { onRateLimited } from './ratelimit.ts';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'crux_' });

export type Outcome = 'answered' | 'no_match' | 'user_error' | 'error';

const answers = new client.Counter({
  name: 'crux_answers_total',
  help: 'Questions answered, by platform and outcome (answered, no_match, user_error, error).',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
});

const latency = new client.Histogram({
  name: 'crux_answer_duration_seconds',
  help: 'Time the core took to answer one question, by platform.',
  labelNames: ['platform'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

const rateLimited = new client.Counter({
  name: 'crux_rate_limited_total',
  help: 'Requests turned away by a rate limit, by platform and scope (user, channel).',
  labelNames: ['platform', 'scope'] as const,
  registers: [registry],
});

const storeErrors = new client.Counter({
  name: 'crux_store_errors_total',
  help: 'Store operations that failed (Redis unreachable, disk write failed), by operation.',
  labelNames: ['op'] as const,
  registers: [registry],
});

const captureEvents = new client.Counter({
  name: 'crux_capture_events_total',
  help: 'Messages, edits and deletions handed to live capture, by platform and outcome (captured, removed, off, forgotten, deleted, stale, empty, unknown).',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
});

/** What the gauges read at scrape time; serve.ts fills it in. */
export interface Observed {
  engine?: () => ServedEngine | null;
  storeFallback?: () => boolean;
  adapters?: () => Array<{ name: string; connected: boolean }>;
  /** Live capture: the messages this process searches, per platform, and which shards it runs ('' when it is no shard process). */
  captured?: () => { perPlatform: Record<string, number>; shard: string };
  /** Metrics of other processes to add in (Discord shard processes), as prom-client JSON. */
  others?: () => Promise<client.MetricObjectWithValues<client.MetricValue<string>>[][]>;
}
const observed: Observed = {};

/** Points the gauges at the running process's engine, store and adapters. */
export function observe(o: Observed): void {
  Object.assign(observed, o);
}

new client.Gauge({
  name: 'crux_index_age_seconds',
  aggregator: 'max',
  help: 'Seconds since the loaded index was built.',
  registers: [registry],
  collect() {
    const e = observed.engine?.();
    if (e) this.set(Math.max(0, (Date.now() - Date.parse(e.stats.builtAt)) / 1000));
  },
});

new client.Gauge({
  name: 'crux_corpus_passages',
  aggregator: 'max',
  help: 'Passages in the loaded corpus.',
  registers: [registry],
  collect() {
    const e = observed.engine?.();
    if (e) this.set(e.stats.passages);
  },
});

new client.Gauge({
  name: 'crux_store_fallback',
  help: '1 while Redis is unreachable and in-process state stands in for it.',
  registers: [registry],
  collect() {
    if (observed.storeFallback) this.set(observed.storeFallback() ? 1 : 0);
  },
});

new client.Gauge({
  name: 'crux_adapter_connected',
  help: '1 when the platform adapter is connected to its platform.',
  labelNames: ['platform'] as const,
  registers: [registry],
  collect() {
    for (const a of observed.adapters?.() ?? []) this.set({ platform: a.name }, a.connected ? 1 : 0);
  },
});

new client.Gauge({
  name: 'crux_capture_messages',
  help: "Captured messages this process searches, by platform and shard process. Every process holds every community's, so each shows the same count once it has caught up with the others.",
  labelNames: ['platform', 'shard'] as const,
  registers: [registry],
  collect() {
    const c = observed.captured?.();
    if (!c) return;
    for (const [platform, n] of Object.entries(c.perPlatform)) this.set({ platform, shard: c.shard }, n);
  },
});

// A shard process's metrics, for the sharding manager to collect with broadcastEval (see adapters/discord-shards).
(globalThis as { __cruxMetrics?: () => Promise<unknown> }).__cruxMetrics = () => registry.getMetricsAsJSON();

export function recordAnswer(platform: string, outcome: Outcome, seconds: number): void {
  answers.inc({ platform, outcome });
  latency.observe({ platform }, seconds);
}

export function recordRateLimited(platform: string, scope: string): void {
  rateLimited.inc({ platform, scope });
}
onRateLimited(recordRateLimited);

export function recordCapture(platform: string, outcome: string): void {
  captureEvents.inc({ platform, outcome });
}

export function recordStoreError(op: string): void {
  storeErrors.inc({ op });
}

/**
 * The engine as one platform sees it: every ask is timed and counted by outcome. Forwards everything else to
 * whatever engine `current` returns at the moment (so a hot-swapped index is picked up at once).
 */
export function instrumentEngine(current: () => ServedEngine, adapterName: string): ServedEngine {
  const platform = adapterName.toLowerCase();
  const ask: ServedEngine['ask'] = (query, opts) => {
    const t0 = performance.now();
    const answered = (a: Answer) => {
      recordAnswer(platform, a.passages.length ? 'answered' : 'no_match', (performance.now() - t0) / 1000);
      return a;
    };
    const failed = (e: unknown): never => {
      recordAnswer(platform, isUserError(e) ? 'user_error' : 'error', (performance.now() - t0) / 1000);
      throw e;
    };
    try {
      const a = current().ask(query, opts);
      // From a worker thread the answer is a promise: timed until it arrives.
      return a instanceof Promise ? a.then(answered, failed) : answered(a);
    } catch (e) {
      return failed(e);
    }
  };
  return new Proxy({} as ServedEngine, {
    get: (_t, key) => (key === 'ask' ? ask : Reflect.get(current(), key)),
    has: (_t, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(current(), key);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}

/** The Prometheus text: this process's metrics, summed with those of its shard processes when there are any. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const others = observed.others ? await observed.others().catch(() => []) : [];
  if (!others.length) return { contentType: registry.contentType, body: await registry.metrics() };
  const all = client.AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...others]);
  return { contentType: registry.contentType, body: await all.metrics() };
}
