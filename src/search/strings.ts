// Lists of strings kept as one UTF-8 byte blob with end offsets: loaded from a saved index without parsing, and a
// string is decoded only when it is asked for. A million JS strings took seconds to parse and hundreds of MB.

export class Strings {
  /** String i is bytes[ends[i - 1] (0 for the first) .. ends[i]). */
  constructor(
    readonly bytes: Uint8Array,
    readonly ends: Uint32Array,
  ) {}

  get length(): number {
    return this.ends.length;
  }

  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1];
  }

  get(i: number): string {
    return decode(this.bytes, this.start(i), this.ends[i]);
  }

  /** Every string, in order (for small lists and tests). */
  all(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /** Packs strings (JS strings must be well formed: a lone surrogate has no UTF-8 form). */
  static of(list: readonly string[]): Strings {
    let size = 0;
    for (const s of list) size += Buffer.byteLength(s);
    const bytes = Buffer.allocUnsafe(size);
    const ends = new Uint32Array(list.length);
    let at = 0;
    list.forEach((s, i) => {
      at += bytes.write(s, at);
      ends[i] = at;
    });
    return new Strings(bytes, ends);
  }
}

const decoder = new TextDecoder();

/** ASCII is decoded in JS (short strings: cheaper than a call into the decoder); anything else by TextDecoder. */
export function decode(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** Orders strings by code point, which is the order of their UTF-8 bytes. */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (U+10000 and up) below U+E000-U+FFFF: move them above, as code points are.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts strings by code point (the default sort, unless a string holds a surrogate pair, whose order differs). */
export function sortByCodePoint(list: string[]): string[] {
  return list.some((s) => /[\uD800-\uDFFF]/.test(s)) ? list.sort(byCodePoint) : list.sort();
}

/** Strings sorted by their UTF-8 bytes, found by binary search. */
export class SortedStrings extends Strings {
  /** Index of `s`, or -1. */
  find(s: string): number {
    const key = Buffer.from(s);
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compareAt(mid, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The first index after `from` whose string does not start with the UTF-8 bytes `prefix`. */
  prefixEnd(prefix: Uint8Array, from: number): number {
    let lo = from;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.startsWith(mid, prefix) || this.compareAt(mid, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  startsWith(i: number, prefix: Uint8Array): boolean {
    const s = this.start(i);
    if (this.ends[i] - s < prefix.length) return false;
    for (let k = 0; k < prefix.length; k++) if (this.bytes[s + k] !== prefix[k]) return false;
    return true;
  }

  /** String i compared with the bytes of `key`: negative when it sorts before. */
  compareAt(i: number, key: Uint8Array): number {
    const s = this.start(i);
    const n = this.ends[i] - s;
    const m = Math.min(n, key.length);
    const b = this.bytes;
    for (let k = 0; k < m; k++) {
      const d = b[s + k] - key[k];
      if (d !== 0) return d;
    }
    return n - key.length;
  }

  static sorted(list: string[]): SortedStrings {
    const packed = Strings.of(sortByCodePoint(list));
    return new SortedStrings(packed.bytes, packed.ends);
  }
}
