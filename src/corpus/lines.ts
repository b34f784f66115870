// A large text file read a chunk of lines at a time (the streaming indexer's JSON Lines), decoded as readText decodes
// a whole file: UTF-8, a leading byte-order mark dropped, invalid bytes as U+FFFD with their lines named.
import { closeSync, openSync, readSync } from 'node:fs';
import { badUtf8Lines } from './decode.ts';

/** Bytes read at a time; a line longer than this is read whole all the same. */
const CHUNK = 8 << 20;

// The file's first chunk is decoded as readText decodes a file (the decoder drops a leading byte-order mark); later
// chunks keep one, as a whole-file decode keeps one that starts a line.
const strict = [new TextDecoder('utf-8', { fatal: true }), new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })];
const lenient = [new TextDecoder('utf-8'), new TextDecoder('utf-8', { ignoreBOM: true })];

/** Why a file is not read in chunks: not found, binary, or UTF-16 (read whole, as before). */
export type NotStreamed = { error: string } | { utf16: true };

/**
 * Calls `onLines` with each chunk's lines (split as text.split(/\r?\n/) splits the whole file) and the number of the
 * first; returns the lines that held invalid UTF-8, or why the file was not read.
 */
export function eachLines(path: string, onLines: (lines: string[], first: number) => void, chunk = CHUNK): { badLines: number[] } | NotStreamed {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { error: `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    let buf = Buffer.allocUnsafe(chunk);
    let held = 0;
    let eof = false;
    let first = true;
    let line = 1;
    const badLines: number[] = [];
    while (!eof || held > 0) {
      if (!eof) {
        if (held === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
        const n = readSync(fd, buf, held, buf.length - held, null);
        if (n === 0) eof = true;
        held += n;
      }
      if (first) {
        if (held >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) return { utf16: true };
        if (buf.subarray(0, Math.min(held, 8192)).includes(0)) return { error: 'binary file (contains NUL bytes); skipped' };
      }
      const nl = buf.lastIndexOf(0x0a, held - 1);
      // Up to the last newline; at the end of the file, everything left (the last line).
      const end = eof ? held : nl;
      if (end < 0) continue;
      // With its newline, so a line ending in \r\n loses both, as in a split of the whole text.
      const bytes = buf.subarray(0, eof ? held : end + 1);
      let text: string;
      try {
        text = strict[first ? 0 : 1].decode(bytes);
      } catch {
        text = lenient[first ? 0 : 1].decode(bytes);
        for (const l of badUtf8Lines(bytes)) badLines.push(line + l - 1);
      }
      if (first) text = text.replace(/^\uFEFF/, '');
      first = false;
      const lines = text.split(/\r?\n/);
      if (!eof) lines.pop();
      onLines(lines, line);
      line += lines.length;
      const rest = eof ? 0 : held - end - 1;
      buf.copy(buf, 0, end + 1, held);
      held = rest;
      if (eof) break;
    }
    return { badLines };
  } finally {
    closeSync(fd);
  }
}
