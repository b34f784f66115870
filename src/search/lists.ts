// Growing lists of numbers in typed arrays: a build at a million passages keeps numbers per passage, and arrays of
// JS numbers or of small arrays cost several times the bytes.

export class U32List {
  private a: Uint32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.a = new Uint32Array(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }

  get(i: number): number {
    return this.a[i];
  }

  set(i: number, v: number): void {
    this.a[i] = v;
  }

  /** The numbers so far, as an array of their own. */
  toArray(): Uint32Array {
    return this.a.slice(0, this.length);
  }
}

/** A list of numbers indexed by position, growing to whatever index is set (unset entries read as `fill`). */
export class U32Map {
  private a: Uint32Array;

  constructor(private readonly fill = 0) {
    this.a = new Uint32Array(1024).fill(fill);
  }

  get(i: number): number {
    return i < this.a.length ? this.a[i] : this.fill;
  }

  set(i: number, v: number): void {
    if (i >= this.a.length) {
      let size = this.a.length * 2;
      while (size <= i) size *= 2;
      const b = new Uint32Array(size).fill(this.fill);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = v;
  }
}
