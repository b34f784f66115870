import { describe, expect, it } from 'vitest';
import { appendFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runIndex } from '../../src/cli/indexer.ts';
import { memoryReadCache } from '../../src/corpus/cache.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import type { Engine } from '../../src/core/engine.ts';
import { copyFixture, REPO, tempDir } from './helpers.ts';

/** Runs `crux index` in-process on a corpus, collecting what it prints. */
async function index(corpus: string, cacheDir: string, extra: { full?: boolean } = {}) {
  const err: string[] = [];
  let engine: Engine | null = null;
  const code = await runIndex({ corpus: [corpus], cacheDir, io: { out: () => {}, err: (s) => err.push(s) }, onBuilt: (e) => (engine = e), ...extra });
  return { code, err: err.join('\n'), engine: engine as Engine | null };
}

const summary = (err: string) => err.split('\n').find((l) => l.startsWith('Indexed')) ?? '';

describe('crux index: incremental', () => {
  it('reads every file the first time, then reuses the unchanged ones and reads only what changed', async () => {
    const corpus = copyFixture('corpus');
    const cache = tempDir();
    const first = await index(corpus, cache);
    expect(first.code).toBe(0);
    expect(summary(first.err)).toMatch(/^Indexed 21 passages \(0 duplicates folded\) from 8 files in [\d,]+ ms → /);

    const again = await index(corpus, cache);
    expect(summary(again.err)).toMatch(/from 8 files \(6 unchanged, 0 read\)/);
    expect(again.engine!.stats.unique).toBe(21);

    appendFileSync(join(corpus, 'notes.md'), '\nReprocessing spent fuel is what France does at La Hague.\n');
    const changed = await index(corpus, cache);
    expect(summary(changed.err)).toMatch(/\(5 unchanged, 1 read\)/);
    expect(changed.engine!.ask('La Hague reprocessing').passages[0].text).toBe('Reprocessing spent fuel is what France does at La Hague.');
  });

  it('keeps files in the read cache only up to its byte budget: later files are read again at every build', () => {
    const corpus = copyFixture('corpus');
    const notes = join(corpus, 'notes.md');
    const cache = memoryReadCache();
    loadCorpus(corpus, { cache, cacheBytes: 1 });
    expect(cache.get(notes)).toBeUndefined();
    const all = memoryReadCache();
    loadCorpus(corpus, { cache: all });
    expect(all.get(notes)?.drafts.length).toBeGreaterThan(0);
  });

  it('reuses a file whose time changed but whose content did not (content hash)', async () => {
    const corpus = copyFixture('corpus');
    const cache = tempDir();
    await index(corpus, cache);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(corpus, 'reddit', 'cmv-nuclear.json'), later, later);
    expect(summary((await index(corpus, cache)).err)).toMatch(/\(6 unchanged, 0 read\)/);
  });

  it('reads a Slack export again when a day is added, and forgets a deleted file', async () => {
    const corpus = copyFixture('corpus');
    const cache = tempDir();
    await index(corpus, cache);
    writeFileSync(
      join(corpus, 'slack', 'energy', '2024-03-07.json'),
      JSON.stringify([{ type: 'message', user: 'U0AAAAAA1', text: 'Interim storage sites are the practical answer.', ts: '1709802000.000100' }]),
    );
    rmSync(join(corpus, 'notes.md'));
    const r = await index(corpus, cache);
    expect(summary(r.err)).toMatch(/\(4 unchanged, 1 read\)/);
    expect(r.engine!.view.passages.map((p) => p.text)).toContain('Interim storage sites are the practical answer.');
    expect(r.engine!.view.passages.some((p) => p.file === 'notes.md')).toBe(false);
  });

  it('still reports what was skipped in unchanged files, and --full reads everything again', async () => {
    const corpus = copyFixture('malformed');
    const cache = tempDir();
    const first = await index(corpus, cache);
    const again = await index(corpus, cache);
    expect(again.code).toBe(3);
    const skipped = (e: string) => e.split('\n').filter((l) => l.startsWith('skipped: ')).sort();
    expect(skipped(again.err)).toEqual(skipped(first.err));
    expect(skipped(again.err)).toContain(`skipped: ${join(corpus, 'reddit-truncated.jsonl')}:2: not valid JSON; line skipped`);
    expect(summary((await index(corpus, cache, { full: true })).err)).not.toMatch(/unchanged/);
  });
});

describe('crux index --watch', () => {
  it('re-indexes when a file changes, until stopped', async () => {
    const corpus = copyFixture('corpus');
    const cache = tempDir();
    const stop = new AbortController();
    const builds: Engine[] = [];
    let next: (() => void) | null = null;
    const err: string[] = [];
    const running = runIndex({
      corpus: [corpus],
      cacheDir: cache,
      watch: true,
      signal: stop.signal,
      io: { out: () => {}, err: (s) => err.push(s) },
      onBuilt: (e) => {
        builds.push(e!);
        next?.();
      },
    });
    expect(builds).toHaveLength(1);
    const rebuilt = new Promise<void>((r) => (next = r));
    writeFileSync(join(corpus, 'more.md'), 'Dry cask storage needs no water and no power.\n');
    await rebuilt;
    stop.abort();
    expect(await running).toBe(0);
    expect(builds[1].ask('dry cask water').passages[0].text).toBe('Dry cask storage needs no water and no power.');
    expect(err).toContain('Corpus changed; re-indexing.');
    expect(err.some((l) => /\(\d+ unchanged, 1 read\)/.test(l))).toBe(true);
  });
});

describe('crux index PATH… on the command line', () => {
  it('indexes the paths given, prints the summary, and exits 0', () => {
    const cache = tempDir();
    const env: Record<string, string | undefined> = { ...process.env, CRUX_CACHE_DIR: cache, NO_COLOR: '1' };
    delete env.CRUX_CORPUS;
    const corpus = copyFixture('corpus');
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'crux.mjs'), 'index', join(corpus, 'slack'), join(corpus, 'reddit')], {
      cwd: REPO,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^Indexed 8 passages \(0 duplicates folded\) from 3 files in [\d,]+ ms → /m);
  });
});
