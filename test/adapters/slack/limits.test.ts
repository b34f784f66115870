// Per-user rate limits and unexpected errors, seen from Slack.
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/core/engine.ts';
import { fixtureEngine } from './engine.ts';
import { httpHarness, slashReply, type Harness } from './helpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const slash = (text: string, user = 'U0ALICE') => slashReply(h!, text, { user });

describe('rate limits', () => {
  it('asks a user who asks too fast to wait, without slowing down anyone else', async () => {
    h = await httpHarness({ limits: { user: { max: 2, windowMs: 60_000 }, channel: { max: 100, windowMs: 60_000 } } });
    expect((await slash('free will')).text).toMatch(/^Crux: /);
    expect((await slash('zanzibar')).text).toMatch(/^Crux: /);
    const third = await slash('lantern');
    expect(third.response_type).toBe('ephemeral');
    expect(third.text).toBe('You are asking faster than Crux answers. Please wait about 60 seconds and try again.');
    expect((await slash('lantern', 'U0BOB')).text).toMatch(/^Crux: /);
  });

  it('does not count /crux help against the limit', async () => {
    h = await httpHarness({ limits: { user: { max: 1, windowMs: 60_000 } } });
    await slash('help');
    await slash('help');
    expect((await slash('free will')).text).toMatch(/^Crux: /);
  });
});

describe('unexpected errors', () => {
  it('become a short apology with a reference id, and the cause is logged under that id', async () => {
    const real = fixtureEngine();
    const broken: Engine = {
      ...real,
      ask: () => {
        throw new TypeError('index shard 7 is unreadable');
      },
    };
    h = await httpHarness({ engine: broken });
    const body = await slash('free will');
    expect(body.response_type).toBe('ephemeral');
    const ref = /reference: `([0-9a-f]{16})`/.exec(body.text)?.[1];
    expect(ref, body.text).toBeTruthy();
    expect(body.text).not.toContain('shard');
    const line = h.log.lines.find((l) => l.level === 'error' && l.extra?.ref === ref);
    expect(line?.msg).toContain('index shard 7 is unreadable');
    expect(line?.extra.err).toBeInstanceOf(TypeError);
  });
});
