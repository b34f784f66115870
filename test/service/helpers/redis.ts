// Test helpers: the test run's Redis (CRUX_TEST_REDIS_URL), and private redis-server processes a test may stop and restart.
import { createClient } from '@keyv/redis';

/**
 * Set by .ci/services on CI, else by test/global-setup.ts, which starts a redis-server of the run's own when one is
 * installed. Tests that need Redis skip (saying so in their names) only when neither could give one.
 */
export const TEST_REDIS_URL = process.env.CRUX_TEST_REDIS_URL ?? '';
export const NO_REDIS_MESSAGE = 'skipped: needs redis-server, which is not installed';

export { freePort, PrivateRedis } from './private-redis.ts';

/** A key prefix unique to one test, so tests sharing the CI Redis never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `crux-test-${name}-${process.pid}-${Date.now().toString(36)}`;
}

/** The texts of the captured messages (put entries) the capture log's Redis stream holds, oldest first. */
export async function streamTexts(prefix: string): Promise<string[]> {
  const client = createClient({ url: TEST_REDIS_URL });
  await client.connect();
  try {
    const raw = (await client.sendCommand(['XRANGE', `${prefix}:capture:log`, '-', '+'])) as Array<[string, string[]]>;
    return raw.map(([, f]) => JSON.parse(f[1])).filter((e) => e.op === 'put').map((e) => e.m.text);
  } finally {
    await client.close();
  }
}
