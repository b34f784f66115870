// Positions and exchanges for a topic, from the passages the engine found relevant (about 60, best first).
//
// 1. Keep the passages that are about the topic (they name most of its words, weighted by rarity). A quote line
//    stands in for the paragraph it quotes; a partial copy of a longer relevant passage counts once.
// 2. Read each passage's side from its own words (stance.ts): proposals ("should not abolish"), verdicts ("is a
//    real phenomenon", "not related to X"), judging words in the topic's clause turned by shifters ("reduces
//    bullying") and negation.
// 3. Passages without such words take the side of the passages they share the most words with, if those agree.
// 4. Within each side, group short passages by the words they share (group.ts): each group is one point made.
//    Long comments make several points, so there each side is one position.
// 5. Label each position with a phrase its passages share, or the words around its best passage's cue.
// Every step is recorded in `why`, per passage; passages that fit no position are counted in a notice.
import type { ReplyStructure } from '../search/passage-store.ts';
import type { Exchange, Passage, PassageHit, Position, Stance } from '../core/types.ts';
import { clipText, termsOf } from '../core/text.ts';
import { clearWords, sentenceRanges, wordsOf, type Word } from './words.ts';
import { parseTopic, readStance, type Reading, type Topic } from './stance.ts';
import { contentTerms, cosine, groupSides, vectorOf, type Group, type Member, type Vec } from './group.ts';
import { original, quotedBy, replyAfter, unsourcedQuote } from './quotes.ts';
import { openingOf as replyOpening, type Opening } from './replies.ts';
import { openingOf, quoteCue, sentenceAt } from './label.ts';
import { exchangesFor } from './exchanges.ts';
import { correctionsFor, keyOf, type Correction } from './corrections.ts';
import { excerpt } from '../core/excerpt.ts';
import { questionKind } from './question.ts';

/** A relevant passage as the engine found it: the passage, its retrieval score, and how it is shown. */
export interface Relevant {
  passage: Passage;
  score: number;
  hit: PassageHit;
}

/** What the engine gives the positions step: the query, the relevant passages (best first) and the corpus. */
export interface PositionInput {
  query: string;
  /** Folded query words (typed, corrected, and negated forms found), for excerpts. */
  words: string[];
  /**
   * The text the topic is read from: the query with its typos corrected, linking and policy words kept ("is … real",
   * "should ban"). Not `words`: a negated form the search also matched ("unfalsifiable") is not what the query is
   * about. Defaults to `query`.
   */
  topic?: string;
  relevant: Relevant[];
  corpus: CorpusView;
  /** The asking community's corrections of sides (corrections.ts); applied after Crux's own reading. */
  corrections?: readonly Correction[];
}

/** Read-only view of the loaded corpus. */
export interface CorpusView {
  /** Every passage in corpus order, copies included. */
  passages: Passage[];
  byId(id: string): Passage | undefined;
  /** Inverse document frequency of an index term (see text.termOf). */
  idf(term: string): number;
  /** How many passages use an index term (0: none). */
  df(term: string): number;
  /** Shows a passage as an answer would: verbatim excerpt around the query words. */
  show(p: Passage, words: string[], score: number): PassageHit;
  /** Reply structure of the passages added while serving (src/core/live.ts), which `passages` does not hold. */
  added?: AddedStructure;
  /** Reply structure: each record's paragraphs (copies left out), the records replying to it, and by passage id the passages answering its blockquotes. */
  structure(): ReplyStructure;
  /** Copies of a passage, by the id of its first occurrence. */
  copies(): { get(id: string): Passage[] | undefined };
}

/** Reply structure of passages added while serving: only those this view may see. */
export interface AddedStructure {
  /** Paragraphs of a record, in order. */
  paragraphs(record: string): Passage[];
  /** Records replying to a record. */
  replies(record: string): string[];
  /** Passages answering a blockquote of the passage with this id. */
  quoting(id: string): Passage[];
}

