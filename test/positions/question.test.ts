import { describe, expect, it } from 'vitest';
import { questionKind } from '../../src/positions/question.ts';

describe('telling questions from topics and claims', () => {
  it('reads a query that opens with a question word as an open question', () => {
    for (const q of ['who should write the AI’s personality', 'Why is Claude 3 Opus so well aligned?', 'how do labs test for sycophancy']) expect(questionKind(q)).toBe('open');
  });

  it('reads a query that opens with a verb asking yes or no as a yes/no question, negated ones included', () => {
    for (const q of ['is hyperstition real', 'Should we ban fireworks?', 'can language models be funny', 'isn’t RL the cause', "doesn't post-training matter more", 'whether AI doom is overblown', 'is it real or not'])
      expect(questionKind(q)).toBe('yes-no');
  });

  it('reads "X or Y" as asking which answer, not yes or no', () => {
    expect(questionKind('is sycophancy caused by RL or already present in base models')).toBe('open');
  });

  it('reads a text of several sentences (a message to find the crux of) as a text, not as its first question', () => {
    expect(questionKind('Why would anyone doubt it? Hyperstition is obviously real and the labs act on it.')).toBeNull();
  });

  it('leaves topics, claims and commands alone, and "what is X" asks about X as its name would', () => {
    for (const q of ['what is hyperstition', 'What about the void?', 'hyperstition', 'We should ban fireworks', 'hyperstition?', "don't trust the labs", '', '   ']) expect(questionKind(q)).toBeNull();
  });
});
