// A fake Discord for tests and the bench: a REST server and a gateway on 127.0.0.1 that the real discord.js Client
// talks to (through DISCORD_API_URL / rest.api). It records every HTTP call, can answer with errors on demand,
// and dispatches interactions built like Discord's own payloads.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const APP_ID = '100000000000000001';
/** The bot token the fake accepts: three dot-separated parts, as config checks, but plainly not a Discord token. */
export const FAKE_TOKEN = 'fake.discord-bot-token.for-loopback-tests';
export const GUILD_ID = '500000000000000001';

/** The gateway's READY dispatch for the bot (with `shard` when the connection is one shard of several). */
export function readyEvent(seq: number, sessionId: string, resumeUrl: string, shard?: [number, number]): object {
  const d = {
    v: 10,
    user: { id: APP_ID, username: 'crux', discriminator: '0', global_name: null, avatar: null, bot: true },
    guilds: [],
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    ...(shard ? { shard } : {}),
    application: { id: APP_ID, flags: 0 },
  };
  return { op: 0, t: 'READY', s: seq, d };
}
export const CHANNEL_ID = '200000000000000002';
export const ALICE = { id: '600000000000000001', username: 'alice', discriminator: '0', global_name: 'Alice', avatar: null };
export const BOB = { id: '600000000000000002', username: 'bob', discriminator: '0', global_name: 'Bob', avatar: null };
const DISCORD_EPOCH = 1420070400000n;

// Live capture: a server with channels, and the application's Message Content intent.
export const CAPTURE_GUILD = { id: '500000000000000010', name: 'Debate Club' };
export const DEBATES = '200000000000000010';
export const ALIGNMENT = '200000000000000011';
export const OFFTOPIC = '200000000000000012';
/** Discord's application flags: the Message Content intent switched on in the Developer Portal (an unverified bot). */
export const MESSAGE_CONTENT_FLAG = 1 << 19;
/** A member's permissions with Manage Server (who may change settings). */
export const MANAGE_SERVER = String(2248473465835073n | (1n << 5n));

export interface FakeChannel {
  id: string;
  name: string;
  type: number;
  guild_id: string;
  parent_id?: string | null;
  thread_metadata?: object;
}

/** A guild's text channel as Discord describes it. */
export function textChannel(id: string, name: string, guildId = CAPTURE_GUILD.id): FakeChannel {
  return { id, name, type: 0, guild_id: guildId, parent_id: null };
}

/** A public thread inside a channel (its id is the message it was started from, when it was). */
export function thread(id: string, name: string, parentId: string, guildId = CAPTURE_GUILD.id): FakeChannel {
  const meta = { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false };
  return { id, name, type: 11, guild_id: guildId, parent_id: parentId, thread_metadata: meta };
}

export interface PostOptions {
  user?: User;
  /** Display name in the server (a nickname). */
  nick?: string;
  /** The message it replies to. */
  replyTo?: string;
  /** How long ago it was posted. */
  ageMs?: number;
  bot?: boolean;
  /** Message type (0 default, 19 reply, 7 member join…). */
  type?: number;
  embeds?: object[];
  guildId?: string;
  id?: string;
}

export interface RestCall {
  method: string;
  /** Path without the query string, with %40 decoded to @ (discord.js encodes @original). */
  path: string;
  query: URLSearchParams;
  auth: string | null;
  /** Parsed JSON body, or null. */
  body: any;
  status: number;
  at: number;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Override {
  match: (method: string, path: string) => boolean;
  responses: FakeResponse[];
}

export type User = typeof ALICE;

/** Option values as a user typed them: strings, integers and booleans. */
export type OptionValues = Record<string, string | number | boolean>;

export class FakeDiscord {
  readonly calls: RestCall[] = [];
  /** Interactions dispatched, by token: when they were sent. */
  readonly sentAt = new Map<string, number>();
  private overrides: Override[] = [];
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private counter = 0;
  private waiters: Array<{ pred: (c: RestCall) => boolean; resolve: (c: RestCall) => void }> = [];
  private messageCounter = 0;
  tokenRejected = false;
  /** Application flags GET /applications/@me reports: Message Content on by default; 0 turns it off. */
  applicationFlags = MESSAGE_CONTENT_FLAG;
  /** Channels and threads of the servers the bot is in (live capture), and each channel's messages (its history). */
  private readonly channels = new Map<string, FakeChannel>();
  private readonly history = new Map<string, any[]>();
  /** How many history pages (GET /channels/:id/messages) were asked for. */
  historyCalls = 0;
  /** False stops recording calls (long bench runs); listeners still hear each one. */
  keepCalls = true;
  /** Called with every REST call as it arrives. */
  readonly listeners = new Set<(c: RestCall) => void>();
  identifies: any[] = [];

