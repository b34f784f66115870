import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { copyFixture, fixture, load, passage, seen, tempDir } from './helpers.ts';

const ROOT = 'C0ENERGY01/p1709629300000200';
const archive = (id: string, thread?: string) =>
  `https://crux-demo.slack.com/archives/C0ENERGY01/${id}${thread ? `?thread_ts=${thread}&cid=C0ENERGY01` : ''}`;

/** Zips a folder the way Slack does (optionally under one top folder), into a temp dir. */
function zipFolder(dir: string, top = ''): string {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files[top + relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  const out = join(tempDir(), 'Crux Demo Slack export Mar 5 2024 - Mar 6 2024.zip');
  writeFileSync(out, zipSync(files));
  return out;
}

describe('Slack workspace export, unpacked folder', () => {
  const c = load(fixture('corpus', 'slack'));

  it('keeps what people wrote and skips joins, bot messages and bot users', () => {
    expect(c.problems).toEqual([]);
    expect(c.passages.map((p) => p.id)).toEqual([
      ROOT,
      'C0ENERGY01/p1709629400000300',
      'C0ENERGY01/p1709629500000400',
      'C0ENERGY01/p1709715600000100',
    ]);
  });

  it('decodes <url|label> links and gives the author, date and a permalink (workspace URL from sources.json)', () => {
    expect(seen(passage(c, ROOT))).toEqual({
      id: ROOT,
      text: 'Spent fuel storage is cheap next to construction: the NRC overview [https://www.nrc.gov/waste/spent-fuel-storage.html] puts dry casks at a few million dollars each.',
      author: 'lena.f',
      url: archive('p1709629300000200'),
      date: '2024-03-05T09:01:40Z',
      title: '#energy',
      parent: null,
      thread: ROOT,
      score: null,
      quotes: null,
    });
  });

  it('resolves <@U…> mentions through users.json, decodes entities, and links replies to their thread root', () => {
    expect(seen(passage(c, 'C0ENERGY01/p1709629400000300'))).toMatchObject({
      text: '@lena.f cheap, maybe, but >40 years of on-site storage was never the plan & the casks outlive their licences.',
      author: 'Omar Haddad', // no display name: the real name
      url: archive('p1709629400000300', '1709629300.000200'),
      parent: ROOT,
      thread: ROOT,
    });
  });

  it('reads a thread broadcast as a reply, with the quoted line split out and linked, and channel refs by name', () => {
    expect(seen(passage(c, 'C0ENERGY01/p1709629500000400'))).toMatchObject({
      text: 'Licences get renewed; see #energy history and https://example.org/renewals.',
      parent: ROOT,
      quotes: 'C0ENERGY01/p1709629400000300',
    });
  });

  it('turns <!here> into @here and leaves a message outside any thread in its channel', () => {
    expect(seen(passage(c, 'C0ENERGY01/p1709715600000100'))).toMatchObject({
      text: 'Anyone have numbers on reprocessing? @here',
      parent: null,
      thread: 'C0ENERGY01',
    });
  });
});

describe('Slack workspace export, straight from the .zip', () => {
  it('reads the same messages from a zip as from the folder, naming members inside the archive', () => {
    const folder = load(fixture('corpus', 'slack'));
    const zip = zipFolder(fixture('corpus', 'slack'), 'export/');
    const z = load(zip);
    expect(z.problems).toEqual([]);
    expect(z.passages.map((p) => [p.id, p.text, p.source.author, p.parent])).toEqual(
      folder.passages.map((p) => [p.id, p.text, p.source.author, p.parent]),
    );
    expect(z.passages[0].file).toBe('Crux Demo Slack export Mar 5 2024 - Mar 6 2024.zip/export/energy/2024-03-05.json');
  });

  it('takes the workspace URL for a zip from a sources.json beside it', () => {
    const zip = zipFolder(fixture('corpus', 'slack'));
    writeFileSync(join(zip, '..', 'sources.json'), JSON.stringify({ sources: [{ file: zip.split('/').pop(), url: 'https://crux-demo.slack.com' }] }));
    const z = load(join(zip, '..'));
    expect(passage(z, ROOT).source.url).toBe(archive('p1709629300000200'));
  });

  it('reports a zip that is not a Slack export, or not a zip at all, by name', () => {
    const dir = tempDir();
    const other = join(dir, 'photos.zip');
    writeFileSync(other, zipSync({ 'a.json': new TextEncoder().encode('{"x":1}') }));
    const broken = join(dir, 'broken.zip');
    writeFileSync(broken, Buffer.from('PK\x03\x04 this is not really a zip'));
    const c = load(dir);
    expect(c.passages).toEqual([]);
    expect(c.problems).toContainEqual({ file: other, message: expect.stringMatching(/holds no Slack export/) });
    expect(c.problems).toContainEqual({ file: broken, message: expect.stringMatching(/not a readable \.zip archive/) });
  });
});

describe('Slack export with problems', () => {
  it('without users.json, names authors from the profile saved with each message, else the user id, and says so', () => {
    const dir = fixture('malformed', 'slack-no-users');
    const c = load(dir);
    expect(c.passages.map((p) => [p.text, p.source.author])).toEqual([
      ['Without users.json my name comes from the profile saved with the message.', 'lena.f'],
      ['@U0AAAAAA1 and mine falls back to my user id.', 'U0AAAAAA2'],
    ]);
    expect(c.problems).toEqual([{ file: join(dir, 'users.json'), message: expect.stringMatching(/^users\.json is missing/) }]);
  });

  it('without a workspace URL, gives no link rather than a wrong one', () => {
    const c = load(fixture('malformed', 'slack-no-users'));
    expect(c.passages.every((p) => p.source.url === null)).toBe(true);
  });

  it('names the day file and line of a message file that is not valid JSON, and reads the other days', () => {
    const dir = copyFixture('corpus', 'slack');
    const bad = join(dir, 'energy', '2024-03-06.json');
    writeFileSync(bad, '[\n  {"type": "message", "user": "U0AAAAAA2", "text": "cut');
    const c = load(dir);
    expect(c.passages.map((p) => p.id)).toHaveLength(3);
    expect(c.problems).toEqual([{ file: bad, line: 2, message: expect.stringMatching(/^not valid JSON/) }]);
  });

  it('reads one day file on its own, naming the channel after its folder', () => {
    const c = load(fixture('corpus', 'slack', 'energy', '2024-03-06.json'));
    expect(c.passages.map((p) => [p.id, p.source.title, p.source.author])).toEqual([
      ['energy/p1709715600000100', '#energy', 'U0AAAAAA2'],
    ]);
  });
});

describe('a real Slack export (hfaran/slack-export-viewer test archive, 2016)', () => {
  const c = load(fixture('real', 'slack-hfaran'));

  it('loads people\'s messages from both channels and skips the bot, join and integration messages', () => {
    expect(c.problems).toEqual([]);
    expect(c.passages).toHaveLength(38);
    expect(new Set(c.passages.map((p) => p.source.title))).toEqual(new Set(['#enrique', '#traveling-sailor']));
    expect(c.passages.some((p) => /has joined the channel|added an integration|uploaded a file/.test(p.text))).toBe(false);
  });

  it('resolves mentions and bare links as Slack shows them', () => {
    expect(passage(c, 'C0JGLMMNX/p1452988121000015').text).toBe('@abilinski: https://github.com/mesos-magellan/miguel/blob/master/setup.py');
  });

  it('links a quoting reply to the message it quotes, without the quote in its words', () => {
    expect(seen(passage(c, 'C0JGLMMNX/p1458228721000002'))).toMatchObject({
      text: 'so....what now then?',
      author: 'heroeshannibal',
      quotes: 'C0JGLMMNX/p1458211102000009',
    });
    expect(passage(c, 'C0JGLMMNX/p1458211102000009').source.author).toBe('hamza');
  });
});
