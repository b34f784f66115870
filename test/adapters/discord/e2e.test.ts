// End to end: the real discord.js Client, logged in to a fake Discord (REST + gateway on 127.0.0.1), answering
// interactions over the fixture corpora. Everything is checked from the HTTP calls the client makes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXPIRED_TEXT } from '../../../adapters/discord/handle.ts';
import { commands } from '../../../commands/index.ts';
import { LIMITS } from '../../../adapters/discord/fit.ts';
import { readConfig } from '../../../src/config.ts';
import { startDiscord } from '../../../adapters/discord/index.ts';
import { memoryStore } from '../../../src/service/store.ts';
import type { Engine } from '../../../src/core/engine.ts';
import { ALICE, APP_ID, BOB, buttonsOf, CHANNEL_ID, FakeDiscord, visibleParts, type RestCall } from './fake-discord.ts';
import { BASIC, corpusText, engineFor, FAKE_TOKEN, isVerbatim, OVERFLOW, quoteOf, seen, startBot, type Bot } from './bot.ts';

const EPHEMERAL = 64;
/** Rate limits wide enough for a suite of tests by one user in one channel (the limits have tests of their own). */
const ROOMY = { user: { max: 1000, windowMs: 60_000 }, channel: { max: 1000, windowMs: 60_000 } };
const basicText = corpusText(BASIC);

/** Message payloads the bot sent in a call: callback data (types 4, 7), edits and follow-ups. */
function sentMessage(c: RestCall): any | null {
  if (c.path.endsWith('/callback')) return c.body?.type === 4 || c.body?.type === 7 ? c.body.data : null;
  if (c.path.includes('/webhooks/') && (c.method === 'PATCH' || c.method === 'POST')) return c.body;
  return null;
}

