import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadCorpus, MAX_TEXT_BYTES } from '../../src/corpus/load.ts';
import { openEngine } from '../../src/core/engine.ts';
import { isUserError } from '../../src/errors.ts';
import { CLI, crux, cruxHere, fixtureCopy, REPO, tempDir } from './helpers.ts';

/** The fixture "bad" corpus: a good .txt file and a .jsonl file with one invalid line and one record without text. */
function badCorpus(): string {
  return fixtureCopy('bad');
}

const texts = (dir: string) => loadCorpus(dir).passages.map((p) => p.text);

describe('bad input', () => {
  it('names the file and line of an invalid JSONL line, and still loads the records around it', () => {
    const dir = badCorpus();
    const c = loadCorpus(dir);
    const file = join(dir, 'records.jsonl');
    expect(c.problems).toContainEqual({ file, line: 2, message: 'not valid JSON; line skipped' });
    expect(c.passages.map((p) => p.id)).toEqual(['notes:L1', 'ok1', 'ok2']);
  });

  it('names the file and line of a record without text', () => {
    const dir = badCorpus();
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: join(dir, 'records.jsonl'), line: 3, message: 'record has no "text"; skipped' });
    expect(c.problems).toHaveLength(2);
  });

  it('skips a binary file by name and loads the rest', () => {
    const dir = badCorpus();
    const bin = join(dir, 'picture.txt');
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]));
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: bin, message: expect.stringMatching(/binary/) });
    expect(texts(dir)).toContain('This good file still loads when its neighbours are broken.');
  });

  it('reads a file that is not UTF-8 text with the bad bytes replaced, and warns naming its line', () => {
    const dir = badCorpus();
    const latin = join(dir, 'latin1.txt');
    writeFileSync(latin, Buffer.from('caf\xe9 au lait\n', 'latin1'));
    expect(loadCorpus(dir).problems).toContainEqual({ file: latin, line: 1, message: expect.stringMatching(/not valid UTF-8/), warning: true });
    expect(texts(dir)).toContain('caf\uFFFD au lait');
  });

  it('skips a file too large to read at once, saying how large and what to do, and loads the rest', () => {
    const dir = badCorpus();
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, 'words '.repeat(2000));
    truncateSync(huge, MAX_TEXT_BYTES + 2 ** 20); // sparse: no disk space used
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: huge, message: 'too large to read (513 MB; the limit is 512 MB a file): split it into smaller files' });
    expect(c.passages.map((p) => p.text)).toContain('This good file still loads when its neighbours are broken.');
  });

  it('reports a broken symbolic link by name instead of failing', () => {
    const dir = badCorpus();
    const link = join(dir, 'moved.txt');
    symlinkSync(join(dir, 'no-longer-here.txt'), link);
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: link, message: expect.stringMatching(/broken symbolic link/) });
    expect(c.passages.length).toBe(3);
  });

  it('does not walk round forever through a link back to a folder above', () => {
    const dir = badCorpus();
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'back'));
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: join(dir, 'sub', 'back'), message: expect.stringMatching(/link back/) });
    expect(c.passages.length).toBe(3);
  });

  it('skips a named pipe instead of waiting on it forever', () => {
    const dir = badCorpus();
    const fifo = join(dir, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: fifo, message: expect.stringMatching(/not a regular file/) });
    expect(c.passages.length).toBe(3);
  });

  it('skips a socket that looks like a text file', async () => {
    const dir = badCorpus();
    const sock = join(dir, 'socket.txt');
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const c = loadCorpus(dir);
      expect(c.problems).toContainEqual({ file: sock, message: expect.stringMatching(/not a regular file/) });
      expect(c.passages.length).toBe(3);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('reports an empty folder and a folder named like a file', () => {
    const dir = badCorpus();
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'notes.d.txt'));
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: join(dir, 'empty'), message: 'folder is empty' });
    expect(c.problems).toContainEqual({ file: join(dir, 'notes.d.txt'), message: 'folder is empty' });
  });

  it('reports a missing path and still loads the other paths given', () => {
    const dir = badCorpus();
    const missing = join(dir, 'nowhere');
    const c = loadCorpus([missing, join(dir, 'notes.txt')]);
    expect(c.problems).toEqual([{ file: missing, message: 'no such file or folder' }]);
    expect(c.passages.map((p) => p.id)).toEqual(['notes:L1']);
  });

  it('reports a file with no text and a file of an unsupported type', () => {
    const dir = badCorpus();
    writeFileSync(join(dir, 'blank.txt'), '\n   \n\n');
    writeFileSync(join(dir, 'slides.pdf'), '%PDF-1.4');
    const c = loadCorpus(dir);
    expect(c.problems).toContainEqual({ file: join(dir, 'blank.txt'), message: expect.stringMatching(/no text/) });
    expect(c.problems).toContainEqual({ file: join(dir, 'slides.pdf'), message: expect.stringMatching(/unsupported/) });
  });

  it('refuses to open an engine over an empty folder, with a message naming it', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'corpus'));
    let err: unknown;
    try {
      openEngine({ corpus: join(dir, 'corpus'), cacheDir: join(dir, 'cache') });
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toContain(join(dir, 'corpus'));
    expect((err as Error).message).toContain('folder is empty');
  });
});