/** The tunable numbers of the method, in one place (see the README's "Positions and exchanges"). */
export const positionParams = {
  /** Share of the topic's (idf-weighted) words a passage must name to be about it. */
  about: 0.5,
  /** Fewer passages about the topic than this: too little to tell positions apart. */
  minAbout: 4,
  /** Smallest |score| of a passage's own cues that decides its side. */
  minCue: 0.75,
  /** The same for a long passage that only judges (states no side on the topic itself). */
  minJudged: 2,
  /** Neighbours consulted when a passage has no side of its own, and how clearly they must agree. */
  neighbours: 5,
  agree: 0.7,
  minSimilarity: 0.12,
  /** Smallest group that makes a point. */
  minGroup: 4,
  /** Fewest passages that make a side a position of its own. */
  minSide: 2,
  /** More positions than this would be noise. */
  maxPositions: 6,
  /** Groups of passages without a side shown after the sided positions, at most. */
  maxUnsided: 2,
  /** Smallest mean share (by squared word weight) of a group's shared words in its passages' words. */
  tight: 0.1,
  /** Words used by more than this share of the passages cannot anchor a group; nor words whose passages take the
   * group's side less often than anchorPurity. */
  common: 0.4,
  anchorPurity: 0.6,
};

/** One passage as the positions step sees it. */
export interface Item {
  r: Relevant;
  reading: Reading;
  terms: Set<string>;
  /** The content terms weighted (rarer words weigh more), for comparing passages. */
  vec: Vec;
  side: number;
  /** How the side was found. */
  how: 'own' | 'reply' | 'neighbours' | 'none' | 'corrected';
  /** For "neighbours" and "reply": the passages that decided it. */
  from: number[];
  /** For "reply": how the reply meets the passage it answers (or is answered by), as written. */
  opening?: string;
  /** For "reply" to a quote line whose source is not in the corpus: the line it answers, and the side that line takes. */
  quoted?: { text: string; side: number };
  /** For "corrected": the community's correction. */
  correction?: Correction;
}

/** What findPositions works out once and findExchanges reuses. */
export interface Analysis {
  topic: Topic;
  items: Item[];
  positions: Position[];
  /** Passage id -> index of its position. */
  positionOf: Map<string, number>;
}
const analyses = new WeakMap<PositionInput, Analysis>();

/** For tools that study the method (scripts, tests): called with every analysis, passages left out included. */
export const hooks: { onAnalysis?: (a: Analysis, input: PositionInput) => void } = {};

/** Share of the topic's words (weighted by rarity) that a passage names. */
function aboutness(words: Word[], topic: Topic, weight: (t: string) => number): number {
  let got = 0;
  let all = 0;
  for (const t of topic.terms) {
    const w = weight(t);
    all += w;
    if (words.some((x) => x.stem === t)) got += w;
  }
  return all ? got / all : 0;
}

/** Whether a passage is about the topic: it names at least `about` of the topic's words, by weight. */
function aboutTest(input: PositionInput, topic: Topic): (p: Passage) => boolean {
  const weight = weightOf(input.corpus);
  return (p) => aboutness(wordsOf(p), topic, weight) >= positionParams.about;
}

/**
 * Passages (by index) whose every sentence also occurs in one longer passage of the list: partial copies, which
 * count once, in the longer passage. Sentences are compared by their folded words (punctuation and case aside).
 */
function partialCopies(ps: Passage[]): Set<number> {
  const where = new Map<string, number[]>();
  const sents = ps.map((p, k) => {
    const words = wordsOf(p);
    const keys = sentenceRanges(words).map(([a, b]) => words.slice(a, b).map((w) => w.word).join(' '));
    for (const key of keys) {
      const l = where.get(key);
      if (l) l.push(k);
      else where.set(key, [k]);
    }
    return keys;
  });
  const out = new Set<number>();
  ps.forEach((p, k) => {
    if (!sents[k].length) return;
    const holders = where.get(sents[k][0])!.filter((j) => j !== k && ps[j].text.length > p.text.length);
    if (holders.some((j) => sents[k].every((s) => where.get(s)!.includes(j)))) out.add(k);
  });
  return out;
}

/** Passages longer than this make their point in the sentences that name the topic: only those are compared. */
const LONG_PASSAGE = 300;

