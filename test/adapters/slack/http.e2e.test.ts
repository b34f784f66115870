// End to end over HTTP: the real Bolt App on 127.0.0.1, signed requests in, and the calls it makes to a fake Slack.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../adapters/slack/render.ts';
import { BOT_USER } from './fake-slack.ts';
import { buttonClick, mention, messageShortcut } from './requests.ts';
import { button, buttons, httpHarness, quotes, richElements, richTextOf, slashReply, textObjects, type Block, type Harness } from './helpers.ts';
import { CORPUS } from './engine.ts';

const corpusText = readdirSync(CORPUS)
  .map((f) => readFileSync(join(CORPUS, f), 'utf8'))
  .join('\n')
  .replace(/\\"/g, '"');

/** A quote is verbatim when, without its "…" cut marks, it is a substring of the corpus files. */
function expectVerbatim(q: string) {
  const core = q.replace(/^… /, '').replace(/ …$/, '');
  expect(corpusText.includes(core), `not verbatim: ${q}`).toBe(true);
}

let h: Harness;
beforeAll(async () => {
  h = await httpHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Sends /crux and returns the body Crux POSTed to the command's response_url. */
const slash = (text: string, o: { user?: string; channel?: string } = {}) => slashReply(h, text, o);

async function click(actionId: string, value: string, o: { ephemeral?: boolean; channel?: string } = {}) {
  const responseUrl = h.fake.responseUrl();
  const res = await h.send.interactive(buttonClick({ actionId, value, responseUrl, ...o }));
  expect(res.status).toBe(200);
  return responseUrl;
}

const atPath = (url: string) => (c: { path: string }) => c.path === new URL(url).pathname;

describe('/crux over HTTP', () => {
  it('acks a signed /crux and answers privately through response_url with verbatim quotes and the four buttons', async () => {
    const body = await slash('free will');
    expect(body.response_type).toBe('ephemeral');
    expect(body.unfurl_links).toBe(false);
    expect(body.unfurl_media).toBe(false);
    expect(body).not.toHaveProperty('link_names');
    expect(body).not.toHaveProperty('parse');
    expect(body.text).toBe('Crux: 5 passages, 3 positions on “free will”');
    const qs = quotes(body.blocks);
    expect(qs.length).toBeGreaterThanOrEqual(5);
    qs.forEach(expectVerbatim);
    expect(buttons(body.blocks).map((b) => b.text.text)).toEqual(['More passages', 'Next position', 'Show exchange', 'Correct a side', 'Post to channel']);
    // Source titles are links to the source.
    expect(richElements(body.blocks)).toContainEqual({ type: 'link', url: 'https://example.org/free-will', text: 'The free will thread' });
  });

  it('lists every command from commands/ with its Slack usage for /crux help', async () => {
    const body = await slash('help');
    expect(body.response_type).toBe('ephemeral');
    const all = textObjects(body.blocks).map((t) => t.text).join('\n');
    expect(all).toContain('*/crux &lt;topic&gt; [limit:N] [source:TEXT] [author:TEXT] [since:TEXT] [until:TEXT] [min-score:N] [public:true]*');
    expect(all).toContain('*Find the crux (message shortcut)*');
    expect(all).toContain('*/crux help*');
    expect(all).toContain('Find the crux of a topic: verbatim passages, positions and exchanges');
    expect(all).toContain('`/crux sycophancy limit:3`');
  });

  it('answers for everyone when asked with public:true', async () => {
    const body = await slash('free will public:true');
    expect(body.response_type).toBe('in_channel');
    expect(buttons(body.blocks).map((b) => b.action_id)).not.toContain(ACTIONS.postChannel);
  });

  it('tells the user about a mistake in the options instead of apologising', async () => {
    const body = await slash('free will limit:abc');
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('limit must be a whole number from 1 to 50 (got "abc").');
  });

  it('shows a passage containing <!channel>, <@U123> and *bold* literally, pinging no one', async () => {
    const body = await slash('zanzibar protocol');
    const texts = richTextOf(body.blocks).join('\n');
    expect(texts).toContain('The zanzibar protocol pings <!channel> and <@U123> with *bold* claims & <https://evil.example|a link>, but it must stay plain text.');
    // Mentions exist in rich text only as their own element types: none were produced.
    expect(richElements(body.blocks).filter((e) => e.type === 'user' || e.type === 'broadcast')).toEqual([]);
    // The asterisks are plain text, not bold: the only bold runs are the matched words.
    const bold = richElements(body.blocks).filter((e) => e.style?.bold).map((e) => e.text);
    expect(bold).not.toContain('bold');
    expect(bold).toContain('zanzibar');
    // The title with & and < > is a link's text, shown as written.
    expect(richElements(body.blocks)).toContainEqual({ type: 'link', url: 'https://example.org/zanzibar?a=1&b=2', text: 'Zanzibar notes & <markup> tricks' });
    // Every mrkdwn text is escaped and verbatim.
    for (const t of textObjects(body.blocks).filter((x) => x.type === 'mrkdwn')) {
      expect(t.verbatim).toBe(true);
      expect(t.text).not.toMatch(/<[!@#]/);
    }
  });

  it('cuts a 50-passage answer to 50 blocks and says how many passages it shows', async () => {
    const body = await slash('lantern limit:50');
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    const shown = quotes(body.blocks).length;
    expect(shown).toBeLessThan(50);
    const notes = textObjects(body.blocks).map((t) => t.text).join('\n');
    expect(notes).toContain(`Showing ${shown} of 50 passages: a Slack message holds at most 50 blocks.`);
  });
});

describe('threads', () => {
  it('answers a mention inside a thread in that thread, for everyone, with unfurls off', async () => {
    const res = await h.send.event(mention(`<@${BOT_USER}> free will`, { channel: 'C0THREAD1', ts: '1700000500.000200', thread_ts: '1700000400.000100' }));
    expect(res.status).toBe(200);
    const [post] = await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0THREAD1');
    expect(post.body.thread_ts).toBe('1700000400.000100');
    expect(post.auth).toBe(`Bearer ${h.fake.botToken}`);
    expect(post.body.unfurl_links).toBe(false);
    expect(post.body.unfurl_media).toBe(false);
    expect(post.body).not.toHaveProperty('link_names');
    expect(quotes(post.body.blocks).length).toBeGreaterThan(0);
    quotes(post.body.blocks).forEach(expectVerbatim);
    expect(quotes(post.body.blocks).length).toBeGreaterThan(0);
  });

  it('answers a mention at the top of a channel in a new thread under it', async () => {
    await h.send.event(mention(`<@${BOT_USER}> zanzibar`, { channel: 'C0TOP', ts: '1700000600.000300' }));
    const [post] = await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TOP');
    expect(post.body.thread_ts).toBe('1700000600.000300');
  });

  it('answers "@Crux help" privately, in the thread it was asked in', async () => {
    await h.send.event(mention(`<@${BOT_USER}> help`, { channel: 'C0HELP', ts: '1700000650.000200', thread_ts: '1700000640.000100' }));
    const [eph] = await h.fake.callsUntil((c) => c.method === 'chat.postEphemeral' && c.body.channel === 'C0HELP');
    expect(eph.body.thread_ts).toBe('1700000640.000100');
    expect(eph.body.user).toBe('U0ALICE');
    expect(textObjects(eph.body.blocks).map((t) => t.text).join('\n')).toContain('*/crux help*');
    expect(h.fake.api('chat.postMessage').filter((c) => c.body.channel === 'C0HELP')).toEqual([]);
  });

  it('tells a mentioner by direct message when it cannot post in their conversation', async () => {
    h.fake.fail('chat.postMessage', 'C0GONE', 'not_in_channel');
    await h.send.event(mention(`<@${BOT_USER}> free will`, { channel: 'C0GONE', user: 'U0DAVE' }));
    const [dm] = await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0DAVE');
    expect(dm.body.text).toContain('Crux is not a member of this conversation');
  });

  it('answers a retried event (same event_id, X-Slack-Retry-Num: 1) only once', async () => {
    const ev = mention(`<@${BOT_USER}> free will`, { channel: 'C0RETRY', ts: '1700000700.000100', thread_ts: '1700000690.000100' });
    expect((await h.send.event(ev, { eventId: 'Ev0RETRY1' })).status).toBe(200);
    await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0RETRY');
    expect((await h.send.event(ev, { eventId: 'Ev0RETRY1', retryNum: 1 })).status).toBe(200);
    // A later event acts as a marker: once it is answered, the retry has long been handled.
    await h.send.event(mention(`<@${BOT_USER}> zanzibar`, { channel: 'C0MARK' }), { eventId: 'Ev0MARK1' });
    await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0MARK');
    expect(h.fake.api('chat.postMessage').filter((c) => c.body.channel === 'C0RETRY')).toHaveLength(1);
    expect(h.log.lines.some((l) => l.msg.includes('retried event already answered') && l.extra?.retryNum === 1)).toBe(true);
  });

  it('answers the "Find the crux" shortcut privately in the message\'s thread, and "Post to thread" shares it there', async () => {
    const responseUrl = h.fake.responseUrl();
    const payload = messageShortcut({ text: 'Is free will compatible with determinism?', responseUrl, channel: 'C0SHORT', ts: '1700000800.000200', thread_ts: '1700000800.000100' });
    expect((await h.send.interactive(payload)).status).toBe(200);
    const [eph] = await h.fake.callsUntil((c) => c.method === 'chat.postEphemeral' && c.body.channel === 'C0SHORT');
    expect(eph.body.thread_ts).toBe('1700000800.000100');
    expect(eph.body.user).toBe('U0ALICE');
    expect(quotes(eph.body.blocks).length).toBeGreaterThan(0);
    quotes(eph.body.blocks).forEach(expectVerbatim);
    const post = button(eph.body.blocks, ACTIONS.postThread);
    expect(buttons(eph.body.blocks).map((b) => b.action_id)).not.toContain(ACTIONS.postChannel);

    const clickUrl = await click(ACTIONS.postThread, post.value, { channel: 'C0SHORT' });
    const [shared] = await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SHORT');
    expect(shared.body.thread_ts).toBe('1700000800.000100');
    expect(shared.body.unfurl_links).toBe(false);
    expect(quotes(shared.body.blocks)).toEqual(quotes(eph.body.blocks));
    expect(buttons(shared.body.blocks).map((b) => b.action_id)).not.toContain(ACTIONS.postThread);
    const [done] = await h.fake.callsUntil(atPath(clickUrl));
    expect(done.body.delete_original).toBe(true);
  });

  it('answers a shortcut on a top-level message in a thread started under it', async () => {
    const responseUrl = h.fake.responseUrl();
    await h.send.interactive(messageShortcut({ text: 'zanzibar', responseUrl, channel: 'C0SHORT2', ts: '1700000900.000500' }));
    const [eph] = await h.fake.callsUntil((c) => c.method === 'chat.postEphemeral' && c.body.channel === 'C0SHORT2');
    expect(eph.body.thread_ts).toBe('1700000900.000500');
  });
});

describe('answer buttons', () => {
  let first: Block;
  beforeAll(async () => {
    first = await slash('free will');
  });
  const value = () => button(first.blocks, ACTIONS.more).value as string;

  it('"More passages" redraws the private answer with more passages', async () => {
    const lanterns = await slash('lantern');
    expect(quotes(lanterns.blocks)).toHaveLength(5);
    const url = await click(ACTIONS.more, button(lanterns.blocks, ACTIONS.more).value);
    const [r] = await h.fake.callsUntil(atPath(url));
    expect(r.body.replace_original).toBe(true);
    expect(quotes(r.body.blocks)).toHaveLength(10);
    expect(quotes(r.body.blocks).slice(0, 5)).toEqual(quotes(lanterns.blocks));
  });

  it('"Next position" moves the focus from position A to position B', async () => {
    expect(richTextOf(first.blocks).join('\n')).toContain('Position A of 3: Free will is compatible with determinism');
    const url = await click(ACTIONS.nextPosition, value());
    const [r] = await h.fake.callsUntil(atPath(url));
    expect(r.body.replace_original).toBe(true);
    const text = richTextOf(r.body.blocks).join('\n');
    expect(text).toContain('Position B of 3: Free will, as people mean it, does not exist');
    expect(text).toContain('I disagree. If every choice was fixed before you were born, calling it free will is just a relabeling.');
  });

  it('"Show exchange" shows a claim and the reply to it, then the next exchange', async () => {
    const url = await click(ACTIONS.showExchange, value());
    const [r] = await h.fake.callsUntil(atPath(url));
    const text = richTextOf(r.body.blocks).join('\n');
    expect(text).toContain('Exchange 1 of 2');
    expect(text).toContain('Claim (position A)');
    expect(text).toContain('Reply (position B)');
    expect(text).toContain('Free will is compatible with determinism: what matters is that your choices flow from your own reasons.');
    expect(button(r.body.blocks, ACTIONS.showExchange).text.text).toBe('Next exchange');
    const url2 = await click(ACTIONS.showExchange, button(r.body.blocks, ACTIONS.showExchange).value);
    const [r2] = await h.fake.callsUntil(atPath(url2));
    expect(richTextOf(r2.body.blocks).join('\n')).toContain('Exchange 2 of 2');
  });

  it('"Post to channel" posts the answer for everyone and removes the private copy', async () => {
    const url = await click(ACTIONS.postChannel, value());
    const [pub, del] = await h.fake.callsUntil(atPath(url), 2);
    expect(pub.body.response_type).toBe('in_channel');
    expect(pub.body.replace_original).toBe(false);
    expect(quotes(pub.body.blocks)).toEqual(quotes(first.blocks));
    expect(buttons(pub.body.blocks).map((b) => b.action_id)).toEqual([ACTIONS.more, ACTIONS.nextPosition, ACTIONS.showExchange, ACTIONS.correct]);
    expect(del.body.delete_original).toBe(true);
  });

  it('a click on a shared answer gives the clicker a private copy and leaves the shared one alone', async () => {
    const url = await click(ACTIONS.nextPosition, value(), { ephemeral: false });
    const [r] = await h.fake.callsUntil(atPath(url));
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.replace_original).toBe(false);
  });

  it('a click delivered twice (same action_ts) is answered once', async () => {
    const responseUrl = h.fake.responseUrl();
    const payload = buttonClick({ actionId: ACTIONS.nextPosition, value: value(), responseUrl });
    await h.send.interactive(payload);
    await h.send.interactive(payload);
    await h.fake.callsUntil(atPath(responseUrl));
    const marker = await click(ACTIONS.more, value());
    await h.fake.callsUntil(atPath(marker));
    expect(h.fake.calls.filter(atPath(responseUrl))).toHaveLength(1);
  });

  it('a button whose stored state has expired says so', async () => {
    const url = await click(ACTIONS.more, 'ref:00000000-0000-0000-0000-000000000000');
    const [r] = await h.fake.callsUntil(atPath(url));
    expect(r.body.text).toBe('This answer has expired. Ask again with /crux &lt;topic&gt;.');
  });
});

describe('when Crux is not in the conversation', () => {
  it('the shortcut explains privately and still shows the answer', async () => {
    h.fake.fail('chat.postEphemeral', 'C0PRIVATE', 'not_in_channel');
    const responseUrl = h.fake.responseUrl();
    await h.send.interactive(messageShortcut({ text: 'free will', responseUrl, channel: 'C0PRIVATE' }));
    const [r] = await h.fake.callsUntil(atPath(responseUrl));
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.blocks[0].text.text).toBe('Crux is not a member of this conversation, so it cannot post here. Invite it with `/invite @crux` and try again, or use `/crux <topic>`, which answers anywhere.');
    expect(quotes(r.body.blocks).length).toBeGreaterThan(0);
    expect(buttons(r.body.blocks).map((b) => b.action_id)).not.toContain(ACTIONS.postThread);
  });

  it('"Post to thread" explains privately instead of failing silently', async () => {
    h.fake.fail('chat.postMessage', 'C0LEFT', 'not_in_channel');
    const responseUrl = h.fake.responseUrl();
    await h.send.interactive(messageShortcut({ text: 'free will', responseUrl, channel: 'C0LEFT', ts: '1700001000.000100' }));
    const [eph] = await h.fake.callsUntil((c) => c.method === 'chat.postEphemeral' && c.body.channel === 'C0LEFT');
    const url = await click(ACTIONS.postThread, button(eph.body.blocks, ACTIONS.postThread).value, { channel: 'C0LEFT' });
    const [r] = await h.fake.callsUntil(atPath(url));
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.text).toContain('Crux is not a member of this conversation');
    expect(h.log.lines.some((l) => l.level === 'warn' && l.extra?.error === 'not_in_channel')).toBe(true);
  });
});

describe('request verification', () => {
  it('rejects a bad signature with 401 and answers nothing', async () => {
    const responseUrl = h.fake.responseUrl();
    const res = await h.send.command('free will', { responseUrl, headers: { 'x-slack-signature': 'v0=deadbeef' } });
    expect(res.status).toBe(401);
    const marker = await slash('zanzibar');
    expect(marker.response_type).toBe('ephemeral');
    expect(h.fake.calls.filter(atPath(responseUrl))).toEqual([]);
  });

  it('rejects a correctly signed request whose timestamp is more than five minutes old', async () => {
    const responseUrl = h.fake.responseUrl();
    const res = await h.send.command('free will', { responseUrl, ts: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).toBe(401);
    await slash('zanzibar');
    expect(h.fake.calls.filter(atPath(responseUrl))).toEqual([]);
  });
});
