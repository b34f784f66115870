// Renders a Reply as a Slack message (Block Kit).
//
// Limits and rules it respects (docs.slack.dev/reference/block-kit; ../shared/docs/platforms.md §2.3):
// - at most 50 blocks per message: passages beyond that are dropped, with a notice saying how many are shown;
// - at most 3000 characters per section (and, by the same rule, per rich_text block): longer text is trimmed at a
//   sentence boundary (a word boundary when one sentence is longer), " …" marking the cut, so text stays verbatim;
// - buttons: text ≤ 75, value ≤ 2000 (see view.ts), action_id ≤ 255, ≤ 25 per actions block; context ≤ 10 elements.
// - Corpus text (quotes, titles, position labels) goes into rich_text `text` elements, which Slack shows literally:
//   no mrkdwn (*bold* stays *bold*), and mentions exist there only as their own element types, so "<!channel>" or
//   "<@U123>" in a passage is plain text that notifies nobody. Matched words are bold through the element's style.
// - Our own words (help, notices, errors) are mrkdwn with &, <, > escaped and verbatim: true (no auto-linking).
// - The top-level `text` (notifications, screen readers) never contains corpus text.
// Sending (unfurls off, no link_names) is the caller's part: see app.ts.
import type { ActionsBlock, Button, ContextBlock, KnownBlock, RichTextBlock, RichTextElement, RichTextText, SectionBlock } from '@slack/types';
import type { HelpEntry, Reply } from '../../src/core/reply.ts';
import type { Answer, Exchange, PassageHit, Position, SourceInfo } from '../../src/core/types.ts';
import { sentences } from '../../src/core/text.ts';
import type { View } from './view.ts';

export const MAX_BLOCKS = 50;
export const MAX_SECTION_CHARS = 3000;
/** How many quotes of the focused position are shown. */
export const POSITION_QUOTES = 2;
/** How much of the query is echoed in the header (a message used as the query can be long). */
const QUERY_ECHO = 200;

export const ACTIONS = {
  more: 'crux_more_passages',
  nextPosition: 'crux_next_position',
  showExchange: 'crux_show_exchange',
  postChannel: 'crux_post_channel',
  postThread: 'crux_post_thread',
  correct: 'crux_correct_side',
} as const;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** What the answer is showing (focused position, exchange). Defaults: first position, no exchange. */
  view?: Pick<View, 'pos' | 'ex'>;
  /** The buttons' value (an encoded View), or null for no buttons. */
  state?: string | null;
  /** Offer "More passages" (when the limit can grow). */
  canShowMore?: boolean;
  /** Offer "Post to channel" / "Post to thread" (only on ephemeral answers). */
  post?: 'channel' | 'thread' | null;
}

/** Escapes Slack's three control characters for mrkdwn and top-level text, and nothing else. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts text to at most `max` characters at the last sentence end that fits (else at a word boundary), adding " …".
 * The kept part is an exact prefix of the input.
 */
export function trimAtSentence(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = ' …';
  const room = max - tail.length;
  let end = 0;
  for (const [, e] of sentences(text)) {
    if (e <= room) end = e;
    else break;
  }
  if (end === 0) {
    end = room;
    while (end > 0 && /\S/.test(text[end]) && /\S/.test(text[end - 1])) end--;
    while (end > 0 && /\s/.test(text[end - 1])) end--;
    if (end === 0) end = room;
  }
  return text.slice(0, end) + tail;
}

// ---------- rich text pieces ----------

const txt = (text: string, style?: RichTextText['style']): RichTextText => (style ? { type: 'text', text, style } : { type: 'text', text });

