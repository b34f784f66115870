// Platform faults with the real clients: the Discord gateway drops the connection (the client resumes and keeps
// answering), and Slack's Web API answers 429 ratelimited (the reply still arrives after Retry-After).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../adapters/discord/fake-discord.ts';
import { startBot, type Bot } from '../adapters/discord/bot.ts';
import { recordingLog } from '../adapters/slack/helpers.ts';
import { fixtureEngine } from '../adapters/slack/engine.ts';
import { FakeSlack } from '../adapters/slack/fake-slack.ts';
import { mention, SIGNING_SECRET, SlackSender } from '../adapters/slack/requests.ts';
import { startSlack } from '../../adapters/slack/app.ts';
import { memoryStore } from '../../src/service/store.ts';
import { ShardGateway } from './helpers/shard-gateway.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('when the Discord gateway closes unexpectedly', () => {
  it('the client resumes its session and interactions keep being answered', async () => {
    const fake = await FakeDiscord.start();
    const gateway = await ShardGateway.start(1);
    gateway.pointRestHere(fake);
    const bot: Bot = await startBot({ fake });
    cleanup.push(() => fake.close(), () => gateway.close(), () => bot.stop());
    const guildId = gateway.guildOn(0);

    const first = gateway.slash('crux', { topic: 'free will' }, { guildId, channelId: '210000000000000001' });
    expect((await fake.finalReply(first)).data.embeds.length).toBeGreaterThan(0);

    gateway.drop(0);
    for (let i = 0; i < 200 && gateway.connectedShards().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(gateway.resumes).toHaveLength(1);
    expect(gateway.resumes[0].session_id).toBe('fake-session-0');
    expect(gateway.identifies).toHaveLength(1); // resumed, not identified again

    const second = gateway.slash('crux', { topic: 'free will' }, { guildId, channelId: '210000000000000001' });
    expect((await fake.finalReply(second)).data.embeds.length).toBeGreaterThan(0);
    expect(bot.running.connected()).toBe(true);
  });
});

describe('when Slack answers ratelimited', () => {
  it('waits out Retry-After and the answer still arrives', async () => {
    // A proxy in front of the fake Slack Web API: the first chat.postMessage gets HTTP 429 ratelimited, Retry-After 1.
    let target = '';
    let limited = 0;
    const proxy = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', async () => {
        if (req.url?.includes('chat.postMessage') && limited === 0) {
          limited++;
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        const r = await fetch(`${target}${req.url!.replace(/^\/api\//, '')}`, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '' }, body: raw || undefined });
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => proxy.close(r)));
    const fake = await new FakeSlack().start();
    target = fake.apiUrl;
    cleanup.push(() => fake.close());
    const app = await startSlack({
      engine: fixtureEngine(),
      store: memoryStore(),
      log: recordingLog(),
      botToken: fake.botToken,
      apiUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/`,
      retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 },
      transport: { mode: 'http', signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1' },
    });
    cleanup.push(() => app.stop());
    const h = { fake, send: new SlackSender(`http://127.0.0.1:${app.port}/slack/events`) };

    const ts = '1700009000.000100';
    expect((await h.send.event(mention('<@UCRUXBOT> free will', { ts }))).status).toBe(200);
    const [post] = await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts, 1, 15_000);
    expect(limited).toBe(1);
    expect(JSON.stringify(post.body.blocks)).not.toMatch(/reference/);
    expect(h.fake.api('chat.postMessage').filter((c) => c.body.thread_ts === ts)).toHaveLength(1);
  });
});
