import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { loadCorpus } from '../../src/corpus/load.ts';
import { copyFixture, load } from './helpers.ts';
import { crux, tempDir } from '../cli/helpers.ts';

const BAD = /not valid UTF-8: the bad bytes read as U\+FFFD/;

/** Replaces the first byte of `needle` in a file with 0xFF (never valid in UTF-8); returns the line it sits on. */
function spoil(path: string, needle: string): number {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(needle);
  if (at < 0) throw new Error(`${needle} is not in ${path}`);
  bytes[at] = 0xff;
  writeFileSync(path, bytes);
  return bytes.subarray(0, at).toString('latin1').split('\n').length;
}

/** A warning naming this file and line. */
const warning = (file: string, line: number) => ({ file, line, message: expect.stringMatching(BAD), warning: true });

describe('text that is not valid UTF-8', () => {
  it('loads every paragraph of a .txt file with two bad bytes, the bad ones with U+FFFD, and names their lines', () => {
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    const lines = Array.from({ length: 1000 }, (_, i) => `Paragraph ${i + 1} is about the harbour and its keeper.`);
    writeFileSync(file, lines.join('\n') + '\n');
    spoil(file, 'Paragraph 10 is about the harbour');
    spoil(file, 'keeper.\nParagraph 501 ');
    const c = loadCorpus(dir);
    expect(c.passages).toHaveLength(1000);
    expect(c.problems).toEqual([warning(file, 10), warning(file, 500)]);
    expect(c.passages[9].text).toBe('\uFFFDaragraph 10 is about the harbour and its keeper.');
    expect(c.passages[499].text).toBe('Paragraph 500 is about the harbour and its \uFFFDeeper.');
    expect(c.passages.filter((p) => p.text.includes('\uFFFD'))).toHaveLength(2);
  });

  it('names ten lines of a file saved as Latin-1, counts the rest, and suggests saving it as UTF-8', () => {
    const dir = tempDir();
    const file = join(dir, 'latin1.txt');
    writeFileSync(file, Buffer.from(Array.from({ length: 25 }, (_, i) => `Caf\xe9 number ${i + 1}.`).join('\n'), 'latin1'));
    const c = loadCorpus(dir);
    expect(c.passages.map((p) => p.text)).toContain('Caf\uFFFD number 25.');
    expect(c.problems.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => warning(file, i + 1)));
    expect(c.problems[10]).toEqual({ file, message: expect.stringMatching(/on 15 more lines.*Latin-1.*save it as UTF-8/), warning: true });
    expect(c.problems).toHaveLength(11);
  });

  it('names the line of UTF-16 text that holds a lone surrogate, and loads it', () => {
    const dir = tempDir();
    const file = join(dir, 'windows.txt');
    const units = Buffer.from('First line is fine.\r\nSecond line has X in it.\r\nThird line too.\r\n', 'utf16le');
    units.writeUInt16LE(0xd800, units.indexOf('X', 0, 'utf16le'));
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), units]));
    const c = loadCorpus(dir);
    expect(c.problems).toEqual([{ file, line: 2, message: expect.stringMatching(/not valid UTF-16/), warning: true }]);
    expect(c.passages.map((p) => p.text)).toEqual(['First line is fine.', 'Second line has \uFFFD in it.', 'Third line too.']);
  });

  it('reads a JSONL record with a bad byte, naming its line, and the records around it', () => {
    const dir = tempDir();
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, ['one', 'two', 'three'].map((id) => JSON.stringify({ id, text: `Record ${id} talks about tides.` })).join('\n') + '\n');
    spoil(file, 'Record two');
    const c = loadCorpus(dir);
    expect(c.problems).toEqual([warning(file, 2)]);
    expect(c.passages.map((p) => [p.id, p.text])).toEqual([
      ['one', 'Record one talks about tides.'],
      ['two', '\uFFFDecord two talks about tides.'],
      ['three', 'Record three talks about tides.'],
    ]);
  });

  it('reads a Discord export with a bad byte in one message, naming its line', () => {
    const dir = copyFixture('corpus', 'discord');
    const file = join(dir, 'energy-debates-nuclear.json');
    const before = load(dir).passages;
    const line = spoil(file, 'Small modular reactors will beat wind');
    const c = load(dir);
    expect(c.problems).toEqual([warning(file, line)]);
    expect(c.passages.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(c.passages.map((p) => p.text)).toContain('\uFFFDmall modular reactors will beat wind on cost by 2035, because factory production drives the learning curve.');
  });

  it('reads an unpacked Slack export with a bad byte in a day file, naming the file and line', () => {
    const dir = copyFixture('corpus', 'slack');
    const file = join(dir, 'energy', '2024-03-05.json');
    const before = load(dir).passages;
    const line = spoil(file, 'Spent fuel');
    const c = load(dir);
    expect(c.problems).toEqual([warning(file, line)]);
    expect(c.passages.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(c.passages[0].text).toMatch(/^\uFFFDpent fuel/);
  });

  it('reads a Slack .zip whose day file has a bad byte, naming the member and line', () => {
    const dir = copyFixture('corpus', 'slack');
    const line = spoil(join(dir, 'energy', '2024-03-05.json'), 'Spent fuel');
    const files: Record<string, Uint8Array> = {};
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else files[relative(dir, p)] = readFileSync(p);
      }
    };
    walk(dir);
    const zip = join(tempDir(), 'export.zip');
    writeFileSync(zip, zipSync(files));
    const c = load(zip);
    expect(c.problems).toEqual([warning(`${zip}/energy/2024-03-05.json`, line)]);
    expect(c.passages[0].text).toMatch(/^\uFFFDpent fuel/);
  });

  it('reads one Slack day file on its own with a bad byte, naming its line', () => {
    const dir = copyFixture('corpus', 'slack');
    const file = join(dir, 'energy', '2024-03-05.json');
    const line = spoil(file, 'Spent fuel');
    const c = load(file, 'slack');
    expect(c.problems).toEqual([warning(file, line)]);
    expect(c.passages[0].text).toMatch(/^\uFFFDpent fuel/);
  });
});

describe('text that is not valid UTF-8, on the command line', () => {
  it('answers, prints a warning naming the file and line, and exits 3', () => {
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'The harbour keeper lit the lamp.\nThe harbour pilot waited for the tide.\n');
    spoil(file, 'pilot');
    const r = crux(['--corpus', dir, '--json', 'harbour'], { cacheDir: tempDir() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`warning: ${file}:2: ${BAD.source}`));
    expect(JSON.parse(r.stdout).passages.map((p: { text: string }) => p.text)).toContain('The harbour \uFFFDilot waited for the tide.');
  });
});
