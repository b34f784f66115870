import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../../src/corpus/load.ts';
import { LONG, MAX_PASSAGE, WINDOW, windows } from '../../src/corpus/windows.ts';
import { sentences } from '../../src/core/text.ts';
import { openEngine } from '../../src/core/engine.ts';
import { isVerbatim, tempDir } from '../cli/helpers.ts';

/** Seeded pseudo-random numbers, so a failing text can be made again. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const WORDS = 'harbour lighthouse keeper ship storm tide anchor sail rope gull beacon pier dock wave fog lamp'.split(' ');

/** Sentences of 5 to 30 words, each unique (it carries its number), ending in . ! or ?. */
function prose(n: number, seed = 1): string[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 5 + Math.floor(r() * 26) }, () => WORDS[Math.floor(r() * WORDS.length)]);
    return `Sentence ${i} says ${words.join(' ')}${'.!?'[i % 3]}`;
  });
}

/**
 * Checks what windows promise: each is an exact slice of the text, in order, with nothing but whitespace between
 * them (so no text is lost), none longer than MAX_PASSAGE. Returns where each one starts and ends.
 */
function expectCover(text: string, parts: string[]): Array<[number, number]> {
  const at: Array<[number, number]> = [];
  let pos = 0;
  for (const w of parts) {
    expect(w.length).toBeLessThanOrEqual(MAX_PASSAGE);
    expect(w.trim()).toBe(w);
    expect(w).not.toBe('');
    const i = text.indexOf(w, pos);
    expect(i).toBeGreaterThanOrEqual(pos);
    expect(text.slice(pos, i).trim()).toBe('');
    at.push([i, i + w.length]);
    pos = i + w.length;
  }
  expect(text.slice(pos).trim()).toBe('');
  return at;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}\p{M}]/u.test(c);

describe('sentences of a long text', () => {
  it('finds every sentence of a text far longer than one segmenting chunk, exactly where it is', () => {
    const list = prose(3000);
    const text = list.join(' ');
    expect(text.length).toBeGreaterThan(100_000);
    const found = sentences(text).map(([s, e]) => text.slice(s, e));
    expect(found).toEqual(list);
  });

  it('gives one range for a run of words with no sentence break at all, however long', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => WORDS[i % WORDS.length]).join(' ');
    expect(sentences(text)).toEqual([[0, text.length]]);
  });

  it('keeps a surrogate pair whole where a chunk would have cut it', () => {
    const text = '𝒜'.repeat(10_000) + '. Next one.';
    expect(sentences(text)).toEqual([
      [0, 20_001],
      [20_002, text.length],
    ]);
  });
});

describe('windows of a long paragraph', () => {
  it('leaves a paragraph of up to LONG characters whole', () => {
    const text = prose(200).join(' ').slice(0, LONG).trim();
    expect(windows(text)).toEqual([text]);
  });

  it('cuts a long paragraph into runs of whole sentences of about WINDOW characters', () => {
    const list = prose(400, 2);
    const text = list.join(' ');
    const parts = windows(text);
    expectCover(text, parts);
    const starts = new Set(list.map((s) => s.slice(0, 12)));
    for (const w of parts) {
      expect(w.length).toBeLessThanOrEqual(WINDOW);
      expect(starts.has(w.slice(0, 12))).toBe(true); // each window starts a sentence
      expect(w).toMatch(/[.!?]$/); // and ends one
    }
  });

  it('cuts a sentence longer than MAX_PASSAGE between words, never inside one', () => {
    const r = rng(3);
    const text = Array.from({ length: 5_000 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    const parts = windows(text);
    const at = expectCover(text, parts);
    expect(parts.length).toBeGreaterThan(text.length / MAX_PASSAGE);
    for (const [s, e] of at) {
      expect(isWordChar(text[s - 1]) && isWordChar(text[s])).toBe(false);
      expect(isWordChar(text[e - 1]) && isWordChar(text[e])).toBe(false);
    }
  });

  it('cuts a long unpunctuated line of Chinese at the word boundaries the segmenter finds', () => {
    const text = '我们讨论人工智能的未来以及它对社会的影响还有语言模型如何学习人类的价值观'.repeat(150);
    const parts = windows(text);
    const at = expectCover(text, parts);
    expect(parts.length).toBeGreaterThan(1);
    const boundaries = new Set([...new Intl.Segmenter('zh', { granularity: 'word' }).segment(text)].map((s) => s.index));
    for (const [s] of at) expect(boundaries.has(s)).toBe(true);
  });

  it('cuts a run of letters with no word boundary at MAX_PASSAGE, keeping surrogate pairs whole', () => {
    const text = 'x' + '𝒜'.repeat(3_000);
    const parts = windows(text);
    expectCover(text, parts);
    expect(parts.map((w) => w.length)).toEqual([MAX_PASSAGE - 1, MAX_PASSAGE, MAX_PASSAGE, 2]);
    for (const w of parts) expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(w)).toBe(false);
  });

  it('does not part a letter from the accent written after it', () => {
    const text = 'x' + 'e\u0301'.repeat(3_000);
    const parts = windows(text);
    expectCover(text, parts);
    expect(parts.length).toBeGreaterThan(2);
    for (const w of parts.slice(1)) expect(w).toMatch(/^e\u0301/);
  });

  it('mixes the two: sentences stay whole around a sentence too long for one passage', () => {
    const list = prose(30, 4);
    const runOn = Array.from({ length: 800 }, (_, i) => WORDS[i % WORDS.length]).join(' ') + '.';
    const text = [...list.slice(0, 15), runOn, ...list.slice(15)].join(' ');
    const parts = windows(text);
    expectCover(text, parts);
    expect(parts.filter((w) => list.some((s) => w.includes(s))).join(' ')).toContain(list.slice(0, 15).join(' ').slice(-200));
    expect(parts.some((w) => w.endsWith(runOn.slice(-40)))).toBe(true);
  });
});

describe('loading a file of one very long line', () => {
  it('makes passages of at most MAX_PASSAGE characters that are verbatim and give back the whole line', () => {
    const dir = tempDir();
    const line = prose(12_000, 5).join(' ');
    writeFileSync(join(dir, 'one.txt'), line + '\n');
    const ps = loadCorpus(dir).passages;
    expect(ps.map((p) => p.id)).toEqual(ps.map((_, k) => `one:L1.${k + 1}`));
    expectCover(line, ps.map((p) => p.text));
  });

  it('does the same for a line without punctuation, and answers from it verbatim', () => {
    const dir = tempDir();
    const r = rng(6);
    const line = Array.from({ length: 200_000 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    writeFileSync(join(dir, 'corpus.txt'), line + '\n');
    const engine = openEngine({ corpus: dir, cacheDir: tempDir() });
    expectCover(line, engine.view.passages.map((p) => p.text));
    const answer = engine.ask('lighthouse keeper');
    expect(answer.passages.length).toBeGreaterThan(0);
    for (const p of answer.passages) {
      expect(p.text.length).toBeLessThanOrEqual(MAX_PASSAGE + 4);
      expect(isVerbatim(p.text, [line])).toBe(true);
    }
  });
});
