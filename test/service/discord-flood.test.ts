// A flood on Discord: 500 interactions within a few seconds over loopback, through the real discord.js client. Every
// one gets exactly one reply (an answer, or the wait-a-minute message); none is dropped or answered twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE } from '../adapters/discord/fake-discord.ts';
import { startBot, type Bot } from '../adapters/discord/bot.ts';

describe('a flood of 500 Discord interactions', { timeout: 240_000 }, () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => bot?.stop());

  it('gets exactly one reply each, with the per-person limit applied and memory back near its start', async () => {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const USERS = 50;
    const EACH = 10;
    const tokens: Array<{ token: string; user: string }> = [];
    for (let i = 0; i < USERS * EACH; i++) {
      const user = { ...ALICE, id: String(610000000000000000n + BigInt(i % USERS)), username: `u${i % USERS}` };
      const channelId = String(220000000000000000n + BigInt(i % 50));
      tokens.push({ token: bot.fake.slash('crux', { topic: i % 3 ? 'free will' : 'determinism' }, { user, channelId }), user: user.id });
    }
    // The reply an interaction ends with: a type 4 callback, or the edit of a deferred one.
    const finals = await Promise.all(tokens.map((t) => bot.fake.finalReply(t.token, 200_000)));
    await new Promise((r) => setTimeout(r, 1000)); // anything sent twice would have arrived by now

    for (const t of tokens) {
      const calls = bot.fake.callsFor(t.token);
      const replies = calls.filter((c) => c.path.endsWith('/callback') && [4, 5, 7].includes(c.body?.type));
      expect(replies).toHaveLength(1);
      const edits = calls.filter((c) => c.method === 'PATCH');
      expect(edits.length).toBeLessThanOrEqual(1);
    }
    const perUser = new Map<string, { answered: number; slowed: number }>();
    finals.forEach((f, i) => {
      const e = perUser.get(tokens[i].user) ?? { answered: 0, slowed: 0 };
      if (/faster than Crux answers/.test(JSON.stringify(f.data))) e.slowed++;
      else e.answered++;
      perUser.set(tokens[i].user, e);
    });
    expect([...new Set([...perUser.values()].map((e) => `${e.answered} answered, ${e.slowed} asked to wait`))]).toEqual(['6 answered, 4 asked to wait']);

    bot.fake.calls.length = 0; // the fake's own record of 500 conversations is not the bot's memory
    global.gc?.();
    await new Promise((r) => setTimeout(r, 500));
    expect(process.memoryUsage().heapUsed).toBeLessThan(heapBefore * 1.5 + 64 * 2 ** 20);
  });
});
