// The Discord renderer on exact payloads: what a reader sees, within every Discord limit, from corpus text verbatim.
import { describe, expect, test } from 'vitest';
import { clip, escapeFit, escapeText, fitMarked, LIMITS, markedToMarkdown, type Marked } from '../../../adapters/discord/fit.ts';
import { messageLength, renderAnswer, renderApology, renderHelp, renderText, slashExample, sourceLine } from '../../../adapters/discord/render.ts';
import { commands } from '../../../commands/index.ts';
import { helpEntries } from '../../../commands/help.ts';
import type { Answer, PassageHit, Position, SourceInfo } from '../../../src/core/types.ts';
import { BASIC, corpusText, isVerbatim, OVERFLOW, quoteOf } from './bot.ts';

const office: SourceInfo = {
  id: 'office',
  title: 'Should the team return to the office?',
  author: 'Priya',
  url: 'https://forum.example.org/t/office-return/41',
  date: '2025-03-02',
};
const notes: SourceInfo = { id: 'notes', title: 'Meeting notes: the [office] question', author: null, url: null, date: null, site: 'Committee', year: 2025 };

function hit(id: string, text: string, source: SourceInfo, words: string[] = []): PassageHit {
  const highlights: Array<[number, number]> = [];
  for (const w of words) for (const m of text.matchAll(new RegExp(`\\b${w}\\b`, 'gi'))) highlights.push([m.index!, m.index! + m[0].length]);
  return { id, text, source, score: 1, highlights: highlights.sort((a, b) => a[0] - b[0]) };
}

const P1 = hit('o1', 'Remote work has made our team quieter and more productive. Nobody misses the commute, and the focus time shows in what we ship.', office, ['remote', 'work']);
const P2 = hit('o2', 'Productive for whom? Remote work hides the cost: new people take twice as long to learn how things are done, because nobody overhears anything.', { ...office, author: 'Marcus' }, ['remote', 'work']);
const P3 = hit('n1', 'Several members said the lease could be cut in half if remote work stays the default.', notes, ['remote', 'work']);

const positions: Position[] = [
  { label: 'remote work is productive', stance: 'for', stanceCue: 'productive', passages: [P1], weight: { passages: 3, authors: 2, ofRelevant: 7 } },
  { label: 'onboarding suffers', stance: 'against', stanceCue: null, passages: [P2], weight: { passages: 2, authors: 1, ofRelevant: 7 } },
];

const answer: Answer = {
  query: 'remote work',
  didYouMean: null,
  passages: [P1, P2, P3],
  positions: [],
  exchanges: [],
  notices: [],
  tookMs: 1,
};

const ids = (action: string, v: { pos: number; off: number; ex: number }) => `${action}:${v.pos}:${v.off}:${v.ex}`;