describe('bad input on the command line', () => {
  it('answers from the good files, lists each skipped file and line on stderr, and exits 3', () => {
    const dir = badCorpus();
    const r = crux(['--corpus', dir, '--json', 'harbours'], { cacheDir: tempDir() });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).passages.map((p: { id: string }) => p.id)).toContain('ok1');
    expect(r.stderr).toContain(`skipped: ${join(dir, 'records.jsonl')}:2: not valid JSON`);
    expect(r.stderr).toContain(`skipped: ${join(dir, 'records.jsonl')}:3: record has no "text"`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('still exits 3 and lists the skipped lines when the index comes from the cache', async () => {
    const dir = badCorpus();
    const cacheDir = tempDir();
    await cruxHere(['--corpus', dir, 'harbours'], { cacheDir });
    const again = await cruxHere(['--corpus', dir, 'harbours'], { cacheDir });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(':2: not valid JSON');
    expect(again.stderr).not.toContain('Rebuilding');
  });

  it('exits 4 with a clear message when the corpus path does not exist', () => {
    const dir = tempDir();
    const r = crux(['--corpus', join(dir, 'nope'), 'harbours'], { cacheDir: tempDir() });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(join(dir, 'nope'));
    expect(r.stderr).toContain('no such file or folder');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('exits 4 when the corpus folder is empty', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    const r = await cruxHere(['--corpus', join(dir, 'empty'), 'harbours'], { cacheDir: tempDir() });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('folder is empty');
  });

  it('names a file it may not read (permission denied) and answers from the rest', () => {
    const dir = badCorpus();
    const locked = join(dir, 'locked.txt');
    writeFileSync(locked, 'A line nobody may read.\n');
    chmodSync(locked, 0o000);
    const cacheDir = tempDir();
    const [cmd, ...args] = withoutReadingEverything([process.execPath, CLI, '--corpus', dir, '--json', 'harbours']);
    const r = spawnSync(cmd, args, {
      cwd: REPO,
      env: { ...process.env, CRUX_CACHE_DIR: cacheDir, HOME: cacheDir, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toContain(`skipped: ${locked}: cannot read file (EACCES)`);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout).passages.length).toBeGreaterThan(0);
  });
});

/**
 * A command as it must run for chmod 000 to hold: as is for an ordinary user; for root (who reads any file), under
 * setpriv (util-linux) without the two capabilities that let it. Root keeps its own identity, so the checkout and
 * the temp folders stay readable wherever they are (/root, a mktemp -d folder), which running as another user
 * ("nobody") did not allow.
 */
function withoutReadingEverything(cmd: string[]): string[] {
  if (process.getuid?.() !== 0) return cmd;
  return ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', ...cmd];
}
