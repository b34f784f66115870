import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { corpusTexts, cruxHere, isVerbatim, REPO, tempDir } from './helpers.ts';

// An answer in a terminal fits one screen (80 columns, 40 rows) over the bundled corpus; --full, --ids and --limit
// show more. Rows are counted as a terminal wraps them: a line of 81 to 160 columns takes two.
const bundled = join(REPO, 'data', 'corpus');
const texts = corpusTexts(bundled);
let cacheDir: string;
const crux = async (...args: string[]) => (await cruxHere(['--corpus', bundled, ...args], { cacheDir })).stdout.trimEnd();

beforeAll(() => {
  cacheDir = tempDir();
});

/** Columns a character takes in a terminal: two for wide (CJK, fullwidth, most emoji), else one. */
const wide = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}]/u;
function rowsAt(text: string, columns: number): number {
  return text.split('\n').reduce((n, line) => {
    const width = [...line].reduce((w, ch) => w + (wide.test(ch) ? 2 : 1), 0);
    return n + Math.max(1, Math.ceil(width / columns));
  }, 0);
}

/** The quoted text of each quote line (“…”) of an answer: passages, position quotes, claims and replies. */
const quotes = (out: string) =>
  out
    .split('\n')
    .filter((l) => /^(\d+\. |   (Claim|Reply)[^:]*: |   )“/.test(l))
    .map((l) => l.slice(l.indexOf('“') + 1, l.lastIndexOf('”')));

describe('an answer in a terminal', () => {
  it('counts rows as a terminal wraps them', () => {
    expect(rowsAt('x'.repeat(80), 80)).toBe(1);
    expect(rowsAt('x'.repeat(81) + '\n\n' + '漢'.repeat(41), 80)).toBe(5);
  });

  it('fits one screen: crux hyperstition takes at most 40 rows at 80 columns', async () => {
    const out = await crux('hyperstition');
    expect(rowsAt(out, 80), out).toBeLessThanOrEqual(40);
    expect(out).toMatch(/^Positions$/m);
    expect(out).toMatch(/^Exchanges/m);
  });

  it('is short with --limit 1: one passage, and at most 30 rows', async () => {
    const out = await crux('hyperstition', '--limit', '1');
    expect(out.split('\n').filter((l) => /^\d+\. “/.test(l))).toHaveLength(1);
    expect(rowsAt(out, 80), out).toBeLessThanOrEqual(30);
  });

  it('names a source once for the quotes that follow it, without links or passage ids', async () => {
    const out = await crux('hyperstition');
    const sourceLines = out.split('\n').filter((l) => /^\s+— /.test(l));
    expect(sourceLines.length).toBeGreaterThan(0);
    expect(sourceLines.length).toBeLessThan(quotes(out).length);
    expect(out).not.toMatch(/https?:|\[\w+:L\d+\]/);
  });

  it('quotes only verbatim text, with … at each cut', async () => {
    const shown = quotes(await crux('hyperstition'));
    expect(shown.length).toBeGreaterThanOrEqual(9);
    for (const q of shown) expect(isVerbatim(q, texts), q).toBe(true);
  });

  it('says how to see the rest when it left something out', async () => {
    expect((await crux('hyperstition')).split('\n').at(-1)).toBe('Whole answer: --full · more passages: --limit N');
  });

  it('shows every passage whole with --full, as --json gives them, and more quotes per position', async () => {
    const json = JSON.parse(await crux('--json', 'hyperstition'));
    const full = await crux('--full', 'hyperstition');
    const compact = await crux('hyperstition');
    const passages = full.split('\n').filter((l) => /^\d+\. “/.test(l)).map((l) => l.slice(l.indexOf('“') + 1, -1));
    expect(passages).toEqual(json.passages.map((p: { text: string }) => p.text));
    expect(quotes(full).length).toBeGreaterThan(quotes(compact).length);
    expect(full).not.toContain('Whole answer: --full');
  });

  it('shows each passage id with --ids', async () => {
    const json = JSON.parse(await crux('--json', 'hyperstition'));
    const out = await crux('--ids', 'hyperstition');
    expect(json.passages.length).toBeGreaterThan(0);
    for (const p of json.passages) expect(out).toContain(`”  [${p.id}]`);
  });
});
