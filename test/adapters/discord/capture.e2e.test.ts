// Live capture on Discord, end to end: the real discord.js Client on the fake gateway and REST, a server turning
// capture on with /crux-config, its history fetched, its messages searchable as they are posted, edited and deleted.
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../../../src/service/store.ts';
import { silentLog } from '../../../src/service/log.ts';
import { memoryCaptureLog } from '../../../src/service/capture/log.ts';
import { captureService, type CaptureService } from '../../../src/service/capture/service.ts';
import { incrementalCorpora } from '../../../src/service/capture/searchable.ts';
import { liveUpdates } from '../../../src/service/updates.ts';
import { NO_MESSAGE_CONTENT } from '../../../adapters/discord/capture.ts';
import { ALICE, ALIGNMENT, APP_ID, BOB, CAPTURE_GUILD, DEBATES, FakeDiscord, MANAGE_SERVER, OFFTOPIC, textChannel, thread, visibleParts } from './fake-discord.ts';
import { freshEngine, quoteOf, startBot, type Bot } from './bot.ts';
import { until } from '../../service/capture/helpers.ts';
import { beesChooser, HIVE } from '../../fixtures/named-corpus.ts';
import type { Engine } from '../../../src/core/engine.ts';
import type { EngineChooser } from '../../../src/service/engines.ts';

const GUILD = CAPTURE_GUILD.id;
const OTHER_GUILD = { id: '500000000000000020', name: 'Other Club' };
const OTHER_DEBATES = '200000000000000020';
const DAY = 86_400_000;

let bot: Bot | undefined;
let capture: CaptureService | undefined;
afterEach(async () => {
  await bot?.stop();
  await capture?.close();
  bot = capture = undefined;
});

async function started(o: { fake?: FakeDiscord; store?: Store; flags?: number; env?: Record<string, string>; engines?: (base: Engine) => EngineChooser } = {}): Promise<Bot> {
  const store = o.store ?? memoryStore();
  capture = captureService({ log: memoryCaptureLog(), store, corpora: incrementalCorpora(liveUpdates()), logger: silentLog(), settingsTtlMs: 0 });
  await capture.start();
  const fake = o.fake ?? (await FakeDiscord.start());
  if (o.flags !== undefined) fake.applicationFlags = o.flags;
  const engine = freshEngine();
  bot = await startBot({ fake, store, capture, engine, env: o.env, engines: o.engines?.(engine) });
  if (!o.fake) {
    const close = bot.stop;
    bot.stop = async () => {
      await close();
      await fake.close();
    };
  }
  fake.guildCreate([textChannel(DEBATES, 'debates'), textChannel(ALIGNMENT, 'alignment'), textChannel(OFFTOPIC, 'off-topic')]);
  return bot;
}

/** What /crux TOPIC quotes in a server, and the whole reply as text. */
async function ask(b: Bot, topic: string, guildId = GUILD): Promise<{ quotes: string[]; text: string }> {
  const reply = await b.fake.finalReply(b.fake.slash('crux', { topic }, { guildId, channelId: DEBATES }));
  const quotes = (reply.data.embeds ?? []).flatMap((e: any) => (e.fields ?? []).map((f: any) => quoteOf(f.value))).filter(Boolean);
  return { quotes, text: visibleParts(reply.data).join('\n') };
}

async function config(b: Bot, value: string, guildId = GUILD): Promise<string> {
  const reply = await b.fake.finalReply(b.fake.slash('crux-config', { setting: 'capture', value }, { guildId, channelId: DEBATES, permissions: MANAGE_SERVER }));
  return visibleParts(reply.data).join('\n');
}

/** Waits until the server's corpus holds this many captured messages. */
const captured = (n: number, guildId = GUILD) => until(() => capture!.state.count(`discord:${guildId}`) === n, `${n} captured messages`);

