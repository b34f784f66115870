// The format readers Crux knows, in the order they are tried for content detection.
import type { FormatReader } from '../types.ts';
import { txtReader } from './txt.ts';
import { mdReader } from './md.ts';
import { jsonlReader } from './jsonl.ts';

export const readers: FormatReader[] = [txtReader, mdReader, jsonlReader];

/** The reader for a file: forced by name, else by content sniffing, else by file ending. */
export function readerFor(rel: string, sniff: () => import('../types.ts').FileInput, forced?: string): FormatReader | null {
  if (forced) return readers.find((r) => r.name === forced) ?? null;
  const ext = rel.toLowerCase().split('.').pop() ?? '';
  const detectors = readers.filter((r) => r.detect);
  if (detectors.length && (ext === 'json' || ext === 'zip')) {
    const file = sniff();
    const hit = detectors.find((r) => r.detect!(file));
    if (hit) return hit;
  }
  return readers.find((r) => r.extensions.includes(ext)) ?? null;
}
