import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { corpusTexts, fixtureCopy, isVerbatim, tempDir } from '../cli/helpers.ts';

// test/fixtures/core/rank/debate.txt, one passage per line:
//   L1 short: hyperstition + prophecy            L2 distractor (future, machines)
//   L3 prophecy three times, no hyperstition     L4 long: hyperstition + prophecy once each
//   L5 predicted, predictions                    L6 prediction, unfalsifiable   L7 agency
let rank: Engine;
let rankDir: string;
const ids = (e: Engine, q: string, limit = 10) => e.ask(q, { limit }).passages.map((p) => p.id);

beforeAll(() => {
  rankDir = fixtureCopy('rank');
  rank = openEngine({ corpus: rankDir, cacheDir: tempDir() });
});

describe('ranking', () => {
  it('puts a short passage with every query word first, a long one with every word next, then one with only some', () => {
    expect(ids(rank, 'hyperstition prophecy')).toEqual(['debate:L1', 'debate:L4', 'debate:L3']);
  });

  it('never returns passages that share no word with the query', () => {
    expect(ids(rank, 'hyperstition prophecy')).not.toContain('debate:L2');
    expect(ids(rank, 'agency')).toEqual(['debate:L7']);
  });

  it('respects the limit, best first', () => {
    expect(ids(rank, 'hyperstition prophecy', 2)).toEqual(['debate:L1', 'debate:L4']);
  });

  it('ignores case', () => {
    expect(ids(rank, 'HYPERSTITION Prophecy')).toEqual(ids(rank, 'hyperstition prophecy'));
  });

  it('finds other forms of a word: "predictions" finds "predicted" and "prediction"', () => {
    const a = rank.ask('predictions');
    expect(a.passages.map((p) => p.id)).toEqual(['debate:L5', 'debate:L6']);
    expect(a.didYouMean).toBeNull();
  });

  it('gives higher scores first, and scores are numbers', () => {
    const scores = rank.ask('hyperstition prophecy').passages.map((p) => p.score);
    expect(scores.every((s) => typeof s === 'number' && s > 0)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('says plainly when nothing matches, naming the word', () => {
    const a = rank.ask('xqzzyv');
    expect(a.passages).toEqual([]);
    expect(a.notices.join(' ')).toContain('xqzzyv');
  });
});

describe('negated forms', () => {
  it('finds "unfalsifiable" for "falsifiable" and the reverse, below the form asked for', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'neg.txt'), 'A falsifiable theory risks being wrong.\nCritics say the theory is unfalsifiable and vague.\nGardens and weather today.\n');
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    expect(ids(e, 'falsifiable')).toEqual(['neg:L1', 'neg:L2']);
    expect(ids(e, 'unfalsifiable')).toEqual(['neg:L2', 'neg:L1']);
    expect(e.ask('falsifiable').didYouMean).toBeNull();
  });

  it('shows and highlights the negated word in a long passage found through it', () => {
    const dir = tempDir();
    const filler = Array.from({ length: 12 }, (_, i) => `Sentence ${i + 1} talks about gardens, rain and the price of tomatoes.`).join(' ');
    writeFileSync(join(dir, 'long.txt'), `A falsifiable theory risks being wrong.\n${filler} Critics call the whole theory unfalsifiable and move on.\n`);
    const a = openEngine({ corpus: dir, cacheDir: tempDir() }).ask('falsifiable');
    expect(a.didYouMean).toBeNull();
    const hit = a.passages.find((p) => p.id === 'long:L2')!;
    expect(hit.text).toContain('Critics call the whole theory unfalsifiable');
    expect(hit.highlights.map(([s, e]) => hit.text.slice(s, e))).toEqual(['unfalsifiable']);
  });
});

describe('words with accents', () => {
  it('finds words written with combining accents (decomposed) from a query typed precomposed, and the reverse', () => {
    const dir = tempDir();
    const decomposed = 'The re\u0301sume\u0301 of the cafe\u0301 owner was long.';
    writeFileSync(join(dir, 'nfd.txt'), decomposed + '\nA precomposed caf\u00e9 sign hung outside.\n');
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    const a = e.ask('r\u00e9sum\u00e9');
    expect(a.passages.map((p) => p.text)).toEqual([decomposed]);
    expect(a.didYouMean).toBeNull();
    const [s, t] = a.passages[0].highlights[0];
    expect(a.passages[0].text.slice(s, t)).toBe('re\u0301sume\u0301'); // the whole word, accents included
    expect(e.ask('cafe\u0301').passages).toHaveLength(2);
  });
});