/** The sentences of a long passage that name the topic (all of a short one): where it makes its point. */
function focusOf(text: string, words: Word[], topic: Topic): Array<[number, number]> | undefined {
  if (text.length <= LONG_PASSAGE) return undefined;
  const named = sentenceRanges(words).filter(([a, b]) => words.slice(a, b).some((w) => topic.terms.has(w.stem)));
  return named.length ? named : undefined;
}

const weightCache = new WeakMap<CorpusView, Map<string, number>>();
/** Weight of a word when comparing passages: its rarity in the corpus (inverse document frequency). */
function weightOf(corpus: CorpusView): (t: string) => number {
  let m = weightCache.get(corpus);
  if (!m) weightCache.set(corpus, (m = new Map()));
  const cache = m;
  return (t) => {
    let w = cache.get(t);
    if (w === undefined) {
      if (cache.size > 200_000) cache.clear();
      cache.set(t, (w = Math.max(corpus.idf(t), 0.1)));
    }
    return w;
  };
}

/** The topic terms that name it alone: those nearly as rare in the corpus as its rarest one. */
function keyTerms(topic: Topic, idf: (t: string) => number): Set<string> | null {
  if (topic.terms.size < 2) return null;
  const top = Math.max(...[...topic.terms].map(idf));
  return new Set([...topic.terms].filter((t) => idf(t) >= 0.8 * top));
}

/**
 * What the query is about (stance.ts: parseTopic), less the words no passage uses: they cannot tell which passages
 * are about it ("why would anyone want a four-day week" in a corpus that never says "anyone").
 */
function topicOf(input: PositionInput): Topic {
  const topic = parseTopic(input.topic ?? input.query);
  const used = [...topic.terms].filter((t) => input.corpus.df(t) > 0);
  if (used.length) topic.terms = new Set(used);
  // A long text (a message someone asked Crux to find the crux of) is about the few words its passages share most:
  // no passage names half of a paragraph's words.
  if (topic.terms.size > MANY_TERMS) {
    const uses = new Map([...topic.terms].map((t) => [t, 0]));
    for (const r of input.relevant.slice(0, TEXT_POOL)) for (const t of new Set(wordsOf(r.passage).map((w) => w.stem))) if (uses.has(t)) uses.set(t, uses.get(t)! + 1);
    const idf = (t: string) => input.corpus.idf(t);
    const ranked = [...uses].sort((a, b) => b[1] - a[1] || idf(b[0]) - idf(a[0]));
    const top = ranked[0][1];
    topic.terms = new Set(ranked.filter(([, n], i) => i === 0 || (n >= SHARED * top && i < TEXT_TERMS)).map(([t]) => t));
  }
  topic.key = keyTerms(topic, (t) => input.corpus.idf(t));
  return topic;
}

/**
 * More topic words than this make a text rather than a topic. A text's topic is the word its TEXT_POOL best passages
 * use most, with up to TEXT_TERMS - 1 more that at least SHARED as many of them use.
 */
const MANY_TERMS = 6;
const TEXT_TERMS = 3;
const SHARED = 0.7;
const TEXT_POOL = 10;

type Read = { reading: Reading; terms: Set<string>; vec: Vec };
/** How many recent topics keep their passages' readings (per corpus): a topic asked again reuses them. */
const TOPICS_KEPT = 32;
let readingCache = new WeakMap<CorpusView, Map<string, Map<Passage, Read>>>();

/** The readings kept for a topic (its terms, direction and query words), created empty when new. */
function readingsFor(corpus: CorpusView, topic: Topic, queryTerms: Set<string>): Map<Passage, Read> {
  let byTopic = readingCache.get(corpus);
  if (!byTopic) readingCache.set(corpus, (byTopic = new Map()));
  // Everything the reading depends on: the claim and the kind of question too ("hyperstition" and "is hyperstition
  // real" search the same words but read passages differently).
  const key = [keyOf(topic), topic.direction, [...(topic.key ?? [])].sort().join(' '), topic.head ?? '', [...(topic.joined ?? [])].sort().join(' '), [...queryTerms].sort().join(' ')].join('|');
  let m = byTopic.get(key);
  if (m) {
    byTopic.delete(key); // most recent last
  } else {
    m = new Map();
    if (byTopic.size >= TOPICS_KEPT) byTopic.delete(byTopic.keys().next().value!);
  }
  byTopic.set(key, m);
  return m;
}

