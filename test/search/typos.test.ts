import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { isEnglish } from '../../src/search/english.ts';
import { tempDir } from '../cli/helpers.ts';

function engineOver(lines: string[]): Engine {
  const dir = tempDir();
  writeFileSync(join(dir, 'notes.txt'), lines.join('\n') + '\n');
  return openEngine({ corpus: dir, cacheDir: tempDir() });
}

describe('typo fixes that never damage a query', () => {
  it('knows English words, inflections included, and not misspellings or corpus jargon', () => {
    for (const w of ['leaking', 'leaked', 'inoculation', 'sycophancy']) expect(isEnglish(w)).toBe(true);
    for (const w of ['hyperstion', 'slection', 'defualt', 'evals']) expect(isEnglish(w)).toBe(false);
  });

  it('searches an English word the corpus lacks as typed and says so, instead of "correcting" it', () => {
    const e = engineOver(['Evals leading the field were published.', 'Training sets are scraped from the web.', 'Gardens today.']);
    const a = e.ask('evals leaking into the training set');
    expect(a.didYouMean).toBeNull();
    expect(a.passages.map((p) => p.id).sort()).toEqual(['notes:L1', 'notes:L2']);
    expect(a.notices).toContain('Nothing in the corpus mentions "leaking"; these passages match the rest.');
  });

  it('still corrects a word that is not English', () => {
    const e = engineOver(['Evals leading the field were published.', 'Gardens today.']);
    expect(e.ask('evals laeding').didYouMean).toBe('evals leading');
  });

  it('prefers the frequent corpus word to a rare misspelling of it, even one edit nearer', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `Hyperstition comes up in comment ${i + 1}.`);
    const e = engineOver([...lines, 'One reply spells it hypersition.']);
    const a = e.ask('hyperstion');
    expect(a.didYouMean).toBe('hyperstition');
    expect(a.passages.length).toBeGreaterThan(1);
  });

  it('keeps the nearest word when the farther one is not much commoner', () => {
    const e = engineOver(['Hypersition once.', 'Hyperstition once.', 'Hyperstition twice.', 'Gardens today.']);
    expect(e.ask('hyperstion').didYouMean).toBe('hypersition');
  });

  it('on the bundled corpus: "hyperstion" is hyperstition, and "evals leaking into the training set" keeps "leaking"', () => {
    const e = openEngine({ cacheDir: tempDir() });
    expect(e.ask('hyperstion').didYouMean).toBe('hyperstition');
    const a = e.ask('evals leaking into the training set');
    expect(a.didYouMean).toBeNull();
    expect(a.notices.join(' ')).toContain('"leaking"');
    expect(a.passages[0].text.toLowerCase()).toContain('eval');
  });
});
