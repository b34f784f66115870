import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crux, cruxHere, fixtureCopy, tempDir } from './helpers.ts';

// What programs read from crux: with --json, every outcome is JSON on stdout (failures too); in batch text mode, the
// headings and notices that echo a query carry no terminal escapes, control characters or lone surrogates.
let corpus: string;
let cacheDir: string;
const here = (args: string[], env?: Record<string, string>) => cruxHere(args, { cacheDir, env });

beforeAll(() => {
  corpus = fixtureCopy('rank');
  cacheDir = join(tempDir(), 'cache');
});

/** Characters that would act on a terminal or break a strict UTF-8 reader, rather than show. */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('every failure with --json', () => {
  const missingCorpus = () => join(tempDir(), 'no-such-corpus');
  const cases: Array<[string, () => string[], number, string]> = [
    ['a corpus that cannot be loaded', () => ['--corpus', missingCorpus(), 'hyperstition'], 4, 'NO_CORPUS'],
    ['a --limit out of range', () => ['--corpus', corpus, '--limit', '99', 'hyperstition'], 2, 'BAD_OPTION'],
    ['an unknown option', () => ['--corpus', corpus, '--colour', 'hyperstition'], 2, 'BAD_OPTION'],
    ['a batch file that cannot be read', () => ['--corpus', corpus, '--batch', join(tempDir(), 'missing.txt')], 2, 'BAD_OPTION'],
    ['no topic and no batch', () => ['--corpus', corpus], 2, 'BAD_OPTION'],
    ['an empty topic', () => ['--corpus', corpus, '\u0001'], 2, 'EMPTY_QUERY'],
  ];

  it.each(cases)('is a JSON object with "error" on stdout: %s', async (_what, args, exit, code) => {
    const r = await here(['--json', ...args()]);
    expect(r.code).toBe(exit);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).error).toEqual({ code, message: expect.stringMatching(/\w/) });
  });

  it('is a JSON object on stdout from the real command too, for a missing corpus (exit 4)', () => {
    const r = crux(['--json', '--corpus', missingCorpus(), 'hyperstition'], { cacheDir });
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).error.code).toBe('NO_CORPUS');
  });

  it('names an unknown corpus among declared ones in the error object', async () => {
    const corpora = join(tempDir(), 'corpora.json');
    writeFileSync(corpora, JSON.stringify({ corpora: { seed: { paths: [corpus] } } }));
    const r = await here(['--json', '--corpus', 'seed,nope', 'hyperstition'], { CRUX_CORPORA: corpora });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toContain('nope');
  });
});

describe('queries echoed back', () => {
  it('in batch text headings carry no terminal escape sequence (a window title, a colour)', () => {
    const r = crux(['--corpus', corpus, '--batch', '-'], { cacheDir, input: '\u001b]0;pwned\u0007\nhyper\u001b[31mstition\u001b[0m\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(UNPRINTABLE);
    expect(r.stdout).not.toContain('pwned');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('## '))).toEqual(['## ', '## hyperstition']);
  });

  it('in JSON and notices carry no lone surrogate or control character', async () => {
    const q = 'xq\ud800zzy \u001b[2Jqwvvk\udc00\u0007';
    const r = await here(['--json', '--corpus', corpus, '--', q]);
    const a = JSON.parse(r.stdout);
    expect(a.query).toBe('xqzzy qwvvk');
    expect(a.notices).toEqual(['Nothing in the corpus mentions "xqzzy", "qwvvk".']);
    for (const text of [a.query, ...a.notices]) expect(text).not.toMatch(UNPRINTABLE);
  });
});