/** Forgets what was kept between answers (readings and words), e.g. to time the step from cold. */
export function clearPositionCaches(): void {
  readingCache = new WeakMap();
  clearWords();
}

/** What a side is called: for or against a topic or claim, yes or no to a yes/no question. */
function sideNamer(query: string): (side: number) => Stance {
  const [yes, no]: Stance[] = questionKind(query) === 'yes-no' ? ['yes', 'no'] : ['for', 'against'];
  return (side) => (side > 0 ? yes : side < 0 ? no : 'unclear');
}

function analyse(input: PositionInput): Analysis {
  const cached = analyses.get(input);
  if (cached) return cached;
  const P = positionParams;
  const { corpus } = input;
  const topic = topicOf(input);
  // Every word of the query (its policy words too) says nothing about which point a passage makes.
  const queryTerms = new Set([...topic.terms, ...termsOf(input.words.join(' ') || input.query)]);
  const weight = weightOf(corpus);
  const isAbout = aboutTest(input, topic);
  const readings = readingsFor(corpus, topic, queryTerms);
  const items: Item[] = [];
  const rel = input.relevant;
  const copied = partialCopies(rel.map((r) => r.passage));
  const present = new Set(rel.map((r) => r.passage));
  /** Replies to quote lines whose source is not in the corpus: the side the quoted words take. */
  const answering = new Map<Passage, { side: number; text: string }>();
  for (let k = 0; k < rel.length; k++) {
    let r = rel[k];
    // A quote line's words belong to the paragraph it quotes: that paragraph stands in for it (once).
    const source = quotedBy(corpus, r.passage);
    if (source) {
      if (present.has(source)) continue;
      present.add(source);
      r = { passage: source, score: r.score, hit: corpus.show(source, input.words, r.score) };
    }
    const text = r.passage.text;
    const words = wordsOf(r.passage);
    // A quote line without its source in the corpus: the quoted words take a side only for the reply to them.
    const reply = unsourcedQuote(corpus, r.passage);
    if (reply) {
      const said = readStance(text, topic, words);
      const side = Math.abs(said.score) >= P.minCue && !torn(said) ? Math.sign(said.score * topic.direction) : 0;
      if (side) answering.set(reply, { side, text });
      continue;
    }
    if (!isAbout(r.passage)) continue;
    // A passage whose sentences another relevant passage repeats in full (a partial copy) counts once, in the longer.
    if (copied.has(k)) continue;
    let read = readings.get(r.passage);
    if (!read) {
      const reading = readStance(text, topic, words);
      const terms = contentTerms(words, queryTerms, focusOf(text, words, topic));
      readings.set(r.passage, (read = { reading, terms, vec: vectorOf(terms, weight) }));
    }
    const { reading, terms, vec } = read;
    // A long comment judges many things: unless it states a side on the topic itself, its judging words must agree more.
    const needed = reading.stated || text.length <= LONG_PASSAGE ? P.minCue : P.minJudged;
    // Evidence both ways of like strength: abstain (a wrong side is worse than none).
    const own = Math.abs(reading.score) >= needed && !torn(reading) ? Math.sign(reading.score * topic.direction) : 0;
    items.push({ r, reading, terms, vec, side: own, how: own ? 'own' : 'none', from: [] });
  }
  replySides(items, corpus, answering);
  // Short passages without cues of their own take the side their closest neighbours agree on. Not forum comments:
  // sharing words with a comment is no sign of sharing its side.
  for (const it of items) {
    if (it.how !== 'none' || it.r.passage.text.length > LONG_PASSAGE) continue;
    const near = items
      .map((o, j) => ({ j, o, s: o.how === 'own' && o.r.passage.text.length <= LONG_PASSAGE ? cosine(it.vec, o.vec) : 0 }))
      .filter((x) => x.s >= P.minSimilarity)
      .sort((a, b) => b.s - a.s)
      .slice(0, P.neighbours);
    const total = near.reduce((s, x) => s + x.s, 0);
    const vote = near.reduce((s, x) => s + x.s * x.o.side, 0);
    const agreeing = near.filter((x) => Math.sign(x.o.side) === Math.sign(vote)).length;
    if (total > 0 && Math.abs(vote) / total >= P.agree && agreeing >= 2) {
      it.side = Math.sign(vote);
      it.how = 'neighbours';
      it.from = near.filter((x) => x.o.side === it.side).map((x) => x.j);
    }
  }
  // The community's corrections come last: they overrule Crux's reading (and say so).
  const corrected = correctionsFor(input.corrections, input.topic ?? input.query);
  for (const it of items) {
    const c = corrected.get(it.r.passage.id);
    if (c) Object.assign(it, { side: c.toward * topic.direction, how: 'corrected', from: [], correction: c });
  }
  const result: Analysis = { topic, items, positions: [], positionOf: new Map() };
  analyses.set(input, result);
  if (items.length >= P.minAbout) place(result, input);
  hooks.onAnalysis?.(result, input);
  return result;
}