/** A passage's text with its matched words in bold, trimmed to `max` characters. */
export function quoteElements(hit: Pick<PassageHit, 'text' | 'highlights'>, max = MAX_SECTION_CHARS): RichTextText[] {
  const text = trimAtSentence(hit.text, max);
  const keep = text.length === hit.text.length ? text.length : text.length - 2;
  // Matched words next to each other ("free will") become one bold run.
  const runs: Array<[number, number]> = [];
  for (const [s, e] of [...hit.highlights].sort((a, b) => a[0] - b[0])) {
    const last = runs[runs.length - 1];
    if (last && s >= last[1] && /^\s*$/.test(text.slice(last[1], s))) last[1] = Math.max(last[1], e);
    else runs.push([s, e]);
  }
  const out: RichTextText[] = [];
  let at = 0;
  for (const [s, e] of runs) {
    if (s < at || e > keep || s >= e) continue;
    if (s > at) out.push(txt(text.slice(at, s)));
    out.push(txt(text.slice(s, e), { bold: true }));
    at = e;
  }
  if (at < text.length) out.push(txt(text.slice(at)));
  return out;
}

const safeUrl = (u: string | null | undefined) => (u && /^https?:\/\/[^\s<>|]+$/i.test(u) && u.length <= 3000 ? u : null);

/** "— Title (linked when it has a URL) · by Author · Site, 2026". */
export function sourceElements(s: SourceInfo): RichTextElement[] {
  const url = safeUrl(s.url);
  const title = trimAtSentence(s.title || s.id, 300);
  const out: RichTextElement[] = [txt('— '), url ? { type: 'link', url, text: title } : txt(title)];
  const when = s.date ?? (s.year != null ? String(s.year) : null);
  const bits = [s.author ? `by ${trimAtSentence(s.author, 100)}` : null, [s.site, when].filter(Boolean).join(', ') || null].filter(Boolean);
  if (bits.length) out.push(txt(` · ${bits.join(' · ')}`));
  return out;
}

const chars = (els: RichTextElement[]) => els.reduce((n, e) => n + ('text' in e && typeof e.text === 'string' ? e.text.length : 0), 0);

/** One quoted passage with its source line, as rich_text elements, within a character budget. */
function quoteWithSource(hit: PassageHit, budget: number): RichTextBlock['elements'] {
  const src = sourceElements(hit.source);
  return [
    { type: 'rich_text_quote', elements: quoteElements(hit, Math.max(80, budget - chars(src))) },
    { type: 'rich_text_section', elements: src },
  ];
}

const rich = (elements: RichTextBlock['elements']): RichTextBlock => ({ type: 'rich_text', elements });

function mrkdwnSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: trimAtSentence(text, MAX_SECTION_CHARS), verbatim: true } };
}

function context(lines: string[]): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: trimAtSentence(lines.join('\n'), MAX_SECTION_CHARS), verbatim: true }] };
}

function weightText(p: Position): string {
  const w = p.weight;
  const authors = w.authors != null ? `, ${w.authors} author${w.authors === 1 ? '' : 's'}` : '';
  return `${p.stance} · ${w.passages} of ${w.ofRelevant} passages${authors}`;
}

const letter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1));

// ---------- answer ----------

function headerBlock(a: Answer): RichTextBlock {
  const q = a.query.replace(/\s+/g, ' ').trim();
  const els: RichTextElement[] = [txt('Crux', { bold: true }), txt(' · '), txt(trimAtSentence(q, QUERY_ECHO) || ' ')];
  if (a.didYouMean) els.push(txt(' · Did you mean: '), txt(a.didYouMean, { italic: true }), txt('?'));
  return rich([{ type: 'rich_text_section', elements: els }]);
}

function positionsBlock(ps: Position[], focus: number): RichTextBlock {
  // Labels share the block's 3000 characters (each line also carries about 60 of weight text).
  const labelMax = Math.max(40, Math.min(300, Math.floor((MAX_SECTION_CHARS - 20) / ps.length) - 70));
  return rich([
    { type: 'rich_text_section', elements: [txt('Positions', { bold: true })] },
    {
      type: 'rich_text_list',
      style: 'bullet',
      elements: ps.map((p, i) => ({
        type: 'rich_text_section',
        elements: [txt(`${letter(i)}. `), txt(trimAtSentence(p.label, labelMax), i === focus ? { bold: true } : undefined), txt(` (${weightText(p)})`)],
      })),
    },
  ]);
}

