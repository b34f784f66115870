import { describe, expect, it } from 'vitest';
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSnapshot, corpusFingerprint, openEngine, type Engine } from '../../src/core/engine.ts';
import { FORMAT_VERSION, loadSnapshot, saveSnapshot, SnapshotError } from '../../src/search/snapshot.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { fixtureCopy, tempDir } from '../cli/helpers.ts';

const QUERIES = ['hyperstition prophecy', 'predictions', 'hyperstiton', 'agency'];

/** Opens the rank fixture corpus with its index in `cacheDir`, collecting notices. */
function open(corpus: string, cacheDir: string): { engine: Engine; notices: string[] } {
  const notices: string[] = [];
  const engine = openEngine({ corpus, cacheDir, onNotice: (m) => notices.push(m) });
  return { engine, notices };
}

/** The saved index files in a cache folder (other caches may sit beside them). */
const indexFiles = (dir: string) => readdirSync(dir).filter((f) => /^index-[0-9a-f]+\.bin$/.test(f));

const answers = (e: Engine) => QUERIES.map((q) => e.ask(q, { limit: 10 })).map(({ tookMs: _t, ...a }) => a);

function setup() {
  const corpus = fixtureCopy('rank');
  const cacheDir = join(tempDir(), 'cache');
  const first = open(corpus, cacheDir);
  // Its answers now: a built engine, like a loaded one, reads passage texts from its file, which tests then damage.
  const expected = answers(first.engine);
  return { corpus, cacheDir, first: first.engine, firstNotices: first.notices, path: first.engine.stats.indexPath, expected };
}

/** Rewrites the header of a saved index (what an older or newer Crux would have written). */
function rewriteHeader(path: string, change: (h: Record<string, unknown>) => void) {
  const file = readFileSync(path);
  const magic = 8;
  const hlen = file.readUInt32LE(magic);
  const header = JSON.parse(file.subarray(magic + 4, magic + 4 + hlen).toString());
  change(header);
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  writeFileSync(path, Buffer.concat([file.subarray(0, magic), len, h, file.subarray(magic + 4 + hlen)]));
}

