// The Block Kit renderer, checked on exact payloads.
import { describe, expect, it } from 'vitest';
import { ACTIONS, escapeMrkdwn, MAX_BLOCKS, renderAnswer, renderHelp, renderNotice, trimAtSentence } from '../../../adapters/slack/render.ts';
import { decodeView, encodeView, MAX_BUTTON_VALUE } from '../../../adapters/slack/view.ts';
import { memoryStore } from '../../../src/service/store.ts';
import type { Answer, PassageHit, Position, SourceInfo } from '../../../src/core/types.ts';
import { richTextOf, type Block } from './helpers.ts';

const src: SourceInfo = { id: 's1', title: 'The void & <friends>', author: 'Ada', url: 'https://example.org/void', date: null, site: 'LessWrong', year: 2025 };
const hit = (text: string, highlights: Array<[number, number]> = [], id = 'p1'): PassageHit => ({ id, text, source: src, score: 1, highlights });
const answer = (over: Partial<Answer> = {}): Answer => ({ query: 'void', didYouMean: null, passages: [], positions: [], exchanges: [], notices: [], tookMs: 1, ...over });
const position = (label: string, passages: PassageHit[]): Position => ({ label, stance: 'for', stanceCue: null, passages, weight: { passages: passages.length, authors: 2, ofRelevant: 9 } });

/** Characters of text a rich_text block carries. */
const blockChars = (b: Block) => richTextOf([b])[0].length;

