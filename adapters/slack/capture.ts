// Live capture on Slack: `message` events (new messages, thread replies, message_changed, message_deleted) from the
// channels a workspace turned on become captured messages; backfill pages through conversations.history and
// conversations.replies, paced under their rate limit (the Web API client also waits out any 429).
import type { App } from '@slack/bolt';
import type { CaptureService } from '../../src/service/capture/service.ts';
import { HistoryError, platformCapture, type CaptureSource, type HistoryPage, type PlatformCapture, type PlatformCaptureOptions } from '../../src/service/capture/control.ts';
import type { CapturedMessage } from '../../src/service/capture/message.ts';
import { slackText } from '../../src/corpus/formats/slack.ts';

type Log = { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };

/** Scopes capture needs (besides those of /crux): reading channels' messages and names. */
export const CAPTURE_SCOPES = ['channels:history', 'groups:history', 'channels:read', 'groups:read'];
/**
 * Events capture subscribes to: messages in public and private channels, and those channels' deletion (Slack sends no
 * message_deleted for the messages of a deleted channel).
 */
export const CAPTURE_EVENTS = ['message.channels', 'message.groups', 'channel_deleted', 'group_deleted'];

/** Message subtypes that carry what a person wrote (as in exports); the rest are joins, topics, bots… */
const SPOKEN = new Set(['', 'thread_broadcast', 'me_message', 'file_share']);
/** Errors that mean the channel's history cannot be read. */
const NO_ACCESS = new Set(['not_in_channel', 'channel_not_found', 'missing_scope', 'not_authed', 'access_denied']);
const NAME_TTL_MS = 3600_000;

/** A Slack message as the Web API and the Events API give it. */
interface SlackMsg {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  edited?: { ts?: string };
  reply_count?: number;
}

const errorCode = (e: unknown): string | undefined => (e as { data?: { error?: string } })?.data?.error;
const ms = (ts: string) => Math.round(Number(ts) * 1000);
/** A Slack timestamp in microseconds, all its digits kept: two edits within one millisecond still have an order. */
const micros = (ts: string) => {
  const [sec, frac = ''] = ts.split('.');
  return Number(sec) * 1e6 + Number(frac.padEnd(6, '0').slice(0, 6));
};
const pts = (ts: string) => `p${ts.replace('.', '')}`;

export interface SlackCaptureOptions extends PlatformCaptureOptions {
  log: Log;
  team: string;
  botUserId: string;
  /** The workspace's URL (auth.test), for permalinks. */
  workspaceUrl: string | null;
  /** The bot token's scopes (auth.test), when Slack said; capture needs CAPTURE_SCOPES. */
  scopes: string[] | null;
  /** Least time between two history requests (Slack's tier 3: about 50 a minute). */
  historyPaceMs?: number;
  /** Tells whether an event was handled already (event_id), shared with the other processes. */
  once(key: string): Promise<boolean>;
}

/** Cursor of a backfill: the history cursor, then the threads found, read one by one. */
interface Cursor {
  history: string | null | false;
  threads: string[];
  replies: string | null;
}

