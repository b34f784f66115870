// Renders a Crux reply as a Discord message: embeds for the passages, the position in focus and an exchange,
// buttons to move through the answer. Pure: plain API JSON in, plain API JSON out.
//
// Limits respected (see fit.ts LIMITS): content 2000; ≤10 embeds whose title 256, description 4096, ≤25 fields,
// field name 256 and value 1024, footer 2048 all add up to ≤6000 characters per message; ≤5 buttons per row,
// ≤5 rows, labels ≤80, custom_id ≤100. Quotes are cut at sentence boundaries with "…" to fit, never rejected.
// Every text from the corpus or a user is escaped (markdown and mentions) and every message carries
// allowedMentions { parse: [] }, so a quote can neither ping anyone nor change the formatting around it.
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed, APIEmbedField } from 'discord.js';
import type { HelpEntry, Reply } from '../../src/core/reply.ts';
import type { Answer, PassageHit, Position, SourceInfo } from '../../src/core/types.ts';
import type { Command } from '../../commands/types.ts';
import { clip, escapeFit, escapeText, fitMarked, LIMITS, markedToMarkdown, type Marked } from './fit.ts';
import { nextView, type Action, type View } from './state.ts';

export const NO_MENTIONS = { parse: [] as [] };

/** What discord.js receives for reply/editReply/followUp/update (minus flags, which the caller adds). */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIButtonComponentWithCustomId>>;
  allowedMentions: typeof NO_MENTIONS;
}

export interface AnswerRenderOptions {
  /** Which passages, position and exchange to show. */
  view: View;
  /** Passages per page: the user's limit. */
  pageSize: number;
  /** True when the answer holds more passages than this page can show (the caller asks for one extra). */
  morePassages?: boolean;
  /** Ephemeral messages get a "Post to channel" button. */
  ephemeral: boolean;
  /** Heading before the query: "Crux" for /crux, "Find the crux" for the message command. */
  heading?: string;
  /** Link to the message a "Find the crux" answer is about. */
  originUrl?: string;
  /** Who posted an ephemeral answer to the channel (shown as a mention that pings nobody). */
  postedBy?: string;
  /** Makes a custom_id for a button leading to a view; without it the message has no buttons. */
  buttonId?: (action: Action, view: View) => string;
}

export interface RenderedAnswer {
  message: DiscordMessage;
  /** How many passages this page shows (the next page starts after them). */
  passagesShown: number;
}

const COLOR = 0xc2410c;
/** Caps per section, so the passages always keep most of the 6000 characters. */
const CAP = { description: 1000, position: 1200, exchange: 1300, sourceTitle: 120 };
/** A quote is not worth showing in fewer characters than this. */
const MIN_QUOTE = 80;
export const MAX_POSITION_QUOTES = 3;
const MAX_NOTICES = 4;

const letter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1));

export function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0)
  );
}

export function messageLength(m: DiscordMessage): number {
  return m.embeds.reduce((n, e) => n + embedLength(e), 0);
}

