// Filters typed inside a query, on every front end: author:NAME, since:DATE, until:DATE, source:NAME, min-score:N.
// Values with spaces go in quotes (author:"Theo Brandt"). Dates are YYYY, YYYY-MM or YYYY-MM-DD.
import type { Passage } from './types.ts';
import { UserError } from '../errors.ts';
import { fold, printable } from './text.ts';

export interface Filters {
  /** Passages by any of these authors (case-insensitive, part of the name is enough). */
  authors: string[];
  /** Earliest date, inclusive (YYYY-MM-DD). */
  since: string | null;
  /** Latest date, inclusive (YYYY-MM-DD; a month or year means its last day). */
  until: string | null;
  /** Passages from any of these sources (title, id, site or file; case-insensitive, part is enough). */
  sources: string[];
  /** Lowest score (karma, votes) a passage may have. */
  minScore: number | null;
}

export const noFilters = (): Filters => ({ authors: [], since: null, until: null, sources: [], minScore: null });

const FILTER = /(^|\s)(author|by|since|after|until|before|source|in|min-score|minscore):(?:"([^"]*)"|'([^']*)'|(\S+)|(?=\s|$))/gi;

/** Splits a query into its words and its filters. Throws UserError (BAD_FILTER) on a malformed date or number. */
export function parseFilters(query: string): { text: string; filters: Filters } {
  const filters = noFilters();
  const text = query.replace(FILTER, (_m, lead: string, key: string, dq?: string, sq?: string, bare?: string) => {
    const value = (dq ?? sq ?? bare ?? '').trim();
    const k = key.toLowerCase();
    if (!value) throw new UserError('BAD_FILTER', `${k}: needs a value, for example ${example(k)}.`);
    if (k === 'author' || k === 'by') filters.authors.push(value);
    else if (k === 'source' || k === 'in') filters.sources.push(value);
    else if (k === 'since' || k === 'after') filters.since = dateBound(k, value, 'start');
    else if (k === 'until' || k === 'before') filters.until = dateBound(k, value, 'end');
    else {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UserError('BAD_FILTER', `min-score: needs a number, got "${value}".`);
      filters.minScore = n;
    }
    return lead;
  });
  if (filters.since && filters.until && filters.since > filters.until) {
    throw new UserError('BAD_FILTER', `since:${filters.since} is after until:${filters.until}.`);
  }
  return { text: text.replace(/\s+/g, ' ').trim(), filters };
}

function example(key: string): string {
  if (key === 'author' || key === 'by') return 'author:"Theo Brandt"';
  if (key === 'source' || key === 'in') return 'source:lesswrong';
  if (key === 'min-score' || key === 'minscore') return 'min-score:10';
  return `${key}:2024-03-01`;
}

