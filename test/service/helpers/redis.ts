// Test helpers: the test run's Redis (CRUX_TEST_REDIS_URL), and private redis-server processes a test may stop and restart.

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
