// The answer queue that keeps acks flowing while searches run.
import { describe, expect, it } from 'vitest';
import { turnQueue } from '../../../adapters/slack/app.ts';

describe('turnQueue', () => {
  it('runs jobs one at a time, in order, letting whatever arrived meanwhile run between two jobs', async () => {
    const order: string[] = [];
    const turn = turnQueue();
    const a = turn(() => {
      order.push('search 1');
      setImmediate(() => order.push('ack of a request that arrived during search 1'));
    });
    const b = turn(() => order.push('search 2'));
    await Promise.all([a, b]);
    expect(order).toEqual(['search 1', 'ack of a request that arrived during search 1', 'search 2']);
  });

  it('keeps going after a job fails, and hands the failure to that job\'s caller', async () => {
    const turn = turnQueue();
    const bad = turn(() => {
      throw new Error('boom');
    });
    const good = turn(() => 42);
    await expect(bad).rejects.toThrow('boom');
    await expect(good).resolves.toBe(42);
  });
});