describe('typo tolerance', () => {
  it.each(['hyperstiton', 'hypersticion', 'hyperstitoin'])('finds the hyperstition passages for "%s" and offers "did you mean"', (typo) => {
    const a = rank.ask(typo);
    expect(a.didYouMean).toBe('hyperstition');
    expect(a.passages.map((p) => p.id)).toEqual(['debate:L1', 'debate:L4']);
    expect(a.query).toBe(typo);
  });

  it('corrects only the misspelled word and keeps the rest of the query as typed', () => {
    const a = rank.ask('hyperstiton prophecy');
    expect(a.didYouMean).toBe('hyperstition prophecy');
    expect(a.passages[0].id).toBe('debate:L1');
  });

  it('offers no correction for a word the corpus uses', () => {
    expect(rank.ask('hyperstition').didYouMean).toBeNull();
  });

  it('corrects two swapped letters as one slip: "agnecy" finds agency', () => {
    const a = rank.ask('agnecy');
    expect(a.didYouMean).toBe('agency');
    expect(a.passages.map((p) => p.id)).toEqual(['debate:L7']);
  });

  it('chooses the correction found with the other words of the query over a commoner one: "persona slection"', () => {
    const dir = tempDir();
    const lines = ['The persona selection model explains a lot.', 'Persona selection happens in pretraining.', ...Array.from({ length: 5 }, (_, i) => `Section ${i + 1} of the report is long.`)];
    writeFileSync(join(dir, 'notes.txt'), lines.join('\n') + '\n');
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    expect(e.ask('persona slection').didYouMean).toBe('persona selection');
    expect(e.ask('slection').didYouMean).toBe('section'); // alone, the commoner word
  });

  it('offers no correction for another form of a word the corpus uses: "blamed" finds "blame" as typed', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blame.txt'), 'The labs blame the writers of science fiction.\nNobody is to blame for the weather.\nGardens today.\n');
    const a = openEngine({ corpus: dir, cacheDir: tempDir() }).ask('blamed');
    expect(a.didYouMean).toBeNull();
    expect(a.passages.map((p) => p.id).sort()).toEqual(['blame:L1', 'blame:L2']);
  });

  it('finds typos against the real corpus too: the bundled hyperstition thread', () => {
    const e = openEngine({ cacheDir: tempDir() });
    for (const typo of ['hyperstiton', 'hypersticion']) {
      const a = e.ask(typo);
      expect(a.didYouMean).toBe('hyperstition');
      expect(a.passages.length).toBeGreaterThan(0);
      for (const p of a.passages) expect(p.text.toLowerCase()).toContain('hyperstition');
    }
  });
});

describe('duplicates', () => {
  // dedup/a.txt has the paragraph twice with straight quotes and a hyphen; dedup/b.txt has it with curly quotes and an en dash.
  let dir: string;
  let e: Engine;
  beforeAll(() => {
    dir = fixtureCopy('dedup');
    e = openEngine({ corpus: dir, cacheDir: tempDir() });
  });

  it('shows a paragraph that occurs in several files, with straight or curly quotes, only once', () => {
    const a = e.ask('hyperstition story', { limit: 10 });
    const same = a.passages.filter((p) => p.text.includes('just a story people tell'));
    expect(same).toHaveLength(1);
    expect(a.passages.map((p) => p.id)).toEqual(['a:L1', 'b:L2']);
  });

  it('shows the paragraph exactly as written in one real source, with that source', () => {
    const a = e.ask('hyperstition', { limit: 10 });
    const [hit] = a.passages;
    const lineA = 'He said "hyperstition" isn\'t real - it\'s just a story people tell.';
    const lineB = 'He said “hyperstition” isn’t real – it’s just a story people tell.';
    expect([lineA, lineB]).toContain(hit.text);
    expect(hit.source.id).toBe(hit.text === lineA ? 'a' : 'b');
  });

  it('counts the copies as one passage', () => {
    expect(e.stats.passages).toBe(5);
    expect(e.stats.unique).toBe(3);
  });

  it('never shows the same paragraph twice on the bundled corpus, whose files repeat many paragraphs', () => {
    const bundled = openEngine({ cacheDir: tempDir() });
    const texts = corpusTexts(join(import.meta.dirname, '..', '..', 'data', 'corpus'));
    const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ');
    for (const q of ['hyperstition', 'sycophancy', 'agency by default', 'persona selection model', 'inoculation prompting']) {
      const a = bundled.ask(q, { limit: 20 });
      const shown = a.passages.map((p) => norm(p.text.replace(/^… /, '').replace(/ …$/, '')));
      expect(new Set(shown).size, q).toBe(shown.length);
      expect(a.passages.length, q).toBeGreaterThan(0);
      for (const p of a.passages) expect(isVerbatim(p.text, texts), `${q}: ${p.text}`).toBe(true);
    }
  });
});

describe('source filters', () => {
  it('only returns passages from sources whose title matches, and refuses an unknown source', () => {
    const dir = fixtureCopy('formats');
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    const a = e.ask('lighthouse', { sources: ['harbour thread'], limit: 10 });
    expect(a.passages.map((p) => p.id)).toEqual(['c1']);
    expect(() => e.ask('lighthouse', { sources: ['no such source'] })).toThrow(/No source matches "no such source"/);
  });
});