function expectWithinLimits(data: any): void {
  expect(data.content?.length ?? 0).toBeLessThanOrEqual(LIMITS.content);
  expect(data.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  let total = 0;
  for (const e of data.embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
    expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.footer);
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
    total += (e.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  expect(data.components?.length ?? 0).toBeLessThanOrEqual(LIMITS.rows);
  for (const row of data.components ?? []) {
    expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
    for (const b of row.components) {
      expect(b.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
      expect(b.label.length).toBeLessThanOrEqual(LIMITS.buttonLabel);
    }
  }
  const ids = (data.components ?? []).flatMap((r: any) => r.components.map((b: any) => b.custom_id));
  expect(new Set(ids).size).toBe(ids.length);
}

function quotesOf(data: any): string[] {
  return data.embeds.flatMap((e: any) => (e.fields ?? []).map((f: any) => quoteOf(f.value))).filter(Boolean);
}

describe('the Discord bot on the basic corpus', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ adapter: { limits: ROOMY } });
  });
  afterAll(async () => {
    await bot.stop();
  });

  test('connects with only the Guilds intent', () => {
    expect(bot.fake.identifies).toHaveLength(1);
    expect(bot.fake.identifies[0].intents).toBe(1);
    expect(bot.running.connected()).toBe(true);
  });

  test('/crux answers with verbatim quotes, linked source titles and buttons, just for the asker', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work' });
    const { data, kind } = await bot.fake.finalReply(token);
    expect(kind).toBe('reply');
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.embeds[0].title).toBe('Crux: remote work');
    const fields = data.embeds[0].fields;
    expect(fields.length).toBeGreaterThanOrEqual(3);
    expect(fields[0].name).toBe('#1');
    expect(fields.some((f: any) => f.value.includes('[Should the team return to the office?](https://forum.example.org/t/office-return/41)'))).toBe(true);
    for (const q of quotesOf(data)) expect(isVerbatim(q, basicText), q).toBe(true);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    expect(Object.keys(buttonsOf(data))).toEqual(expect.arrayContaining(['More passages', 'Post to channel']));
    expectWithinLimits(data);
  });

  test('autocomplete suggests corpus phrases and titles within 25 choices of 100 characters', async () => {
    const token = bot.fake.autocomplete('crux', { topic: 'remot' }, 'topic');
    const call = await bot.fake.waitForCall((c) => c.path.includes(`/${token}/callback`));
    expect(call.body.type).toBe(8);
    const choices = call.body.data.choices;
    expect(choices[0]).toEqual({ name: 'remote work', value: 'remote work' });
    expect(choices.length).toBeLessThanOrEqual(25);

    const typo = bot.fake.autocomplete('crux', { topic: 'comute' }, 'topic');
    const typoCall = await bot.fake.waitForCall((c) => c.path.includes(`/${typo}/callback`));
    expect(typoCall.body.data.choices.map((c: any) => c.value)).toContain('commute');

    const src = bot.fake.autocomplete('crux', { topic: 'compost', source: 'gard' }, 'source');
    const srcCall = await bot.fake.waitForCall((c) => c.path.includes(`/${src}/callback`));
    expect(srcCall.body.data.choices).toEqual([{ name: 'Garden club minutes', value: 'Garden club minutes' }]);
  });

  test('a button press moves the asker\'s own answer to the next page, in place', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work', limit: 1 });
    const first = await bot.fake.finalReply(token);
    expect(first.data.embeds[0].fields.map((f: any) => f.name)).toEqual(['#1']);
    const more = buttonsOf(first.data)['More passages'];
    expect(more.disabled).toBe(false);

    const press = bot.fake.press(first.data, more.id, { ephemeral: true });
    const next = await bot.fake.finalReply(press);
    expect(next.kind).toBe('update');
    expect(next.data.embeds[0].fields.map((f: any) => f.name)).toEqual(['#2']);
    expect(next.data.embeds[0].fields[0].value).not.toBe(first.data.embeds[0].fields[0].value);
    expect(next.data.embeds[0].footer.text).toMatch(/^Passages 2–2/);
    expect(next.data.allowed_mentions).toEqual({ parse: [] });
  });

  test('buttons keep working after the bot restarts', async () => {
    const token = bot.fake.slash('crux', { topic: 'commute', limit: 1 });
    const first = await bot.fake.finalReply(token);
    await bot.restart();
    const press = bot.fake.press(first.data, buttonsOf(first.data)['More passages'].id, { ephemeral: true });
    const next = await bot.fake.finalReply(press);
    expect(next.data.embeds[0].fields[0].name).toBe('#2');
  });

  test('an expired button says so, only to the one who pressed it', async () => {
    const old = 'cx1:m:c:0:1:0:5:1:qremote work';
    const press = bot.fake.press({ content: '', embeds: [] }, old, { ephemeral: true });
    const { data, kind } = await bot.fake.finalReply(press);
    expect(kind).toBe('reply');
    expect(data.flags).toBe(EPHEMERAL);
    expect(seen(data.content)).toBe(EXPIRED_TEXT);
  });

  test('someone else pressing a button on a public answer gets their own copy, not a change to the shared one', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work', limit: 1, public: true });
    const shared = await bot.fake.finalReply(token);
    expect(shared.data.flags ?? 0).toBe(0);
    expect(buttonsOf(shared.data)['Post to channel']).toBeUndefined();
    const press = bot.fake.press(shared.data, buttonsOf(shared.data)['More passages'].id, { user: BOB, owner: ALICE });
    const { data, kind } = await bot.fake.finalReply(press);
    expect(kind).toBe('reply');
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.embeds[0].fields[0].name).toBe('#2');
  });

  test('"Post to channel" posts the ephemeral answer publicly, naming who shared it without pinging', async () => {
    const token = bot.fake.slash('crux', { topic: 'office lease' });
    const first = await bot.fake.finalReply(token);
    const press = bot.fake.press(first.data, buttonsOf(first.data)['Post to channel'].id, { ephemeral: true });
    const { data, kind } = await bot.fake.finalReply(press);
    expect(kind).toBe('reply');
    expect(data.flags ?? 0).toBe(0);
    expect(data.content).toBe(`Shared by <@${ALICE.id}>`);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    expect(data.embeds[0].fields.map((f: any) => f.value)).toEqual(first.data.embeds[0].fields.map((f: any) => f.value));
    expect(buttonsOf(data)['Post to channel']).toBeUndefined();
  });

  test('"Find the crux" on a message answers from that message\'s text, linking back to it', async () => {
    const token = bot.fake.messageCommand('Find the crux', 'Honestly the commute is what kills me, I want remote work to stay');
    const { data } = await bot.fake.finalReply(token);
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.embeds[0].title).toBe('Find the crux: Honestly the commute is what kills me, I want remote work to stay');
    expect(data.embeds[0].url).toMatch(new RegExp(`^https://discord.com/channels/\\d+/${CHANNEL_ID}/\\d+$`));
    expect(data.embeds[0].description).toContain('About [this message](https://discord.com/channels/');
    for (const q of quotesOf(data)) expect(isVerbatim(q, basicText), q).toBe(true);
    expect(data.embeds[0].fields.length).toBeGreaterThan(0);
    // Its next page is still about that message, and still links to it.
    const more = buttonsOf(data)['More passages'];
    const next = await bot.fake.finalReply(bot.fake.press(data, more.id, { ephemeral: true }));
    expect(next.data.embeds[0].title).toBe(data.embeds[0].title);
    expect(next.data.embeds[0].url).toBe(data.embeds[0].url);
    expect(next.data.embeds[0].fields[0].name).toBe('#6');
  });

  test('"Find the crux" on a message without text explains, only to the asker', async () => {
    const token = bot.fake.messageCommand('Find the crux', '');
    const { data } = await bot.fake.finalReply(token);
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.content).toBe('That message has no text to look up.');
  });

  test('an interaction that arrives late is deferred first, then the answer replaces "thinking…"', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work' }, { ageMs: 2000 });
    const { data, kind, calls } = await bot.fake.finalReply(token);
    expect(kind).toBe('edit');
    expect(calls[0].path).toMatch(/\/callback$/);
    expect(calls[0].body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect(data.embeds[0].title).toBe('Crux: remote work');
    expect(data.allowed_mentions).toEqual({ parse: [] });
  });

  test('a late button press is deferred as an update, then the message is edited', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work', limit: 1 });
    const first = await bot.fake.finalReply(token);
    const press = bot.fake.press(first.data, buttonsOf(first.data)['More passages'].id, { ephemeral: true, ageMs: 2500 });
    const { data, kind, calls } = await bot.fake.finalReply(press);
    expect(kind).toBe('edit');
    expect(calls[0].body).toEqual({ type: 6 });
    expect(data.embeds[0].fields[0].name).toBe('#2');
  });

  test('a passage with @everyone, role mentions and markdown is shown literally and pings nobody', async () => {
    const token = bot.fake.slash('crux', { topic: 'memo', public: true });
    const { data } = await bot.fake.finalReply(token);
    const field = data.embeds[0].fields.find((f: any) => f.value.includes('everyone'));
    expect(field).toBeDefined();
    const v: string = field.value;
    expect(v).toContain('\\@everyone');
    expect(v).toContain('\\<@&123>');
    expect(v).toContain('\\<@456>');
    expect(v).toContain('\\<#789>');
    expect(v).toContain('\\@here');
    expect(v).not.toMatch(/(?<!\\)@everyone/);
    expect(v).not.toMatch(/(?<!\\)<@/);
    expect(v).toContain('> \\# Not a heading');
    expect(v).toContain('> \\- not a list item');
    expect(v).toContain('> 1\\. not a numbered item');
    expect(v).toContain('\\[free lunch](https://evil.example)');
    expect(v).toContain('\\|\\|spoiler\\|\\|');
    expect(v).toContain('\\`code\\`');
    expect(v).toContain('\\~\\~strike\\~\\~');
    expect(v).toContain('\\_over\\_');
    // What a reader sees is the corpus paragraph, exactly.
    expect(quoteOf(v)).toBe(
      '@everyone the office is back <@&123> and **remote work** is _over_, says the memo.\n# Not a heading, only a hash\n- not a list item\n1. not a numbered item\n[free lunch](https://evil.example) ||spoiler|| `code` ~~strike~~ <@456> <#789> @here',
    );
    expect(data.allowed_mentions).toEqual({ parse: [] });
    // Nowhere in the message (title, description, fields, footer) is there a live mention.
    for (const part of visibleParts(data)) expect(part).not.toMatch(/(?<!\\)(@everyone|@here|<@)/);
    // The source title's own brackets cannot open a link either.
    expect(v).toContain('— [Meeting notes: the \\[office\\] question](https://notes.example.org/office-question)');
  });

  test('/crux-help lists every command from the same definitions as the terminal help', async () => {
    const token = bot.fake.slash('crux-help');
    const { data } = await bot.fake.finalReply(token);
    expect(data.flags).toBe(EPHEMERAL);
    const names = data.embeds[0].fields.map((f: any) => f.name);
    expect(names).toEqual(commands.map((c) => (c.kind === 'message' ? `Apps › ${c.label}` : `/${c.name}`)));
    expect(names.slice(0, 3)).toEqual(['/crux', 'Apps › Find the crux', '/crux-help']);
    const crux = data.embeds[0].fields[0].value;
    expect(crux).toContain('`topic`: What to look up');
    expect(crux).toContain('`limit` (optional)');
    expect(crux).toContain('`/crux topic:sycophancy limit:3`');
  });

  test('a mistake in the request is explained only to the asker, even when the answer was to be public', async () => {
    const token = bot.fake.slash('crux', { topic: 'compost', source: 'no such source', public: true });
    const { data } = await bot.fake.finalReply(token);
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.content).toBe('No source matches "no such source".');
  });

  test('the source filter keeps answers to one source', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work', source: 'Meeting notes' });
    const { data } = await bot.fake.finalReply(token);
    expect(data.embeds[0].fields.length).toBeGreaterThan(0);
    for (const f of data.embeds[0].fields) expect(f.value).toContain('Meeting notes');
    // The filter does not fit in a custom_id: it is kept in the store, under a short key.
    expect(buttonsOf(data)['Post to channel'].id).toMatch(/^cx1:s:c:0:0:0:5:[0-9a-z]+:k[\w-]+$/);
  });

  test('the author option keeps answers to that author\'s passages, also after "Post to channel"', async () => {
    // office.jsonl has passages by Priya, Marcus, Lena and Sam on remote work.
    const priya = readFileSync(join(BASIC, 'office.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((r) => r.author === 'Priya')
      .map((r) => r.text as string)
      .join('\n');
    const token = bot.fake.slash('crux', { topic: 'remote work', author: 'priya' });
    const { data } = await bot.fake.finalReply(token);
    const quotes = quotesOf(data);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(isVerbatim(q, priya)).toBe(true);
    for (const f of data.embeds[0].fields) expect(f.value).toContain('Priya');
    const press = bot.fake.press(data, buttonsOf(data)['Post to channel'].id, { ephemeral: true });
    const posted = await bot.fake.finalReply(press);
    expect(quotesOf(posted.data)).toEqual(quotes);
  });

  test('a malformed since option is explained to the asker', async () => {
    const token = bot.fake.slash('crux', { topic: 'remote work', since: 'last week' });
    const { data } = await bot.fake.finalReply(token);
    expect(data.flags).toBe(EPHEMERAL);
    expect(data.content).toContain('since: needs a date like 2024-03-01');
  });

  test('every message, edit and follow-up the bot sent carried allowed_mentions { parse: [] }', () => {
    const sent = bot.fake.calls.map(sentMessage).filter(Boolean);
    expect(sent.length).toBeGreaterThan(10);
    for (const m of sent) expect(m.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('positions and exchanges', () => {
  // The positions step is tested elsewhere; here an engine adds two fixed positions and an exchange (made of real
  // passages of the answer) so the buttons that move through them can be pressed end to end.
  const real = engineFor(BASIC);
  const engine: Engine = {
    ...real,
    ask: (q, o) => {
      const a = real.ask(q, o);
      const [p1, p2, p3] = a.passages;
      return {
        ...a,
        positions: [
          { label: 'remote work keeps focus', stance: 'for', stanceCue: 'productive', passages: [p1, p3].filter(Boolean), weight: { passages: 4, authors: 3, ofRelevant: 7 } },
          { label: 'onboarding suffers', stance: 'against', stanceCue: null, passages: [p2], weight: { passages: 2, authors: 1, ofRelevant: 7 } },
        ],
        exchanges: [{ claim: p1, reply: p2, claimPosition: 0, replyPosition: 1, via: 'parent' }],
      };
    },
  };
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ engine, adapter: { limits: ROOMY } });
  });
  afterAll(async () => {
    await bot.stop();
  });

  test('an answer lists the positions with their weight and shows the first in detail', async () => {
    const { data } = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'remote work' }));
    expect(data.embeds[0].description).toContain('▸ **A.** remote work keeps focus · for (“productive”) · 4 of 7 passages, 3 authors');
    expect(data.embeds[0].description).toContain('• **B.** onboarding suffers · against · 2 of 7 passages, 1 author');
    expect(data.embeds[1].title).toBe('Position A of 2: remote work keeps focus');
    expect(Object.keys(buttonsOf(data))).toEqual(['◀ Previous position', 'Next position ▶', 'More passages', 'Show exchange', 'Post to channel', 'Correct a side']);
    expect(buttonsOf(data)['◀ Previous position'].disabled).toBe(true);
  });

  test('"Next position" and "Previous position" move the focus, "Show exchange" shows a claim and its reply', async () => {
    const first = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'remote work' }));
    const next = await bot.fake.finalReply(bot.fake.press(first.data, buttonsOf(first.data)['Next position ▶'].id, { ephemeral: true }));
    expect(next.kind).toBe('update');
    expect(next.data.embeds[1].title).toBe('Position B of 2: onboarding suffers');
    expect(next.data.embeds[0].description).toContain('▸ **B.** onboarding suffers');
    expect(buttonsOf(next.data)['Next position ▶'].disabled).toBe(true);

    const back = await bot.fake.finalReply(bot.fake.press(next.data, buttonsOf(next.data)['◀ Previous position'].id, { ephemeral: true }));
    expect(back.data.embeds[1].title).toBe('Position A of 2: remote work keeps focus');

    const ex = await bot.fake.finalReply(bot.fake.press(back.data, buttonsOf(back.data)['Show exchange'].id, { ephemeral: true }));
    const exchange = ex.data.embeds[2];
    expect(exchange.title).toBe('Exchange 1 of 1');
    expect(exchange.fields.map((f: any) => f.name)).toEqual(['Claim · position A', 'Reply · position B']);
    for (const f of exchange.fields) expect(isVerbatim(quoteOf(f.value), basicText)).toBe(true);
    // The focus on position A is kept while the exchange opens, and the button now closes it.
    expect(ex.data.embeds[1].title).toBe('Position A of 2: remote work keeps focus');
    const hide = buttonsOf(ex.data)['Hide exchange'];
    const closed = await bot.fake.finalReply(bot.fake.press(ex.data, hide.id, { ephemeral: true }));
    expect(closed.data.embeds).toHaveLength(2);
  });
});

