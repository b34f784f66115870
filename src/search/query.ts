// Turns a typed query into weighted index terms, fixing typos against the corpus vocabulary.
import { isStopWord, termOf, tokenize, type Token } from '../core/text.ts';
import { findCompounds, hyphenatedForms } from './compounds.ts';
import { isEnglish, warmEnglish } from './english.ts';
import { predicate } from '../positions/stance.ts';
import type { Bm25Index } from './bm25.ts';
import { fuzzyWords } from './fuzzy.ts';

export interface QueryTerm {
  term: string;
  weight: number;
}

export interface ParsedQuery {
  terms: QueryTerm[];
  /** Folded query words (stop words left out unless there is nothing else), corrections and negated forms found, for highlighting. */
  words: string[];
  /** The query with corrected words, when a correction was made. */
  didYouMean: string | null;
  /** Words that neither match the corpus nor have a likely correction. */
  unknown: string[];
  /** True when every word of the query is a stop word ("the", "what about it"). */
  onlyStopWords: boolean;
  /** The query's compounds as index terms: the closed form and its parts ("pretrain": "pre", "train"). */
  compounds: Array<{ term: string; parts: string[] }>;
}

/** A rare word the corpus does use is only replaced by a neighbour this many times as frequent. */
const MUCH_MORE_FREQUENT = 20;
/** A word in at most this many passages may itself be a misspelling (and a typed word is checked for typos). */
const RARE = 3;

/** The corpus statistics a query is parsed against: a Bm25Index, or one with passages added while serving (src/core/live.ts). */
export type TermStats = Pick<Bm25Index, 'df' | 'wordFreq' | 'together'>;

/**
 * The corpus vocabulary as typo fixes see it: searched where it lies in the index (sorted words, src/search/fuzzy.ts),
 * so nothing is built before the first query with a typo.
 */
export class Vocabulary {
  /**
   * `words`: another vocabulary whose words this one searches, counting with `index` instead (the saved index with the
   * passages added while serving: their own new words are not searched for corrections until a rebuild).
   */
  constructor(
    private readonly index: TermStats & { data?: Bm25Index['data'] },
    private readonly words?: Vocabulary,
  ) {}

  /** Builds the compound table and loads the English word list now (call after loading, off the query path); the vocabulary itself needs no warming. */
  warm(): void {
    if (this.index.data) hyphenatedForms({ data: this.index.data });
    warmEnglish();
  }

  /**
   * Vocabulary words within `edits` insertions, deletions or substitutions of `word`, with their frequencies, in
   * sorted order (of equally good corrections, the first in that order wins). Words of one or two letters and
   * hyphenated compounds are left out: a typo is corrected to one word, and compounds are read apart (compounds.ts).
   */
  private within(word: string, edits: number): Array<[string, number]> {
    if (this.words) return this.words.within(word, edits);
    const out: Array<[string, number]> = [];
    const { words, wordDf } = this.index.data!;
    fuzzyWords(words, word, edits, (i, cand) => {
      if (cand.length > 2 && !cand.includes('-')) out.push([cand, wordDf[i]]);
    });
    return out;
  }

  /** Vocabulary words that are `word` with two neighbouring letters swapped. */
  private *swaps(word: string): Iterable<[string, number]> {
    for (let i = 0; i + 1 < word.length; i++) {
      if (word[i] === word[i + 1]) continue;
      const cand = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      const df = this.index.wordFreq(cand);
      if (df > 0) yield [cand, df];
    }
  }

