// Compounds written three ways: hyphenated ("pre-training"), closed ("pretraining") and spaced ("pre training").
// The index holds each hyphenated compound's closed form beside its parts (text.termsOf), and the hyphenated
// spelling as a word; a query compound in any of the three spellings is read as that one closed form, with its parts.
import { compoundTerm, eachCompound, isStopWord, termOf, type Token } from '../core/text.ts';
import type { Bm25Index } from './bm25.ts';
import { isEnglish } from './english.ts';

export interface Compound {
  /** The query tokens it covers (indexes into the token list). */
  from: number;
  to: number;
  /** Its parts, folded, and as written with hyphens ("pre-training"). */
  parts: string[];
  hyphenated: string;
  /** Index term of its closed form ("pretrain"). */
  term: string;
}

/** Two spaced words are read as a compound when the corpus writes them joined in this many passages, and this share
 * of those using the rarer word. */
const MIN_JOINED = 2;
const JOINED_SHARE = 0.01;

/** Shortest part of a closed word split at a hyphen the corpus writes ("pre" of "pretraining"). */
const MIN_PART = 2;


/**
 * The compounds of a query that the corpus knows: a hyphenated chain whose closed form is indexed, a closed word the
 * corpus also writes with a hyphen, and two neighbouring words (neither a stop word) that the corpus writes joined.
 */
/** What compounds are read against: word and term counts, and the vocabulary itself when there is one to scan. */
export type CompoundStats = Pick<Bm25Index, 'df' | 'wordFreq'> & { data?: Bm25Index['data'] };

export function findCompounds(q: string, tokens: Token[], index: CompoundStats): Compound[] {
  const out: Compound[] = [];
  const taken = new Uint8Array(tokens.length);
  const add = (from: number, to: number, parts: string[]) => {
    const hyphenated = parts.join('-');
    const term = compoundTerm(hyphenated);
    if (index.df(term) === 0) return false;
    out.push({ from, to, parts, hyphenated, term });
    for (let i = from; i <= to; i++) taken[i] = 1;
    return true;
  };
  // Most queries hold no hyphen: skip the walk that finds hyphenated chains.
  if (/[-\u2010\u2011]/.test(q)) eachCompound(q, (hyphenated, start, end) => {
    const from = tokens.findIndex((t) => t.start === start);
    const to = tokens.findIndex((t) => t.end === end);
    if (from >= 0 && to > from) add(from, to, hyphenated.split('-'));
  });
  tokens.forEach((t, i) => {
    // An English word is a word of its own ("into", not "in-to" as someone once wrote it).
    if (taken[i] || !/^[a-z]+$/.test(t.word) || isStopWord(t.word)) return;
    const split = splitAtHyphen(t.word, index);
    if (split && !isEnglish(t.word)) add(i, i, split);
  });
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [a, b] = [tokens[i], tokens[i + 1]];
    if (taken[i] || taken[i + 1] || isStopWord(a.word) || isStopWord(b.word) || !/^\s+$/.test(q.slice(a.end, b.start))) continue;
    // Most neighbouring words are a phrase ("training data"), not a compound someone once wrote joined: the corpus
    // must write them joined in a share of the passages that use the rarer word.
    // Either joined spelling indexes the closed term: no passage has it, no lookup of the spellings.
    if (index.df(termOf(a.word + b.word)) === 0) continue;
    const joined = index.wordFreq(`${a.word}-${b.word}`) + index.wordFreq(a.word + b.word);
    if (joined >= Math.max(MIN_JOINED, JOINED_SHARE * Math.min(index.wordFreq(a.word), index.wordFreq(b.word)))) add(i, i + 1, [a.word, b.word]);
  }
  return out.sort((x, y) => x.from - y.from);
}

/** The parts of a closed word that the corpus also writes hyphenated ("pretraining" -> pre, training), or null. */
/** The parts of a closed word that the corpus also writes hyphenated ("pretraining" -> pre, training), or null. */
function splitAtHyphen(word: string, index: CompoundStats): string[] | null {
  if (index.data) return hyphenatedForms({ data: index.data }).get(word)?.split('-') ?? null;
  for (let i = MIN_PART; i <= word.length - MIN_PART; i++) {
    const parts = [word.slice(0, i), word.slice(i)];
    if (index.wordFreq(parts.join('-')) > 0) return parts;
  }
  return null;
}

const forms = new WeakMap<object, Map<string, string>>();

/**
 * The closed form of each hyphenated word of the vocabulary, with its commonest hyphenated spelling ("pretraining" ->
 * "pre-training"): one lookup per query word instead of one per place it could split. Built on first use.
 */
export function hyphenatedForms(index: { data: Bm25Index['data'] }): Map<string, string> {
  let m = forms.get(index.data);
  if (!m) {
    m = new Map();
    const { words, wordDf } = index.data;
    const df = new Map<string, number>();
    // Only words holding a hyphen are decoded from the index's word table (a million-passage vocabulary holds 800k).
    const bytes = words.bytes;
    for (let i = 0, start = 0; i < words.length; start = words.ends[i++]) {
      if (bytes.subarray(start, words.ends[i]).indexOf(0x2d) < 0) continue;
      const w = words.get(i);
      const closed = w.replace(/-/g, '');
      if (closed.length < 2 * MIN_PART || (df.get(closed) ?? 0) >= wordDf[i]) continue;
      m.set(closed, w);
      df.set(closed, wordDf[i]);
    }
    forms.set(index.data, m);
  }
  return m;
}
