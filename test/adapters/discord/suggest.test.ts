// Topic suggestions (src/core/suggest.ts, shared by the platform adapters): key phrases and titles, ranked, typo-tolerant.
import { describe, expect, test } from 'vitest';
import { createSuggester, suggesterFor } from '../../../src/core/suggest.ts';
import type { Passage, SourceInfo } from '../../../src/core/types.ts';
import { BASIC, engineFor } from './bot.ts';

const src: SourceInfo = { id: 's', title: 'A thread about gardens', author: null, url: null, date: null };
const passage = (text: string, ord: number, dupOf: string | null = null): Passage => ({ id: `p${ord}`, text, source: src, file: 'f.txt', line: ord + 1, ord, dupOf });

describe('suggestions', () => {
  const basic = suggesterFor(engineFor(BASIC));

  test('complete what is typed with phrases the corpus uses, best first', () => {
    expect(basic.suggest('remot').map((s) => s.text)[0]).toBe('remote work');
    expect(basic.suggest('comp').map((s) => s.text)).toContain('compost');
  });

  test('forgive typos', () => {
    expect(basic.suggest('comute').map((s) => s.text)).toContain('commute');
    expect(basic.suggest('rmeote work').map((s) => s.text)).toContain('remote work');
  });

  test('offer the source titles too', () => {
    const found = basic.suggest('garden club');
    expect(found[0]).toMatchObject({ text: 'Garden club minutes', kind: 'title' });
  });

  test('with nothing typed, offer the corpus\'s main topics', () => {
    const top = basic.suggest('', 5);
    expect(top).toHaveLength(5);
    expect(top.map((s) => s.text)).toContain('remote work');
  });

  test('never return more than asked, and nothing for gibberish', () => {
    expect(basic.suggest('o', 3).length).toBeLessThanOrEqual(3);
    expect(basic.suggest('qqqqzzzz')).toEqual([]);
    expect(basic.suggest('remote', 0)).toEqual([]);
  });

  test('source titles alone, for a source filter: those containing the text first', () => {
    expect(basic.suggestTitles('notes').map((s) => s.text)).toEqual(['Meeting notes: the [office] question']);
    expect(basic.suggestTitles('').map((s) => s.text)).toHaveLength(3);
  });

  test('a phrase is shown as the corpus spells it, skips copies and hyphen fragments', () => {
    const s = createSuggester({
      passages: [
        passage('The Persona Selection Model is one idea about pre-training.', 0),
        passage('Critics of the persona selection model say pre-training matters more.', 1),
        passage('Some find the persona selection model convincing.', 2),
        passage('Some find the persona selection model convincing.', 3, 'p2'),
      ],
      sources: [src],
    });
    const texts = s.suggest('persona').map((x) => x.text);
    expect(texts[0]).toBe('persona selection model');
    expect(s.suggest('pre').map((x) => x.text)).toContain('pre-training');
    expect(s.suggest('training').map((x) => x.text)).not.toContain('training');
  });
});