/**
 * Sides through the reply graph: a reply that opens by agreeing with a sided passage ("Yes,", "I agree") takes its
 * side, one that opens by disagreeing ("I disagree", "No —", "Sure, but") the other; and a passage without a side of
 * its own takes one from a sided reply that plainly agrees or disagrees with it. Twice, so a side travels two hops.
 */
function replySides(items: Item[], corpus: CorpusView, answering: Map<Passage, { side: number; text: string }>): void {
  const at = new Map(items.map((it, i) => [original(corpus, it.r.passage).id, i]));
  for (const it of items) {
    const q = answering.get(original(corpus, it.r.passage));
    const o = q && it.how === 'none' ? replyOpening(it.r.passage.text) : null;
    if (o && q) Object.assign(it, { side: q.side * o.polarity, how: 'reply', from: [], opening: it.r.passage.text.slice(o.start, o.end), quoted: { text: clipText(q.text), side: q.side } });
  }
  const links: Array<{ reply: number; claim: number; o: Opening; text: string }> = [];
  items.forEach((it, i) => {
    const p = it.r.passage;
    const o = replyOpening(p.text);
    if (!o) return;
    const claim = answeredBy(corpus, p);
    const c = claim ? at.get(original(corpus, claim).id) : undefined;
    if (c !== undefined && c !== i) links.push({ reply: i, claim: c, o, text: p.text.slice(o.start, o.end) });
  });
  for (let round = 0; round < 2; round++) {
    for (const { reply, claim, o, text } of links) {
      const r = items[reply];
      const c = items[claim];
      if (r.how === 'none' && c.side && (c.how === 'own' || c.how === 'reply')) {
        Object.assign(r, { side: c.side * o.polarity, how: 'reply', from: [claim], opening: text });
      } else if (c.how === 'none' && r.side && r.how === 'own' && o.weight === 1) {
        Object.assign(c, { side: r.side * o.polarity, how: 'reply', from: [reply], opening: text });
      }
    }
  }
}

/** The passage a reply answers: its parent record's first paragraph, the paragraph it quotes, or the paragraph
 * repeated by the quote line just before it. Only a reply's first paragraph answers. */
function answeredBy(corpus: CorpusView, p: Passage): Passage | undefined {
  if (p.quotes) return corpus.byId(p.quotes);
  if (p.record && p.parent) {
    const st = corpus.structure();
    const own = st.byRecord.get(p.record);
    if (own && own[0] !== original(corpus, p)) return undefined;
    return st.byRecord.get(p.parent)?.[0];
  }
  for (let o = p.ord - 1; o >= Math.max(0, p.ord - 6); o--) {
    const q = corpus.passages[o];
    const src = quotedBy(corpus, q);
    if (src && replyAfter(corpus, q) === p) return src;
  }
  return undefined;
}

