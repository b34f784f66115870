// Discord sharding end to end: `crux serve` with CRUX_SHARDS=2 runs discord.js's ShardingManager, which starts two
// real shard processes; a fake gateway routes each guild's interactions to its shard; state is shared through Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../adapters/discord/fake-discord.ts';
import { serveShards, ShardGateway } from './helpers/shard-gateway.ts';
import type { ServeProcess } from './helpers/serve.ts';
import { NO_REDIS_MESSAGE, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.ts';

const SLOW_DOWN = /faster than Crux answers/;

describe.skipIf(!TEST_REDIS_URL)(`Discord in two shard processes sharing Redis${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, { timeout: 300_000 }, () => {
  let fake: FakeDiscord;
  let gateway: ShardGateway;
  let serve: ServeProcess;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    gateway = await ShardGateway.start(2);
    serve = await serveShards(fake, gateway, uniquePrefix('shards'));
  }, 300_000);
  afterAll(async () => {
    await serve?.stop('SIGKILL');
    await gateway?.close();
    await fake?.close();
  });

  it('answers on each shard, holds a rate limit across shards, reports both, and stops them gracefully', async () => {
    expect(gateway.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const guilds = [gateway.guildOn(0), gateway.guildOn(1)];
    const channels = ['210000000000000001', '210000000000000002'];

    // Six questions from one person, alternating between a guild on shard 0 and one on shard 1: all answered.
    for (let i = 0; i < 6; i++) {
      const token = gateway.slash('crux', { topic: i % 2 ? 'sycophancy' : 'hyperstition' }, { guildId: guilds[i % 2], channelId: channels[i % 2] });
      const reply = await fake.finalReply(token, 60_000);
      expect(JSON.stringify(reply.data)).not.toMatch(SLOW_DOWN);
      expect(reply.data.embeds?.length).toBeGreaterThan(0);
    }
    // The seventh, on either shard, meets the per-person limit (6 a minute) counted by both shards together.
    const seventh = gateway.slash('crux', { topic: 'hyperstition' }, { guildId: guilds[0], channelId: channels[0] });
    expect(JSON.stringify((await fake.finalReply(seventh, 60_000)).data)).toMatch(SLOW_DOWN);

    // The manager's health and metrics cover the shards.
    const health = (await (await serve.ops('/healthz')).json()) as Record<string, any>;
    expect(health).toMatchObject({ status: 'ok', adapters: { Discord: true }, store: { backend: 'redis', reachable: true } });
    const metrics = await (await serve.ops('/metrics')).text();
    expect(metrics).toContain('crux_answers_total{platform="discord",outcome="answered"} 6');
    expect(metrics).toContain('crux_rate_limited_total{platform="discord",scope="user"} 1');

    // Command registration is a separate step (npm run register): starting shards registers nothing.
    expect(fake.calls.filter((c) => c.method === 'PUT' && /\/commands$/.test(c.path))).toEqual([]);

    // SIGTERM to the manager: both shard processes finish and exit, then the manager exits 0.
    serve.proc.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    for (let i = 0; i < 100 && gateway.connectedShards().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(gateway.connectedShards()).toEqual([]);
    const stopped = serve.records().filter((r) => /^Stopped in/.test(String(r.msg)));
    expect(stopped.map((r) => r.shard ?? 'manager').sort()).toEqual(['0', '1', 'manager']);
  });
});
