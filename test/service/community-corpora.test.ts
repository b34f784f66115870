// Each community chooses which named corpora /crux searches (/crux-config corpora): settings → engine choice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import cruxConfig from '../../commands/crux-config.ts';
import crux from '../../commands/crux.ts';
import type { CommandContext } from '../../commands/types.ts';
import { readCorpora } from '../../src/corpus/corpora.ts';
import { openEngine, type Engine, type OpenOptions, type ServedEngine } from '../../src/core/engine.ts';
import { engineChooser, engineForCommunity } from '../../src/service/engines.ts';
import { liveEngine } from '../../src/service/hotswap.ts';
import { createLogger, memorySink } from '../../src/service/log.ts';
import { getSettings, setSetting } from '../../src/service/settings.ts';
import { memoryStore } from '../../src/service/store.ts';

const root = mkdtempSync(join(tmpdir(), 'crux-community-corpora-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GARDEN = 'Compost needs air: turn the heap every week so the middle does not go sour.';
const FORUM = 'Turning the compost heap weekly is overrated; a covered heap left alone rots fine.';
const LOCAL = 'Our allotment compost heap is shared, and everyone turns it on Saturdays.';
function write(dir: string, file: string, text: string): string {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, file), `# ${dir}\n\n${text}\n`);
  return join(root, dir);
}
const local = write('local', 'allotment.md', LOCAL);
write('garden', 'notes.md', GARDEN);
write('forum', 'thread.md', FORUM);
const corporaFile = join(root, 'corpora.json');
writeFileSync(corporaFile, JSON.stringify({ corpora: { garden: { paths: ['garden'] }, forum: { paths: ['forum'] } } }));
const cacheDir = join(root, 'cache');

const base = openEngine({ corpus: local, cacheDir });
const opens: OpenOptions[] = [];
const chooser = engineChooser({
  base: () => base,
  corpora: readCorpora(corporaFile),
  defaultPaths: [local],
  cacheDir,
  open: (o) => (opens.push(o), openEngine(o)),
});
// Opened in this thread here, so answers come back at once.
const texts = (e: ServedEngine, q = 'compost heap') => (e as Engine).ask(q).passages.map((p) => p.text);

describe('engines for named corpora', () => {
  test('a community without a choice, or with "default", searches the process corpus', () => {
    expect(engineForCommunity(base, chooser, { corpora: null })).toBe(base);
    expect(chooser.engineFor(['default'])).toBe(base);
    expect(texts(base)).toEqual([LOCAL]);
  });

  test('named corpora are searched together, opened once per set of names whatever their order', () => {
    const both = chooser.engineFor(['garden', 'forum']);
    expect(texts(both).sort()).toEqual([FORUM, GARDEN].sort());
    expect(chooser.engineFor(['FORUM', 'garden'])).toBe(both);
    expect(opens.filter((o) => (o.corpus as string[]).length === 2)).toHaveLength(1);
  });

  test('"default" next to a named corpus adds the process corpus', () => {
    expect(texts(chooser.engineFor(['default', 'forum'])).sort()).toEqual([FORUM, LOCAL].sort());
  });

  test('the names offered are "default" and those of the corpora file', () => {
    expect(chooser.names()).toEqual(['default', 'garden', 'forum']);
  });

  test('after a reload, a named corpus answers from its files as they are now', async () => {
    const dir = mkdtempSync(join(root, 'reload-'));
    mkdirSync(join(dir, 'shed'));
    writeFileSync(join(dir, 'shed', 'notes.md'), `# shed\n\n${GARDEN}\n`);
    writeFileSync(join(dir, 'corpora.json'), JSON.stringify({ corpora: { shed: { paths: ['shed'] } } }));
    const own = engineChooser({ base: () => live.current(), corpora: readCorpora(join(dir, 'corpora.json')), cacheDir: join(dir, 'cache') });
    const live = liveEngine(base, { corpus: local, cacheDir, log: createLogger({ sink: memorySink() }), buildInChild: false, onSwap: () => own.forget() });
    expect(texts(own.engineFor(['shed']))).toEqual([GARDEN]);
    const NEWER = 'The compost heap in the shed corner now gets turned twice a week.';
    writeFileSync(join(dir, 'shed', 'notes.md'), `# shed\n\n${NEWER}\n`);
    expect(texts(own.engineFor(['shed']))).toEqual([GARDEN]); // kept until a reload
    expect(await live.reload('test')).toMatchObject({ ok: true });
    expect(texts(own.engineFor(['shed']))).toEqual([NEWER]);
    live.close();
  });
});

