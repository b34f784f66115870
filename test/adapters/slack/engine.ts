// The engine the Slack tests use: the real engine over test/fixtures/slack/corpus, with the positions and exchanges of
// test/fixtures/slack/positions.json attached to matching queries (so button tests do not depend on the positions step).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine, type Engine } from '../../../src/core/engine.ts';
import type { Exchange, Position } from '../../../src/core/types.ts';
import { tempDir } from '../../helpers/temp.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/slack/', import.meta.url));
export const CORPUS = join(FIXTURES, 'corpus');

interface FixturePosition extends Omit<Position, 'passages'> {
  passages: string[];
}
interface FixtureExchange extends Omit<Exchange, 'claim' | 'reply'> {
  claim: string;
  reply: string;
}
type Fixture = Record<string, { positions: FixturePosition[]; exchanges: FixtureExchange[] }>;

export function fixtureEngine(): Engine {
  const engine = openEngine({ corpus: CORPUS, cacheDir: tempDir('crux-slack-') });
  const fixture = JSON.parse(readFileSync(join(FIXTURES, 'positions.json'), 'utf8')) as Fixture;
  return {
    ...engine,
    ask(query, opts) {
      const a = engine.ask(query, opts);
      const f = fixture[query.trim().toLowerCase()];
      if (!f) return a;
      const words = query.toLowerCase().split(/\s+/);
      const hit = (id: string) => engine.view.show(engine.passage(id)!, words, 1);
      return {
        ...a,
        positions: f.positions.map((p) => ({ ...p, passages: p.passages.map(hit) })),
        exchanges: f.exchanges.map((x) => ({ ...x, claim: hit(x.claim), reply: hit(x.reply) })),
      };
    },
  };
}