  /**
   * The likeliest vocabulary word within a small edit distance of `word`, if clearly more common: the one found with
   * the other words of the query most often ("persona slection": selection, not the commoner section), else the
   * most frequent.
   */
  correct(word: string, context: readonly string[] = []): string | null {
    // Very long "words" (pasted hashes, keyboard mashing) are no typos, and fuzzy search on them is slow.
    if (word.length < 4 || word.length > 30 || /\d/.test(word)) return null;
    const maxEdits = word.length >= 8 ? 2 : 1;
    const own = this.index.wordFreq(word);
    // Documents a candidate shares with the query's other words (the rarest few, to keep it cheap).
    const others = [...context].sort((a, b) => this.index.df(a) - this.index.df(b)).slice(0, 3);
    const withContext = (cand: string) => others.reduce((n, t) => n + this.index.together(termOf(cand), t), 0);
    let best: Candidate | null = null;
    let edits = 1;
    // Nearest first: a word one edit away beats one two edits away, and the two-edit search is the slow part of a
    // query with a typo, so it runs only when nothing is one edit away.
    // Two swapped letters ("defualt") count as one edit: the commonest slip of the fingers.
    for (; edits <= maxEdits && !best; edits++) {
      best = pick(edits === 1 ? [...this.within(word, 1), ...this.swaps(word)] : this.within(word, edits), word, withContext, 0);
    }
    // Unless the nearest is rare and a word further away much commoner: then the nearest is most likely a misspelling
    // of that word too ("hyperstion": "hypersition", written once, is one edit away; "hyperstition", written 51
    // times, two).
    if (best && best.df <= RARE && edits <= maxEdits) {
      best = pick(this.within(word, maxEdits), word, withContext, MUCH_MORE_FREQUENT * best.df) ?? best;
    }
    if (!best) return null;
    // "blamed" finds what "blame" finds (one index term), so it is no typo even where only "blame" is written.
    if (termOf(best.word) === termOf(word)) return null;
    return own === 0 || best.df >= MUCH_MORE_FREQUENT * own ? best.word : null;
  }
}

interface Candidate {
  word: string;
  df: number;
  /** Passages it shares with the query's other words. */
  with: number;
}

/**
 * Of vocabulary words near a typo, the one found with the query's other words most often ("persona slection":
 * selection, not the commoner section), else the most frequent; only words in at least `minDf` passages.
 */
function pick(near: Iterable<[string, number]>, typed: string, withContext: (w: string) => number, minDf: number): Candidate | null {
  let best: Candidate | null = null;
  for (const [cand, df] of near) {
    if (cand === typed || df < minDf || isStopWord(cand)) continue;
    const w = withContext(cand);
    if (!best || w > best.with || (w === best.with && df > best.df)) best = { word: cand, df, with: w };
  }
  return best;
}

/**
 * Weight of a negated or un-negated form of a query word: a debate about whether something is "falsifiable" is
 * largely phrased as "unfalsifiable". Only un- and non-: in-, im- and dis- match too many unrelated words
 * (display, impersonal). Measured with npm run eval and a held-out set; 0.6 to 1 all help, 0.5 changes nothing.
 */
const NEGATION_WEIGHT = 0.7;
const NEGATIONS = ['un', 'non'];

/**
 * Index terms that are `term` with a negating prefix added or taken away (stems of 5 letters or more), each with
 * the word so formed from `word` (for excerpts and highlights).
 */
function negations(term: string, word: string, index: TermStats): Array<{ term: string; word: string }> {
  const out: Array<{ term: string; word: string }> = [];
  for (const p of NEGATIONS) {
    // A hyphenated "non-reasoning" already matches "reasoning" through its parts: only closed spellings count.
    if (term.length >= 5) {
      // Most words have no negated form: the hyphenated spelling is looked up only when the closed one exists.
      const df = index.df(p + term);
      if (df > 0 && df > index.wordFreq(`${p}-${word}`)) out.push({ term: p + term, word: p + word });
    }
    const rest = term.slice(p.length);
    if (term.startsWith(p) && word.startsWith(p) && rest.length >= 5 && index.df(rest) > 0) out.push({ term: rest, word: word.slice(p.length) });
  }
  return out;
}

/**
 * Weight of a compound's parts beside its closed form: "pre-training", "pretraining" and "pre training" all search
 * for "pretraining" at full weight and "pre" and "training" at this weight (a corpus also writes "pre training").
 */
export const COMPOUND_PART_WEIGHT = 0.5;

/** Weight of a clipped form of a query word ("evals" for "evaluation"): the same word, as a stemmed form is. */
const CLIPPED_WEIGHT = 1;
const MIN_CLIPPED = 4;
/** Clipped words are long ones ("evaluation", "configuration"), and the clipping keeps at most this share of them. */
const MIN_CLIPPED_WORD = 8;
const MAX_CLIPPED_SHARE = 0.6;

/**
 * Clipped forms of a query word of 8 letters or more that the corpus uses: a word of at least 4 letters and at most
 * 60% of it that it begins with ("eval" of "evaluation"), not itself an English word, written in two passages or more. Jargon clips words ("eval", "config", "repo"); a
 * dictionary word at the start of another ("persona" of "personality", "train" of "training") is usually a
 * different word, and a one-off ("comp") too uncertain.
 */
