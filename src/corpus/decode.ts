// Bytes to text, leniently: UTF-8 (or UTF-16 with a byte-order mark); bytes that are not valid text become U+FFFD
// and their lines are named, so one bad byte costs a few characters, not the file.
import type { Problem } from './types.ts';

export interface Decoded {
  text: string;
  encoding: 'UTF-8' | 'UTF-16';
  /** Lines (1-based) that held invalid bytes, in order. */
  badLines: number[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Decodes a file's bytes; a leading byte-order mark is dropped. */
export function decodeText(bytes: Uint8Array): Decoded {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (utf16) {
    const text = new TextDecoder(utf16).decode(bytes).replace(/^\uFEFF/, '');
    return { text, encoding: 'UTF-16', badLines: text.includes('\uFFFD') ? badUtf16Lines(bytes, utf16 === 'utf-16le') : [] };
  }
  try {
    return { text: strictUtf8.decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8', badLines: [] };
  } catch {
    return { text: lenientUtf8.decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8', badLines: badUtf8Lines(bytes) };
  }
}

/** Lines whose bytes are not valid UTF-8. A newline byte is never part of a multi-byte character, so lines decode alone. */
export function badUtf8Lines(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let start = 0, line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      strictUtf8.decode(bytes.subarray(start, end));
    } catch {
      out.push(line);
    }
    start = end + 1;
  }
  return out;
}

/** Lines of UTF-16 (after the byte-order mark) holding an unpaired surrogate, or an odd byte at the end. */
function badUtf16Lines(bytes: Uint8Array, littleEndian: boolean): number[] {
  const out: number[] = [];
  const mark = (line: number) => {
    if (out[out.length - 1] !== line) out.push(line);
  };
  const unit = (i: number) => (littleEndian ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]);
  const end = bytes.length - (bytes.length % 2);
  let line = 1;
  for (let i = 2; i < end; i += 2) {
    const c = unit(i);
    if (c === 0x0a) line++;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 2 < end ? unit(i + 2) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) i += 2;
      else mark(line);
    } else if (c >= 0xdc00 && c <= 0xdfff) mark(line);
  }
  if (end < bytes.length) mark(line);
  return out;
}

/** At most this many bad lines are named one by one; the rest are counted in one more warning. */
const NAMED_LINES = 10;

/** Warnings for a decoded file's bad lines: each named by file and line, then a count of the rest. */
export function decodeWarnings(file: string, d: Decoded): Problem[] {
  const out: Problem[] = d.badLines
    .slice(0, NAMED_LINES)
    .map((line) => ({ file, line, message: `not valid ${d.encoding}: the bad bytes read as U+FFFD (\uFFFD), the rest of the line loads`, warning: true }));
  const more = d.badLines.length - NAMED_LINES;
  if (more > 0) {
    const hint = d.encoding === 'UTF-8' ? ' (a file saved as Latin-1 or Windows-1252? save it as UTF-8)' : '';
    out.push({ file, message: `not valid ${d.encoding} on ${more} more line${more === 1 ? '' : 's'}, read the same way${hint}`, warning: true });
  }
  return out;
}