function focusBlock(ps: Position[], i: number): RichTextBlock {
  const p = ps[i];
  const quotes = p.passages.slice(0, POSITION_QUOTES);
  const head: RichTextElement[] = [txt(`Position ${letter(i)} of ${ps.length}: `, { bold: true }), txt(trimAtSentence(p.label, 300))];
  const budget = Math.floor((MAX_SECTION_CHARS - chars(head)) / Math.max(1, quotes.length));
  return rich([{ type: 'rich_text_section', elements: head }, ...quotes.flatMap((q) => quoteWithSource(q, budget))]);
}

function exchangeBlock(xs: Exchange[], i: number, ps: Position[]): RichTextBlock {
  const x = xs[i];
  const side = (label: string, pi: number | null | undefined): RichTextElement[] => {
    const els = [txt(label, { bold: true })];
    if (pi != null && ps[pi]) els.push(txt(` (position ${letter(pi)})`));
    return els;
  };
  const head: RichTextElement[] = [txt(`Exchange ${i + 1} of ${xs.length}`, { bold: true }), txt(x.via === 'parent' ? ' · a reply' : ' · a quoted reply')];
  const claim = side('Claim', x.claimPosition);
  const reply = side('Reply', x.replyPosition);
  const budget = Math.floor((MAX_SECTION_CHARS - chars(head) - chars(claim) - chars(reply)) / 2);
  return rich([
    { type: 'rich_text_section', elements: head },
    { type: 'rich_text_section', elements: claim },
    ...quoteWithSource(x.claim, budget),
    { type: 'rich_text_section', elements: reply },
    ...quoteWithSource(x.reply, budget),
  ]);
}

function button(text: string, action_id: string, value: string, style?: 'primary'): Button {
  const b: Button = { type: 'button', text: { type: 'plain_text', text, emoji: false }, action_id, value };
  if (style) b.style = style;
  return b;
}

function actionsBlock(a: Answer, o: RenderOptions, view: Pick<View, 'pos' | 'ex'>): ActionsBlock | null {
  const v = o.state;
  if (v == null) return null;
  const els: Button[] = [];
  if (o.canShowMore) els.push(button('More passages', ACTIONS.more, v));
  if (a.positions.length > 1) els.push(button('Next position', ACTIONS.nextPosition, v));
  if (a.exchanges.length) els.push(button(view.ex >= 0 && a.exchanges.length > 1 ? 'Next exchange' : 'Show exchange', ACTIONS.showExchange, v));
  // A member who reads a quote as on the wrong side can say so (adapters/slack/corrections.ts).
  if (['yes', 'no', 'for', 'against'].includes(a.positions[view.pos]?.stance ?? '')) els.push(button('Correct a side', ACTIONS.correct, v));
  if (o.post === 'channel') els.push(button('Post to channel', ACTIONS.postChannel, v, 'primary'));
  if (o.post === 'thread') els.push(button('Post to thread', ACTIONS.postThread, v, 'primary'));
  return els.length ? { type: 'actions', elements: els } : null;
}

/** Fallback text for notifications: counts and the query, never corpus text. */
function answerText(a: Answer, shown: number): string {
  const q = escapeMrkdwn(trimAtSentence(a.query.replace(/\s+/g, ' ').trim(), 100));
  if (!a.passages.length) return `Crux: nothing found for “${q}”`;
  const pos = a.positions.length ? `, ${a.positions.length} position${a.positions.length === 1 ? '' : 's'}` : '';
  return `Crux: ${shown} passage${shown === 1 ? '' : 's'}${pos} on “${q}”`;
}

