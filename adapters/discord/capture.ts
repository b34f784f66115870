// Live capture on Discord: the gateway's message events (create, update, delete, bulk delete, in channels and their
// threads) become captured messages; backfill pages through discord.js's message fetching (its REST queue keeps to
// Discord's rate limits). Reading what people write needs the privileged Message Content intent: without it Crux
// says so at start-up and in /crux-config, and captures nothing rather than empty messages.
import {
  ApplicationFlagsBitField,
  ChannelType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageType,
  REST,
  Routes,
  type Client,
  type Message,
  type PartialMessage,
  type RESTOptions,
  type TextBasedChannel,
} from 'discord.js';
import type { CaptureService } from '../../src/service/capture/service.ts';
import { HistoryError, platformCapture, type CaptureSource, type HistoryPage, type PlatformCapture, type PlatformCaptureOptions } from '../../src/service/capture/control.ts';
import type { CapturedMessage } from '../../src/service/capture/message.ts';

type Log = { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };

/** Said at start-up and in /crux-config when the application may not read message content. */
export const NO_MESSAGE_CONTENT =
  'Crux may not read messages on Discord: turn on the Message Content intent (Developer Portal > your application > Bot > Privileged Gateway Intents), then restart Crux.';

/** Gateway intents capture adds: guild messages, and their content. */
export const CAPTURE_INTENTS = [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

/** Message types that carry what someone wrote (everything else is a system message: joins, pins, boosts…). */
const SPOKEN = new Set<MessageType>([MessageType.Default, MessageType.Reply]);
/** Channels whose messages (or whose threads' messages) can be captured. */
const CAPTURABLE = new Set<ChannelType>([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildMedia]);
/** Discord's errors for a channel the bot may not read. */
const NO_ACCESS = new Set([50001, 50013, 10003]);
const PAGE = 100;

/**
 * May this application read message content? Asked of Discord before logging in (GET /applications/@me), because
 * asking for the intent when the Developer Portal has it off makes the gateway refuse the whole connection.
 */
export async function messageContentAllowed(token: string, rest: Partial<RESTOptions>): Promise<boolean | null> {
  try {
    const app = (await new REST(rest).setToken(token).get(Routes.currentApplication())) as { flags?: number };
    const flags = new ApplicationFlagsBitField(app.flags ?? 0);
    return flags.any([ApplicationFlagsBitField.Flags.GatewayMessageContent, ApplicationFlagsBitField.Flags.GatewayMessageContentLimited]);
  } catch {
    return null; // the login that follows reports what is wrong with the token or the connection
  }
}

/** Where a message sits: the captured channel (a thread's parent), the thread, and the title its passages get. */
function placeOf(channel: TextBasedChannel | null | undefined): { channel: string; thread: string | null; title: string } | null {
  if (!channel || channel.isDMBased()) return null;
  if (channel.isThread()) {
    if (!channel.parentId) return null;
    return { channel: channel.parentId, thread: channel.id, title: `#${channel.parent?.name ?? channel.parentId} › ${channel.name}` };
  }
  return { channel: channel.id, thread: channel.id, title: `#${channel.name}` };
}

/** A Discord message as capture keeps it, or null when it is not a person's message in a guild channel. */
export function capturedOf(m: Message | PartialMessage, botId: string | undefined): CapturedMessage | null {
  if (m.partial || !m.guildId || !m.author) return null;
  if (m.author.bot || m.webhookId || m.system || m.author.id === botId || !SPOKEN.has(m.type)) return null;
  const place = placeOf(m.channel);
  if (!place) return null;
  // In a thread started from a message, the thread's id is that message's: a message in it answers the message.
  const parent = m.reference?.messageId ?? (place.thread && place.thread !== place.channel && m.id !== place.thread ? place.thread : null);
  return {
    id: m.id,
    channel: place.channel,
    title: place.title,
    thread: place.thread,
    parent,
    authorId: m.author.id,
    author: m.member?.displayName ?? m.author.globalName ?? m.author.username,
    at: new Date(m.createdTimestamp).toISOString(),
    version: m.editedTimestamp ?? m.createdTimestamp,
    url: m.url,
    text: m.content,
  };
}

/** A backfill cursor: the channel or thread being read, the message to read before, and the threads still to read. */
interface Cursor {
  at: string;
  before: string | null;
  next: string[];
}

export interface DiscordCaptureOptions extends Omit<PlatformCaptureOptions, 'log' | 'store'> {
  store: PlatformCaptureOptions['store'];
  log: Log;
  /** The application may read message content (messageContentAllowed). */
  content: boolean;
}

/** Wires capture into a logged-in client: its message events, and backfill through its REST queue. */
export function discordCapture(client: Client, service: CaptureService, o: DiscordCaptureOptions): PlatformCapture {
  const log = o.log;
  const botId = () => client.user?.id;

  async function threadsOf(channelId: string): Promise<string[]> {
    const ch = await client.channels.fetch(channelId);
    if (!ch || !('threads' in ch)) return [];
    const active = await ch.threads.fetchActive();
    const archived = await ch.threads.fetchArchived({ type: 'public', limit: 100 });
    return [...active.threads.keys(), ...archived.threads.keys()];
  }

  const source: CaptureSource = {
    platform: 'discord',
    unavailable: () => (o.content ? null : NO_MESSAGE_CONTENT),
    // Replies are escaped text, where a <#id> mention would show as typed: channels are shown by name.
    mention: (id) => {
      const ch = client.channels.cache.get(id);
      return `#${ch && 'name' in ch && ch.name ? ch.name : id}`;
    },
    serves: (guild) => client.guilds.cache.has(guild),
    async resolve(guildId, words) {
      const guild = client.guilds.cache.get(guildId);
      const found: Array<{ id: string; name: string }> = [];
      const unknown: Array<{ word: string; why: string }> = [];
      for (const word of words) {
        const id = /^<#(\d{15,21})>$/.exec(word)?.[1] ?? (/^\d{15,21}$/.test(word) ? word : null);
        const name = word.replace(/^#/, '').toLowerCase();
        const ch = id ? guild?.channels.cache.get(id) : guild?.channels.cache.find((c) => c.name.toLowerCase() === name && !c.isThread());
        if (!ch) unknown.push({ word, why: 'no such channel in this server' });
        else if (!CAPTURABLE.has(ch.type)) unknown.push({ word, why: 'not a text or forum channel' });
        else found.push({ id: ch.id, name: ch.name });
      }
      return { found, unknown };
    },
    async history(_guild, channelId, raw, since): Promise<HistoryPage> {
      let cur: Cursor = raw ? JSON.parse(raw) : { at: channelId, before: null, next: await threadsOf(channelId) };
      try {
        const ch = await client.channels.fetch(cur.at);
        const fetched = ch?.isTextBased() ? await ch.messages.fetch({ limit: PAGE, ...(cur.before ? { before: cur.before } : {}) }) : null;
        const page = [...(fetched?.values() ?? [])];
        const messages = page.filter((m) => m.createdTimestamp >= since).map((m) => capturedOf(m, botId())).filter((m): m is CapturedMessage => m !== null);
        const oldest = page.at(-1);
        const more = page.length === PAGE && oldest && oldest.createdTimestamp >= since;
        if (more) cur = { ...cur, before: oldest.id };
        else if (cur.next.length) cur = { at: cur.next[0], before: null, next: cur.next.slice(1) };
        else return { messages, next: null };
        return { messages, next: JSON.stringify(cur) };
      } catch (e) {
        if (e instanceof DiscordAPIError && NO_ACCESS.has(Number(e.code))) throw new HistoryError(`Crux may not read that channel (${e.message}); give it View Channel and Read Message History`);
        throw e;
      }
    },
  };

  const capture = platformCapture(service, source, { ...o, log });
  if (!o.content) {
    log.warn(`discord: ${NO_MESSAGE_CONTENT} Live capture is off until then.`);
    return capture;
  }

  const report = (what: string, e: unknown) => log.error(`discord: capturing ${what} failed: ${(e as Error).message}`);
  client.on(Events.MessageCreate, (m) => {
    const c = capturedOf(m, botId());
    if (c) service.message('discord', m.guildId!, c).catch((e) => report('a message', e));
  });
  client.on(Events.MessageUpdate, (_old, m) => {
    // An update Discord sent without the message's content (an embed resolving) changes nothing.
    const c = capturedOf(m, botId());
    if (c) service.message('discord', m.guildId!, c).catch((e) => report('an edit', e));
  });
  client.on(Events.MessageDelete, (m) => {
    if (!m.guildId) return;
    service.deleted('discord', m.guildId, [m.id], placeOf(m.channel)?.channel ?? null).catch((e) => report('a deletion', e));
  });
  client.on(Events.ThreadDelete, (t) => {
    service.threadDeleted('discord', t.guildId, t.id).catch((e) => report('a deleted thread', e));
  });
  client.on(Events.ChannelDelete, (ch) => {
    // A deleted channel takes its messages with it: what capture took from it goes too.
    if (!ch.isDMBased()) service.purge('discord', ch.guildId, [ch.id]).catch((e) => report('a deleted channel', e));
  });
  client.on(Events.MessageBulkDelete, (ms, channel) => {
    if (!channel.guildId) return;
    service.deleted('discord', channel.guildId, [...ms.keys()], placeOf(channel)?.channel ?? null).catch((e) => report('a bulk deletion', e));
  });
  return capture;
}
