// The passages of an index as encoded (src/search/passage-codec.ts), read where they lie. A passage becomes an object
// when something asks for it, and stays the same object while anything holds it (positions compare passages and key
// caches by them). Texts of a saved index are read from its file when needed, so they stay in the operating system's
// page cache, shared by every process serving the same index, instead of in each process's memory.
import { closeSync, readSync } from 'node:fs';
import type { Passage, SourceInfo } from '../core/types.ts';
import type { CorpusFields } from '../core/filters.ts';
import { COL, COLS, OPTIONAL, SCOL, SCOLS, SOURCE_HAS_SITE, SOURCE_HAS_YEAR, type PassageSections } from './passage-codec.ts';
import { decode } from './strings.ts';

/** Where passage texts are read from: the blob in memory, or a range of an open file. */
export type TextSource = { bytes: Uint8Array } | { fd: number; offset: number; length: number };

/** Reply structure as the exchanges read it (by record id and passage id). */
export interface ReplyStructure {
  byRecord: { get(record: string): Passage[] | undefined };
  children: { get(record: string): string[] | undefined };
  quotedIn: { get(id: string): Passage[] | undefined };
}

const closeFd = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
});

/** Passages read before the first sweep of collected ones (see get). */
const SWEEP_FROM = 50_000;

export class PassageStore {
  readonly length: number;
  private readonly cache = new Map<number, WeakRef<Passage>>();
  /** Size of `cache` at which the entries of collected passages are next dropped. */
  private sweepAt = SWEEP_FROM;
  private readonly sourceCache = new Map<number, SourceInfo>();
  private scratch = Buffer.alloc(0);
  private sourceTitles: SourceInfo[] | null = null;
  /** The passages as an array (read-only, filled on access), for code that indexes passages by position. */
  readonly array: Passage[];

  constructor(
    readonly s: PassageSections,
    readonly texts: TextSource,
  ) {
    this.length = s.cols.length / COLS;
    this.array = lazyArray(this);
    if ('fd' in texts) closeFd.register(this, texts.fd);
  }

