// Reads the environment in one place. Each front end asks for its section; a missing variable is named.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | null;
  apiUrl: string | null;
}

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set; HTTP mode (signing secret, PORT) otherwise. */
  appToken: string | null;
  signingSecret: string | null;
  port: number;
  apiUrl: string | null;
}

export interface Config {
  corpus: string | null;
  cacheDir: string | null;
  storeUrl: string | null;
  httpPort: number | null;
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

export function readConfig(env: Env = process.env): Config {
  return {
    corpus: val(env, 'CRUX_CORPUS'),
    cacheDir: val(env, 'CRUX_CACHE_DIR'),
    storeUrl: val(env, 'CRUX_STORE_URL'),
    httpPort: port(env, 'CRUX_HTTP_PORT', null),
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
  return { token: token!, applicationId: applicationId!, guildId: val(env, 'DISCORD_GUILD_ID'), apiUrl: val(env, 'DISCORD_API_URL') };
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
  return { botToken: botToken!, appToken, signingSecret, port: port(env, 'PORT', 3000)!, apiUrl: val(env, 'SLACK_API_URL') };
}
