// LessWrong, Alignment Forum and EA Forum: ForumMagnum GraphQL JSON as saved from their API (posts and comments).
// Envelopes: {"data":{"comments":{"results":[…]}}}, {"data":{"post":{"result":{…}}}}, or bare records / arrays.
// A post and its comments often sit in separate files of one folder: the folder is read whole, so comments get
// their post's title and permalink.
import { extname } from 'node:path';
import type { Draft, FileInput, FormatReader, ProblemSink } from '../types.ts';
import { htmlToText, ownParagraphs, withoutFences } from './body.ts';
import { head, lineFinder, obj, num, parseJson, str, yearOf } from './json.ts';

type Rec = Record<string, unknown>;

const SITES: Array<[RegExp, string, string]> = [
  [/(^|\.)alignmentforum\.org$/, 'AI Alignment Forum', 'https://www.alignmentforum.org'],
  [/(^|\.)effectivealtruism\.org$/, 'EA Forum', 'https://forum.effectivealtruism.org'],
  [/(^|\.)lesswrong\.com$/, 'LessWrong', 'https://www.lesswrong.com'],
];
const DEFAULT_SITE = { name: 'LessWrong', base: 'https://www.lesswrong.com' };

/** True when a text looks like ForumMagnum JSON (judged from its start). */
export function looksLikeForum(text: string): boolean {
  const h = head(text);
  if (/"data"\s*:\s*\{\s*"(posts?|comments?)"\s*:/.test(h)) return true;
  return /"_id"\s*:/.test(h) && /"(postId|parentCommentId|baseScore|htmlBody|postedAt)"\s*:/.test(h);
}

interface ForumFile {
  path: string;
  rel: string;
  text: string;
  records: Rec[];
}

/** Every post or comment record in a parsed ForumMagnum document, in document order. */
function recordsOf(v: unknown, out: Rec[] = []): Rec[] {
  if (Array.isArray(v)) {
    for (const x of v) recordsOf(x, out);
    return out;
  }
  const o = obj(v);
  if (!o) return out;
  if (typeof o._id === 'string') {
    out.push(o);
    return out;
  }
  for (const key of ['data', 'result', 'results', 'post', 'posts', 'comment', 'comments']) if (key in o) recordsOf(o[key], out);
  return out;
}

const isComment = (r: Rec) => typeof r.postId === 'string' || 'parentCommentId' in r || 'topLevelCommentId' in r;

function siteOf(url: string | null): { name: string; base: string } | null {
  if (!url) return null;
  try {
    const host = new URL(url).hostname;
    for (const [re, name, base] of SITES) if (re.test(host)) return { name, base };
    return { name: host, base: new URL(url).origin };
  } catch {
    return null;
  }
}

/** The body as text: markdown as written, else the HTML converted (links kept), else plain text. */
function bodyOf(r: Rec): string | null {
  const c = obj(r.contents);
  const md = str(c?.markdown);
  if (md) return withoutFences(md);
  const html = str(c?.html) ?? str(r.htmlBody);
  if (html) return htmlToText(html);
  return str(c?.plaintextMainText) ?? str(r.plaintextMainText) ?? str(c?.plaintextDescription);
}

function authorOf(r: Rec): string | null {
  if (r.hideAuthor === true) return null;
  const u = obj(r.user);
  return str(u?.displayName) ?? str(r.author) ?? str(u?.username) ?? null;
}

/** Turns the records of one or more files (one folder) into drafts; posts anywhere in them name their comments. */
function draftsOf(files: ForumFile[]): Draft[] {
  const posts = new Map<string, Rec>();
  let site: { name: string; base: string } | null = null;
  for (const f of files)
    for (const r of f.records) {
      if (!isComment(r)) posts.set(r._id as string, r);
      site ??= siteOf(str(r.pageUrl));
    }
  site ??= DEFAULT_SITE;
  const out: Draft[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const lineOf = lineFinder(f.text);
    for (const r of f.records) {
      const id = r._id as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const line = lineOf(id, '_id');
      const comment = isComment(r);
      const postId = comment ? str(r.postId) : id;
      const post = (postId && posts.get(postId)) || obj(r.post);
      const slug = str(post?.slug) ?? str(r.slug);
      const postUrl = str(post?.pageUrl) ?? (postId ? `${site.base}/posts/${postId}${slug ? `/${slug}` : ''}` : null);
      const url = str(r.pageUrl) ?? (comment ? (postUrl ? `${postUrl}?commentId=${id}` : null) : postUrl);
      const title = str(post?.title) ?? (postId ? `Comments on post ${postId}` : id);
      const date = str(r.postedAt);
      const rSite = siteOf(str(r.pageUrl)) ?? site;
      const source = { id, title, author: authorOf(r), url, date, site: rSite.name, year: yearOf(date) };
      const parent = comment ? (str(r.parentCommentId) ?? str(r.parentAnswerId) ?? postId) : null;
      // Deleted or spam comments keep their place in the tree (replies still point at them) but give no text.
      if (r.deleted === true || r.spam === true) continue;
      const body = bodyOf(r);
      if (!body) continue;
      for (const p of ownParagraphs(body)) {
        out.push({
          text: p.text,
          line,
          source,
          record: id,
          thread: postId,
          parent,
          score: num(r.baseScore),
          quoted: p.quoted,
          file: f.rel,
        });
      }
    }
  }
  return out;
}

function parseFile(path: string, rel: string, text: string, problem: ProblemSink): ForumFile {
  const v = parseJson(text, (p) => problem({ ...p, file: path }), 'posts and comments');
  return { path, rel, text, records: v === undefined ? [] : recordsOf(v) };
}

export const forumReader: FormatReader = {
  name: 'forum',
  extensions: [],
  detect: (file: FileInput) => looksLikeForum(file.text),
  read(file, problem) {
    return draftsOf([parseFile(file.path, file.rel, file.text, problem)]);
  },
  claimFolder(folder) {
    const found = folder.files.filter((path) => {
      if (extname(path).toLowerCase() !== '.json') return false;
      const h = folder.head(path);
      return h !== null && looksLikeForum(h);
    });
    // One file alone gains nothing from being read with its folder; only claim real groups.
    return found.length < 2 ? null : found;
  },
  readFolder(folder, problem) {
    const found = this.claimFolder!(folder);
    if (!found) return null;
    const files = found.flatMap((path) => {
      const text = folder.text(path);
      return text === null ? [] : [parseFile(path, folder.relOf(path), text, problem)];
    });
    return { claimed: files.map((f) => f.path), drafts: draftsOf(files) };
  },
};
