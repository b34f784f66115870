import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { README, sampleOutput, samplesIn } from '../../scripts/docs/samples.ts';
import { tempDir } from '../cli/helpers.ts';

const REGENERATE = 'node --import tsx scripts/docs/samples.ts';

describe("the README's sample answer", () => {
  const samples = samplesIn(readFileSync(README, 'utf8'));

  it('is there, and shows passages, positions and exchanges', () => {
    expect(samples).toHaveLength(1);
    expect(samples[0]!.shown).toMatch(/^1\. “/);
    expect(samples[0]!.shown).toMatch(/^Positions$/m);
    expect(samples[0]!.shown).toMatch(/^Exchanges/m);
  });

  it.each(samples.map((s) => [s.args.join(' '), s]))('is what `crux %s` prints today', (_args, sample) => {
    const actual = sampleOutput(sample.args, tempDir('crux-samples-'));
    // On a change to ranking, positions or rendering, check the new answer reads well, then regenerate it.
    // The diff's + lines are what crux prints now.
    expect(actual, `README.md's sample is stale; if the new output is right, run: ${REGENERATE}`).toBe(sample.shown);
  });
});

describe('finding samples in markdown', () => {
  it('reads the command from the marker and needs the block to repeat it', () => {
    const md = '<!-- sample: crux a --limit 1 -->\n```text\n$ crux a --limit 1\nline 1\nline 2\n```\n';
    expect(samplesIn(md).map((s) => [s.args, s.shown])).toEqual([[['a', '--limit', '1'], 'line 1\nline 2']]);
    expect(samplesIn(md.replace('$ crux a', '$ crux b'))).toEqual([]);
  });
});
