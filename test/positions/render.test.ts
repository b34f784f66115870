import { describe, expect, it } from 'vitest';
import { renderAnswer } from '../../adapters/terminal/render.ts';
import type { Answer, PassageHit } from '../../src/core/types.ts';

const source = { id: 'thread', title: 'A thread', author: null, url: null, date: null, site: 'Fixture', year: 2026 };
const hit = (id: string, text: string): PassageHit => ({ id, text, source, score: 1, highlights: [] });

const answer: Answer = {
  query: 'hyperstition',
  didYouMean: null,
  passages: [],
  positions: [
    {
      label: 'hyperstition is a real phenomenon',
      stance: 'for',
      stanceCue: 'hyperstition is a real',
      passages: [hit('L2', 'hyperstition is a real phenomenon.'), hit('L3', 'It is a live concern.'), hit('L4', 'A plausible mechanism.'), hit('L5', 'A fourth.')],
      weight: { passages: 4, authors: 3, ofRelevant: 9 },
    },
    {
      label: 'a weak argument',
      stance: 'against',
      stanceCue: null,
      passages: [hit('L6', 'a weak argument.')],
      weight: { passages: 1, authors: null, ofRelevant: 9 },
    },
  ],
  exchanges: [{ claim: hit('L6', 'a weak argument.'), reply: hit('L9', 'I disagree.'), claimPosition: 1, replyPosition: 0, via: 'quote' }],
  notices: ['2 of the 9 passages about “hyperstition” fit no position.'],
  tookMs: 1,
};

describe('terminal rendering of positions and exchanges', () => {
  it('shows each position with its stance, the words it rests on, its weight and its most representative quote, then an exchange with the position of each side, naming the source once', () => {
    expect(renderAnswer(answer, { color: false, more: 'Whole answer: --full' })).toBe(
      [
        'Positions',
        'A. hyperstition is a real phenomenon (for: “hyperstition is a real”; 4 of 9 passages, 3 authors)',
        '   “hyperstition is a real phenomenon.”',
        '      — A thread (Fixture, 2026)',
        'B. a weak argument (against; 1 of 9 passages)',
        '   “a weak argument.”',
        '',
        'Exchanges',
        '   Claim (B): “a weak argument.”',
        '   Reply (A): “I disagree.”',
        '',
        '2 of the 9 passages about “hyperstition” fit no position.',
        'Whole answer: --full',
      ].join('\n'),
    );
  });

  it('shows more quotes per position in full, and passage ids when asked for', () => {
    const full = renderAnswer(answer, { color: false, full: true, ids: true }).split('\n');
    expect(full.slice(0, 7)).toEqual([
      'Positions',
      'A. hyperstition is a real phenomenon (for: “hyperstition is a real”; 4 of 9 passages, 3 authors)',
      '   “hyperstition is a real phenomenon.”  [L2]',
      '      — A thread (Fixture, 2026)',
      '   “It is a live concern.”  [L3]',
      '   “A plausible mechanism.”  [L4]',
      '   “A fourth.”  [L5]',
    ]);
    expect(full).not.toContain('Whole answer: --full');
  });
});
