import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { tempDir } from '../cli/helpers.ts';

function engineOver(lines: string[]): Engine {
  const dir = tempDir();
  writeFileSync(join(dir, 'notes.txt'), lines.join('\n') + '\n');
  return openEngine({ corpus: dir, cacheDir: tempDir() });
}

const ids = (e: Engine, q: string) => e.ask(q, { limit: 10 }).passages.map((p) => p.id);

describe('clipped forms', () => {
  it('finds the jargon clipping of a query word: "evaluation" finds "evals" and "eval"', () => {
    const e = engineOver(['Are the evals kept out of the training set?', 'A translated eval can leak in.', 'Gardens today.']);
    expect(ids(e, 'evaluation').sort()).toEqual(['notes:L1', 'notes:L2']);
    const hit = e.ask('evaluation').passages.find((p) => p.id === 'notes:L1')!;
    expect(hit.highlights.map(([s, t]) => hit.text.slice(s, t))).toEqual(['evals']);
  });

  it('does not take an English word for a clipping: "personality" does not find "persona"', () => {
    const e = engineOver(['The persona is a mask.', 'Another persona appears.', 'Her personality is warm.']);
    expect(ids(e, 'personality')).toEqual(['notes:L3']);
  });

  it('does not take a word the corpus writes only once, or a name only written with an ending, for a clipping', () => {
    const e = engineOver(['Janus wrote about simulators.', 'Janus again, on base models.', 'The comp was low.', 'In January it snowed.', 'Computers got faster.']);
    expect(ids(e, 'january')).toEqual(['notes:L4']);
    expect(ids(e, 'computers')).toEqual(['notes:L5']);
  });
});
