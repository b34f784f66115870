import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, crux, cruxHere, fixtureCopy, REPO, tempDir } from './helpers.ts';
import { runIndex } from '../../src/cli/indexer.ts';

// The CLI as a user runs it: `node bin/crux.mjs …` in a subprocess, its index in a temp cache folder.
// Checks of options and messages that need no real process run main() in-process (cruxHere), to keep the suite light.
let corpus: string;
let cacheDir: string;
const run = (args: string[], o: { input?: string; env?: Record<string, string> } = {}) => crux(args, { cacheDir, ...o });
const here = (args: string[], o: { env?: Record<string, string> } = {}) => cruxHere(args, { cacheDir, ...o });

beforeAll(() => {
  corpus = fixtureCopy('rank');
  cacheDir = join(tempDir(), 'cache');
});

const ESC = '\u001b';

describe('crux on the command line', () => {
  it('prints usage for --help, with every flag and the exit codes, and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--corpus', '--format', '--limit', '--json', '--batch', '--no-color', '--help', '--version', 'crux index']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Exit codes: 0 answered; 2 usage error or empty query; 3 .*skipped.*; 4 no corpus/s);
  });

  it('prints the package version for --version and exits 0', () => {
    const r = run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  });

  it('answers a topic with numbered verbatim passages and their source, then exits 0', () => {
    const r = run(['--corpus', corpus, 'hyperstition', 'prophecy']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^\d+\. /.test(l))).toEqual([
      '1. “Hyperstition is a prophecy that makes itself true: writing about a future helps to bring it about.”',
      // A long passage shows its sentences about the topic, cut with "…", so an answer fits a screen (--full shows all).
      '2. “… lighthouse keepers, the price of fish, the habits of gulls, the shape of the coastline, and the tides that come and go each day, the author finally mentions hyperstition as a kind of prophecy.”',
      expect.stringMatching(/^3\. “Some prophecy fails/),
    ]);
    expect(r.stdout).toContain('\n   — debate\n'); // the source, once for the quotes that share it
    expect(r.stdout).not.toContain('[debate:L1]'); // ids only with --ids
    expect(r.stdout).not.toContain(ESC); // not a terminal: no colours
  });

  it('fixes a typo on the command line and says so', async () => {
    const r = await here(['--corpus', corpus, 'hypersticion']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Did you mean: hyperstition?');
  });

  it('shows only --limit N passages', async () => {
    const r = await here(['--corpus', corpus, '--json', '--limit', '1', 'hyperstition prophecy']);
    expect(JSON.parse(r.stdout).passages.map((p: { id: string }) => p.id)).toEqual(['debate:L1']);
  });

  it('exits 2 with a clear message for a bad --limit, an unknown option or an empty topic', async () => {
    for (const [args, message] of [
      [['--limit', '0', 'agency'], '--limit must be a whole number from 1 to 50, got "0".'],
      [['--limit', 'lots', 'agency'], '--limit must be a whole number from 1 to 50, got "lots".'],
      [['--frobnicate', 'agency'], "Unknown option '--frobnicate'"],
      [[''], 'Type a topic to look up, for example: hyperstition'],
      [['   '], 'Type a topic to look up, for example: hyperstition'],
    ] as Array<[string[], string]>) {
      const r = await here(['--corpus', corpus, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('gives an error object with code EMPTY_QUERY for an empty topic with --json, and exits 2', () => {
    const r = run(['--corpus', corpus, '--json', '\u0001\u0002']);
    expect(r.code).toBe(2);
    const a = JSON.parse(r.stdout);
    expect(a).toMatchObject({ query: '', didYouMean: null, passages: [], positions: [], exchanges: [], notices: [] });
    expect(a.error).toEqual({ code: 'EMPTY_QUERY', message: expect.any(String) });
  });

  it('echoes the query exactly in --json, odd spacing and case included', () => {
    const q = '  Hyperstiton   PROPHECY ';
    const a = JSON.parse(run(['--corpus', corpus, '--json', q]).stdout);
    expect(a.query).toBe(q);
    expect(a.passages[0].id).toBe('debate:L1');
  });

  it('searches for the word "index" when it comes after --', async () => {
    const r = await here(['--corpus', corpus, '--json', '--', 'index']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).query).toBe('index');
  });

  it('reads the corpus from CRUX_CORPUS when --corpus is not given', async () => {
    const r = await here(['--json', 'agency'], { env: { CRUX_CORPUS: corpus } });
    expect(JSON.parse(r.stdout).passages.map((p: { id: string }) => p.id)).toEqual(['debate:L7']);
  });

  it('opens the prompt when given no topic, answering each line typed on standard input, history in the cache folder', () => {
    const own = join(tempDir(), 'cache');
    const r = crux(['--corpus', corpus], { cacheDir: own, input: 'agency\n:limit 1\nhyperstition prophecy\n:quit\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1. “Agency by default');
    expect(r.stdout).toContain('Showing 1 passage');
    expect(r.stdout).toContain('1. “Hyperstition is a prophecy');
    expect(r.stdout).not.toContain('2. “In a long');
    expect(readFileSync(join(own, 'history'), 'utf8')).toBe('agency\n:limit 1\nhyperstition prophecy\n');
  });

  it('stops quietly when the reader of its output goes away (crux --batch … | head -1)', async () => {
    const batch = join(tempDir(), 'many.txt');
    writeFileSync(batch, Array.from({ length: 2000 }, (_, i) => `hyperstition prophecy ${i}`).join('\n'));
    const child = spawn(process.execPath, [CLI, '--corpus', corpus, '--json', '--batch', batch], {
      cwd: REPO,
      env: { ...process.env, CRUX_CACHE_DIR: cacheDir },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0]);
      });
    });
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(JSON.parse(first).query).toBe('hyperstition prophecy 0');
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(code).toBe(0);
  });
});