describe('limits, on a corpus built to overflow every one of them', () => {
  let bot: Bot;
  const overflowText = corpusText(OVERFLOW);
  beforeAll(async () => {
    bot = await startBot({ corpus: OVERFLOW, adapter: { limits: ROOMY } });
  });
  afterAll(async () => {
    await bot.stop();
  });

  test('the longest topic, fifty passages and huge titles still make one valid message, cut at sentence ends', async () => {
    const topic = ('overflow limit ' + 'alpha bravo charlie delta echo foxtrot golf hotel india juliet '.repeat(8)).slice(0, 500);
    const token = bot.fake.slash('crux', { topic, limit: 50 });
    const { data } = await bot.fake.finalReply(token);
    expectWithinLimits(data);
    const e = data.embeds[0];
    expect(e.title.endsWith('…')).toBe(true);
    expect(e.fields.length).toBeGreaterThan(3);
    const quotes = quotesOf(data);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(isVerbatim(q, overflowText), q).toBe(true);
    // Quotes that had to be shortened end with " …" after a whole sentence or, in a run-on paragraph, a whole word.
    const cut = quotes.filter((q) => q.endsWith(' …'));
    expect(cut.length).toBeGreaterThan(0);
    for (const q of cut) {
      const before = q.slice(0, -2);
      const wholeSentence = /[.!?]$/.test(before);
      const wholeWord = overflowText.includes(before.split('…').pop()!.trim() + ' ');
      expect(wholeSentence || wholeWord, q).toBe(true);
    }
    expect(data.embeds.at(-1).footer.text).toMatch(/more available/); // the footer ends the message, after any position
    expect(buttonsOf(data)['More passages'].disabled).toBe(false);
  });

  test('every further page is valid too, until the passages run out', async () => {
    const token = bot.fake.slash('crux', { topic: 'overflow', limit: 50 });
    let { data } = await bot.fake.finalReply(token);
    let pages = 1;
    const names: string[] = [];
    while (!buttonsOf(data)['More passages'].disabled && pages < 20) {
      names.push(...data.embeds[0].fields.map((f: any) => f.name));
      expectWithinLimits(data);
      const press = bot.fake.press(data, buttonsOf(data)['More passages'].id, { ephemeral: true });
      data = (await bot.fake.finalReply(press)).data;
      pages++;
    }
    names.push(...data.embeds[0].fields.map((f: any) => f.name));
    expect(pages).toBeGreaterThan(1);
    expect(names).toEqual(names.map((_, i) => `#${i + 1}`));
    expect(names.length).toBe(50);
  });

  test('autocomplete never offers more than 25 choices or more than 100 characters', async () => {
    const token = bot.fake.autocomplete('crux', { topic: 'overflow', source: 'record' }, 'source');
    const call = await bot.fake.waitForCall((c) => c.path.includes(`/${token}/callback`));
    const choices = call.body.data.choices;
    expect(choices.length).toBe(25);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    // A shortened title is still a part of the real title, so it still selects that source.
    const pick = bot.fake.slash('crux', { topic: 'overflow', source: choices[0].value, limit: 1 });
    const { data } = await bot.fake.finalReply(pick);
    expect(data.embeds[0].fields).toHaveLength(1);
  });
});