/** A date filter's value as the first (start) or last (end) day it covers. */
function dateBound(key: string, value: string, side: 'start' | 'end'): string {
  const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(value);
  const y = m ? Number(m[1]) : NaN;
  const mo = m?.[2] ? Number(m[2]) : null;
  const d = m?.[3] ? Number(m[3]) : null;
  if (!m || (mo !== null && (mo < 1 || mo > 12)) || (d !== null && (d < 1 || d > daysIn(y, mo!)))) {
    throw new UserError('BAD_FILTER', `${key}: needs a date like 2024-03-01 (or 2024-03, or 2024), got "${value}".`);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  if (mo === null) return side === 'start' ? `${y}-01-01` : `${y}-12-31`;
  if (d === null) return side === 'start' ? `${y}-${pad(mo)}-01` : `${y}-${pad(mo)}-${pad(daysIn(y, mo))}`;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The days a passage's date covers: [first, last] (a bare year covers the whole year), or null when undated. */
function dateSpan(date: string | null | undefined): [string, string] | null {
  if (!date) return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(date);
  if (!m) return null;
  if (m[3]) return [`${m[1]}-${m[2]}-${m[3]}`, `${m[1]}-${m[2]}-${m[3]}`];
  if (m[2]) return [`${m[1]}-${m[2]}-01`, `${m[1]}-${m[2]}-31`];
  return [`${m[1]}-01-01`, `${m[1]}-12-31`];
}

export function hasFilters(f: Filters): boolean {
  return f.authors.length > 0 || f.sources.length > 0 || f.since !== null || f.until !== null || f.minScore !== null;
}

/**
 * Filters given as command options (Discord's author/since/until/min-score), checked like those typed in a query.
 * Empty values are ignored. Throws UserError (BAD_FILTER) on a malformed date or a since after until.
 */
export function optionFilters(o: { author?: unknown; since?: unknown; until?: unknown; minScore?: unknown }): Partial<Filters> | undefined {
  const str = (v: unknown) => (typeof v === 'string' ? printable(v).trim() : '') || null;
  const out: Partial<Filters> = {};
  const author = str(o.author);
  if (author) out.authors = [author];
  const since = str(o.since);
  if (since) out.since = dateBound('since', since, 'start');
  const until = str(o.until);
  if (until) out.until = dateBound('until', until, 'end');
  if (out.since && out.until && out.since > out.until) throw new UserError('BAD_FILTER', `since:${out.since} is after until:${out.until}.`);
  if (typeof o.minScore === 'number' && Number.isFinite(o.minScore)) out.minScore = o.minScore;
  return Object.keys(out).length ? out : undefined;
}

/** Merges filters given as options (e.g. Discord command options) with those typed in the query. */
export function mergeFilters(a: Filters, b: Partial<Filters> | undefined): Filters {
  if (!b) return a;
  return {
    authors: [...a.authors, ...(b.authors ?? [])],
    sources: [...a.sources, ...(b.sources ?? [])],
    since: a.since ?? b.since ?? null,
    until: a.until ?? b.until ?? null,
    minScore: a.minScore ?? b.minScore ?? null,
  };
}

/** What a corpus records that filters can test: its authors, and whether any passage has a date or a score. */
export interface CorpusFields {
  authors: string[];
  dated: boolean;
  scored: boolean;
}

/** One pass over the passages; the engine keeps the result, so a filtered query does not scan the corpus. */
export function corpusFields(passages: Passage[]): CorpusFields {
  const f = new FieldsFound();
  for (const p of passages) f.add(p);
  return f.fields();
}

/** corpusFields a passage at a time (the streaming indexer never holds every passage). */
export class FieldsFound {
  private readonly authors = new Set<string>();
  private dated = false;
  private scored = false;

  add(p: Pick<Passage, 'source' | 'score'>): void {
    if (p.source.author) this.authors.add(p.source.author);
    this.dated ||= dateSpan(p.source.date) !== null;
    this.scored ||= p.score != null;
  }

  fields(): CorpusFields {
    return { authors: [...this.authors], dated: this.dated, scored: this.scored };
  }
}

/**
 * A test for passages under these filters (author, dates, score; sources are matched by the engine). Throws
 * UserError UNRECORDED_FIELD when the corpus records no authors, dates or scores at all (a filter on them could only
 * ever give an empty answer), and UNKNOWN_AUTHOR when no passage is by a named author, so a typo is not taken for
 * "no results".
 */
export function passageFilter(f: Filters, fields: CorpusFields): ((p: Passage) => boolean) | undefined {
  const authors = f.authors.map(fold);
  if (!authors.length && !f.since && !f.until && f.minScore === null) return undefined;
  const asked = (key: string, values: Array<string | number>) => values.map((v) => `${key}:${/\s/.test(String(v)) ? `"${v}"` : v}`).join(' ');
  if (authors.length && !fields.authors.length) {
    throw new UserError('UNRECORDED_FIELD', `This corpus records no authors, so ${asked('author', f.authors)} cannot narrow it.`);
  }
  if ((f.since || f.until) && !fields.dated) {
    const range = [f.since && `since:${f.since}`, f.until && `until:${f.until}`].filter(Boolean).join(' ');
    throw new UserError('UNRECORDED_FIELD', `This corpus records no dates, so ${range} cannot narrow it.`);
  }
  if (f.minScore !== null && !fields.scored) {
    throw new UserError('UNRECORDED_FIELD', `This corpus records no scores, so ${asked('min-score', [f.minScore])} cannot narrow it.`);
  }
  const authorOk = (a: string | null) => {
    if (!authors.length) return true;
    if (!a) return false;
    const fa = fold(a);
    return authors.some((w) => fa.includes(w));
  };
  if (authors.length) {
    const known = fields.authors.map(fold);
    const missing = f.authors.filter((w) => !known.some((a) => a.includes(fold(w))));
    if (missing.length) {
      throw new UserError('UNKNOWN_AUTHOR', `No author in the corpus matches ${missing.map((m) => `"${m}"`).join(', ')}.`);
    }
  }
  return (p) => {
    if (!authorOk(p.source.author)) return false;
    if (f.minScore !== null && (p.score == null || p.score < f.minScore)) return false;
    if (f.since || f.until) {
      const span = dateSpan(p.source.date);
      if (!span) return false;
      if (f.since && span[1] < f.since) return false;
      if (f.until && span[0] > f.until) return false;
    }
    return true;
  };
}

/** One short notice saying which filters an answer is under, e.g. "Only passages by Theo, since 2024-03-01." */
export function describeFilters(f: Filters): string | null {
  if (!hasFilters(f)) return null;
  const parts: string[] = [];
  if (f.authors.length) parts.push(`by ${f.authors.join(' or ')}`);
  if (f.sources.length) parts.push(`from ${f.sources.join(' or ')}`);
  if (f.since) parts.push(`since ${f.since}`);
  if (f.until) parts.push(`until ${f.until}`);
  if (f.minScore !== null) parts.push(`with a score of at least ${f.minScore}`);
  return `Only passages ${parts.join(', ')}.`;
}
