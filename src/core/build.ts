// The streaming indexer: reads the corpus a batch of drafts at a time (a large JSON Lines file a chunk of lines at a
// time), makes each passage, encodes it into columns, adds it to the BM25 builder and writes its text to a file, then
// lets it go. Nothing holds every passage or every text: at a million forum records the whole corpus loaded as
// passage objects before encoding took 5 GB. The file it writes is the one buildSnapshot + saveSnapshot write.
import { closeSync, openSync, unlinkSync } from 'node:fs';
import type { Passage } from './types.ts';
import { UserError } from '../errors.ts';
import { readCorpus } from '../corpus/load.ts';
import { PassageMaker, type Seen } from '../corpus/passages.ts';
import { linkQuotes } from '../corpus/quotes.ts';
import type { ReadCache } from '../corpus/cache.ts';
import { Bm25Builder } from '../search/bm25-build.ts';
import { Bm25Index } from '../search/bm25.ts';
import { U32List, U32Map } from '../search/lists.ts';
import { PassageEncoder } from '../search/passage-codec.ts';
import { PassageStore } from '../search/passage-store.ts';
import { writeSnapshot, type Snapshot } from '../search/snapshot.ts';
import { hashString } from '../search/tables.ts';
import { TextBlob } from '../search/text-blob.ts';
import { fold } from './text.ts';

