import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSnapshot, createEngine, DEFAULT_CORPUS, openEngine, REPO_ROOT } from '../../src/core/engine.ts';
import { foldedHash, streamBuild, type StreamBuildOptions } from '../../src/core/build.ts';
import { fold } from '../../src/core/text.ts';
import { hashString } from '../../src/search/tables.ts';
import { saveSnapshot } from '../../src/search/snapshot.ts';
import { readText } from '../../src/corpus/load.ts';
import { eachLines } from '../../src/corpus/lines.ts';
import { tempDir } from '../helpers/temp.ts';

/** The index file of a corpus built in memory and saved, and the one the streaming build writes (same build time). */
function bothBuilds(corpus: string, opts: Partial<StreamBuildOptions> = {}) {
  const dir = tempDir();
  const memory = buildSnapshot([corpus]);
  memory.builtAt = '2026-12-03T00:00:00.000Z';
  saveSnapshot(join(dir, 'memory.bin'), memory);
  const streamed = streamBuild([corpus], join(dir, 'streamed.bin'), { fingerprint: memory.fingerprint, builtAt: memory.builtAt, ...opts });
  return { memory, streamed: streamed.snap, memoryFile: readFileSync(join(dir, 'memory.bin')), streamedFile: readFileSync(join(dir, 'streamed.bin')) };
}

const answers = (ask: (q: string) => unknown, queries: string[]) => queries.map(ask);

/** A JSON Lines export with what a reader must get right, line by line: every kind of line the streaming read sees. */
function awkwardJsonl(dir: string): string {
  const rec = (o: object) => JSON.stringify(o);
  const long = 'Forecasting is hard because the forecasts change what they forecast. '.repeat(40);
  const lines = [
    rec({ id: 'p1', thread: 't1', author: 'ada', date: '2024-01-02', title: 'Hyperstition', text: 'Hyperstition is a prophecy that fulfils itself.\n\nA second paragraph about belief and markets.' }),
    rec({ id: 'p2', thread: 't1', parent: 'p1', author: 'bo', text: '> Hyperstition is a prophecy that fulfils itself.\n\nI doubt that a prophecy can do any such thing.' }),
    '{"id": "broken", "text": ',
    rec({ id: 'p3', thread: 't1', parent: 'p2', author: 'ada', score: 4, text: 'Hyperstition is a prophecy that fulfils itself.' }),
    '',
    rec({ id: 'p4', thread: 't2', author: 'cy', text: long }),
    rec({ id: 'nothing', author: 'cy' }),
    rec({ id: 'p5', thread: 't2', parent: 'p4', author: 'bo', text: 'Markets price beliefs, and beliefs move markets.' }),
    '[1, 2]',
    rec({ id: 'p5', thread: 't2', author: 'dee', text: 'A second record with the same id as another.' }),
    // Copies whose folded forms meet only after folding: typographic quotes against ASCII ones, spacing, case.
    rec({ id: 'p6', text: 'It’s the  `same` words, Folded.' }),
    rec({ id: 'p7', text: "  it's the same\twords, folded.  ".replace('same', "'same'") }),
  ];
  const path = join(dir, 'forum.jsonl');
  // A byte-order mark, Windows line endings on some lines, and a byte that is not UTF-8 in one record's text.
  const text = '\uFEFF' + lines.map((l, i) => (i % 3 === 1 ? `${l}\r\n` : `${l}\n`)).join('');
  const bytes = Buffer.from(text);
  const at = bytes.indexOf('beliefs move');
  bytes[at] = 0xff;
  writeFileSync(path, bytes);
  return path;
}

