import { describe, expect, it } from 'vitest';
import { misspelt } from '../../src/cli/eval.ts';

describe('the typo variants npm run eval scores', () => {
  it('misspell the longest word of a query by one letter dropped, two swapped or one changed, in turn', () => {
    expect(misspelt('alignment faking', 0)).toBe('aligment faking');
    expect(misspelt('alignment faking', 1)).toBe('aligmnent faking');
    expect(misspelt('alignment faking', 2)).toBe('aligement faking');
  });

  it('leave a query without a word of five letters or more as it is', () => {
    expect(misspelt('RL vs SFT', 0)).toBe('RL vs SFT');
  });
});