export interface StreamBuildOptions {
  fingerprint: string;
  /** The build time recorded (default: now). */
  builtAt?: string;
  format?: string;
  cache?: ReadCache;
  /** Files read in chunks from this size, and the chunk size (tests: src/corpus/load.ts). */
  streamBytes?: number;
  chunkBytes?: number;
  onLoad?: (done: number, total: number, records: number) => void;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Builds the index of a corpus into `path` (atomically) and returns it opened, its texts read from the file. Throws
 * UserError when nothing could be loaded, and the file system's error when the file cannot be written.
 */
export function streamBuild(corpus: string[], path: string, o: StreamBuildOptions): { snap: Snapshot; bytes: number } {
  const textPath = `${path}.${process.pid}.texts`;
  const textFd = openSync(textPath, 'w+');
  // Removed at once where the system allows it (the open file lives on), so a build that is killed leaves nothing.
  const gone = remove(textPath);
  try {
    const enc = new PassageEncoder(new TextBlob(textFd));
    const bm25 = new Bm25Builder();
    const docPassage = new U32List(1 << 14);
    let known = 0;
    const maker = new PassageMaker(seenBy(enc), (p) => {
      enc.add(p);
      if (p.dupOf) return;
      docPassage.push(p.ord);
      bm25.add(p.text);
      if (o.onProgress && bm25.count % 5000 === 0) o.onProgress(maker.made, Math.max(known, maker.made));
    });
    const read = readCorpus(corpus, { format: o.format, onFile: o.onLoad, cache: o.cache, stream: true, streamBytes: o.streamBytes, chunkBytes: o.chunkBytes }, (drafts) => {
      enc.newBatch();
      known = maker.made + drafts.length;
      for (const d of drafts) maker.add(d);
    });
    if (maker.quoted.size) linkAll(enc, maker.quoted);
    if (docPassage.length === 0) {
      const why = read.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('; ');
      throw new UserError('NO_CORPUS', `No passages could be loaded from ${corpus.join(', ')}${why ? ` (${why})` : ''}`);
    }
    o.onProgress?.(maker.made, maker.made);
    const passages = enc.finish();
    const index = bm25.finish();
    const parts = { fingerprint: o.fingerprint, builtAt: o.builtAt ?? new Date().toISOString(), passages, index, docPassage: docPassage.toArray(), problems: read.problems };
    const written = writeSnapshot(path, parts, { fd: textFd, length: enc.text.size });
    // Opened as a load opens it: texts read from the saved file when shown.
    const fd = openSync(path, 'r');
    const store = new PassageStore(passages, { fd, offset: written.textAt, length: enc.text.size });
    const snap: Snapshot = { fingerprint: parts.fingerprint, builtAt: parts.builtAt, passages: store.array, store, docPassage: parts.docPassage, index: new Bm25Index(index), problems: parts.problems };
    return { snap, bytes: written.bytes };
  } finally {
    closeSync(textFd);
    if (!gone) remove(textPath);
  }
}

function remove(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the passage maker remembers, kept in the encoder's columns: ids and records are strings of its pool, and a
 * text seen before is found by the hash of its folded form, then compared with the text of each passage that had it.
 */
function seenBy(enc: PassageEncoder): Seen {
  const counts = new U32Map();
  const texts = new FoldedTexts(enc);
  return {
    hasId: (id) => enc.hasId(id),
    addId: () => {},
    count: (record) => {
      const r = enc.recordNumber(record);
      return r < 0 ? 0 : counts.get(r);
    },
    setCount: (record, n) => counts.set(enc.recordNumber(record), n),
    firstWith: (text, id, ord) => texts.firstWith(text, ord),
  };
}

/** Passages by the hash of their folded text (first occurrences only): open addressing over typed arrays. */
class FoldedTexts {
  private slots = new Uint32Array(1 << 16);
  private hashes = new Uint32Array(1 << 16);
  private count = 0;

  constructor(private readonly enc: PassageEncoder) {}

  /** The id of the first passage whose text folds as `text` does; undefined when there is none (then `ord` is it). */
  firstWith(text: string, ord: number): string | undefined {
    const h = foldedHash(text);
    let key: string | null = null;
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (; this.slots[s] !== 0; s = (s + 1) & mask) {
      if (this.hashes[s] !== h) continue;
      const o = this.slots[s] - 1;
      if (fold(this.enc.textAt(o)) === (key ??= fold(text))) return this.enc.idAt(o);
    }
    this.slots[s] = ord + 1;
    this.hashes[s] = h;
    if (++this.count * 2 > this.slots.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const { slots, hashes } = this;
    this.slots = new Uint32Array(slots.length * 2);
    this.hashes = new Uint32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let i = 0; i < slots.length; i++) {
      if (!slots[i]) continue;
      let s = hashes[i] & mask;
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = slots[i];
      this.hashes[s] = hashes[i];
    }
  }
}

/**
 * Typographic punctuation and arrows (most of the non-ASCII characters in English forum text), each with its folded
 * form: fold() gives a text made of these and ASCII the folded forms of its characters in turn. They have no case, no
 * canonical composition with a neighbour, and are not white space; any other character hashes through fold() itself.
 */
const PUNCTUATION = new Map<number, string>();
for (const [from, to] of [[0x2010, 0x2027], [0x2030, 0x205e], [0x2190, 0x21ff], [0xb4, 0xb4]]) {
  for (let c = from; c <= to; c++) {
    const ch = String.fromCharCode(c);
    const f = fold(ch);
    // Left out: white space, and what decomposes into a space and a mark (´ is a space and U+0301), which folds
    // differently beside other characters.
    if (f && !/[\s\p{M}]/u.test(ch + ch.normalize('NFKC')) && f.normalize('NFKC') === f) PUNCTUATION.set(c, f);
  }
}

/**
 * hashString(fold(text)) without making the folded string, for text of ASCII and typographic punctuation (most of
 * it): lower case, quotes and dashes as ASCII, runs of white space as one space, none at either end (fold in
 * src/core/text.ts).
 */
export function foldedHash(text: string): number {
  let h = 0x811c9dc5;
  let space = false;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      space = any;
      continue;
    }
    if (space) {
      h = Math.imul(h ^ 32, 0x01000193);
      space = false;
    }
    any = true;
    if (c >= 128) {
      const f = PUNCTUATION.get(c);
      if (f === undefined) return hashString(fold(text));
      for (let k = 0; k < f.length; k++) h = Math.imul(h ^ f.charCodeAt(k), 0x01000193);
      continue;
    }
    if (c >= 65 && c <= 90) c += 32;
    else if (c === 96) c = 39;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Links quotes once every passage is known (a quote may be of a later passage), over light passages made from the
 * columns: only their texts are read, and only those compared.
 */
function linkAll(enc: PassageEncoder, quoted: Map<number, string[]>): void {
  const light: Passage[] = [];
  for (let ord = 0; ord < enc.length; ord++) light.push(enc.light(ord));
  linkQuotes(light, quoted);
  for (const ord of quoted.keys()) {
    const q = light[ord].quotes;
    if (q) enc.setQuotes(ord, q);
  }
}
