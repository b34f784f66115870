// Quote lines in plain-text threads: a reply that opens with a short line repeating a sentence of another
// paragraph of the same thread, then answers it on the next line. The quoted words belong to the paragraph they
// came from, so a quote line is never evidence of its own; the line after it is the reply.
// Copies (paragraphs repeated across files) are resolved to the first occurrence, whose text is the same.
import type { Passage } from '../core/types.ts';
import { openingOf } from './replies.ts';

/** Longest line (in characters) that is read as a quote of another paragraph. */
export const QUOTE_MAX = 320;
/** Shortest, in characters and words: "Regarding:" or "Yes." repeat nothing worth linking. */
const QUOTE_MIN = 24;
const QUOTE_WORDS = 5;
/** How far (in passages of the same file) the quoted paragraph is looked for. */
const REACH = 150;

export interface Corpus {
  passages: Passage[];
  byId(id: string): Passage | undefined;
  /** Copies of a passage, by the id of its first occurrence. */
  copies(): { get(id: string): Passage[] | undefined };
}

/** The first occurrence of a paragraph (itself unless it is a copy). */
export function original(c: Corpus, p: Passage): Passage {
  return (p.dupOf && c.byId(p.dupOf)) || p;
}

/**
 * Whether `p` could be a quote line at all: short, and from a line-based file. Records (JSONL, exports) carry
 * their reply structure and blockquotes explicitly, so they are not read for quote lines.
 */
function quoteShaped(p: Passage): boolean {
  if (p.record || p.text.length < QUOTE_MIN || p.text.length > QUOTE_MAX) return false;
  let words = 1;
  for (let i = 0; i < p.text.length && words < QUOTE_WORDS; i++) if (p.text.charCodeAt(i) === 32) words++;
  return words >= QUOTE_WORDS;
}

/** Same file and, when known, same thread. */
function together(a: Passage, b: Passage): boolean {
  return a.file === b.file && (a.thread ?? null) === (b.thread ?? null);
}

/**
 * Whether paragraph `c` contains the words of quote line `q` (and more), as written: quotes are pasted. When `c`
 * has them in quotation marks ("You can read this post up to “What does this all mean?”"), it is `c` that cites
 * the short line (a heading, say), not the short line that quotes `c`.
 */
function contains(c: Passage, q: Passage): boolean {
  const t = q.text.trim();
  if (c.text.length <= t.length + 8) return false;
  const at = c.text.indexOf(t);
  if (at < 0) return false;
  const before = c.text[at - 1] ?? '';
  const after = c.text[at + t.length] ?? '';
  return !(QUOTE_MARKS.includes(before) && QUOTE_MARKS.includes(after));
}

const QUOTE_MARKS = `"'“”‘’«»`;

/**
 * Whether the passage at each corpus position could be a quote line (0 not read yet, 1 yes, 2 no), per corpus: the
 * scan around a paragraph reads every passage within reach, so without this each ask made and read the same few
 * hundred passages again for each of the paragraphs it ranks.
 */
const shapes = new WeakMap<Passage[], Uint8Array>();

function shapedAt(c: Corpus, o: number): boolean {
  let s = shapes.get(c.passages);
  if (!s || s.length !== c.passages.length) shapes.set(c.passages, (s = new Uint8Array(c.passages.length)));
  if (!s[o]) s[o] = quoteShaped(c.passages[o]) ? 1 : 2;
  return s[o] === 1;
}

const sourceCache = new WeakMap<Passage, Passage | null>();
const repliesCache = new WeakMap<Passage, Array<{ quote: Passage; reply: Passage }>>();

/**
 * The paragraph a quote line repeats, if `p` is one: the nearest other paragraph of the same file (earlier ones
 * first) whose text contains all of `p`'s words, resolved to its first occurrence. Null when `p` quotes nothing.
 */
