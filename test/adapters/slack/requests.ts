// What Slack sends to an HTTP-mode app: signed slash commands, events, and interactive payloads, as Slack encodes them.
import { createHmac, randomUUID } from 'node:crypto';
import { BOT_USER, TEAM } from './fake-slack.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface Sent {
  status: number;
  body: string;
}

export function sign(raw: string, ts = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex')}`,
  };
}

export class SlackSender {
  constructor(
    readonly url: string,
    readonly secret = SIGNING_SECRET,
  ) {}

  async post(raw: string, contentType: string, o: { headers?: Record<string, string>; ts?: number } = {}): Promise<Sent> {
    const r = await fetch(this.url, { method: 'POST', headers: { 'content-type': contentType, ...sign(raw, o.ts, this.secret), ...o.headers }, body: raw });
    return { status: r.status, body: await r.text() };
  }

  /** A /crux slash command as Slack posts it (form-encoded). */
  command(text: string, o: { responseUrl: string; user?: string; channel?: string; team?: string; ts?: number; headers?: Record<string, string> }): Promise<Sent> {
    return this.post(commandBody(text, o), 'application/x-www-form-urlencoded', o);
  }

  /** An Events API callback (JSON). */
  event(event: object, o: { eventId?: string; retryNum?: number; headers?: Record<string, string>; team?: string } = {}): Promise<Sent> {
    const body = JSON.stringify(eventBody(event, o.eventId, o.team));
    const retry: Record<string, string> = o.retryNum ? { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
    return this.post(body, 'application/json', { headers: { ...retry, ...o.headers } });
  }

  /** An interactive payload (block_actions, message_action) as the form field payload=<json>. */
  interactive(payload: object): Promise<Sent> {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  }
}

export function commandFields(text: string, o: { responseUrl: string; user?: string; channel?: string; team?: string }): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: o.team ?? TEAM,
    team_domain: 'crux-test',
    channel_id: o.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: o.user ?? 'U0ALICE',
    user_name: 'alice',
    command: '/crux',
    text,
    api_app_id: 'A0CRUX',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: `${Date.now()}.${randomUUID()}`,
  };
}

export function commandBody(text: string, o: { responseUrl: string; user?: string; channel?: string; team?: string }): string {
  return new URLSearchParams(commandFields(text, o)).toString();
}

export function eventBody(event: object, eventId = `Ev${randomUUID().slice(0, 8)}`, team = TEAM): object {
  return {
    token: 'legacy-verification-token',
    team_id: team,
    api_app_id: 'A0CRUX',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: team, user_id: BOT_USER, is_bot: true, enterprise_id: null }],
    event,
  };
}

/** An app_mention event: `text` as Slack sends it (the mention as <@BOT>, & < > escaped). */
export function mention(text: string, o: { channel?: string; ts?: string; thread_ts?: string; user?: string } = {}): object {
  const ts = o.ts ?? '1700000100.000200';
  return {
    type: 'app_mention',
    user: o.user ?? 'U0ALICE',
    text,
    ts,
    ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
    channel: o.channel ?? 'C0GENERAL',
    event_ts: ts,
  };
}

/** A message shortcut ("Find the crux") on a message. */
export function messageShortcut(o: { text: string; responseUrl: string; channel?: string; ts?: string; thread_ts?: string; user?: string }): object {
  const ts = o.ts ?? '1700000200.000300';
  return {
    type: 'message_action',
    callback_id: 'find-crux',
    trigger_id: `${Date.now()}.${randomUUID()}`,
    action_ts: `${Date.now() / 1000}`,
    team: { id: TEAM, domain: 'crux-test' },
    user: { id: o.user ?? 'U0ALICE', name: 'alice', team_id: TEAM },
    channel: { id: o.channel ?? 'C0GENERAL', name: 'general' },
    message: { type: 'message', user: 'U0BOB', text: o.text, ts, ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}) },
    message_ts: ts,
    response_url: o.responseUrl,
    token: 'legacy-verification-token',
  };
}

/** A click on one of an answer's buttons, as block_actions. */
export function buttonClick(o: {
  actionId: string;
  value: string;
  responseUrl: string;
  ephemeral?: boolean;
  channel?: string;
  user?: string;
  thread_ts?: string;
  /** The workspace (default: the test workspace). */
  team?: string;
}): object {
  return {
    type: 'block_actions',
    team: { id: o.team ?? TEAM, domain: 'crux-test' },
    user: { id: o.user ?? 'U0ALICE', username: 'alice', team_id: o.team ?? TEAM },
    api_app_id: 'A0CRUX',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.${randomUUID()}`,
    container: {
      type: 'message',
      message_ts: '1700000300.000400',
      channel_id: o.channel ?? 'C0GENERAL',
      is_ephemeral: o.ephemeral ?? true,
      ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
    },
    channel: { id: o.channel ?? 'C0GENERAL', name: 'general' },
    response_url: o.responseUrl,
    actions: [{ type: 'button', action_id: o.actionId, block_id: 'b1', value: o.value, text: { type: 'plain_text', text: 'x' }, action_ts: `${Date.now() / 1000}${Math.random().toString().slice(2, 6)}` }],
  };
}

/** Message events as Slack sends them for a channel (`message.channels`): a message, an edit, a deletion. */
export const messageEvents = {
  posted: (channel: string, m: { user?: string; text: string; ts: string; thread_ts?: string; subtype?: string; bot_id?: string }, channelType = 'channel'): object => ({
    type: 'message',
    channel,
    channel_type: channelType,
    event_ts: m.ts,
    ...m,
  }),
  changed: (channel: string, m: { user?: string; text: string; ts: string; thread_ts?: string }, editedTs: string): object => ({
    type: 'message',
    subtype: 'message_changed',
    channel,
    channel_type: 'channel',
    hidden: true,
    ts: editedTs,
    event_ts: editedTs,
    message: { type: 'message', ...m, edited: { user: m.user, ts: editedTs } },
    previous_message: { type: 'message', ...m },
  }),
  deleted: (channel: string, ts: string, deletedAt: string): object => ({
    type: 'message',
    subtype: 'message_deleted',
    channel,
    channel_type: 'channel',
    hidden: true,
    ts: deletedAt,
    event_ts: deletedAt,
    deleted_ts: ts,
  }),
};
