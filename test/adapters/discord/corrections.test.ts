// Corrections of sides on Discord (issue 12), end to end: the real discord.js Client against the fake Discord. A
// member marks a quote as on the other side or on no side under an answer; later answers in that server apply and mark
// it, another server never sees it, and a member who may configure Crux lists and undoes it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buttonsOf, visibleParts } from './fake-discord.ts';
import { startBot, type Bot } from './bot.ts';
import { listCorrections } from '../../../src/service/corrections.ts';

const CORPUS = join(import.meta.dirname, '..', '..', 'fixtures', 'positions', 'hyperstition');
const ROOMY = { user: { max: 1000, windowMs: 60_000 }, channel: { max: 1000, windowMs: 60_000 } };
const SERVER_A = '500000000000000001';
const SERVER_B = '500000000000000777';
const QUERY = 'is hyperstition real';
const CORRECTED = /placed as members of this community corrected/;
/** A member's permissions with Manage Server (1 << 5). */
const MANAGE_SERVER = '32';

describe('correcting a side on Discord', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ corpus: CORPUS, adapter: { limits: ROOMY } });
  });
  afterAll(async () => {
    await bot.stop();
  });

  const ask = async (guildId: string) => (await bot.fake.finalReply(bot.fake.slash('crux', { topic: QUERY }, { guildId }))).data;
  const text = (data: any) => visibleParts(data).join('\n');

  test('a member marks a quote as on the other side; later answers in that server only place it there and say so', async () => {
    const first = await ask(SERVER_A);
    expect(text(first)).not.toMatch(CORRECTED);
    const correct = buttonsOf(first)['Correct a side'];
    expect(correct).toBeDefined();
    const picker = (await bot.fake.finalReply(bot.fake.press(first, correct.id, { ephemeral: true, guildId: SERVER_A }))).data;
    expect(picker.flags).toBe(64);
    const marks = buttonsOf(picker);
    const other = Object.keys(marks).find((l) => /^A1: other side/.test(l))!;
    expect(other).toBeDefined();
    const saved = (await bot.fake.finalReply(bot.fake.press(picker, marks[other].id, { ephemeral: true, guildId: SERVER_A }))).data;
    expect(saved.content).toMatch(/^Saved: A1 is now on the other side/);

    const [c] = await listCorrections(bot.store, 'discord', SERVER_A);
    expect(c).toMatchObject({ query: QUERY });
    // The engine, given this server's corrections, places the passage on the other side and marks it.
    const before = await bot.engine.ask(QUERY);
    const after = await bot.engine.ask(QUERY, { corrections: await listCorrections(bot.store, 'discord', SERVER_A) });
    const sideIn = (a: typeof before) => a.positions.find((p) => p.passages.some((h) => h.id === c.passage))?.stance;
    expect(sideIn(after)).not.toBe(sideIn(before));
    expect(after.positions.find((p) => p.corrected?.includes(c.passage))?.why?.[c.passage]).toMatch(/corrected by a member of this community/);

    expect(text(await ask(SERVER_A))).toMatch(CORRECTED);
    expect(text(await ask(SERVER_B))).not.toMatch(CORRECTED);
    expect(await listCorrections(bot.store, 'discord', SERVER_B)).toEqual([]);
  });

  test('a member who may configure Crux lists the server’s corrections and undoes them; other members may not', async () => {
    const member = (await bot.fake.finalReply(bot.fake.slash('crux-config', { setting: 'corrections' }, { guildId: SERVER_A }))).data;
    expect(member.content ?? text(member)).toMatch(/Only members with Manage Server/);
    const admin = { permissions: MANAGE_SERVER };
    const listed = (await bot.fake.finalReply(bot.fake.slash('crux-config', { setting: 'corrections' }, { guildId: SERVER_A, ...admin }))).data;
    expect(listed.content ?? text(listed)).toMatch(/Corrections of sides in this community \(1\)/);
    const elsewhere = (await bot.fake.finalReply(bot.fake.slash('crux-config', { setting: 'corrections' }, { guildId: SERVER_B, ...admin }))).data;
    expect(elsewhere.content ?? text(elsewhere)).toMatch(/No corrections/);

    const undone = (await bot.fake.finalReply(bot.fake.slash('crux-config', { setting: 'corrections', value: 'undo 1' }, { guildId: SERVER_A, ...admin }))).data;
    expect(undone.content ?? text(undone)).toMatch(/Undone: 1 correction/);
    expect(await listCorrections(bot.store, 'discord', SERVER_A)).toEqual([]);
    expect(text(await ask(SERVER_A))).not.toMatch(CORRECTED);
  });

  test('a mark pressed in another server than the one it was offered in is refused', async () => {
    const first = await ask(SERVER_A);
    const picker = (await bot.fake.finalReply(bot.fake.press(first, buttonsOf(first)['Correct a side'].id, { ephemeral: true, guildId: SERVER_A }))).data;
    const [label] = Object.keys(buttonsOf(picker));
    const refused = (await bot.fake.finalReply(bot.fake.press(picker, buttonsOf(picker)[label].id, { ephemeral: true, guildId: SERVER_B }))).data;
    expect(refused.content).toMatch(/another server/);
    expect(await listCorrections(bot.store, 'discord', SERVER_B)).toEqual([]);
  });
});