describe('renderAnswer', () => {
  it('renders a one-passage answer as this exact payload', () => {
    const a = answer({ passages: [hit('The void speaks *back*.', [[4, 8]])], notices: ['Only 1 passage mentions <!here>.'] });
    expect(renderAnswer(a, { state: 'STATE', canShowMore: true, post: 'channel' })).toEqual({
      text: 'Crux: 1 passage on “void”',
      blocks: [
        {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'Crux', style: { bold: true } }, { type: 'text', text: ' · ' }, { type: 'text', text: 'void' }] }],
        },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_quote',
              elements: [{ type: 'text', text: 'The ' }, { type: 'text', text: 'void', style: { bold: true } }, { type: 'text', text: ' speaks *back*.' }],
            },
            {
              type: 'rich_text_section',
              elements: [{ type: 'text', text: '— ' }, { type: 'link', url: 'https://example.org/void', text: 'The void & <friends>' }, { type: 'text', text: ' · by Ada · LessWrong, 2025' }],
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Only 1 passage mentions &lt;!here&gt;.', verbatim: true }] },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'More passages', emoji: false }, action_id: ACTIONS.more, value: 'STATE' },
            { type: 'button', text: { type: 'plain_text', text: 'Post to channel', emoji: false }, action_id: ACTIONS.postChannel, value: 'STATE', style: 'primary' },
          ],
        },
      ],
    });
  });

  it('renders positions with their weight, the focused one with its quotes, and an exchange', () => {
    const p1 = hit('Yes, it is.', [], 'a');
    const p2 = hit('No, it is not.', [], 'b');
    const a = answer({
      passages: [p1],
      positions: [position('It is', [p1]), position('It is not', [p2])],
      exchanges: [{ claim: p1, reply: p2, claimPosition: 0, replyPosition: 1, via: 'parent' }],
    });
    const m = renderAnswer(a, { state: 'S', view: { pos: 1, ex: 0 }, post: 'thread' });
    expect(m.blocks.map((b) => b.type)).toEqual(['rich_text', 'rich_text', 'rich_text', 'rich_text', 'rich_text', 'actions']);
    expect(richTextOf(m.blocks)).toEqual([
      'Crux · void',
      'Yes, it is.— The void & <friends> · by Ada · LessWrong, 2025',
      'PositionsA. It is (for · 1 of 9 passages, 2 authors)B. It is not (for · 1 of 9 passages, 2 authors)',
      'Position B of 2: It is notNo, it is not.— The void & <friends> · by Ada · LessWrong, 2025',
      'Exchange 1 of 1 · a replyClaim (position A)Yes, it is.— The void & <friends> · by Ada · LessWrong, 2025Reply (position B)No, it is not.— The void & <friends> · by Ada · LessWrong, 2025',
    ]);
    expect((m.blocks[5] as Block).elements.map((b: Block) => b.action_id)).toEqual([ACTIONS.nextPosition, ACTIONS.showExchange, ACTIONS.correct, ACTIONS.postThread]);
  });

  it('trims a quote longer than 3000 characters after a whole sentence, keeping it verbatim', () => {
    const sentence = (i: number) => `Sentence number ${i} is here to make the passage long enough to need trimming.`;
    const long = Array.from({ length: 80 }, (_, i) => sentence(i)).join(' ');
    const m = renderAnswer(answer({ passages: [hit(long, [[0, 8]])] }));
    const quote = (m.blocks[1] as Block).elements[0].elements.map((e: Block) => e.text).join('');
    expect(quote.endsWith('trimming. …')).toBe(true);
    expect(long.startsWith(quote.slice(0, -2))).toBe(true);
    expect(blockChars(m.blocks[1] as Block)).toBeLessThanOrEqual(3000);
  });

  it('keeps every rich text block within 3000 characters, however long the positions and exchanges', () => {
    const long = hit('Word '.repeat(1500).trim() + '.');
    const a = answer({
      passages: [long],
      positions: Array.from({ length: 12 }, (_, i) => position(`Label ${i} `.repeat(60), [long, long, long])),
      exchanges: [{ claim: long, reply: long, claimPosition: 0, replyPosition: 1, via: 'quote' }],
    });
    const m = renderAnswer(a, { view: { pos: 3, ex: 0 } });
    for (const b of m.blocks.filter((x) => x.type === 'rich_text')) expect(blockChars(b as Block)).toBeLessThanOrEqual(3000);
  });

  it('fits 60 passages into 50 blocks and says how many it shows', () => {
    const a = answer({ passages: Array.from({ length: 60 }, (_, i) => hit(`Passage ${i}.`, [], `p${i}`)) });
    const m = renderAnswer(a, { state: 'S', canShowMore: false, post: 'channel' });
    expect(m.blocks).toHaveLength(MAX_BLOCKS);
    const shown = MAX_BLOCKS - 3;
    expect(m.blocks[MAX_BLOCKS - 2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Showing ${shown} of 60 passages: a Slack message holds at most 50 blocks.`, verbatim: true }],
    });
    expect(m.text).toBe(`Crux: ${shown} passages on “void”`);
  });

  it('shows a "did you mean" next to the query, and no buttons when there is nothing to do', () => {
    const m = renderAnswer(answer({ query: 'viod', didYouMean: 'void', notices: ['Nothing in the corpus mentions "viod".'] }), { state: 'S' });
    expect(richTextOf(m.blocks)[0]).toBe('Crux · viod · Did you mean: void?');
    expect(m.blocks.map((b) => b.type)).toEqual(['rich_text', 'context']);
    expect(m.text).toBe('Crux: nothing found for “viod”');
  });

  it('never puts corpus text in the notification text, and escapes the query there', () => {
    const m = renderAnswer(answer({ query: '<!channel> void', passages: [hit('Secret corpus words.')] }));
    expect(m.text).toBe('Crux: 1 passage on “&lt;!channel&gt; void”');
  });

  it('links a source title only to an http(s) URL', () => {
    const bad = hit('Text.');
    bad.source = { ...src, url: 'javascript:alert(1)' };
    const els = (renderAnswer(answer({ passages: [bad] })).blocks[1] as Block).elements[1].elements;
    expect(els[1]).toEqual({ type: 'text', text: 'The void & <friends>' });
  });
});

describe('trimAtSentence', () => {
  it('leaves short text alone', () => {
    expect(trimAtSentence('Short. Text.', 100)).toBe('Short. Text.');
  });
  it('cuts after the last whole sentence that fits', () => {
    expect(trimAtSentence('One two. Three four. Five six.', 24)).toBe('One two. Three four. …');
  });
  it('cuts a single long sentence at a word boundary', () => {
    expect(trimAtSentence('alpha beta gamma delta epsilon', 17)).toBe('alpha beta …');
  });
});

describe('renderHelp and notices', () => {
  it('renders help entries as escaped, verbatim mrkdwn', () => {
    const m = renderHelp([{ name: 'crux', usage: '/crux <topic>', description: 'Find the crux', options: [{ name: 'topic', description: 'What to look up', required: true }], examples: ['/crux hyperstition'] }]);
    expect(m.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*/crux &lt;topic&gt;*\nFind the crux\n• `topic`: What to look up\ne.g. `/crux hyperstition`', verbatim: true },
    });
  });
  it('escapes a notice', () => {
    expect(renderNotice('a < b & c > d')).toEqual({
      text: 'a &lt; b &amp; c &gt; d',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a &lt; b &amp; c &gt; d', verbatim: true } }],
    });
  });
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn(`<@U1> & <!here> "quotes" 'single' *b*`)).toBe(`&lt;@U1&gt; &amp; &lt;!here&gt; "quotes" 'single' *b*`);
  });
});

describe('button state', () => {
  it('travels in the button value when small, and through the store when it would exceed 2000 characters', async () => {
    const store = memoryStore();
    const small = { q: 'free will', limit: 10, pos: 1, ex: -1, origin: 'channel' as const, channel: 'C1' };
    const v = await encodeView(small, store);
    expect(v.length).toBeLessThanOrEqual(MAX_BUTTON_VALUE);
    expect(await decodeView(v, store)).toEqual({ ...small, source: undefined, thread: undefined });
    const big = { ...small, q: 'word '.repeat(1000) };
    const ref = await encodeView(big, store);
    expect(ref).toMatch(/^ref:/);
    expect((await decodeView(ref, store))?.q).toBe(big.q);
    expect(await decodeView('ref:missing', store)).toBeNull();
    expect(await decodeView('not json', store)).toBeNull();
  });
});
