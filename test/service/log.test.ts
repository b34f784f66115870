import { describe, expect, it } from 'vitest';
import { createLogger, currentRequestId, memorySink, scrubSecrets, withRequest } from '../../src/service/log.ts';

const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB';
const SLACK_BOT = 'xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx';
const SLACK_APP = 'xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef';
const SIGNING = '8f742231b10e8888abcd99yyyzzz85a5';
const REDIS_PASSWORD = 'hunter2-correct-horse';

describe('structured logs', () => {
  it('put the same request id on every line of one interaction, and a different one on the next', async () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const handle = (user: string) =>
      withRequest({ platform: 'discord', user }, async () => {
        log.info('received');
        await new Promise((r) => setTimeout(r, 5));
        log.info('answered', { passages: 3 });
        return currentRequestId();
      });
    const [a, b] = await Promise.all([handle('u1'), handle('u2')]);
    log.info('outside any interaction');
    const recs = sink.records();
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
    expect(recs.filter((r) => r.reqId === a).map((r) => [r.msg, r.user])).toEqual([
      ['received', 'u1'],
      ['answered', 'u1'],
    ]);
    expect(recs.filter((r) => r.reqId === b).map((r) => r.user)).toEqual(['u2', 'u2']);
    expect(recs.at(-1)).not.toHaveProperty('reqId');
    expect(recs.every((r) => r.level && r.time && r.service === 'crux')).toBe(true);
  });

  it('never contain tokens, signing secrets or passwords, wherever they turn up', () => {
    const sink = memorySink();
    const log = createLogger({ sink, secrets: [DISCORD_TOKEN, SLACK_BOT, SLACK_APP, SIGNING, REDIS_PASSWORD], level: 'debug' });
    log.info(`logging in with ${DISCORD_TOKEN}`);
    log.info('config', { token: 'plain-field-token-value', slack: { botToken: SLACK_BOT, signingSecret: SIGNING } });
    log.warn('request failed', { headers: { authorization: `Bot ${DISCORD_TOKEN}` }, url: `https://discord.com/api/v10/interactions/123456789012345678/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA/callback` });
    log.error('store down', new Error(`connect redis://crux:${REDIS_PASSWORD}@127.0.0.1:6390 failed`));
    log.error('socket', { err: new Error(`bad app token ${SLACK_APP}`), detail: `signature with "${SIGNING}"` });
    log.debug('slack said', { body: `token=${SLACK_BOT}&response_url=https://hooks.slack.com/commands/T1/123/abcdefSECRET` });
    // Token shapes are caught even when nobody told the logger about them.
    log.info('someone else\'s token xoxp-9999999999-8888888888-777777777777-abcdef0123456789');

    const all = sink.lines.join('\n');
    for (const secret of [DISCORD_TOKEN, SLACK_BOT, SLACK_APP, SIGNING, REDIS_PASSWORD, 'plain-field-token-value', 'abcdefSECRET', 'xoxp-9999999999', 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA']) {
      expect(all).not.toContain(secret);
    }
    // What is not secret is still there, so the logs stay useful.
    expect(all).toContain('redis://crux:[redacted]@127.0.0.1:6390');
    expect(all).toContain('store down');
    expect(all).toContain('/interactions/123456789012345678/[redacted]/callback');
    expect(sink.lines).toHaveLength(7);
    for (const l of sink.lines) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('scrub leaves ordinary text alone', () => {
    const text = 'Answered "hyperstition" with 5 passages in 3.2 ms (index built 2026-01-01T00:00:00Z)';
    expect(scrubSecrets(text)).toBe(text);
  });
});