export function renderAnswer(a: Answer, o: RenderOptions = {}): SlackMessage {
  const view = { pos: o.view?.pos ?? 0, ex: o.view?.ex ?? -1 };
  const pos = a.positions.length ? view.pos % a.positions.length : 0;
  const ex = a.exchanges.length && view.ex >= 0 ? view.ex % a.exchanges.length : -1;
  const head = headerBlock(a);
  const tail: KnownBlock[] = [];
  if (a.positions.length) tail.push(positionsBlock(a.positions, pos), focusBlock(a.positions, pos));
  if (ex >= 0) tail.push(exchangeBlock(a.exchanges, ex, a.positions));
  const actions = actionsBlock(a, o, { pos, ex });
  const notes = a.notices.map(escapeMrkdwn);
  if (a.exchanges.length && ex < 0) notes.push(`${a.exchanges.length} exchange${a.exchanges.length === 1 ? '' : 's'} where these positions meet.`);
  // Passages get whatever blocks are left; one block is kept for the notices, which say so when passages are dropped.
  const fixed = 1 + tail.length + (actions ? 1 : 0) + 1;
  const room = Math.max(0, MAX_BLOCKS - fixed);
  const shown = a.passages.slice(0, room);
  if (shown.length < a.passages.length) {
    notes.push(`Showing ${shown.length} of ${a.passages.length} passages: a Slack message holds at most ${MAX_BLOCKS} blocks.`);
  }
  const blocks: KnownBlock[] = [head, ...shown.map((p) => rich(quoteWithSource(p, MAX_SECTION_CHARS))), ...tail];
  if (notes.length) blocks.push(context(notes));
  if (actions) blocks.push(actions);
  return { text: answerText(a, shown.length), blocks };
}

// ---------- help, notices, errors ----------

export interface HelpLine extends HelpEntry {
  /** How to invoke it on Slack ("/crux <topic> [limit:N]", "Find the crux (message shortcut)"). */
  usage: string;
}

export function renderHelp(entries: HelpLine[], extra: string[] = []): SlackMessage {
  const blocks: KnownBlock[] = [mrkdwnSection('*Crux* finds the crux of a debate: verbatim passages from the corpus, the positions people took, and the exchanges where they meet.')];
  for (const e of entries) {
    const lines = [`*${escapeMrkdwn(e.usage)}*`, escapeMrkdwn(e.description)];
    for (const o of e.options) lines.push(`• \`${escapeMrkdwn(o.name)}\`${o.required ? '' : ' (optional)'}: ${escapeMrkdwn(o.description)}`);
    if (e.examples.length) lines.push(`e.g. ${e.examples.map((x) => `\`${escapeMrkdwn(x)}\``).join('  ')}`);
    blocks.push(mrkdwnSection(lines.join('\n')));
  }
  for (const x of extra) blocks.push(mrkdwnSection(x));
  return { text: 'How to use Crux', blocks: blocks.slice(0, MAX_BLOCKS) };
}

/** A short message of ours (a notice, a user's mistake, an apology). `mrkdwn` is already escaped when given. */
export function renderNotice(text: string, opts: { mrkdwn?: boolean } = {}): SlackMessage {
  const body = opts.mrkdwn ? text : escapeMrkdwn(text);
  return { text: trimAtSentence(body, MAX_SECTION_CHARS), blocks: [mrkdwnSection(body)] };
}

export function renderReply(r: Reply, o: RenderOptions & { help?: (entries: HelpEntry[]) => SlackMessage } = {}): SlackMessage {
  switch (r.kind) {
    case 'answer':
      return renderAnswer(r.answer, o);
    case 'help':
      return o.help ? o.help(r.entries) : renderHelp(r.entries.map((e) => ({ ...e, usage: e.name })));
    case 'notice':
      return renderNotice(r.text);
    case 'error':
      return renderNotice(r.message);
  }
}
