// The operations variables as config.ts reads them: good values parsed, bad ones refused naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.ts';

describe('operations configuration', () => {
  it('reads shards, platforms, timeouts and the store prefix', () => {
    const c = readConfig({ CRUX_SHARDS: 'auto', CRUX_PLATFORMS: 'Slack, discord', CRUX_SHUTDOWN_TIMEOUT: '2.5', CRUX_STORE_PREFIX: 'staging', CRUX_WATCH_CORPUS: 'yes', CRUX_HTTP_PORT: '9464' });
    expect(c).toMatchObject({ shards: 'auto', platforms: ['slack', 'discord'], shutdownTimeoutMs: 2500, storePrefix: 'staging', watchCorpus: true, httpPort: 9464, shardOf: null });
    expect(readConfig({ CRUX_SHARDS: '4' }).shards).toBe(4);
    expect(readConfig({}).shards).toBeNull();
    expect(readConfig({}).platforms).toBeNull();
  });

  it('reads how much history live capture fetches: 30 days and 10,000 messages unless CRUX_CAPTURE_DAYS and CRUX_CAPTURE_MESSAGES say', () => {
    expect(readConfig({}).capture).toEqual({ days: 30, messages: 10_000 });
    expect(readConfig({ CRUX_CAPTURE_DAYS: '7', CRUX_CAPTURE_MESSAGES: '0' }).capture).toEqual({ days: 7, messages: 0 });
  });

  it('knows when it runs as a shard process of the sharding manager', () => {
    expect(readConfig({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' }).shardOf).toEqual({ ids: [1], count: 2 });
  });

  it.each([
    ['CRUX_SHARDS', 'many', /CRUX_SHARDS must be "auto" or a number of shards/],
    ['CRUX_SHARDS', '0', /CRUX_SHARDS must be/],
    ['CRUX_PLATFORMS', 'discord,irc', /CRUX_PLATFORMS lists platforms to run: discord, slack/],
    ['CRUX_SHUTDOWN_TIMEOUT', '-1', /CRUX_SHUTDOWN_TIMEOUT must be a number of seconds/],
    ['CRUX_HTTP_PORT', 'http', /CRUX_HTTP_PORT must be a port number/],
    ['CRUX_CAPTURE_DAYS', '2.5', /CRUX_CAPTURE_DAYS must be a whole number from 0 to 3650, got "2.5"/],
    ['CRUX_CAPTURE_MESSAGES', 'lots', /CRUX_CAPTURE_MESSAGES must be a whole number from 0 to 1000000/],
  ])('refuses %s=%s, naming it', (k, v, msg) => {
    expect(() => readConfig({ [k]: v })).toThrow(ConfigError);
    expect(() => readConfig({ [k]: v })).toThrow(msg);
  });
});
