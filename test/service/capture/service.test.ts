// Live capture's core: what becomes of each message, edit and deletion, what a community's answers then quote,
// and what survives a restart.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../../../src/service/store.ts';
import { setSetting } from '../../../src/service/settings.ts';
import { silentLog } from '../../../src/service/log.ts';
import { fileCaptureLog, memoryCaptureLog, type CaptureLog } from '../../../src/service/capture/log.ts';
import { captureService, type CaptureService } from '../../../src/service/capture/service.ts';
import { incrementalCorpora } from '../../../src/service/capture/searchable.ts';
import { liveUpdates } from '../../../src/service/updates.ts';
import { MAX_MESSAGE_CHARS } from '../../../src/service/capture/message.ts';
import type { Engine } from '../../../src/core/engine.ts';
import { baseEngine, message, quoted, tempDir } from './helpers.ts';

const open: CaptureService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function started(o: { log?: CaptureLog; store?: Store; compactDelayMs?: number } = {}): Promise<{ capture: CaptureService; store: Store; base: Engine }> {
  const store = o.store ?? memoryStore();
  const capture = captureService({ log: o.log ?? memoryCaptureLog(), store, corpora: incrementalCorpora(liveUpdates()), logger: silentLog(), compactDelayMs: o.compactDelayMs });
  await capture.start();
  open.push(capture);
  return { capture, store, base: baseEngine() };
}

async function captureOn(store: Store, base: Engine, community: string, channels: string): Promise<void> {
  await setSetting(store, base, { platform: 'discord', communityId: community }, 'capture', channels);
}

describe('a captured message', () => {
  it('is quoted in its community’s answers next to the corpus the community chose', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    const m = message({ text: 'Hyperstition is a fiction that makes itself real.' });
    expect(await capture.message('discord', 'G1', m)).toBe('captured');
    const engine = capture.engineFor('discord', 'G1', base);
    const hit = engine.ask('hyperstition').passages[0];
    expect(hit.text).toBe('Hyperstition is a fiction that makes itself real.');
    expect(hit.source).toMatchObject({ author: 'Alice', title: '#debates', url: m.url, site: 'Discord' });
    expect(quoted(engine, 'compost')).toEqual(['Compost makes the soil rich and dark.']);
  });

  it('is left out when its channel is not captured', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    expect(await capture.message('discord', 'G1', message({ channel: 'C2', text: 'Hyperstition elsewhere.' }))).toBe('off');
    expect(quoted(capture.engineFor('discord', 'G1', base), 'hyperstition')).toEqual([]);
  });

  it('is replaced by its edit, and an older version arriving late changes nothing', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    const m = message({ text: 'Sycophancy is a training artefact.' });
    await capture.message('discord', 'G1', m);
    expect(await capture.message('discord', 'G1', { ...m, text: 'Sycophancy is a reward artefact.', version: m.version + 1000 })).toBe('captured');
    expect(await capture.message('discord', 'G1', m)).toBe('stale');
    const engine = capture.engineFor('discord', 'G1', base);
    expect(quoted(engine, 'sycophancy')).toEqual(['Sycophancy is a reward artefact.']);
    expect(quoted(engine, 'training')).toEqual([]);
  });

  it('is gone after its deletion, and an edit or backfill page arriving afterwards does not bring it back', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    const m = message({ text: 'Agency by default is the crux.' });
    await capture.message('discord', 'G1', m);
    expect(await capture.deleted('discord', 'G1', [m.id], 'C1')).toEqual(['removed']);
    expect(await capture.message('discord', 'G1', { ...m, version: m.version + 5 })).toBe('deleted');
    expect(await capture.message('discord', 'G1', m)).toBe('deleted');
    expect(quoted(capture.engineFor('discord', 'G1', base), 'agency')).toEqual([]);
  });

  it('deleted before it arrived (events out of order) stays out', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    const m = message({ text: 'Out of order.' });
    expect(await capture.deleted('discord', 'G1', [m.id], 'C1')).toEqual(['removed']);
    expect(await capture.message('discord', 'G1', m)).toBe('deleted');
  });

  it('deletion of a message never seen, in a channel not captured, is "unknown" and remembered nowhere', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    expect(await capture.deleted('discord', 'G1', ['1', '2'], 'C9')).toEqual(['unknown', 'unknown']);
    expect(await capture.deleted('discord', 'G1', ['3'], null)).toEqual(['unknown']);
    expect(capture.state.of('discord:G1').deleted.size).toBe(0);
  });

  it('without text (embeds or attachments only) is "empty"; an edit that empties a captured message removes it', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    expect(await capture.message('discord', 'G1', message({ text: '   ' }))).toBe('empty');
    const m = message({ text: 'Mesa optimisers are the worry.' });
    await capture.message('discord', 'G1', m);
    expect(await capture.message('discord', 'G1', { ...m, text: '', version: m.version + 1 })).toBe('empty');
    expect(quoted(capture.engineFor('discord', 'G1', base), 'optimisers')).toEqual([]);
  });

  it(`over ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters keeps its first ones, cut at a space, and is quoted verbatim`, async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    const huge = `Quokka ${'word '.repeat(20_000)}`;
    expect(await capture.message('discord', 'G1', message({ text: huge }))).toBe('captured');
    const kept = [...capture.state.of('discord:G1').messages.values()][0].text;
    expect(kept.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(huge.startsWith(kept)).toBe(true);
    expect(kept.endsWith('word')).toBe(true);
    const hit = capture.engineFor('discord', 'G1', base).ask('quokka').passages[0];
    expect(kept).toContain(hit.text.replace(/^…|…$/g, ''));
  });
});