describe('capture on Discord', () => {
  it('is turned on with /crux-config, fetches the last 30 days of the channels, and says how far it got', async () => {
    const b = await started();
    b.fake.past(DEBATES, 'Hyperstition was discussed here last week.', { ageMs: 7 * DAY });
    b.fake.past(DEBATES, 'Hyperstition from two months ago stays out.', { ageMs: 60 * DAY });
    b.fake.past(ALIGNMENT, 'Corrigibility came up yesterday.', { ageMs: DAY });
    b.fake.past(OFFTOPIC, 'Hyperstition in a channel nobody turned on.', { ageMs: DAY });
    const said = await config(b, `<#${DEBATES}>, #alignment`);
    expect(said).toMatch(/Capturing #debates, #alignment/);
    expect(said).toMatch(/last 30 days, up to 10,000 messages each/);
    await captured(2);
    expect((await ask(b, 'hyperstition')).quotes).toEqual(['Hyperstition was discussed here last week.']);
    expect((await ask(b, 'corrigibility')).quotes).toEqual(['Corrigibility came up yesterday.']);
    const report = await b.fake.waitForCall((c) => c.method === 'POST' && /\/webhooks\//.test(c.path) && /history fetched/.test(JSON.stringify(c.body)));
    expect(report.body.flags & 64).toBe(64);
    expect(await config(b, '')).toBeTruthy();
    const shown = visibleParts((await b.fake.finalReply(b.fake.slash('crux-config', {}, { guildId: GUILD }))).data).join('\n');
    expect(shown).toMatch(/capture: #debates \(1 messages\), #alignment \(1 messages\)/);
  });

  it('fetches the history of the channel’s threads too, waiting out a rate limit', async () => {
    const b = await started();
    const opener = b.fake.past(DEBATES, 'Simulators: the opening post.', { ageMs: 3 * DAY });
    b.fake.guildCreate([textChannel(DEBATES, 'debates'), thread(opener.id, 'Simulators thread', DEBATES)]);
    b.fake.past(opener.id, 'Simulators: an answer inside the thread.', { ageMs: 2 * DAY, user: BOB });
    // Discord answers the first history request with a 429; discord.js waits it out and asks again.
    b.fake.failNext(
      { method: 'GET', path: /\/channels\/\d+\/messages$/ },
      { status: 429, headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user', 'x-ratelimit-global': 'false' }, body: { message: 'You are being rate limited.', retry_after: 0.2, global: false } },
    );
    await config(b, `<#${DEBATES}>`);
    await captured(2);
    expect((await ask(b, 'simulators')).quotes.sort()).toEqual(['Simulators: an answer inside the thread.', 'Simulators: the opening post.']);
    expect(b.fake.calls.filter((c) => /\/messages$/.test(c.path) && c.status === 429)).toHaveLength(1);
    expect(b.logs.some((l) => l.level === 'warn' && /rate limited on GET/.test(l.msg))).toBe(true);
  });

  it('fetches as far back and as many messages as CRUX_CAPTURE_DAYS and CRUX_CAPTURE_MESSAGES say', async () => {
    const b = await started({ env: { CRUX_CAPTURE_DAYS: '3', CRUX_CAPTURE_MESSAGES: '2' } });
    b.fake.past(DEBATES, 'Quokka five days ago.', { ageMs: 5 * DAY });
    b.fake.past(DEBATES, 'Quokka two days ago.', { ageMs: 2 * DAY });
    b.fake.past(DEBATES, 'Quokka yesterday.', { ageMs: DAY });
    b.fake.past(DEBATES, 'Quokka an hour ago.', { ageMs: DAY / 24 });
    expect(await config(b, `<#${DEBATES}>`)).toMatch(/last 3 days, up to 2 messages each/);
    await b.fake.waitForCall((c) => c.method === 'POST' && /\/webhooks\//.test(c.path) && /history fetched, 2 messages/.test(JSON.stringify(c.body)));
    expect(capture!.state.count(`discord:${GUILD}`)).toBe(2);
    expect((await ask(b, 'quokka')).quotes.sort()).toEqual(['Quokka an hour ago.', 'Quokka yesterday.']);
  });

  it('pages through a long history 100 messages at a time, newest first, and stops at the most wanted', async () => {
    const b = await started({ env: { CRUX_CAPTURE_MESSAGES: '150' } });
    for (let i = 0; i < 250; i++) b.fake.past(DEBATES, `Paged message number ${i} about quokkas.`, { ageMs: DAY - i * 1_000 });
    // (The channel given by its id.)
    expect(await config(b, DEBATES)).toMatch(/Capturing #debates.*\n.*up to 150 messages each/);
    // (The follow-up is posted, then edited as the fetch goes on.)
    await b.fake.waitForCall((c) => /\/webhooks\//.test(c.path) && /history fetched, 150 messages/.test(JSON.stringify(c.body)));
    const pages = b.fake.calls.filter((c) => c.method === 'GET' && c.path.endsWith(`/channels/${DEBATES}/messages`));
    expect(pages.map((c) => c.query.get('limit'))).toEqual(['100', '100']);
    // The second page starts before the oldest message of the first.
    expect(pages[0].query.get('before')).toBeNull();
    expect(pages[1].query.get('before')).toBe([...capture!.state.of(`discord:${GUILD}`).messages.values()].find((m) => m.text === 'Paged message number 150 about quokkas.')!.id);
    const held = [...capture!.state.of(`discord:${GUILD}`).messages.values()].map((m) => Number(/number (\d+)/.exec(m.text)![1]));
    expect(held.sort((x, y) => x - y)).toEqual(Array.from({ length: 150 }, (_, i) => 100 + i));
  });

  it('lets only members who may manage the server turn capture on', async () => {
    const b = await started();
    const reply = await b.fake.finalReply(b.fake.slash('crux-config', { setting: 'capture', value: `<#${DEBATES}>` }, { guildId: GUILD, channelId: DEBATES, user: BOB }));
    expect(visibleParts(reply.data).join('\n')).toMatch(/Only members with Manage Server/);
    expect(await capture!.channels('discord', GUILD)).toEqual([]);
    b.fake.post(DEBATES, 'Quokka, not captured.');
    await new Promise((r) => setTimeout(r, 200));
    expect(capture!.state.count(`discord:${GUILD}`)).toBe(0);
  });

  it('answers a server’s /crux from its captured channels together with the corpora it chose, and no other server’s', async () => {
    const b = await started({ engines: beesChooser });
    b.fake.guildCreate([textChannel(OTHER_DEBATES, 'debates', OTHER_GUILD.id)], OTHER_GUILD);
    await b.fake.finalReply(b.fake.slash('crux-config', { setting: 'corpora', value: 'bees' }, { guildId: GUILD, channelId: DEBATES, permissions: MANAGE_SERVER }));
    await config(b, `<#${DEBATES}>`);
    b.fake.post(DEBATES, 'Varroa mites can be treated in spring as well, says the club.');
    await captured(1);
    expect((await ask(b, 'varroa mites')).quotes.sort()).toEqual([HIVE, 'Varroa mites can be treated in spring as well, says the club.'].sort());
    // The other server chose no corpus and captured nothing: neither reaches it.
    expect((await ask(b, 'varroa mites', OTHER_GUILD.id)).quotes).toEqual([]);
  });

  it('refuses channels it cannot capture and changes nothing', async () => {
    const b = await started();
    expect(await config(b, '#nowhere')).toMatch(/"#nowhere": no such channel in this server\. Nothing was changed\./);
    const shown = visibleParts((await b.fake.finalReply(b.fake.slash('crux-config', {}, { guildId: GUILD }))).data).join('\n');
    expect(shown).toMatch(/capture: off \(default\)/);
  });

  it('makes a message searchable as it is posted, replaces it when edited, and removes it when deleted', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    const m = b.fake.post(DEBATES, 'Sycophancy is a training artefact.', { nick: 'Ally' });
    await captured(1);
    const first = await ask(b, 'sycophancy');
    expect(first.quotes).toEqual(['Sycophancy is a training artefact.']);
    expect(first.text).toContain('Ally');
    expect(JSON.stringify((await b.fake.finalReply(b.fake.slash('crux', { topic: 'sycophancy' }, { guildId: GUILD }))).data)).toContain(`https://discord.com/channels/${GUILD}/${DEBATES}/${m.id}`);

    b.fake.edit(m, 'Sycophancy is a reward artefact.');
    await until(async () => (await ask(b, 'sycophancy')).quotes[0] === 'Sycophancy is a reward artefact.', 'the edit');
    b.fake.remove(m);
    await captured(0);
    expect((await ask(b, 'sycophancy')).quotes).toEqual([]);
  });

  it('captures an edit of a message it never saw (posted before capture began) as the message', async () => {
    const b = await started();
    const old = b.fake.past(DEBATES, 'Posted before capture.', { ageMs: 60 * DAY });
    await config(b, `<#${DEBATES}>`);
    b.fake.edit(old, 'Corrigibility, edited after capture began.');
    await captured(1);
    expect((await ask(b, 'corrigibility')).quotes).toEqual(['Corrigibility, edited after capture began.']);
  });

  it('keeps the newest version when edits arrive out of order, and keeps out a message whose deletion came first', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    const m = b.fake.post(DEBATES, 'Goodhart, the first words.');
    await captured(1);
    const t = Date.parse(m.timestamp);
    b.fake.send('MESSAGE_UPDATE', { ...m, content: 'Goodhart, the newest words.', edited_timestamp: new Date(t + 2_000).toISOString() });
    b.fake.send('MESSAGE_UPDATE', { ...m, content: 'Goodhart, older words arriving late.', edited_timestamp: new Date(t + 1_000).toISOString() });
    // A message whose deletion reaches Crux before the message itself.
    const late = b.fake.past(DEBATES, 'Goodhart, deleted before it arrived.');
    b.fake.send('MESSAGE_DELETE', { id: late.id, channel_id: DEBATES, guild_id: GUILD });
    b.fake.send('MESSAGE_CREATE', late);
    b.fake.post(DEBATES, 'Quokka, sent after all of those.');
    await captured(2);
    await until(async () => (await ask(b, 'goodhart')).quotes.length > 0, 'an answer');
    expect((await ask(b, 'goodhart')).quotes).toEqual(['Goodhart, the newest words.']);
  });

  it('removes every message of a bulk deletion', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    const ms = [b.fake.post(DEBATES, 'Quokka one.'), b.fake.post(DEBATES, 'Quokka two.'), b.fake.post(DEBATES, 'Quokka three.')];
    await captured(3);
    b.fake.removeBulk(ms.slice(0, 2));
    await captured(1);
    expect((await ask(b, 'quokka')).quotes).toEqual(['Quokka three.']);
  });

  it('captures thread messages as replies to the message that started the thread', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    const start = b.fake.post(DEBATES, 'Mesa optimisers: the opening claim.');
    b.fake.threadCreate(thread(start.id, 'Mesa thread', DEBATES));
    b.fake.post(start.id, 'Mesa optimisers: a reply inside the thread.', { user: BOB });
    const reply = b.fake.post(DEBATES, 'Mesa optimisers: a direct reply.', { replyTo: start.id, user: BOB });
    await captured(3);
    const held = capture!.state.of(`discord:${GUILD}`).messages;
    expect([...held.values()].find((m) => m.text.includes('inside the thread'))).toMatchObject({ channel: DEBATES, thread: start.id, parent: start.id, title: '#debates › Mesa thread' });
    expect(held.get(reply.id)).toMatchObject({ parent: start.id });
  });

  it('removes what a thread or a channel held when it is deleted', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>, <#${ALIGNMENT}>`);
    const start = b.fake.post(DEBATES, 'Quokka thread opener.');
    const t = thread(start.id, 'Quokka thread', DEBATES);
    b.fake.threadCreate(t);
    b.fake.post(start.id, 'Quokka inside the thread.');
    b.fake.post(ALIGNMENT, 'Quokka in alignment.');
    await captured(3);
    b.fake.threadDelete(t);
    await captured(2);
    b.fake.channelDelete(textChannel(ALIGNMENT, 'alignment'));
    await captured(1);
    expect((await ask(b, 'quokka')).quotes).toEqual(['Quokka thread opener.']);
  });

  it('leaves out bots, Crux itself, system messages, embeds without text, direct messages, unknown channels and channels not turned on', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    b.fake.post(DEBATES, 'Quokka from a bot.', { bot: true, user: { ...BOB, id: '600000000000000099', username: 'somebot' } });
    b.fake.post(DEBATES, 'Quokka joined.', { type: 7 });
    b.fake.post(DEBATES, '', { embeds: [{ title: 'Quokka link preview' }] });
    b.fake.post(OFFTOPIC, 'Quokka off topic.');
    // A channel Discord never told the bot about (discord.js drops its events; nothing breaks).
    b.fake.post('299999999999999999', 'Quokka in an unknown channel.');
    // Crux's own message, and its answer to an interaction.
    b.fake.post(DEBATES, 'Quokka said by Crux itself.', { user: { ...ALICE, id: APP_ID, username: 'crux' } });
    b.fake.send('MESSAGE_CREATE', b.fake.messageFrom({ content: 'Quokka in an answer of Crux.' }, undefined, { channel_id: DEBATES, guild_id: GUILD }));
    // A direct message (Crux asks for no direct-message events; one arriving anyway is not captured).
    b.fake.send('MESSAGE_CREATE', { ...b.fake.past('399999999999999999', 'Quokka in a direct message.'), guild_id: undefined, member: undefined });
    b.fake.post(DEBATES, 'Quokka from a person.');
    await captured(1);
    expect((await ask(b, 'quokka')).quotes).toEqual(['Quokka from a person.']);
  });

  it('keeps each server’s captured messages to that server', async () => {
    const b = await started();
    b.fake.guildCreate([textChannel(OTHER_DEBATES, 'debates', OTHER_GUILD.id)], OTHER_GUILD);
    await config(b, `<#${DEBATES}>`);
    await config(b, `<#${OTHER_DEBATES}>`, OTHER_GUILD.id);
    b.fake.post(DEBATES, 'Orthogonality, says the first server.');
    b.fake.post(OTHER_DEBATES, 'Orthogonality, says the second server.', { guildId: OTHER_GUILD.id });
    await captured(1);
    await captured(1, OTHER_GUILD.id);
    expect((await ask(b, 'orthogonality')).quotes).toEqual(['Orthogonality, says the first server.']);
    expect((await ask(b, 'orthogonality', OTHER_GUILD.id)).quotes).toEqual(['Orthogonality, says the second server.']);
  });

  it('forgets a member who asks with /crux-forget-me, and keeps their later messages out', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    b.fake.post(DEBATES, 'Deceptive alignment is likely, says Bob.', { user: BOB });
    b.fake.post(DEBATES, 'Deceptive alignment is unlikely, says Alice.', { user: ALICE });
    await captured(2);
    const done = await b.fake.finalReply(b.fake.slash('crux-forget-me', {}, { user: BOB, guildId: GUILD }));
    expect(visibleParts(done.data).join('\n')).toMatch(/1 of your messages captured here was removed/);
    expect(done.data.flags & 64).toBe(64);
    b.fake.post(DEBATES, 'Deceptive alignment, Bob again.', { user: BOB });
    b.fake.post(DEBATES, 'Deceptive alignment, Alice again.', { user: ALICE });
    await captured(2);
    expect((await ask(b, 'deceptive alignment')).quotes.sort()).toEqual(['Deceptive alignment is unlikely, says Alice.', 'Deceptive alignment, Alice again.']);
  });

  it('stops with "capture off" and removes what a channel gave with "capture purge"', async () => {
    const b = await started();
    await config(b, `<#${DEBATES}>`);
    b.fake.post(DEBATES, 'Shard theory before the switch.');
    await captured(1);
    expect(await config(b, 'off')).toMatch(/Capture is off for #debates\. What was captured stays searchable/);
    b.fake.post(DEBATES, 'Shard theory after the switch.');
    await new Promise((r) => setTimeout(r, 200));
    expect((await ask(b, 'shard theory')).quotes).toEqual(['Shard theory before the switch.']);
    expect(await config(b, `purge <#${DEBATES}>`)).toMatch(/the 1 messages captured there were removed/);
    // (What remains may be the bot's own corpus, corrected to "shared theory".)
    expect((await ask(b, 'shard theory')).quotes.filter((q) => q.includes('Shard theory'))).toEqual([]);
  });

  it('without the Message Content intent says so at start-up and in /crux-config, and asks Discord for no message events', async () => {
    const b = await started({ flags: 0 });
    expect(b.logs.some((l) => l.level === 'warn' && l.msg.includes(NO_MESSAGE_CONTENT))).toBe(true);
    expect(b.fake.identifies.at(-1).intents).toBe(1);
    expect(await config(b, `<#${DEBATES}>`)).toContain(NO_MESSAGE_CONTENT);
    const shown = visibleParts((await b.fake.finalReply(b.fake.slash('crux-config', {}, { guildId: GUILD }))).data).join('\n');
    expect(shown).toContain('unavailable');
  });

  it('asks Discord for guild messages and their content when the intent is on', async () => {
    const b = await started();
    expect(b.fake.identifies.at(-1).intents).toBe(1 | (1 << 9) | (1 << 15));
  });
});
