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
}

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

  constructor(o: FakeSlackOptions = {}) {
    this.botToken = o.botToken ?? 'xoxb-test-bot-token';
    this.appToken = o.appToken ?? 'xapp-test-app-token';
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

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const ct = req.headers['content-type'];
      const body = parseBody(raw, ct);
      const method = url.startsWith('/api/') ? url.slice(5).split('?')[0] : url.startsWith('/response/') ? 'response' : url;
      this.calls.push({ method, path: url, auth: req.headers.authorization, contentType: ct, body });
      const out = this.answer(method, req.headers.authorization, body);
      res.statusCode = out.status ?? 200;
      res.setHeader('content-type', 'application/json');
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
      return { body: { ok: true, url: 'https://crux-test.slack.com/', team: 'Crux Test', user: 'crux', team_id: TEAM, user_id: BOT_USER, bot_id: BOT_ID } };
    }
    if (method === 'users.info') {
      return { body: { ok: true, user: { id: body.user, name: body.user, is_admin: this.admins.has(body.user), is_owner: false, is_primary_owner: false } } };
    }
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