describe('an answer', () => {
  test('renders its passages as quotes with linked sources, and the buttons that apply', () => {
    const { message, passagesShown } = renderAnswer(answer, { view: { pos: 0, off: 0, ex: -1 }, pageSize: 2, ephemeral: true, buttonId: ids });
    expect(passagesShown).toBe(2);
    expect(message).toMatchInlineSnapshot(`
      {
        "allowedMentions": {
          "parse": [],
        },
        "components": [
          {
            "components": [
              {
                "custom_id": "more:0:2:-1",
                "label": "More passages",
                "style": 2,
                "type": 2,
              },
              {
                "custom_id": "post:0:0:-1",
                "label": "Post to channel",
                "style": 1,
                "type": 2,
              },
            ],
            "type": 1,
          },
        ],
        "embeds": [
          {
            "color": 12730636,
            "fields": [
              {
                "name": "#1",
                "value": "> **Remote work** has made our team quieter and more productive. Nobody misses the commute, and the focus time shows in what we ship.
      — [Should the team return to the office?](https://forum.example.org/t/office-return/41) · by Priya · 2025-03-02",
              },
              {
                "name": "#2",
                "value": "> Productive for whom? **Remote work** hides the cost: new people take twice as long to learn how things are done, because nobody overhears anything.
      — [Should the team return to the office?](https://forum.example.org/t/office-return/41) · by Marcus · 2025-03-02",
              },
            ],
            "footer": {
              "text": "Passages 1–2 · more available",
            },
            "title": "Crux: remote work",
          },
        ],
      }
    `);
  });

  test('with positions and an exchange in view shows the position in focus and the exchange, each side labelled', () => {
    const a: Answer = {
      ...answer,
      didYouMean: 'remote work',
      notices: ['2 passages about “remote work” fit no position.'],
      positions,
      exchanges: [{ claim: P1, reply: P2, claimPosition: 0, replyPosition: 1, via: 'parent' }],
    };
    const { message } = renderAnswer(a, { view: { pos: 1, off: 2, ex: 0 }, pageSize: 5, ephemeral: false, buttonId: ids });
    expect(message).toMatchInlineSnapshot(`
      {
        "allowedMentions": {
          "parse": [],
        },
        "components": [
          {
            "components": [
              {
                "custom_id": "prev:0:2:0",
                "label": "◀ Previous position",
                "style": 2,
                "type": 2,
              },
              {
                "custom_id": "next:2:2:0",
                "disabled": true,
                "label": "Next position ▶",
                "style": 2,
                "type": 2,
              },
              {
                "custom_id": "more:1:3:0",
                "disabled": true,
                "label": "More passages",
                "style": 2,
                "type": 2,
              },
              {
                "custom_id": "exchange:1:2:-1",
                "label": "Hide exchange",
                "style": 2,
                "type": 2,
              },
              {
                "custom_id": "correct:1:2:0",
                "label": "Correct a side",
                "style": 2,
                "type": 2,
              },
            ],
            "type": 1,
          },
        ],
        "embeds": [
          {
            "color": 12730636,
            "description": "Did you mean: **remote work**?
      2 passages about “remote work” fit no position.
      **Positions** (2)
      • **A.** remote work is productive · for (“productive”) · 3 of 7 passages, 2 authors
      ▸ **B.** onboarding suffers · against · 2 of 7 passages, 1 author",
            "fields": [
              {
                "name": "#3",
                "value": "> Several members said the lease could be cut in half if **remote work** stays the default.
      — Meeting notes: the \\[office\\] question · Committee, 2025",
              },
            ],
            "title": "Crux: remote work",
          },
          {
            "color": 12730636,
            "description": "against · 2 of 7 passages, 1 author",
            "fields": [
              {
                "name": "B1",
                "value": "> Productive for whom? **Remote work** hides the cost: new people take twice as long to learn how things are done, because nobody overhears anything.
      — [Should the team return to the office?](https://forum.example.org/t/office-return/41) · by Marcus · 2025-03-02",
              },
            ],
            "title": "Position B of 2: onboarding suffers",
          },
          {
            "color": 12730636,
            "fields": [
              {
                "name": "Claim · position A",
                "value": "> **Remote work** has made our team quieter and more productive. Nobody misses the commute, and the focus time shows in what we ship.
      — [Should the team return to the office?](https://forum.example.org/t/office-return/41) · by Priya · 2025-03-02",
              },
              {
                "name": "Reply · position B",
                "value": "> Productive for whom? **Remote work** hides the cost: new people take twice as long to learn how things are done, because nobody overhears anything.
      — [Should the team return to the office?](https://forum.example.org/t/office-return/41) · by Marcus · 2025-03-02",
              },
            ],
            "footer": {
              "text": "Passages 3–3",
            },
            "title": "Exchange 1 of 1",
          },
        ],
      }
    `);
  });

  test('from "Find the crux" links back to the message and shares who posted it, without buttons when none are asked for', () => {
    const { message } = renderAnswer(
      { ...answer, query: 'I think @everyone should come back to the **office**' },
      { view: { pos: 0, off: 0, ex: -1 }, pageSize: 1, ephemeral: false, heading: 'Find the crux', originUrl: 'https://discord.com/channels/1/2/3', postedBy: '42' },
    );
    expect(message.content).toBe('Shared by <@42>');
    expect(message.embeds[0].title).toBe('Find the crux: I think \\@everyone should come back to the \\*\\*office\\*\\*');
    expect(message.embeds[0].url).toBe('https://discord.com/channels/1/2/3');
    expect(message.embeds[0].description).toBe('About [this message](https://discord.com/channels/1/2/3)');
    expect(message.embeds[0].footer).toEqual({ text: 'Passages 1–1 · more available · Posted from an ephemeral answer' });
    expect(message.components).toEqual([]);
    expect(message.allowedMentions).toEqual({ parse: [] });
  });

  test('past the last passage says there are no more, and the More button is disabled', () => {
    const { message, passagesShown } = renderAnswer(answer, { view: { pos: 0, off: 3, ex: -1 }, pageSize: 3, ephemeral: true, buttonId: ids });
    expect(passagesShown).toBe(0);
    expect(message.embeds[0].description).toBe('No more passages.');
    expect(message.components[0].components.map((b) => [b.label, !!b.disabled])).toEqual([
      ['More passages', true],
      ['Post to channel', false],
    ]);
  });

  test('with nothing found has the notice and no buttons', () => {
    const { message } = renderAnswer(
      { ...answer, query: 'zeppelin', passages: [], notices: ['Nothing in the corpus mentions "zeppelin".'] },
      { view: { pos: 0, off: 0, ex: -1 }, pageSize: 5, ephemeral: true, buttonId: ids },
    );
    expect(message).toEqual({
      embeds: [{ color: 0xc2410c, title: 'Crux: zeppelin', description: 'Nothing in the corpus mentions "zeppelin".' }],
      components: [],
      allowedMentions: { parse: [] },
    });
  });
});

