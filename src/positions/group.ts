// Groups passages that take one side into the points they make, by the words they share: a point is anchored on
// a word (or a few words used together) that many passages of that side use and the other side mostly does not.
import { isStopWord, termOf, tokenize } from '../text.ts';
import { GENERIC, isNegator, isProposer } from './lexicon.ts';

/** A passage's content words: index term -> the first surface form seen, with the term's weight. */
export type Bag = Map<string, number>;

/** Content terms of a text: no stop words, no query words, no modal or negation words, nothing generic. */
export function contentTerms(text: string, topic: Set<string>): Set<string> {
  const out = new Set<string>();
  const toks = tokenize(text);
  for (let i = 0; i < toks.length; i++) {
    const w = toks[i].word;
    if (w.length < 3 || isStopWord(w) || /^\d+$/.test(w)) continue;
    if (isProposer(w) || isNegator(w, toks[i + 1]?.word)) continue;
    const t = termOf(w);
    if (topic.has(t) || GENERIC.has(t)) continue;
    out.add(t);
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
  const common = (t: string) => (df.get(t) ?? 0) > Math.max(3, 0.4 * n);
  const groups: Group[] = [];
  for (const side of [1, -1]) {
    const mine = members.filter((m) => m.side === side);
    const theirs = members.filter((m) => m.side === -side);
    const free = new Set(mine.map((m) => m.i));
    const byI = new Map(members.map((m) => [m.i, m]));
    for (;;) {
      const count = new Map<string, number>();
      for (const i of free) for (const t of byI.get(i)!.terms) if (!common(t)) count.set(t, (count.get(t) ?? 0) + 1);
      let best: string | null = null;
      let bestScore = 0;
      for (const [t, c] of count) {
        if (c < opts.minSize) continue;
        const other = theirs.reduce((s, m) => s + (m.terms.has(t) ? 1 : 0), 0);
        const own = mine.reduce((s, m) => s + (m.terms.has(t) ? 1 : 0), 0);
        const purity = (own + 0.5) / (own + other + 1);
        if (purity < 0.6) continue;
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
        const own = mine.reduce((s, m) => s + (m.terms.has(t) ? 1 : 0), 0);
        if (c >= 2 && c / own >= 0.6 && c / base.length >= 0.3) anchors.push(t);
      }
      const set = new Set(anchors);
      const membersOf = [...free].filter((i) => [...byI.get(i)!.terms].some((t) => set.has(t)));
      for (const i of membersOf) free.delete(i);
      groups.push({ side, members: membersOf, anchors });
    }
  }
  return groups;
}

/** Cosine similarity of two term sets, each term weighted. */
export function similarity(a: Set<string>, b: Set<string>, weight: (t: string) => number): number {
  if (!a.size || !b.size) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const t of a) {
    const w = weight(t);
    na += w * w;
    if (b.has(t)) dot += w * w;
  }
  for (const t of b) nb += weight(t) ** 2;
  return dot / Math.sqrt(na * nb);
}
