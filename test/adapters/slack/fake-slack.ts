// A fake Slack for offline tests: the Web API (auth.test, chat.*, apps.connections.open), response_url sinks, and a
// Socket Mode WebSocket endpoint, all on one loopback port. It records every call the real Bolt App makes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Call {
  /** "chat.postMessage", or "response" for a response_url POST. */
  method: string;
  path: string;
  auth: string | undefined;
  contentType: string | undefined;
  /** Form fields or JSON, with `blocks` parsed. */
  body: Record<string, any>;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  /** The workspace auth.test reports (default TEAM). */
  team?: string;
}

/** A channel of the fake workspace (live capture reads its history). */
export interface FakeSlackChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_member?: boolean;
  is_archived?: boolean;
}

/** A message as Slack's Web API returns it. */
export interface FakeSlackMessage {
  type: 'message';
  subtype?: string;
  user?: string;
  bot_id?: string;
  text: string;
  ts: string;
  thread_ts?: string;
  reply_count?: number;
  edited?: { user: string; ts: string };
}

/** The scopes the manifest asks for (auth.test reports them in x-oauth-scopes). */
export const ALL_SCOPES = ['app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'commands', 'groups:history', 'groups:read', 'users:read'];

export const BOT_USER = 'UCRUXBOT';
export const BOT_ID = 'BCRUXBOT';
export const TEAM = 'T0TEAM';

export class FakeSlack {
  readonly calls: Call[] = [];
  /** Users that users.info reports as workspace admins. */
  readonly admins = new Set<string>();
  /** chat method → channel → error code to answer with (e.g. not_in_channel). */
  private failures = new Map<string, Map<string, string>>();
  private server!: http.Server;
  private wss!: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private pendingAcks = new Map<string, (msg: any) => void>();
  private waiters: Array<() => void> = [];
  base = '';
  botToken: string;
  appToken: string;
  team: string;
  /** Live capture: the workspace's channels, each channel's messages (oldest first), people's display names. */
  readonly channels = new Map<string, FakeSlackChannel>();
  readonly history = new Map<string, FakeSlackMessage[]>();
  readonly names = new Map<string, string>();
  /** Scopes reported by auth.test (x-oauth-scopes). */
  scopes: string[] = ALL_SCOPES;
  /** Largest page conversations.history and conversations.replies return, whatever limit is asked. */
  pageSize = 200;
  /** Method → how many of its next calls answer 429 (rate limited), with Retry-After: 1. */
  readonly rateLimited = new Map<string, number>();
  private clock = 1_700_000_000;

  constructor(o: FakeSlackOptions = {}) {
    this.botToken = o.botToken ?? 'xoxb-test-bot-token';
    this.appToken = o.appToken ?? 'xapp-test-app-token';
    this.team = o.team ?? TEAM;
  }

  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A fresh response_url on this fake. */
  responseUrl(): string {
    return `${this.base}/response/${randomUUID()}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data));
        this.pendingAcks.get(msg.envelope_id)?.(msg);
        this.pendingAcks.delete(msg.envelope_id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0CRUX' } }));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Makes `method` answer `error` for this channel (e.g. fail('chat.postMessage', 'C0OUT', 'not_in_channel')). */
  fail(method: string, channel: string, error: string): void {
    if (!this.failures.has(method)) this.failures.set(method, new Map());
    this.failures.get(method)!.set(channel, error);
  }

  api(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  responses(): Call[] {
    return this.calls.filter((c) => c.method === 'response');
  }

  /** Resolves once `pred` holds over the recorded calls (checked after every call), or rejects after `ms`. */
  async until<T>(pred: () => T | undefined | false, ms = 8000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Slack: condition not met within ${ms} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits until the number of calls matching `pred` reaches n, and returns them. */
  async callsUntil(pred: (c: Call) => boolean, n = 1, ms?: number): Promise<Call[]> {
    return this.until(() => {
      const got = this.calls.filter(pred);
      return got.length >= n ? got : false;
    }, ms);
  }

  /** Socket Mode: sends one envelope to every connected client and resolves with the client's ack. */
  async sendEnvelope(type: string, payload: object, extra: object = {}): Promise<any> {
    await this.until(() => this.sockets.size > 0);
    const envelope_id = randomUUID();
    const acked = new Promise((r) => this.pendingAcks.set(envelope_id, r));
    for (const ws of this.sockets) ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
    return acked;
  }

  // ---------- live capture: channels, their history, and the message events Slack sends ----------

  /** A channel of the workspace (Crux is a member unless told). */
  channel(id: string, name: string, o: Partial<FakeSlackChannel> = {}): FakeSlackChannel {
    const c = { id, name, is_private: false, is_member: true, is_archived: false, ...o };
    this.channels.set(id, c);
    return c;
  }

  /** A fresh message timestamp, later than the last one (`ageMs` back in time for history). */
  ts(ageMs = 0): string {
    this.clock += 1;
    const sec = Math.floor((Date.now() - ageMs) / 1000);
    return `${sec}.${String(this.clock % 1_000_000).padStart(6, '0')}`;
  }

  /** A message in a channel's history (what backfill finds). A reply gives `thread_ts` and counts on its thread's first message. */
  past(channel: string, text: string, o: { user?: string; ageMs?: number; thread_ts?: string; subtype?: string; bot_id?: string; ts?: string } = {}): FakeSlackMessage {
    const m: FakeSlackMessage = { type: 'message', text, ts: o.ts ?? this.ts(o.ageMs), user: o.user ?? 'U0ALICE' };
    if (o.thread_ts) m.thread_ts = o.thread_ts;
    if (o.subtype) m.subtype = o.subtype;
    if (o.bot_id) m.bot_id = o.bot_id;
    if (!this.history.has(channel)) this.history.set(channel, []);
    this.history.get(channel)!.push(m);
    if (o.thread_ts) {
      const root = this.history.get(channel)!.find((x) => x.ts === o.thread_ts);
      if (root) {
        root.thread_ts = root.ts;
        root.reply_count = (root.reply_count ?? 0) + 1;
      }
    }
    return m;
  }

  captureMethod(method: string, body: Record<string, any>): { status?: number; body: object } | null {
    if (method === 'conversations.list') return { body: { ok: true, channels: [...this.channels.values()], response_metadata: { next_cursor: '' } } };
    if (method === 'conversations.info') {
      const c = this.channels.get(body.channel);
      return { body: c ? { ok: true, channel: c } : { ok: false, error: 'channel_not_found' } };
    }
    if (method === 'conversations.history' || method === 'conversations.replies') {
      const c = this.channels.get(body.channel);
      if (!c) return { body: { ok: false, error: 'channel_not_found' } };
      if (!c.is_member) return { body: { ok: false, error: 'not_in_channel' } };
      const all = this.history.get(body.channel) ?? [];
      const oldest = Number(body.oldest ?? 0);
      // history: the channel's own messages, newest first; replies: the thread's first message, then its replies in order.
      const list =
        method === 'conversations.history'
          ? all.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast').filter((m) => Number(m.ts) >= oldest).reverse()
          : all.filter((m) => m.ts === body.ts || m.thread_ts === body.ts);
      const from = Number(body.cursor ?? 0);
      const size = Math.min(Number(body.limit ?? 100), this.pageSize);
      const page = list.slice(from, from + size);
      const more = from + size < list.length;
      return { body: { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(from + size) : '' } } };
    }
    return null;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const ct = req.headers['content-type'];
      const body = parseBody(raw, ct);
      const method = url.startsWith('/api/') ? url.slice(5).split('?')[0] : url.startsWith('/response/') ? 'response' : url;
      this.calls.push({ method, path: url, auth: req.headers.authorization, contentType: ct, body });
      const limited = this.rateLimited.get(method) ?? 0;
      if (limited > 0) this.rateLimited.set(method, limited - 1);
      const out = limited > 0 ? { status: 429, body: { ok: false, error: 'ratelimited' } } : this.answer(method, req.headers.authorization, body);
      if (limited > 0) res.setHeader('retry-after', '1');
      res.statusCode = out.status ?? 200;
      res.setHeader('content-type', 'application/json');
      if (method === 'auth.test') res.setHeader('x-oauth-scopes', this.scopes.join(','));
      res.end(JSON.stringify(out.body));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  private answer(method: string, auth: string | undefined, body: Record<string, any>): { status?: number; body: object } {
    if (method === 'response') return { body: { ok: true } };
    if (method === 'apps.connections.open') {
      if (auth !== `Bearer ${this.appToken}`) return { body: { ok: false, error: 'invalid_auth' } };
      return { body: { ok: true, url: `${this.base.replace('http', 'ws')}/socket` } };
    }
    if (auth !== `Bearer ${this.botToken}`) return { body: { ok: false, error: 'invalid_auth' } };
    if (method === 'auth.test') {
      return { body: { ok: true, url: 'https://crux-test.slack.com/', team: 'Crux Test', user: 'crux', team_id: this.team, user_id: BOT_USER, bot_id: BOT_ID } };
    }
    if (method === 'users.info') {
      const profile = { display_name: this.names.get(body.user) ?? '', real_name: body.user };
      return { body: { ok: true, user: { id: body.user, name: body.user, profile, is_admin: this.admins.has(body.user), is_owner: false, is_primary_owner: false } } };
    }
    const captured = this.captureMethod(method, body);
    if (captured) return captured;
    if (method === 'chat.postMessage' || method === 'chat.postEphemeral') {
      const error = this.failures.get(method)?.get(body.channel);
      if (error) return { body: { ok: false, error } };
      return { body: { ok: true, channel: body.channel, ts: `${Math.floor(Date.now() / 1000)}.${String(this.calls.length).padStart(6, '0')}`, message_ts: '1700000000.000900' } };
    }
    return { status: 404, body: { ok: false, error: 'unknown_method' } };
  }
}

function parseBody(raw: string, ct: string | undefined): Record<string, any> {
  if (!raw) return {};
  let body: Record<string, any>;
  if (ct?.includes('application/json')) body = JSON.parse(raw);
  else body = Object.fromEntries(new URLSearchParams(raw));
  for (const k of ['blocks', 'attachments']) {
    if (typeof body[k] === 'string') body[k] = JSON.parse(body[k]);
  }
  for (const k of ['unfurl_links', 'unfurl_media', 'replace_original', 'delete_original']) {
    if (body[k] === 'true') body[k] = true;
    if (body[k] === 'false') body[k] = false;
  }
  return body;
}