describe('the saved index', () => {
  it('is built once, saved in the cache folder, and loaded the next time without any notice', () => {
    const { corpus, cacheDir, first, firstNotices, path } = setup();
    expect(firstNotices).toEqual([]);
    expect(statSync(path).size).toBe(first.stats.indexBytes);
    expect(indexFiles(cacheDir)).toEqual([path.split('/').pop()]);
    expect(readdirSync(cacheDir).filter((f) => /\.(tmp|texts)$/.test(f))).toEqual([]); // no temp files left behind
    const again = open(corpus, cacheDir);
    expect(again.notices).toEqual([]);
    expect(again.engine.stats.builtAt).toBe(first.stats.builtAt);
  });

  it('gives back every passage exactly as built: text, source, thread, reply and score', () => {
    const dir = tempDir();
    const corpus = join(dir, 'thread.jsonl');
    const records = [
      { id: 'a', text: 'Naïve “curly” text — with an emoji 🙂 and 日本語.', author: 'Ann', title: 'T', url: 'https://x.test/a', date: '2025-01-02', thread: 't1', score: 7 },
      { id: 'b', text: 'First paragraph of a reply.\n\nSecond paragraph of it.', author: 'Bo', thread: 't1', parent: 'a' },
      { id: 'c', text: 'Naïve “curly” text — with an emoji 🙂 and 日本語.', author: 'Cy', thread: 't2' },
      { id: 'd', text: 'A lone surrogate \uD800 that UTF-8 cannot carry.', thread: 't2' }, // JSON escapes can make one
    ];
    writeFileSync(corpus, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'notes.txt'), 'A line of a plain file.\nAnd another.\n');
    const built = buildSnapshot([dir]);
    const path = join(dir, 'cache', 'index.bin');
    saveSnapshot(path, built);
    const loaded = loadSnapshot(path, built.fingerprint);
    const original = loadCorpus([dir]).passages;
    expect([...built.passages]).toStrictEqual(original);
    expect([...loaded.passages]).toStrictEqual(original);
    expect(loaded.passages.some((p) => p.dupOf)).toBe(true); // the copy in thread t2 kept its link
    expect(loaded.passages.find((p) => p.text.includes('Second'))?.parent).toBe('a');
    expect(loaded.passages.find((p) => p.id === 'd')?.text).toBe('A lone surrogate \uD800 that UTF-8 cannot carry.');
  });

  it('gives exactly the same answers after loading as right after building', () => {
    const { corpus, cacheDir, first } = setup();
    expect(answers(open(corpus, cacheDir).engine)).toEqual(answers(first));
  });

  it('is rebuilt with a one-line notice when the file is truncated, and answers the same', () => {
    const { corpus, cacheDir, path, expected } = setup();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const r = open(corpus, cacheDir);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(/^Rebuilding the index: .*truncated/);
    expect(r.notices[0]).not.toContain('\n');
    expect(answers(r.engine)).toEqual(expected);
    // The rebuilt file is whole again: the next start is quiet.
    expect(open(corpus, cacheDir).notices).toEqual([]);
  });

  it('is rebuilt when it comes from another format version, saying which', () => {
    const { corpus, cacheDir, path, expected } = setup();
    rewriteHeader(path, (h) => {
      h.format = FORMAT_VERSION - 1;
    });
    const r = open(corpus, cacheDir);
    expect(r.notices).toEqual([`Rebuilding the index: saved index is format ${FORMAT_VERSION - 1}, this Crux reads format ${FORMAT_VERSION}.`]);
    expect(answers(r.engine)).toEqual(expected);
  });

  it('is rebuilt when a corpus file changes, and the new text is found', () => {
    const { corpus, cacheDir, path } = setup();
    appendFileSync(join(corpus, 'debate.txt'), 'Lighthouses guided the ships home through the fog.\n');
    const r = open(corpus, cacheDir);
    expect(r.notices).toEqual(['Rebuilding the index: corpus changed since the index was built.']);
    expect(r.engine.ask('lighthouses fog').passages[0].text).toBe('Lighthouses guided the ships home through the fog.');
    expect(r.engine.stats.indexPath).toBe(path);
  });

  it('is rebuilt when a file is added to or removed from the corpus folder', () => {
    const { corpus, cacheDir } = setup();
    writeFileSync(join(corpus, 'more.txt'), 'A second file, about zeppelins.\n');
    const added = open(corpus, cacheDir);
    expect(added.notices).toEqual(['Rebuilding the index: corpus changed since the index was built.']);
    expect(added.engine.ask('zeppelins').passages.map((p) => p.id)).toEqual(['more:L1']);
    rmSync(join(corpus, 'more.txt'));
    const removed = open(corpus, cacheDir);
    expect(removed.notices).toHaveLength(1);
    expect(removed.engine.ask('zeppelins').passages).toEqual([]);
  });

  it('is rebuilt when its bytes were damaged, caught by the checksum', () => {
    const { corpus, cacheDir, path, expected } = setup();
    const file = readFileSync(path);
    file[file.length - 3] ^= 0xff;
    writeFileSync(path, file);
    const r = open(corpus, cacheDir);
    expect(r.notices).toEqual(['Rebuilding the index: saved index fails its checksum.']);
    expect(answers(r.engine)).toEqual(expected);
  });

  it('is rebuilt when the file is empty or not a Crux index at all', () => {
    const { corpus, cacheDir, path, expected } = setup();
    for (const junk of [Buffer.alloc(0), Buffer.from('{"not": "an index"}'), Buffer.from('CRUXIDX\n\xff\xff\xff\xff{')]) {
      writeFileSync(path, junk);
      const r = open(corpus, cacheDir);
      expect(r.notices).toHaveLength(1);
      expect(r.notices[0]).toMatch(/^Rebuilding the index: saved index (is not a Crux index file|has an unreadable header)\.$/);
      expect(answers(r.engine)).toEqual(expected);
    }
  });

  it('is never half-loaded: any damaged byte or cut anywhere in the file is refused as a whole', () => {
    const { corpus, path } = setup();
    const fingerprint = corpusFingerprint([corpus]);
    const good = readFileSync(path);
    const hlen = good.readUInt32LE(8);
    const probe = join(tempDir(), 'probe.bin');
    const refused = (buf: Buffer) => {
      writeFileSync(probe, buf);
      try {
        loadSnapshot(probe, fingerprint);
        return false;
      } catch (e) {
        expect(e).toBeInstanceOf(SnapshotError);
        return true;
      }
    };
    // The magic and length, every third byte of the header (where the section table lives), a sample of the body.
    const positions = Array.from({ length: 12 }, (_, i) => i);
    for (let i = 12; i < 12 + hlen; i += 3) positions.push(i);
    for (let i = 12 + hlen; i < good.length; i += 97) positions.push(i);
    for (const i of positions) {
      const bad = Buffer.from(good);
      bad[i] = (bad[i] + 1 + (i % 31)) & 0xff;
      expect(refused(bad), `byte ${i} changed`).toBe(true);
    }
    for (let cut = 0; cut < good.length; cut += 53) expect(refused(good.subarray(0, cut)), `cut at ${cut}`).toBe(true);
    expect(refused(good)).toBe(false);
  });

  it('still answers when the cache folder cannot be written, saying the index was not saved', () => {
    const corpus = fixtureCopy('rank');
    const blocker = join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, 'a file where the cache folder should be');
    const r = open(corpus, join(blocker, 'cache'));
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(/^Could not save the index to .*; it will be rebuilt next time\.$/);
    expect(r.engine.ask('agency').passages.map((p) => p.id)).toEqual(['debate:L7']);
  });

  it('is kept apart for different corpora sharing one cache folder', () => {
    const cacheDir = join(tempDir(), 'cache');
    const rank = open(fixtureCopy('rank'), cacheDir).engine;
    const dedup = open(fixtureCopy('dedup'), cacheDir).engine;
    expect(rank.stats.indexPath).not.toBe(dedup.stats.indexPath);
    expect(indexFiles(cacheDir)).toHaveLength(2);
    expect(rank.ask('agency').passages).toHaveLength(1);
    expect(dedup.ask('agency').passages).toHaveLength(0);
  });
});