describe('crux --batch', () => {
  const lines = ['agency', '', '   ', '\u0001\u0002', 'hyperstiton', '\t', 'predictions'];

  it('prints one JSON answer per non-blank line with --json, an error object for a control-character line', () => {
    const batch = join(tempDir(), 'queries.txt');
    writeFileSync(batch, lines.join('\n') + '\n');
    const r = run(['--corpus', corpus, '--json', '--batch', batch]);
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((a) => a.query)).toEqual(['agency', '', 'hyperstiton', 'predictions']); // control characters are never echoed
    expect(out[0].passages[0].id).toBe('debate:L7');
    expect(out[1].error.code).toBe('EMPTY_QUERY');
    expect(out[1].passages).toEqual([]);
    expect(out[2].didYouMean).toBe('hyperstition');
    expect(out[3].passages.map((p: { id: string }) => p.id)).toEqual(['debate:L5', 'debate:L6']);
  });

  it('reads the queries from standard input with "-", Windows line endings too, readable without --json', () => {
    const r = run(['--corpus', corpus, '--batch', '-'], { input: 'agency\r\n\u0001\r\npredictions\r\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## agency\n1. “Agency by default');
    expect(r.stdout).toContain('## predictions\n1. “Yudkowsky predicted');
    expect(r.stdout).toContain('Type a topic to look up');
    expect(r.stdout).not.toContain('\r');
  });

  it('exits 2 naming the batch file when it cannot be read', async () => {
    const missing = join(tempDir(), 'missing.txt');
    const r = await here(['--corpus', corpus, '--batch', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cannot read batch file ${missing}`);
    expect(r.stdout).toBe('');
  });
});

describe('hostile queries', () => {
  const hostile = [
    'x'.repeat(10_000),
    Array.from({ length: 1500 }, (_, i) => ['hyperstition', 'prophecy', 'the', 'agency'][i % 4]).join(' ').slice(0, 10_000),
    '\u0007\u001b[31mred\u001b[0m hyperstition',
    'hyperstition\u0000prophecy',
    '😀',
    'hyperstition 😀🔥',
    '.*+?(',
    '**',
    '[',
    '[link](javascript:alert(1)) `code` _x_ ~~y~~ > quote',
    '\\d+$ ^ | {2,} (?<n>a)',
    '<script>alert(1)</script>',
    '\u202eevil\u202c hyperstition',
    'ＨＹＰＥＲＳＴＩＴＩＯＮ',
    "'; DROP TABLE passages; --",
  ];

  it('each get a JSON answer or a clear error object, never a crash', () => {
    const batch = join(tempDir(), 'hostile.txt');
    writeFileSync(batch, hostile.join('\n') + '\n');
    const r = run(['--corpus', corpus, '--json', '--batch', batch]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /i);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // Echoed as typed, less terminal escapes, control characters and bidi overrides.
    const echoed = hostile.map((q) =>
      q === '\u0007\u001b[31mred\u001b[0m hyperstition' ? 'red hyperstition'
      : q === 'hyperstition\u0000prophecy' ? 'hyperstitionprophecy'
      : q === '\u202eevil\u202c hyperstition' ? 'evil hyperstition'
      : q,
    );
    expect(out.map((a) => a.query)).toEqual(echoed);
    for (const a of out) {
      expect(Array.isArray(a.passages)).toBe(true);
      expect(a.passages.length > 0 || a.notices.length > 0 || a.error).toBeTruthy();
    }
    const byQuery = new Map(out.map((a) => [a.query, a]));
    expect(byQuery.get('hyperstition 😀🔥').passages[0].id).toBe('debate:L1');
    expect(byQuery.get('ＨＹＰＥＲＳＴＩＴＩＯＮ').passages[0].id).toBe('debate:L1');
    expect(byQuery.get('red hyperstition').passages.length).toBeGreaterThan(0);
  });

  it('never let control characters from the query reach the terminal', () => {
    const r = run(['--corpus', corpus, '\u001b\u0007hypersticion\u0008 \u009b']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('Hyperstition is a prophecy');
  });
});

describe('crux index', () => {
  it('rebuilds the saved index for --corpus, says how many passages went in, and later runs use it quietly', () => {
    const own = join(tempDir(), 'cache');
    const r = crux(['index', '--corpus', corpus], { cacheDir: own });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Indexed 7 passages \(0 duplicates folded\) from 1 files? in [\d,]+ ms → .*index-[0-9a-f]+\.bin$/m);
    expect(readdirSync(own).filter((f) => /^index-[0-9a-f]+\.bin$/.test(f))).toHaveLength(1);
    const q = crux(['--corpus', corpus, 'agency'], { cacheDir: own });
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('rebuilds even when the saved index is fresh', async () => {
    const own = join(tempDir(), 'cache');
    await cruxHere(['index', '--corpus', corpus], { cacheDir: own });
    const file = join(own, readdirSync(own).find((f) => f.endsWith('.bin'))!);
    const before = readFileSync(file);
    const r = await cruxHere(['index', '--corpus', corpus], { cacheDir: own });
    expect(r.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(false); // a new build time
  });

  it('shows progress while indexing a large corpus', async () => {
    const big = join(tempDir(), 'big');
    const lines = Array.from({ length: 20_000 }, (_, i) => `Passage ${i} is about word${i % 997} and topic${i % 313}.`);
    mkdirSync(big);
    writeFileSync(join(big, 'big.txt'), lines.join('\n') + '\n');
    // Progress is paced by time; with no pacing every step prints, so the test does not depend on machine speed.
    const err: string[] = [];
    const code = await runIndex({
      corpus: [big],
      cacheDir: join(tempDir(), 'cache'),
      io: { out: () => {}, err: (s) => err.push(s) },
      progressTiming: { showAfterMs: 0, lineEveryMs: 0 },
    });
    const stderr = err.join('\n');
    expect(code).toBe(0);
    // Progress lines count up to the total ("5,000/20,000 passages"), then the summary.
    const counts = [...stderr.matchAll(/([\d,]+)\/20,?000 passages/g)].map((m) => Number(m[1].replace(/,/g, '')));
    expect(counts.some((n) => n < 20_000)).toBe(true);
    expect(counts.at(-1)).toBe(20_000);
    expect(stderr).toMatch(/^Indexed 20,?000 passages/m);
  });

  it('exits 4 when the corpus to index does not exist', async () => {
    const r = await cruxHere(['index', '--corpus', join(tempDir(), 'nothing-here')], { cacheDir: join(tempDir(), 'cache') });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no such file or folder');
  });
});
