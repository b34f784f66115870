// Renders a reply for a terminal: plain text, with matched words highlighted when colour is on.
// Limits respected: none from a platform; lines are left to the terminal to wrap. Positions show their stance, the
// words it rests on, their weight and three quotes; exchanges mark the position (A, B, …) of each side.
import type { Reply } from '../../src/core/reply.ts';
import type { Answer, PassageHit, Position, SourceInfo } from '../../src/core/types.ts';

export interface TerminalStyle {
  color: boolean;
}

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

export function sourceLine(s: SourceInfo): string {
  const bits = [s.title];
  if (s.author) bits.push(`by ${s.author}`);
  const when = s.date ?? (s.year != null ? String(s.year) : null);
  const where = [s.site, when].filter(Boolean).join(', ');
  if (where) bits.push(`(${where})`);
  if (s.url) bits.push(s.url);
  return safe(bits.join(' · '));
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
  const bold = ansi('1', style.color);
  const dim = ansi('2', style.color);
  const lines: string[] = [];
  if (a.didYouMean) lines.push(dim(`Did you mean: ${safe(a.didYouMean)}?`), '');
  a.passages.forEach((p, i) => {
    lines.push(`${bold(`${i + 1}.`)} “${highlight(p, style)}”`);
    lines.push(dim(`   — ${sourceLine(p.source)}  [${p.id}]`), '');
  });
  if (a.positions.length) {
    lines.push(bold('Positions'));
    a.positions.forEach((p, i) => {
      lines.push(`${bold(`${String.fromCharCode(65 + i)}.`)} ${safe(p.label)} ${dim(`(${stanceOf(p)}; ${weight(p)})`)}`);
      for (const q of p.passages.slice(0, 3)) lines.push(`   “${highlight(q, style)}”`, dim(`      — ${sourceLine(q.source)}`));
    });
    lines.push('');
  }
  if (a.exchanges.length) {
    lines.push(bold('Exchanges'));
    for (const x of a.exchanges.slice(0, 3)) {
      lines.push(`   ${bold(`Claim${letter(x.claimPosition)}:`)} “${highlight(x.claim, style)}”`, dim(`      — ${sourceLine(x.claim.source)}`));
      lines.push(`   ${bold(`Reply${letter(x.replyPosition)}:`)} “${highlight(x.reply, style)}”`, dim(`      — ${sourceLine(x.reply.source)}`), '');
    }
  }
  for (const n of a.notices) lines.push(dim(safe(n)));
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
