// Making corpus text safe and short enough for Discord: escaping (markdown, mentions) and cutting verbatim text
// at sentence boundaries with "…" so every message fits Discord's limits.
import { escapeMarkdown } from 'discord.js';
import { sentences } from '../../src/core/text.ts';

/** Discord's limits (docs: resources/message, components/reference, interactions/application-commands). */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

export const ELLIPSIS = '…';

/**
 * Escapes text so Discord shows it literally: every markdown construct (headings, lists and masked links included),
 * a leading ">" or "-#", and mentions (@everyone, @here, <@id>, <@&id>, <#id>, </cmd:id>, <t:…>) which are shown
 * as plain text instead of pills. The backslashes are invisible in Discord, so what the reader sees is verbatim.
 */
export function escapeText(s: string): string {
  return escapeMarkdown(s, { heading: true, bulletedList: true, numberedList: true, maskedLink: true })
    .replace(/^(\s*)(>|-#)/gm, '$1\\$2')
    .replace(/@(everyone|here)\b/g, '\\@$1')
    .replace(/<(?=[@#/]|t:|a?:\w|id:)/g, '\\<');
}

/** A text to show with some ranges in bold (matched words), as [start, end) offsets. */
export interface Marked {
  text: string;
  highlights: Array<[number, number]>;
}

/** Markdown for a marked text: escaped, highlights in bold, each line as a block quote when `quote` is set. */
export function markedToMarkdown(m: Marked, opts: { quote?: boolean } = {}): string {
  const urls = [...m.text.matchAll(/https?:\/\/\S+/g)].map((x): [number, number] => [x.index!, x.index! + x[0].length]);
  const inUrl = (a: number, b: number) => urls.some(([s, e]) => a < e && b > s);
  // Words matched next to each other are bolded as one run ("**remote work**", not "**remote** **work**").
  const runs: Array<[number, number]> = [];
  for (const [s, e] of [...m.highlights].sort((x, y) => x[0] - y[0])) {
    const last = runs[runs.length - 1];
    if (last && s >= last[1] && /^[ \t]*$/.test(m.text.slice(last[1], s))) last[1] = Math.max(last[1], e);
    else runs.push([s, e]);
  }
  let out = '';
  let at = 0;
  for (const [s, e] of runs) {
    if (s < at || e > m.text.length || e <= s || inUrl(s, e)) continue;
    const word = m.text.slice(s, e);
    if (!/^[\p{L}\p{N}][\p{L}\p{N}' -]*$/u.test(word)) continue;
    out += escapeText(m.text.slice(at, s)) + `**${word}**`;
    at = e;
  }
  out += escapeText(m.text.slice(at));
  return opts.quote ? out.split('\n').map((l) => `> ${l}`).join('\n') : out;
}

/** Where a verbatim text may be cut: after each sentence, then (if no sentence fits) after each word. */
function cutPoints(text: string): { sentence: number[]; word: number[] } {
  const sentence = sentences(text)
    .map(([, e]) => e)
    .filter((e) => e < text.trimEnd().length);
  const word: number[] = [];
  for (let i = 1; i < text.length; i++) if (/\s/.test(text[i]) && /\S/.test(text[i - 1])) word.push(i);
  return { sentence, word };
}

/** The largest point in sorted `points` for which fits(point) holds, assuming fits is monotone. */
function largestFitting(points: number[], fits: (p: number) => boolean): number | null {
  let lo = 0;
  let hi = points.length - 1;
  let best: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fits(points[mid])) {
      best = points[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** The start of a marked text up to `end`, with its highlights clipped, and " …" appended. */
function cutMarked(m: Marked, end: number): Marked {
  const head = m.text.slice(0, end).trimEnd();
  const highlights = m.highlights.filter(([, e]) => e <= head.length);
  // An excerpt that already ends in "…" would otherwise end in "… …".
  const text = head.endsWith(ELLIPSIS) ? head : `${head} ${ELLIPSIS}`;
  return { text, highlights };
}

/**
 * Shortens a verbatim text so that render(text) is at most `max` characters: whole sentences when possible,
 * whole words otherwise, with " …" marking the cut. Returns null when not even one word fits.
 */
export function fitMarked(m: Marked, max: number, render: (m: Marked) => string): Marked | null {
  if (render(m).length <= max) return m;
  const { sentence, word } = cutPoints(m.text);
  const fits = (p: number) => render(cutMarked(m, p)).length <= max;
  const at = largestFitting(sentence, fits) ?? largestFitting(word, fits);
  return at == null ? null : cutMarked(m, at);
}

/** Plain (already safe) text cut at a word boundary with "…" to at most max characters. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  let cut = s.slice(0, max - 1);
  const space = cut.search(/\s\S*$/);
  if (space > max / 2) cut = cut.slice(0, space);
  return cut.trimEnd() + ELLIPSIS;
}

/** Escaped text (user input, titles, labels) fitted to max characters, cutting before escaping so no escape is split. */
export function escapeFit(s: string, max: number): string {
  const whole = escapeText(s);
  if (whole.length <= max) return whole;
  const m = fitMarked({ text: s, highlights: [] }, max, (x) => escapeText(x.text));
  return m ? escapeText(m.text) : ELLIPSIS;
}
