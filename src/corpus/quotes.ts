// Blockquotes: split them out of a post's own words, and link a reply to the passage it quotes.
import type { Passage } from '../core/types.ts';
import type { Paragraph } from './paragraphs.ts';
import { fold } from '../core/text.ts';

/** A paragraph of someone's own words, with the quotes it answers (texts without their `>` markers). */
export interface OwnParagraph extends Paragraph {
  quoted?: string[];
}

const QUOTE_LINE = /^ {0,3}>/;
const QUOTE_MARK = /^ {0,3}>+ ?/;

/**
 * Drops blockquote lines (`> …`) from paragraphs: what is quoted is never shown as the quoting author's words.
 * Each quote is handed to the own-words paragraph that follows it; own words keep their exact text and line.
 */
export function withoutQuotes(paragraphs: Paragraph[]): OwnParagraph[] {
  const out: OwnParagraph[] = [];
  let pending: string[] = [];
  let quote: string[] = [];
  const endQuote = () => {
    const q = quote.join('\n').trim();
    if (q) pending.push(q);
    quote = [];
  };
  for (const p of paragraphs) {
    const lines = p.text.split('\n');
    let start = -1;
    const flush = (end: number) => {
      if (start < 0) return;
      const text = lines.slice(start, end).join('\n').trim();
      if (text) {
        out.push(pending.length ? { text, line: p.line + start, quoted: pending } : { text, line: p.line + start });
        pending = [];
      }
      start = -1;
    };
    lines.forEach((l, i) => {
      if (QUOTE_LINE.test(l)) {
        flush(i);
        quote.push(l.replace(QUOTE_MARK, '').replace(QUOTE_MARK, ''));
      } else {
        endQuote();
        if (start < 0) start = i;
      }
    });
    flush(lines.length);
    endQuote();
  }
  return out;
}

/** How far back in a thread a quoted passage is looked for. */
const THREAD_WINDOW = 400;
/** Quotes shorter than this (folded) are too vague to link. */
const MIN_QUOTE = 12;

/**
 * Sets `quotes` on each passage that answers a blockquote, to the id of the passage holding the quoted words:
 * looked for in the record it replies to and that record's ancestors, then earlier in the same thread or file.
 */
export function linkQuotes(passages: Passage[], quoted: Map<number, string[]>): void {
  if (!quoted.size) return;
  const byRecord = new Map<string, Passage[]>();
  const byGroup = new Map<string, Passage[]>();
  for (const p of passages) {
    if (p.record) {
      let l = byRecord.get(p.record);
      if (!l) byRecord.set(p.record, (l = []));
      l.push(p);
    }
    const g = groupOf(p);
    let l = byGroup.get(g);
    if (!l) byGroup.set(g, (l = []));
    l.push(p);
  }
  const folded = new Map<Passage, string>();
  const f = (p: Passage) => {
    let s = folded.get(p);
    if (s === undefined) folded.set(p, (s = fold(p.text)));
    return s;
  };
  const unlinked: Array<[Passage, string[]]> = [];
  for (const [ord, quotes] of quoted) {
    const p = passages[ord];
    const pieces = quotes.flatMap(quotePieces);
    if (!pieces.length) continue;
    const candidates: Passage[] = [];
    let parent = p.parent;
    for (let depth = 0; parent && depth < 8; depth++) {
      const rec = byRecord.get(parent);
      if (!rec) break;
      candidates.push(...rec);
      parent = rec[0].parent;
    }
    const group = byGroup.get(groupOf(p)) ?? [];
    const at = group.indexOf(p);
    for (let i = at - 1; i >= 0 && i >= at - THREAD_WINDOW; i--) candidates.push(group[i]);
    const hit = candidates.find((c) => c !== p && (!p.record || c.record !== p.record) && pieces.some((q) => f(c).includes(q)));
    if (hit) p.quotes = hit.dupOf ?? hit.id;
    else unlinked.push([p, pieces]);
  }
  if (unlinked.length) linkAnywhere(passages, unlinked);
}

/**
 * Last resort for quotes not found nearby: anywhere in the corpus. One pass lists the passages holding the longest
 * word of each quote; only those are compared. The nearest earlier passage wins, else the nearest later one.
 */
function linkAnywhere(passages: Passage[], unlinked: Array<[Passage, string[]]>): void {
  const keyOf = (piece: string) => piece.split(WORD_SPLIT).reduce((a, b) => (b.length > a.length ? b : a), '');
  const wanted = new Map<string, number[]>();
  for (const [, pieces] of unlinked) for (const q of pieces) wanted.set(keyOf(q), []);
  wanted.delete('');
  passages.forEach((c, i) => {
    if (c.dupOf) return;
    const seen = new Set<string>();
    for (const w of c.text.toLowerCase().normalize('NFKC').split(WORD_SPLIT)) {
      const l = wanted.get(w);
      if (l && !seen.has(w)) {
        seen.add(w);
        l.push(i);
      }
    }
  });
  for (const [p, pieces] of unlinked) {
    // Distance in corpus order, earlier passages first.
    const far = (c: Passage) => (c.ord < p.ord ? p.ord - c.ord : passages.length + c.ord - p.ord);
    let best: Passage | null = null;
    for (const q of pieces) {
      for (const i of wanted.get(keyOf(q)) ?? []) {
        const c = passages[i];
        if (c === p || (p.record && c.record === p.record) || (best && far(c) >= far(best))) continue;
        if (fold(c.text).includes(q)) best = c;
      }
    }
    if (best) p.quotes = best.id;
  }
}

const WORD_SPLIT = /[^\p{L}\p{N}]+/u;

function groupOf(p: Passage): string {
  return p.thread ? `t:${p.thread}` : `f:${p.file}`;
}

/** The folded, searchable pieces of a quote: each quoted paragraph, split at elisions ("…", "..."). */
function quotePieces(q: string): string[] {
  return q
    .split(/\n\s*\n/)
    .flatMap((par) => fold(par).split(/\s*\[?\.\.\.\]?\s*/))
    .map((s) => s.replace(/^[\s"'*_]+|[\s"'*_]+$/g, ''))
    .filter((s) => s.length >= MIN_QUOTE);
}