describe('communities', () => {
  it('never see each other’s captured messages', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    await captureOn(store, base, 'G2', 'C1');
    await capture.message('discord', 'G1', message({ text: 'Orthogonality is ours, says the first server.' }));
    await capture.message('discord', 'G2', message({ text: 'Corrigibility is ours, says the second server.' }));
    const first = capture.engineFor('discord', 'G1', base);
    const second = capture.engineFor('discord', 'G2', base);
    expect(quoted(first, 'orthogonality')).toHaveLength(1);
    expect(quoted(first, 'corrigibility')).toEqual([]);
    expect(quoted(second, 'corrigibility')).toHaveLength(1);
    expect(quoted(second, 'orthogonality')).toEqual([]);
    expect(capture.engineFor('slack', 'G1', base)).toBe(base);
  });
});

describe('forget-me and purge', () => {
  it('forget-me removes the member’s messages, keeps their later ones out, and takes their text off the disk', async () => {
    const dir = tempDir();
    const file = join(dir, 'capture.log');
    const { capture, store, base } = await started({ log: fileCaptureLog(file) });
    await captureOn(store, base, 'G1', 'C1');
    await capture.message('discord', 'G1', message({ text: 'Bob thinks deceptive alignment is likely.', authorId: 'UBOB', author: 'Bob' }));
    await capture.message('discord', 'G1', message({ text: 'Alice thinks deceptive alignment is unlikely.' }));
    expect(await capture.forget('discord', 'G1', 'UBOB')).toBe(1);
    expect(await capture.message('discord', 'G1', message({ text: 'Bob again on deceptive alignment.', authorId: 'UBOB' }))).toBe('forgotten');
    expect(quoted(capture.engineFor('discord', 'G1', base), 'deceptive alignment')).toEqual(['Alice thinks deceptive alignment is unlikely.']);
    const disk = readFileSync(file, 'utf8');
    expect(disk).not.toContain('Bob thinks');
    expect(disk).toContain('Alice thinks');
  });

  it('forgets a member in one community only', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1');
    await captureOn(store, base, 'G2', 'C1');
    await capture.forget('discord', 'G1', 'UBOB');
    expect(await capture.message('discord', 'G2', message({ text: 'Bob in the other server.', authorId: 'UBOB' }))).toBe('captured');
  });

  it('purge removes what one channel gave and leaves the others', async () => {
    const { capture, store, base } = await started();
    await captureOn(store, base, 'G1', 'C1 C2');
    await capture.message('discord', 'G1', message({ channel: 'C1', text: 'Shard theory in the first channel.' }));
    await capture.message('discord', 'G1', message({ channel: 'C2', text: 'Shard theory in the second channel.' }));
    expect(await capture.purge('discord', 'G1', ['C1'])).toBe(1);
    expect(quoted(capture.engineFor('discord', 'G1', base), 'shard theory')).toEqual(['Shard theory in the second channel.']);
  });

  it('purge of a channel that gave nothing (a deleted channel never captured) writes nothing to the log', async () => {
    const log = memoryCaptureLog();
    const { capture, store, base } = await started({ log });
    await captureOn(store, base, 'G1', 'C1');
    await capture.message('discord', 'G1', message({ channel: 'C1', text: 'Shard theory in the first channel.' }));
    const entries = async () => {
      let n = 0;
      await log.replay(() => n++);
      return n;
    };
    const before = await entries();
    expect(await capture.purge('discord', 'G1', ['C9'])).toBe(0);
    expect(await entries()).toBe(before);
    expect(await capture.purge('discord', 'G1', ['C9', 'C1'])).toBe(1);
    expect(await entries()).toBe(0);
  });
});

