// Text folding, tokenizing and sentence splitting shared by indexing, dedupe and excerpts.
import { stemmer } from 'stemmer';

/** Folds typography so that copies of one paragraph compare equal: NFKC, quotes, dashes, case, spaces. */
export function fold(s: string): string {
  // Most text is plain ASCII: only case, backticks and spacing can differ there, so skip the Unicode work.
  if (!/[^\x00-\x7f]/.test(s)) return s.toLowerCase().replace(/`/g, "'").replace(/\s+/g, ' ').trim();
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .trim();
}

// Short English stop list: words that carry no topic.
const STOP = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not of off on once only or other our ' +
    'ours ourselves out over own same she should so some such than that the their theirs them themselves then there these ' +
    'they this those through to too under until up very was we were what when where which while who whom why will with ' +
    'would you your yours yourself yourselves s t d ll m re ve don didn doesn isn aren wasn weren won wouldn shouldn couldn ' +
    'also e g eg ie etc')
    .split(' '),
);

export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

/** A word: letters and digits, with their combining marks ("cafe\u0301" written decomposed is one word, café). */
export const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

function foldWord(w: string): string {
  return (/[^\x00-\x7f]/.test(w) ? w.normalize('NFKC') : w).toLowerCase();
}

/** A word of the text: its folded form and where it sits in the original string. */
export interface Token {
  word: string;
  start: number;
  end: number;
}

/**
 * Splits text into words with their offsets in the *original* string, so matches can be highlighted verbatim.
 * Folding per word keeps offsets exact (NFKC can change lengths, so fold each match, not the whole string).
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = foldWord(m[0]);
    out.push({ word, start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const stemCache = new Map<string, string>();

/** The index term for a folded word: Porter stem for Latin words, the word itself otherwise. */
export function termOf(word: string): string {
  let t = stemCache.get(word);
  if (t === undefined) {
    t = /^[a-z]+$/.test(word) && word.length > 3 ? stemmer(word) : word;
    if (stemCache.size < 500_000) stemCache.set(word, t);
  }
  return t;
}

/** Index terms of a text, stop words removed, in order (with repeats). */
export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const w = foldWord(m[0]);
    if (!STOP.has(w)) out.push(termOf(w));
  }
  return out;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Sentences as [start, end) ranges of the original text, trailing spaces excluded. A lone line break is read as a
 * space (hard-wrapped text breaks lines mid-sentence); a blank line still ends a sentence. Offsets are unchanged.
 */
export function sentences(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const unwrapped = text.includes('\n') ? text.replace(/(?<![\r\n])\r?\n(?![\r\n])/g, (m) => ' '.repeat(m.length)) : text;
  for (const s of sentenceSegmenter.segment(unwrapped)) {
    const trimmed = s.segment.trimEnd();
    if (trimmed.trim()) out.push([s.index, s.index + trimmed.length]);
  }
  return out;
}

/** Removes control characters (keeps tab and newline as spaces) so odd input cannot break a terminal or a parser. */
export function cleanQuery(q: string): string {
  return q
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
