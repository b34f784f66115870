// End to end in Socket Mode: the real Bolt App opens a WebSocket (URL from apps.connections.open on the fake Slack)
// and receives envelopes over it, acking each on the socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../../src/service/store.ts';
import { startSlack, type RunningSlack } from '../../../adapters/slack/app.ts';
import { BOT_USER, FakeSlack } from './fake-slack.ts';
import { commandFields, eventBody, mention } from './requests.ts';
import { fixtureEngine } from './engine.ts';
import { quotes, recordingLog } from './helpers.ts';

let fake: FakeSlack;
let app: RunningSlack;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  app = await startSlack({
    engine: fixtureEngine(),
    store: memoryStore(),
    log: recordingLog(),
    botToken: fake.botToken,
    apiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    transport: { mode: 'socket', appToken: fake.appToken },
  });
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

describe('Socket Mode', () => {
  it('connects with the app token and reports itself connected', () => {
    expect(fake.api('apps.connections.open')[0].auth).toBe(`Bearer ${fake.appToken}`);
    expect(app.connected()).toBe(true);
    expect(app.port).toBeNull();
  });

  it('acks a /crux envelope on the socket and answers through response_url', async () => {
    const responseUrl = fake.responseUrl();
    const ack = await fake.sendEnvelope('slash_commands', commandFields('free will', { responseUrl }));
    expect(ack.envelope_id).toBeTruthy();
    const [r] = await fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
    expect(r.body.response_type).toBe('ephemeral');
    expect(quotes(r.body.blocks).length).toBeGreaterThan(0);
  });

  it('answers a mention redelivered with retry_attempt 1 only once', async () => {
    const body = eventBody(mention(`<@${BOT_USER}> zanzibar`, { channel: 'C0SOCK', thread_ts: '1700002000.000100', ts: '1700002001.000100' }), 'Ev0SOCKET1');
    await fake.sendEnvelope('events_api', body);
    await fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SOCK');
    await fake.sendEnvelope('events_api', body, { retry_attempt: 1, retry_reason: 'timeout' });
    await fake.sendEnvelope('events_api', eventBody(mention(`<@${BOT_USER}> free will`, { channel: 'C0SOCKMARK' }), 'Ev0SOCKMARK'));
    await fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SOCKMARK');
    const posts = fake.api('chat.postMessage').filter((c) => c.body.channel === 'C0SOCK');
    expect(posts).toHaveLength(1);
    expect(posts[0].body.thread_ts).toBe('1700002000.000100');
  });
});