describe('limits', () => {
  // Long paragraphs of the overflow corpus, whole (not excerpted), full of characters that escaping doubles.
  const overflow = corpusText(OVERFLOW);
  const paragraphs = overflow.split(/\n\n+/).filter((p) => p.startsWith('Paragraph') || p.startsWith('Sentence'));
  const huge: SourceInfo = { id: 'h', title: 'T'.repeat(400), author: 'A'.repeat(300), url: 'https://x.example/' + 'a'.repeat(600), date: '2025' };
  const hits = paragraphs.slice(0, 50).map((t, i) => hit(`p${i}`, t, huge, ['overflow']));
  const big: Answer = {
    query: 'overflow '.repeat(60),
    didYouMean: 'overflow '.repeat(40),
    passages: hits,
    positions: Array.from({ length: 30 }, (_, i) => ({
      label: `${'label '.repeat(40)}${i}`,
      stance: 'mixed' as const,
      stanceCue: 'cue '.repeat(30),
      passages: hits.slice(i, i + 5),
      weight: { passages: 5, authors: 3, ofRelevant: 50 },
    })),
    exchanges: Array.from({ length: 12 }, (_, i) => ({ claim: hits[i], reply: hits[i + 1], claimPosition: i, replyPosition: i + 1, via: 'quote' as const })),
    notices: Array.from({ length: 10 }, (_, i) => `Notice ${i}: ${'long words '.repeat(40)}`),
    tookMs: 1,
  };

  test('an answer that overflows every limit still renders within all of them, quotes cut at sentence ends', () => {
    expect(paragraphs.length).toBeGreaterThan(40);
    for (const view of [
      { pos: 0, off: 0, ex: -1 },
      { pos: 29, off: 0, ex: 11 },
      { pos: 5, off: 20, ex: 3 },
    ]) {
      const { message, passagesShown } = renderAnswer(big, { view, pageSize: 50, ephemeral: true, buttonId: (a, v) => `cx1:${a}:${v.pos}:${v.off}:${v.ex}:${'q'.repeat(60)}` });
      expect(messageLength(message)).toBeLessThanOrEqual(LIMITS.embedTotal);
      expect(passagesShown).toBeGreaterThan(3);
      expect(message.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
      for (const e of message.embeds) {
        expect(e.title!.length).toBeLessThanOrEqual(LIMITS.title);
        expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
        expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
        for (const f of e.fields ?? []) {
          expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
          expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
          const q = quoteOf(f.value);
          expect(isVerbatim(q, overflow), q).toBe(true);
          expect(q.endsWith(' …')).toBe(true);
          const head = q.slice(0, -2);
          // A sentence end, or (in the one-sentence paragraphs) the end of a whole word.
          expect(/[.!?]$/.test(head) || overflow.includes(head + ' '), head.slice(-80)).toBe(true);
        }
      }
      expect(message.components.flatMap((r) => r.components).every((b) => b.custom_id.length <= LIMITS.customId)).toBe(true);
    }
  });

  test('a single paragraph longer than a field is cut to fit one field', () => {
    const long = hit('x', paragraphs[0], office, ['overflow']);
    const { message } = renderAnswer({ ...answer, passages: [long] }, { view: { pos: 0, off: 0, ex: -1 }, pageSize: 1, ephemeral: false });
    const v = message.embeds[0].fields![0].value;
    expect(v.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    expect(v.length).toBeGreaterThan(LIMITS.fieldValue - 200);
    expect(quoteOf(v).endsWith('characters. …')).toBe(true);
  });

  test('a plain message longer than 2000 characters is clipped at a word', () => {
    const m = renderText('word '.repeat(600));
    expect(m.content!.length).toBeLessThanOrEqual(LIMITS.content);
    expect(m.content!.endsWith('word …')).toBe(true);
  });
});

describe('escaping corpus text', () => {
  test('every markdown construct and every mention is shown literally', () => {
    expect(escapeText('@everyone <@&123> <@!5> <#9> </crux:1> <t:1700000000:R> @here')).toBe(
      '\\@everyone \\<@&123> \\<@!5> \\<#9> \\</crux:1> \\<t:1700000000:R> \\@here',
    );
    expect(escapeText('# h\n## h2\n- a\n* b\n1. c\n> q\n-# small')).toBe('\\# h\n\\## h2\n\\- a\n\\* b\n1\\. c\n\\> q\n\\-# small');
    expect(escapeText('**b** _i_ __u__ ~~s~~ ||sp|| `c` ```x``` [t](https://e.example) back\\slash')).toBe(
      '\\*\\*b\\*\\* \\_i\\_ \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\| \\`c\\` \\`\\`\\`x\\`\\`\\` \\[t](https://e.example) back\\\\slash',
    );
  });

  test('matched words are bold, neighbours merged, never inside a link', () => {
    const text = 'Remote work: see https://x.example/remote_work or *remote* work';
    const m = { text, highlights: [...text.matchAll(/remote|work/gi)].map((x): [number, number] => [x.index!, x.index! + x[0].length]) };
    expect(markedToMarkdown(m, { quote: true })).toBe('> **Remote work**: see https://x.example/remote_work or \\***remote**\\* **work**');
  });

  test('fitting cuts after whole sentences, then after whole words, and says so with …', () => {
    const m: Marked = { text: 'First sentence here. Second one is longer than the first. Third.', highlights: [] };
    const plain = (x: Marked) => x.text;
    expect(fitMarked(m, 100, plain)!.text).toBe(m.text);
    expect(fitMarked(m, 60, plain)!.text).toBe('First sentence here. Second one is longer than the first. …');
    expect(fitMarked(m, 30, plain)!.text).toBe('First sentence here. …');
    expect(fitMarked(m, 18, plain)!.text).toBe('First sentence …');
    expect(fitMarked(m, 5, plain)).toBeNull();
    // An excerpt that already ends in … does not get a second one.
    expect(fitMarked({ text: 'A b. C d … ', highlights: [] }, 7, plain)!.text).toBe('A b. …');
  });

  test('titles and user text are cut before escaping, so no escape is split', () => {
    expect(escapeFit('**a** **b** **c**', 12)).toBe('\\*\\*a\\*\\* …');
    expect(clip('abc def ghi', 8)).toBe('abc def…');
  });

  test('a source line links the title when it has a web address, with brackets and parentheses made safe', () => {
    expect(sourceLine(office)).toBe('— [Should the team return to the office?](https://forum.example.org/t/office-return/41) · by Priya · 2025-03-02');
    expect(sourceLine({ ...office, title: 'A [b] c', url: 'https://e.example/a_(b)' })).toBe('— [A \\[b\\] c](https://e.example/a_%28b%29) · by Priya · 2025-03-02');
    expect(sourceLine({ ...office, url: 'javascript:alert(1)' })).toBe('— Should the team return to the office? · by Priya · 2025-03-02');
    expect(sourceLine(notes)).toBe('— Meeting notes: the \\[office\\] question · Committee, 2025');
  });
});

describe('help and short messages', () => {
  test('help is generated from the command definitions', () => {
    const core = commands.filter((c) => ['crux', 'find-crux', 'crux-help'].includes(c.name));
    expect(renderHelp(helpEntries(core), core)).toMatchInlineSnapshot(`
      {
        "allowedMentions": {
          "parse": [],
        },
        "components": [],
        "embeds": [
          {
            "color": 12730636,
            "description": "Crux answers with verbatim passages from the corpus, the positions people took, and the exchanges where they meet. Answers are visible only to you unless this server shares them by default, you set \`public:True\`, or you press "Post to channel".",
            "fields": [
              {
                "name": "/crux",
                "value": "Find the crux of a topic: verbatim passages, positions and exchanges
      \`topic\`: What to look up, e.g. hyperstition
      \`limit\` (optional): How many passages to show (1-50, default 5)
      \`source\` (optional): Only passages from sources whose title contains this
      \`author\` (optional): Only passages by this author (part of the name is enough)
      \`since\` (optional): Only passages from this date on (YYYY-MM-DD, YYYY-MM or YYYY)
      \`until\` (optional): Only passages up to this date (YYYY-MM-DD, YYYY-MM or YYYY)
      \`min-score\` (optional): Only passages with at least this score (karma, votes)
      \`public\` (optional): Show the answer to everyone in the channel
      e.g. \`/crux topic:hyperstition\`, \`/crux topic:agency by default\`, \`/crux topic:sycophancy limit:3\`",
              },
              {
                "name": "Apps › Find the crux",
                "value": "Find the passages and positions that bear on this message
      Open the menu of any message (right-click, or long-press on mobile), then Apps › Find the crux.",
              },
              {
                "name": "/crux-help",
                "value": "How to use Crux
      e.g. \`/crux-help\`",
              },
            ],
            "title": "Crux: how to use it",
          },
        ],
      }
    `);
  });

  test('examples become slash commands with named options', () => {
    const crux = commands.find((c) => c.name === 'crux')!;
    expect(slashExample('crux agency by default', crux)).toBe('/crux topic:agency by default');
    expect(slashExample('crux sycophancy limit:3', crux)).toBe('/crux topic:sycophancy limit:3');
    expect(slashExample('(on any message) Apps > Find the crux', crux)).toBe('(on any message) Apps > Find the crux');
  });

  test('an apology carries the reference and pings nobody', () => {
    expect(renderApology('abc123')).toEqual({
      content: 'Sorry, Crux hit a problem answering that. It has been logged under reference `abc123`; please try again in a moment.',
      embeds: [],
      components: [],
      allowedMentions: { parse: [] },
    });
  });

  test('a notice quoting user input cannot ping or format', () => {
    expect(renderText('No source matches "@everyone **x**".').content).toBe('No source matches "\\@everyone \\*\\*x\\*\\*".');
  });
});

test('the fixtures hold what these tests quote', () => {
  const basic = corpusText(BASIC);
  for (const p of [P1, P2, P3]) expect(basic).toContain(p.text);
});