describe('when Discord answers with errors', () => {
  test('a 429 on the reply is waited out (Retry-After) and the answer still arrives', async () => {
    const bot = await startBot();
    try {
      bot.fake.failNext(
        { method: 'POST', path: /\/callback$/ },
        { status: 429, body: { message: 'You are being rate limited.', retry_after: 0.05, global: false }, headers: { 'retry-after': '0.05', 'x-ratelimit-scope': 'user' } },
      );
      const token = bot.fake.slash('crux', { topic: 'commute' });
      const { data, calls } = await bot.fake.finalReply(token);
      expect(calls.map((c) => c.status)).toEqual([429, 204]);
      expect(data.embeds[0].title).toBe('Crux: commute');
      expect(bot.logs.some((l) => l.level === 'warn' && /rate limited on POST/.test(l.msg))).toBe(true);
    } finally {
      await bot.stop();
    }
  });

  test('a 429 longer than the 3-second deadline is not waited out: the failure is logged and reported', async () => {
    const bot = await startBot();
    try {
      bot.fake.failNext(
        { method: 'POST', path: /\/callback$/ },
        { status: 429, body: { message: 'You are being rate limited.', retry_after: 30, global: false }, headers: { 'retry-after': '30' } },
      );
      const token = bot.fake.slash('crux', { topic: 'commute' });
      const { data } = await bot.fake.finalReply(token);
      const err = bot.logs.find((l) => l.level === 'error')!;
      expect(err.msg).toMatch(/\/crux failed/);
      expect(data.content).toContain(`reference \`${err.extra.ref}\``);
      expect(data.flags).toBe(EPHEMERAL);
    } finally {
      await bot.stop();
    }
  });

  test('a 500 is retried and the answer arrives', async () => {
    const bot = await startBot();
    try {
      bot.fake.failNext({ method: 'POST', path: /\/callback$/ }, { status: 500, body: { message: 'Internal Server Error', code: 0 } });
      const token = bot.fake.slash('crux', { topic: 'commute' });
      const { data, calls } = await bot.fake.finalReply(token);
      expect(calls.map((c) => c.status)).toEqual([500, 204]);
      expect(data.embeds[0].title).toBe('Crux: commute');
    } finally {
      await bot.stop();
    }
  });

  test('when Discord keeps failing, the cause is logged with a reference and the bot keeps answering others', async () => {
    const bot = await startBot({ adapter: { rest: { retries: 0 } } });
    try {
      bot.fake.failNext({ method: 'POST', path: /\/callback$/ }, { status: 500 }, { status: 500 });
      const token = bot.fake.slash('crux', { topic: 'commute' });
      await bot.fake.waitForCall((c) => c.path.includes(`/${token}/callback`) && c.body?.data?.content?.includes('reference'));
      await expect.poll(() => bot.logs.filter((l) => l.level !== 'info').length).toBe(2);
      const [error, warn] = bot.logs.filter((l) => l.level !== 'info');
      expect(error.level).toBe('error');
      expect(error.msg).toMatch(/\/crux failed: Internal Server Error/);
      expect(error.extra.status).toBe(500);
      expect(warn.msg).toBe(`discord: could not send the apology for ${error.extra.ref}: Internal Server Error`);

      const next = bot.fake.slash('crux', { topic: 'commute' });
      expect((await bot.fake.finalReply(next)).data.embeds[0].title).toBe('Crux: commute');
    } finally {
      await bot.stop();
    }
  });
});

