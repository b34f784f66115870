// Ranking: the BM25 candidates, rescored by what each passage does with the query's topic. A passage that defines
// it, the paragraph answering that definition, and one the discussion turns on (others quote it and reply) go up; a
// one-line acknowledgement, a bare link or a quote line that only repeats another paragraph goes down. (Claims and
// verdicts read by positions/stance.ts were measured too, and dropped: see docs/quality-and-speed.md.)
// Features are read lazily, for the best candidates only, so the index stays as it is.
import type { Passage } from '../core/types.ts';
import type { ScoredDoc } from './bm25.ts';
import { parseTopic, type Topic } from '../positions/stance.ts';
import { wordsOf, type Word } from '../positions/words.ts';
import { isQuoteLine, repliesByQuote, type Corpus } from '../positions/quotes.ts';
import type { CorpusView } from '../positions/index.ts';

/**
 * The knobs, chosen with npm run eval (see docs/quality-and-speed.md for what was tried): candidates rescored, weight
 * of the surrounding conversation and how far it reaches, the length under which a passage is damped, how many of
 * the best are read for what they say, and the factor each reading applies.
 */
export const rankParams = {
  candidates: 300,
  context: 0.3,
  window: 1,
  shortTerms: 10,
  read: 60,
  follower: 0.5,
  definition: 0.6,
  quoted: 0.15,
  acknowledgement: 0.8,
  link: 0.3,
  quoteLine: 0.7,
  together: 0.1,
  togetherReach: 5,
};

/** Why a passage ranks where it does: its BM25 score and each factor applied to it. */
export interface Why {
  bm25: number;
  /** Factor for a passage under `shortTerms` index terms. */
  brevity?: number;
  /** Added for strong matches next to it in the same thread. */
  context?: number;
  /** What it does with the topic, and the factor that gives: "claim", "definition", "quoted by 2", … */
  reads?: string[];
  factor?: number;
  score: number;
}

export interface Ranked {
  doc: number;
  score: number;
  why: Why;
}

export interface RankCorpus extends Corpus {
  index: { idf(term: string): number; docLen(doc: number): number };
  /** The passage of an index document. */
  passageOf(doc: number): Passage;
  /** The passage at a corpus position, if there is one to see (passages added while serving sit past the end). */
  passageAt(ord: number): Passage | undefined;
  /** The index document of a passage (of its first occurrence for a copy), -1 when none. */
  docOf(p: Passage): number;
  /** Reply structure of records (`parent`, blockquotes), when the corpus has it. */
  view?: Pick<CorpusView, 'structure' | 'added'>;
}

/** Scores BM25 candidates: brevity, conversation context, then what the best of them say about the topic. */
export function rankCandidates(found: ScoredDoc[], c: RankCorpus, topicText: string, compounds: Compound[] = [], terms: string[] = []): Ranked[] {
  const own = new Map(found.map((f) => [f.doc, f.score * brevity(c.index, f.doc)]));
  const ranked = found.map((f): Ranked => {
    const b = brevity(c.index, f.doc);
    const ctx = rankParams.context * context(c, f.doc, own);
    const score = own.get(f.doc)! + ctx;
    return { doc: f.doc, score, why: { bm25: round(f.score), ...(b < 1 && { brevity: round(b) }), ...(ctx > 0 && { context: round(ctx) }), score } };
  });
  ranked.sort(byScore);
  const topic = parseTopic(topicText);
  // A compound is one term in any spelling ("pre-training", "pre training", "pretraining"): its closed form.
  for (const k of compounds) {
    for (const part of k.parts) topic.terms.delete(part);
    topic.terms.add(k.term);
  }
  // The terms that name the topic on their own: those nearly as rare as its rarest ("hyperstition", not "model").
  if (topic.terms.size > 1) {
    const idf = (t: string) => c.index.idf(t);
    const top = Math.max(...[...topic.terms].map(idf));
    topic.key = new Set([...topic.terms].filter((t) => idf(t) >= KEY_SHARE * top));
  }
  const byDoc = new Map(ranked.map((r) => [r.doc, r]));
  const follows: Ranked[] = [];
  for (const r of ranked.slice(0, rankParams.read)) {
    const p = c.passageOf(r.doc);
    const { factor, reads } = readPassage(c, p, topic, compounds, terms);
    if (!reads.length) continue;
    const base = r.score;
    r.score *= factor;
    r.why.reads = reads;
    r.why.factor = round(factor);
    // The paragraph right after a definition answers it ("This is X: …" then "That said, this is an insane way
    // of solving it"): it is about the topic too, named or not.
    if (reads[0] !== 'definition') continue;
    const next = followerOf(c, p);
    if (next < 0) continue;
    const score = rankParams.follower * base;
    const had = byDoc.get(next);
    if (had && had.score >= score) continue;
    const f: Ranked = had ?? { doc: next, score: 0, why: { bm25: 0, score: 0 } };
    f.score = score;
    f.why.reads = [...(f.why.reads ?? []), 'follows a definition'];
    if (!had) {
      byDoc.set(next, f);
      follows.push(f);
    }
  }
  ranked.push(...follows);
  for (const r of ranked) r.why.score = round(r.score);
  return ranked.sort(byScore);
}

