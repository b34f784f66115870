// Discord in several processes (CRUX_SHARDS=auto|N): discord.js's ShardingManager runs `crux serve` once per shard;
// each shard process runs only the Discord adapter and shares state (rate limits, button state) through Redis.
// Command registration is not part of starting (it is `npm run register`), so it runs once, never per shard.
import { ShardingManager, type Shard } from 'discord.js';
import { join } from 'node:path';
import type { AdapterContext, PlatformAdapter, RunningAdapter } from '../index.ts';
import { ConfigError } from '../../src/config.ts';
import { REPO_ROOT } from '../../src/core/engine.ts';
import { observe } from '../../src/service/metrics.ts';

const CLI = join(REPO_ROOT, 'bin', 'crux.mjs');

export interface ShardOptions {
  /** Wait between starting shards (Discord allows one IDENTIFY per 5 s per bucket). Default 5500 ms. */
  spawnDelayMs?: number;
  /** How long one shard may take to become ready. Default 60 s. */
  readyTimeoutMs?: number;
  /** How long a shard may take to finish its work after SIGTERM. Default 15 s. */
  stopTimeoutMs?: number;
}

/** How many shards Discord recommends for this bot (GET /gateway/bot), through DISCORD_API_URL when set. */
async function recommendedShards(token: string, apiUrl: string | null): Promise<number> {
  const res = await fetch(`${(apiUrl ?? 'https://discord.com/api').replace(/\/$/, '')}/v10/gateway/bot`, { headers: { authorization: `Bot ${token}` } });
  if (!res.ok) throw new Error(`Discord answered ${res.status} when asked how many shards to run (is DISCORD_TOKEN right?)`);
  const body = (await res.json()) as { shards?: number };
  return Math.max(1, Number(body.shards) || 1);
}

function waitExit(shard: Shard, ms: number): Promise<boolean> {
  const proc = shard.process;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const t = setTimeout(() => done(false), ms);
    proc.once('exit', () => {
      clearTimeout(t);
      done(true);
    });
  });
}

export function createShardedDiscordAdapter(o: ShardOptions = {}): PlatformAdapter {
  return {
    name: 'Discord',
    configured: (config) => config.discord != null && config.shards != null && !config.shardOf,
    async start(ctx: AdapterContext): Promise<RunningAdapter> {
      const d = ctx.config.discord;
      if (d instanceof ConfigError) throw d;
      if (!d) throw new ConfigError('Discord', ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID']);
      const store = ctx.store.status?.();
      if (store && store.backend !== 'redis') {
        throw new Error('CRUX_SHARDS needs CRUX_STORE_URL=redis://… so that the shard processes share rate limits, button state and settings.');
      }
      const wanted = ctx.config.shards ?? 1;
      const total = wanted === 'auto' ? await recommendedShards(d.token, d.apiUrl) : wanted;
      const manager = new ShardingManager(CLI, {
        token: d.token,
        totalShards: total,
        shardArgs: ['serve'],
        execArgv: [],
        respawn: true,
        mode: 'process',
      });
      let stopping = false;
      manager.on('shardCreate', (shard) => {
        ctx.log.info(`discord: starting shard ${shard.id} of ${total}`, { shard: shard.id });
        shard.on('death', (p) => {
          if (stopping) return;
          const code = 'exitCode' in p ? p.exitCode : null;
          ctx.log.warn(`discord: shard ${shard.id} exited (code ${code}); it is restarted.`, { shard: shard.id });
        });
        shard.on('disconnect', () => stopping || ctx.log.warn(`discord: shard ${shard.id} lost its gateway connection`, { shard: shard.id }));
        shard.on('reconnecting', () => stopping || ctx.log.info(`discord: shard ${shard.id} reconnecting`, { shard: shard.id }));
      });
      // Health and /metrics in this (manager) process cover the shards: their metrics are collected and summed.
      observe({
        others: async () => {
          const got = await Promise.allSettled(
            [...manager.shards.values()].map((s) =>
              Promise.race([s.eval(() => (globalThis as { __cruxMetrics?: () => unknown }).__cruxMetrics?.()), new Promise((_, no) => setTimeout(() => no(new Error('timeout')), 2000))]),
            ),
          );
          return got.flatMap((g) => (g.status === 'fulfilled' && Array.isArray(g.value) ? [g.value] : [])) as never;
        },
      });
      const forwardHup = () => {
        for (const s of manager.shards.values()) s.process?.kill('SIGHUP');
      };
      process.on('SIGHUP', forwardHup);
      try {
        await manager.spawn({ amount: total, delay: o.spawnDelayMs ?? 5_500, timeout: o.readyTimeoutMs ?? 60_000 });
      } catch (e) {
        stopping = true;
        manager.respawn = false;
        for (const s of manager.shards.values()) s.process?.kill('SIGTERM');
        process.off('SIGHUP', forwardHup);
        throw new Error(`the Discord shards did not all start: ${(e as Error).message}`);
      }
      ctx.log.info(`discord: ${total} shard processes ready`, { shards: total });
      return {
        name: 'Discord',
        connected: () => manager.shards.size === total && [...manager.shards.values()].every((s) => s.ready),
        async stop() {
          stopping = true;
          manager.respawn = false;
          process.off('SIGHUP', forwardHup);
          // Each shard process stops gracefully on SIGTERM (finishes its in-flight interactions, flushes, exits 0).
          const shards = [...manager.shards.values()];
          for (const s of shards) s.process?.kill('SIGTERM');
          const done = await Promise.all(shards.map((s) => waitExit(s, o.stopTimeoutMs ?? 15_000)));
          shards.forEach((s, i) => {
            if (!done[i]) {
              ctx.log.warn(`discord: shard ${s.id} did not stop in time; killing it.`, { shard: s.id });
              s.process?.kill('SIGKILL');
            }
          });
        },
      };
    },
  };
}

export const shardedDiscordAdapter = createShardedDiscordAdapter();
