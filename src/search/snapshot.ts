// Saves and loads the built index as one versioned, checksummed file; anything off is refused, never half-loaded.
// Loading reads each section into a typed array as it lies (no parsing per passage or term) and checks the whole
// file's checksum on the way; passage texts stay in the file, read when an answer shows them (passage-store.ts).
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Passage } from '../core/types.ts';
import type { Problem } from '../corpus/types.ts';
import { Bm25Index, type IndexData } from './bm25.ts';
import { encodePassages, type PassageSections } from './passage-codec.ts';
import { PassageStore } from './passage-store.ts';
import { SortedStrings, Strings } from './strings.ts';
import { Groups, HashTable } from './tables.ts';

/** Bump when the file layout, the tokenizer or the passage shape changes: older files are then rebuilt. */
export const FORMAT_VERSION = 11;
const MAGIC = 'CRUXIDX\n';

export interface Snapshot {
  fingerprint: string;
  builtAt: string;
  /** Every passage in corpus order, made on access (read-only). */
  passages: Passage[];
  /** The same passages with their lookups (by id, record, reply structure, copies) and corpus facts. */
  store: PassageStore;
  /** Index document i is passages[docPassage[i]]. */
  docPassage: Uint32Array;
  index: Bm25Index;
  problems: Problem[];
}

/** A snapshot over passages in memory (what a build gives before it is saved). */
export function snapshotOf(o: { fingerprint: string; builtAt: string; passages: Passage[]; docPassage: Uint32Array; index: Bm25Index; problems: Problem[] }): Snapshot {
  const sections = encodePassages(o.passages);
  const store = new PassageStore(sections, { bytes: sections.text });
  return { fingerprint: o.fingerprint, builtAt: o.builtAt, passages: store.array, store, docPassage: o.docPassage, index: o.index, problems: o.problems };
}

type Kind = 'json' | 'u32' | 'u16' | 'f64' | 'bytes';
type Section = { name: string; kind: Kind; offset: number; length: number };
type Value = Uint8Array | Uint16Array | Uint32Array | Float64Array | unknown;

/** What a snapshot file holds: the passages' sections, the BM25 index, and what the build reported. */
export interface SnapshotParts {
  fingerprint: string;
  builtAt: string;
  passages: PassageSections;
  index: IndexData;
  docPassage: Uint32Array;
  problems: Problem[];
}

/** The sections of a snapshot, in file order. `text` (the passage texts) is last, and the only one not read on load. */
function sectionsOf(s: SnapshotParts): Array<[string, Kind, Value]> {
  const p = s.passages;
  const d = s.index;
  return [
    ['problems', 'json', s.problems],
    ['facts', 'json', p.facts],
    ['raw', 'json', p.raw],
    ['strings', 'bytes', p.strings.bytes],
    ['stringEnds', 'u32', p.strings.ends],
    ['cols', 'u32', p.cols],
    ['scores', 'f64', p.scores],
    ['sources', 'u32', p.sources],
    ['ids', 'u32', p.ids.slots],
    ['records', 'u32', p.records],
    ['recordIds', 'u32', p.recordIds.slots],
    ...groups('paragraphs', p.paragraphs),
    ...groups('replies', p.replies),
    ...groups('quotedIn', p.quotedIn),
    ...groups('copies', p.copies),
    ['titled', 'u32', p.titled],
    ['terms', 'bytes', d.terms.bytes],
    ['termEnds', 'u32', d.terms.ends],
    ['offsets', 'u32', d.offsets],
    ['docs', 'u32', d.docs],
    ['tfs', 'u16', d.tfs],
    ['docLen', 'u16', d.docLen],
    ['words', 'bytes', d.words.bytes],
    ['wordEnds', 'u32', d.words.ends],
    ['wordDf', 'u32', d.wordDf],
    ['docPassage', 'u32', s.docPassage],
  ];
}

function groups(name: string, g: Groups): Array<[string, Kind, Value]> {
  return [
    [`${name}.ends`, 'u32', g.ends],
    [`${name}.values`, 'u32', g.values],
    [`${name}.keys`, 'u32', g.keys ?? new Uint32Array(0)],
  ];
}