/** Whether a reading holds evidence for both sides, the weaker at least half the stronger. */
function torn(reading: Reading): boolean {
  let plus = 0;
  let minus = 0;
  for (const c of reading.cues) {
    if (c.polarity > 0) plus += c.weight;
    else minus += c.weight;
  }
  return Math.min(plus, minus) >= 0.5 * Math.max(plus, minus);
}

/** Forms the positions of an analysis: groups within each side, or whole sides, labelled and explained. */
function place(result: Analysis, input: PositionInput): void {
  const P = positionParams;
  const { items, topic } = result;
  const weight = weightOf(input.corpus);

  const members: Member[] = items.map((it, i) => ({ i, terms: it.terms, side: it.side }));
  // Shared words single out a point only in short passages that make one; long comments make several, so there
  // each side is one position.
  const lengths = items.map((it) => it.r.passage.text.length).sort((a, b) => a - b);
  const short = lengths[Math.floor(lengths.length / 2)] <= LONG_PASSAGE;
  let groups: Group[] = short ? groupSides(members, { minSize: P.minGroup, weight, common: P.common, purity: P.anchorPurity }) : [];
  // A group is a point only if its shared words are a real part of what its passages say (not one word among
  // fifty in a long comment).
  const share = (i: number, anchors: string[]) => {
    let a = 0;
    let all = 0;
    for (const t of items[i].terms) {
      const w = weight(t) ** 2;
      all += w;
      if (anchors.includes(t)) a += w;
    }
    return all ? a / all : 0;
  };
  groups = groups.filter((g) => g.members.reduce((s, i) => s + share(i, g.anchors), 0) / g.members.length >= P.tight);
  // A side that makes no repeated point is one position on its own; one passage whose own words take it is enough
  // (its reading already had to clear the bar for a side: a lone clear voice is still a side of the debate).
  for (const side of [1, -1]) {
    const mine = items.map((it, i) => (it.side === side ? i : -1)).filter((i) => i >= 0);
    const plain = mine.some((i) => items[i].how === 'own');
    if ((mine.length >= P.minSide || plain) && !groups.some((g) => g.side === side)) groups.push({ side, members: mine, anchors: [] });
  }
  // Passages without a side that make the same point: shown as a group, without a verdict.
  const open = members.filter((m) => m.side === 0).map((m) => ({ ...m, side: 1 }));
  const unsided = groupSides(open, { minSize: P.minGroup, weight, common: P.common, purity: P.anchorPurity })
    .filter((g) => g.members.reduce((s, i) => s + share(i, g.anchors), 0) / g.members.length >= P.tight)
    .slice(0, P.maxUnsided)
    .map((g) => ({ ...g, side: 0 }));
  // Only beside a lone side, which leaves most passages unplaced: beside two clear sides such groups only blur them.
  groups = pick(groups, P.maxPositions);
  // (With no side at all, the notice says so instead: groups alone would read as sides.)
  if (groups.length === 1) groups = [...groups, ...unsided].slice(0, P.maxPositions);
  const sideName = sideNamer(input.query);
  result.positions = groups.map((g) => toPosition(g, items, topic, input, weight, sideName));
  result.positions.forEach((p, pi) => p.passages.forEach((h) => result.positionOf.set(h.id, pi)));
}

/** The biggest groups, but each side's biggest one first, so that both sides are heard when both exist. */
function pick(groups: Group[], max: number): Group[] {
  const bySize = [...groups].sort((a, b) => b.members.length - a.members.length || a.side - b.side);
  const firsts = [1, -1].map((s) => bySize.find((g) => g.side === s)).filter((g): g is Group => !!g);
  const rest = bySize.filter((g) => !firsts.includes(g));
  return [...firsts, ...rest].slice(0, max).sort((a, b) => b.members.length - a.members.length);
}

