// One pass over a passage's text gives every later step its words: folded form, index term, offsets, whether a
// clause or sentence ends before it, and how it judges. Kept for recently seen passages, since answers reuse them.
import type { Passage } from '../core/types.ts';
import { termOf, tokenize } from '../core/text.ts';
import { evalOf } from './lexicon.ts';

export interface Word {
  /** Folded word. */
  word: string;
  /** Index term (see text.termOf). */
  stem: string;
  start: number;
  end: number;
  /** Punctuation that ends a clause lies between this word and the one before. */
  brk: boolean;
  /** A sentence ends before this word. */
  sentence: boolean;
  /** How the word judges what it is said of: +1, -1, or 0. */
  ev: number;
  /** Scratch: whether the word names the topic being read (set by readStance for the topic at hand). */
  topic: boolean;
  /** Scratch: whether it names it clearly enough to be what a sentence is about (see stance.ts, `named`). */
  named: boolean;
}

/** Punctuation that ends a clause (quotation marks do not: “agency by default” is still one phrase). */
export const BREAK = /[,;:.!?()[\]—–]/;
const SENTENCE_END = /[.!?]["”')\]]*\s/;

export function wordsOfText(text: string): Word[] {
  const out: Word[] = [];
  let prevEnd = 0;
  for (const t of tokenize(text)) {
    const gap = t.start > prevEnd ? text.slice(prevEnd, t.start) : '';
    const brk = gap.length > 0 && BREAK.test(gap);
    // Explicit fields: object spread is many times slower here once transpiled.
    out.push({ word: t.word, stem: termOf(t.word), start: t.start, end: t.end, brk, sentence: brk && out.length > 0 && SENTENCE_END.test(gap), ev: evalOf(t.word), topic: false, named: false });
    prevEnd = t.end;
  }
  return out;
}

const CACHE_MAX = 5000;
let cache = new Map<Passage, Word[]>();
let older = new Map<Passage, Word[]>();

/** The words of a passage (kept for the last few thousand passages used). */
export function wordsOf(p: Passage): Word[] {
  let w = cache.get(p) ?? older.get(p);
  if (!w) {
    w = wordsOfText(p.text);
    if (cache.size >= CACHE_MAX) {
      older = cache;
      cache = new Map();
    }
    cache.set(p, w);
  }
  return w;
}

/** Forgets the kept words (for timing from cold). */
export function clearWords(): void {
  cache = new Map();
  older = new Map();
}

/** Splits words into sentences ([from, to) index ranges). */
export function sentenceRanges(words: Word[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  for (let i = 1; i <= words.length; i++) {
    if (i === words.length || words[i].sentence) {
      out.push([from, i]);
      from = i;
    }
  }
  return out;
}