/** Writes the snapshot atomically (temp file, then rename), so a crash never leaves a half-written index. */
export function saveSnapshot(path: string, s: Snapshot): number {
  const parts = { fingerprint: s.fingerprint, builtAt: s.builtAt, passages: s.store.s, index: s.index.data, docPassage: s.docPassage, problems: s.problems };
  return writeSnapshot(path, parts, textOf(s.store)).bytes;
}

/**
 * Writes a snapshot file atomically from its parts, the passage texts given as bytes or as the first `length` bytes
 * of an open file (the streaming build writes them there as it reads). Returns the file's size and where the texts
 * start in it.
 */
export function writeSnapshot(path: string, s: SnapshotParts, text: Uint8Array | { fd: number; length: number }): { bytes: number; textAt: number } {
  const parts = sectionsOf(s).map(([name, kind, value]): [string, Kind, Uint8Array] => [name, kind, bytes(kind, value)]);
  const textLength = text.length;
  const sections: Section[] = [];
  let offset = 0;
  for (const [name, kind, buf] of parts) {
    sections.push({ name, kind, offset, length: buf.length });
    offset += buf.length;
  }
  sections.push({ name: 'text', kind: 'bytes', offset, length: textLength });
  const core: HeaderCore = { format: FORMAT_VERSION, fingerprint: s.fingerprint, builtAt: s.builtAt, size: offset + textLength, sections };
  let crc = crc32(coreText(core));
  for (const [, , buf] of parts) crc = more(crc, buf);
  const chunks = 'fd' in text ? textChunks(text.fd, text.length) : () => [text];
  for (const c of chunks()) crc = more(crc, c);
  const header = Buffer.from(JSON.stringify({ ...core, crc32: crc }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const buf of [Buffer.from(MAGIC), len, header, ...parts.map((p) => p[2])]) writeAll(fd, buf);
    for (const c of chunks()) writeAll(fd, c);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const base = MAGIC.length + 4 + header.length;
  return { bytes: base + offset + textLength, textAt: base + offset };
}

/** The first `length` bytes of a file, a chunk at a time (the same buffer each time). */
function textChunks(fd: number, length: number): () => Iterable<Uint8Array> {
  return function* () {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(length, 1)));
    for (let pos = 0; pos < length; ) {
      let got = 0;
      const want = Math.min(buf.length, length - pos);
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, pos + got);
        if (n === 0) throw new Error('the texts file ended early');
        got += n;
      }
      yield buf.subarray(0, got);
      pos += got;
    }
  };
}

function writeAll(fd: number, buf: Uint8Array): void {
  for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at, buf.length - at);
}

/** The text blob of a store, wherever it lies. */
function textOf(store: PassageStore): Uint8Array {
  const t = store.texts;
  if ('bytes' in t) return t.bytes;
  const buf = Buffer.allocUnsafe(t.length);
  for (let at = 0; at < t.length; ) at += readSync(t.fd, buf, at, t.length - at, t.offset + at);
  return buf;
}

function bytes(kind: Kind, value: Value): Uint8Array {
  if (kind === 'json') return Buffer.from(JSON.stringify(value));
  const a = value as Uint8Array;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

interface HeaderCore {
  format: number;
  fingerprint: string;
  builtAt: string;
  size: number;
  sections: Section[];
}

/**
 * The checksum covers the header as well as the body, so a damaged section table is caught like damaged data.
 * CRC-32 catches damage (not tampering: the index is rebuilt from files the same user can write) at several GB/s;
 * SHA-256 took a fifth of the load time at 100k passages.
 */
function coreText(h: HeaderCore): string {
  return JSON.stringify({ format: h.format, fingerprint: h.fingerprint, builtAt: h.builtAt, size: h.size, sections: h.sections });
}

/** Adds bytes to a running CRC-32. Empty input is skipped: zlib gives 0 for an empty buffer with no memory behind it. */
function more(crc: number, buf: Uint8Array): number {
  return buf.length ? crc32(buf, crc) : crc;
}

export class SnapshotError extends Error {
  constructor(
    readonly reason: 'missing' | 'corrupt' | 'version' | 'stale',
    message: string,
  ) {
    super(message);
  }
}

/** Bytes read at a time while checking the text blob's part of the checksum. */
const CHUNK = 4 << 20;

/** Loads a snapshot, checking magic, version, fingerprint, length and checksum before using any of it. */
export function loadSnapshot(path: string, fingerprint: string): Snapshot {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new SnapshotError('missing', 'no saved index');
  }
  let kept = false;
  try {
    const snap = read(fd, fingerprint);
    kept = true;
    return snap;
  } finally {
    if (!kept) closeSync(fd);
  }
}