export function quotedBy(c: Corpus, p: Passage): Passage | null {
  const cached = sourceCache.get(p);
  if (cached !== undefined) return cached;
  let found: Passage | null = null;
  if (quoteShaped(p)) {
    for (let d = 1; d <= REACH && !found; d++) {
      for (const o of [p.ord - d, p.ord + d]) {
        const s = c.passages[o];
        if (!s || !together(s, p) || !contains(s, p)) continue;
        found = original(c, s);
        break;
      }
    }
  }
  sourceCache.set(p, found);
  return found;
}

/**
 * A line that only introduces what follows ("Regarding:", "With the thing that works better being:") says nothing
 * of its own, so it is no reply: the reply is further down.
 */
function leadIn(p: Passage): boolean {
  const t = p.text.trim();
  if (t.length <= 80 && t.endsWith(':')) return true;
  let words = 1;
  for (let i = 0; i < t.length && words < QUOTE_WORDS; i++) if (t.charCodeAt(i) === 32) words++;
  return words < QUOTE_WORDS && t.length < QUOTE_MIN;
}

/**
 * The reply to quote line `q`: the next paragraph of the same file and thread that is neither a quote line nor a
 * lead-in to one, within a few lines (replies that quote several sentences interleave quotes and lead-ins).
 */
export function replyAfter(c: Corpus, q: Passage): Passage | null {
  for (let o = q.ord + 1, hops = 0; hops < 6; o++, hops++) {
    const r = c.passages[o];
    if (!r || !together(r, q)) return null;
    if (!quotedBy(c, r) && !leadIn(r)) return r;
  }
  return null;
}

/** How a line ends when it is a sentence of its own writer's: pasted quotes are often cut before their full stop. */
const ENDED = /[.!?…:;)\]"”’']$/;

/**
 * A quote line whose source is not in the corpus (a post that was not kept, or a sentence since edited): a short
 * line, cut off without its full stop, answered on the very next line by a reply that opens by agreeing or
 * disagreeing ("Simulator theory is straightforwardly incorrect as …" then "This doesn't mean anything, …"). Its
 * words are the quoted writer's, not a side of the replier's. Returns the reply, or null.
 */
export function unsourcedQuote(c: Corpus, p: Passage): Passage | null {
  if (!quoteShaped(p) || ENDED.test(p.text.trim()) || quotedBy(c, p)) return null;
  const r = c.passages[p.ord + 1];
  if (!r || !together(r, p) || quotedBy(c, r) || !openingOf(r.text)) return null;
  return original(c, r);
}

/** Whether a passage, or the first occurrence it copies, is a quote line. */
export function isQuoteLine(c: Corpus, p: Passage): boolean {
  return quotedBy(c, p) !== null;
}

/**
 * Exchanges by quote around a paragraph: quote lines in the same file (within REACH) that repeat part of it, each
 * with the reply that follows. Returns [quote line, reply] pairs, replies resolved to first occurrences.
 */
export function repliesByQuote(c: Corpus, source: Passage): Array<{ quote: Passage; reply: Passage }> {
  const cached = repliesCache.get(source);
  if (cached) return cached;
  const out: Array<{ quote: Passage; reply: Passage }> = [];
  repliesCache.set(source, out);
  const seen = new Set<Passage>();
  // The paragraph and its copies: a quote may sit next to any of them.
  const homes = [source, ...(c.copies().get(source.id) ?? [])].slice(0, 4);
  for (const home of homes) {
    if (home.record) continue;
    // Candidates: short lines within reach that the paragraph contains. A plain scan: checking a few hundred
    // lines with indexOf is cheaper than keying every short line of a file by its words first.
    const candidates: Passage[] = [];
    const last = Math.min(c.passages.length - 1, home.ord + REACH);
    for (let o = Math.max(0, home.ord - REACH); o <= last; o++) if (shapedAt(c, o)) candidates.push(c.passages[o]);
    for (const q of candidates) {
      if (q === home || !together(q, home) || !contains(home, q)) continue;
      if (quotedBy(c, q) !== original(c, home)) continue;
      const r = replyAfter(c, q);
      if (!r) continue;
      const reply = original(c, r);
      if (reply === original(c, home) || seen.has(reply)) continue;
      seen.add(reply);
      out.push({ quote: q, reply });
    }
  }
  return out;
}