/** A query compound as index terms: its closed form and its parts ("pretrain": "pre", "train"). */
export interface Compound {
  term: string;
  parts: string[];
}

/** A passage's words with the query's compounds read as one word, however written ("pre-training", "pre training"). */
function withCompounds(words: Word[], compounds: Compound[]): Word[] {
  if (!compounds.length) return words;
  let out: Word[] | null = null;
  for (let i = 0; i < words.length; i++) {
    const k = compounds.find((k) => k.parts.every((t, j) => words[i + j]?.stem === t && (j === 0 || !words[i + j].brk)));
    if (!k) {
      out?.push(words[i]);
      continue;
    }
    out ??= words.slice(0, i);
    const last = words[i + k.parts.length - 1];
    out.push({ ...words[i], word: k.parts.join(''), stem: k.term, end: last.end });
    i += k.parts.length - 1;
  }
  return out ?? words;
}

/** Share of the rarest topic term's rarity that makes a term name the topic on its own. */
const KEY_SHARE = 0.8;

const byScore = (a: Ranked, b: Ranked) => b.score - a.score || a.doc - b.doc;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** The index document of the paragraph after `p` in the same file and thread (-1 if none, or a quote line). */
function followerOf(c: RankCorpus, p: Passage): number {
  const n = c.passageAt(p.ord + 1);
  if (!n || n.file !== p.file || n.thread !== p.thread || isQuoteLine(c, n)) return -1;
  return c.docOf(n);
}

/** Very short passages ("What about filtering?") say little on their own: damp them. */
function brevity(index: RankCorpus['index'], doc: number): number {
  const len = index.docLen(doc);
  return len >= rankParams.shortTerms ? 1 : Math.sqrt(Math.max(len, 1) / rankParams.shortTerms);
}

/**
 * How strongly the conversation around a passage matches: the best score among its neighbours in the same file and
 * thread, discounted by distance. Comment threads discuss a topic over several consecutive replies, so a passage
 * next to strong matches is more likely on topic than one that matches alone.
 */
function context(c: RankCorpus, doc: number, own: Map<number, number>): number {
  const p = c.passageOf(doc);
  let best = 0;
  for (let d = 1; d <= rankParams.window; d++) {
    for (const o of [p.ord - d, p.ord + d]) {
      const n = c.passageAt(o);
      if (!n || n.file !== p.file || n.thread !== p.thread) continue;
      const nd = c.docOf(n);
      const s = nd >= 0 && nd !== doc ? (own.get(nd) ?? 0) / d : 0;
      if (s > best) best = s;
    }
  }
  return best;
}

/** What a passage does with the topic: each reading with the factor it applies to the score. */
function readPassage(c: RankCorpus, p: Passage, topic: Topic, compounds: Compound[], terms: string[]): { factor: number; reads: string[] } {
  const reads: string[] = [];
  let factor = 1;
  const apply = (what: string, f: number) => {
    reads.push(what);
    factor *= f;
  };
  const text = p.text;
  if (isLinkOnly(text)) apply('link only', rankParams.link);
  else if (isQuoteLine(c, p)) apply('quote line', rankParams.quoteLine);
  else if (isAcknowledgement(text)) apply('acknowledgement', rankParams.acknowledgement);
  else {
    const words = withCompounds(wordsOf(p), compounds);
    if (defines(text, words, topic)) apply('definition', 1 + rankParams.definition);
    const quoted = repliesByQuote(c, p).length;
    const replied = repliesTo(c, p);
    if (quoted) reads.push(`quoted by ${quoted}`);
    if (replied) reads.push(`replied to by ${replied}`);
    if (quoted + replied) factor *= 1 + rankParams.quoted * Math.min(quoted + replied, 3);
    // The query's words side by side ("reward hacking is acceptable") say something about the topic as a whole;
    // spread over a paragraph they are often mentions of its parts.
    const span = spanOf(words, terms);
    if (span) apply(`${span.found} query words within ${span.words}`, 1 + rankParams.together / (1 + (span.words - span.found) / rankParams.togetherReach));
  }
  return { factor, reads };
}

