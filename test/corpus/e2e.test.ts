import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadCorpus } from '../../src/corpus/load.ts';
import type { Answer } from '../../src/core/types.ts';
import { fixture, REPO, tempDir } from './helpers.ts';

const CLI = join(REPO, 'bin', 'crux.mjs');

function crux(args: string[], cacheDir: string) {
  const env: Record<string, string | undefined> = { ...process.env, CRUX_CACHE_DIR: cacheDir, NO_COLOR: '1' };
  delete env.CRUX_CORPUS;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Which export a passage came from, by the file it was read from. */
function formatOf(file: string): string {
  if (file.startsWith('forum/')) return 'forum';
  if (file.startsWith('discord/')) return 'discord';
  if (file.startsWith('slack/')) return 'slack';
  if (file.startsWith('reddit/')) return 'reddit';
  return file.split('.').pop()!;
}

describe('a mixed folder of exports, end to end through the CLI', () => {
  const corpus = fixture('corpus');
  const cache = tempDir();
  const loaded = loadCorpus(corpus);
  const byId = new Map(loaded.passages.map((p) => [p.id, p]));

  it('indexes forum, Discord, Slack and Reddit exports and a .md file together, skipping nothing', () => {
    const r = crux(['index', '--corpus', corpus], cache);
    expect(r.stderr).not.toContain('skipped');
    expect(r.code).toBe(0);
    expect(new Set(loaded.passages.map((p) => formatOf(p.file)))).toEqual(new Set(['forum', 'discord', 'slack', 'reddit', 'md']));
  });

  it('answers with best passages from at least three formats, each verbatim with its author, date and link', () => {
    const r = crux(['--corpus', corpus, '--json', '--limit', '5', 'spent fuel storage'], cache);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as Answer;
    expect(a.passages).toHaveLength(5);
    const formats = a.passages.map((p) => formatOf(byId.get(p.id)!.file));
    expect(new Set(formats).size).toBeGreaterThanOrEqual(3);
    for (const hit of a.passages) {
      const p = byId.get(hit.id)!;
      for (const piece of hit.text.replace(/^… /, '').replace(/ …$/, '').split(' … ')) expect(p.text).toContain(piece);
      expect(hit.source.author).toBe(p.source.author);
      if (formatOf(p.file) !== 'md') {
        expect(hit.source.url).toMatch(/^https:\/\//);
        expect(hit.source.date).toMatch(/^\d{4}-\d{2}-\d{2}/);
      }
    }
    // Links go to the exact message or comment, not just the thread.
    const urls = a.passages.map((p) => p.source.url);
    expect(urls).toContain('https://crux-demo.slack.com/archives/C0ENERGY01/p1709629300000200');
    expect(urls).toContain('https://discord.com/channels/810000000000000001/820000000000000001/900000000000000006');
  });

  it('shows who said it and where in the terminal answer (the link with --full), and honours a filter typed in the query', () => {
    const r = crux(['--corpus', corpus, 'spent fuel storage author:lena'], cache);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Spent fuel storage is cheap next to construction');
    expect(r.stdout).toContain('— #energy (Slack, 2024) · by lena.f · 2024-03-05');
    expect(r.stdout).not.toContain('Rowan');
    const full = crux(['--corpus', corpus, '--full', 'spent fuel storage author:lena'], cache);
    expect(full.stdout).toContain('https://crux-demo.slack.com/archives/C0ENERGY01/p1709629300000200');
  });

  it('exits 3 and names each skipped file and line when the folder holds malformed exports too', () => {
    const r = crux(['index', '--corpus', fixture('malformed')], cache);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`skipped: ${fixture('malformed', 'forum-truncated.json')}:37: JSON is cut off`);
    expect(r.stderr).toContain(`skipped: ${fixture('malformed', 'reddit-truncated.jsonl')}:2: not valid JSON`);
    expect(r.stderr).toContain(`skipped: ${fixture('malformed', 'slack-no-users', 'users.json')}: users.json is missing`);
  });
});
