// Start-up: configuration read from the environment, credentials checked against (fake) Slack, failures named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../../src/config.ts';
import { memoryStore } from '../../../src/service/store.ts';
import { platformAdapters } from '../../../adapters/index.ts';
import { startSlack, SlackStartError, type SlackOptions } from '../../../adapters/slack/app.ts';
import { FakeSlack } from './fake-slack.ts';
import { fixtureEngine } from './engine.ts';
import { recordingLog } from './helpers.ts';
import { SIGNING_SECRET } from './requests.ts';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await new FakeSlack().start();
});
afterAll(async () => {
  await fake?.close();
});

const engine = fixtureEngine();
const base = (): SlackOptions => ({
  engine,
  store: memoryStore(),
  log: recordingLog(),
  botToken: fake.botToken,
  apiUrl: fake.apiUrl,
  retryConfig: { retries: 0 },
  transport: { mode: 'http', signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1' },
});

async function failure(o: Partial<SlackOptions>): Promise<SlackStartError> {
  try {
    const app = await startSlack({ ...base(), ...o });
    await app.stop();
  } catch (e) {
    expect(e).toBeInstanceOf(SlackStartError);
    return e as SlackStartError;
  }
  throw new Error('start-up did not fail');
}

describe('Slack start-up', () => {
  it('fails fast, naming SLACK_BOT_TOKEN, when Slack rejects the bot token', async () => {
    const e = await failure({ botToken: 'xoxb-revoked-token' });
    expect(e.variable).toBe('SLACK_BOT_TOKEN');
    expect(e.message).toContain('SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)');
  });

  it('fails fast, naming SLACK_APP_TOKEN, when Socket Mode cannot connect with the app token', async () => {
    const e = await failure({ transport: { mode: 'socket', appToken: 'xapp-wrong-token' } });
    expect(e.variable).toBe('SLACK_APP_TOKEN');
    expect(e.message).toContain('(invalid_auth)');
  });

  it('refuses tokens of the wrong kind before calling Slack', async () => {
    const calls = fake.calls.length;
    expect((await failure({ botToken: 'xoxp-a-user-token' })).variable).toBe('SLACK_BOT_TOKEN');
    expect((await failure({ transport: { mode: 'socket', appToken: 'xoxb-not-an-app-token' } })).variable).toBe('SLACK_APP_TOKEN');
    expect(fake.calls.length).toBe(calls);
  });

  it('names SLACK_API_URL when the Web API cannot be reached', async () => {
    const e = await failure({ apiUrl: 'http://127.0.0.1:9/api/' });
    expect(e.variable).toBe('SLACK_API_URL');
  });

  it('names PORT when the HTTP port is taken', async () => {
    const first = await startSlack(base());
    try {
      const e = await failure({ transport: { mode: 'http', signingSecret: SIGNING_SECRET, port: first.port!, host: '127.0.0.1' } });
      expect(e.variable).toBe('PORT');
    } finally {
      await first.stop();
    }
  });
});

describe('Slack configuration', () => {
  const slack = (env: Record<string, string>) => readConfig(env).slack;

  it('is absent when no Slack variable is set', () => {
    expect(slack({})).toBeNull();
  });

  it('names every missing variable', () => {
    const c = slack({ SLACK_SIGNING_SECRET: 's' });
    expect(c).toBeInstanceOf(ConfigError);
    expect((c as ConfigError).message).toBe('Slack is not started: set SLACK_BOT_TOKEN in .env (see .env.example).');
    expect((slack({ SLACK_BOT_TOKEN: 'xoxb-1' }) as ConfigError).missing).toEqual(['SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)']);
  });

  it('names a token of the wrong kind', () => {
    expect((slack({ SLACK_BOT_TOKEN: 'xoxp-1', SLACK_SIGNING_SECRET: 's' }) as ConfigError).missing).toEqual(['SLACK_BOT_TOKEN']);
    expect((slack({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }) as ConfigError).missing).toEqual(['SLACK_APP_TOKEN']);
    expect((slack({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-2', SLACK_API_URL: 'localhost:1' }) as ConfigError).missing).toEqual(['SLACK_API_URL']);
  });

  it('chooses Socket Mode with SLACK_APP_TOKEN and HTTP mode with SLACK_SIGNING_SECRET', () => {
    expect(slack({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-2' })).toMatchObject({ appToken: 'xapp-2', signingSecret: null });
    expect(slack({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '8080', SLACK_HOST: '127.0.0.1' })).toMatchObject({ appToken: null, signingSecret: 's', port: 8080, host: '127.0.0.1' });
  });
});

describe('the Slack platform adapter', () => {
  const adapter = () => platformAdapters.find((a) => a.name === 'Slack')!;

  it('is registered for npm start and starts only when Slack is configured', () => {
    expect(adapter()).toBeDefined();
    expect(adapter().configured(readConfig({}))).toBe(false);
    expect(adapter().configured(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toBe(true);
  });

  it('starts in HTTP mode from the environment, and stops', async () => {
    const config = readConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SLACK_HOST: '127.0.0.1', SLACK_API_URL: fake.apiUrl });
    const log = recordingLog();
    const running = await adapter().start({ engine, store: memoryStore(), config, log });
    expect(running.connected()).toBe(true);
    await running.stop();
    expect(running.connected()).toBe(false);
  });

  it('rejects with the configuration error when a variable is missing', async () => {
    const config = readConfig({ SLACK_BOT_TOKEN: fake.botToken });
    await expect(adapter().start({ engine, store: memoryStore(), config, log: recordingLog() })).rejects.toThrow(/SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET/);
  });
});
