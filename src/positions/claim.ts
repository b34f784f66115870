// The claim a yes/no question or a statement makes: what it is about (its subject) and what it says of it (its
// predicate). "is the LLM assistant persona underspecified" is about "the LLM assistant persona" and says it is
// "underspecified"; "does post-training override pretraining priors" is about "post-training" and says it
// "override[s] pretraining priors". A passage then takes a side by saying the same of the subject, or denying it in
// the same clause. Shapes only, no topic words: a linking verb, an auxiliary, a determiner or a participle ends the
// subject.
import type { Token } from '../core/text.ts';

export interface ClaimShape {
  /** Token range [from, to) of the subject. */
  subject: [number, number];
  /** Token range [from, to) of what is said of it (empty when the query only names a thing). */
  predicate: [number, number];
  /** The policy verb of a "should" question, when the question proposes doing something ("should labs filter X"). */
  verb?: number;
}

const COPULA = /^(is|are|was|were|isn|aren|wasn|weren)$/;
const DO = /^(does|do|did|doesn|don|didn|can|could|will|would)$/;
const SHOULD = /^(should|must|shall|shouldn|ought)$/;
/** Words that open an object or a complement, so the word before them is a verb ("make it", "override the"). */
const OBJECT_OPENER = /^(it|them|us|him|her|me|the|a|an|this|that|these|those|their|our|its|any|more|less|all|some|most)$/;
/** Subjects that are doers ("should we", "should people"): the verb follows them. */
const DOER = /^(we|you|they|people|i|everyone|anyone|someone|companies|governments|labs|researchers)$/;

/** A word that ends the subject of "is S P": a participle ("supported by", "underspecified"), or "a"/"an". */
function predicateStarts(toks: Token[], k: number): boolean {
  const w = toks[k].word;
  if (w === 'a' || w === 'an') return true;
  const last = k === toks.length - 1;
  if (/(ed|en)$/.test(w) && w.length > 4 && (last || /^(by|to|with|from|in|for|as|of)$/.test(toks[k + 1].word))) return true;
  return false;
}

/** Whether a hyphen joins tokens i-1 and i in the query ("post-training"): one word, never the verb after it. */
const joined = (q: string, toks: Token[], i: number) => i > 0 && q.slice(toks[i - 1].end, toks[i].start) === '-';

/** The verb of "does S V O" / "should S V O": the first word with an object opener after it, else after a doer, else
 * the word after the first (hyphen-joined) word of the subject. */
function verbOf(q: string, toks: Token[], from: number): number {
  for (let k = from + 1; k < toks.length - 1; k++) if (!joined(q, toks, k) && OBJECT_OPENER.test(toks[k + 1].word)) return k;
  let k = from;
  if (DOER.test(toks[k].word)) return k + 1 < toks.length ? k + 1 : -1;
  // "AI labs publish": a plural noun, then the verb.
  for (let j = from; j < Math.min(toks.length - 1, from + 3); j++) if (/[^s]s$/.test(toks[j].word) && !/s$/.test(toks[j + 1].word)) return j + 1;
  while (k + 1 < toks.length && joined(q, toks, k + 1)) k++;
  return k + 1 < toks.length ? k + 1 : -1;
}

/**
 * The shape of a claim in a query, or null when it has none that these rules read (a bare topic, a motion with its
 * own policy words, an open question). `toks` are the query's tokens.
 */
export function claimShape(q: string, toks: Token[]): ClaimShape | null {
  const n = toks.length;
  if (n < 3) return null;
  const first = toks[0].word;
  if (COPULA.test(first)) {
    // "is S P": the subject runs until a participle, a determiner after it has begun, or its last word.
    for (let k = 2; k < n; k++) if (predicateStarts(toks, k)) return { subject: [1, k], predicate: [k, n] };
    return null;
  }
  if (DO.test(first) || SHOULD.test(first)) {
    const v = verbOf(q, toks, first === 'don' || first === 'doesn' || first === 'didn' ? 2 : 1);
    const from = toks[1].word === 't' ? 2 : 1;
    if (v <= from || v >= n) return null;
    return SHOULD.test(first) ? { subject: [from, v], predicate: [v, n], verb: v } : { subject: [from, v], predicate: [v, n] };
  }
  // A statement: "S is P", "S causes O".
  for (let k = 1; k < n - 1; k++) {
    if (COPULA.test(toks[k].word)) return { subject: [0, k], predicate: [k + 1, n] };
    if (/[^s]s$/.test(toks[k].word) && !/s$/.test(toks[k - 1].word) && k <= 3 && !joined(q, toks, k)) return { subject: [0, k], predicate: [k, n] };
  }
  return null;
}
