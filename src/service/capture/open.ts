// Opens live capture beside the store a running Crux uses: its log where the store keeps state (a file beside the
// embedded store, the same Redis), then replays it, so captured messages are searchable before any platform connects.
import { dirname, join } from 'node:path';
import type { Store } from '../store.ts';
import { fileCaptureLog, memoryCaptureLog, type CaptureLog } from './log.ts';
import { redisCaptureLog } from './redis-log.ts';
import { captureService, type CaptureService } from './service.ts';
import { incrementalCorpora } from './searchable.ts';
import { liveUpdates, type LiveUpdates } from '../updates.ts';

type Log = { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };

const CONNECT_MS = 3_000;

/** Where the capture log of a store lives: `capture.log` beside the embedded store's file. */
export function captureLogPath(storeFile: string): string {
  return join(dirname(storeFile), 'capture.log');
}

/** The capture service for this store, replayed; null (logged) when its log cannot be opened. */
export async function openCapture(
  store: Store,
  o: { storeUrl: string | null; prefix?: string | null; log: Log; /** Where captured messages are indexed (serve's, reaching every engine). */ updates?: LiveUpdates },
): Promise<CaptureService | null> {
  const st = store.status?.();
  let log: CaptureLog;
  try {
    if (st?.backend === 'redis' && o.storeUrl) {
      log = await Promise.race([
        redisCaptureLog(o.storeUrl, { prefix: o.prefix ?? undefined, warn: (m) => o.log.warn(m) }),
        new Promise<never>((_, no) => setTimeout(() => no(new Error(`no answer within ${CONNECT_MS / 1000} s`)), CONNECT_MS).unref()),
      ]);
    } else if (st?.backend === 'file' && st.location) log = fileCaptureLog(captureLogPath(st.location), { warn: (m) => o.log.warn(m) });
    else log = memoryCaptureLog();
  } catch (e) {
    o.log.error(`Live capture is off: its log could not be opened (${(e as Error).message}).`);
    return null;
  }
  const service = captureService({ log, store, corpora: incrementalCorpora(o.updates ?? liveUpdates()), logger: o.log });
  await service.start();
  return service;
}
