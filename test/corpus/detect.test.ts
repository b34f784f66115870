import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, load, passage, tempDir } from './helpers.ts';

describe('choosing a reader', () => {
  it('detects each export from its content, whatever the file is called', () => {
    const dir = tempDir();
    copyFileSync(fixture('corpus', 'discord', 'energy-debates-nuclear.json'), join(dir, 'a.json'));
    copyFileSync(fixture('corpus', 'forum', 'comments.json'), join(dir, 'b.json'));
    copyFileSync(fixture('corpus', 'reddit', 'cmv-nuclear.json'), join(dir, 'c.json'));
    copyFileSync(fixture('corpus', 'slack', 'energy', '2024-03-06.json'), join(dir, 'd.json'));
    copyFileSync(fixture('real', 'reddit-cmv-chains.jsonl'), join(dir, 'e.jsonl'));
    const c = load(dir);
    expect(c.problems).toEqual([]);
    const authorOf = (id: string) => passage(c, id).source.author;
    expect(authorOf('900000000000000002')).toBe('Rowan'); // Discord
    expect(authorOf('cmTheo0000000001')).toBe('Theo Brandt'); // ForumMagnum
    expect(authorOf('t1_kx1aaaa')).toBe('solar_sam'); // Reddit listing
    expect(authorOf('d/p1709715600000100')).toBe('U0AAAAAA2'); // a Slack day file (channel named after the file)
    expect(authorOf('t1_dgg02vk')).toBe('qwertx0815'); // Reddit JSON Lines
  });

  it('still reads .txt, .md and plain .jsonl records as before', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'A plain line about reactors.\n');
    writeFileSync(join(dir, 'records.jsonl'), JSON.stringify({ id: 'r1', text: 'A record about reactors.', author: 'Kim', parent: 'r0' }) + '\n');
    writeFileSync(join(dir, 'essay.md'), '---\ntitle: Essay\n---\n\nA paragraph about reactors.\n');
    const c = load(dir);
    expect(c.problems).toEqual([]);
    expect(c.passages.map((p) => [p.text, p.source.author, p.parent])).toEqual([
      ['A paragraph about reactors.', null, null],
      ['A plain line about reactors.', null, null],
      ['A record about reactors.', 'Kim', 'r0'],
    ]);
  });

  it('skips a JSON file in no known format, by name', () => {
    const dir = tempDir();
    const file = join(dir, 'package.json');
    writeFileSync(file, '{"name": "not-a-corpus"}\n');
    writeFileSync(join(dir, 'notes.txt'), 'Something to index.\n');
    expect(load(dir).problems).toEqual([{ file, message: 'unsupported file type; skipped' }]);
  });

  it('lets --format force a reader: Reddit lines in a .txt file, or plain JSONL rules on a Reddit file', () => {
    const dir = tempDir();
    const txt = join(dir, 'reddit.txt');
    writeFileSync(txt, readFileSync(fixture('real', 'reddit-cmv-chains.jsonl')));
    expect(load(txt, 'reddit').passages[0].id).toBe('t1_dgg02vk');
    const asJsonl = load(fixture('real', 'reddit-cmv-chains.jsonl'), 'jsonl');
    expect(asJsonl.passages).toEqual([]);
    expect(asJsonl.problems[0]).toMatchObject({ line: 1, message: 'record has no "text"; skipped' });
  });

  it('lets --format slack read an export folder whose day files were not recognised on their own', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'general'));
    writeFileSync(join(dir, 'general', '2024-01-01.json'), JSON.stringify([{ user: 'U1', text: 'hello from an odd export', ts: '1704067200.000100' }]));
    const c = load(dir, 'slack');
    expect(c.passages.map((p) => p.text)).toEqual(['hello from an odd export']);
  });
});

describe('blockquotes in the formats Crux already read', () => {
  it('in .md, a quote is not a passage of the file and the reply after it links to the quoted passage', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.md'), 'Repositories solve the storage problem for good.\n');
    writeFileSync(join(dir, 'b.md'), '> Repositories solve the storage problem for good.\n\nOnly where the bedrock is dry.\n');
    const c = load(dir);
    expect(c.passages.map((p) => [p.id, p.text, p.quotes ?? null])).toEqual([
      ['a:L1', 'Repositories solve the storage problem for good.', null],
      ['b:L3', 'Only where the bedrock is dry.', 'a:L1'],
    ]);
  });

  it('in .jsonl, the quote is split out of the record and linked to the record it answers', () => {
    const dir = tempDir();
    const lines = [
      { id: 'r1', text: 'Repositories solve the storage problem for good.', author: 'Ann', thread: 't' },
      { id: 'r2', text: '> Repositories solve the storage problem for good.\nOnly where the bedrock is dry.', author: 'Bo', thread: 't', parent: 'r1' },
    ];
    writeFileSync(join(dir, 'r.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const c = load(dir);
    expect(c.passages.map((p) => [p.id, p.text, p.source.author, p.quotes ?? null])).toEqual([
      ['r1', 'Repositories solve the storage problem for good.', 'Ann', null],
      ['r2', 'Only where the bedrock is dry.', 'Bo', 'r1'],
    ]);
  });
});