  /** Checks that the sections fit together; false means the index is damaged (never half-used). */
  fits(): boolean {
    const { cols, sources, strings, scores, records, text, titled } = this.s;
    const n = this.length;
    const pool = strings.length;
    const nSources = sources.length / SCOLS;
    const blob = 'bytes' in this.texts ? this.texts.bytes.length : this.texts.length;
    if (!Number.isInteger(n) || !Number.isInteger(nSources) || (scores.length !== 0 && scores.length !== n)) return false;
    if ('bytes' in this.texts && text.length !== blob) return false;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const row = i * COLS;
      const end = cols[row + COL.textEnd];
      if (end < prev || end > blob || cols[row + COL.source] >= nSources || cols[row + COL.id] === 0) return false;
      // Every pooled column, unrolled: an array of columns per passage cost 0.1 s of a load at a million passages.
      if (cols[row + COL.id] > pool || cols[row + COL.file] > pool || cols[row + COL.thread] > pool || cols[row + COL.parent] > pool) return false;
      if (cols[row + COL.record] > pool || cols[row + COL.dupOf] > pool || cols[row + COL.quotes] > pool) return false;
      prev = end;
    }
    for (let i = 0; i < sources.length; i++) if (i % SCOLS !== SCOL.flags && sources[i] > pool) return false;
    const ends = strings.ends;
    let e = 0;
    for (let i = 0; i < ends.length; i++) {
      if (ends[i] < e) return false;
      e = ends[i];
    }
    if (e !== strings.bytes.length) return false;
    for (let i = 0; i < records.length; i++) if (records[i] >= pool) return false;
    for (let i = 0; i < titled.length; i++) if (titled[i] >= nSources) return false;
    if (Object.keys(this.s.raw).some((k) => !(Number(k) < n))) return false;
    return [this.s.paragraphs, this.s.quotedIn, this.s.copies].every((g) => g.fits(n)) && this.s.replies.fits(records.length);
  }

  private pooled(v: number): string | null {
    return v === 0 ? null : this.s.strings.get(v - 1);
  }

  /** The passage at corpus position `ord` (undefined outside the corpus). */
  get(ord: number): Passage | undefined {
    if (!(ord >= 0 && ord < this.length) || !Number.isInteger(ord)) return undefined;
    const held = this.cache.get(ord)?.deref();
    if (held) return held;
    const p = this.make(ord);
    this.cache.set(ord, new WeakRef(p));
    // Drop entries whose passages were collected, now and then, so the map does not grow with every passage ever read.
    // Only once it has doubled since the last sweep: a WeakRef made or read holds its passage until the current task
    // ends, so within one pass over many passages nothing is collected yet, and sweeping at every read past a fixed
    // size made that pass quadratic (minutes for the autocomplete phrases of 100k passages).
    if (this.cache.size > this.sweepAt) {
      for (const [k, r] of this.cache) if (!r.deref()) this.cache.delete(k);
      this.sweepAt = Math.max(SWEEP_FROM, 2 * this.cache.size);
    }
    return p;
  }

  private make(ord: number): Passage {
    const { cols, scores } = this.s;
    const row = ord * COLS;
    const p: Passage = {
      id: this.id(ord),
      text: this.text(ord),
      source: this.source(cols[row + COL.source]),
      file: this.pooled(cols[row + COL.file])!,
      line: cols[row + COL.line],
      ord,
    };
    const flags = cols[row + COL.flags];
    OPTIONAL.forEach((k, b) => {
      if (!(flags & (1 << b))) return;
      if (k === 'score') p.score = scores.length && !Number.isNaN(scores[ord]) ? scores[ord] : null;
      else p[k] = this.pooled(cols[row + COL[k]]);
    });
    return p;
  }

  id(ord: number): string {
    return this.pooled(this.s.cols[ord * COLS + COL.id])!;
  }

  /** The file (as a pool number) and thread of a passage: neighbours are compared without reading their texts. */
  fileOf(ord: number): number {
    return this.s.cols[ord * COLS + COL.file];
  }

  threadOf(ord: number): number {
    return this.s.cols[ord * COLS + COL.thread];
  }

  /** Position of the passage a copy repeats (-1 unless `ord` is a copy of a passage in the corpus). */
  dupOf(ord: number): number {
    const d = this.s.cols[ord * COLS + COL.dupOf];
    return d === 0 ? -1 : this.ordOf(this.s.strings.get(d - 1));
  }

  text(ord: number): string {
    const raw = this.s.raw[ord];
    if (raw !== undefined) return raw;
    const { cols } = this.s;
    // A raw text takes no bytes, so the passage before always says where this one starts.
    const start = ord === 0 ? 0 : cols[(ord - 1) * COLS + COL.textEnd];
    const end = cols[ord * COLS + COL.textEnd];
    if ('bytes' in this.texts) return decode(this.texts.bytes, start, end);
    if (this.scratch.length < end - start) this.scratch = Buffer.allocUnsafe(Math.max(end - start, 4096));
    readSync(this.texts.fd, this.scratch, 0, end - start, this.texts.offset + start);
    return decode(this.scratch, 0, end - start);
  }

  private source(s: number): SourceInfo {
    let src = this.sourceCache.get(s);
    if (src) return src;
    const c = this.s.sources;
    const row = s * SCOLS;
    src = {
      id: this.pooled(c[row + SCOL.id])!,
      title: this.pooled(c[row + SCOL.title])!,
      author: this.pooled(c[row + SCOL.author]),
      url: this.pooled(c[row + SCOL.url]),
      date: this.pooled(c[row + SCOL.date]),
    };
    const flags = c[row + SCOL.flags];
    if (flags & SOURCE_HAS_SITE) src.site = this.pooled(c[row + SCOL.site]);
    if (flags & SOURCE_HAS_YEAR) {
      const y = this.pooled(c[row + SCOL.year]);
      src.year = y === null ? null : Number(y);
    }
    if (this.sourceCache.size >= 10_000) this.sourceCache.clear();
    this.sourceCache.set(s, src);
    return src;
  }

  /** Position of the passage with this id, or -1. */
  ordOf(id: string): number {
    return this.s.ids.find(id, (i) => this.id(i));
  }

  byId(id: string): Passage | undefined {
    const o = this.ordOf(id);
    return o < 0 ? undefined : this.get(o);
  }

  private recordOf(record: string): number {
    const { records, strings, recordIds } = this.s;
    return recordIds.find(record, (r) => strings.get(records[r]));
  }

  private passagesAt(ords: Uint32Array): Passage[] | undefined {
    return ords.length ? Array.from(ords, (o) => this.get(o)!) : undefined;
  }

  readonly structure: ReplyStructure = {
    byRecord: { get: (record) => this.passagesAt(this.s.paragraphs.get(this.recordOf(record))) },
    children: {
      get: (record) => {
        const rs = this.s.replies.get(this.recordOf(record));
        return rs.length ? Array.from(rs, (r) => this.s.strings.get(this.s.records[r])) : undefined;
      },
    },
    quotedIn: { get: (id) => this.passagesAt(this.s.quotedIn.get(this.ordOf(id))) },
  };

  /** Copies of a passage, by the id of its first occurrence. */
  readonly copies = { get: (id: string) => this.passagesAt(this.s.copies.get(this.ordOf(id))) };

  /** One source per distinct title, in corpus order. */
  sources(): SourceInfo[] {
    return (this.sourceTitles ??= Array.from(this.s.titled, (s) => this.source(s)));
  }

  get fields(): CorpusFields {
    return this.s.facts.fields;
  }

  get files(): number {
    return this.s.facts.files;
  }
}

/**
 * A read-only array whose elements are made on access: passages[i], .length, iteration and array methods all work,
 * so code written for an array of passages runs unchanged (a full pass reads every passage: the store's own lookups
 * are the fast way).
 */
function lazyArray(store: PassageStore): Passage[] {
  const refuse = () => {
    throw new TypeError('the passages of an index cannot be changed');
  };
  return new Proxy([] as Passage[], {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        const c = key.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = Number(key);
          if (Number.isInteger(i)) return store.get(i);
        }
        if (key === 'length') return store.length;
      }
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) return Number(key) < store.length;
      return Reflect.has(target, key);
    },
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
    ownKeys(target) {
      return [...Array.from({ length: store.length }, (_, i) => String(i)), ...Reflect.ownKeys(target)];
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key) && Number(key) < store.length) {
        return { value: store.get(Number(key)), writable: false, enumerable: true, configurable: true };
      }
      if (key === 'length') return { value: store.length, writable: true, enumerable: false, configurable: false };
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
}
