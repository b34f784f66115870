import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, load, passage, seen, tempDir } from './helpers.ts';

const THREAD = 'https://www.reddit.com/r/changemyview/comments/1bq2xyz/cmv_nuclear_power/';
const TITLE = 'CMV: Nuclear power is the fastest way to decarbonise a grid';

describe('Reddit API thread listing (post, nested replies, deleted comment, "more")', () => {
  const c = load(fixture('corpus', 'reddit'));

  it('loads the post and the comments with text, in tree order', () => {
    expect(c.problems).toEqual([]);
    expect(c.passages.map((p) => p.id)).toEqual(['t3_1bq2xyz', 't3_1bq2xyz.2', 't1_kx1aaaa', 't1_kx3cccc']);
  });

  it("reads the post's self text with its title, author, score, date and permalink", () => {
    expect(seen(passage(c, 't3_1bq2xyz'))).toEqual({
      id: 't3_1bq2xyz',
      text: 'France decarbonised its grid in about fifteen years with a reactor build-out.',
      author: 'grid_nerd',
      url: THREAD,
      date: '2024-03-21T05:46:40Z',
      title: TITLE,
      parent: null,
      thread: 't3_1bq2xyz',
      score: 250,
      quotes: null,
    });
  });

  it('unescapes the body, splits out the quoted line and links it to the post paragraph it quotes', () => {
    expect(seen(passage(c, 't1_kx1aaaa'))).toEqual({
      id: 't1_kx1aaaa',
      text: 'South Australia went from 1% to 70% wind and solar in fifteen years, and spent fuel storage never entered the R&D budget.',
      author: 'solar_sam',
      url: `${THREAD}kx1aaaa/`,
      date: '2024-03-21T05:55:00Z',
      title: TITLE,
      parent: 't3_1bq2xyz',
      thread: 't3_1bq2xyz',
      score: 120,
      quotes: 't3_1bq2xyz.2',
    });
  });

  it('keeps a deleted comment in the tree without text: its reply still points at it', () => {
    expect(c.passages.some((p) => p.record === 't1_kx2bbbb')).toBe(false);
    expect(seen(passage(c, 't1_kx3cccc'))).toMatchObject({ author: 'grid_nerd', parent: 't1_kx2bbbb', score: 40 });
  });
});

describe('Reddit comments as JSON Lines', () => {
  it('reads the real ChangeMyView chains (UKP release): one comment once, however many chains hold it', () => {
    const c = load(fixture('real', 'reddit-cmv-chains.jsonl'));
    expect(c.problems).toEqual([]);
    expect(new Set(c.passages.map((p) => p.record)).size).toBe(18);
    expect(seen(passage(c, 't1_dgg02vk'))).toEqual({
      id: 't1_dgg02vk',
      text: 'i think you vastly overestimate the number of women that pay for sex...',
      author: 'qwertx0815',
      url: 'https://www.reddit.com/comments/6609dn/_/dgg02vk/',
      date: '2017-04-18T23:36:43Z',
      title: 'Reddit thread 6609dn',
      parent: 't1_dgfqi15',
      thread: 't3_6609dn',
      score: 1,
      quotes: null, // it quotes a comment that is not in the file
    });
    expect(c.passages.some((p) => p.text.startsWith('a) right, because women'))).toBe(false);
    expect(passage(c, 't1_dgg9znb').parent).toBe('t1_dgg02vk');
  });

  it('reads Pushshift-style records, one per line, and names the line of a truncated one', () => {
    const file = fixture('malformed', 'reddit-truncated.jsonl');
    const c = load(file);
    expect(c.passages.map((p) => [p.id, p.text, p.source.author, p.parent])).toEqual([
      ['t1_aa1', 'A whole comment on its own line.', 'one', 't3_zz9'],
    ]);
    expect(c.problems).toEqual([{ file, line: 2, message: 'not valid JSON; line skipped' }]);
  });

  it('uses body_html when there is no body, and the permalink and subreddit when given', () => {
    const dir = tempDir();
    const file = join(dir, 'comments.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'q1',
          parent_id: 't3_p1',
          link_id: 't3_p1',
          subreddit: 'AskScience',
          author: 'curie',
          body_html: '&lt;div class="md"&gt;&lt;p&gt;Half-lives &amp;amp; &lt;a href="https://example.org/decay"&gt;decay chains&lt;/a&gt;.&lt;/p&gt;&lt;/div&gt;',
          created_utc: '1600000000',
          ups: 9,
        },
      ]),
    );
    const c = load(file);
    expect(seen(passage(c, 't1_q1'))).toMatchObject({
      text: 'Half-lives & decay chains [https://example.org/decay].',
      url: 'https://www.reddit.com/r/AskScience/comments/p1/_/q1/',
      title: 'r/AskScience thread p1',
      score: 9,
      date: '2020-09-13T12:26:40Z',
    });
  });
});
