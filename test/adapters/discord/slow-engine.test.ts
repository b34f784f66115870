// An engine that answers from another thread can be slower than the first answers promised (a corpus still being
// opened, a busy engine thread): the real discord.js Client on the fake gateway defers in time, then edits.
import { describe, expect, test } from 'vitest';
import type { ServedEngine } from '../../../src/core/engine.ts';
import { engineFor, BASIC, startBot } from './bot.ts';

describe('an engine slower than expected', () => {
  test('gets the interaction deferred before its time runs out, then the answer edited in', async () => {
    const real = engineFor(BASIC);
    let slow = false;
    const engine: ServedEngine = {
      ...real,
      // Fast at first (so answers are expected fast), then an answer that takes 600 ms to come back.
      ask: async (q, o) => {
        if (slow) await new Promise((r) => setTimeout(r, 600));
        return real.ask(q, o);
      },
    };
    const bot = await startBot({ engine, adapter: { replyBudgetMs: 300 } });
    try {
      const first = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      expect(first.kind).toBe('reply');
      slow = true;
      const second = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      expect(second.kind).toBe('edit');
      expect(second.calls[0].body.type).toBe(5); // the deferral came first
      expect(second.data.embeds[0].title).toBe('Crux: commute');
    } finally {
      await bot.stop();
    }
  });
});
