// Labels and cues in the corpus's own words: a phrase the members of a group share, or the opening of the most
// representative passage; never invented prose.
import { fold, isStopWord, sentences } from '../core/text.ts';
import type { Word } from './words.ts';
import type { Reading } from './stance.ts';

/** Longest label, in characters, before it is cut (at a word boundary, with "…"). */
export const LABEL_MAX = 90;

/**
 * The phrase (2 to 4 words, within one clause, not starting or ending with a stop word) around the group's anchor
 * words that the most of its passages share; shown as written in the first passage using it. Null when no phrase
 * is shared by two passages.
 */
export function labelFor(list: Array<{ text: string; words: Word[] }>, anchors: string[]): string | null {
  const want = new Set(anchors);
  const seen = new Map<string, { texts: Set<number>; len: number; first: string }>();
  // The first dozen passages (best first) are enough to find what they share.
  list.slice(0, 12).forEach(({ text, words: toks }, ti) => {
    const stems = toks.map((t) => t.stem);
    for (let i = 0; i < toks.length; i++) {
      if (!want.has(stems[i])) continue;
      for (let s = Math.max(0, i - 3); s <= i; s++) {
        for (let e = i; e < toks.length && e - s < 4; e++) {
          if (e === s) continue;
          if (isStopWord(toks[s].word) || isStopWord(toks[e].word)) continue;
          const span = text.slice(toks[s].start, toks[e].end);
          if (/[,;:.!?()[\]"“”]/.test(span)) continue;
          const key = stems.slice(s, e + 1).join(' ');
          let v = seen.get(key);
          if (!v) seen.set(key, (v = { texts: new Set(), len: e - s + 1, first: span }));
          v.texts.add(ti);
        }
      }
    }
  });
  let best: { texts: Set<number>; len: number; first: string } | null = null;
  for (const v of seen.values()) {
    if (v.texts.size < 2) continue;
    const score = v.texts.size * (1 + 0.25 * v.len);
    const bestScore = best ? best.texts.size * (1 + 0.25 * best.len) : 0;
    if (score > bestScore || (score === bestScore && best && v.first < best.first)) best = v;
  }
  return best ? best.first : null;
}

/** Cuts a verbatim text to at most `max` characters at a word boundary, marking the cut with "…". */
export function cut(text: string, max = LABEL_MAX): string {
  const t = text.trim();
  if (t.length <= max) return t;
  let end = max;
  while (end > 0 && /\S/.test(t[end])) end--;
  return `${t.slice(0, end > max / 2 ? end : max).trimEnd()} …`;
}

/**
 * The words around a passage's strongest cue: the clause holding it (from the punctuation before it to the end of
 * its sentence), or the opening of the first sentence when the passage has no cue.
 */
export function openingOf(text: string, reading: Reading): string {
  const sents = sentences(text);
  const first = sents[0] ?? [0, text.length];
  const strongest = [...reading.cues].sort((a, b) => b.weight - a.weight || a.start - b.start)[0];
  if (!strongest) return cut(text.slice(first[0], first[1]));
  const [s, e] = sents.find(([s, e]) => strongest.start >= s && strongest.start < e) ?? first;
  // Back from the cue to the clause's start, if that leaves enough words to read.
  let from = s;
  const before = text.slice(s, strongest.start);
  const m = /[,;:(–—]\s*(?=[^,;:(–—]*$)/.exec(before);
  if (m && e - (s + m.index + m[0].length) >= 40) from = s + m.index + m[0].length;
  return cut(text.slice(from, e));
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