/**
 * Replies a passage receives through the corpus's own reply structure: records whose `parent` is its record (a
 * reply answers the whole comment, so each of its paragraphs counts it), and passages quoting it in a blockquote.
 * Plain-text quote lines are counted by repliesByQuote.
 */
function repliesTo(c: RankCorpus, p: Passage): number {
  const v = c.view;
  if (!v) return 0;
  const st = v.structure();
  let n = (st.quotedIn.get(p.id)?.length ?? 0) + (v.added?.quoting(p.id).length ?? 0);
  if (p.record) n += (st.children.get(p.record)?.length ?? 0) + (v.added?.replies(p.record).length ?? 0);
  return n;
}

/**
 * The fewest consecutive words holding every distinct query term the passage uses (two or more), or null: a sliding
 * window over the words, linear in the passage.
 */
function spanOf(words: Word[], terms: string[]): { found: number; words: number } | null {
  if (terms.length < 2) return null;
  const at: number[] = [];
  const kind: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const k = terms.indexOf(words[i].stem);
    if (k >= 0) {
      at.push(i);
      kind.push(k);
    }
  }
  const found = new Set(kind).size;
  if (found < 2) return null;
  const count = new Array<number>(terms.length).fill(0);
  let have = 0;
  let best = Infinity;
  for (let hi = 0, lo = 0; hi < at.length; hi++) {
    if (count[kind[hi]]++ === 0) have++;
    while (have === found) {
      best = Math.min(best, at[hi] - at[lo] + 1);
      if (--count[kind[lo++]] === 0) have--;
    }
  }
  return { found, words: best };
}

const URL = /\b(?:https?:\/\/|www\.)\S+/gi;

/** A line that is a link and little else. */
function isLinkOnly(text: string): boolean {
  if (!URL.test(text)) return false;
  URL.lastIndex = 0;
  return text.replace(URL, ' ').split(/\s+/).filter((w) => /\p{L}/u.test(w)).length < 4;
}

/** Words that open a reply acknowledging the one before: "Yeah you are correct", "Thanks!", "Good point." */
const ACK = /^\W*(?:yeah|yes|yep|yup|thanks|thank you|agreed|good point|fair enough|fair|sure|right|true|indeed|exactly|great|nice|ok|okay|haha|lol|makes sense)\b/i;
/** Up to this many words a reply that opens so is a one-line acknowledgement. */
const ACK_WORDS = 25;

function isAcknowledgement(text: string): boolean {
  return ACK.test(text) && text.split(/\s+/).length <= ACK_WORDS;
}

/** The punctuation an apposition opens with: a dash, a comma, a colon or a parenthesis. */
const APPOSITION = /^\s*(?:-{2}|[—–,:(])\s*$/;
const GLOSS_NOUN = /^(idea|claim|notion|view|theory|hypothesis|thesis|concept|belief|phenomenon)$/;

/** "the idea that", "a claim that", "the notion of": words that open a gloss of what was just named. */
function glosses(words: Word[], j: number): boolean {
  return /^(the|a|an)$/.test(words[j].word) && GLOSS_NOUN.test(words[j + 1]?.word ?? '') && /^(that|of|where)$/.test(words[j + 2]?.word ?? '');
}

/**
 * Whether a passage defines the topic: "By hyperstition, I mean …", "hyperstition means …", "This is “inoculation
 * prompting”: …", "X refers to …".
 */
function defines(text: string, words: Word[], topic: Topic): boolean {
  for (let i = 0; i < words.length; i++) {
    if (!topic.terms.has(words[i].stem)) continue;
    const prev = words[i - 1]?.word;
    // "By X, I mean", "what I mean by X"
    if (prev === 'by' && /^(i|we)$/.test(words[i + 1]?.word ?? '') && /^mean/.test(words[i + 2]?.word ?? '')) return true;
    if (prev === 'by' && words[i - 2]?.word === 'mean') return true;
    // "X means", "X refers to", "X is defined as"; the topic may run over several words ("inoculation prompting means").
    let j = i + 1;
    while (j < words.length && topic.terms.has(words[j].stem) && !words[j].brk) j++;
    const next = words[j]?.word;
    if (next === 'means' || next === 'refers' || (next && /^(is|are)$/.test(next) && words[j + 1]?.word === 'defined')) return true;
    // "This is “X”: …" — a name given to what was just described.
    if (prev === 'is' && /^(this|that)$/.test(words[i - 2]?.word ?? '') && words[j]?.brk) return true;
    // "the theory of X-- the idea that …", "X (i.e. …)": an apposition that says what it is.
    if (j < words.length && APPOSITION.test(text.slice(words[j - 1].end, words[j].start)) && (glosses(words, j) || (next === 'i' && words[j + 1]?.word === 'e'))) return true;
  }
  return false;
}
