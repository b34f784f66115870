// Reads the environment in one place. Each front end asks for its section; a missing variable is named.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | null;
  apiUrl: string | null;
  /** DISCORD_PUBLIC_GUILDS: servers whose answers are public by default ('*' for all); elsewhere ephemeral. */
  publicGuilds?: string[];
}

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set; HTTP mode (signing secret, PORT) otherwise. */
  appToken: string | null;
  signingSecret: string | null;
  /** HTTP mode: PORT (default 3000) and SLACK_HOST (default: all interfaces). */
  port: number;
  host: string | null;
  /** SLACK_API_URL: another Web API server (a local fake); default Slack's own. */
  apiUrl: string | null;
}

export interface Config {
  corpus: string | null;
  cacheDir: string | null;
  /** CRUX_CORPORA: the named-corpora file (default data/corpora.json; see src/corpus/corpora.ts). */
  corporaFile?: string | null;
  storeUrl: string | null;
  /** CRUX_STORE_PREFIX: prefix of every Redis key (default "crux"), so several deployments can share one Redis. */
  storePrefix?: string | null;
  /** CRUX_PLATFORMS: run only these configured platforms (e.g. ["slack"]); null: every configured one. */
  platforms?: string[] | null;
  /** CRUX_SHARDS: run Discord as this many shard processes ('auto': as many as Discord recommends); null: one process. */
  shards?: number | 'auto' | null;
  /** Set in a shard process started by the sharding manager (discord.js sets SHARDS and SHARD_COUNT). */
  shardOf?: { ids: number[]; count: number } | null;
  httpPort: number | null;
  /** CRUX_HTTP_HOST: where /healthz and /metrics listen (default 127.0.0.1). */
  httpHost?: string | null;
  /** CRUX_WATCH_CORPUS: rebuild and swap in the index when corpus files change, named corpora's too (default off; SIGHUP always works). */
  watchCorpus?: boolean;
  /** CRUX_SHUTDOWN_TIMEOUT (seconds, default 10): how long in-flight work may take after SIGTERM. */
  shutdownTimeoutMs?: number;
  /** CRUX_SLACK_CONFIG_USERS: Slack user ids who may change settings besides workspace admins and owners. */
  slackConfigUsers?: string[];
  /** Live capture's backfill of a channel turned on: CRUX_CAPTURE_DAYS back (default 30), at most CRUX_CAPTURE_MESSAGES (default 10,000). */
  capture?: { days: number; messages: number };
  logLevel: string;
  /** null when no Discord variable is set; an error when some are set but not all. */
  discord: DiscordConfig | ConfigError | null;
  slack: SlackConfig | ConfigError | null;
}