function toPosition(g: Group, items: Item[], topic: Topic, input: PositionInput, weight: (t: string) => number, sideName: (side: number) => Stance): Position {
  // Best representative first: the passage most like the others, with its own cue, ranked higher by retrieval.
  // Mean similarity to the other members: (v_i · Σv − v_i · v_i) / (m − 1), with unit vectors.
  const sum: Vec = new Map();
  for (const j of g.members) for (const [t, x] of items[j].vec) sum.set(t, (sum.get(t) ?? 0) + x);
  const centrality = (i: number) => (cosine(items[i].vec, sum) - (items[i].vec.size ? 1 : 0)) / Math.max(1, g.members.length - 1);
  // In a whole side (no shared words), the passages that state the side most plainly come first.
  // (A short passage that states it beats a long one that states it in passing.)
  const plain = (i: number) =>
    (items[i].reading.stated ? 1 : 0) + Math.min(1, Math.abs(items[i].reading.score) / 4) + 0.3 * Math.min(1, 200 / items[i].r.passage.text.length);
  const rank = new Map(g.members.map((i) => [i, (g.anchors.length ? centrality(i) : plain(i)) + (items[i].how === 'own' ? 0.2 : 0) + 0.1 / (1 + i)]));
  const order = [...g.members].sort((a, b) => rank.get(b)! - rank.get(a)! || a - b);
  // The cue and the label come from the first passage shown: the best one that states the side in its own words.
  const toward = g.side * topic.direction;
  const stating = order.findIndex((i) => items[i].how === 'own' && items[i].reading.cues.some((c) => Math.sign(c.polarity) === Math.sign(toward)));
  if (stating > 0) order.unshift(...order.splice(stating, 1));
  const lead = items[order[0]];
  const cue = g.side ? quoteCue([{ text: lead.r.passage.text, reading: lead.reading }], toward) : null;
  // A group's point is in the words its passages share; a whole side's in what its first passage states.
  const at = g.anchors.length ? anchorAt(lead.r.passage, g.anchors) : undefined;
  const label = at !== undefined || !g.side ? sentenceAt(lead.r.passage.text, at ?? 0) : openingOf(lead.r.passage.text, lead.reading, toward);
  const why: Record<string, string> = {};
  const anchorWords = (i: number) => g.anchors.filter((a) => items[i].terms.has(a));
  for (const i of order) {
    const it = items[i];
    const bits: string[] = [];
    if (it.how === 'own') {
      const said = it.reading.cues
        .filter((c) => Math.sign(c.polarity * topic.direction) === g.side)
        .slice(0, 3)
        .map((c) => `“${it.r.passage.text.slice(c.start, c.end)}”`);
      bits.push(`${sideName(g.side)}: it says ${said.join(', ')}`);
    } else if (it.how === 'reply' && it.quoted) {
      bits.push(`${sideName(g.side)}: it opens “${it.opening}” in reply to the line it quotes (“${it.quoted.text}”), which ${it.quoted.side === g.side ? 'takes this side' : 'takes the other side'}`);
    } else if (it.how === 'reply') {
      const other = items[it.from[0]].r.passage.id;
      bits.push(`${sideName(g.side)}: it opens “${it.opening}” in the reply between it and ${other}, which ${sideName(items[it.from[0]].side) === sideName(g.side) ? 'takes this side' : 'takes the other side'}`);
    } else if (it.how === 'corrected') {
      bits.push(`${sideName(g.side)}: corrected by a member of this community (Crux had it as ${it.correction!.was})`);
    } else if (!g.side) {
      bits.push('no side: it states none that Crux can read with confidence');
    } else {
      bits.push(`${sideName(g.side)}: no stance words of its own; it shares most words with ${it.from.length} passage${it.from.length === 1 ? '' : 's'} that take this side`);
    }
    const shared = anchorWords(i);
    if (shared.length) bits.push(`in this group for the words ${shared.map((t) => `“${surface(it.r.passage, t)}”`).join(', ')}`);
    why[it.r.passage.id] = bits.join('; ');
  }
  const authors = new Set(order.map((i) => items[i].r.passage.source.author).filter((a): a is string => !!a));
  const hits = order.map((i) => items[i].r.hit);
  // The cue is quoted from the first passage as shown: when its excerpt left the cue out, show the part that holds it.
  if (cue && !hits[0].text.includes(cue.replace(/ …$/, ''))) hits[0] = showing(lead.r, cue.replace(/ …$/, ''), input.words);
  const corrected = order.filter((i) => items[i].how === 'corrected').map((i) => items[i].r.passage.id);
  return {
    ...(corrected.length ? { corrected } : {}),
    label,
    stance: sideName(g.side),
    stanceCue: cue,
    passages: hits,
    weight: { passages: order.length, authors: authors.size ? authors.size : null, ofRelevant: items.length },
    why,
  };
}

