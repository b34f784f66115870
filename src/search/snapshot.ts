// Saves and loads the built index as one versioned, checksummed file; anything off is refused, never half-loaded.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Passage } from '../core/types.ts';
import type { Problem } from '../corpus/types.ts';
import { Bm25Index, type IndexData } from './bm25.ts';
import { decodePassages, encodePassages } from './passage-codec.ts';

/** Bump when the file layout, the tokenizer or the passage shape changes: older files are then rebuilt. */
export const FORMAT_VERSION = 10;
const MAGIC = 'CRUXIDX\n';

export interface Snapshot {
  fingerprint: string;
  builtAt: string;
  passages: Passage[];
  /** Index document i is passages[docPassage[i]]. */
  docPassage: Uint32Array;
  index: Bm25Index;
  problems: Problem[];
}

type Section = { name: string; kind: 'json' | 'u32' | 'u16' | 'bytes'; offset: number; length: number };

/** Writes the snapshot atomically (temp file, then rename), so a crash never leaves a half-written index. */
export function saveSnapshot(path: string, s: Snapshot): number {
  const d = s.index.data;
  const p = encodePassages(s.passages);
  const parts: Array<[string, Section['kind'], Buffer]> = [
    ['passageMeta', 'bytes', p.meta],
    ['passageText', 'bytes', p.text],
    ['passageColumns', 'u32', bytes(p.columns)],
    ['problems', 'json', Buffer.from(JSON.stringify(s.problems))],
    ['terms', 'json', Buffer.from(JSON.stringify(d.terms))],
    ['words', 'json', Buffer.from(JSON.stringify(d.words))],
    ['offsets', 'u32', bytes(d.offsets)],
    ['docs', 'u32', bytes(d.docs)],
    ['tfs', 'u16', bytes(d.tfs)],
    ['docLen', 'u16', bytes(d.docLen)],
    ['wordDf', 'u32', bytes(d.wordDf)],
    ['docPassage', 'u32', bytes(s.docPassage)],
  ];
  const sections: Section[] = [];
  let offset = 0;
  for (const [name, kind, buf] of parts) {
    sections.push({ name, kind, offset, length: buf.length });
    offset += buf.length;
  }
  const body = Buffer.concat(parts.map((p) => p[2]));
  const core: HeaderCore = { format: FORMAT_VERSION, fingerprint: s.fingerprint, builtAt: s.builtAt, size: body.length, sections };
  const header = Buffer.from(JSON.stringify({ ...core, crc32: checksum(core, body) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC), len, header, body]));
  renameSync(tmp, path);
  return MAGIC.length + 4 + header.length + body.length;
}

interface HeaderCore {
  format: number;
  fingerprint: string;
  builtAt: string;
  size: number;
  sections: Section[];
}

/**
 * The checksum covers the header as well as the body, so a damaged section table is caught like damaged data.
 * CRC-32 catches damage (not tampering: the index is rebuilt from files the same user can write) at several GB/s;
 * SHA-256 took a fifth of the load time at 100k passages.
 */
function checksum(h: HeaderCore, body: Buffer): number {
  const core = JSON.stringify({ format: h.format, fingerprint: h.fingerprint, builtAt: h.builtAt, size: h.size, sections: h.sections });
  return crc32(body, crc32(core));
}

function bytes(a: Uint32Array | Uint16Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export class SnapshotError extends Error {
  constructor(
    readonly reason: 'missing' | 'corrupt' | 'version' | 'stale',
    message: string,
  ) {
    super(message);
  }
}

/** Loads a snapshot, checking magic, version, fingerprint, length and checksum before using any of it. */
export function loadSnapshot(path: string, fingerprint: string): Snapshot {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    throw new SnapshotError('missing', 'no saved index');
  }
  if (file.length < MAGIC.length + 4 || file.subarray(0, MAGIC.length).toString() !== MAGIC) {
    throw new SnapshotError('corrupt', 'saved index is not a Crux index file');
  }
  const hlen = file.readUInt32LE(MAGIC.length);
  let header: HeaderCore & { crc32: number };
  try {
    header = JSON.parse(file.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen).toString());
  } catch {
    throw new SnapshotError('corrupt', 'saved index has an unreadable header');
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.sections)) {
    throw new SnapshotError('corrupt', 'saved index has an unreadable header');
  }
  if (header.format !== FORMAT_VERSION) {
    throw new SnapshotError('version', `saved index is format ${header.format}, this Crux reads format ${FORMAT_VERSION}`);
  }
  if (header.fingerprint !== fingerprint) throw new SnapshotError('stale', 'corpus changed since the index was built');
  const body = file.subarray(MAGIC.length + 4 + hlen);
  if (body.length !== header.size) throw new SnapshotError('corrupt', `saved index is truncated (${body.length} of ${header.size} bytes)`);
  if (checksum(header, body) !== header.crc32) {
    throw new SnapshotError('corrupt', 'saved index fails its checksum');
  }
  try {
    return decode(header, body, fingerprint);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError('corrupt', `saved index does not decode (${(e as Error).message})`);
  }
}

/** Turns the checked body into a snapshot, refusing sections that do not fit together. */
function decode(header: HeaderCore, body: Buffer, fingerprint: string): Snapshot {
  const get = (name: string) => {
    const s = header.sections.find((x) => x.name === name);
    if (!s) throw new SnapshotError('corrupt', `saved index lacks its ${name} section`);
    const raw = body.subarray(s.offset, s.offset + s.length);
    if (s.kind === 'json') return JSON.parse(raw.toString());
    if (s.kind === 'bytes') return raw;
    const copy = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    return s.kind === 'u32' ? new Uint32Array(copy) : new Uint16Array(copy);
  };
  const data: IndexData = {
    terms: get('terms'),
    words: get('words'),
    offsets: get('offsets'),
    docs: get('docs'),
    tfs: get('tfs'),
    docLen: get('docLen'),
    wordDf: get('wordDf'),
  };
  const passages: Passage[] = decodePassages({ meta: get('passageMeta'), text: get('passageText'), columns: get('passageColumns') });
  const docPassage: Uint32Array = get('docPassage');
  const fits =
    Array.isArray(passages) &&
    data.offsets.length === data.terms.length + 1 &&
    data.offsets[data.terms.length] === data.docs.length &&
    data.docs.length === data.tfs.length &&
    data.wordDf.length === data.words.length &&
    data.docLen.length === docPassage.length &&
    docPassage.every((i) => i < passages.length);
  if (!fits) throw new SnapshotError('corrupt', 'saved index sections do not fit together');
  return {
    fingerprint,
    builtAt: header.builtAt,
    passages,
    problems: get('problems'),
    docPassage,
    index: new Bm25Index(data),
  };
}
