// A small mutable index for passages added while serving (src/core/live.ts): documents are added and removed one at
// a time, each in time proportional to its own length, never to the corpus's. Document numbers are the caller's.
// Scoring takes its idf and average length from the caller, who knows the statistics of the whole corpus.
import { termsOf } from '../core/text.ts';
import { bm25Params } from './bm25.ts';

interface Postings {
  docs: number[];
  tfs: number[];
  /** Postings of removed documents still in the lists (dropped when they are half of them). */
  stale: number;
}

interface Doc {
  len: number;
  terms: string[];
  words: string[];
}

export class SegmentIndex {
  private readonly postings = new Map<string, Postings>();
  private readonly dfs = new Map<string, number>();
  private readonly wordDfs = new Map<string, number>();
  private readonly docs = new Map<number, Doc>();
  private total = 0;

  /** Documents in the segment. */
  get n(): number {
    return this.docs.size;
  }

  /** Sum of the documents' lengths (index terms), for the corpus's average length. */
  get totalLength(): number {
    return this.total;
  }

  has(doc: number): boolean {
    return this.docs.has(doc);
  }

  docLen(doc: number): number {
    return this.docs.get(doc)?.len ?? 0;
  }

  /** Indexes a document's text under number `doc` (tokenized exactly as Bm25Index.build does). */
  add(doc: number, text: string): void {
    if (this.docs.has(doc)) throw new Error(`document ${doc} is already in the segment`);
    const words = new Set<string>();
    const terms = termsOf(text, (w) => words.add(w));
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, f] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = { docs: [], tfs: [], stale: 0 }));
      p.docs.push(doc);
      p.tfs.push(Math.min(f, 65535));
      bump(this.dfs, t, 1);
    }
    for (const w of words) bump(this.wordDfs, w, 1);
    const len = Math.min(terms.length, 65535);
    this.docs.set(doc, { len, terms: [...tf.keys()], words: [...words] });
    this.total += len;
  }

  /** Removes a document; false when it is not in the segment. */
  remove(doc: number): boolean {
    const d = this.docs.get(doc);
    if (!d) return false;
    this.docs.delete(doc);
    this.total -= d.len;
    for (const t of d.terms) {
      bump(this.dfs, t, -1);
      const p = this.postings.get(t)!;
      if (++p.stale * 2 >= p.docs.length) this.prune(t, p);
    }
    for (const w of d.words) bump(this.wordDfs, w, -1);
    return true;
  }

  df(term: string): number {
    return this.dfs.get(term) ?? 0;
  }

  wordFreq(word: string): number {
    return this.wordDfs.get(word) ?? 0;
  }

  /** Documents holding both index terms. */
  together(a: string, b: string): number {
    const pa = this.postings.get(a);
    const pb = this.postings.get(b);
    if (!pa || !pb) return 0;
    const [rare, common] = pa.docs.length <= pb.docs.length ? [pa, pb] : [pb, pa];
    const inCommon = new Set(common.docs);
    let n = 0;
    for (const d of rare.docs) if (inCommon.has(d) && this.docs.has(d)) n++;
    return n;
  }

  /** Adds each document's BM25 score for the weighted terms to `into` (doc -> score). */
  score(query: ReadonlyArray<{ term: string; weight: number }>, idf: (term: string) => number, avgdl: number, into: Map<number, number>): void {
    const { k1, b } = bm25Params;
    for (const { term, weight } of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const w = idf(term) * weight;
      for (let i = 0; i < p.docs.length; i++) {
        const d = this.docs.get(p.docs[i]);
        if (!d) continue;
        const tf = p.tfs[i];
        const s = (w * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.len) / avgdl));
        into.set(p.docs[i], (into.get(p.docs[i]) ?? 0) + s);
      }
    }
  }

  /** Drops the postings of removed documents from a term's lists. */
  private prune(term: string, p: Postings): void {
    const docs: number[] = [];
    const tfs: number[] = [];
    for (let i = 0; i < p.docs.length; i++) {
      if (!this.docs.has(p.docs[i])) continue;
      docs.push(p.docs[i]);
      tfs.push(p.tfs[i]);
    }
    if (docs.length) this.postings.set(term, { docs, tfs, stale: 0 });
    else this.postings.delete(term);
  }
}

function bump(m: Map<string, number>, key: string, by: number): void {
  const v = (m.get(key) ?? 0) + by;
  if (v > 0) m.set(key, v);
  else m.delete(key);
}
