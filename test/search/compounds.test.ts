import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { termsOf } from '../../src/core/text.ts';
import { tempDir } from '../cli/helpers.ts';

const ids = (e: Engine, q: string, limit = 10) => e.ask(q, { limit }).passages.map((p) => p.id);

function engineOver(lines: string[]): Engine {
  const dir = tempDir();
  writeFileSync(join(dir, 'words.txt'), lines.join('\n') + '\n');
  return openEngine({ corpus: dir, cacheDir: tempDir() });
}

describe('compound words', () => {
  const lines = [
    'Filtering the pretraining corpus removes stories about evil AI.',
    'The pre-training mix decides which personas the model knows.',
    'Most training happens after that, on chat transcripts.',
    'Gardens and weather today.',
  ];

  it('indexes a hyphenated compound under its closed form too, and hands the hyphenated spelling to the vocabulary', () => {
    const seen: string[] = [];
    expect(termsOf('pre-training data', (w) => seen.push(w))).toEqual(['pre', 'train', 'pretrain', 'data']);
    expect(seen).toContain('pre-training');
  });

  it('finds the closed and the hyphenated spelling for either, and ranks the same whichever is typed', () => {
    const e = engineOver(lines);
    const closed = ids(e, 'pretraining');
    expect([...closed].sort()).toEqual(['words:L1', 'words:L2', 'words:L3']);
    expect(ids(e, 'pre-training')).toEqual(closed);
    expect(ids(e, 'pre training')).toEqual(closed);
    expect(e.ask('pre training').didYouMean).toBeNull();
  });

  it('ranks passages that use the compound above those with only one of its parts', () => {
    const e = engineOver(lines);
    expect(ids(e, 'pretraining').at(-1)).toBe('words:L3');
  });

  it('highlights a hyphenated compound whole', () => {
    const e = engineOver(lines);
    const hit = e.ask('pretraining').passages.find((p) => p.id === 'words:L2')!;
    expect(hit.highlights.map(([s, t]) => hit.text.slice(s, t))).toEqual(['pre-training']);
  });

  it('does not read a hyphenated "non-" word as a negated form of its last part twice over', () => {
    const e = engineOver([
      'Non-reasoning models answer at once, with no scratchpad, plan, draft or second look at the question.',
      'Reasoning models think first, writing a scratchpad, plan and draft before they answer the question.',
      'Gardens and weather today.',
    ]);
    const a = e.ask('reasoning', { limit: 5 });
    expect(a.passages.map((p) => p.id)).toEqual(['words:L2', 'words:L1']);
    expect(a.passages[1].score).toBeCloseTo(a.passages[0].score, 0);
  });

  it('on the bundled corpus, "pretraining data" and "pre-training data" give the same first passages', () => {
    const e = openEngine({ cacheDir: tempDir() });
    expect(ids(e, 'pre-training data', 3)).toEqual(ids(e, 'pretraining data', 3));
  });
});
