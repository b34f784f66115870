// Live capture with Discord sharding: `crux serve` with CRUX_SHARDS=2 runs two real shard processes sharing Redis. A
// server's messages reach only the shard that holds it (the fake gateway routes them as Discord does), which
// captures each once; both shard processes follow the capture stream, so each holds every message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, MANAGE_SERVER, textChannel, visibleParts } from '../../adapters/discord/fake-discord.ts';
import { quoteOf } from '../../adapters/discord/bot.ts';
import { serveShards, ShardGateway } from '../helpers/shard-gateway.ts';
import type { ServeProcess } from '../helpers/serve.ts';
import { NO_REDIS_MESSAGE, streamTexts, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { until } from './helpers.ts';

describe.skipIf(!TEST_REDIS_URL)(`capture in two Discord shard processes sharing Redis${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, { timeout: 300_000 }, () => {
  let fake: FakeDiscord;
  let gateway: ShardGateway;
  let serve: ServeProcess;
  const prefix = uniquePrefix('capture-shards');
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    gateway = await ShardGateway.start(2);
    serve = await serveShards(fake, gateway, prefix);
  }, 300_000);
  afterAll(async () => {
    await serve?.stop('SIGKILL');
    await gateway?.close();
    await fake?.close();
  });

  /** The reply to a slash command in a guild, as text. */
  const reply = async (name: string, values: Record<string, string>, guildId: string, channelId: string, permissions?: string) =>
    visibleParts((await fake.finalReply(gateway.slash(name, values, { guildId, channelId, permissions }), 60_000)).data).join('\n');

  it('captures each message once, on the shard that holds its server, and both shard processes hold both messages', async () => {
    const servers = [0, 1].map((shard) => ({ id: gateway.guildOn(shard), name: `Club on shard ${shard}`, channel: `21000000000000001${shard}` }));
    for (const s of servers) {
      // (The shard handles the GUILD_CREATE before the command that follows it on the same connection.)
      gateway.guildCreate(fake, s, [textChannel(s.channel, 'debates', s.id)]);
      expect(await reply('crux-config', { setting: 'capture', value: `<#${s.channel}>` }, s.id, s.channel, MANAGE_SERVER)).toMatch(/Capturing #debates/);
    }
    const texts = servers.map((s, n) => `Zeugmatic capture in the club on shard ${n}.`);
    servers.forEach((s, n) => gateway.dispatch(s.id, 'MESSAGE_CREATE', fake.past(s.channel, texts[n], { guildId: s.id })));

    // Each shard process follows the stream: both come to hold both messages. Each message was captured once.
    await until(
      async () => {
        const m = await (await serve.ops('/metrics')).text();
        return ['0', '1'].every((shard) => m.includes(`crux_capture_messages{platform="discord",shard="${shard}"} 2`));
      },
      'both shard processes to hold both messages',
      30_000,
    );
    expect(await (await serve.ops('/metrics')).text()).toContain('crux_capture_events_total{platform="discord",outcome="captured"} 2');
    expect((await streamTexts(prefix)).sort()).toEqual(texts);

    // Each server's /crux quotes its own message, not the other's.
    for (const [n, s] of servers.entries()) {
      const answer = await fake.finalReply(gateway.slash('crux', { topic: 'zeugmatic capture' }, { guildId: s.id, channelId: s.channel }), 60_000);
      expect(answer.data.embeds.flatMap((e: any) => (e.fields ?? []).map((f: any) => quoteOf(f.value)))).toEqual([texts[n]]);
    }
  });
});
