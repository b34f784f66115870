// `/crux-config capture …` and the backfill behind it, over a platform of our own: channels resolved, history paged
// within its limits, progress told to the admin, and a backfill cut short by a restart resumed where it stopped.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../../../src/service/store.ts';
import { getSettings } from '../../../src/service/settings.ts';
import { silentLog } from '../../../src/service/log.ts';
import { fileCaptureLog, type CaptureLog } from '../../../src/service/capture/log.ts';
import { captureService, type CaptureService } from '../../../src/service/capture/service.ts';
import { HistoryError, platformCapture, type CaptureSource, type PlatformCapture } from '../../../src/service/capture/control.ts';
import type { CapturedMessage } from '../../../src/service/capture/message.ts';
import { baseEngine, message, quoted, tempDir, testCorpora, until } from './helpers.ts';

const DAY = 86_400_000;
const running: Array<{ capture: PlatformCapture; service: CaptureService }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.capture.stop();
    await r.service.close();
  }
});

/** A platform with channels #debates (C1) and #secret (C2, whose history is refused), history in pages of `page`. */
function platform(history: CapturedMessage[], o: { page?: number; onPage?: () => Promise<void> } = {}): CaptureSource & { pages: number } {
  const page = o.page ?? 2;
  const src = {
    platform: 'discord' as const,
    pages: 0,
    unavailable: () => null,
    mention: (id: string) => (id === 'C1' ? '#debates' : id === 'C2' ? '#secret' : id),
    serves: () => true,
    async resolve(_c: string, words: string[]) {
      const known: Record<string, string> = { '#debates': 'C1', '#secret': 'C2' };
      return {
        found: words.filter((w) => known[w]).map((w) => ({ id: known[w], name: w.slice(1) })),
        unknown: words.filter((w) => !known[w]).map((word) => ({ word, why: 'no such channel in this server' })),
      };
    },
    async history(_c: string, channel: string, cursor: string | null, since: number) {
      if (channel === 'C2') throw new HistoryError('Crux may not read that channel');
      src.pages++;
      await o.onPage?.();
      const from = Number(cursor ?? 0);
      const all = history.filter((m) => m.channel === channel && Date.parse(m.at) >= since);
      return { messages: all.slice(from, from + page), next: from + page < all.length ? String(from + page) : null };
    },
  };
  return src;
}

async function started(o: { source: CaptureSource; log?: CaptureLog; store?: Store; messages?: number }) {
  const store = o.store ?? memoryStore();
  const service = captureService({ log: o.log ?? fileCaptureLog(join(tempDir(), 'capture.log')), store, corpora: testCorpora(), logger: silentLog(), settingsTtlMs: 0 });
  await service.start();
  const capture = platformCapture(service, o.source, { store, log: silentLog(), backfillMessages: o.messages, reportEveryMs: 0 });
  running.push({ capture, service });
  return { capture, service, store, control: capture.control('G1') };
}

const days = (n: number) => new Date(Date.now() - n * DAY).toISOString();

