// Slack in HTTP mode as two identical `crux serve` processes sharing Redis, as behind a load balancer: a retried event
// is answered once between them, and a flood of commands gets exactly one reply each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../adapters/slack/fake-slack.ts';
import { mention, SIGNING_SECRET, SlackSender } from '../adapters/slack/requests.ts';
import type { Call } from '../adapters/slack/fake-slack.ts';
import { ServeProcess } from './helpers/serve.ts';
import { freePort, NO_REDIS_MESSAGE, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.ts';

describe.skipIf(!TEST_REDIS_URL)(`two Slack HTTP processes sharing Redis${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, { timeout: 300_000 }, () => {
  let fake: FakeSlack;
  const procs: ServeProcess[] = [];
  const senders: SlackSender[] = [];
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    const prefix = uniquePrefix('slack');
    for (let n = 0; n < 2; n++) {
      const port = await freePort();
      const p = await ServeProcess.startCli(
        {
          SLACK_BOT_TOKEN: fake.botToken,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: fake.apiUrl,
          PORT: String(port),
          SLACK_HOST: '127.0.0.1',
          CRUX_STORE_URL: TEST_REDIS_URL,
          CRUX_STORE_PREFIX: prefix,
          CRUX_HTTP_PORT: '0',
        },
        (r) => r.msg === 'Slack connected.',
      );
      procs.push(p);
      senders.push(new SlackSender(`http://127.0.0.1:${port}/slack/events`));
    }
  }, 300_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await fake?.close();
  });

  const postsIn = (thread: string) => fake.api('chat.postMessage').filter((c) => c.body.thread_ts === thread || c.body.ts === thread);

  it('answers a retried event exactly once, whichever process each delivery reaches', async () => {
    const threads: string[] = [];
    for (let i = 0; i < 6; i++) {
      const ts = `1700001${String(i).padStart(3, '0')}.000100`;
      threads.push(ts);
      const event = mention(`<@UCRUXBOT> hyperstition`, { ts, channel: `C0RETRY${i}`, user: `U0RETRY${i}` });
      const eventId = `EvRetry${i}-${Date.now()}`;
      // The first delivery and Slack's retry arrive at different processes, at about the same time.
      const [a, b] = await Promise.all([senders[i % 2].event(event, { eventId }), senders[(i + 1) % 2].event(event, { eventId, retryNum: 1 })]);
      expect([a.status, b.status]).toEqual([200, 200]);
    }
    await fake.until(() => threads.every((t) => postsIn(t).length >= 1), 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate would have arrived by now
    expect(threads.map((t) => postsIn(t).length)).toEqual([1, 1, 1, 1, 1, 1]);
    const ignored = procs.flatMap((p) => p.records()).filter((r) => r.msg === 'slack: retried event already answered; ignoring it');
    expect(ignored).toHaveLength(6);
  });

  it('gives each of 500 commands sent within seconds exactly one reply, an answer or a wait-a-minute, with limits shared', async () => {
    const metric = async (p: ServeProcess, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await p.ops('/metrics')).text())?.[1]);
    const heapBefore = await Promise.all(procs.map((p) => metric(p, 'crux_nodejs_heap_size_used_bytes')));
    const USERS = 50;
    const EACH = 10;
    const urls: Array<{ url: string; user: string }> = [];
    const t0 = Date.now();
    const acks = await Promise.all(
      Array.from({ length: USERS * EACH }, (_, i) => {
        const user = `U0FLOOD${i % USERS}`;
        const url = fake.responseUrl();
        urls.push({ url, user });
        return senders[i % 2].command(i % 3 ? 'hyperstition' : 'agency by default', { responseUrl: url, user, channel: `C0FLOOD${i % 50}` });
      }),
    );
    const sentIn = Date.now() - t0;
    expect(acks.filter((a) => a.status !== 200)).toEqual([]);
    const byUrl = (): Map<string, Call[]> => {
      const m = new Map<string, Call[]>();
      for (const c of fake.responses()) m.set(c.path, [...(m.get(c.path) ?? []), c]);
      return m;
    };
    const paths = urls.map((u) => new URL(u.url).pathname);
    await fake.until(() => paths.every((p) => byUrl().has(p)), 240_000);
    await new Promise((r) => setTimeout(r, 1500)); // anything answered twice would have arrived by now
    const got = byUrl();
    expect(paths.filter((p) => (got.get(p) ?? []).length !== 1)).toEqual([]);

    // Per person: 6 answers a minute, counted across both processes; the rest were asked to wait.
    const slowed = (c: Call) => /faster than Crux answers/.test(JSON.stringify(c.body));
    const perUser = new Map<string, { answered: number; slowed: number }>();
    urls.forEach((u, i) => {
      const e = perUser.get(u.user) ?? { answered: 0, slowed: 0 };
      if (slowed(got.get(paths[i])![0])) e.slowed++;
      else e.answered++;
      perUser.set(u.user, e);
    });
    expect(sentIn).toBeLessThan(60_000);
    expect([...new Set([...perUser.values()].map((e) => `${e.answered} answered, ${e.slowed} asked to wait`))]).toEqual(['6 answered, 4 asked to wait']);

    // Nothing piles up: once the flood is over, the heap is back near where it started.
    await new Promise((r) => setTimeout(r, 3000));
    const heapAfter = await Promise.all(procs.map((p) => metric(p, 'crux_nodejs_heap_size_used_bytes')));
    heapAfter.forEach((h, i) => expect(h).toBeLessThan(heapBefore[i] * 1.5 + 64 * 2 ** 20));
    expect(procs.every((p) => p.proc.exitCode === null)).toBe(true);
  });
});
