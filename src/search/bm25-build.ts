// Builds the BM25 index's arrays one document at a time, so a build never needs every text at once (the streaming
// indexer hands documents over as it reads them). Postings are gathered in fixed chunks of typed arrays: one growing
// array was copied at every doubling (GBs at 1M passages), and a million small arrays cost more than their numbers.
import { eachIndexWord, foldWord, indexTermOf, isHyphen, wordCharAt } from '../core/text.ts';
import { SortedStrings } from './strings.ts';
import { hashString } from './tables.ts';
import type { IndexData } from './bm25.ts';

const CHUNK = 1 << 20;

export class Bm25Builder {
  // Each distinct word is looked up once: its number, and the number of its index term (-1 for a stop word), so
  // counting frequencies per passage is array work (per-word maps of strings were most of the build at 1M passages).
  private readonly wordIds = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly wordTerm: number[] = [];
  private readonly wordDf: number[] = [];
  private readonly wordLastDoc: number[] = [];
  private readonly termId = new Map<string, number>();
  private readonly termTf: number[] = [];
  /** Per document, its distinct terms and their frequencies, in document order; sorted by term at the end. */
  private readonly termChunks: Uint32Array[] = [];
  private readonly tfChunks: Uint16Array[] = [];
  private docLen = new Uint16Array(1024);
  private docEnd = new Float64Array(1024);
  private n = 0;
  private readonly touched: number[] = [];
  private doc = 0;
  private len = 0;
  /** The same words by the hash of their text (hashString), for the ASCII path, which finds a word without slicing it. */
  private slots = new Uint32Array(1 << 16);
  private readonly wordHash: number[] = [];
  private readonly onWord = (w: string) => {
    let id = this.wordIds.get(w);
    if (id === undefined) id = this.newWord(w, hashString(w));
    this.count1(id);
  };

  /** Counts one occurrence of word `id` in the current document. */
  private count1(id: number): void {
    if (this.wordLastDoc[id] !== this.doc) {
      this.wordLastDoc[id] = this.doc;
      this.wordDf[id]++;
    }
    const t = this.wordTerm[id];
    if (t < 0) return;
    this.len++;
    if (this.termTf[t]++ === 0) this.touched.push(t);
  }

  /** `fast: false` reads every text with eachIndexWord, a string per word (tests compare the two ways). */
  constructor(private readonly fast = true) {}

  /** Documents added so far. */
  get count(): number {
    return this.doc;
  }

  private newWord(w: string, hash: number): number {
    const id = this.wordTerm.length;
    this.wordIds.set(w, id);
    this.wordHash.push(hash);
    this.words.push(w);
    let mask = this.slots.length - 1;
    if ((id + 1) * 2 > this.slots.length) {
      // Rehash into a table twice the size.
      this.slots = new Uint32Array(this.slots.length * 2);
      mask = this.slots.length - 1;
      for (let k = 0; k < id; k++) {
        let s = this.wordHash[k] & mask;
        while (this.slots[s] !== 0) s = (s + 1) & mask;
        this.slots[s] = k + 1;
      }
    }
    let s = hash & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = id + 1;
    const t = indexTermOf(w);
    let tid = -1;
    if (t !== null) {
      tid = this.termId.get(t) ?? -1;
      if (tid < 0) {
        this.termId.set(t, (tid = this.termTf.length));
        this.termTf.push(0);
      }
    }
    this.wordTerm.push(tid);
    this.wordDf.push(0);
    this.wordLastDoc.push(-1);
    return id;
  }

  /** Adds the next document (document numbers follow the order of adding). */
  add(text: string): void {
    if (this.doc === this.docLen.length) {
      this.docLen = grow(this.docLen, new Uint16Array(this.doc * 2));
      this.docEnd = grow(this.docEnd, new Float64Array(this.doc * 2));
    }
    this.len = 0;
    if (this.fast) this.addWords(text);
    else eachIndexWord(text, this.onWord);
    this.docLen[this.doc] = Math.min(this.len, 65535);
    const { termTf, termChunks, tfChunks } = this;
    for (const t of this.touched) {
      const n = this.n++;
      if (n === termChunks.length * CHUNK) {
        termChunks.push(new Uint32Array(CHUNK));
        tfChunks.push(new Uint16Array(CHUNK));
      }
      termChunks[n >>> 20][n & (CHUNK - 1)] = t;
      tfChunks[n >>> 20][n & (CHUNK - 1)] = Math.min(termTf[t], 65535);
      termTf[t] = 0;
    }
    this.touched.length = 0;
    this.docEnd[this.doc] = this.n;
    this.doc++;
  }