export function slackCapture(app: App, service: CaptureService, o: SlackCaptureOptions): PlatformCapture {
  const names = new Map<string, { name: string; at: number }>();
  const channelNames = new Map<string, string>();
  const missing = o.scopes ? CAPTURE_SCOPES.filter((s) => !o.scopes!.includes(s)) : [];
  let lastHistory = 0;

  /** Display names of these users (users.info, cached for an hour). */
  async function people(ids: Iterable<string>): Promise<Map<string, string>> {
    for (const id of new Set(ids)) {
      const had = names.get(id);
      if (had && Date.now() - had.at < NAME_TTL_MS) continue;
      try {
        const u = (await app.client.users.info({ user: id })).user;
        const p = u?.profile;
        names.set(id, { name: p?.display_name || p?.real_name || u?.real_name || u?.name || id, at: Date.now() });
      } catch {
        names.set(id, { name: id, at: Date.now() });
      }
    }
    return new Map([...names].map(([id, v]) => [id, v.name]));
  }

  async function channelName(id: string): Promise<string> {
    const had = channelNames.get(id);
    if (had) return had;
    try {
      const name = (await app.client.conversations.info({ channel: id })).channel?.name ?? id;
      channelNames.set(id, name);
      return name;
    } catch {
      return id;
    }
  }

  /** A Slack message as capture keeps it, or null when it is not a person's message. */
  async function capturedOf(channel: string, m: SlackMsg): Promise<CapturedMessage | null> {
    if (!m.ts || !m.user || m.bot_id || m.user === o.botUserId || !SPOKEN.has(m.subtype ?? '')) return null;
    const text = m.text ?? '';
    const mentioned = [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((x) => x[1]);
    const who = await people([m.user, ...mentioned]);
    const key = `${channel}/${pts(m.ts)}`;
    const isReply = !!m.thread_ts && m.thread_ts !== m.ts;
    const root = m.thread_ts ? `${channel}/${pts(m.thread_ts)}` : null;
    const base = o.workspaceUrl?.replace(/\/+$/, '');
    return {
      id: key,
      channel,
      title: `#${await channelName(channel)}`,
      thread: root ?? channel,
      parent: isReply ? root : null,
      authorId: m.user,
      author: who.get(m.user) ?? m.user,
      at: new Date(ms(m.ts)).toISOString(),
      version: micros(m.edited?.ts ?? m.ts),
      url: base ? `${base}/archives/${channel}/${pts(m.ts)}${isReply ? `?thread_ts=${m.thread_ts}&cid=${channel}` : ''}` : null,
      text: slackText(text, { names: who, bots: new Set() }, channelNames),
    };
  }

  /** Waits so that history requests keep to Slack's pace. */
  async function paced(): Promise<void> {
    const wait = lastHistory + (o.historyPaceMs ?? 1_200) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastHistory = Date.now();
  }

  const source: CaptureSource = {
    platform: 'slack',
    unavailable: () =>
      missing.length
        ? `the Slack app lacks the scopes ${missing.join(', ')}: add them (and the message.channels and message.groups events) to the app, as in adapters/slack/manifest.json, and reinstall it.`
        : null,
    // Replies are plain text on Slack (escaped), so a channel is shown by name.
    mention: (id) => `#${channelNames.get(id) ?? id}`,
    serves: (team) => team === o.team,
    async resolve(_team, words) {
      const found: Array<{ id: string; name: string }> = [];
      const unknown: Array<{ word: string; why: string }> = [];
      let all: Array<{ id?: string; name?: string; is_member?: boolean; is_im?: boolean; is_archived?: boolean }> | null = null;
      for (const word of words) {
        const id = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word)?.[1] ?? (/^[CG][A-Z0-9]{6,}$/.test(word) ? word : null);
        all ??= await listChannels();
        const name = word.replace(/^#/, '').toLowerCase();
        const ch = all.find((c) => (id ? c.id === id : c.name?.toLowerCase() === name));
        if (!ch?.id) unknown.push({ word, why: 'no such channel in this workspace (or Crux may not see it)' });
        else if (ch.is_archived) unknown.push({ word, why: 'the channel is archived' });
        else if (!ch.is_member) unknown.push({ word, why: `Crux is not in #${ch.name}: invite it there first (/invite @Crux)` });
        else {
          channelNames.set(ch.id, ch.name ?? ch.id);
          found.push({ id: ch.id, name: ch.name ?? ch.id });
        }
      }
      return { found, unknown };
    },
    async history(_team, channel, raw, since): Promise<HistoryPage> {
      const cur: Cursor = raw ? JSON.parse(raw) : { history: null, threads: [], replies: null };
      const oldest = String(since / 1000);
      try {
        await paced();
        let got: SlackMsg[];
        if (cur.history !== false) {
          const res = await app.client.conversations.history({ channel, oldest, limit: 200, ...(cur.history ? { cursor: cur.history } : {}) });
          got = (res.messages ?? []) as SlackMsg[];
          cur.threads.push(...got.filter((m) => (m.reply_count ?? 0) > 0 && m.ts).map((m) => m.ts!));
          cur.history = (res.has_more && res.response_metadata?.next_cursor) || false;
        } else {
          const res = await app.client.conversations.replies({ channel, ts: cur.threads[0], limit: 200, ...(cur.replies ? { cursor: cur.replies } : {}) });
          // The first message of each page is the thread's own first message, captured from the history already.
          got = ((res.messages ?? []) as SlackMsg[]).filter((m) => m.ts !== cur.threads[0]);
          cur.replies = (res.has_more && res.response_metadata?.next_cursor) || null;
          if (!cur.replies) cur.threads.shift();
        }
        const messages = (await Promise.all(got.map((m) => capturedOf(channel, m)))).filter((m): m is CapturedMessage => m !== null);
        const done = cur.history === false && !cur.threads.length;
        return { messages, next: done ? null : JSON.stringify(cur) };
      } catch (e) {
        const code = errorCode(e);
        if (code && NO_ACCESS.has(code)) throw new HistoryError(`Slack refused the history (${code})`);
        throw e;
      }
    },
  };

  async function listChannels() {
    const out: Array<{ id?: string; name?: string; is_member?: boolean; is_im?: boolean; is_archived?: boolean }> = [];
    let cursor: string | undefined;
    do {
      const res = await app.client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: false, limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...(res.channels ?? []));
      cursor = res.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return out;
  }

  const capture = platformCapture(service, source, o);
  if (missing.length) o.log.warn(`slack: live capture is off: ${source.unavailable()}`);

  app.event('message', async ({ event, body }) => {
    const e = event as SlackMsg & { channel?: string; channel_type?: string; message?: SlackMsg; deleted_ts?: string; previous_message?: SlackMsg };
    const team = (body as { team_id?: string }).team_id ?? o.team;
    // Never direct messages, and each event once (Slack retries; several processes may receive it).
    if (!e.channel || e.channel_type === 'im' || e.channel_type === 'mpim') return;
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await o.once(`slack:capture:${eventId}`))) return;
    try {
      if (e.subtype === 'message_deleted' && e.deleted_ts) {
        await service.deleted('slack', team, [`${e.channel}/${pts(e.deleted_ts)}`], e.channel);
      } else if (e.subtype === 'message_changed' && e.message) {
        const m = await capturedOf(e.channel, e.message);
        if (m) await service.message('slack', team, m);
        // A thread's first message deleted while replies remain stays as a tombstone: gone all the same.
        else if (e.message.subtype === 'tombstone' && e.message.ts) await service.deleted('slack', team, [`${e.channel}/${pts(e.message.ts)}`], e.channel);
      } else {
        const m = await capturedOf(e.channel, e);
        if (m) await service.message('slack', team, m);
      }
    } catch (err) {
      o.log.error(`slack: capturing a message failed: ${(err as Error).message}`, { channel: e.channel });
    }
  });
  // A deleted channel takes its messages with it: what capture took from it goes too.
  const channelGone = async ({ event, body }: { event: { channel?: string }; body: unknown }) => {
    const team = (body as { team_id?: string }).team_id ?? o.team;
    if (!event.channel) return;
    try {
      await service.purge('slack', team, [event.channel]);
    } catch (err) {
      o.log.error(`slack: removing what a deleted channel gave failed: ${(err as Error).message}`, { channel: event.channel });
    }
  };
  app.event('channel_deleted', channelGone);
  app.event('group_deleted', channelGone);
  return capture;
}
