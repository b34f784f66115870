import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine } from '../../src/core/engine.ts';
import { tempDir } from '../cli/helpers.ts';

describe('questions', () => {
  it('searches for what a yes/no question is about, not the word it judges it by ("is hyperstition real")', () => {
    const dir = tempDir();
    const lines = [
      'Hyperstition is a real phenomenon, but it is unclear whether it is the most salient risk.',
      'I doubt hyperstition does much: the research does not show it.',
      'The feedback loop has no real effect at inference time, and no real cost either.',
      'Real progress needs real data, a real budget and real people.',
    ];
    writeFileSync(join(dir, 'thread.txt'), lines.join('\n') + '\n');
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    const a = e.ask('is hyperstition real');
    expect(a.passages.map((p) => p.id).sort()).toEqual(['thread:L1', 'thread:L2']);
    expect(a.didYouMean).toBeNull();
  });

  it('still searches a judging word that is the whole topic, or part of a name', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'thread.txt'), 'What counts as real is disputed.\nEmergent misalignment is harmful.\nGardens today.\n');
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    expect(e.ask('real').passages.map((p) => p.id)).toEqual(['thread:L1']);
    expect(e.ask('is it harmful').passages.map((p) => p.id)).toEqual(['thread:L2']);
  });

  it('on the bundled corpus, "is hyperstition real" answers with passages about hyperstition only', () => {
    const e = openEngine({ cacheDir: tempDir() });
    const a = e.ask('is hyperstition real');
    for (const p of a.passages) expect(p.text.toLowerCase()).toMatch(/hyperstition/);
  });
});
