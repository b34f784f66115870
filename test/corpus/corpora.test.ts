import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readCorpora, resolveCorpus } from '../../src/corpus/corpora.ts';
import type { Answer } from '../../src/core/types.ts';
import { fixture, REPO, tempDir } from './helpers.ts';

/** A corpora file naming the fixture exports, in a temp folder (paths relative to it and absolute). */
function corporaFile(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'notes', 'n.md'), 'Interim storage is a stopgap.\n');
  const file = join(dir, 'corpora.json');
  writeFileSync(
    file,
    JSON.stringify({
      corpora: {
        slack: { paths: [fixture('corpus', 'slack')], description: 'The energy workspace' },
        reddit: { paths: [fixture('corpus', 'reddit')] },
        notes: { paths: ['notes'] },
        lw: { paths: [fixture('corpus', 'forum')], format: 'forum' },
      },
    }),
  );
  return file;
}

describe('named corpora (data/corpora.json)', () => {
  it('resolve names, several at once, with paths relative to the file', () => {
    const file = readCorpora(corporaFile())!;
    expect(resolveCorpus('slack,notes', file)).toEqual({
      paths: [fixture('corpus', 'slack'), join(file.path, '..', 'notes')],
      format: undefined,
      names: ['slack', 'notes'],
    });
    expect(resolveCorpus('lw', file)?.format).toBe('forum');
  });

  it('leave real paths alone, and name the known corpora when one name is wrong', () => {
    const file = readCorpora(corporaFile())!;
    expect(resolveCorpus(fixture('corpus'), file)).toBeNull();
    expect(resolveCorpus('not-a-name', file)).toBeNull();
    expect(() => resolveCorpus('slack,slak', file)).toThrow(/No corpus named "slak" in .*corpora\.json \(there are: slack, reddit, notes, lw\)/);
    expect(() => resolveCorpus('slack,lw', file)).toThrow(/force different formats/);
  });

  it('refuse a malformed file with a message saying what is expected', () => {
    const dir = tempDir();
    const bad = join(dir, 'corpora.json');
    writeFileSync(bad, '{"corpora": {"x": {}}}');
    expect(() => readCorpora(bad)).toThrow(/corpus "x" needs "paths"/);
    writeFileSync(bad, '{"corpora": ');
    expect(() => readCorpora(bad)).toThrow(/is not valid JSON/);
    expect(readCorpora(join(dir, 'missing.json'))).toBeNull();
  });

  it('are searched by name from the CLI: --corpus slack,reddit answers from those two only', () => {
    const env: Record<string, string | undefined> = { ...process.env, CRUX_CACHE_DIR: tempDir(), CRUX_CORPORA: corporaFile(), NO_COLOR: '1' };
    delete env.CRUX_CORPUS;
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'crux.mjs'), '--corpus', 'slack,reddit', '--json', 'storage'], { cwd: REPO, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as Answer;
    expect(new Set(a.passages.map((p) => p.source.site))).toEqual(new Set(['Slack', 'Reddit']));
  });

  it('are served by name: npm start with CRUX_CORPUS=notes answers at the prompt from that corpus', () => {
    const env: Record<string, string | undefined> = { ...process.env, CRUX_CACHE_DIR: tempDir(), CRUX_CORPORA: corporaFile(), CRUX_CORPUS: 'notes', NO_COLOR: '1' };
    for (const k of ['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET']) delete env[k];
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'crux.mjs'), 'serve'], { cwd: REPO, env, input: 'stopgap\n:quit\n', encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/No passages could be loaded/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Interim storage is a stopgap.');
  });
});