describe('guard rails', () => {
  test('an unexpected error becomes a short apology whose reference is the one in the log', async () => {
    const real = engineFor(BASIC);
    const engine: Engine = {
      ...real,
      ask: (q, o) => {
        if (q === 'explode') throw new Error('index exploded');
        return real.ask(q, o);
      },
    };
    const bot = await startBot({ engine });
    try {
      const token = bot.fake.slash('crux', { topic: 'explode', public: true });
      const { data } = await bot.fake.finalReply(token);
      const err = bot.logs.find((l) => l.level === 'error')!;
      expect(err.msg).toBe('discord: /crux failed: index exploded');
      expect(err.extra.err.stack).toContain('index exploded');
      expect(data.flags).toBe(EPHEMERAL);
      expect(data.content).toBe(`Sorry, Crux hit a problem answering that. It has been logged under reference \`${err.extra.ref}\`; please try again in a moment.`);
    } finally {
      await bot.stop();
    }
  });

  test('answers are deferred once the corpus has shown itself to be slow', async () => {
    const real = engineFor(BASIC);
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const engine: Engine = { ...real, ask: (q, o) => (busy(60), real.ask(q, o)) };
    // A clock stopped before the interactions arrive, so none of them looks old however slow the machine: only
    // the answer time (at least 60 ms, over the 40 ms budget) decides.
    const stopped = Date.now();
    const bot = await startBot({ engine, adapter: { replyBudgetMs: 40, now: () => stopped } });
    try {
      const first = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      expect(first.kind).toBe('reply');
      const second = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      expect(second.kind).toBe('edit');
      expect(second.calls[0].body.type).toBe(5);
    } finally {
      await bot.stop();
    }
  });

  test('a user asking too often is asked to slow down, kindly and privately', async () => {
    const bot = await startBot({ adapter: { limits: { user: { max: 2, windowMs: 60_000 } } } });
    try {
      for (let i = 0; i < 2; i++) expect((await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }))).data.embeds).toHaveLength(1);
      const { data } = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      expect(data.flags).toBe(EPHEMERAL);
      expect(data.content).toBe('You are asking faster than Crux answers. Please wait about 60 seconds and try again.');
      // Someone else in the same channel is not affected.
      const other = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }, { user: BOB }));
      expect(other.data.embeds).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });

  test('a busy channel is asked to slow down, whoever asks', async () => {
    const bot = await startBot({ adapter: { limits: { channel: { max: 1, windowMs: 60_000 } } } });
    try {
      await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      const { data } = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }, { user: BOB }));
      expect(data.content).toBe('This channel is asking faster than Crux answers. Please wait about 60 seconds and try again.');
    } finally {
      await bot.stop();
    }
  });

  test('servers listed in DISCORD_PUBLIC_GUILDS get public answers by default', async () => {
    const bot = await startBot({ env: { DISCORD_PUBLIC_GUILDS: '500000000000000001' } });
    try {
      const { data } = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute' }));
      expect(data.flags ?? 0).toBe(0);
      const priv = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'commute', public: false }));
      expect(priv.data.flags).toBe(EPHEMERAL);
    } finally {
      await bot.stop();
    }
  });
});

