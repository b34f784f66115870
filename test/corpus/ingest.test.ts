import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../../src/corpus/load.ts';
import type { Passage } from '../../src/core/types.ts';
import { fixtureCopy, tempDir } from '../cli/helpers.ts';

const byId = (ps: Passage[]) => new Map(ps.map((p) => [p.id, p]));

describe('reading a .txt file', () => {
  it('makes one passage per line when each line is its own paragraph, skipping blank lines', () => {
    const dir = fixtureCopy('formats');
    const ps = loadCorpus(join(dir, 'lines.txt')).passages;
    expect(ps.map((p) => [p.id, p.text])).toEqual([
      ['lines:L1', 'Short paragraphs sit one per line in this file.'],
      ['lines:L2', 'Each line is its own passage, even when it is brief.'],
      ['lines:L4', 'A blank line between them changes nothing here.'],
    ]);
  });

  it('reads UTF-16 text with a byte-order mark, as Windows tools save it', () => {
    const dir = tempDir();
    const text = 'Caf\u00e9 notes about the harbour.\r\nA second line, with “quotes”.\r\n';
    writeFileSync(join(dir, 'le.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = Buffer.from(text, 'utf16le').swap16();
    writeFileSync(join(dir, 'be.txt'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    const c = loadCorpus(dir);
    expect(c.problems).toEqual([]);
    expect(c.passages.map((p) => [p.id, p.text])).toEqual([
      ['be:L1', 'Caf\u00e9 notes about the harbour.'],
      ['be:L2', 'A second line, with “quotes”.'],
      ['le:L1', 'Caf\u00e9 notes about the harbour.'],
      ['le:L2', 'A second line, with “quotes”.'],
    ]);
  });

  it('keeps short one-per-line remarks apart even when no blank line separates them', () => {
    const dir = tempDir();
    const f = join(dir, 'remarks.txt');
    writeFileSync(f, 'The harbour is closed today.\nShips wait outside the bar.\nThe keeper lit the lamp at dusk.\n');
    expect(loadCorpus(f).passages.map((p) => p.text)).toEqual([
      'The harbour is closed today.',
      'Ships wait outside the bar.',
      'The keeper lit the lamp at dusk.',
    ]);
  });

  it('joins hard-wrapped lines into paragraphs separated by blank lines, keeping the text exactly as written', () => {
    const dir = fixtureCopy('formats');
    const raw = readFileSync(join(dir, 'wrapped.txt'), 'utf8');
    const ps = loadCorpus(join(dir, 'wrapped.txt')).passages;
    expect(ps.map((p) => p.id)).toEqual(['wrapped:L1', 'wrapped:L6']);
    expect(ps[0].text).toBe(
      'This essay was typed in an old editor that\nwraps every line at sixty characters, so a\nparagraph spans several short lines of text\nuntil a blank line ends it.',
    );
    for (const p of ps) expect(raw).toContain(p.text);
  });

  it('takes title, site, year and link from a sources.json beside it', () => {
    const dir = fixtureCopy('formats');
    const p = loadCorpus(dir).passages.find((x) => x.file === 'lines.txt')!;
    expect(p.source).toMatchObject({
      id: 'lines',
      title: 'Notes kept one per line',
      site: 'Example Forum',
      year: 2024,
      url: 'https://example.org/lines',
    });
  });

  it('titles a file without sources.json entry by its name', () => {
    const dir = fixtureCopy('formats');
    const p = loadCorpus(dir).passages.find((x) => x.file === 'wrapped.txt')!;
    expect(p.source.title).toBe('wrapped');
    expect(p.source.url).toBeNull();
  });
});

describe('reading a .md file', () => {
  it('takes title, author, url and date from YAML front matter and never indexes the front matter itself', () => {
    const dir = fixtureCopy('formats');
    const ps = loadCorpus(join(dir, 'notes', 'post.md')).passages;
    expect(ps[0].source).toMatchObject({
      title: 'Lighthouses and Hyperstition',
      author: 'Ada Keeper',
      url: 'https://example.org/posts/lighthouses',
      date: '2024-05-01',
    });
    expect(ps.some((p) => /title:|author:/.test(p.text))).toBe(false);
  });

  it('skips lone headings and code fences, and numbers passages by their line in the file', () => {
    const dir = fixtureCopy('formats');
    const ps = loadCorpus(join(dir, 'notes', 'post.md')).passages;
    expect(ps.map((p) => [p.id, p.text])).toEqual([
      ['post:L9', 'The keeper wrote that a “lighthouse” is a promise made to ships.'],
      ['post:L15', 'A second paragraph of the post\nruns over two lines.'],
    ]);
  });

  it('reads a file without front matter, titled by its name', () => {
    const dir = fixtureCopy('formats');
    const ps = loadCorpus(join(dir, 'notes', 'plain.md')).passages;
    expect(ps.map((p) => p.text)).toEqual(['A markdown note without front matter.', 'It has two paragraphs and no title of its own.']);
    expect(ps[0].source).toMatchObject({ title: 'plain', author: null, url: null, date: null });
  });

  it('keeps prose that sits between two horizontal rules at the top, and never makes a rule a passage', () => {
    const dir = tempDir();
    const f = join(dir, 'rules.md');
    writeFileSync(f, '---\nAn opening paragraph between rules.\n\n---\n\nThe next paragraph.\n\n***\n');
    const ps = loadCorpus(f).passages;
    expect(ps.map((p) => [p.id, p.text])).toEqual([
      ['rules:L2', 'An opening paragraph between rules.'],
      ['rules:L6', 'The next paragraph.'],
    ]);
    expect(ps[0].source.title).toBe('rules');
  });

  it('reads the body when the front matter is not valid YAML, and says so with the line', () => {
    const dir = tempDir();
    const f = join(dir, 'broken.md');
    writeFileSync(f, '---\ntitle: [unclosed\n---\nThe body still counts.\n');
    const c = loadCorpus(f);
    expect(c.passages.map((p) => p.text)).toEqual(['The body still counts.']);
    expect(c.problems).toEqual([expect.objectContaining({ file: f, line: 1, message: expect.stringMatching(/front matter/) })]);
  });
});

describe('reading a .jsonl file', () => {
  it('makes a passage per record paragraph, with record id, author, thread, parent and score', () => {
    const dir = fixtureCopy('formats');
    const ps = byId(loadCorpus(join(dir, 'thread.jsonl')).passages);
    expect([...ps.keys()]).toEqual(['c1', 'c2', 'c2.2', 'c3']);
    expect(ps.get('c1')).toMatchObject({
      text: 'Root comment: the harbour needs a new lighthouse.',
      thread: 't1',
      parent: null,
      score: 12,
      line: 1,
      source: { id: 'c1', title: 'Harbour thread', author: 'ann', url: 'https://example.org/t/1#c1', date: '2024-06-01' },
    });
    expect(ps.get('c2')).toMatchObject({ text: 'Reply: a lighthouse is too expensive.', thread: 't1', parent: 'c1', score: 3, record: 'c2' });
    expect(ps.get('c2.2')).toMatchObject({ text: 'A buoy would do the same job.', parent: 'c1', record: 'c2', line: 2 });
    expect(ps.get('c3')).toMatchObject({ thread: 't2', parent: null, score: null, line: 4 });
  });

  it('titles records without a title by the file name', () => {
    const dir = fixtureCopy('formats');
    const p = loadCorpus(join(dir, 'thread.jsonl')).passages.find((x) => x.id === 'c3')!;
    expect(p.source.title).toBe('thread');
  });
});

describe('loading a folder', () => {
  it('reads every supported file below it, recursively, without problems', () => {
    const dir = fixtureCopy('formats');
    const c = loadCorpus(dir);
    expect(c.problems).toEqual([]);
    expect(new Set(c.passages.map((p) => p.file))).toEqual(
      new Set(['lines.txt', 'wrapped.txt', 'notes/post.md', 'notes/plain.md', 'thread.jsonl']),
    );
  });

  it('gives the same ids on every load, and keeps them when an unrelated file is added', () => {
    const dir = fixtureCopy('formats');
    const first = loadCorpus(dir).passages.map((p) => p.id);
    expect(loadCorpus(dir).passages.map((p) => p.id)).toEqual(first);
    writeFileSync(join(dir, 'aardvark.txt'), 'A new file that sorts first.\n');
    const after = loadCorpus(dir).passages.map((p) => p.id);
    expect(after).toEqual(expect.arrayContaining(first));
    expect(after).toContain('aardvark:L1');
  });

  it('keeps every passage text an exact substring of its file', () => {
    const dir = fixtureCopy('formats');
    for (const p of loadCorpus(dir).passages) {
      expect(readFileSync(join(dir, p.file), 'utf8')).toContain(p.text.split('\n')[0]);
      if (p.file.endsWith('.jsonl')) continue; // JSON escapes newlines inside records
      expect(readFileSync(join(dir, p.file), 'utf8')).toContain(p.text);
    }
  });

  it('gives two files with the same name in different folders their own source ids and passage ids', () => {
    const dir = tempDir();
    for (const y of ['2023', '2024']) {
      mkdirSync(join(dir, y));
      writeFileSync(join(dir, y, 'index.md'), `Notes from ${y} about the harbour.\n`);
    }
    const ps = loadCorpus(dir).passages;
    expect(ps.map((p) => [p.id, p.source.id])).toEqual([
      ['2023/index:L1', '2023/index'],
      ['2024/index:L1', '2024/index'],
    ]);
    // Adding a third one does not shift the others' ids.
    mkdirSync(join(dir, '2022'));
    writeFileSync(join(dir, '2022', 'index.md'), 'Notes from 2022.\n');
    expect(loadCorpus(dir).passages.map((p) => p.id)).toEqual(['2022/index:L1', '2023/index:L1', '2024/index:L1']);
  });

  it('skips hidden files and folders', () => {
    const dir = fixtureCopy('formats');
    writeFileSync(join(dir, '.draft.txt'), 'A hidden draft that must not be indexed.\n');
    expect(loadCorpus(dir).passages.some((p) => p.text.includes('hidden draft'))).toBe(false);
  });

  it('cuts a very long paragraph into runs of whole sentences that together give back the paragraph', () => {
    const dir = tempDir();
    const f = join(dir, 'long.txt');
    const sentence = (i: number) => `Sentence number ${i} talks about lighthouses, harbours and the sea at some length.`;
    const para = Array.from({ length: 40 }, (_, i) => sentence(i + 1)).join(' ');
    writeFileSync(f, para + '\n');
    const ps = loadCorpus(f).passages;
    expect(ps.length).toBeGreaterThan(1);
    expect(ps.map((p) => p.id)).toEqual(ps.map((_, k) => `long:L1.${k + 1}`));
    for (const p of ps) {
      expect(para).toContain(p.text);
      expect(p.text).toMatch(/^Sentence number \d+ .*sea at some length\.$/);
    }
    expect(ps.map((p) => p.text).join(' ')).toBe(para);
  });
});
