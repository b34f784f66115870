// Records added, replaced and removed while serving (src/core/live.ts): searchable at once, in their scope only.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS, openEngine, type Engine } from '../../src/core/engine.ts';
import type { LiveRecord } from '../../src/core/live.ts';
import { REPO, tempDir } from '../cli/helpers.ts';

const REPLIES = join(REPO, 'test', 'fixtures', 'positions', 'replies');
const WORD = 'zyzzogeton';

function engineOver(corpus: string): Engine {
  return openEngine({ corpus, cacheDir: tempDir('crux-live-') });
}

const ids = (e: Engine, q: string, scope?: string | null) => e.ask(q, { limit: 20, scope }).passages.map((p) => p.id);

const message = (id: string, text: string, more: Partial<LiveRecord> = {}): LiveRecord => ({
  id,
  text,
  author: 'Ann Example',
  date: '2026-03-01T10:00:00Z',
  url: `https://chat.example/m/${id}`,
  title: '#debates',
  site: 'Discord',
  ...more,
});

describe('a record added while serving', () => {
  it('is found by the next ask, quoted verbatim with its author, date, link and title', () => {
    const e = engineOver(REPLIES);
    expect(ids(e, WORD)).toEqual([]);
    const text = `The ${WORD} question came up again. I think the ${WORD} is overrated.`;
    const change = e.upsert!([message('m1', text)]);
    expect(change).toEqual({ added: 1, removed: 0, rejected: [] });
    const hit = e.ask(WORD).passages[0];
    expect(hit.id).toBe('m1');
    expect(text).toContain(hit.text);
    expect(hit.source).toMatchObject({ id: 'm1', title: '#debates', author: 'Ann Example', url: 'https://chat.example/m/m1', date: '2026-03-01T10:00:00Z', site: 'Discord', year: 2026 });
    expect(e.passage('m1')?.text).toBe(text);
  });

  it('becomes one passage per paragraph, numbered as a rebuild numbers them', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('m2', `First the ${WORD} claim.\n\nThen a second ${WORD} paragraph.`)]);
    expect(ids(e, WORD).sort()).toEqual(['m2', 'm2.2']);
  });

  it('replaces the record with the same id: the old text is no longer found, the id stays', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('m1', `An early ${WORD} draft with a typo in it.`)]);
    const change = e.upsert!([message('m1', `The edited ${WORD} message, now about gardening.`)]);
    expect(change).toMatchObject({ added: 1, removed: 1 });
    expect(ids(e, 'draft typo')).toEqual([]);
    expect(ids(e, 'gardening')).toEqual(['m1']);
    expect(e.ask(WORD).passages.map((p) => p.text)).toEqual([`The edited ${WORD} message, now about gardening.`]);
  });

  it('is removed by id, and removing an id never added changes nothing', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('m1', `A ${WORD} message.`), message('m2', `Another ${WORD} message.`)]);
    expect(e.remove!(['m1', 'never-added'])).toEqual({ added: 0, removed: 1, rejected: [] });
    expect(ids(e, WORD)).toEqual(['m2']);
    expect(e.passage('m1')).toBeUndefined();
  });

  it('refuses records without an id or a text, or far too long, and still adds the rest', () => {
    const e = engineOver(REPLIES);
    const bad = [{ id: '', text: 'no id' }, { id: 'x1', text: '  ' }, { id: 'x2', text: 'y'.repeat(300_000) }, { text: 'no id at all' }] as LiveRecord[];
    const change = e.upsert!([...bad, message('ok', `A good ${WORD} message.`)]);
    expect(change.added).toBe(1);
    expect(change.rejected.map((r) => r.why)).toEqual([
      'a record needs a non-empty string id',
      'a record needs a non-empty text',
      'a record is at most 200,000 characters',
      'a record needs a non-empty string id',
    ]);
    expect(ids(e, WORD)).toEqual(['ok']);
  });

  it('counts in the engine stats', () => {
    const e = engineOver(REPLIES);
    const before = e.stats.passages;
    e.upsert!([message('m1', `A ${WORD} message.`)]);
    expect(e.stats.passages).toBe(before + 1);
  });

  it('can be found by its author and its title', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('m1', `A ${WORD} message.`, { author: 'Zed Newcomer' })]);
    expect(ids(e, `author:Zed ${WORD}`)).toEqual(['m1']);
    expect(e.ask(WORD, { sources: ['debates'] }).passages.map((p) => p.id)).toEqual(['m1']);
  });
});

describe('scopes', () => {
  it('keep a community’s records to the asks that name it', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('a1', `Community A talks about the ${WORD}.`)], 'discord:A');
    expect(ids(e, WORD, 'discord:A')).toEqual(['a1']);
    expect(ids(e, WORD, 'discord:B')).toEqual([]);
    expect(ids(e, WORD)).toEqual([]);
    expect(e.passage('a1')).toBeUndefined();
  });

  it('see the records added for everyone beside their own', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('all1', `Everyone hears of the ${WORD}.`)]);
    e.upsert!([message('a1', `Community A talks about the ${WORD}.`)], 'discord:A');
    expect(ids(e, WORD, 'discord:A').sort()).toEqual(['a1', 'all1']);
    expect(ids(e, WORD, 'discord:B')).toEqual(['all1']);
  });

  it('do not change another community’s scores', () => {
    const e = engineOver(REPLIES);
    const before = e.ask('four-day week customers', { scope: 'discord:B' }).passages.map((p) => [p.id, p.score]);
    e.upsert!(
      Array.from({ length: 30 }, (_, i) => message(`a${i}`, `Customers of community A discuss the week, message ${i}.`)),
      'discord:A',
    );
    expect(e.ask('four-day week customers', { scope: 'discord:B' }).passages.map((p) => [p.id, p.score])).toEqual(before);
    expect(e.ask('four-day week customers', { scope: 'discord:A' }).passages.map((p) => [p.id, p.score])).not.toEqual(before);
  });

  it('remove only their own records', () => {
    const e = engineOver(REPLIES);
    e.upsert!([message('m1', `A's ${WORD}.`)], 'discord:A');
    e.upsert!([message('m1', `B's ${WORD}.`)], 'discord:B');
    e.remove!(['m1'], 'discord:A');
    expect(ids(e, WORD, 'discord:A')).toEqual([]);
    expect(e.ask(WORD, { scope: 'discord:B' }).passages.map((p) => p.text)).toEqual([`B's ${WORD}.`]);
  });
});

