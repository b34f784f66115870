// Labels and cues in the corpus's own words: the whole sentence (or clause) of the passage shown first that states
// the position's point; never invented prose, never cut mid-phrase.
import { fold, sentences } from '../core/text.ts';
import type { Reading } from './stance.ts';

/** Longest label, in characters, before it is cut (at a word boundary, with "…"). */
export const LABEL_MAX = 90;

/** Cuts a verbatim text to at most `max` characters at a word boundary, marking the cut with "…". */
export function cut(text: string, max = LABEL_MAX): string {
  const t = text.trim();
  if (t.length <= max) return t;
  let end = max;
  while (end > 0 && /\S/.test(t[end])) end--;
  return `${t.slice(0, end > max / 2 ? end : max).trimEnd()} …`;
}

/** Longest label that is a whole sentence; a longer sentence gives the whole clause holding the point. */
export const SENTENCE_MAX = 160;

/**
 * A label a reader takes in at a glance, in the passage's own words and never cut mid-phrase: the whole sentence
 * holding offset `at` (a cue, or a word the group shares) when short enough, else the whole clauses around it (from
 * the punctuation before to the punctuation after) that fit, else that sentence whole.
 */
export function sentenceAt(text: string, at: number): string {
  const sents = sentences(text);
  const [s, e] = sents.find(([a, b]) => at >= a && at < b) ?? sents[0] ?? [0, text.length];
  const sentence = text.slice(s, e).trim();
  if (sentence.length <= SENTENCE_MAX) return sentence;
  // Clause bounds: punctuation that ends a clause inside the sentence.
  const bounds = [s];
  for (const m of text.slice(s, e).matchAll(/[,;:–—(]\s+/g)) bounds.push(s + m.index + m[0].length);
  bounds.push(e);
  const k = bounds.findIndex((b, i) => at >= b && at < (bounds[i + 1] ?? e));
  let a = k;
  let b = k + 1;
  // Grow to the neighbouring clauses while the whole still fits and is short to read.
  while (b - a < bounds.length - 1) {
    const len = (x: number, y: number) => text.slice(bounds[x], bounds[y]).trim().length;
    if (len(a, b) >= 40) break;
    if (b < bounds.length - 1 && len(a, b + 1) <= SENTENCE_MAX) b++;
    else if (a > 0 && len(a - 1, b) <= SENTENCE_MAX) a--;
    else break;
  }
  const clause = text.slice(bounds[a], bounds[b]).trim().replace(/[,;:–—(]$/, '').trim();
  return clause.length >= 20 ? clause : sentence;
}

/** The sentence holding a passage's strongest cue (toward `polarity`, when given), or its first sentence. */
export function openingOf(text: string, reading: Reading, polarity = 0): string {
  const cues = reading.cues.filter((c) => !polarity || Math.sign(c.polarity) === Math.sign(polarity));
  const strongest = [...cues].sort((a, b) => b.weight - a.weight || a.start - b.start)[0];
  return sentenceAt(text, strongest ? strongest.start : /\S/.exec(text)?.index ?? 0);
}

/**
 * The cue most of a group's passages share (by its folded words), as written in the first passage using it;
 * `polarity` is the direction a cue must point (toward the thing itself) to count.
 */
export function quoteCue(list: Array<{ text: string; reading: Reading }>, polarity: number): string | null {
  const count = new Map<string, { n: number; first: string; weight: number }>();
  for (const { text, reading } of list) {
    for (const c of reading.cues) {
      if (Math.sign(c.polarity) !== Math.sign(polarity)) continue;
      const raw = text.slice(c.start, c.end);
      const key = fold(raw);
      let v = count.get(key);
      if (!v) count.set(key, (v = { n: 0, first: raw, weight: 0 }));
      v.n++;
      // What a passage states on the topic itself says more than a judging word near it.
      v.weight += c.kind === 'judgement' ? c.weight : 3 * c.weight;
    }
  }
  let best: { n: number; first: string; weight: number } | null = null;
  for (const v of count.values()) if (!best || v.weight > best.weight) best = v;
  return best ? cut(best.first, 60) : null;
}