function clippings(word: string, term: string, index: TermStats): Array<{ term: string; word: string }> {
  const out: Array<{ term: string; word: string }> = [];
  if (!/^[a-z]+$/.test(word) || word.length < MIN_CLIPPED_WORD) return out;
  for (let i = MIN_CLIPPED; i <= word.length * MAX_CLIPPED_SHARE; i++) {
    const clip = word.slice(0, i);
    if (index.wordFreq(clip) === 0) continue;
    const ct = termOf(clip);
    if (ct === term || index.df(ct) < 2 || isEnglish(clip) || isStopWord(clip)) continue;
    out.push({ term: ct, word: clip });
  }
  return out;
}

/** Parses a query: drops stop words (unless nothing else is left), stems, reads compounds, and fixes unknown words. */
export function parseQuery(q: string, index: TermStats, vocab: Vocabulary): ParsedQuery {
  const tokens = tokenize(q);
  // What a question asks of its topic ("is hyperstition real") shapes how the answer is read (positions), not what
  // is searched: passages saying "real" about other things are no answer.
  const asked = predicate(tokens);
  const content = tokens.filter((t, i) => !isStopWord(t.word) && i !== asked?.at);
  const use = content.length ? content : tokens;
  // Stop words are not highlighted either, unless the query is nothing but stop words.
  const words = use.map((t) => t.word);
  const terms = new Map<string, number>();
  const weigh = (term: string, w: number) => terms.set(term, Math.max(terms.get(term) ?? 0, w));
  const unknown: string[] = [];
  // Compound words are read whole, in whichever spelling: their parts are no typos.
  const inCompound = new Set<Token>();
  const compounds: ParsedQuery['compounds'] = [];
  for (const c of findCompounds(q, tokens, index)) {
    compounds.push({ term: c.term, parts: c.parts.map((w) => termOf(w)) });
    weigh(c.term, 1);
    for (const part of c.parts) if (!isStopWord(part) && index.df(termOf(part)) > 0) weigh(termOf(part), COMPOUND_PART_WEIGHT);
    words.push(c.parts.join(''), c.hyphenated, ...c.parts.filter((w) => !isStopWord(w)));
    for (let i = c.from; i <= c.to; i++) inCompound.add(tokens[i]);
  }
  // The query's words the corpus uses: the context a typo fix is chosen in.
  const dfs = new Map(use.map((t) => termOf(t.word)).map((t) => [t, index.df(t)]));
  const known = [...dfs.keys()].filter((t) => dfs.get(t)! > 0);
  let corrected = q;
  let changed = false;
  // Replace from the end so earlier offsets stay valid.
  const fixes: Array<{ start: number; end: number; to: string }> = [];
  for (const t of use) {
    if (inCompound.has(t)) continue;
    const term = termOf(t.word);
    const df = dfs.get(term)!;
    // A real English word is searched as typed, even where the corpus lacks it: "leaking" is not a typo of "leading".
    const fix = index.wordFreq(t.word) <= RARE && !isEnglish(t.word) ? vocab.correct(t.word, known.filter((k) => k !== term)) : null;
    if (df > 0) weigh(term, 1);
    for (const v of negations(term, t.word, index)) {
      if (terms.has(v.term)) continue;
      terms.set(v.term, NEGATION_WEIGHT);
      words.push(v.word);
    }
    for (const c of clippings(t.word, term, index)) {
      if (terms.has(c.term)) continue;
      terms.set(c.term, CLIPPED_WEIGHT);
      words.push(c.word);
    }
    if (fix) {
      weigh(termOf(fix), df > 0 ? 0.7 : 1);
      fixes.push({ start: t.start, end: t.end, to: fix });
      words.push(fix);
    } else if (df === 0) unknown.push(t.word);
  }
  for (const f of fixes.reverse()) {
    corrected = corrected.slice(0, f.start) + f.to + corrected.slice(f.end);
    changed = true;
  }
  return {
    terms: [...terms].map(([term, weight]) => ({ term, weight })),
    words,
    didYouMean: changed ? corrected : null,
    unknown,
    onlyStopWords: tokens.length > 0 && content.length === 0,
    compounds,
  };
}
