import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ServeProcess } from './helpers/serve.ts';
import { PrivateRedis, TEST_REDIS_URL, NO_REDIS_MESSAGE } from './helpers/redis.ts';

const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
});
const start = async (env: Record<string, string> = {}) => {
  const s = await ServeProcess.start(env);
  running.push(s);
  return s;
};

// Each test starts a real `crux serve` process (tsx, discord.js and Bolt load in it): slow on a busy machine.
describe('crux serve as a service', { timeout: 180_000 }, () => {
  it('reports health and Prometheus metrics (answers, latency, rate limits, store) on CRUX_HTTP_PORT', async () => {
    const s = await start({ CRUX_HTTP_PORT: '0' });
    const first = await s.ask('hyperstition');
    expect(first.status).toBe(200);
    expect(((await first.json()) as { kind: string }).kind).toBe('answer');
    await s.ask('');

    const h = await s.ops('/healthz');
    expect(h.status).toBe(200);
    const health = (await h.json()) as Record<string, any>;
    expect(health).toMatchObject({ status: 'ok', stopping: false, adapters: { fake: true }, store: { backend: 'file', reachable: true, fallback: false } });
    expect(health.corpus.loaded).toBe(true);
    expect(health.corpus.passages).toBeGreaterThan(100);
    expect(health.corpus.indexAgeSeconds).toBeGreaterThanOrEqual(0);

    const m = await (await s.ops('/metrics')).text();
    expect(m).toContain('crux_answers_total{platform="fake",outcome="answered"} 1');
    expect(m).toContain('crux_answers_total{platform="fake",outcome="user_error"} 1');
    expect(m).toMatch(/crux_answer_duration_seconds_bucket\{le="\+Inf",platform="fake"\} 2/);
    expect(m).toContain('crux_adapter_connected{platform="fake"} 1');
    expect(m).toContain('crux_store_fallback 0');
    expect(m).toMatch(/crux_index_age_seconds \d/);
    expect(m).toContain('# TYPE crux_rate_limited_total counter');
    expect(m).toContain('# TYPE crux_store_errors_total counter');
    expect((await s.ops('/nope')).status).toBe(404);

    // Rate-limit rejections are counted too.
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await s.ask('hyperstition', { user: 'eager' })).status);
    expect(codes.filter((c) => c === 429)).toHaveLength(2); // the default user limit is 6 a minute
    expect(await (await s.ops('/metrics')).text()).toContain('crux_rate_limited_total{platform="fake",scope="user"} 2');
  });

  it('on SIGTERM finishes the answer in flight, refuses new work, flushes the store and exits 0', async () => {
    const s = await start({ CRUX_HTTP_PORT: '0' });
    const slow = s.ask('sycophancy', { delay: 1500, id: 'in-flight' });
    await s.waitFor((r) => r.msg === 'fake: received' && r.id === 'in-flight');
    s.proc.kill('SIGTERM');
    await s.waitFor((r) => String(r.msg).startsWith('Shutting down (SIGTERM)'));

    // New work is turned away while the old finishes, and health says so to a load balancer.
    const late = await s.ask('hyperstition').catch(() => null);
    expect(late === null || late.status === 503).toBe(true);
    const h = await s.ops('/healthz').catch(() => null);
    if (h) expect(h.status).toBe(503);

    const res = await slow;
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { kind: string; answer: { passages: unknown[] } };
    expect(reply.kind).toBe('answer');
    expect(reply.answer.passages.length).toBeGreaterThan(0);
    expect(await s.exited).toBe(0);

    const msgs = s.records().map((r) => String(r.msg));
    expect(msgs.indexOf('fake: answered')).toBeLessThan(msgs.findIndex((m) => m.startsWith('Stopped in')));
    // What the in-flight answer wrote reached the disk before exit.
    expect(readFileSync(s.storeFile, 'utf8')).toContain('fake:answered:in-flight');
  });

  it('on SIGINT stops the same way', async () => {
    const s = await start();
    expect((await s.ask('hyperstition')).status).toBe(200);
    expect(await s.stop('SIGINT')).toBe(0);
    expect(s.records().map((r) => String(r.msg))).toContainEqual(expect.stringMatching(/^Stopped in \d+ ms\.$/));
  });
});
