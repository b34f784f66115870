// Test helpers: the CI Redis (CRUX_TEST_REDIS_URL), and private redis-server processes a test may stop and restart.

/** Set by .ci/services; tests that need Redis skip (with this message) only when it is absent. */
export const TEST_REDIS_URL = process.env.CRUX_TEST_REDIS_URL ?? '';
export const NO_REDIS_MESSAGE =
  'CRUX_TEST_REDIS_URL is not set: skipping the tests that need a real Redis. `.ci/run` starts one (see .ci/services).';
if (!TEST_REDIS_URL) console.warn(NO_REDIS_MESSAGE);

export { freePort, PrivateRedis } from './private-redis.ts';

/** A key prefix unique to one test, so tests sharing the CI Redis never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `crux-test-${name}-${process.pid}-${Date.now().toString(36)}`;
}