/** A passage's excerpt around `words` (its cue), with the query's words highlighted. */
function showing(r: Relevant, cue: string, queryWords: string[]): PassageHit {
  const ex = excerpt(r.passage.text, termsOf(cue).length ? cue.split(/\s+/) : queryWords);
  const text = ex.text.includes(cue) ? ex.text : r.hit.text;
  return { ...r.hit, text, highlights: excerpt(text, queryWords, text.length + 1).highlights };
}

/** Where a passage first uses one of a group's shared words. */
function anchorAt(p: Passage, anchors: string[]): number | undefined {
  return wordsOf(p).find((w) => anchors.includes(w.stem))?.start;
}

/** The word of a passage that carries an index term, as written. */
function surface(p: Passage, term: string): string {
  const w = wordsOf(p).find((x) => x.stem === term);
  return w ? p.text.slice(w.start, w.end) : term;
}

export function findPositions(input: PositionInput): { positions: Position[]; notices: string[] } {
  // Named as searched: with typos corrected ("hyperstion" is answered about "hyperstition"); a whole message is cut
  // after a few words.
  const topic = `“${clipText(input.topic ?? input.query)}”`;
  if (questionKind(input.query) === 'open') {
    // Sides need a claim to take: for and against "who should write it" would be noise.
    const notice = `${topic} is an open question, and positions are the sides people take on a claim: ask about one answer (“… should …”, “… is …”) to see them.`;
    return { positions: [], notices: [notice] };
  }
  const a = analyse(input);
  const notices: string[] = [];
  const about = a.items.length;
  const fixed = a.items.filter((it) => it.how === 'corrected').length;
  if (fixed) notices.push(`${fixed} passage${fixed === 1 ? ' is' : 's are'} placed as members of this community corrected ${fixed === 1 ? 'it' : 'them'} (marked in why).`);
  if (about < positionParams.minAbout) {
    const n = about === 0 ? 'No passage' : about === 1 ? 'Only 1 passage' : `Only ${about} passages`;
    notices.push(`${n} ${about === 1 || about === 0 ? 'is' : 'are'} about ${topic}: too few to tell positions apart.`);
  } else if (!a.positions.length) {
    notices.push(`The ${about} passages about ${topic} take no clear side: no positions to show.`);
  } else {
    // Only one side read clearly: said as what Crux could read, and only when no passage about the topic leans the
    // other way (a quote shown under another position, or left out, may still take that side).
    const sided = a.positions.filter((p) => p.stance !== 'unclear' && p.stance !== 'mixed');
    const sides = new Set(sided.map((p) => p.stance));
    if (sides.size === 1) {
      const only = [...sides][0];
      const side = a.items.find((it) => it.side)!.side;
      const leansOther = a.items.some((it) => it.side === -side || it.reading.cues.some((c) => Math.sign(c.polarity * a.topic.direction) === -side));
      if (!leansOther) notices.push(`Only “${only}” is stated clearly enough to show for ${topic}; the other passages about it take no side Crux can tell.`);
    }
    const placed = a.positionOf.size;
    if (placed < about) notices.push(`${about - placed} of the ${about} passages about ${topic} fit no position (no clear side, or a point nobody else makes).`);
  }
  return { positions: a.positions, notices };
}

export function findExchanges(input: PositionInput, positions: Position[]): Exchange[] {
  const a = analyses.get(input);
  const positionOf = a && a.positions === positions ? a.positionOf : new Map<string, number>();
  if (!a || a.positions !== positions) positions.forEach((p, i) => p.passages.forEach((h) => positionOf.set(h.id, i)));
  // An exchange is about the topic when one of its sides is: a search match on one common word is not enough.
  return exchangesFor(input, positionOf, aboutTest(input, a?.topic ?? topicOf(input)));
}
