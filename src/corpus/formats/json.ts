// JSON helpers the export readers share: parsing that survives a truncated file, line numbers of records, sniffing.
import type { ProblemSink } from '../types.ts';

/** The first few kilobytes of a text, for cheap content detection. */
export function head(text: string, n = 4096): string {
  return text.length > n ? text.slice(0, n) : text;
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Finds the line where each record starts, by looking for its id in the raw text. Records usually come in file
 * order, so each search starts where the last one ended (linear over the file), falling back to the start.
 */
export function lineFinder(text: string): (id: string, key?: string) => number {
  let from = 0;
  let fromLine = 1;
  const lineOf = (offset: number) => {
    if (offset < from) {
      from = 0;
      fromLine = 1;
    }
    for (let i = text.indexOf('\n', from); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      fromLine++;
      from = i + 1;
    }
    return fromLine;
  };
  return (id, key) => {
    const quoted = JSON.stringify(id);
    const needles = key ? [`"${key}": ${quoted}`, `"${key}":${quoted}`, quoted] : [quoted];
    for (const n of needles) {
      let at = text.indexOf(n, from);
      if (at < 0) at = text.indexOf(n);
      if (at >= 0) return lineOf(at);
    }
    return 1;
  };
}

/**
 * Parses JSON. A file cut off part-way (an interrupted download or export) is cut back to the last complete element
 * of its longest array (the records), closed, and parsed; the loss is reported with the line where the text breaks.
 * Returns undefined (after reporting) when nothing can be recovered.
 */
export function parseJson(text: string, problem: ProblemSink, what = 'records'): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const salvaged = salvage(text);
    if (salvaged) {
      // Point at the first record that was lost: the first thing after the last complete one.
      const lost = salvaged.cut + (/[^\s,]/.exec(text.slice(salvaged.cut))?.index ?? 0);
      problem({
        line: lineAt(text, lost),
        message: `JSON is cut off or broken from here on (${(e as Error).message}); read the complete ${what} before it`,
      });
      return salvaged.value;
    }
    const pos = /position (\d+)/.exec((e as Error).message);
    problem({ line: pos ? lineAt(text, Number(pos[1])) : undefined, message: `not valid JSON (${(e as Error).message}); skipped` });
    return undefined;
  }
}

/** Cuts a broken JSON text after the last complete element of its most populous array, and closes what is open. */
function salvage(text: string): { value: unknown; cut: number } | null {
  // Per array (keyed by where it opens): how many elements closed, where the last one ended, and what was open then.
  const arrays = new Map<number, { count: number; end: number; stack: string }>();
  const stack: number[] = []; // offsets of open containers
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      stack.push(i);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent !== undefined && text.charCodeAt(parent) === 91) {
        const a = arrays.get(parent) ?? { count: 0, end: 0, stack: '' };
        a.count++;
        a.end = i + 1;
        a.stack = stack.map((o) => (text.charCodeAt(o) === 123 ? '}' : ']')).reverse().join('');
        arrays.set(parent, a);
      }
    }
  }
  let best: { count: number; end: number; stack: string } | null = null;
  for (const a of arrays.values()) if (!best || a.count > best.count) best = a;
  if (!best) return null;
  try {
    return { value: JSON.parse(text.slice(0, best.end) + best.stack), cut: best.end };
  } catch {
    return null;
  }
}

/** A value as a non-empty string, or null. */
export function str(v: unknown): string | null {
  if (v == null) return null;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  return s && s.trim() ? s : null;
}

/** A value as a finite number, or null. */
export function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** A plain object, or null. */
export function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Seconds since the epoch (number or string, as Slack and Reddit give them) as an ISO date-time, or null. */
export function isoFromEpoch(v: unknown): string | null {
  const n = num(v);
  if (n === null) return null;
  const d = new Date(n * 1000);
  return isNaN(d.getTime()) ? null : d.toISOString().replace('.000Z', 'Z');
}

/** The year of an ISO-ish date string, or null. */
export function yearOf(date: string | null): number | null {
  const m = date ? /^(\d{4})/.exec(date) : null;
  return m ? Number(m[1]) : null;
}
