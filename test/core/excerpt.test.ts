import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { excerpt, EXCERPT_CHARS } from '../../src/core/excerpt.ts';
import { clipText, isStopWord, sentences, termOf, tokenize } from '../../src/core/text.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { REPO } from '../cli/helpers.ts';

const filler = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} sentence number ${i + 1} says nothing much.`).join(' ');

/** Checks what a reader would notice: cut marks only at cuts, whole words, verbatim text, highlights on the query words. */
function expectSound(full: string, ex: { text: string; highlights: Array<[number, number]> }, wanted: RegExp | ((word: string) => boolean)) {
  const startsCut = ex.text.startsWith('… ');
  const endsCut = ex.text.endsWith(' …');
  const inner = ex.text.slice(startsCut ? 2 : 0, endsCut ? -2 : undefined);
  expect(inner.length).toBeGreaterThan(0);
  // Verbatim: the shown text is one exact substring of the passage.
  const at = full.indexOf(inner);
  expect(at).toBeGreaterThanOrEqual(0);
  // … marks a cut exactly when something was left out on that side.
  expect(startsCut).toBe(at > 0);
  expect(endsCut).toBe(at + inner.length < full.trimEnd().length);
  // Never splits a word: the characters just outside the shown text are not letters or digits.
  const before = full[at - 1] ?? ' ';
  const after = full[at + inner.length] ?? ' ';
  expect(/[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(inner[0])).toBe(false);
  expect(/[\p{L}\p{N}]/u.test(after) && /[\p{L}\p{N}]/u.test(inner.at(-1)!)).toBe(false);
  // Highlights point at whole matched words inside the shown text.
  expect(ex.highlights.length).toBeGreaterThan(0);
  for (const [s, e] of ex.highlights) {
    const word = ex.text.slice(s, e);
    if (typeof wanted === 'function') expect(wanted(word), word).toBe(true);
    else expect(word).toMatch(wanted);
    expect(tokenize(ex.text).some((t) => t.start === s && t.end === e)).toBe(true);
  }
}

describe('excerpts', () => {
  it('show a short passage whole, without cut marks, with the matched words highlighted', () => {
    const text = 'Hyperstition is a prophecy that makes itself true.';
    const ex = excerpt(text, ['hyperstition', 'prophecy']);
    expect(ex.text).toBe(text);
    expect(ex.highlights.map(([s, e]) => ex.text.slice(s, e))).toEqual(['Hyperstition', 'prophecy']);
  });

  it('highlight other forms of a query word (stems), in any case', () => {
    const ex = excerpt('He PREDICTED it, and his predictions held.', ['prediction']);
    expect(ex.highlights.map(([s, e]) => ex.text.slice(s, e))).toEqual(['PREDICTED', 'predictions']);
  });

  it('show the sentence that carries the match from a long passage, with … on both sides', () => {
    const full = `${filler('Opening', 12)} The keeper said hyperstition is only a story. ${filler('Closing', 12)}`;
    expect(full.length).toBeGreaterThan(EXCERPT_CHARS);
    const ex = excerpt(full, ['hyperstition']);
    expect(ex.text).toMatch(/^… .*The keeper said hyperstition is only a story\..* …$/);
    expect(ex.text.length).toBeLessThanOrEqual(EXCERPT_CHARS + 4);
    expectSound(full, ex, /^hyperstition$/i);
  });

  it('mark only the end as cut when the match is in the first sentence', () => {
    const full = `Hyperstition opens this passage. ${filler('Later', 15)}`;
    const ex = excerpt(full, ['hyperstition']);
    expect(ex.text.startsWith('Hyperstition opens this passage.')).toBe(true);
    expect(ex.text.endsWith(' …')).toBe(true);
    expectSound(full, ex, /^hyperstition$/i);
  });

  it('mark only the start as cut when the match is in the last sentence', () => {
    const full = `${filler('Earlier', 15)} The passage closes on hyperstition.`;
    const ex = excerpt(full, ['hyperstition']);
    expect(ex.text.startsWith('… ')).toBe(true);
    expect(ex.text.endsWith('The passage closes on hyperstition.')).toBe(true);
    expectSound(full, ex, /^hyperstition$/i);
  });

  it('prefer the sentences that hold more of the query words', () => {
    const full = `${filler('One', 6)} A lighthouse is mentioned here. ${filler('Two', 6)} The lighthouse keeper spoke of hyperstition. ${filler('Three', 6)}`;
    const ex = excerpt(full, ['lighthouse', 'hyperstition']);
    expect(ex.text).toContain('The lighthouse keeper spoke of hyperstition.');
    expectSound(full, ex, /^(lighthouse|hyperstition)$/i);
  });

  it('do not end on a question the passage goes on to answer: the answer is shown', () => {
    const full = `${filler('One', 6)} Was the lighthouse built by sailors? It was, by the sailors of the north harbour. ${filler('Two', 6)}`;
    const ex = excerpt(full, ['lighthouse', 'sailors']);
    expect(ex.text).toContain('It was, by the sailors of the north harbour.');
    expectSound(full, ex, /^(lighthouse|sailors)$/i);
  });

  it('keep the sentence where the passage takes its stance (a range asked to be kept) with the best match', () => {
    const stance = 'I think lighthouses are plainly worth their cost.';
    const full = `${filler('One', 4)} The lighthouse keeper spoke. ${filler('Two', 6)} ${stance} ${filler('Three', 6)}`;
    const at = full.indexOf('plainly worth');
    expect(excerpt(full, ['lighthouse']).text).not.toContain(stance);
    const ex = excerpt(full, ['lighthouse'], EXCERPT_CHARS, [[at, at + 'plainly worth'.length]]);
    expect(ex.text).toContain(stance);
    expectSound(full, ex, /^(lighthouse|lighthouses)$/i);
  });

  it('cut one overlong sentence at word boundaries around the match, never inside a word', () => {
    const words = Array.from({ length: 150 }, (_, i) => `word${i}`);
    words.splice(90, 0, 'hyperstition');
    const full = words.join(' ');
    const ex = excerpt(full, ['hyperstition']);
    expect(ex.text.length).toBeLessThanOrEqual(EXCERPT_CHARS + 4);
    expect(ex.text).toContain('hyperstition');
    expectSound(full, ex, /^hyperstition$/);
  });

  it('read the line breaks of a hard-wrapped paragraph as spaces, showing whole sentences, not line fragments', () => {
    const wrapped = Array.from({ length: 10 }, (_, i) => `Sentence ${i} of a hard-wrapped paragraph\nruns over two lines of text.`).join(' ');
    const full = `${wrapped} The keeper spoke\nof lighthouses at\nlength. ${wrapped}`;
    const ex = excerpt(full, ['lighthouses']);
    expect(ex.text).toMatch(/^… The keeper spoke\nof lighthouses at\nlength\. …$|^… .*\. The keeper spoke\nof lighthouses at\nlength\..* …$/s);
    expectSound(full, ex, /^lighthouses$/);
    const paras = `First paragraph ends without a stop\n\nSecond paragraph mentions lighthouses.`;
    expect(sentences(paras).map(([a, b]) => paras.slice(a, b))).toEqual(['First paragraph ends without a stop', 'Second paragraph mentions lighthouses.']);
  });

  it('keep curly quotes, dashes and accents exactly as written', () => {
    const full = `${filler('Before', 10)} She said “hyperstition” isn’t real — it’s a café story. ${filler('After', 10)}`;
    const ex = excerpt(full, ['hyperstition']);
    expect(ex.text).toContain('She said “hyperstition” isn’t real — it’s a café story.');
    expectSound(full, ex, /^hyperstition$/);
  });

  it('keep the offsets right after characters that take two code units (emoji)', () => {
    const full = `🙂🙂 ${filler('Emoji', 10)} 🙂 The keeper 🙂 said hyperstition. ${filler('More', 10)}`;
    const ex = excerpt(full, ['hyperstition']);
    expectSound(full, ex, /^hyperstition$/);
  });

  it('still show something when the passage is one word longer than an excerpt', () => {
    const full = 'x'.repeat(EXCERPT_CHARS + 200);
    const ex = excerpt(full, ['hyperstition']);
    expect(ex.text.replace(/^… /, '').replace(/ …$/, '').length).toBeGreaterThan(0);
    expect(full).toContain(ex.text.replace(/^… /, '').replace(/ …$/, ''));
  });

  it('are sound for every long passage of the bundled corpus, whichever of its words is asked for', () => {
    const long = loadCorpus(join(REPO, 'data', 'corpus')).passages.filter((p) => p.text.length > EXCERPT_CHARS && !p.dupOf);
    expect(long.length).toBeGreaterThan(20);
    long.forEach((p, i) => {
      const words = tokenize(p.text).filter((t) => t.word.length > 3 && !isStopWord(t.word));
      // A word from the start, the middle and the end of the passage, in turn.
      const w = words[[0, Math.floor(words.length / 2), words.length - 1][i % 3]].word;
      const ex = excerpt(p.text, [w]);
      const stem = termOf(w);
      expectSound(p.text, ex, (x) => termOf(x.toLowerCase()) === stem || x.toLowerCase() === w);
    });
  });
});

describe('words', () => {
  it('are split exactly as the Unicode word pattern splits them, accents, scripts, emoji and stray surrogates included', () => {
    const pieces = ['a', 'Zz', '09', 'naïve', 'e\u0301', '𝐀𝐁', '日本語', '١٢٣', 'İ', '🙂', ' ', '—', "'", '’', '-', '\uD800', '\uDC00', '\n'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 3000; k++) {
      let text = '';
      for (let j = next() % 12; j >= 0; j--) text += pieces[next() % pieces.length];
      const expected = [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)].map((m) => [m.index, m.index! + m[0].length]);
      expect(tokenize(text).map((t) => [t.start, t.end]), JSON.stringify(text)).toEqual(expected);
    }
  });
});

describe('text echoed in a notice', () => {
  it('is cut after about 60 characters at a space, with " …", and left alone when short', () => {
    const message = 'Honestly, fireworks are a menace. The noise terrifies pets every year, and the smoke is awful.';
    expect(clipText(message)).toBe('Honestly, fireworks are a menace. The noise terrifies pets …');
    expect(clipText('  hyperstition\n')).toBe('hyperstition');
  });

  it('never cuts inside a character made of two UTF-16 units', () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const text of ['😀'.repeat(40), `a${'😀'.repeat(40)}`]) {
      const cut = clipText(text);
      expect(cut.endsWith(' …')).toBe(true);
      expect(lone.test(cut), cut).toBe(false);
    }
    expect(clipText(`a${'😀'.repeat(40)}`)).toBe(`a${'😀'.repeat(29)} …`);
  });
});
