// Redis stopping and coming back under a running `crux serve` (the real service, its real store and rate limits,
// answering through the fake platform of fixtures/serve-with-fake-platform.ts), with a redis-server of the test's own
// so it can be killed mid-run. A witness store in the test process shows what reached Redis.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisStore, type Store } from '../../src/service/store.ts';
import { ServeProcess } from './helpers/serve.ts';
import { NO_REDIS_MESSAGE, PrivateRedis, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

interface StoreHealth {
  backend: string;
  reachable: boolean;
  fallback: boolean;
}

describe.skipIf(!TEST_REDIS_URL)(`crux serve when Redis stops mid-run${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, { timeout: 240_000 }, () => {
  let redis: PrivateRedis;
  let serve: ServeProcess | null = null;
  const witnesses: Store[] = [];
  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = null;
    await Promise.all(witnesses.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const start = async (prefix: string) => {
    serve = await ServeProcess.start({ CRUX_STORE_URL: redis.url, CRUX_STORE_PREFIX: prefix, CRUX_HTTP_PORT: '0' });
    return serve;
  };
  const witnessFor = async (prefix: string) => {
    const w = await redisStore(redis.url, { prefix, connectTimeoutMs: 5_000 });
    witnesses.push(w);
    return w;
  };
  /** One question through the fake platform, from its own user and channel so no rate limit is reached. */
  const ask = async (s: ServeProcess, i: number) => {
    const res = await s.ask(i % 2 ? 'hyperstition' : 'sycophancy', { id: `q${i}`, user: `u${i}`, channel: `c${i}` });
    if (res.status !== 200) return `status ${res.status}`;
    const reply = (await res.json()) as { kind: string; answer?: { passages: unknown[] } };
    return reply.kind === 'answer' && reply.answer!.passages.length > 0 ? 'answered' : reply.kind;
  };
  const storeHealth = async (s: ServeProcess) => ((await (await s.ops('/healthz')).json()) as { store: StoreHealth }).store;
  const warnings = (s: ServeProcess) => s.records().filter((r) => r.level === 'warn').map((r) => String(r.msg));

  it('keeps answering from in-process state with one logged warning, and shares state again once Redis is back', async () => {
    const prefix = uniquePrefix('fault');
    const s = await start(prefix);
    const witness = await witnessFor(prefix);
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) outcomes.push(await ask(s, i));
    expect(await witness.get('fake:answered:q9')).toBe(true); // what the service wrote went to Redis

    await redis.kill();
    for (let i = 10; i < 30; i++) outcomes.push(await ask(s, i));
    expect(outcomes).toEqual(Array(30).fill('answered'));
    expect(await storeHealth(s)).toEqual({ backend: 'redis', reachable: false, fallback: true });
    expect(warnings(s).filter((m) => /Redis/.test(m))).toEqual([expect.stringMatching(/stopped answering .*answering from in-process state until it returns/)]);
    expect(await (await s.ops('/metrics')).text()).toContain('crux_store_fallback 1');

    await redis.start();
    await until('the service to find Redis again', async () => (await storeHealth(s)).reachable);
    expect(s.records().map((r) => String(r.msg))).toContainEqual(expect.stringMatching(/reachable again; shared state resumes/));
    await until('the witness to reconnect', async () => (await witness.ping?.()) === true);
    for (let i = 30; i < 35; i++) expect(await ask(s, i)).toBe('answered');
    // Shared again: what the service writes now is in Redis.
    expect(await witness.get('fake:answered:q34')).toBe(true);
    expect(await storeHealth(s)).toEqual({ backend: 'redis', reachable: true, fallback: false });
  });

  it('starts answering even when Redis is down at start-up, and connects when it comes up', async () => {
    await redis.kill();
    const prefix = uniquePrefix('late');
    const s = await start(prefix);
    expect(await ask(s, 1)).toBe('answered');
    expect(warnings(s)).toContainEqual(expect.stringMatching(/is not reachable; answering from in-process state/));
    expect((await storeHealth(s)).fallback).toBe(true);

    await redis.start();
    await until('the service to connect', async () => (await storeHealth(s)).reachable);
    const witness = await witnessFor(prefix);
    expect(await ask(s, 2)).toBe('answered');
    expect(await witness.get('fake:answered:q2')).toBe(true);
  });
});