export class ConfigError extends Error {
  constructor(
    readonly platform: string,
    readonly missing: string[],
    detail?: string,
  ) {
    super(detail ?? `${platform} is not started: set ${missing.join(', ')} in .env (see .env.example).`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Loads KEY=VALUE lines from a .env file into the environment, without overriding what is already set. */
export function loadDotEnv(dir: string, env: Env = process.env): void {
  const file = join(dir, '.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    const value = m[2].replace(/^(['"])(.*)\1$/, '$2');
    if (env[m[1]] === undefined) env[m[1]] = value;
  }
}

const val = (env: Env, k: string) => (env[k]?.trim() ? env[k]!.trim() : null);

function port(env: Env, k: string, dflt: number | null): number | null {
  const v = val(env, k);
  if (v == null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError('Crux', [k], `${k} must be a port number, got "${v}".`);
  return n;
}

function platformList(env: Env): string[] | null {
  const v = val(env, 'CRUX_PLATFORMS');
  if (v == null) return null;
  const list = v.toLowerCase().split(/[\s,]+/).filter(Boolean);
  const bad = list.filter((p) => !['discord', 'slack'].includes(p));
  if (bad.length) throw new ConfigError('Crux', ['CRUX_PLATFORMS'], `CRUX_PLATFORMS lists platforms to run: discord, slack (comma-separated), got "${v}".`);
  return list;
}

function shardCount(env: Env): number | 'auto' | null {
  const v = val(env, 'CRUX_SHARDS');
  if (v == null) return null;
  if (/^auto$/i.test(v)) return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ConfigError('Crux', ['CRUX_SHARDS'], `CRUX_SHARDS must be "auto" or a number of shards from 1 to 1000, got "${v}".`);
  return n;
}

function shardOf(env: Env): { ids: number[]; count: number } | null {
  if (String(env.SHARDING_MANAGER) !== 'true' || env.SHARDS === undefined || env.SHARD_COUNT === undefined) return null;
  try {
    const ids = ([] as number[]).concat(JSON.parse(env.SHARDS));
    return { ids, count: Number(env.SHARD_COUNT) };
  } catch {
    return null;
  }
}

function seconds(env: Env, k: string, dflt: number): number {
  const v = val(env, k);
  if (v == null) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError('Crux', [k], `${k} must be a number of seconds, got "${v}".`);
  return n;
}

function whole(env: Env, k: string, dflt: number, min: number, max: number): number {
  const v = val(env, k);
  if (v == null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError('Crux', [k], `${k} must be a whole number from ${min} to ${max}, got "${v}".`);
  return n;
}

export function readConfig(env: Env = process.env): Config {
  return {
    corpus: val(env, 'CRUX_CORPUS'),
    cacheDir: val(env, 'CRUX_CACHE_DIR'),
    corporaFile: val(env, 'CRUX_CORPORA'),
    storeUrl: val(env, 'CRUX_STORE_URL'),
    storePrefix: val(env, 'CRUX_STORE_PREFIX'),
    platforms: platformList(env),
    shards: shardCount(env),
    shardOf: shardOf(env),
    httpPort: port(env, 'CRUX_HTTP_PORT', null),
    httpHost: val(env, 'CRUX_HTTP_HOST'),
    watchCorpus: /^(1|true|yes|on)$/i.test(val(env, 'CRUX_WATCH_CORPUS') ?? ''),
    shutdownTimeoutMs: seconds(env, 'CRUX_SHUTDOWN_TIMEOUT', 10) * 1000,
    slackConfigUsers: (val(env, 'CRUX_SLACK_CONFIG_USERS') ?? '').split(/[\s,]+/).filter(Boolean),
    capture: { days: whole(env, 'CRUX_CAPTURE_DAYS', 30, 0, 3650), messages: whole(env, 'CRUX_CAPTURE_MESSAGES', 10_000, 0, 1_000_000) },
    logLevel: val(env, 'CRUX_LOG_LEVEL') ?? 'info',
    discord: discordConfig(env),
    slack: slackConfig(env),
  };
}

function discordConfig(env: Env): DiscordConfig | ConfigError | null {
  const token = val(env, 'DISCORD_TOKEN');
  const applicationId = val(env, 'DISCORD_APPLICATION_ID');
  if (!token && !applicationId) return null;
  const missing = [!token && 'DISCORD_TOKEN', !applicationId && 'DISCORD_APPLICATION_ID'].filter(Boolean) as string[];
  if (missing.length) return new ConfigError('Discord', missing);
  // Obvious mistakes fail here, before any connection, naming the variable.
  const t = token!.replace(/^(Bot|Bearer)\s+/i, '');
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(t)) {
    return new ConfigError('Discord', ['DISCORD_TOKEN'], 'Discord is not started: DISCORD_TOKEN does not look like a bot token (three parts separated by dots; copy it from the Bot page of the Discord Developer Portal).');
  }
  const guildId = val(env, 'DISCORD_GUILD_ID');
  for (const [k, v] of [['DISCORD_APPLICATION_ID', applicationId], ['DISCORD_GUILD_ID', guildId]] as const) {
    if (v != null && !/^\d{15,21}$/.test(v)) return new ConfigError('Discord', [k], `Discord is not started: ${k} must be a numeric id (Developer Mode > Copy ID), got "${v}".`);
  }
  const apiUrl = val(env, 'DISCORD_API_URL');
  if (apiUrl != null && !/^https?:\/\/[^\s]+$/.test(apiUrl)) return new ConfigError('Discord', ['DISCORD_API_URL'], `Discord is not started: DISCORD_API_URL must be an http(s) URL such as http://127.0.0.1:8080/api, got "${apiUrl}".`);
  const publicGuilds = (val(env, 'DISCORD_PUBLIC_GUILDS') ?? '').split(/[\s,]+/).filter(Boolean);
  return { token: t, applicationId: applicationId!, guildId, apiUrl, publicGuilds };
}

function slackConfig(env: Env): SlackConfig | ConfigError | null {
  const botToken = val(env, 'SLACK_BOT_TOKEN');
  const appToken = val(env, 'SLACK_APP_TOKEN');
  const signingSecret = val(env, 'SLACK_SIGNING_SECRET');
  if (!botToken && !appToken && !signingSecret) return null;
  const missing: string[] = [];
  if (!botToken) missing.push('SLACK_BOT_TOKEN');
  if (!appToken && !signingSecret) missing.push('SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  if (missing.length) return new ConfigError('Slack', missing);
  if (!botToken!.startsWith('xoxb-'))
    return new ConfigError('Slack', ['SLACK_BOT_TOKEN'], 'Slack is not started: SLACK_BOT_TOKEN must be the Bot User OAuth Token, starting with "xoxb-".');
  if (appToken && !appToken.startsWith('xapp-'))
    return new ConfigError('Slack', ['SLACK_APP_TOKEN'], 'Slack is not started: SLACK_APP_TOKEN must be an app-level token starting with "xapp-" (scope connections:write).');
  const apiUrl = val(env, 'SLACK_API_URL');
  if (apiUrl && !/^https?:\/\//.test(apiUrl)) return new ConfigError('Slack', ['SLACK_API_URL'], `Slack is not started: SLACK_API_URL must be an http(s) URL, got "${apiUrl}".`);
  return { botToken: botToken!, appToken, signingSecret, port: port(env, 'PORT', 3000)!, host: val(env, 'SLACK_HOST'), apiUrl };
}
