// Renders a reply for a terminal: plain text, with matched words highlighted when colour is on.
// Limits: none from a platform, but an answer should fit one screen (80 columns, 40 rows): by default quotes are cut
// to their best sentences, each position shows its most representative quote and one exchange is shown; a source is
// named once for the quotes that follow it, and passage ids only with --ids. --full (:more at the prompt) shows all.
import type { Reply } from '../../src/core/reply.ts';
import type { Answer, PassageHit, Position, SourceInfo } from '../../src/core/types.ts';
import { excerpt } from '../../src/core/excerpt.ts';
import { fold } from '../../src/core/text.ts';

export interface TerminalStyle {
  color: boolean;
  /** Every quote whole, every quote of each position, every exchange, source links (--full, :more). */
  full?: boolean;
  /** Each passage's id after its quote (--ids). */
  ids?: boolean;
  /** How to see what the compact view left out, its last line when it left something out ("Whole answer: --full"). */
  more?: string;
}

/** How much of an answer each view shows. */
const VIEWS = {
  compact: { quoteChars: 200, positionQuotes: 1, exchanges: 1 },
  full: { quoteChars: Infinity, positionQuotes: Infinity, exchanges: Infinity },
};

const ansi = (code: string, on: boolean) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Strips control characters from corpus text so a passage cannot move the cursor or change colours. */
function safe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/\n/g, ' ');
}

export function highlight(hit: PassageHit, style: TerminalStyle): string {
  if (!style.color || !hit.highlights.length) return safe(hit.text);
  const mark = ansi('1;33', true);
  let out = '';
  let at = 0;
  for (const [s, e] of hit.highlights) {
    if (s < at) continue;
    out += safe(hit.text.slice(at, s)) + mark(safe(hit.text.slice(s, e)));
    at = e;
  }
  return out + safe(hit.text.slice(at));
}

/**
 * A quote cut to about `max` characters: the run of its whole sentences that holds the most matched words, chosen
 * the way the core chooses excerpts, so what is shown stays verbatim with "…" at each cut.
 */
export function shorten(hit: PassageHit, max: number): PassageHit {
  if (hit.text.length <= max) return hit;
  const words = [...new Set(hit.highlights.map(([s, e]) => fold(hit.text.slice(s, e))))];
  const cut = excerpt(hit.text, words, max);
  return { ...hit, text: cut.text, highlights: cut.highlights };
}

/** "Title (LessWrong, 2026) · by Ada · https://…": what is known of a source, as one line. */
export function sourceLine(s: SourceInfo, o: { title?: boolean; url?: boolean } = {}): string {
  const bits: string[] = [];
  if (o.title !== false) {
    const where = [s.site, s.year ?? s.date].filter((x) => x != null && x !== '').join(', ');
    bits.push(where ? `${s.title} (${where})` : s.title);
  }
  if (s.author) bits.push(`by ${s.author}`);
  if (s.date && (o.title === false || String(s.year ?? '') !== s.date)) bits.push(s.date);
  if (s.url && o.url) bits.push(s.url);
  return safe(bits.join(' · '));
}

/**
 * Names each quote's source only when it differs from the quote before: the title once for a run of quotes from
 * one source, then only what changes (another author, another date).
 */
function sourceNamer(full: boolean): (s: SourceInfo) => string | null {
  let last: SourceInfo | null = null;
  return (s) => {
    const sameTitle = last?.title === s.title;
    const line = sourceLine(s, { title: !sameTitle, url: full });
    const same = sameTitle && (full ? last!.url === s.url : true) && last!.author === s.author && last!.date === s.date;
    last = s;
    return same || !line ? null : line;
  };
}

function weight(p: Position): string {
  const w = p.weight;
  const authors = w.authors != null ? `, ${w.authors} author${w.authors === 1 ? '' : 's'}` : '';
  return `${w.passages} of ${w.ofRelevant} passages${authors}`;
}

/** "against: “weak argument”" — the stance and the words it rests on, when there are any. */
function stanceOf(p: Position): string {
  return p.stanceCue ? `${p.stance}: “${safe(p.stanceCue)}”` : p.stance;
}

/** Position letter (A, B, …) of an exchange side, when it belongs to one. */
const letter = (i: number | null | undefined) => (i == null ? '' : ` (${String.fromCharCode(65 + i)})`);

export function renderAnswer(a: Answer, style: TerminalStyle): string {
  const view = style.full ? VIEWS.full : VIEWS.compact;
  const bold = ansi('1', style.color);
  const dim = ansi('2', style.color);
  const name = sourceNamer(!!style.full);
  let leftOut = false;
  const lines: string[] = [];
  /** A quote line (its lead already styled), then its source when it changed, and its id when asked for. */
  const quote = (lead: string, hit: PassageHit, indent: string) => {
    const shown = shorten(hit, view.quoteChars);
    if (shown !== hit) leftOut = true;
    lines.push(`${lead}“${highlight(shown, style)}”${style.ids ? dim(`  [${safe(hit.id)}]`) : ''}`);
    const source = name(hit.source);
    if (source) lines.push(dim(`${indent}— ${source}`));
  };
  if (a.didYouMean) lines.push(dim(`Did you mean: ${safe(a.didYouMean)}?`), '');
  a.passages.forEach((p, i) => quote(`${bold(`${i + 1}.`)} `, p, '   '));
  if (a.passages.length) lines.push('');
  if (a.positions.length) {
    lines.push(bold('Positions'));
    a.positions.forEach((p, i) => {
      lines.push(`${bold(`${String.fromCharCode(65 + i)}.`)} ${safe(p.label)} ${dim(`(${stanceOf(p)}; ${weight(p)})`)}`);
      for (const q of p.passages.slice(0, view.positionQuotes)) quote('   ', q, '      ');
      if (p.passages.length > view.positionQuotes) leftOut = true;
    });
    lines.push('');
  }
  if (a.exchanges.length) {
    const shown = a.exchanges.slice(0, view.exchanges);
    if (shown.length < a.exchanges.length) leftOut = true;
    lines.push(bold(shown.length < a.exchanges.length ? `Exchanges (${shown.length} of ${a.exchanges.length})` : 'Exchanges'));
    for (const x of shown) {
      quote(`   ${bold(`Claim${letter(x.claimPosition)}:`)} `, x.claim, '      ');
      quote(`   ${bold(`Reply${letter(x.replyPosition)}:`)} `, x.reply, '      ');
      lines.push('');
    }
  }
  for (const n of a.notices) lines.push(dim(safe(n)));
  if (leftOut && style.more) lines.push(dim(style.more));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

export function renderReply(r: Reply, style: TerminalStyle): string {
  switch (r.kind) {
    case 'answer':
      return renderAnswer(r.answer, style);
    case 'notice':
      return r.text;
    case 'error':
      return r.message;
    case 'help':
      return r.entries
        .map((e) => {
          const opts = e.options.map((o) => `    ${o.name}${o.required ? '' : ' (optional)'}: ${o.description}`);
          return [`${e.name}: ${e.description}`, ...opts, ...e.examples.map((x) => `    e.g. ${x}`)].join('\n');
        })
        .join('\n\n');
  }
}