  /**
   * eachIndexWord without making a string per word: an ASCII word (a run of letters and digits) is hashed as it is
   * read, lower-cased, and found by comparing it with the word of that hash; a word with other characters is cut and
   * folded as eachIndexWord does. Hyphenated compounds ("pre-training": parts joined by single hyphens, 2 to 4 of
   * them) are counted after their parts, as eachIndexWord counts them.
   */
  private addWords(text: string): void {
    const len = text.length;
    let prevEnd = -2;
    let parts = 0;
    const chain = this.chain;
    for (let i = 0; i < len; ) {
      let c = text.charCodeAt(i);
      let n = c < 128 ? (isAlnum(c) ? 1 : 0) : wordCharAt(text, i, false);
      if (!n) {
        i++;
        continue;
      }
      const start = i;
      let ascii = c < 128;
      let h = 0x811c9dc5;
      if (ascii) h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
      i += n;
      while (i < len) {
        c = text.charCodeAt(i);
        if (c < 128) {
          if (!isAlnum(c)) break;
          h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
          i++;
        } else {
          n = wordCharAt(text, i, true);
          if (!n) break;
          ascii = false;
          i += n;
        }
      }
      if (start === prevEnd + 1 && isHyphen(text.charCodeAt(prevEnd))) parts++;
      else {
        if (parts >= 2 && parts <= COMPOUND_PARTS) this.compound(text, parts);
        parts = 1;
      }
      chain[(parts - 1) * 2] = start;
      chain[(parts - 1) * 2 + 1] = i;
      prevEnd = i;
      if (ascii) this.count1(this.wordAt(text, start, i, h >>> 0));
      else this.onWord(foldWord(text.slice(start, i)));
    }
    if (parts >= 2 && parts <= COMPOUND_PARTS) this.compound(text, parts);
  }

  /** Where the parts of the hyphenated chain being read start and end (the first COMPOUND_PARTS of them). */
  private readonly chain = new Uint32Array(COMPOUND_PARTS * 2 + 2);

  /** Counts a compound: its folded parts joined by "-". */
  private compound(text: string, parts: number): void {
    let w = '';
    for (let k = 0; k < parts; k++) w += (k ? '-' : '') + foldWord(text.slice(this.chain[k * 2], this.chain[k * 2 + 1]));
    this.onWord(w);
  }

  /** The id of the lower-cased word text[start..end) whose hash is `hash`, made when new. */
  private wordAt(text: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const n = end - start;
    for (let s = hash & mask; this.slots[s] !== 0; s = (s + 1) & mask) {
      const id = this.slots[s] - 1;
      if (this.wordHash[id] !== hash) continue;
      const w = this.words[id];
      if (w.length !== n) continue;
      let k = 0;
      while (k < n) {
        const c = text.charCodeAt(start + k);
        if (w.charCodeAt(k) !== (c >= 65 && c <= 90 ? c + 32 : c)) break;
        k++;
      }
      if (k === n) return id;
    }
    const w = text.slice(start, end).toLowerCase();
    // A word first met in non-ASCII text is in the map too (its hash is the same).
    return this.wordIds.get(w) ?? this.newWord(w, hash);
  }

  /** The index's arrays (the builder is spent afterwards). */
  finish(): IndexData {
    const count = this.doc;
    const n = this.n;
    const { termChunks, tfChunks, docEnd } = this;
    // Terms in sorted order, so a saved index is searched as it lies (binary search, no hash map to rebuild).
    const unsorted = [...this.termId.keys()];
    this.termId.clear();
    const terms = SortedStrings.sorted([...unsorted]);
    const rank = new Uint32Array(unsorted.length);
    {
      const at = new Map<string, number>();
      for (let t = 0; t < terms.length; t++) at.set(terms.get(t), t);
      unsorted.forEach((t, id) => (rank[id] = at.get(t)!));
    }
    // Counting sort by term; documents stay in ascending order within each term.
    const offsets = new Uint32Array(terms.length + 1);
    for (let i = 0; i < n; i++) offsets[rank[termChunks[i >>> 20][i & (CHUNK - 1)]] + 1]++;
    for (let t = 0; t < terms.length; t++) offsets[t + 1] += offsets[t];
    const docs = new Uint32Array(n);
    const tfs = new Uint16Array(n);
    const next = offsets.slice(0, terms.length);
    for (let doc = 0, i = 0; doc < count; doc++) {
      for (const end = docEnd[doc]; i < end; i++) {
        const c = i >>> 20;
        const at = next[rank[termChunks[c][i & (CHUNK - 1)]]]++;
        docs[at] = doc;
        tfs[at] = tfChunks[c][i & (CHUNK - 1)];
        // A chunk read to its end is not needed again: let it go while the rest is sorted.
        if ((i & (CHUNK - 1)) === CHUNK - 1) {
          termChunks[c] = EMPTY32;
          tfChunks[c] = EMPTY16;
        }
      }
    }
    termChunks.length = 0;
    tfChunks.length = 0;
    const words = SortedStrings.sorted([...this.wordIds.keys()]);
    const df = new Uint32Array(words.length);
    for (let w = 0; w < words.length; w++) df[w] = this.wordDf[this.wordIds.get(words.get(w))!];
    this.wordIds.clear();
    return { terms, offsets, docs, tfs, docLen: this.docLen.slice(0, count), words, wordDf: df };
  }
}

const EMPTY32 = new Uint32Array(0);
/** Longest hyphenated chain read as one compound, as in eachIndexWord (src/core/text.ts). */
const COMPOUND_PARTS = 4;

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
const EMPTY16 = new Uint16Array(0);

function grow<T extends Uint16Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
