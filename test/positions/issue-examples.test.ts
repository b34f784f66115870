// Regression tests for the examples of issue 12, on the seed corpus (data/corpus): what a user saw, and must not
// see again.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../src/core/engine.ts';
import { REPO_ROOT } from '../../src/paths.ts';
import type { Answer, Position } from '../../src/core/types.ts';

const corpus = join(REPO_ROOT, 'data', 'corpus');
const cache = mkdtempSync(join(tmpdir(), 'crux-issue12-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
const engine = openEngine({ corpus, cacheDir: cache });
const ask = (q: string): Answer => engine.ask(q);
const sided = (p: Position) => !['unclear', 'mixed'].includes(p.stance);
const holding = (a: Answer, words: string) => a.positions.filter((p) => p.passages.some((h) => h.text.includes(words)));
const allText = readdirSync(corpus).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(corpus, f), 'utf8')).join('\n');

describe('issue 12: sides a user can trust on the seed corpus', () => {
  it('"is sycophancy caused by RLHF": no "no" position holds "caused by RL" or "I think it’s RL", and no notice says every position answers no', () => {
    const a = ask('is sycophancy caused by RLHF');
    for (const words of ['was caused by RL', 'I think it’s RL']) for (const p of holding(a, words)) expect(p.stance).not.toBe('no');
    expect(a.notices.join(' ')).not.toMatch(/every position/i);
  });

  it('"should labs filter AI risk discussion out of pretraining data": no "no" rests on "stop", nor holds a passage arguing for filtering', () => {
    const a = ask('should labs filter AI risk discussion out of pretraining data');
    for (const p of a.positions) expect(p.stanceCue ?? '').not.toBe('stop');
    for (const p of holding(a, 'the onus is on the AI labs to filter out the data')) expect(p.stance).not.toBe('no');
  });

  it('"does talking about AI risk make it more likely": passages saying "don’t self-censor" are never on opposite sides', () => {
    const a = ask('does talking about AI risk make it more likely');
    const sides = new Set(a.positions.filter(sided).filter((p) => p.passages.some((h) => /self-?\)?censor/i.test(h.text))).map((p) => p.stance));
    expect(sides.size).toBeLessThanOrEqual(1);
  });

  it('"is simulator theory a correct way to understand LLMs": the quote line "… straightforwardly incorrect" is on no side, and the reply "This doesn’t mean anything …" answering it is "yes"', () => {
    const a = ask('is simulator theory a correct way to understand LLMs');
    for (const p of holding(a, 'Simulator theory is straightforwardly incorrect')) expect(sided(p)).toBe(false);
    expect(holding(a, 'prediction is simulation').map((p) => p.stance)).toEqual(['yes']);
  });

  it('"RL causes sycophancy": "against" never holds "caused by RL", "for" never holds "turns out to be false"', () => {
    const a = ask('RL causes sycophancy');
    for (const p of holding(a, 'caused by RL')) expect(p.stance).not.toBe('against');
    for (const p of holding(a, 'turns out to be false')) expect(p.stance).not.toBe('for');
  });

  it('labels each position with a whole sentence or clause of a passage shown under it, and quotes its cue from the first one', () => {
    for (const q of ['is hyperstition real', 'is sycophancy caused by RLHF', 'RL causes sycophancy', 'is simulator theory a correct way to understand LLMs']) {
      for (const p of ask(q).positions) {
        expect(allText).toContain(p.label);
        expect(p.label).not.toMatch(/…/);
        // Whole: it starts a sentence or clause, and ends one.
        const at = allText.indexOf(p.label);
        expect(at === 0 || /[\s\n]$/.test(allText.slice(at - 1, at))).toBe(true);
        expect(p.label).toMatch(/([.!?:”")\]]|\w)$/);
        const after = allText.slice(at + p.label.length, at + p.label.length + 1);
        expect(after === '' || /[\s.,;:!?—–”")\]]/.test(after)).toBe(true);
        if (p.stanceCue) expect(p.passages[0].text.replace(/ …$/, '')).toContain(p.stanceCue.replace(/ …$/, ''));
      }
    }
  });
});
