// The Discord adapter: a discord.js client with only the Guilds intent, one global interaction handler (no collectors,
// so buttons survive restarts), and a clear failure when the token or the connection is wrong.
import { Client, DiscordjsErrorCodes, Events, GatewayIntentBits, Options, Partials, type RESTOptions } from 'discord.js';
import type { AdapterContext, PlatformAdapter, RunningAdapter } from '../index.ts';
import { ConfigError, type Config, type DiscordConfig } from '../../src/config.ts';
import type { RateLimit } from '../../src/service/ratelimit.ts';
import { servedSuggester } from '../../src/core/suggest.ts';
import { createHandler } from './handle.ts';
import { CAPTURE_INTENTS, discordCapture, messageContentAllowed } from './capture.ts';

export interface DiscordAdapterOptions {
  /** discord.js REST settings (tests use { retries: 0 } where a failure must not be retried). */
  rest?: Partial<RESTOptions>;
  /** How long to wait for the gateway's READY before giving up. */
  readyTimeoutMs?: number;
  /** Answer directly only when the reply can go out within this many ms of the interaction; defer otherwise. */
  replyBudgetMs?: number;
  buttonTtlMs?: number;
  limits?: { user?: RateLimit; channel?: RateLimit };
  now?: () => number;
}

/** Interaction callbacks die 3 s after the interaction: waiting out a longer rate limit on them is pointless. */
const CALLBACK_WAIT_MS = 2000;

/** The running Discord adapter. Rejects, naming the variable, when the configuration is missing or the token is refused. */
export async function startDiscord(ctx: AdapterContext, opts: DiscordAdapterOptions = {}): Promise<RunningAdapter> {
  const cfg = discordSettings(ctx.config);
  // Built now (in this thread, or its engine's thread has built it), so the first keystroke is answered fast.
  servedSuggester(ctx.engine);
  const rateLimited = (info: { method: string; route: string; retryAfter: number; global: boolean; scope: string }) =>
    ctx.log.warn(`discord: rate limited on ${info.method.toUpperCase()} ${info.route} for ${info.retryAfter} ms`, { global: info.global, scope: info.scope });
  const restOptions = { ...(cfg.apiUrl ? { api: cfg.apiUrl } : {}), ...opts.rest };
  // Live capture reads messages only when the application may (the Message Content intent, asked before logging in).
  const content = ctx.capture ? await messageContentAllowed(cfg.token, restOptions) : null;
  const capturing = content === true;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, ...(capturing ? CAPTURE_INTENTS : [])],
    // Deletions and edits of messages not in discord.js's cache (all of them: capture keeps its own copy) arrive as partials.
    ...(capturing ? { partials: [Partials.Message], makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }) } : {}),
    allowedMentions: { parse: [] },
    rest: {
      ...(cfg.apiUrl ? { api: cfg.apiUrl } : {}),
      // Interaction callbacks bypass the rate-limit queues (and the rateLimited event): log their 429s here.
      rejectOnRateLimit: (info) => {
        if (!info.route.endsWith('/callback')) return false;
        rateLimited(info);
        return info.retryAfter > CALLBACK_WAIT_MS;
      },
      ...opts.rest,
    },
  });
  const capture = ctx.capture
    ? discordCapture(client, ctx.capture, {
        store: ctx.store,
        log: ctx.log,
        content: capturing,
        backfillDays: ctx.config.capture?.days,
        backfillMessages: ctx.config.capture?.messages,
      })
    : undefined;
  const handle = createHandler({
    capture,
    engine: ctx.engine,
    engines: ctx.engines,
    store: ctx.store,
    log: ctx.log,
    suggester: () => servedSuggester(ctx.engine),
    publicGuilds: cfg.publicGuilds,
    replyBudgetMs: opts.replyBudgetMs,
    buttonTtlMs: opts.buttonTtlMs,
    limits: opts.limits,
    now: opts.now,
  });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  client.on(Events.InteractionCreate, (i) => {
    if (stopping) return;
    const p = handle(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  client.on(Events.Error, (e) => ctx.log.error(`discord: client error: ${e.message}`));
  client.on(Events.Warn, (m) => ctx.log.warn(`discord: ${m}`));
  client.on(Events.ShardDisconnect, (ev, id) => stopping || ctx.log.warn(`discord: gateway shard ${id} disconnected (code ${ev.code})`));
  client.on(Events.ShardReconnecting, (id) => stopping || ctx.log.info(`discord: gateway shard ${id} reconnecting`));
  client.rest.on('rateLimited', rateLimited);

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const readyMs = opts.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.login(cfg.token).then(() => ready),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the gateway did not become ready within ${Math.round(readyMs / 1000)} s`)), readyMs);
      }),
    ]);
  } catch (e) {
    await client.destroy().catch(() => undefined);
    throw new Error(loginFailure(e, cfg));
  } finally {
    clearTimeout(timer);
  }
  const appId = client.application?.id;
  if (appId && appId !== cfg.applicationId) {
    ctx.log.warn(`discord: the token belongs to application ${appId}, but DISCORD_APPLICATION_ID is ${cfg.applicationId}; "npm run register" would register commands for the wrong application.`);
  }
  ctx.log.info(`discord: connected as ${client.user?.tag ?? 'unknown'}`, { application: appId });
  if (capture) {
    // Backfills cut short by a restart resume once their servers are known (they arrive after READY).
    capture.resume();
    client.on(Events.GuildCreate, () => capture.resume());
  }

  return {
    name: 'Discord',
    connected: () => client.isReady(),
    async stop() {
      stopping = true;
      await Promise.allSettled([...inFlight]);
      await capture?.stop();
      await client.destroy();
    },
  };
}

/** The Discord section of the configuration, or the error that names what is missing or wrong. */
export function discordSettings(config: Config): DiscordConfig {
  const d = config.discord;
  if (d instanceof ConfigError) throw d;
  if (!d) throw new ConfigError('Discord', ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID']);
  return d;
}

function loginFailure(e: unknown, cfg: DiscordConfig): string {
  const err = e as Error & { code?: string; status?: number };
  const where = cfg.apiUrl ? ` at ${cfg.apiUrl}` : '';
  if (err.code === DiscordjsErrorCodes.TokenInvalid || err.status === 401) {
    return `Discord refused DISCORD_TOKEN (401 Unauthorized${where}). Copy the token again from the Bot page of the Discord Developer Portal (resetting it there invalidates the old one).`;
  }
  if (err.code === DiscordjsErrorCodes.DisallowedIntents) return 'Discord refused the gateway intents Crux asked for (Guilds, and for live capture Guild Messages and Message Content): check Privileged Gateway Intents on the Bot page of the Developer Portal.';
  return `Could not connect to Discord${where}: ${err.message}`;
}

/** Creates the adapter npm start runs when DISCORD_TOKEN or DISCORD_APPLICATION_ID is set. */
export function createDiscordAdapter(opts: DiscordAdapterOptions = {}): PlatformAdapter {
  return {
    name: 'Discord',
    configured: (config) => config.discord != null,
    start: (ctx) => startDiscord(ctx, opts),
  };
}

export const discordAdapter = createDiscordAdapter();