/** "— [Title](url) · LessWrong, 2026": the source of a quote, its title linked when it has a web address. */
export function sourceLine(s: SourceInfo): string {
  const title = escapeFit(s.title.replace(/\s+/g, ' ').trim() || s.id, CAP.sourceTitle).replace(/[[\]]/g, '\\$&');
  const url = s.url && /^https?:\/\/[^\s]+$/i.test(s.url) && s.url.length <= 512 ? s.url.replace(/[()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : null;
  const bits = [url ? `[${title}](${url})` : title];
  if (s.author) bits.push(`by ${escapeFit(s.author, 80)}`);
  const when = s.date ?? (s.year != null ? String(s.year) : null);
  const where = [s.site, when].filter(Boolean).map((x) => escapeFit(String(x), 60)).join(', ');
  if (where) bits.push(where);
  return `— ${bits.join(' · ')}`;
}

const quote = (m: Marked) => markedToMarkdown(m, { quote: true });

/** A field holding one quote and its source, fitted into `cap` characters (name included); null if it cannot fit. */
function quoteField(name: string, hit: PassageHit, cap: number): APIEmbedField | null {
  const src = sourceLine(hit.source);
  const room = Math.min(LIMITS.fieldValue, cap - name.length) - src.length - 1;
  if (room < MIN_QUOTE) return null;
  const fitted = fitMarked(hit, room, quote);
  if (!fitted) return null;
  return { name, value: `${quote(fitted)}\n${src}` };
}

/** The least room a quote field needs: its name, its source line, and a quote worth reading. */
const fieldNeed = (name: string, hit: PassageHit) => name.length + sourceLine(hit.source).length + 1 + MIN_QUOTE;

/**
 * Quote fields sharing `room` characters: as many as fit at their least size (up to `max`), each then getting
 * its least size plus an equal share of what is left, recomputed after each so short quotes leave more for the rest.
 */
function quoteFields(items: Array<{ name: string; hit: PassageHit }>, room: number, max: number): APIEmbedField[] {
  const needs: number[] = [];
  let total = 0;
  for (const it of items.slice(0, max)) {
    const n = fieldNeed(it.name, it.hit);
    if (total + n > room) break;
    needs.push(n);
    total += n;
  }
  const out: APIEmbedField[] = [];
  let left = room;
  for (let i = 0; i < needs.length; i++) {
    const rest = needs.slice(i).reduce((a, b) => a + b, 0);
    const cap = needs[i] + Math.floor(Math.max(0, left - rest) / (needs.length - i));
    const f = quoteField(items[i].name, items[i].hit, cap);
    if (!f) break;
    out.push(f);
    left -= f.name.length + f.value.length;
  }
  return out;
}

function stanceText(p: Position): string {
  const stance = p.stance === 'unclear' ? 'stance unclear' : p.stance;
  return p.stanceCue ? `${stance} (“${escapeFit(p.stanceCue, 60)}”)` : stance;
}

export function weightText(p: Position): string {
  const w = p.weight;
  const authors = w.authors != null ? `, ${w.authors} author${w.authors === 1 ? '' : 's'}` : '';
  return `${w.passages} of ${w.ofRelevant} passage${w.ofRelevant === 1 ? '' : 's'}${authors}`;
}

/** Adds lines while they fit in max characters; returns how many fitted. */
function addLines(lines: string[], more: string[], max: number): number {
  let n = 0;
  for (const l of more) {
    if ([...lines, l].join('\n').length > max) break;
    lines.push(l);
    n++;
  }
  return n;
}

/** Renders an answer page. Never exceeds a limit: text is cut at sentence boundaries, extra passages go to later pages. */
export function renderAnswer(a: Answer, o: AnswerRenderOptions): RenderedAnswer {
  const v = o.view;
  const pos = a.positions.length ? Math.min(Math.max(0, v.pos), a.positions.length - 1) : 0;
  const ex = v.ex >= 0 && v.ex < a.exchanges.length ? v.ex : -1;
  const heading = o.heading ?? 'Crux';
  const main: APIEmbed = { color: COLOR, title: `${heading}: ${escapeFit(a.query.replace(/\s+/g, ' ').trim(), LIMITS.title - heading.length - 2)}` };
  if (o.originUrl) main.url = o.originUrl;

  // Description: where the query came from, corrections and notices, then the positions at a glance.
  const desc: string[] = [];
  if (o.originUrl) desc.push(`About [this message](${o.originUrl})`);
  if (a.didYouMean) desc.push(`Did you mean: **${escapeFit(a.didYouMean, 200)}**?`);
  addLines(desc, a.notices.slice(0, MAX_NOTICES).map((n) => escapeFit(n, 300)), CAP.description);
  if (a.positions.length) {
    const overview = a.positions.map(
      (p, i) => `${i === pos ? '▸' : '•'} **${letter(i)}.** ${escapeFit(p.label, 150)} · ${stanceText(p)} · ${weightText(p)}`,
    );
    const head = `**Positions** (${a.positions.length})`;
    const room = CAP.description - 40;
    if (addLines(desc, [head], room)) {
      const n = addLines(desc, overview, room);
      if (n < overview.length) desc.push(`…and ${overview.length - n} more (use the position buttons)`);
    }
  }
  const page = a.passages.slice(v.off, v.off + o.pageSize);
  if (!page.length && v.off > 0) desc.push('No more passages.');
  if (desc.length) main.description = desc.join('\n');

  const embeds: APIEmbed[] = [main];
  let used = embedLength(main);
  const footerRoom = 80;

  // The position in focus: its label, stance, weight and its strongest quotes.
  if (a.positions.length) {
    const p = a.positions[pos];
    const pe: APIEmbed = {
      color: COLOR,
      title: `Position ${letter(pos)} of ${a.positions.length}: ${escapeFit(p.label, LIMITS.title - 20)}`,
      description: `${stanceText(p)} · ${weightText(p)}`,
    };
    const quotes = p.passages.slice(0, MAX_POSITION_QUOTES).map((hit, i) => ({ name: `${letter(pos)}${i + 1}`, hit }));
    const fields = quoteFields(quotes, CAP.position - embedLength(pe), MAX_POSITION_QUOTES);
    if (fields.length) pe.fields = fields;
    embeds.push(pe);
    used += embedLength(pe);
  }

  // The exchange in focus: a claim and the reply to it.
  if (ex >= 0) {
    const x = a.exchanges[ex];
    const side = (what: string, i: number | null | undefined) => (i != null && a.positions[i] ? `${what} · position ${letter(i)}` : what);
    const xe: APIEmbed = { color: COLOR, title: `Exchange ${ex + 1} of ${a.exchanges.length}` };
    xe.fields = quoteFields(
      [
        { name: side('Claim', x.claimPosition), hit: x.claim },
        { name: side('Reply', x.replyPosition), hit: x.reply },
      ],
      CAP.exchange - embedLength(xe),
      2,
    );
    embeds.push(xe);
    used += embedLength(xe);
  }

  // The passages of this page share what is left, each getting a fair share of the rest in turn.
  const items = page.map((hit, i) => ({ name: `#${v.off + i + 1}`, hit }));
  const fields = quoteFields(items, LIMITS.embedTotal - used - footerRoom, LIMITS.fields);
  if (fields.length) main.fields = fields;
  const shown = fields.length;
  const more = shown < page.length || !!o.morePassages || a.passages.length > v.off + shown;

  const footer: string[] = [];
  if (shown) footer.push(`Passages ${v.off + 1}–${v.off + shown}${more ? ' · more available' : ''}`);
  if (o.postedBy) footer.push('Posted from an ephemeral answer');
  if (footer.length) embeds[embeds.length - 1].footer = { text: clip(footer.join(' · '), footerRoom) };

  const message: DiscordMessage = { embeds, components: [], allowedMentions: NO_MENTIONS };
  if (o.postedBy) message.content = `Shared by <@${o.postedBy}>`;
  if (o.buttonId && (shown || v.off > 0 || a.positions.length || a.exchanges.length)) {
    const id = o.buttonId;
    const shownCounts = { passages: shown, exchanges: a.exchanges.length };
    const button = (action: Action, label: string, disabled = false, primary = false): APIButtonComponentWithCustomId => ({
      type: 2,
      style: primary ? 1 : 2,
      label: clip(label, LIMITS.buttonLabel),
      custom_id: id(action, nextView(action, { pos, off: v.off, ex }, shownCounts)),
      ...(disabled ? { disabled: true } : {}),
    });
    const row: APIButtonComponentWithCustomId[] = [];
    if (a.positions.length > 1) {
      row.push(button('prev', '◀ Previous position', pos === 0));
      row.push(button('next', 'Next position ▶', pos >= a.positions.length - 1));
    }
    if (shown || v.off > 0) row.push(button('more', 'More passages', !more));
    if (a.exchanges.length) {
      row.push(button('exchange', ex < 0 ? 'Show exchange' : ex + 1 < a.exchanges.length ? 'Next exchange' : 'Hide exchange'));
    }
    if (o.ephemeral) row.push(button('post', 'Post to channel', false, true));
    // A member who reads a quote as on the wrong side can say so (issue 12); not on a posted copy.
    if (a.positions[pos] && !['unclear', 'mixed'].includes(a.positions[pos].stance) && !o.postedBy) row.push(button('correct', 'Correct a side'));
    for (let i = 0; i < row.length && message.components.length < LIMITS.rows; i += LIMITS.buttonsPerRow) {
      message.components.push({ type: 1, components: row.slice(i, i + LIMITS.buttonsPerRow) });
    }
  }
  return { message, passagesShown: shown };
}

/** "/crux topic:hyperstition limit:3" from a neutral example like "crux hyperstition limit:3". */
export function slashExample(example: string, c: Command): string {
  const words = example.trim().split(/\s+/);
  if (words[0] !== c.name) return example;
  const opts = words.slice(1).filter((w) => /^[a-z]+:\S/.test(w));
  const rest = words.slice(1).filter((w) => !/^[a-z]+:\S/.test(w));
  const first = c.options.find((o) => o.required);
  const parts = [`/${c.name}`];
  if (rest.length && first) parts.push(`${first.name}:${rest.join(' ')}`);
  return [...parts, ...opts].join(' ');
}

/** Help, generated from the neutral help entries and the command definitions they came from. */
export function renderHelp(entries: HelpEntry[], commands: Command[]): DiscordMessage {
  const fields: APIEmbedField[] = entries.slice(0, LIMITS.fields).map((e) => {
    const c = commands.find((x) => x.name === e.name || x.label === e.name);
    const isMessage = c?.kind === 'message';
    const name = isMessage ? `Apps › ${e.name}` : `/${e.name}`;
    const lines = [escapeText(e.description)];
    if (isMessage) lines.push('Open the menu of any message (right-click, or long-press on mobile), then Apps › ' + escapeText(e.name) + '.');
    if (c?.adminOnly) lines.push('Changing settings needs the Manage Server permission.');
    for (const o of e.options) lines.push(`\`${o.name}\`${o.required ? '' : ' (optional)'}: ${escapeText(o.description)}`);
    if (!isMessage && c) {
      const ex = e.examples.map((x) => slashExample(x, c)).filter((x) => x.startsWith('/'));
      if (ex.length) lines.push(`e.g. ${ex.map((x) => `\`${x}\``).join(', ')}`);
    }
    return { name: clip(name, LIMITS.fieldName), value: clip(lines.join('\n'), LIMITS.fieldValue) };
  });
  const embed: APIEmbed = {
    color: COLOR,
    title: 'Crux: how to use it',
    description:
      'Crux answers with verbatim passages from the corpus, the positions people took, and the exchanges where they meet. ' +
      'Answers are visible only to you unless this server shares them by default, you set `public:True`, or you press "Post to channel".',
    fields,
  };
  return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

/** A short plain message (notices, user errors): escaped, within 2000 characters. */
export function renderText(text: string): DiscordMessage {
  return { content: escapeFit(text, LIMITS.content), embeds: [], components: [], allowedMentions: NO_MENTIONS };
}

/** Any reply other than an answer; answers need paging state, see renderAnswer. */
export function renderReply(r: Exclude<Reply, { kind: 'answer' }>, commands: Command[]): DiscordMessage {
  switch (r.kind) {
    case 'help':
      return renderHelp(r.entries, commands);
    case 'notice':
      return renderText(r.text);
    case 'error':
      return renderText(r.message);
  }
}

/** The apology for an unexpected failure: short, with the reference under which the cause was logged. */
export function renderApology(ref: string): DiscordMessage {
  return {
    content: `Sorry, Crux hit a problem answering that. It has been logged under reference \`${ref}\`; please try again in a moment.`,
    embeds: [],
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}
