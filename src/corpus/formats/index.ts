// The format readers Crux knows, in the order they are tried for content detection.
import type { FileInput, FormatReader } from '../types.ts';
import { txtReader } from './txt.ts';
import { mdReader } from './md.ts';
import { jsonlReader } from './jsonl.ts';
import { forumReader } from './forum.ts';
import { discordReader } from './discord.ts';
import { slackReader } from './slack.ts';
import { redditReader } from './reddit.ts';

/** Export readers first: they detect their files by content; the plain readers go by file ending. */
export const readers: FormatReader[] = [discordReader, forumReader, slackReader, redditReader, txtReader, mdReader, jsonlReader];

/** File endings whose content is sniffed: exports come as .json (or .jsonl, .zip) whatever their format. */
const SNIFFED = new Set(['json', 'jsonl', 'ndjson', 'zip']);

/** The reader for a file: forced by name, else by content sniffing, else by file ending. */
export function readerFor(rel: string, sniff: () => FileInput, forced?: string): FormatReader | null {
  if (forced) return readers.find((r) => r.name === forced) ?? null;
  const ext = rel.toLowerCase().split('.').pop() ?? '';
  if (SNIFFED.has(ext) && ext !== 'zip') {
    const file = sniff();
    const hit = readers.find((r) => r.detect?.(file));
    if (hit) return hit;
  }
  return readers.find((r) => r.extensions.includes(ext)) ?? null;
}

/** Names accepted by --format. */
export const formatNames = (): string[] => readers.map((r) => r.name);