describe('starting up', () => {
  test('a token Discord refuses fails fast, with a message that says what to do', async () => {
    const fake = await FakeDiscord.start();
    fake.tokenRejected = true;
    try {
      const config = readConfig({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl });
      const log = { info() {}, warn() {}, error() {} };
      await expect(startDiscord({ engine: engineFor(BASIC), store: memoryStore(), config, log })).rejects.toThrow(
        `Discord refused DISCORD_TOKEN (401 Unauthorized at ${fake.apiUrl}). Copy the token again from the Bot page of the Discord Developer Portal (resetting it there invalidates the old one).`,
      );
      expect(fake.identifies).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  test('a missing or malformed token is refused before any connection, naming the variable', async () => {
    const log = { info() {}, warn() {}, error() {} };
    const start = (env: Record<string, string>) => startDiscord({ engine: engineFor(BASIC), store: memoryStore(), config: readConfig(env), log });
    await expect(start({ DISCORD_APPLICATION_ID: APP_ID })).rejects.toThrow('Discord is not started: set DISCORD_TOKEN in .env (see .env.example).');
    await expect(start({ DISCORD_TOKEN: 'hunter2', DISCORD_APPLICATION_ID: APP_ID })).rejects.toThrow(/DISCORD_TOKEN does not look like a bot token/);
    await expect(start({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: 'my-app' })).rejects.toThrow(/DISCORD_APPLICATION_ID must be a numeric id/);
  });

  test('a gateway that never gets ready gives up after the ready timeout, naming the address', async () => {
    const fake = await FakeDiscord.start();
    // Discord's REST answers, but its gateway address leads nowhere.
    const nowhere = { status: 200, body: { url: 'ws://127.0.0.1:9', shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 1, max_concurrency: 1 } } };
    fake.failNext({ method: 'GET', path: /gateway\/bot$/ }, ...Array.from({ length: 100 }, () => nowhere));
    try {
      const config = readConfig({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl });
      const log = { info() {}, warn() {}, error() {} };
      await expect(startDiscord({ engine: engineFor(BASIC), store: memoryStore(), config, log }, { readyTimeoutMs: 1500 })).rejects.toThrow(
        new RegExp(`^Could not connect to Discord at ${fake.apiUrl.replace(/[.]/g, '\\.')}: `),
      );
    } finally {
      await fake.close();
    }
  });
});