function read(fd: number, fingerprint: string): Snapshot {
  const size = fstatSync(fd).size;
  const at = (pos: number, length: number): Buffer => {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  };
  const head = at(0, MAGIC.length + 4);
  if (head.length < MAGIC.length + 4 || head.subarray(0, MAGIC.length).toString() !== MAGIC) {
    throw new SnapshotError('corrupt', 'saved index is not a Crux index file');
  }
  const hlen = head.readUInt32LE(MAGIC.length);
  let header: HeaderCore & { crc32: number };
  try {
    if (MAGIC.length + 4 + hlen > size) throw new Error('cut');
    header = JSON.parse(at(MAGIC.length + 4, hlen).toString());
  } catch {
    throw new SnapshotError('corrupt', 'saved index has an unreadable header');
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.sections)) {
    throw new SnapshotError('corrupt', 'saved index has an unreadable header');
  }
  if (header.format !== FORMAT_VERSION) {
    throw new SnapshotError('version', `saved index is format ${header.format}, this Crux reads format ${FORMAT_VERSION}`);
  }
  if (header.fingerprint !== fingerprint) throw new SnapshotError('stale', 'corpus changed since the index was built');
  const base = MAGIC.length + 4 + hlen;
  const body = size - base;
  if (body !== header.size) throw new SnapshotError('corrupt', `saved index is truncated (${body} of ${header.size} bytes)`);
  // Each section in turn, in file order, so the checksum runs over the file once; the text blob only for the checksum.
  const values = new Map<string, Value>();
  let crc = crc32(coreText(header));
  let expect = 0;
  let textSection: Section | null = null;
  try {
    for (const s of header.sections) {
      if (s.offset !== expect || !(s.length >= 0) || s.offset + s.length > body) throw new Error(`section ${s.name} is out of place`);
      expect = s.offset + s.length;
      if (s.name === 'text') {
        textSection = s;
        // One buffer for every chunk: a fresh 4 MB buffer each time cost a page fault per page read.
        const chunk = Buffer.allocUnsafeSlow(Math.min(CHUNK, Math.max(s.length, 1)));
        for (let pos = 0; pos < s.length; pos += CHUNK) {
          const n = Math.min(CHUNK, s.length - pos);
          for (let got = 0; got < n; ) {
            const r = readSync(fd, chunk, got, n - got, base + s.offset + pos + got);
            if (r === 0) throw new Error('cut');
            got += r;
          }
          crc = more(crc, chunk.subarray(0, n));
        }
        continue;
      }
      const raw = at(base + s.offset, s.length);
      crc = more(crc, raw);
      values.set(s.name, s.kind === 'json' ? raw : view(s.kind, raw));
    }
  } catch (e) {
    throw new SnapshotError('corrupt', `saved index does not decode (${(e as Error).message})`);
  }
  if (expect !== body || crc !== header.crc32) throw new SnapshotError('corrupt', 'saved index fails its checksum');
  try {
    return decode(header, values, { fd, offset: base + textSection!.offset, length: textSection!.length }, fingerprint);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError('corrupt', `saved index does not decode (${(e as Error).message})`);
  }
}