describe('the saved index under unscoped changes', () => {
  it('has its own record replaced: the old passage is no longer found', () => {
    const e = engineOver(REPLIES);
    expect(ids(e, 'trail')).toEqual(['c7']);
    e.upsert!([{ id: 'c7', text: 'Lovely, which mountain did you climb?', thread: 't3', parent: 'c6', author: 'fay' }]);
    expect(ids(e, 'trail')).toEqual([]);
    expect(ids(e, 'mountain climb')).toEqual(['c7']);
  });

  it('has its own record removed', () => {
    const e = engineOver(REPLIES);
    expect(e.remove!(['c6']).removed).toBe(1);
    expect(ids(e, 'hiked coast')).toEqual([]);
    expect(e.passage('c6')).toBeUndefined();
    // Another scope's view of the saved index is the same: the record is gone for everyone.
    expect(ids(e, 'hiked coast', 'discord:A')).toEqual([]);
  });
});

describe('ranking with added records', () => {
  it('scores as an index rebuilt with the same records would (BM25 counts include the added passages)', () => {
    const records = [
      message('r1', `Hyperstition is a ${WORD}: a belief that makes itself true by being believed.`),
      message('r2', 'Hyperstition again, and again: the word is everywhere in this thread about hyperstition.'),
      message('r3', 'A record about something else entirely, gardening and tomatoes.'),
    ];
    const live = engineOver(DEFAULT_CORPUS);
    live.upsert!(records);
    const dir = join(tempDir('crux-live-'), 'corpus');
    cpSync(DEFAULT_CORPUS, dir, { recursive: true });
    writeFileSync(join(dir, 'live.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const rebuilt = engineOver(dir);
    for (const q of ['hyperstition', `${WORD} belief`, 'tomatoes', 'agency by default']) {
      const a = live.ask(q, { limit: 10 }).passages;
      const b = rebuilt.ask(q, { limit: 10 }).passages;
      expect(a.map((p) => p.id)).toEqual(b.map((p) => p.id));
      // The saved index keeps its own average length: scores agree to a small fraction, not exactly.
      a.forEach((p, i) => expect(Math.abs(p.score - b[i].score)).toBeLessThanOrEqual(0.02 * b[i].score + 0.002));
    }
  });
});

describe('exchanges and positions with added records', () => {
  it('pair a reply added while serving with the saved record it answers', () => {
    const e = engineOver(REPLIES);
    e.upsert!([{ id: 'c8', thread: 't1', parent: 'c5', author: 'gus', text: 'A four-day week is fine for small firms that rotate the fifth day.' }]);
    const a = e.ask('four-day week small firms', { limit: 10 });
    expect(a.exchanges.map((x) => [x.claim.id, x.reply.id])).toContainEqual(['c5', 'c8']);
  });

  it('pair two added records, and drop the pair when the reply is removed', () => {
    const e = engineOver(REPLIES);
    e.upsert!(
      [
        message('q1', `The ${WORD} should be banned from every debate club.`, { thread: 'x' }),
        message('q2', `No, banning the ${WORD} would be a mistake for debate clubs.`, { thread: 'x', parent: 'q1', author: 'Bo' }),
      ],
      'slack:T1',
    );
    const pairs = (scope: string) => e.ask(`${WORD} debate`, { scope }).exchanges.map((x) => [x.claim.id, x.reply.id]);
    expect(pairs('slack:T1')).toEqual([['q1', 'q2']]);
    expect(pairs('slack:T2')).toEqual([]);
    e.remove!(['q2'], 'slack:T1');
    expect(pairs('slack:T1')).toEqual([]);
  });

  it('no longer pair a saved record with a reply removed while serving', () => {
    const e = engineOver(REPLIES);
    const pairs = () => e.ask('four-day week customers', { limit: 10 }).exchanges.map((x) => [x.claim.id, x.reply.id]);
    expect(pairs()).toContainEqual(['c2', 'c4']);
    e.remove!(['c4']);
    expect(pairs()).not.toContainEqual(['c2', 'c4']);
  });

  it('take sides with added passages in them', () => {
    const e = engineOver(REPLIES);
    const pro = ['is good for teams', 'is good for morale', 'is a real improvement for everyone', 'is good for focus'];
    e.upsert!(pro.map((p, i) => message(`p${i}`, `A ${WORD} week ${p}.`)));
    const a = e.ask(`${WORD} week`, { limit: 10 });
    const inPositions = a.positions.flatMap((p) => p.passages.map((x) => x.id));
    expect(inPositions.filter((id) => id.startsWith('p')).length).toBeGreaterThan(0);
  });
});