describe('the capture log', () => {
  it('replays after a restart: the same messages are searchable, deletions stay deleted', async () => {
    const dir = tempDir();
    const file = join(dir, 'capture.log');
    const store = memoryStore();
    const first = await started({ log: fileCaptureLog(file), store });
    await captureOn(store, first.base, 'G1', 'C1');
    const kept = message({ text: 'Instrumental convergence survives restarts.' });
    const gone = message({ text: 'Instrumental convergence deleted before the restart.' });
    await first.capture.messages('discord', 'G1', [kept, gone]);
    await first.capture.deleted('discord', 'G1', [gone.id], 'C1');
    await first.capture.close();
    open.splice(open.indexOf(first.capture), 1);

    const second = await started({ log: fileCaptureLog(file), store });
    expect(quoted(second.capture.engineFor('discord', 'G1', second.base), 'instrumental convergence')).toEqual(['Instrumental convergence survives restarts.']);
    expect(await second.capture.message('discord', 'G1', gone)).toBe('deleted');
  });

  it('cuts off a line torn by a crash mid-write and keeps every line before it', async () => {
    const dir = tempDir();
    const file = join(dir, 'capture.log');
    const store = memoryStore();
    const first = await started({ log: fileCaptureLog(file), store });
    await captureOn(store, first.base, 'G1', 'C1');
    await first.capture.message('discord', 'G1', message({ text: 'Written before the crash.' }));
    await first.capture.close();
    open.splice(open.indexOf(first.capture), 1);
    appendFileSync(file, '{"op":"put","c":"discord:G1","m":{"id":"9","te');

    const warnings: string[] = [];
    const log = fileCaptureLog(file, { warn: (m) => warnings.push(m) });
    const second = await started({ log, store });
    expect(quoted(second.capture.engineFor('discord', 'G1', second.base), 'crash')).toEqual(['Written before the crash.']);
    expect(warnings.join(' ')).toMatch(/partly written line/);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });

  it('loses the old words of an edit and the text of a deletion soon after', async () => {
    const file = join(tempDir(), 'capture.log');
    const { capture, store, base } = await started({ log: fileCaptureLog(file), compactDelayMs: 20 });
    await captureOn(store, base, 'G1', 'C1');
    const edited = message({ text: 'My phone number is 555-0100.' });
    const deleted = message({ text: 'My address is 12 Privet Drive.' });
    await capture.messages('discord', 'G1', [edited, deleted]);
    await capture.message('discord', 'G1', { ...edited, text: 'Call me.', version: edited.version + 1 });
    await capture.deleted('discord', 'G1', [deleted.id], 'C1');
    const end = Date.now() + 5_000;
    while (/555-0100|Privet/.test(readFileSync(file, 'utf8')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(file, 'utf8')).not.toMatch(/555-0100|Privet/);
    expect(readFileSync(file, 'utf8')).toContain('Call me.');
  });

  it('keeps entries appended while it compacts', async () => {
    const dir = tempDir();
    const file = join(dir, 'capture.log');
    const log = fileCaptureLog(file);
    const e = (i: number) => ({ op: 'put' as const, c: 'discord:G1' as const, m: message({ id: String(i), text: `number ${i}` }) });
    await log.append([e(1), e(2)]);
    const compacting = log.compact(() => [e(1)], []);
    await log.append([e(3)]);
    await compacting;
    await log.append([e(4)]);
    const seen: string[] = [];
    await log.replay((x) => x.op === 'put' && seen.push(x.m.id));
    expect(seen).toEqual(['1', '3', '4']);
    await log.close();
  });
});