/** A typed array over a section's bytes (each section is read into its own buffer, so it is aligned). */
function view(kind: Kind, raw: Buffer): Value {
  const { buffer, byteOffset, byteLength } = raw;
  // Buffer.allocUnsafe may hand out a slice of a shared pool: copy small sections into a buffer of their own.
  const own = byteOffset % 8 === 0 ? buffer : raw.buffer.slice(byteOffset, byteOffset + byteLength);
  const off = byteOffset % 8 === 0 ? byteOffset : 0;
  const width = kind === 'u32' ? 4 : kind === 'u16' ? 2 : kind === 'f64' ? 8 : 1;
  if (byteLength % width) throw new Error(`a ${kind} section of ${byteLength} bytes`);
  if (kind === 'u32') return new Uint32Array(own, off, byteLength / 4);
  if (kind === 'u16') return new Uint16Array(own, off, byteLength / 2);
  if (kind === 'f64') return new Float64Array(own, off, byteLength / 8);
  return new Uint8Array(own, off, byteLength);
}

/** Turns the checked sections into a snapshot, refusing sections that do not fit together. */
function decode(header: HeaderCore, values: Map<string, Value>, text: { fd: number; offset: number; length: number }, fingerprint: string): Snapshot {
  const get = <T>(name: string, kind: Kind): T => {
    const s = header.sections.find((x) => x.name === name);
    if (!s || s.kind !== kind || !values.has(name)) throw new SnapshotError('corrupt', `saved index lacks its ${name} section`);
    const v = values.get(name);
    return (kind === 'json' ? JSON.parse((v as Buffer).toString()) : v) as T;
  };
  const u32 = (name: string) => get<Uint32Array>(name, 'u32');
  const group = (name: string, sparse: boolean) => new Groups(u32(`${name}.ends`), u32(`${name}.values`), sparse ? u32(`${name}.keys`) : null);
  const sections: PassageSections = {
    strings: new Strings(get('strings', 'bytes'), u32('stringEnds')),
    cols: u32('cols'),
    scores: get('scores', 'f64'),
    sources: u32('sources'),
    text: new Uint8Array(0),
    raw: get('raw', 'json'),
    ids: new HashTable(u32('ids')),
    records: u32('records'),
    recordIds: new HashTable(u32('recordIds')),
    paragraphs: group('paragraphs', false),
    replies: group('replies', false),
    quotedIn: group('quotedIn', true),
    copies: group('copies', true),
    titled: u32('titled'),
    facts: get('facts', 'json'),
  };
  const data: IndexData = {
    terms: new SortedStrings(get('terms', 'bytes'), u32('termEnds')),
    offsets: u32('offsets'),
    docs: u32('docs'),
    tfs: get('tfs', 'u16'),
    docLen: get('docLen', 'u16'),
    words: new SortedStrings(get('words', 'bytes'), u32('wordEnds')),
    wordDf: u32('wordDf'),
  };
  const docPassage = u32('docPassage');
  const store = new PassageStore(sections, text);
  const n = store.length;
  let ok = store.fits() && data.offsets.length === data.terms.length + 1 && data.offsets[data.terms.length] === data.docs.length;
  ok &&= data.docs.length === data.tfs.length && data.wordDf.length === data.words.length && data.docLen.length === docPassage.length;
  ok &&= stringsFit(data.terms) && stringsFit(data.words);
  ok &&= below(docPassage, n);
  const { offsets, docs } = data;
  for (let t = 0; ok && t < data.terms.length; t++) ok = offsets[t] <= offsets[t + 1];
  ok &&= below(docs, docPassage.length);
  if (!ok) throw new SnapshotError('corrupt', 'saved index sections do not fit together');
  return {
    fingerprint,
    builtAt: header.builtAt,
    passages: store.array,
    store,
    problems: get('problems', 'json'),
    docPassage,
    index: new Bm25Index(data),
  };
}

/** Whether every number of `a` is below `limit` (the largest, found in one tight loop). */
function below(a: Uint32Array, limit: number): boolean {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
  return a.length === 0 || max < limit;
}

function stringsFit(s: Strings): boolean {
  const ends = s.ends;
  let prev = 0;
  for (let i = 0; i < ends.length; i++) {
    if (ends[i] < prev) return false;
    prev = ends[i];
  }
  return prev === s.bytes.length;
}
