// A server's /crux-config settings as the real Discord adapter applies them (fake Discord on loopback).
import { afterEach, describe, expect, it } from 'vitest';
import { discordCommands } from '../../adapters/discord/register.ts';
import cruxConfig from '../../commands/crux-config.ts';
import { setSetting } from '../../src/service/settings.ts';
import { memoryStore } from '../../src/service/store.ts';
import { GUILD_ID } from '../adapters/discord/fake-discord.ts';
import { engineFor, BASIC, quoteOf, startBot, type Bot } from '../adapters/discord/bot.ts';
import { beesChooser, HIVE } from '../fixtures/named-corpus.ts';

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

  it('answers and autocompletes from the named corpus the server chose, and from the bot\'s own corpus elsewhere', async () => {
    const base = engineFor(BASIC);
    const engines = beesChooser(base);
    const store = memoryStore();
    bot = await startBot({ store, engine: base, engines });
    await setSetting(store, base, { platform: 'discord', communityId: GUILD_ID }, 'corpora', 'bees', engines.names());

    const here = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'varroa mites' }));
    expect(here.data.embeds.flatMap((e: any) => (e.fields ?? []).map((f: any) => quoteOf(f.value)))).toEqual([HIVE]);
    const typed = bot.fake.autocomplete('crux', { topic: 'varr' }, 'topic');
    const offered = (await bot.fake.waitForCall((c) => c.path.includes(`/${typed}/callback`))).body.data.choices.map((c: any) => c.value);
    expect(offered.some((v: string) => v.toLowerCase().includes('varroa'))).toBe(true);

    const elsewhere = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'varroa mites' }, { guildId: '500000000000000009' }));
    expect(JSON.stringify(elsewhere.data)).not.toContain('Varroa mites are');
    const typedElsewhere = bot.fake.autocomplete('crux', { topic: 'varr' }, 'topic', { guildId: '500000000000000009' });
    const offeredElsewhere = (await bot.fake.waitForCall((c) => c.path.includes(`/${typedElsewhere}/callback`))).body.data.choices;
    expect(offeredElsewhere.map((c: any) => c.value.toLowerCase()).filter((v: string) => v.includes('varroa'))).toEqual([]);
  });

  it('registers /crux-config for members with Manage Server only', () => {
    const [reg] = discordCommands([cruxConfig]);
    expect(reg).toMatchObject({ name: 'crux-config', default_member_permissions: '32' });
  });
});
