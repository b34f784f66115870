import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { checkRate } from '../../src/service/ratelimit.ts';
import { redisStore, type Store } from '../../src/service/store.ts';
import { createLogger, memorySink } from '../../src/service/log.ts';
import { NO_REDIS_MESSAGE, PrivateRedis, TEST_REDIS_URL } from './helpers/redis.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

// These tests start their own redis-server (installed by .ci/services) so they can kill it mid-run.
describe.skipIf(!TEST_REDIS_URL)(`when Redis stops mid-run${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, () => {
  let redis: PrivateRedis;
  let engine: Engine;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    engine = openEngine({ cacheDir: mkdtempSync(join(tmpdir(), 'crux-cache-')) });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** What an adapter does for one interaction: dedupe the event, count the rate limit, answer. */
  async function interaction(store: Store, i: number): Promise<string> {
    if (!(await store.claim(`event:Ev${i}`, 60_000))) return 'duplicate';
    const verdict = await checkRate(store, 'slack', { userId: `U${i % 7}`, channelId: 'C1' }, { user: { max: 1000, windowMs: 60_000 }, channel: { max: 1000, windowMs: 60_000 } });
    if (!verdict.ok) return 'rate-limited';
    const a = engine.ask(i % 2 ? 'hyperstition' : 'sycophancy');
    return a.passages.length ? 'answered' : 'empty';
  }

  it('keeps answering from in-process state with one logged warning, and shares state again once Redis is back', async () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const errors: string[] = [];
    const store = await redisStore(redis.url, { log, prefix: 'fault', onError: (op) => errors.push(op) });
    const witness = await redisStore(redis.url, { prefix: 'fault' });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(await interaction(store, i));
      expect(await witness.hit('rate:slack:channel:C1', 60_000)).toBe(21); // the 20 interactions went to Redis

      await redis.kill();
      for (let i = 20; i < 60; i++) outcomes.push(await interaction(store, i));
      expect(outcomes).toEqual(Array(60).fill('answered'));
      expect(store.status?.()).toMatchObject({ backend: 'redis', reachable: false, fallback: true });
      const warnings = sink.records().filter((r) => r.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].msg)).toMatch(/stopped answering .*answering from in-process state until it returns/);
      expect(errors.length).toBeGreaterThanOrEqual(1);

      await redis.start();
      await until('the store to find Redis again', () => store.status?.().reachable === true);
      expect(sink.records().map((r) => String(r.msg))).toContainEqual(expect.stringMatching(/reachable again; shared state resumes/));
      await until('the witness to reconnect', async () => (await witness.ping?.()) === true);

      // Shared again: a claim through one is seen by the other, and answers keep flowing.
      expect(await store.claim('event:after', 60_000)).toBe(true);
      expect(await witness.claim('event:after', 60_000)).toBe(false);
      for (let i = 60; i < 70; i++) expect(await interaction(store, i)).toBe('answered');
      expect(store.status?.()).toMatchObject({ reachable: true, fallback: false });
    } finally {
      await store.close();
      await witness.close();
    }
  });

  it('starts answering even when Redis is down at start-up, and connects when it comes up', async () => {
    await redis.kill();
    const sink = memorySink();
    const store = await redisStore(redis.url, { log: createLogger({ sink }), prefix: 'late', connectTimeoutMs: 300 });
    try {
      expect(store.status?.().fallback).toBe(true);
      expect(await interaction(store, 1000)).toBe('answered');
      expect(sink.records()[0].msg).toMatch(/is not reachable; answering from in-process state/);
      await redis.start();
      await until('the store to connect', () => store.status?.().reachable === true);
      expect(await store.claim('event:late', 60_000)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
