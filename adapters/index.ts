// The platform adapters npm start can run next to the terminal. Each starts only when its configuration is present.
import type { Config } from '../src/config.ts';
import type { ServedEngine } from '../src/core/engine.ts';
import type { Store } from '../src/service/store.ts';
import type { EngineChooser } from '../src/service/engines.ts';
import type { CaptureService } from '../src/service/capture/service.ts';
import { slackAdapter } from './slack/index.ts';

/** What every platform adapter gets from the entry point. */
export interface AdapterContext {
  engine: ServedEngine;
  /** Engines for the named corpora a community may choose (/crux-config corpora); absent: always `engine`. */
  engines?: EngineChooser;
  store: Store;
  /** Live capture (issue 17): where captured messages go; absent where state is not kept (the terminal). */
  capture?: CaptureService;
  config: Config;
  /** Structured log lines (info/warn/error) for the operator. */
  log: { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };
}

export interface RunningAdapter {
  name: string;
  /** Stop taking new work, finish what is in flight, close connections. */
  stop(): Promise<void>;
  /** For /healthz: is it connected to its platform? */
  connected(): boolean;
}

export interface PlatformAdapter {
  name: string;
  /** Is this platform's configuration present (complete or not)? */
  configured(config: Config): boolean;
  /** Starts it; rejects with a clear message (naming the variable) when its configuration is missing or wrong. */
  start(ctx: AdapterContext): Promise<RunningAdapter>;
}

// discord.js loads when Discord starts (as Bolt does in slack/index.ts), so the CLI and the prompt never load it.
const discordAdapter: PlatformAdapter = {
  name: 'Discord',
  configured: (config) => config.discord != null,
  start: async (ctx) => (await import('./discord/index.ts')).discordAdapter.start(ctx),
};

/** Discord in shard processes under a sharding manager (CRUX_SHARDS; see discord-shards/index.ts), loaded the same way. */
export const shardedDiscordAdapter: PlatformAdapter = {
  name: 'Discord',
  configured: (config) => config.discord != null && config.shards != null && !config.shardOf,
  start: async (ctx) => (await import('./discord-shards/index.ts')).shardedDiscordAdapter.start(ctx),
};

export const platformAdapters: PlatformAdapter[] = [];
platformAdapters.push(slackAdapter);
platformAdapters.push(discordAdapter);
