// Groups passages that take one side into the points they make, by the words they share: a point is anchored on
// a word (or a few words used together) that many passages of that side use and the other side mostly does not.
import { isStopWord } from '../core/text.ts';
import type { Word } from './words.ts';
import { GENERIC, isNegator, isProposer } from './lexicon.ts';

/**
 * Content terms of a passage's words (of the sentences in `only`, when given): no stop words, no query words, no
 * modal or negation words, nothing generic.
 */
export function contentTerms(words: Word[], query: Set<string>, only?: Array<[number, number]>): Set<string> {
  const out = new Set<string>();
  for (const [a, b] of only ?? [[0, words.length]]) {
    for (let i = a; i < b; i++) {
      const w = words[i].word;
      if (w.length < 3 || isStopWord(w) || /^\d+$/.test(w)) continue;
      if (isProposer(w) || isNegator(w, words[i + 1]?.word)) continue;
      const t = words[i].stem;
      if (query.has(t) || GENERIC.has(t)) continue;
      out.add(t);
    }
  }
  return out;
}

export interface Member {
  /** Index of the passage in the caller's list. */
  i: number;
  terms: Set<string>;
  /** +1, -1, or 0 when unknown. */
  side: number;
}

export interface Group {
  side: number;
  members: number[];
  /** The words that define the group, most telling first. */
  anchors: string[];
}

export interface GroupOptions {
  /** Smallest group worth calling a point. */
  minSize: number;
  /** Weight of a term (e.g. its inverse document frequency in the corpus). */
  weight: (term: string) => number;
  /** Words used by more than this share of all passages are too common to anchor a group. */
  common: number;
  /** Smallest share of a word's passages that must take the group's side for it to anchor the group. */
  purity: number;
}

/**
 * Frequent-word grouping within each side: repeatedly take the word that the most still-ungrouped passages of
 * the side use (discounted when the other side uses it too), with the words that mostly occur together with it,
 * and make the passages using them a group. Stops when no word gathers minSize passages.
 */
export function groupSides(members: Member[], opts: GroupOptions): Group[] {
  const n = members.length;
  const df = new Map<string, number>();
  for (const m of members) for (const t of m.terms) df.set(t, (df.get(t) ?? 0) + 1);
  // Words that most of the pool uses say nothing about which point is made.
  const common = (t: string) => (df.get(t) ?? 0) > Math.max(3, opts.common * n);
  const groups: Group[] = [];
  for (const side of [1, -1]) {
    const mine = members.filter((m) => m.side === side);
    const theirs = members.filter((m) => m.side === -side);
    const free = new Set(mine.map((m) => m.i));
    const byI = new Map(members.map((m) => [m.i, m]));
    // How many passages of this side, and of the other, use each word.
    const ownDf = new Map<string, number>();
    const otherDf = new Map<string, number>();
    for (const m of mine) for (const t of m.terms) ownDf.set(t, (ownDf.get(t) ?? 0) + 1);
    for (const m of theirs) for (const t of m.terms) otherDf.set(t, (otherDf.get(t) ?? 0) + 1);
    for (;;) {
      const count = new Map<string, number>();
      for (const i of free) for (const t of byI.get(i)!.terms) if (!common(t)) count.set(t, (count.get(t) ?? 0) + 1);
      let best: string | null = null;
      let bestScore = 0;
      for (const [t, c] of count) {
        if (c < opts.minSize) continue;
        const other = otherDf.get(t) ?? 0;
        const own = ownDf.get(t) ?? 0;
        const purity = (own + 0.5) / (own + other + 1);
        if (purity < opts.purity) continue;
        const score = c * purity * purity * Math.min(2, Math.sqrt(opts.weight(t)));
        if (score > bestScore || (score === bestScore && best !== null && t < best)) {
          best = t;
          bestScore = score;
        }
      }
      if (!best) break;
      const anchors = [best];
      const base = [...free].filter((i) => byI.get(i)!.terms.has(best!));
      // Words that mostly come with the anchor widen the group ("expensive" brings "afford").
      const co = new Map<string, number>();
      for (const i of base) for (const t of byI.get(i)!.terms) if (t !== best && !common(t)) co.set(t, (co.get(t) ?? 0) + 1);
      for (const [t, c] of co) {
        const own = ownDf.get(t) ?? 0;
        if (c >= 2 && c / own >= 0.6 && c / base.length >= 0.3) anchors.push(t);
      }
      const membersOf = [...free].filter((i) => anchors.some((a) => byI.get(i)!.terms.has(a)));
      for (const i of membersOf) free.delete(i);
      groups.push({ side, members: membersOf, anchors });
    }
  }
  return groups;
}

/** Weighted terms of a passage, scaled to unit length. */
export type Vec = Map<string, number>;

export function vectorOf(terms: Set<string>, weight: (t: string) => number): Vec {
  const v: Vec = new Map();
  let n = 0;
  for (const t of terms) {
    const w = weight(t);
    v.set(t, w);
    n += w * w;
  }
  n = Math.sqrt(n) || 1;
  for (const [t, w] of v) v.set(t, w / n);
  return v;
}

/** Cosine similarity of two unit vectors. */
export function cosine(a: Vec, b: Vec): number {
  if (a.size > b.size) [a, b] = [b, a];
  let s = 0;
  for (const [t, x] of a) {
    const y = b.get(t);
    if (y !== undefined) s += x * y;
  }
  return s;
}
