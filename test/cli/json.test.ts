import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusTexts, crux, isVerbatim, REPO, tempDir, type Run } from './helpers.ts';

// The --json schema as the README documents it; other tools and the evaluations rely on it.
const QUERIES = [
  'hyperstition',
  'hyperstiton',
  "Yudkowsky's predictions and whether his model is falsifiable",
  'agency by default',
  '  sycophancy   and RL ',
  'persona selection model',
  'xqzzyv',
  'the',
];

const bundled = join(REPO, 'data', 'corpus');
let run: Run;
let answers: Array<Record<string, unknown>>;

beforeAll(() => {
  const dir = tempDir();
  const batch = join(dir, 'queries.txt');
  writeFileSync(batch, QUERIES.join('\n') + '\n');
  run = crux(['--corpus', bundled, '--json', '--batch', batch, '--limit', '5'], { cacheDir: join(dir, 'cache') });
  answers = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
});

type Hit = { id: unknown; text: unknown; source: Record<string, unknown>; score: unknown; highlights: unknown };

function expectPassage(p: Hit, texts: string[]) {
  expect(Object.keys(p)).toEqual(expect.arrayContaining(['id', 'text', 'source', 'score', 'highlights']));
  expect(typeof p.id).toBe('string');
  expect(typeof p.text).toBe('string');
  expect(typeof p.score).toBe('number');
  expect(Object.keys(p.source)).toEqual(expect.arrayContaining(['id', 'title', 'author', 'url', 'date']));
  expect(typeof p.source.id).toBe('string');
  expect(typeof p.source.title).toBe('string');
  for (const k of ['author', 'url', 'date']) expect(p.source[k] === null || typeof p.source[k] === 'string').toBe(true);
  expect(isVerbatim(p.text as string, texts), p.text as string).toBe(true);
  for (const [s, e] of p.highlights as Array<[number, number]>) {
    expect(0 <= s && s < e && e <= (p.text as string).length).toBe(true);
  }
}

describe('the --json answer', () => {
  it('is one JSON object per query line, in order, each echoing its line exactly', () => {
    expect(run.code).toBe(0);
    expect(answers.map((a) => a.query)).toEqual(QUERIES);
  });

  it('always has every documented key, even when nothing is found', () => {
    for (const a of answers) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['query', 'didYouMean', 'passages', 'positions', 'exchanges', 'notices', 'tookMs']));
      expect(a.didYouMean === null || typeof a.didYouMean === 'string').toBe(true);
      expect(Array.isArray(a.passages)).toBe(true);
      expect(Array.isArray(a.positions)).toBe(true);
      expect(Array.isArray(a.exchanges)).toBe(true);
      expect(Array.isArray(a.notices)).toBe(true);
      expect(typeof a.tookMs).toBe('number');
    }
    const nothing = answers[QUERIES.indexOf('xqzzyv')];
    expect(nothing.passages).toEqual([]);
    expect((nothing.notices as string[]).join(' ')).toContain('xqzzyv');
  });

  it('gives passages best first, deduplicated, each with id, verbatim text, source and score', () => {
    const texts = corpusTexts(bundled);
    for (const a of answers) {
      const ps = a.passages as Hit[];
      expect(ps.length).toBeLessThanOrEqual(5);
      for (const p of ps) expectPassage(p, texts);
      const scores = ps.map((p) => p.score as number);
      expect([...scores].sort((x, y) => y - x)).toEqual(scores);
      expect(new Set(ps.map((p) => p.id)).size).toBe(ps.length);
    }
    expect((answers[0].passages as Hit[]).length).toBe(5);
  });

  it('shows positions and exchanges with the documented shape, their passages verbatim too', () => {
    const texts = corpusTexts(bundled);
    expect(answers.some((a) => (a.positions as unknown[]).length > 0)).toBe(true);
    expect(answers.some((a) => (a.exchanges as unknown[]).length > 0)).toBe(true);
    for (const a of answers) {
      for (const pos of a.positions as Array<Record<string, unknown>>) {
        expect(typeof pos.label).toBe('string');
        expect(['for', 'against', 'mixed', 'unclear']).toContain(pos.stance);
        for (const p of pos.passages as Hit[]) expectPassage(p, texts);
      }
      for (const x of a.exchanges as Array<{ claim: Hit; reply: Hit }>) {
        expectPassage(x.claim, texts);
        expectPassage(x.reply, texts);
      }
    }
  });

  it('says "did you mean" as the corrected query for a typo, and null otherwise', () => {
    expect(answers[QUERIES.indexOf('hyperstiton')].didYouMean).toBe('hyperstition');
    expect(answers[QUERIES.indexOf('hyperstition')].didYouMean).toBeNull();
  });

  it('carries the source title, site, year and link from sources.json', () => {
    const p = (answers[QUERIES.indexOf('agency by default')].passages as Hit[]).find((x) => x.source.id === '002_63a2ad95298388d4');
    expect(p?.source).toMatchObject({
      title: 'the void: linkpost and comments',
      url: 'https://www.lesswrong.com/posts/3EzbtNLdcnZe8og8b/the-void-1',
      site: 'LessWrong',
      year: 2025,
    });
  });
});
