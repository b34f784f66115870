// DiscordChatExporter JSON: one file per channel or thread, {guild, channel, messages[…]}.
// Replies through reference.messageId; jump links to each message; system and bot messages skipped.
import type { Draft, FormatReader } from '../types.ts';
import { ownParagraphs, withoutFences } from './body.ts';
import { head, lineFinder, obj, parseJson, str, yearOf } from './json.ts';

/** Message types that carry what someone wrote; everything else (joins, pins, calls, renames…) is a system message. */
const SPOKEN = new Set(['Default', 'Reply']);

/** True when a text looks like a DiscordChatExporter JSON export (judged from its start). */
export function looksLikeDiscord(text: string): boolean {
  const h = head(text);
  return /"guild"\s*:\s*\{/.test(h) && /"channel"\s*:\s*\{/.test(h) && (/"messages"\s*:/.test(text.slice(0, 20000)) || /"dateRange"/.test(h));
}

/** `>>> ` quotes everything after it in Discord; single `> ` lines quote one line (handled with other quotes). */
export function markQuotes(content: string): string {
  const at = content.search(/^>>> /m);
  if (at < 0) return content;
  const rest = content.slice(at + 4);
  return content.slice(0, at) + rest.split('\n').map((l) => `> ${l}`).join('\n');
}

export const discordReader: FormatReader = {
  name: 'discord',
  extensions: [],
  detect: (file) => looksLikeDiscord(file.text),
  read(file, problem) {
    const doc = obj(parseJson(file.text, problem, 'messages'));
    if (!doc) return [];
    const guild = obj(doc.guild);
    const channel = obj(doc.channel);
    const messages = Array.isArray(doc.messages) ? doc.messages : [];
    if (!channel || !Array.isArray(doc.messages)) {
      problem({ line: 1, message: 'not a DiscordChatExporter file (no channel or messages); skipped' });
      return [];
    }
    const guildId = str(guild?.id);
    const channelId = str(channel.id) ?? file.rel;
    const isThread = /Thread$/.test(str(channel.type) ?? '');
    const name = str(channel.name) ?? channelId;
    // For a thread, "category" holds the parent channel's name.
    const where = isThread && str(channel.category) ? `#${str(channel.category)} › ${name}` : `#${name}`;
    const title = guild && str(guild.name) && str(guild.name) !== 'Direct Messages' ? `${str(guild.name)} ${where}` : where;
    // DiscordChatExporter gives direct messages the guild id 0; their links use @me.
    const linkGuild = !guildId || guildId === '0' ? '@me' : guildId;
    const lineOf = lineFinder(file.text);
    const out: Draft[] = [];
    for (const raw of messages) {
      const m = obj(raw);
      const id = str(m?.id);
      if (!m || !id) continue;
      const type = str(m.type) ?? 'Default';
      const author = obj(m.author);
      if (!SPOKEN.has(type) || author?.isBot === true) continue;
      const content = typeof m.content === 'string' ? m.content : '';
      if (!content.trim()) continue;
      const date = str(m.timestamp);
      const source = {
        id,
        title,
        author: str(author?.nickname) ?? str(author?.name),
        url: `https://discord.com/channels/${linkGuild}/${channelId}/${id}`,
        date,
        site: 'Discord',
        year: yearOf(date),
      };
      const ref = obj(m.reference);
      const parent = str(ref?.messageId);
      const line = lineOf(id, 'id');
      for (const p of ownParagraphs(withoutFences(markQuotes(content)))) {
        out.push({ text: p.text, line, source, record: id, thread: channelId, parent, score: null, quoted: p.quoted });
      }
    }
    return out;
  },
};