describe('watching named corpora (CRUX_WATCH_CORPUS)', () => {
  /** A corpora file with the corpora "shed", holding `text`, and "garden"; a chooser over it that has opened `names`. */
  function shed(text: string, names = ['shed', 'garden']) {
    const dir = mkdtempSync(join(root, 'watch-'));
    mkdirSync(join(dir, 'shed'));
    writeFileSync(join(dir, 'shed', 'notes.md'), `# shed\n\n${text}\n`);
    writeFileSync(join(dir, 'corpora.json'), JSON.stringify({ corpora: { shed: { paths: ['shed'] }, garden: { paths: [join(root, 'garden')] } } }));
    const own = engineChooser({ base: () => base, corpora: readCorpora(join(dir, 'corpora.json')), cacheDir: join(dir, 'cache') });
    const sink = memorySink();
    const before = own.engineFor(names);
    const stop = own.watch({ log: createLogger({ sink }), debounceMs: 100 });
    return { dir, own, sink, before, stop };
  }
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test('a change to the files of a named corpus is rebuilt and answered from, without a reload of the default corpus', async () => {
    const { dir, own, sink, before, stop } = shed(GARDEN.replace('week', 'fortnight'));
    const NEWER = 'The compost heap in the shed corner now gets turned twice a week.';
    writeFileSync(join(dir, 'shed', 'notes.md'), `# shed\n\n${NEWER}\n`);
    await until(() => own.engineFor(['garden', 'shed']) !== before);
    stop();
    expect(texts(own.engineFor(['garden', 'shed'])).sort()).toEqual([GARDEN, NEWER].sort());
    expect(sink.records().map((r) => String(r.msg))).toContain('Corpora garden,shed will be opened again on their next use (files of shed changed).');
  });

  test('a rebuild that fails keeps answering from the engine already open, and says why', async () => {
    const { dir, own, sink, before, stop } = shed(GARDEN, ['shed']);
    writeFileSync(join(dir, 'shed', 'notes.md'), '');
    await until(() => sink.records().some((r) => r.level === 'error'));
    stop();
    expect(sink.records().find((r) => r.level === 'error')?.msg).toMatch(/^The new index of corpora shed could not be built; still answering from the previous one\. \S/);
    expect(own.engineFor(['shed'])).toBe(before);
    expect(texts(before)).toEqual([GARDEN]);
  });
});

describe('/crux-config corpora, then /crux', () => {
  const store = memoryStore();
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
    engine: base,
    engines: chooser,
    platform: 'discord',
    communityId: 'guild-1',
    userId: 'admin',
    store,
    canConfigure: true,
    ...over,
  });

  test('a community that chose "garden" gets answers from the garden corpus only; another community is unchanged', async () => {
    const saved = await cruxConfig.run(ctx(), { setting: 'corpora', value: 'garden' });
    expect(saved).toMatchObject({ kind: 'notice' });
    expect((saved as { text: string }).text).toContain('• corpora: garden');
    const settings = await getSettings(store, 'discord', 'guild-1');
    expect(settings.corpora).toEqual(['garden']);
    const mine = await crux.run(ctx({ settings }), { topic: 'compost heap' });
    expect(mine.kind === 'answer' && mine.answer.passages.map((p) => p.text)).toEqual([GARDEN]);
    const other = await crux.run(ctx({ communityId: 'guild-2', settings: await getSettings(store, 'discord', 'guild-2') }), { topic: 'compost heap' });
    expect(other.kind === 'answer' && other.answer.passages.map((p) => p.text)).toEqual([LOCAL]);
  });

  test('an unknown corpus name is refused, naming those there are', async () => {
    const r = await cruxConfig.run(ctx(), { setting: 'corpora', value: 'garden, nope' });
    expect(r).toEqual({
      kind: 'error',
      code: 'BAD_OPTION',
      message: 'No corpus named "nope". Corpora: default, garden, forum.',
      visibility: 'ephemeral',
    });
  });

  test('"default" puts the community back on the process corpus', async () => {
    const s = await setSetting(store, base, { platform: 'discord', communityId: 'guild-1' }, 'corpora', 'default', chooser.names());
    expect(s.corpora).toBeNull();
    expect(engineForCommunity(base, chooser, s)).toBe(base);
  });

  test('an install without a corpora file accepts only "default"', async () => {
    await expect(setSetting(store, base, { platform: 'slack', communityId: 'T1' }, 'corpora', 'garden')).rejects.toThrow(
      'No corpus named "garden". This install has no named corpora (data/corpora.json, or CRUX_CORPORA).',
    );
  });
});