  private constructor(
    private readonly rest: http.Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<FakeDiscord> {
    const rest = http.createServer();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await Promise.all([new Promise<void>((r) => rest.listen(0, '127.0.0.1', r)), new Promise<void>((r) => wss.on('listening', r))]);
    const fake = new FakeDiscord(rest, wss);
    rest.on('request', (req, res) => fake.onRequest(req, res));
    wss.on('connection', (sock) => fake.onConnection(sock));
    return fake;
  }

  /** What DISCORD_API_URL should be. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.rest.address() as AddressInfo).port}/api`;
  }

  private get gatewayUrl(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** The next `responses.length` matching requests get these responses instead of the normal ones. */
  failNext(match: { method?: string; path: RegExp }, ...responses: FakeResponse[]): void {
    this.overrides.push({ match: (m, p) => (!match.method || match.method === m) && match.path.test(p), responses: [...responses] });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.rest.closeAllConnections();
    await new Promise<void>((r) => this.rest.close(() => r()));
  }

  /** Resolves with the first recorded call (past or future) that matches. */
  waitForCall(pred: (c: RestCall) => boolean, timeoutMs = 10_000): Promise<RestCall> {
    const seen = this.calls.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (c: RestCall) => (clearTimeout(t), resolve(c)) };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no matching REST call within ${timeoutMs} ms; calls so far:\n${this.calls.map((c) => `${c.method} ${c.path} ${c.status}`).join('\n')}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Every call made for one interaction token (callbacks, edits of @original, follow-ups). */
  callsFor(token: string): RestCall[] {
    return this.calls.filter((c) => c.path.includes(`/${token}/`) || c.path.endsWith(`/${token}`));
  }

  /**
   * The message the user ends up seeing for an interaction: the data of a type 4/7 callback, or the edit of
   * @original that follows a deferral (type 5/6). Waits for it.
   */
  async finalReply(token: string, timeoutMs = 10_000): Promise<{ data: any; calls: RestCall[]; kind: 'reply' | 'update' | 'edit' }> {
    const c = await this.waitForCall(
      (c) =>
        c.status < 300 &&
        ((c.path.includes(`/${token}/callback`) && (c.body?.type === 4 || c.body?.type === 7)) ||
          (c.method === 'PATCH' && c.path.includes(`/${token}/messages/@original`))),
      timeoutMs,
    );
    const kind = c.method === 'PATCH' ? 'edit' : c.body.type === 7 ? 'update' : 'reply';
    return { data: kind === 'edit' ? c.body : c.body.data, calls: this.callsFor(token), kind };
  }

  // ---------- REST ----------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname.replace(/%40/g, '@');
      let body: any = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const method = req.method ?? 'GET';
      const r = this.respond(method, path, body, url.searchParams);
      const call: RestCall = { method, path, query: url.searchParams, auth: req.headers.authorization ?? null, body, status: r.status, at: performance.now() };
      if (this.keepCalls) this.calls.push(call);
      for (const l of this.listeners) l(call);
      for (const w of [...this.waiters]) {
        if (w.pred(call)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(call);
        }
      }
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      if (r.body !== undefined) headers['content-type'] = 'application/json';
      res.writeHead(r.status, headers);
      res.end(r.body !== undefined ? JSON.stringify(r.body) : undefined);
    });
  }

  private respond(method: string, path: string, body: any, query: URLSearchParams): FakeResponse {
    const o = this.overrides.find((x) => x.responses.length && x.match(method, path));
    if (o) return o.responses.shift()!;
    if (method === 'GET' && path === '/api/v10/gateway/bot') {
      if (this.tokenRejected) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      return {
        status: 200,
        body: { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 1 } },
      };
    }
    if (method === 'POST' && /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return { status: 204 };
    const captured = this.captureRoute(method, path, query);
    if (captured) return captured;
    const hook = /^\/api\/v10\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path);
    if (hook) {
      if (method === 'DELETE') return { status: 204 };
      return { status: 200, body: this.messageFrom(body ?? {}, hook[3] === '@original' ? undefined : hook[3]) };
    }
    const cmds = /^\/api\/v10\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (cmds && method === 'PUT') {
      if (this.tokenRejected) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      return { status: 200, body: (body as any[]).map((c, n) => ({ ...c, id: String(700000000000000000n + BigInt(n)), application_id: cmds[1], guild_id: cmds[2], version: '1' })) };
    }
    return { status: 404, body: { message: 'Unknown route', code: 0 } };
  }

  /** A message object as Discord returns it, from a message payload the bot sent. */
  messageFrom(data: any, id?: string, extra: object = {}): any {
    return {
      id: id ?? String(300000000000000000n + BigInt(++this.messageCounter)),
      channel_id: CHANNEL_ID,
      guild_id: GUILD_ID,
      type: 20,
      content: data.content ?? '',
      author: { id: APP_ID, username: 'crux', discriminator: '0', avatar: null, bot: true },
      attachments: [],
      embeds: data.embeds ?? [],
      components: data.components ?? [],
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: data.flags ?? 0,
      webhook_id: APP_ID,
      application_id: APP_ID,
      ...extra,
    };
  }

  // ---------- live capture: a server's channels, threads and messages ----------

  private captureRoute(method: string, path: string, query: URLSearchParams): FakeResponse | null {
    if (method !== 'GET') return null;
    if (path === '/api/v10/applications/@me') return { status: 200, body: { id: APP_ID, name: 'crux', flags: this.applicationFlags } };
    const messages = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path);
    if (messages) {
      this.historyCalls++;
      const before = query.get('before');
      const newestFirst = [...(this.history.get(messages[1]) ?? [])].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      return { status: 200, body: newestFirst.filter((m) => !before || BigInt(m.id) < BigInt(before)).slice(0, Number(query.get('limit') ?? 50)) };
    }
    const active = /^\/api\/v10\/guilds\/(\d+)\/threads\/active$/.exec(path);
    if (active) return { status: 200, body: { threads: [...this.channels.values()].filter((c) => c.type === 11 && c.guild_id === active[1]), members: [] } };
    if (/^\/api\/v10\/channels\/\d+\/threads\/archived\/public$/.test(path)) return { status: 200, body: { threads: [], members: [], has_more: false } };
    const channel = /^\/api\/v10\/channels\/(\d+)$/.exec(path);
    if (channel && this.channels.has(channel[1])) return { status: 200, body: this.channels.get(channel[1]) };
    return null;
  }

  /** The bot joins (or learns of) a server with these channels and threads: GUILD_CREATE. */
  guildCreate(channels: FakeChannel[], guild = CAPTURE_GUILD): void {
    this.send('GUILD_CREATE', this.guildPayload(channels, guild));
  }

  /** A GUILD_CREATE payload for a server with these channels and threads (which REST then knows too). */
  guildPayload(channels: FakeChannel[], guild = CAPTURE_GUILD): object {
    for (const c of channels) this.channels.set(c.id, c);
    const everyone = { id: guild.id, name: '@everyone', permissions: '2248473465835073', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 };
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: ALICE.id,
      roles: [everyone],
      channels: channels.filter((c) => c.type !== 11),
      threads: channels.filter((c) => c.type === 11),
      members: [],
      member_count: 2,
      emojis: [],
      stickers: [],
      features: [],
      unavailable: false,
      joined_at: new Date(0).toISOString(),
      large: false,
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      premium_tier: 0,
      preferred_locale: 'en-US',
    };
  }

  /** A thread created later: THREAD_CREATE. */
  threadCreate(t: FakeChannel): void {
    this.channels.set(t.id, t);
    this.send('THREAD_CREATE', { ...t, newly_created: true });
  }

  /** THREAD_DELETE (Discord sends no deletion for the thread's messages). */
  threadDelete(t: FakeChannel): void {
    this.channels.delete(t.id);
    this.history.delete(t.id);
    this.send('THREAD_DELETE', { id: t.id, guild_id: t.guild_id, parent_id: t.parent_id, type: t.type });
  }

  /** CHANNEL_DELETE. */
  channelDelete(c: FakeChannel): void {
    this.channels.delete(c.id);
    this.history.delete(c.id);
    this.send('CHANNEL_DELETE', c);
  }

  /** A message already in a channel's history (for backfill), not sent as an event. Returns it. */
  past(channelId: string, content: string, o: PostOptions = {}): any {
    const guildId = o.guildId ?? this.channels.get(channelId)?.guild_id ?? CAPTURE_GUILD.id;
    const user = o.user ?? ALICE;
    const m = {
      id: o.id ?? this.snowflake(o.ageMs ?? 0),
      channel_id: channelId,
      guild_id: guildId,
      type: o.type ?? (o.replyTo ? 19 : 0),
      content,
      author: { ...user, ...(o.bot ? { bot: true } : {}) },
      member: { nick: o.nick ?? null, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
      attachments: [],
      embeds: o.embeds ?? [],
      components: [],
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
      timestamp: new Date(Date.now() - (o.ageMs ?? 0)).toISOString(),
      edited_timestamp: null,
      flags: 0,
      ...(o.replyTo ? { message_reference: { type: 0, message_id: o.replyTo, channel_id: channelId, guild_id: guildId } } : {}),
    };
    if (!this.history.has(channelId)) this.history.set(channelId, []);
    this.history.get(channelId)!.push(m);
    return m;
  }

  /** A message posted now: MESSAGE_CREATE (and kept in the channel's history). Returns it. */
  post(channelId: string, content: string, o: PostOptions = {}): any {
    const m = this.past(channelId, content, o);
    this.send('MESSAGE_CREATE', m);
    return m;
  }

  /** An edit: MESSAGE_UPDATE with the whole message, as Discord sends it. Returns the edited message. */
  edit(message: any, content: string): any {
    const edited = { ...message, content, edited_timestamp: new Date(Math.max(Date.now(), Date.parse(message.timestamp) + 1)).toISOString() };
    const list = this.history.get(message.channel_id) ?? [];
    const at = list.findIndex((x) => x.id === message.id);
    if (at >= 0) list[at] = edited;
    this.send('MESSAGE_UPDATE', edited);
    return edited;
  }

  /** MESSAGE_DELETE. */
  remove(message: any): void {
    this.forget(message);
    this.send('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id });
  }

  /** MESSAGE_DELETE_BULK (messages of one channel). */
  removeBulk(messages: any[]): void {
    for (const m of messages) this.forget(m);
    this.send('MESSAGE_DELETE_BULK', { ids: messages.map((m) => m.id), channel_id: messages[0].channel_id, guild_id: messages[0].guild_id });
  }

  private forget(message: any): void {
    const list = this.history.get(message.channel_id) ?? [];
    const at = list.findIndex((x) => x.id === message.id);
    if (at >= 0) list.splice(at, 1);
  }

  // ---------- gateway ----------

  private onConnection(sock: WebSocket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    sock.on('message', (raw) => {
      const p = JSON.parse(raw.toString());
      if (p.op === 1) sock.send(JSON.stringify({ op: 11 }));
      if (p.op === 2) {
        this.identifies.push(p.d);
        sock.send(JSON.stringify(readyEvent(++this.seq, 'fake-session', this.gatewayUrl)));
      }
    });
  }

  /** A snowflake for a moment `ageMs` in the past (discord.js reads an interaction's creation time from its id). */
  snowflake(ageMs = 0): string {
    return String(((BigInt(Date.now() - ageMs) - DISCORD_EPOCH) << 22n) | BigInt(++this.counter % 4096));
  }

  private dispatch(d: any): void {
    this.sentAt.set(d.token, performance.now());
    this.send('INTERACTION_CREATE', d);
  }

  /** Sends one gateway event to every connected client. */
  send(t: string, d: any): void {
    const frame = JSON.stringify({ op: 0, t, s: ++this.seq, d });
    for (const s of this.sockets) s.send(frame);
  }

  /** A fresh interaction token, for callers that must know it before the interaction is sent. */
  nextToken(): string {
    return `itoken-${++this.counter}-${Math.random().toString(36).slice(2, 10)}`;
  }

  private base(o: { user?: User; ageMs?: number; channelId?: string; guildId?: string; token?: string; permissions?: string }) {
    const token = o.token ?? this.nextToken();
    const guildId = o.guildId ?? GUILD_ID;
    const channelId = o.channelId ?? CHANNEL_ID;
    return {
      id: this.snowflake(o.ageMs),
      application_id: APP_ID,
      token,
      version: 1,
      guild_id: guildId,
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: guildId, name: 'general' },
      member: { user: o.user ?? ALICE, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, permissions: o.permissions ?? '2248473465835073', flags: 0 },
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { 0: guildId },
      context: 0,
    };
  }

  private static options(values: OptionValues, focused?: string) {
    return Object.entries(values).map(([name, value]) => ({
      name,
      type: typeof value === 'boolean' ? 5 : typeof value === 'number' ? 4 : 3,
      value,
      ...(name === focused ? { focused: true } : {}),
    }));
  }

  /** A slash command, e.g. slash('crux', { topic: 'hyperstition' }). `permissions`: the member's (default: no Manage Server). */
  slash(name: string, values: OptionValues = {}, o: { user?: User; ageMs?: number; channelId?: string; guildId?: string; token?: string; permissions?: string } = {}): string {
    const d = { ...this.base(o), type: 2, data: { id: '700000000000000001', name, type: 1, options: FakeDiscord.options(values) } };
    this.dispatch(d);
    return d.token;
  }

  /** Typing into an option with autocomplete. */
  autocomplete(name: string, values: OptionValues, focused: string, o: { user?: User; token?: string; guildId?: string } = {}): string {
    const d = { ...this.base(o), type: 4, data: { id: '700000000000000001', name, type: 1, options: FakeDiscord.options(values, focused) } };
    this.dispatch(d);
    return d.token;
  }

  /** "Apps > <name>" on a message with this text. */
  messageCommand(name: string, content: string, o: { user?: User; ageMs?: number } = {}): string {
    const target = {
      ...this.messageFrom({ content }, undefined, { author: BOB, webhook_id: undefined, application_id: undefined, type: 0 }),
    };
    const d = { ...this.base(o), type: 2, data: { id: '700000000000000002', name, type: 3, target_id: target.id, resolved: { messages: { [target.id]: target } } } };
    this.dispatch(d);
    return d.token;
  }

  /**
   * Presses a button of a message the bot sent. `message` is the data of finalReply (what the bot sent);
   * `ephemeral` and `owner` say how Discord would show it.
   */
  press(message: any, customId: string, o: { user?: User; owner?: User; ephemeral?: boolean; ageMs?: number; token?: string; guildId?: string } = {}): string {
    const msg = this.messageFrom(message, undefined, {
      flags: o.ephemeral ? 64 : 0,
      interaction_metadata: { id: this.snowflake(), type: 2, user: o.owner ?? ALICE, authorizing_integration_owners: { 0: GUILD_ID } },
    });
    const d = { ...this.base(o), type: 3, message: msg, data: { custom_id: customId, component_type: 2 } };
    this.dispatch(d);
    return d.token;
  }
}

/** The custom_ids of a message's buttons, by label. */
export function buttonsOf(data: any): Record<string, { id: string; disabled: boolean }> {
  const out: Record<string, { id: string; disabled: boolean }> = {};
  for (const row of data.components ?? []) for (const b of row.components ?? []) out[b.label] = { id: b.custom_id, disabled: !!b.disabled };
  return out;
}

/** Every text a user could see in a message: content, embed titles, descriptions, fields, footers. */
export function visibleParts(data: any): string[] {
  const out: string[] = [];
  if (data.content) out.push(data.content);
  for (const e of data.embeds ?? []) {
    if (e.title) out.push(e.title);
    if (e.description) out.push(e.description);
    for (const f of e.fields ?? []) out.push(f.name, f.value);
    if (e.footer?.text) out.push(e.footer.text);
  }
  return out;
}
