import { describe, expect, it } from 'vitest';
import { Bm25Builder } from '../../src/search/bm25-build.ts';
import type { IndexData } from '../../src/search/bm25.ts';

const TEXTS = [
  'Pre-training and post-training: the state-of-the-art in RLHF-style fine-tuning.',
  'A five-part-hyphen-chain-here is a list, not a compound; so is -leading and trailing- and double--hyphen.',
  'UPPER lower MiXeD 2024 covid19 x86-64 The THE the a an of.',
  'Café au lait, naïve “quotes” — pre‐training with U+2010, and pre-training with a hyphen-minus.',
  'pre-training again, and the word café in ASCII company: cafe.',
  '',
  '---',
  'hyperstition hyperstition hyperstition prophecy',
  'Decomposed cafe\u0301 and café, a mark alone \u0301abc, naïve-café, pre\u2011training, 𝐀𝐁c and ٣٤ digits.',
  'It’s “curly” — and – dashes… → arrows; x-ray-vision-goggles-on is five parts, a-b two.',
];

const plain = (d: IndexData) => ({
  terms: d.terms.all(),
  offsets: [...d.offsets],
  docs: [...d.docs],
  tfs: [...d.tfs],
  docLen: [...d.docLen],
  words: d.words.all(),
  wordDf: [...d.wordDf],
});

function build(ascii: boolean): IndexData {
  const b = new Bm25Builder(ascii);
  for (const t of TEXTS) b.add(t);
  return b.finish();
}

describe('the BM25 builder', () => {
  it('reads words without a string each into the same index as reading them word by word', () => {
    const fast = plain(build(true));
    expect(fast).toEqual(plain(build(false)));
    // The compounds are there, closed up; the five-part chain is not one.
    expect(fast.words).toContain('pre-training');
    expect(fast.words).toContain('state-of-the-art');
    expect(fast.words).toContain('x86-64');
    expect(fast.words).not.toContain('five-part-hyphen-chain-here');
    expect(fast.words).toContain('café');
    expect(fast.terms).toContain('pretrain');
  });
});