describe('capture VALUE', () => {
  it('turns channels on, fetches their last 30 days page by page, and tells the admin how it went', async () => {
    const history = [1, 2, 3, 4, 5].map((i) => message({ text: `Hyperstition, message ${i}.`, at: days(i) })).concat(message({ text: 'Hyperstition long ago.', at: days(45) }));
    const src = platform(history);
    const { control, service } = await started({ source: src });
    const reports: Array<{ text: string; final: boolean }> = [];
    const said = await control.configure('#debates', { engine: baseEngine(), userId: 'UADMIN', report: (text, final) => void reports.push({ text, final }) });
    expect(said).toMatch(/^Capturing #debates: new messages there become searchable within seconds\.\nFetching the history of #debates \(the last 30 days, up to 10,000 messages each\)/);
    await until(() => reports.some((r) => r.final), 'the final report');
    expect(reports.at(-1)!.text).toBe('#debates: history fetched, 5 messages (the last 30 days, up to 10,000).');
    expect(src.pages).toBe(3);
    expect(quoted(service.engineFor('discord', 'G1', baseEngine()), 'hyperstition')).toHaveLength(5);
  });

  it('stops at the most messages wanted', async () => {
    const history = [1, 2, 3, 4, 5].map((i) => message({ text: `Quokka ${i}.`, at: days(i) }));
    const { control, service } = await started({ source: platform(history), messages: 3 });
    const reports: string[] = [];
    await control.configure('#debates', { engine: baseEngine(), report: (t, final) => void (final && reports.push(t)) });
    await until(() => reports.length > 0, 'the final report');
    expect(service.state.count('discord:G1')).toBe(3);
  });

  it('names what it cannot capture and changes nothing', async () => {
    const { control, store } = await started({ source: platform([]) });
    await expect(control.configure('#debates #nowhere', { engine: baseEngine() })).rejects.toThrow('"#nowhere": no such channel in this server. Nothing was changed.');
    expect((await getSettings(store, 'discord', 'G1')).capture).toBeNull();
  });

  it('says why a history was refused, keeps capturing new messages there, and shows it in the settings', async () => {
    const { control, service } = await started({ source: platform([]) });
    const reports: string[] = [];
    await control.configure('#secret', { engine: baseEngine(), report: (t, final) => void (final && reports.push(t)) });
    await until(() => reports.length > 0, 'the final report');
    expect(reports[0]).toBe('#secret: history not fetched (Crux may not read that channel). New messages are still captured.');
    expect(await service.message('discord', 'G1', message({ channel: 'C2', text: 'Live in secret.' }))).toBe('captured');
    expect(control.describe(['C2'])).toBe('#secret (1 messages, history not fetched: Crux may not read that channel)');
  });

  it('resumes a backfill cut short by a restart from the page it reached', async () => {
    const dir = tempDir();
    const file = join(dir, 'capture.log');
    const store = memoryStore();
    const history = [1, 2, 3, 4, 5, 6].map((i) => message({ text: `Instrumental convergence ${i}.`, at: days(i) }));
    let gate = () => {};
    let pagesBefore = 0;
    const first = platform(history, { onPage: () => (++pagesBefore === 2 ? new Promise<void>((r) => (gate = r)) : Promise.resolve()) });
    const a = await started({ source: first, log: fileCaptureLog(file), store });
    await a.control.configure('#debates', { engine: baseEngine() });
    await until(() => pagesBefore === 2, 'the second page to be asked for');
    // The process stops while the second page is on its way.
    running.splice(0);
    await a.service.close();
    expect(a.service.backfill('discord', 'G1', 'C1')).toMatchObject({ fetched: 2, cursor: '2', done: false });
    gate();

    const second = platform(history);
    const b = await started({ source: second, log: fileCaptureLog(file), store });
    expect(b.service.state.count('discord:G1')).toBe(2);
    b.capture.resume();
    await until(() => b.service.backfill('discord', 'G1', 'C1')?.done === true, 'the resumed backfill to finish');
    expect(second.pages).toBe(2);
    expect(b.service.state.count('discord:G1')).toBe(6);
    await a.capture.stop();
  });

  it('off keeps what was captured, purge removes it', async () => {
    const { control, service } = await started({ source: platform([]) });
    await control.configure('#debates', { engine: baseEngine() });
    await service.message('discord', 'G1', message({ text: 'Kept after off.' }));
    expect(await control.configure('off', { engine: baseEngine() })).toBe('Capture is off for #debates. What was captured stays searchable; `capture purge` removes it.');
    expect(await service.message('discord', 'G1', message({ text: 'After off.' }))).toBe('off');
    await control.configure('#debates', { engine: baseEngine() });
    expect(await control.configure('default', { engine: baseEngine() })).toMatch(/^Capture is off for #debates\./);
    expect(control.describe(null)).toBe('off (default); kept from before: #debates (1)');
    expect(await control.configure('purge', { engine: baseEngine() })).toBe('Capture is off for #debates, and the 1 messages captured there were removed.');
    expect(service.state.count('discord:G1')).toBe(0);
  });
});