describe('The streaming index build', () => {
  it('writes, byte for byte, the file a build in memory writes, for the bundled corpus', () => {
    const b = bothBuilds(DEFAULT_CORPUS);
    expect(b.streamedFile.length).toBeGreaterThan(100_000);
    expect(b.streamedFile.equals(b.memoryFile)).toBe(true);
  });

  it('writes the same file as a build in memory for every fixture format (exports, quotes, copies, skipped lines)', () => {
    const b = bothBuilds(join(REPO_ROOT, 'test', 'fixtures'));
    expect(b.memory.problems.length).toBeGreaterThan(0);
    expect(b.memory.store.s.quotedIn.values.length).toBeGreaterThan(0);
    expect(b.memory.store.s.copies.values.length).toBeGreaterThan(0);
    expect(b.streamedFile.equals(b.memoryFile)).toBe(true);
  });

  it('reads a JSON Lines file in chunks of lines into the same index as reading it whole', () => {
    const dir = tempDir();
    const path = awkwardJsonl(dir);
    // Every file streamed, 64 bytes at a time: lines longer than a chunk, and chunks ending mid-character.
    let reads = 0;
    const b = bothBuilds(dir, { streamBytes: 0, chunkBytes: 64, onLoad: () => reads++ });
    // Reading progress comes after each chunk: many for one file, so the file was not read whole.
    expect(reads).toBeGreaterThan(5);
    expect(b.memory.problems.map((p) => p.line)).toEqual([8, 3, 7, 9]);
    expect(b.memory.store.s.quotedIn.values.length).toBe(1);
    expect(b.memory.passages.find((p) => p.id === 'p7')?.dupOf).toBe('p6');
    expect(b.streamedFile.equals(b.memoryFile)).toBe(true);
    const queries = ['hyperstition', 'markets beliefs', 'forecasting', 'prophecy'];
    const ask = (s: typeof b.memory) => (q: string) => {
      const { tookMs: _t, ...a } = createEngine(s, { indexPath: '', indexBytes: null }).ask(q, { limit: 10 });
      return a;
    };
    expect(answers(ask(b.streamed), queries)).toEqual(answers(ask(b.memory), queries));
  });

  it('hashes the folded form of a text without folding it, as hashing the folded text does', () => {
    const texts = ['Plain words.', '  Leading and trailing  ', 'Tabs\tand\nnew\r\nlines', 'Back`ticks` and CAPS', '', ' ', 'It’s “curly”', 'café'];
    for (const t of texts) expect(foldedHash(t), JSON.stringify(t)).toBe(hashString(fold(t)));
    expect(foldedHash('a b')).not.toBe(foldedHash('ab'));
    // Random strings of ASCII, typographic punctuation, arrows, and what folds with its neighbours (marks, ´, ligatures).
    const chars = [' ', '\t', '\n', 'a', 'B', '`', "'", '-', ...Array.from({ length: 0x50 }, (_, i) => String.fromCharCode(0x2010 + i))];
    chars.push(...Array.from({ length: 0x70 }, (_, i) => String.fromCharCode(0x2190 + i)), '´', 'é', 'e\u0301', 'Σ', '\u00a0', '\u2028', '\u0338', 'ﬁ');
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % chars.length;
    for (let t = 0; t < 20_000; t++) {
      const s = Array.from({ length: t % 8 }, () => chars[next()]).join('');
      expect(foldedHash(s), JSON.stringify(s)).toBe(hashString(fold(s)));
    }
  });

  it('splits a file into the lines and bad-byte lines reading it whole gives, whatever the chunk size', () => {
    const dir = tempDir();
    const path = awkwardJsonl(dir);
    const whole = readText(path);
    if ('error' in whole) throw new Error(whole.error);
    const wholeLines = whole.text.split(/\r?\n/);
    expect(whole.warnings.map((w) => w.line)).toEqual([8]);
    for (const chunk of [1, 7, 64, 1000, 1 << 20]) {
      const lines: string[] = [];
      const r = eachLines(path, (ls, first) => {
        expect(first).toBe(lines.length + 1);
        lines.push(...ls);
      }, chunk);
      expect(r, `chunk ${chunk}`).toEqual({ badLines: [8] });
      expect(lines, `chunk ${chunk}`).toEqual(wholeLines);
    }
  });

  it('is what crux index runs: the engine it opens answers as one loading the saved file', () => {
    const dir = tempDir();
    awkwardJsonl(dir);
    const cacheDir = join(tempDir(), 'cache');
    const built = openEngine({ corpus: dir, cacheDir, rebuild: true });
    const loaded = openEngine({ corpus: dir, cacheDir });
    expect(loaded.stats.builtAt).toBe(built.stats.builtAt);
    const strip = (e: typeof built) => (q: string) => {
      const { tookMs: _t, ...a } = e.ask(q);
      return a;
    };
    const queries = ['hyperstition', 'markets', 'prophecy doubt'];
    expect(answers(strip(built), queries)).toEqual(answers(strip(loaded), queries));
    expect(built.ask('hyperstition').passages.length).toBeGreaterThan(0);
  });
});
