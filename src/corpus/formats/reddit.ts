// Reddit comments (and submissions) as JSON or JSON Lines: raw API listings ({kind, data}), Pushshift-style records,
// or comment chains ({"comments": […]}, as in the UKP ChangeMyView release). Tree through parent_id / link_id.
import type { Draft, FormatReader, ProblemSink } from '../types.ts';
import { htmlToText, ownParagraphs, withoutFences } from './body.ts';
import { head, isoFromEpoch, lineFinder, num, obj, parseJson, str, yearOf } from './json.ts';

type Rec = Record<string, unknown>;

/** True when a text looks like Reddit comments or submissions (judged from its start). */
export function looksLikeReddit(text: string): boolean {
  const h = head(text);
  return /"(parent_id|link_id)"\s*:\s*"t[13]_/.test(h) || /"kind"\s*:\s*"(Listing|t1|t3)"/.test(h) || (/"subreddit"\s*:/.test(h) && /"(body|selftext)"\s*:/.test(h));
}

/** Every comment or submission record in a parsed value, in document order (replies after their parent). */
function recordsOf(v: unknown, out: Rec[] = []): Rec[] {
  if (Array.isArray(v)) {
    for (const x of v) recordsOf(x, out);
    return out;
  }
  const o = obj(v);
  if (!o) return out;
  const kind = str(o.kind);
  if (kind && obj(o.data)) {
    const d = obj(o.data)!;
    if (kind === 'Listing') recordsOf(d.children, out);
    else if (kind === 't1' || kind === 't3') {
      out.push(d);
      recordsOf(d.replies, out);
    }
    return out;
  }
  if (Array.isArray(o.comments) && !('body' in o)) return recordsOf(o.comments, out);
  if (Array.isArray(o.data)) return recordsOf(o.data, out);
  if ('body' in o || 'selftext' in o || str(o.parent_id) || str(o.link_id)) out.push(o);
  return out;
}

const GONE = new Set(['[deleted]', '[removed]']);

/** Reddit escapes &, < and > in bodies; undo that so the text reads as written. */
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

interface Ctx {
  titles: Map<string, string>;
  seen: Set<string>;
}

function draftsOf(r: Rec, line: number, ctx: Ctx): Draft[] {
  const isPost = str(r.name)?.startsWith('t3_') || (!('body' in r) && ('selftext' in r || 'title' in r) && !str(r.parent_id));
  const bare = str(r.id) ?? str(r.name)?.replace(/^t[13]_/, '');
  if (!bare) return [];
  const id = str(r.name) ?? `${isPost ? 't3' : 't1'}_${bare}`;
  if (ctx.seen.has(id)) return [];
  ctx.seen.add(id);
  const link = isPost ? id : (str(r.link_id) ?? null);
  const linkBare = link?.replace(/^t3_/, '') ?? null;
  const sub = str(r.subreddit);
  const permalink = str(r.permalink);
  const base = sub ? `https://www.reddit.com/r/${sub}` : 'https://www.reddit.com';
  const url = permalink
    ? permalink.startsWith('http')
      ? permalink
      : `https://www.reddit.com${permalink}`
    : isPost
      ? `${base}/comments/${bare}/`
      : linkBare
        ? `${base}/comments/${linkBare}/_/${bare}/`
        : null;
  const title =
    (isPost ? str(r.title) : null) ??
    str(r.link_title) ??
    (link ? ctx.titles.get(link) : undefined) ??
    `${sub ? `r/${sub}` : 'Reddit'} thread ${linkBare ?? bare}`;
  const who = str(r.author) ?? str(r.author_name);
  const date = isoFromEpoch(r.created_utc ?? r.created);
  const source = { id, title, author: who && !GONE.has(who) ? who : null, url, date, site: 'Reddit', year: yearOf(date) };
  let body = str(isPost ? r.selftext : r.body);
  if (body && GONE.has(body.trim())) return []; // deleted or removed: keeps its place in the tree, no text
  if (body) body = unescape(body);
  else {
    const html = str(isPost ? r.selftext_html : r.body_html);
    if (html) body = htmlToText(unescape(html));
  }
  // A link or title-only submission: its title is what the poster put forward.
  if (!body && isPost) body = str(r.title);
  if (!body) return [];
  const score = num(r.score) ?? num(r.ups);
  const parent = isPost ? null : str(r.parent_id);
  return ownParagraphs(withoutFences(body)).map((p) => ({
    text: p.text,
    line,
    source,
    record: id,
    thread: link,
    parent,
    score,
    quoted: p.quoted,
  }));
}

function titlesOf(records: Rec[], titles: Map<string, string>) {
  for (const r of records) {
    const t = str(r.title);
    const name = str(r.name) ?? (str(r.id) && !('body' in r) && 'title' in r ? `t3_${str(r.id)}` : null);
    if (t && name?.startsWith('t3_')) titles.set(name, t);
  }
}

export const redditReader: FormatReader = {
  name: 'reddit',
  extensions: [],
  detect: (file) => looksLikeReddit(file.text),
  read(file, problem: ProblemSink) {
    const ctx: Ctx = { titles: new Map(), seen: new Set() };
    const trimmed = file.text.trimStart();
    // JSON Lines (one record or chain per line), unless the whole text is one JSON value.
    const lines = file.text.split(/\r?\n/);
    const jsonl = !trimmed.startsWith('[') && lines.filter((l) => l.trim()).length > 1 && !/^\{\s*$/.test(lines[0]);
    if (jsonl) {
      const parsed: Array<{ line: number; records: Rec[] }> = [];
      lines.forEach((raw, i) => {
        if (!raw.trim()) return;
        try {
          parsed.push({ line: i + 1, records: recordsOf(JSON.parse(raw)) });
        } catch {
          problem({ line: i + 1, message: 'not valid JSON; line skipped' });
        }
      });
      for (const p of parsed) titlesOf(p.records, ctx.titles);
      return parsed.flatMap((p) => p.records.flatMap((r) => draftsOf(r, p.line, ctx)));
    }
    const v = parseJson(file.text, problem, 'comments');
    if (v === undefined) return [];
    const records = recordsOf(v);
    titlesOf(records, ctx.titles);
    const lineOf = lineFinder(file.text);
    return records.flatMap((r) => draftsOf(r, lineOf(str(r.id) ?? '', 'id'), ctx));
  },
};
