// Verbatim excerpts: the sentences of a passage that carry the match, with … marking any cut.
import { compoundTerm, eachCompound, sentences, termOf, tokenize } from './text.ts';

export interface Excerpt {
  text: string;
  highlights: Array<[number, number]>;
}

/** A sentence that asks: it ends with a question mark (closing quotes or brackets may follow). */
const QUESTION_END = /\?["'”’)\]]*$/;

/** Passages up to this length are shown whole. */
export const EXCERPT_CHARS = 400;

/**
 * Which words of a text match the query: the same folded word, or the same stem. A hyphenated compound whose closed
 * form matches ("pre-training" for "pretraining") is one match, over its parts.
 */
function matches(text: string, words: Set<string>, terms: Set<string>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const whole: Array<[number, number]> = [];
  eachCompound(text, (h, start, end) => {
    if (terms.has(compoundTerm(h))) whole.push([start, end]);
  });
  let w = 0;
  for (const t of tokenize(text)) {
    while (w < whole.length && whole[w][1] <= t.start) w++;
    if (w < whole.length && whole[w][0] <= t.start) {
      if (whole[w][0] === t.start) out.push(whole[w]);
      continue;
    }
    if (words.has(t.word) || terms.has(termOf(t.word))) out.push([t.start, t.end]);
  }
  return out;
}

/**
 * Picks the run of whole sentences (at most `max` characters) that holds the most distinct matched words, and the
 * sentences holding the `keep` ranges (where the passage takes its stance on the topic). A run does not end on a
 * question the passage goes on to answer ("Was this caused by RL? In the hypothetical, it was …"): the answer is
 * what the question was asked for. A single sentence that is still too long is cut at word boundaries around its
 * first match.
 */
export function excerpt(text: string, queryWords: string[], max = EXCERPT_CHARS, keep: Array<[number, number]> = []): Excerpt {
  const words = new Set(queryWords);
  const terms = new Set(queryWords.map(termOf));
  const hits = matches(text, words, terms);
  if (text.length <= max) return { text, highlights: hits };
  const sents = sentences(text);
  const gain = (s: number, e: number) => {
    const seen = new Set<string>();
    for (const [a, b] of hits) if (a >= s && b <= e) seen.add(termOf(text.slice(a, b).toLowerCase()));
    return seen.size;
  };
  const kept = (s: number, e: number) => keep.filter(([a, b]) => a >= s && b <= e).length;
  const asks = sents.map(([a, b]) => QUESTION_END.test(text.slice(a, b)));
  let best: [number, number] = sents[0] ?? [0, text.length];
  let bestGain = -Infinity;
  for (let i = 0; i < sents.length; i++) {
    for (let j = i; j < sents.length; j++) {
      const s = sents[i][0];
      const e = sents[j][1];
      if (e - s > max && j > i) break;
      const unanswered = asks[j] && j + 1 < sents.length ? 1 : 0;
      const g = gain(s, e) * 1000 + kept(s, e) * 1500 - unanswered * 800 - (e - s) / 1000 - i / 1e6;
      if (g > bestGain) {
        bestGain = g;
        best = [s, e];
      }
    }
  }
  let [s, e] = best;
  if (e - s > max) [s, e] = cutAround(text, s, e, hits.find(([a]) => a >= s)?.[0] ?? s, max);
  const pre = s > 0 ? '… ' : '';
  const post = e < text.trimEnd().length ? ' …' : '';
  const shown = text.slice(s, e);
  const highlights = hits.filter(([a, b]) => a >= s && b <= e).map(([a, b]): [number, number] => [a - s + pre.length, b - s + pre.length]);
  return { text: pre + shown + post, highlights };
}

/** A window of about `max` characters inside [s, e) around `at`, ending and starting on word boundaries. */
function cutAround(text: string, s: number, e: number, at: number, max: number): [number, number] {
  let from = Math.max(s, at - Math.floor(max / 3));
  let to = Math.min(e, from + max);
  from = Math.max(s, to - max);
  const raw: [number, number] = [from, to];
  if (from > s) while (from < to && /\S/.test(text[from - 1])) from++;
  if (to < e) while (to > from && /\S/.test(text[to])) to--;
  while (from < to && /\s/.test(text[from])) from++;
  while (to > from && /\s/.test(text[to - 1])) to--;
  if (from < to) return [from, to];
  // No space anywhere in the window (a long link or a blob longer than an excerpt): cut it by characters
  // rather than show nothing, keeping surrogate pairs whole.
  [from, to] = raw;
  if (/[\udc00-\udfff]/.test(text[from] ?? '')) from++;
  if (/[\ud800-\udbff]/.test(text[to - 1] ?? '')) to--;
  return [from, to];
}
