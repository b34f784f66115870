// How the neutral command definitions (commands/) look on Slack: one slash command, its sub-commands, shortcuts.
// `crux` is `/crux <topic> [limit:N] …`; another chat command `crux-X` is `/crux X`; a message command is a shortcut.
import type { Args, Command, CommandOption } from '../../commands/index.ts';

/** The main command: its name is the slash command. */
export const MAIN = 'crux';
export const SLASH = `/${MAIN}`;

/** The word after /crux that selects a sub-command ("help" for crux-help), or null for the main command. */
export function subcommandOf(c: Command): string | null {
  if (c.kind !== 'chat' || c.name === MAIN) return null;
  return c.name.startsWith(`${MAIN}-`) ? c.name.slice(MAIN.length + 1) : c.name;
}

/** The option typed as free text (the topic): the first required string option. */
export function positionalOf(c: Command): CommandOption | undefined {
  return c.options.find((o) => o.required && o.type === 'string');
}

function optionHint(o: CommandOption): string {
  const v = o.type === 'integer' ? 'N' : o.type === 'boolean' ? 'true' : 'TEXT';
  return `${o.name}:${v}`;
}

/** Sub-commands whose options are typed in order, without names: `/crux config visibility public`. */
export const IN_ORDER = new Set(['crux-config']);

/** What a user types for a command on Slack, e.g. "/crux <topic> [limit:N] [source:TEXT] [public:true]". */
export function slackUsage(c: Command): string {
  return usageOf(c, true);
}

function usageOf(c: Command, withFilters: boolean): string {
  if (c.kind === 'message') return `${c.label ?? c.name} (message shortcut)`;
  const sub = subcommandOf(c);
  const pos = positionalOf(c);
  const parts = [SLASH];
  if (sub) parts.push(sub);
  if (IN_ORDER.has(c.name)) {
    for (const o of c.options) parts.push(o.required ? `<${o.name}>` : `[${o.name}]`);
    return parts.join(' ');
  }
  if (pos) parts.push(`<${pos.name}>`);
  for (const op of c.options) if (op !== pos && (withFilters || !op.inTopic)) parts.push(op.required ? optionHint(op) : `[${optionHint(op)}]`);
  return parts.join(' ');
}

/** The slash command's usage hint in the manifest: the main command's options, then each sub-command. */
export function usageHint(all: Command[]): string {
  const main = all.find((c) => c.name === MAIN);
  // The manifest's hint is short (Slack cuts it): filters such as author: are left to the help text.
  const mainHint = main ? usageOf(main, false).slice(SLASH.length + 1) : '';
  const subs = all.map(subcommandOf).filter((s): s is string => !!s);
  return [mainHint, ...subs].filter(Boolean).join(' | ');
}

/** A command's examples as Slack users would type them ("crux hyperstition" → "/crux hyperstition"). */
export function slackExamples(c: Command): string[] {
  return c.examples.map((x) => {
    if (c.kind !== 'chat') return x;
    const sub = subcommandOf(c);
    const as = sub ? `${SLASH} ${sub}` : SLASH;
    if (x === c.name) return as;
    if (!x.startsWith(`${c.name} `)) return x;
    let rest = x.slice(c.name.length + 1);
    if (IN_ORDER.has(c.name)) for (const o of c.options) rest = rest.replace(new RegExp(`(^|\\s)${o.name}:`, 'g'), '$1');
    return `${as} ${rest}`;
  });
}

export type Parsed = { command: Command; args: Args } | { command: Command; error: string };

const HELP_WORDS = new Set(['help', '-h', '--help', '?']);

/**
 * Reads the text after /crux (or after @Crux in a mention): "help", a sub-command, or a topic with name:value options.
 * Values may be quoted: source:"the void". Unknown name:value pairs stay part of the topic (a topic may contain colons,
 * and the core reads filters such as author:NAME from it). `custom` reads a sub-command's text its own way, by name.
 */
export function parseInvocation(text: string, all: Command[], custom: Record<string, (rest: string) => Args> = {}): Parsed {
  const t = text.replace(/\s+/g, ' ').trim();
  const main = all.find((c) => c.name === MAIN);
  const help = all.find((c) => subcommandOf(c) === 'help');
  if (!main) throw new Error(`No "${MAIN}" command is defined in commands/.`);
  if (!t || HELP_WORDS.has(t.toLowerCase())) return { command: help ?? main, args: {} };
  const first = t.split(' ')[0].toLowerCase();
  const sub = all.find((c) => c.kind === 'chat' && subcommandOf(c) === first);
  if (sub) {
    const rest = t.slice(first.length).trim();
    const own = custom[sub.name];
    return own ? { command: sub, args: own(rest) } : parseOptions(sub, rest);
  }
  return parseOptions(main, t);
}

const PAIR = /(^|\s)([A-Za-z][\w-]*):(?:"([^"]*)"|“([^”]*)”|(\S+))/g;

function parseOptions(c: Command, text: string): Parsed {
  const pos = positionalOf(c);
  // Filters (author:, since:, …) stay in the topic: the core reads them there, and buttons redo the topic as typed.
  const named = new Map(c.options.filter((o) => o !== pos && !o.inTopic).map((o) => [o.name.toLowerCase(), o]));
  const args: Args = {};
  const rest = text.replace(PAIR, (whole, lead: string, name: string, q1?: string, q2?: string, bare?: string) => {
    const o = named.get(name.toLowerCase());
    if (!o) return whole;
    args[o.name] = (q1 ?? q2 ?? bare ?? '').trim();
    return lead;
  });
  for (const [name, raw] of Object.entries(args)) {
    const o = c.options.find((x) => x.name === name)!;
    const r = coerce(o, String(raw));
    if (typeof r === 'object') return { command: c, error: r.error };
    args[name] = r;
  }
  const free = rest.replace(/\s+/g, ' ').trim();
  if (pos) {
    if (pos.maxLength && free.length > pos.maxLength)
      return { command: c, error: `The ${pos.name} can be at most ${pos.maxLength} characters long (yours has ${free.length}).` };
    args[pos.name] = free;
  }
  return { command: c, args };
}

function coerce(o: CommandOption, raw: string): string | number | boolean | { error: string } {
  if (o.type === 'integer') {
    const n = Number(raw);
    const lo = o.min ?? Number.MIN_SAFE_INTEGER;
    const hi = o.max ?? Number.MAX_SAFE_INTEGER;
    if (!/^-?\d+$/.test(raw) || n < lo || n > hi) {
      const range = o.min != null && o.max != null ? ` from ${o.min} to ${o.max}` : '';
      return { error: `${o.name} must be a whole number${range} (got "${raw}").` };
    }
    return n;
  }
  if (o.type === 'boolean') {
    const v = raw.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
    return { error: `${o.name} must be true or false (got "${raw}").` };
  }
  if (o.maxLength && raw.length > o.maxLength) return { error: `${o.name} can be at most ${o.maxLength} characters long.` };
  return raw;
}

/**
 * Turns Slack's wire format of a message (as in events and shortcuts) back into what the user typed:
 * drops mentions of the bot, shows other mentions and links by their label, and decodes &amp; &lt; &gt;.
 */
export function plainText(text: string, botUserId?: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_m, inner: string) => {
      const [target, label] = splitLabel(inner);
      if (target.startsWith('@')) return target.slice(1) === botUserId ? ' ' : label ? `@${label}` : '';
      if (target.startsWith('#')) return label ? `#${label}` : '';
      if (target.startsWith('!')) return label ?? '';
      return label ?? target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}
