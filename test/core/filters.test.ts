import { describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { parseFilters } from '../../src/core/filters.ts';
import { isUserError } from '../../src/errors.ts';
import { fixture, tempDir } from '../corpus/helpers.ts';

describe('filters typed in the query', () => {
  it('are taken out of the query words', () => {
    expect(parseFilters('spent fuel author:"Theo Brandt" since:2024-03 min-score:5 source:slack storage')).toEqual({
      text: 'spent fuel storage',
      filters: { authors: ['Theo Brandt'], since: '2024-03-01', until: null, sources: ['slack'], minScore: 5 },
    });
  });

  it('read a month or a year in until: as its last day, and leave ordinary colons alone', () => {
    expect(parseFilters('until:2024-02 ratio 3:1').filters.until).toBe('2024-02-29');
    expect(parseFilters('until:2023 x').filters.until).toBe('2023-12-31');
    expect(parseFilters('ratio 3:1 note:this').text).toBe('ratio 3:1 note:this');
  });

  it('refuse a date that does not exist, a score that is not a number, or since after until, with BAD_FILTER', () => {
    for (const q of ['x since:2024-02-30', 'x until:yesterday', 'x min-score:lots', 'x since:2024-05 until:2024-04', 'x author:']) {
      expect(() => parseFilters(q), q).toThrow(expect.objectContaining({ code: 'BAD_FILTER' }));
    }
  });
});

describe('filters applied to answers', () => {
  const engine: Engine = openEngine({ corpus: fixture('corpus'), cacheDir: tempDir() });
  const ask = (q: string) => engine.ask(q, { limit: 10 });
  const who = (q: string) => ask(q).passages.map((p) => p.source.author);

  it('author: keeps only that person\'s passages (part of the name, any case) and says so', () => {
    const a = ask('spent fuel storage author:rowan');
    expect(a.passages.map((p) => p.source.author)).toEqual(['Rowan']);
    expect(a.notices).toContain('Only passages by rowan.');
  });

  it('author: naming nobody in the corpus is an UNKNOWN_AUTHOR error, not an empty answer', () => {
    try {
      ask('storage author:nobody');
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e) && e.code).toBe('UNKNOWN_AUTHOR');
    }
  });

  it('since: and until: keep passages dated inside the range and drop undated ones', () => {
    const dates = ask('storage since:2024-03-05 until:2024-03-05').passages.map((p) => p.source.date?.slice(0, 10));
    expect(dates.length).toBeGreaterThan(0);
    expect(new Set(dates)).toEqual(new Set(['2024-03-05']));
  });

  it('source: matches a site as well as a title', () => {
    expect(new Set(ask('storage source:slack').passages.map((p) => p.source.site))).toEqual(new Set(['Slack']));
    expect(new Set(ask('storage source:"nuclear waste"').passages.map((p) => p.source.site))).toEqual(new Set(['LessWrong']));
  });

  it('min-score: keeps passages with at least that score and drops unscored ones', () => {
    expect(ask('storage min-score:50').passages.map((p) => p.id)).toEqual(['t1_kx1aaaa']);
    expect(who('reactors min-score:0')).not.toContain('Rowan'); // Discord messages carry no score
  });

  it('filters given as options (as on Discord) add to those typed', () => {
    const a = engine.ask('storage', { filters: { authors: ['lena'] } });
    expect(new Set(a.passages.map((p) => p.source.author))).toEqual(new Set(['lena.f']));
  });

  it('a query of filters alone asks for a topic', () => {
    expect(() => ask('author:rowan')).toThrow(expect.objectContaining({ code: 'EMPTY_QUERY' }));
  });
});
