import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ServeProcess } from './helpers/serve.ts';
import { freePort } from './helpers/redis.ts';
import { FakeSlack } from '../adapters/slack/fake-slack.ts';

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
    const slow = s.ask('sycophancy', { hold: true, id: 'in-flight' });
    await s.waitFor((r) => r.msg === 'fake: holding' && r.id === 'in-flight');
    s.proc.kill('SIGTERM');
    await s.waitFor((r) => String(r.msg).startsWith('Shutting down (SIGTERM)'));

    // While the answer is held in flight, new work is turned away and health says so to a load balancer.
    const late = await s.ask('hyperstition');
    expect(late.status).toBe(503);
    expect(await late.text()).toBe('shutting down');
    const h = await s.ops('/healthz');
    expect(h.status).toBe(503);
    expect(await h.json()).toMatchObject({ status: 'down', stopping: true });

    expect(await s.release('in-flight')).toBe(true);
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

  it('on SIGINT stops the same way, with what it wrote last on disk', async () => {
    // Without an ops port nothing else holds the event loop open while the store flushes: it once exited with 13.
    const s = await start();
    expect((await s.ask('hyperstition', { id: 'last' })).status).toBe(200);
    s.proc.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(s.records().map((r) => String(r.msg))).toContainEqual(expect.stringMatching(/^Stopped in \d+ ms\.$/));
    expect(readFileSync(s.storeFile, 'utf8')).toContain('fake:answered:last');
  });

  it('never writes a configured secret to its log, even where a library echoes one', async () => {
    const slack = await new FakeSlack().start();
    try {
      // A signing secret has no telling shape (unlike xoxb- tokens): only the configured value can find it.
      const signing = 'f3a9c1d07be24e6a95c8d1f2b3a4e5d6';
      const s = await start({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signing,
        SLACK_API_URL: slack.apiUrl,
        SLACK_HOST: '127.0.0.1',
        PORT: String(await freePort()),
        FAKE_ECHO: signing,
        FAKE_LOG_CONFIG: '1',
      });
      await s.waitFor((r) => r.msg === 'Slack connected.');
      expect((await s.ask('hyperstition')).status).toBe(200);
      await s.waitFor((r) => r.msg === 'fake: config as seen');
      const log = s.lines.join('\n');
      expect(log).toContain('fake: upstream refused the request signed with [redacted]');
      expect(log).not.toContain(signing);
      expect(log).not.toContain(slack.botToken);
    } finally {
      await slack.close();
    }
  });
});
