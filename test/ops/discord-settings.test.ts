// A server's /crux-config settings as the real Discord adapter applies them (fake Discord on loopback).
import { afterEach, describe, expect, it } from 'vitest';
import { discordCommands } from '../../adapters/discord/register.ts';
import cruxConfig from '../../commands/crux-config.ts';
import { setSetting } from '../../src/settings.ts';
import { memoryStore } from '../../src/store.ts';
import { GUILD_ID } from '../discord/fake-discord.ts';
import { startBot, type Bot } from '../discord/bot.ts';

const EPHEMERAL = 64;
let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('server settings on Discord', () => {
  it('answers publicly once the server chose public answers, and privately elsewhere', async () => {
    const store = memoryStore();
    bot = await startBot({ store });
    const before = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'free will' }));
    expect((before.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    await setSetting(store, bot.engine, { platform: 'discord', communityId: GUILD_ID }, 'visibility', 'public');
    const after = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'free will' }));
    expect((after.data.flags ?? 0) & EPHEMERAL).toBe(0);
    const elsewhere = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'free will' }, { guildId: '500000000000000009' }));
    expect((elsewhere.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('applies the server\'s per-person limit', async () => {
    const store = memoryStore();
    bot = await startBot({ store });
    await setSetting(store, bot.engine, { platform: 'discord', communityId: GUILD_ID }, 'user-limit', '2/1m');
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) texts.push(JSON.stringify((await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'free will' }))).data));
    expect(texts.map((t) => /faster than Crux answers/.test(t))).toEqual([false, false, true]);
  });

  it('registers /crux-config for members with Manage Server only', () => {
    const [reg] = discordCommands([cruxConfig]);
    expect(reg).toMatchObject({ name: 'crux-config', default_member_permissions: '32' });
  });
});
