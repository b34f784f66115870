// A Discord gateway for several shards on 127.0.0.1: each connection IDENTIFYs as shard [id, count], and an
// interaction goes only to the shard Discord would route it to: (guild_id >> 22) % count. REST stays with the
// Discord tests' FakeDiscord, whose GET /gateway/bot is pointed here.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ALICE, APP_ID, FAKE_TOKEN, readyEvent, type FakeChannel, type FakeDiscord, type User } from '../../adapters/discord/fake-discord.ts';
import { ServeProcess } from './serve.ts';
import { TEST_REDIS_URL } from './redis.ts';

const DISCORD_EPOCH = 1420070400000n;

export class ShardGateway {
  /** IDENTIFY payloads received, in order. */
  readonly identifies: Array<{ shard: [number, number] }> = [];
  /** RESUME payloads received (a client coming back after a dropped connection). */
  readonly resumes: Array<{ session_id: string; seq: number }> = [];
  private readonly byShard = new Map<number, WebSocket>();
  private seq = 0;
  private counter = 0;
  private constructor(
    private readonly wss: WebSocketServer,
    readonly count: number,
  ) {}

  static async start(count: number): Promise<ShardGateway> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.on('listening', r));
    const g = new ShardGateway(wss, count);
    wss.on('connection', (s) => g.onConnection(s));
    return g;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Makes the fake's GET /gateway/bot send clients here, recommending `count` shards (for the next n asks). */
  pointRestHere(fake: FakeDiscord, n = 50): void {
    const body = { url: this.url, shards: this.count, session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 1 } };
    fake.failNext({ method: 'GET', path: /\/gateway\/bot$/ }, ...Array.from({ length: n }, () => ({ status: 200, body })));
  }

  connectedShards(): number[] {
    return [...this.byShard.keys()].sort();
  }

  /** A guild id that Discord routes to this shard. */
  guildOn(shard: number): string {
    for (let n = 1000n; ; n++) if (Number(n % BigInt(this.count)) === shard) return String((n << 22n) | 1n);
  }

  /** Drops a shard's connection abruptly, as a network failure or a Discord restart would. */
  drop(shard: number): void {
    this.byShard.get(shard)?.terminate();
    this.byShard.delete(shard);
  }

  async close(): Promise<void> {
    for (const s of this.wss.clients) s.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private onConnection(sock: WebSocket): void {
    sock.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    sock.on('message', (raw) => {
      const p = JSON.parse(raw.toString());
      if (p.op === 1) sock.send(JSON.stringify({ op: 11 }));
      if (p.op === 6) {
        // RESUME: the session is known, so replay nothing and say RESUMED.
        this.resumes.push({ session_id: p.d.session_id, seq: p.d.seq });
        const shard = Number(/fake-session-(\d+)/.exec(p.d.session_id)?.[1] ?? 0);
        this.byShard.set(shard, sock);
        sock.on('close', () => this.byShard.get(shard) === sock && this.byShard.delete(shard));
        sock.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} }));
      }
      if (p.op === 2) {
        const shard = (p.d.shard ?? [0, 1]) as [number, number];
        this.identifies.push({ shard });
        this.byShard.set(shard[0], sock);
        sock.on('close', () => this.byShard.get(shard[0]) === sock && this.byShard.delete(shard[0]));
        sock.send(JSON.stringify(readyEvent(++this.seq, `fake-session-${shard[0]}`, this.url, shard)));
      }
    });
  }

  /** Sends a gateway event about a guild to the shard Discord would route it to. */
  dispatch(guildId: string, t: string, d: object): void {
    const shard = Number((BigInt(guildId) >> 22n) % BigInt(this.count));
    const sock = this.byShard.get(shard);
    if (!sock) throw new Error(`shard ${shard} is not connected`);
    sock.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  /** The guild's shard learns of it, with these channels: GUILD_CREATE (the fake's REST knows the channels too). */
  guildCreate(fake: FakeDiscord, guild: { id: string; name: string }, channels: FakeChannel[]): void {
    this.dispatch(guild.id, 'GUILD_CREATE', fake.guildPayload(channels, guild));
  }

  /** Sends /<name> with these string options from a user in a guild; returns the interaction token. */
  slash(name: string, values: Record<string, string>, o: { guildId: string; channelId: string; user?: User; permissions?: string }): string {
    const token = `itoken-shard-${++this.counter}-${Math.random().toString(36).slice(2, 10)}`;
    const id = String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | BigInt(this.counter % 4096));
    const d = {
      id,
      application_id: APP_ID,
      token,
      version: 1,
      type: 2,
      guild_id: o.guildId,
      channel_id: o.channelId,
      channel: { id: o.channelId, type: 0, guild_id: o.guildId, name: 'general' },
      member: { user: o.user ?? ALICE, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, permissions: o.permissions ?? '2248473465835073', flags: 0 },
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { 0: o.guildId },
      context: 0,
      data: { id: '700000000000000001', name, type: 1, options: Object.entries(values).map(([n, v]) => ({ name: n, type: 3, value: v })) },
    };
    this.dispatch(o.guildId, 'INTERACTION_CREATE', d);
    return token;
  }
}

/** `crux serve` running the gateway's count of shard processes (CRUX_SHARDS), sharing Redis under `prefix`; resolves once they are all ready. */
export async function serveShards(fake: FakeDiscord, gateway: ShardGateway, prefix: string): Promise<ServeProcess> {
  gateway.pointRestHere(fake);
  return ServeProcess.startCli(
    {
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: fake.apiUrl,
      CRUX_SHARDS: String(gateway.count),
      CRUX_STORE_URL: TEST_REDIS_URL,
      CRUX_STORE_PREFIX: prefix,
      CRUX_HTTP_PORT: '0',
    },
    (r) => r.msg === `discord: ${gateway.count} shard processes ready`,
  );
}
