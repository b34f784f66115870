// Text folding, tokenizing and sentence splitting shared by indexing, dedupe and excerpts.
import { stemmer } from 'stemmer';
import { printable } from './printable.ts';

export { printable };

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
const WORD_START = /[\p{L}\p{N}]/uy;
const WORD_REST = /[\p{L}\p{N}\p{M}]/uy;

/** Code units of a word character at i (2 outside the BMP), 0 if none; ASCII without a regex. */
export function wordCharAt(text: string, i: number, rest: boolean): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ? 1 : 0;
  const re = rest ? WORD_REST : WORD_START;
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex - i : 0;
}

/**
 * Calls fn for each word of text as WORD finds it, with its offsets. A hand loop: indexing spent most of its time
 * in the Unicode regex iterator, and this is about three times faster on mostly-ASCII text.
 */
export function eachWord(text: string, fn: (word: string, start: number, end: number) => void): void {
  const len = text.length;
  for (let i = 0; i < len; ) {
    const n = wordCharAt(text, i, false);
    if (!n) {
      i++;
      continue;
    }
    const start = i;
    i += n;
    for (let m = 0; i < len && (m = wordCharAt(text, i, true)); ) i += m;
    fn(text.slice(start, i), start, i);
  }
}

export function foldWord(w: string): string {
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
  eachWord(text, (w, start, end) => out.push({ word: foldWord(w), start, end }));
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

/** Hyphens that join the parts of a compound ("pre-training"): hyphen-minus, U+2010 and the non-breaking U+2011. */
export function isHyphen(code: number): boolean {
  return code === 0x2d || code === 0x2010 || code === 0x2011;
}

/** Longest hyphenated chain read as one compound ("state-of-the-art"); longer runs are lists or code. */
const COMPOUND_PARTS = 4;

/**
 * Walks the folded words of a text, and after each hyphenated compound ("pre-training") its parts joined by "-" with
 * its offsets. One pass serves indexing, queries and excerpts alike.
 */
function eachWordAndCompound(
  text: string,
  onWord: (folded: string, start: number, end: number) => void,
  onCompound: (hyphenated: string, start: number, end: number) => void,
): void {
  let parts = 0;
  let joined = '';
  let first = 0;
  let prevEnd = -2;
  const flush = () => {
    if (parts >= 2 && parts <= COMPOUND_PARTS) onCompound(joined, first, prevEnd);
  };
  eachWord(text, (raw, start, end) => {
    const w = foldWord(raw);
    if (start === prevEnd + 1 && isHyphen(text.charCodeAt(prevEnd))) {
      joined += '-' + w;
      parts++;
    } else {
      flush();
      joined = w;
      parts = 1;
      first = start;
    }
    prevEnd = end;
    onWord(w, start, end);
  });
  flush();
}

/** Each hyphenated compound of a text: its folded parts joined by "-" ("pre-training"), and its offsets. */
export function eachCompound(text: string, fn: (hyphenated: string, start: number, end: number) => void): void {
  eachWordAndCompound(text, () => {}, fn);
}

/** The index term of a hyphenated compound: the term of its closed form ("pre-training" -> "pretrain"). */
export function compoundTerm(hyphenated: string): string {
  return termOf(hyphenated.replace(/-/g, ''));
}

/**
 * Index terms of a text, stop words removed, in order (with repeats), each hyphenated compound's closed form after
 * its parts; onWord sees every folded word, stop words too, and each compound as written with hyphens ("pre-training").
 */
export function termsOf(text: string, onWord?: (folded: string) => void): string[] {
  const out: string[] = [];
  eachIndexWord(text, (w) => {
    onWord?.(w);
    const t = indexTermOf(w);
    if (t !== null) out.push(t);
  });
  return out;
}

/**
 * Every folded word of a text, stop words too, each hyphenated compound as written with hyphens after its parts: the
 * words termsOf reads, in its order. A compound is the only kind of word holding a hyphen.
 */
export function eachIndexWord(text: string, fn: (word: string) => void): void {
  eachWordAndCompound(text, fn, fn);
}

/** The index term a word of eachIndexWord gives (null for a stop word): the same word always gives the same term. */
export function indexTermOf(word: string): string | null {
  if (word.includes('-')) return compoundTerm(word);
  return STOP.has(word) ? null : termOf(word);
}

/** Made on first use: creating it loads ICU's sentence rules (about 20 ms), which many commands never need. */
let sentenceSegmenter: Intl.Segmenter | null = null;

/**
 * Text is handed to the segmenter this many characters at a time: Intl.Segmenter's time grows with the square of the
 * string it is given (a 2 MB line took minutes), so a long text is read in chunks and the work stays linear.
 */
const SEGMENT_CHUNK = 4096;
/** A break this near a chunk's cut may depend on text beyond the cut, so it is only taken from a chunk that reaches past it. */
const SEGMENT_EDGE = 256;

/**
 * Sentences as [start, end) ranges of the original text, trailing spaces excluded. A lone line break is read as a
 * space (hard-wrapped text breaks lines mid-sentence); a blank line still ends a sentence. Offsets are unchanged.
 * Linear in the length of the text: it is segmented in overlapping chunks, each break taken where the segmenter saw
 * at least SEGMENT_EDGE characters on both sides of it (or the text's own start and end).
 */
export function sentences(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const unwrapped = text.includes('\n') ? text.replace(/(?<![\r\n])\r?\n(?![\r\n])/g, (m) => ' '.repeat(m.length)) : text;
  sentenceSegmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  const segmenter = sentenceSegmenter;
  const len = unwrapped.length;
  const push = (s: number, e: number) => {
    while (e > s && /\s/.test(unwrapped[e - 1])) e--;
    if (e > s) out.push([s, e]);
  };
  let start = 0; // where the sentence being read began
  let pos = 0; // where the chunk begins: a sentence's start, or a point inside one
  for (;;) {
    let end = Math.min(len, pos + SEGMENT_CHUNK);
    if (end < len && isHighSurrogate(unwrapped.charCodeAt(end - 1))) end--;
    const from = pos === start ? pos : pos + SEGMENT_EDGE;
    const to = end === len ? len : end - SEGMENT_EDGE;
    for (const s of segmenter.segment(unwrapped.slice(pos, end))) {
      const at = pos + s.index;
      if (at > to) break;
      if (at <= start || at < from) continue;
      push(start, at);
      start = at;
    }
    if (end === len) break;
    // Go on from the last break if it is near the cut, else from inside the sentence, far enough back that the
    // next chunk's trusted breaks begin where this chunk's ended.
    pos = Math.max(start, to - SEGMENT_EDGE);
  }
  push(start, len);
  return out;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Removes control characters (keeps tab and newline as spaces) so odd input cannot break a terminal or a parser. */
export function cleanQuery(q: string): string {
  return printable(q)
    .replace(/[\u200b-\u200f\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Text echoed in a notice (a long query, a whole message), cut after about `max` characters: at a space when one is
 * near, never inside a character, with " …" marking the cut.
 */
export function clipText(s: string, max = 60): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  let cut = max;
  if (/[\uD800-\uDBFF]/.test(t[cut - 1])) cut--; // a surrogate pair stays whole
  const space = t.lastIndexOf(' ', cut);
  if (space > max / 3) cut = space;
  return `${t.slice(0, cut)} …`;
}
