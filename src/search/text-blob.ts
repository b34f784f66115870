// Passage texts as one UTF-8 blob, written a text at a time: kept in memory, or (for a streaming build) written to a
// file as it fills, so a million texts are never held at once. Any range written can be read back.
import { readSync, writeSync } from 'node:fs';
import { decode } from './strings.ts';

const CHUNK = 4 << 20;

export class TextBlob {
  /** Bytes written so far. */
  size = 0;
  /** Bytes before `buf` (in `chunks` or in the file). */
  private base = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private readonly chunks: Buffer[] = [];
  private scratch = Buffer.alloc(0);

  /** `fd`: a file open for reading and writing that the blob is written to (from its start); none: kept in memory. */
  constructor(private readonly fd: number | null = null) {}

  /** Appends a text (well formed: a lone surrogate has no UTF-8 form). */
  write(s: string): void {
    if (this.buf.length - this.used < s.length * 3) {
      this.spill();
      if (this.buf.length < s.length * 3) this.buf = Buffer.allocUnsafe(s.length * 3);
    }
    const n = this.buf.write(s, this.used);
    this.used += n;
    this.size += n;
  }

  /** Moves what the buffer holds to the chunks or the file. */
  private spill(): void {
    if (!this.used) return;
    const full = this.buf.subarray(0, this.used);
    if (this.fd === null) this.chunks.push(Buffer.from(full));
    else for (let at = 0; at < full.length; ) at += writeSync(this.fd, full, at, full.length - at, this.base + at);
    this.base += this.used;
    this.used = 0;
  }

  /** The text of bytes start..end. */
  read(start: number, end: number): string {
    if (start >= this.base) return decode(this.buf, start - this.base, end - this.base);
    if (this.fd === null || end > this.base) return decode(this.bytes(start, end), 0, end - start);
    if (this.scratch.length < end - start) this.scratch = Buffer.allocUnsafe(Math.max(end - start, 4096));
    for (let got = 0; got < end - start; ) got += readSync(this.fd, this.scratch, got, end - start - got, start + got);
    return decode(this.scratch, 0, end - start);
  }

  /** Bytes start..end, wherever they lie (a copy). */
  private bytes(start: number, end: number): Buffer {
    const out = Buffer.allocUnsafe(end - start);
    if (this.fd !== null) {
      const fromFile = Math.min(end, this.base) - start;
      for (let got = 0; got < fromFile; ) got += readSync(this.fd, out, got, fromFile - got, start + got);
      if (end > this.base) this.buf.copy(out, fromFile, 0, end - this.base);
      return out;
    }
    let at = 0;
    let pos = 0;
    for (const c of [...this.chunks, this.buf.subarray(0, this.used)]) {
      const lo = Math.max(start, pos);
      const hi = Math.min(end, pos + c.length);
      if (lo < hi) at += c.copy(out, at, lo - pos, hi - pos);
      pos += c.length;
    }
    return out;
  }

  /** Ends writing: the whole blob in memory, or (written to a file) nothing, the file holding it all. */
  finish(): Uint8Array | null {
    this.spill();
    this.buf = Buffer.alloc(0);
    if (this.fd !== null) return null;
    const all = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return all;
  }
}
