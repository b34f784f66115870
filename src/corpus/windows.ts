// Cuts a long paragraph into passages of bounded size: verbatim slices, at sentence boundaries, else between words.
import { sentences } from '../core/text.ts';

/** Paragraphs longer than this are cut into windows. */
export const LONG = 1500;
/** A window is a run of whole sentences of about this many characters. */
export const WINDOW = 700;
/**
 * No passage is longer than this. A sentence longer than it is cut between words into pieces of about WINDOW
 * characters, so every step that reads a passage per query (excerpts, positions, exchanges) reads at most this much.
 */
export const MAX_PASSAGE = 2000;
/** Bump when the way paragraphs are cut changes: a saved index cut the old way is then rebuilt (it is in its fingerprint). */
export const WINDOWS_VERSION = 2;

/**
 * The windows of a paragraph, in order. Each is an exact slice of the text; only whitespace lies between two
 * windows, so nothing is lost; none is longer than MAX_PASSAGE. A paragraph up to LONG characters is one window.
 */
export function windows(text: string): string[] {
  if (text.length <= LONG) return [text];
  const out: string[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) out.push(text.slice(start, end));
    start = -1;
  };
  for (const [s, e] of sentences(text)) {
    if (e - s > MAX_PASSAGE) {
      flush();
      out.push(...betweenWords(text, s, e));
      continue;
    }
    if (start >= 0 && e - start > WINDOW) flush();
    if (start < 0) start = s;
    end = e;
  }
  flush();
  return out;
}

const SPACE = /\s/;

/** Cuts [s, e) (one long sentence, trimmed) into pieces of about WINDOW characters, at spaces, else at word boundaries. */
function betweenWords(text: string, s: number, e: number): string[] {
  const out: string[] = [];
  let from = s;
  while (e - from > WINDOW) {
    const cut = cutAfter(text, from, e);
    let to = cut;
    while (to > from && SPACE.test(text[to - 1])) to--;
    out.push(text.slice(from, to));
    from = cut;
    while (from < e && SPACE.test(text[from])) from++;
  }
  if (from < e) out.push(text.slice(from, e));
  return out;
}

// Made on first use: creating it loads ICU's word rules, which most corpora never need.
let wordSegmenter: Intl.Segmenter | null = null;

/**
 * Where the piece starting at `from` ends: the last space before from + WINDOW (if past half of it), else the first
 * space up to from + MAX_PASSAGE, else a word boundary the segmenter finds in that span (Chinese or Japanese text,
 * words joined by hyphens or slashes). Text with no boundary at all for MAX_PASSAGE characters (a long link, a
 * blob) is cut there, never inside a surrogate pair or before a combining mark. Each call reads at most MAX_PASSAGE
 * characters, so cutting a sentence is linear in its length.
 */
function cutAfter(text: string, from: number, e: number): number {
  const aim = from + WINDOW;
  for (let i = aim; i > from + WINDOW / 2; i--) if (SPACE.test(text[i])) return i;
  const limit = Math.min(e, from + MAX_PASSAGE);
  for (let i = aim + 1; i < limit; i++) if (SPACE.test(text[i])) return i;
  // The last boundary past half a window and up to a window, else the first one after, else the last one before.
  let early = -1;
  let near = -1;
  let late = -1;
  wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' });
  for (const seg of wordSegmenter.segment(text.slice(from, limit))) {
    const at = from + seg.index;
    if (at <= from) continue;
    if (at <= from + WINDOW / 2) early = at;
    else if (at <= aim) near = at;
    else if (late < 0) late = at;
    else break;
  }
  const best = near > 0 ? near : late > 0 ? late : early;
  if (best > 0) return best;
  let cut = limit;
  while (cut > from + 1 && (isLowSurrogate(text.charCodeAt(cut)) || /\p{M}/u.test(text[cut]))) cut--;
  return cut;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
