// A message captured live from a community's channels, and the passages it becomes. Adapters build these from
// platform events (adapters/discord/capture.ts, adapters/slack/capture.ts); the core never sees a platform type.
import type { Draft } from '../../corpus/types.ts';
import { ownParagraphs, withoutFences } from '../../corpus/formats/body.ts';
import { markQuotes } from '../../corpus/formats/discord.ts';

export type CapturePlatform = 'discord' | 'slack';

/** "discord:<guild id>" or "slack:<team id>": whose corpus a captured message belongs to. */
export type CommunityKey = `${CapturePlatform}:${string}`;

export const communityKey = (platform: CapturePlatform, id: string): CommunityKey => `${platform}:${id}`;

export interface CapturedMessage {
  /** Unique within the community: the Discord message id; `<channel>/p<ts>` on Slack (as the export readers name them). */
  id: string;
  /** The captured channel it belongs to (for a thread, the thread's parent channel): what `capture` names. */
  channel: string;
  /** Where it was posted, as sources are titled: "#debates", "#debates › Thread name". */
  title: string;
  /** The conversation it belongs to (a thread, or the channel itself), for exchanges. */
  thread: string | null;
  /** The record it answers (a Discord reply's message, a Slack thread's first message), or null. */
  parent: string | null;
  /** Platform user id and the display name shown in the community. */
  authorId: string;
  author: string;
  /** When it was posted (ISO). */
  at: string;
  /** Orders versions of one message: its last edit time, else its post time (Discord: ms; Slack: µs, as its timestamps). A smaller version never replaces a larger. */
  version: number;
  /** Jump link (Discord) or permalink (Slack). */
  url: string | null;
  /** What the person wrote, as people read it (Slack markup decoded); passages are exact substrings of it. */
  text: string;
}

/**
 * The most text kept of one message. Discord allows 4,000 characters and Slack 40,000; a longer text (a fake, a
 * future limit) keeps its first MAX_MESSAGE_CHARS characters, cut at a space, so passages stay verbatim.
 */
export const MAX_MESSAGE_CHARS = 40_000;

/** A message's text within MAX_MESSAGE_CHARS (cut at the last space before it, else at it). */
export function capText(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  const cut = text.slice(0, MAX_MESSAGE_CHARS + 1);
  const at = cut.search(/\s\S*$/);
  return (at > MAX_MESSAGE_CHARS / 2 ? cut.slice(0, at) : text.slice(0, MAX_MESSAGE_CHARS)).trimEnd();
}

/** Has the message any words to index? (Embeds, attachments and stickers alone have none.) */
export const hasText = (text: string): boolean => /\S/.test(text);

/**
 * The paragraphs a captured message contributes, shaped as the export readers shape a message (src/corpus/formats/
 * discord.ts and slack.ts): the author's own words, code fences and quoted lines left out, one draft per paragraph.
 */
export function draftsOf(m: CapturedMessage, platform: CapturePlatform): Draft[] {
  const date = m.at;
  const source = {
    id: m.id,
    title: m.title,
    author: m.author,
    url: m.url,
    date,
    site: platform === 'discord' ? 'Discord' : 'Slack',
    year: Number(date.slice(0, 4)) || null,
  };
  const body = withoutFences(platform === 'discord' ? markQuotes(m.text) : m.text);
  return ownParagraphs(body).map((p) => ({
    text: p.text,
    line: p.line,
    source,
    record: m.id,
    thread: m.thread,
    parent: m.parent,
    score: null,
    quoted: p.quoted,
    file: `capture/${m.channel}`,
  }));
}
