import { describe, expect, it } from 'vitest';
import { fixture, load, passage, seen } from './helpers.ts';

const POST = 'Xq7nPz3kW9mTbR2sd';
const POST_URL = `https://www.lesswrong.com/posts/${POST}/is-nuclear-waste-really-the-hard-part`;
const TITLE = 'Is nuclear waste really the hard part?';

describe('ForumMagnum (LessWrong) JSON, a post and its comments in separate files of one folder', () => {
  const c = load(fixture('corpus', 'forum'));

  it('loads the post and every comment with text, and reports nothing', () => {
    expect(c.problems).toEqual([]);
    expect(c.passages.map((p) => p.id)).toEqual([
      'cmTheo0000000001',
      'cmQuiet000000002',
      'cmQuiet000000002.2',
      'cmAfter000000004',
      'cmOrphan00000005',
      `${POST}`,
      `${POST}.2`,
    ]);
  });

  it("reads the post's markdown as written, without its heading or code block, with karma, date and permalink", () => {
    expect(seen(passage(c, POST))).toEqual({
      id: POST,
      text: 'Deep geological repositories already solve spent fuel storage; the open question is politics, not engineering.',
      author: 'Marisol Vega',
      url: POST_URL,
      date: '2024-03-02T10:00:00.000Z',
      title: TITLE,
      parent: null,
      thread: POST,
      score: 42,
      quotes: null,
    });
    expect(passage(c, `${POST}.2`).text).toBe(
      "Finland's Onkalo repository is the existence proof, see [Posiva](https://www.posiva.fi/en/) for the licence.",
    );
    expect(passage(c, POST).source.site).toBe('LessWrong');
  });

  it("gives a top-level comment the post's title, a link to the comment, and the post as its parent", () => {
    expect(seen(passage(c, 'cmTheo0000000001'))).toEqual({
      id: 'cmTheo0000000001',
      text: 'They solve it for one country with unusually stable bedrock. Most sites have groundwater that nobody has modelled over 100,000 years.',
      author: 'Theo Brandt',
      url: `${POST_URL}?commentId=cmTheo0000000001`,
      date: '2024-03-02T12:00:00.000Z',
      title: TITLE,
      parent: POST,
      thread: POST,
      score: 12,
      quotes: POST,
    });
  });

  it('never shows a quoted line as the commenter\'s words, and links it to the passage it quotes', () => {
    const texts = c.passages.filter((p) => p.record === 'cmTheo0000000001').map((p) => p.text);
    expect(texts.join('\n')).not.toContain('Deep geological repositories');
    expect(passage(c, 'cmTheo0000000001').quotes).toBe(POST);
  });

  it('converts an HTML body to text: entities decoded, script dropped, link kept, blockquote split out', () => {
    expect(seen(passage(c, 'cmQuiet000000002'))).toMatchObject({
      text: 'Groundwater models & their error bars are the crux here — see SR-97 [https://example.org/sr-97].',
      author: 'quietfox', // user is null (deleted account): the author string stands in
      url: `${POST_URL}?commentId=cmQuiet000000002`,
      parent: 'cmTheo0000000001',
      quotes: null,
    });
    expect(seen(passage(c, 'cmQuiet000000002.2'))).toMatchObject({
      text: 'SKB modelled exactly that horizon in 1999 <and published it>.',
      quotes: 'cmTheo0000000001',
    });
    expect(c.passages.some((p) => p.text.includes('alert'))).toBe(false);
  });

  it('keeps a deleted comment in the tree without text: its reply still points at it', () => {
    expect(c.passages.some((p) => p.record === 'cmGone0000000003')).toBe(false);
    expect(seen(passage(c, 'cmAfter000000004'))).toMatchObject({
      author: 'Inès Okafor',
      parent: 'cmGone0000000003',
      thread: POST,
    });
  });

  it('keeps a comment whose parent was not exported, with its parent edge as given (htmlBody read)', () => {
    expect(seen(passage(c, 'cmOrphan00000005'))).toMatchObject({
      text: 'Replying to a comment that was not exported: the waste volume is tiny next to coal ash.',
      author: 'Kofi R.',
      parent: 'cmNotExported0099',
      score: -2,
    });
  });

  it('reads a comments file on its own: title and links fall back to the post id', () => {
    const alone = load(fixture('corpus', 'forum', 'comments.json'));
    expect(alone.problems).toEqual([]);
    expect(seen(passage(alone, 'cmAfter000000004'))).toMatchObject({
      title: `Comments on post ${POST}`,
      url: `https://www.lesswrong.com/posts/${POST}?commentId=cmAfter000000004`,
    });
    // A comment that carries its own pageUrl keeps it.
    expect(passage(alone, 'cmTheo0000000001').source.url).toBe(`${POST_URL}?commentId=cmTheo0000000001`);
  });

  it('reads the complete comments of a truncated file and names the line where it breaks', () => {
    const file = fixture('malformed', 'forum-truncated.json');
    const t = load(file);
    expect(t.passages.map((p) => [p.id, p.text, p.source.author])).toEqual([
      ['cmTrunc000000001', 'The first comment survives the cut.', 'Ana'],
      ['cmTrunc000000002', 'So does the second one.', 'Ben'],
    ]);
    expect(t.problems).toEqual([
      { file, line: 37, message: expect.stringMatching(/^JSON is cut off or broken from here on .*; read the complete posts and comments before it$/) },
    ]);
  });
});
