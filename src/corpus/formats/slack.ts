// Slack workspace export, straight from the .zip or from the unpacked folder:
// channels.json, users.json (optionally groups.json, dms.json, mpims.json), then <channel>/<YYYY-MM-DD>.json arrays.
// Threads through thread_ts; <@U…> mentions resolved through users.json; <url|label> links decoded;
// bot, join and other system messages skipped.
import { basename, dirname, extname, join } from 'node:path';
import { fflate } from './lazy.ts';
import type { Draft, FileInput, FormatReader, ProblemSink } from '../types.ts';
import { decodeText, decodeWarnings } from '../decode.ts';
import { ownParagraphs, withoutFences } from './body.ts';
import { head, isoFromEpoch, lineFinder, obj, parseJson, str, yearOf } from './json.ts';

/** Message subtypes that carry what a person wrote; every other subtype (joins, topics, bots, pins…) is skipped. */
const SPOKEN = new Set(['', 'thread_broadcast', 'reply_broadcast', 'me_message', 'file_share']);
const META_FILES = ['channels.json', 'users.json', 'groups.json', 'dms.json', 'mpims.json'];
const OTHER_FILES = ['integration_logs.json', 'canvases.json', 'huddle_transcripts.json', 'org_users.json'];
const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.json$/;

/** One file of an export, wherever it lives (folder or zip). `name` is its path inside the export. */
interface Entry {
  name: string;
  /** How passages name it (relative to the corpus root; zip members as archive/member). */
  file: string;
  /** How problems name it (absolute). */
  path: string;
  text(): string | null;
}

interface People {
  names: Map<string, string>;
  bots: Set<string>;
}

/** True when a text looks like one day of Slack messages (a JSON array of messages with `ts`). */
export function looksLikeSlackDay(text: string): boolean {
  const h = head(text);
  return /^\s*\[/.test(h) && /"ts"\s*:\s*"\d+\.\d+"/.test(h) && /"(type|user|text)"\s*:/.test(h);
}

/** Display name of a Slack user object as Slack shows it: display name, else real name, else handle. */
function nameOf(u: Record<string, unknown> | null): string | null {
  const p = obj(u?.profile);
  return str(p?.display_name) ?? str(p?.real_name) ?? str(u?.real_name) ?? str(u?.name);
}

/** Slack's message markup to plain text: mentions and channels by name, links as "label [url]", entities decoded. */
export function slackText(text: string, people: People | null, channelNames: Map<string, string>): string {
  return text
    .replace(/<([^<>\n]*)>/g, (_m, inner: string) => {
      const bar = inner.indexOf('|');
      const target = bar < 0 ? inner : inner.slice(0, bar);
      const label = bar < 0 ? '' : inner.slice(bar + 1);
      if (/^@[UW]/.test(target)) return `@${label || people?.names.get(target.slice(1)) || target.slice(1)}`;
      if (target.startsWith('#C') || target.startsWith('#G')) return `#${label || channelNames.get(target.slice(1)) || target.slice(1)}`;
      if (target.startsWith('!')) {
        const special = target.slice(1).split('^')[0];
        if (['here', 'channel', 'everyone'].includes(special)) return `@${special}`;
        return label || `@${special}`;
      }
      const url = target.startsWith('mailto:') && !label ? target.slice(7) : target;
      if (!label || label === target || target.replace(/^(https?|mailto):(\/\/)?/, '') === label) return label || url;
      return `${label} [${target}]`;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Reads an export given as entries: finds its root, people and channels, then every day file. */
function readExport(entries: Entry[], problem: ProblemSink, where: string, workspaceUrl: string | null): Draft[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const metaAt = entries
    .filter((e) => META_FILES.includes(basename(e.name)))
    .sort((a, b) => a.name.split('/').length - b.name.split('/').length)[0];
  const root = metaAt ? (dirname(metaAt.name) === '.' ? '' : dirname(metaAt.name) + '/') : '';
  const json = (name: string): unknown[] | null => {
    const e = byName.get(root + name);
    if (!e) return null;
    const t = e.text();
    if (t === null) return null;
    const v = parseJson(t, (p) => problem({ ...p, file: e.path }), 'entries');
    return Array.isArray(v) ? v : null;
  };
  const usersJson = json('users.json');
  let people: People | null = null;
  if (usersJson) {
    people = { names: new Map(), bots: new Set() };
    for (const u of usersJson.map(obj)) {
      const id = str(u?.id);
      if (!id) continue;
      const n = nameOf(u);
      if (n) people.names.set(id, n);
      if (u?.is_bot === true || id === 'USLACKBOT') people.bots.add(id);
    }
  } else {
    problem({
      file: join(where, root, 'users.json'),
      message: 'users.json is missing or unreadable; authors and mentions use the names saved in messages, else user ids',
    });
  }
  // Channel folders are named after channels (or after ids, for direct messages).
  const channels = new Map<string, { id: string | null; name: string; kind: string }>();
  const channelNames = new Map<string, string>();
  for (const [file, kind] of [['channels.json', 'channel'], ['groups.json', 'private'], ['mpims.json', 'group'], ['dms.json', 'dm']] as const) {
    for (const c of (json(file) ?? []).map(obj)) {
      const id = str(c?.id);
      const name = str(c?.name) ?? id;
      if (!name) continue;
      channels.set(name, { id, name, kind });
      if (id) {
        channels.set(id, { id, name, kind });
        channelNames.set(id, name);
      }
    }
  }
  if (!channels.size && entries.some((e) => e.name === root + 'users.json')) {
    problem({ file: join(where, root, 'channels.json'), message: 'channels.json is missing; messages have no links to Slack' });
  }
  const days = entries
    .filter((e) => e.name.startsWith(root) && e.name.slice(root.length).split('/').length === 2 && DAY_FILE.test(basename(e.name)))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: Draft[] = [];
  for (const day of days) {
    const folder = e2folder(day.name);
    const ch = channels.get(folder) ?? { id: null, name: folder, kind: 'channel' };
    const text = day.text();
    if (text === null) continue;
    out.push(...readDay(text, day.file, (p) => problem({ ...p, file: p.file ?? day.path }), { ...ch, people, channelNames, workspaceUrl }));
  }
  return out;
}

const e2folder = (name: string) => basename(dirname(name));

interface DayContext {
  id: string | null;
  name: string;
  kind: string;
  people: People | null;
  channelNames: Map<string, string>;
  workspaceUrl: string | null;
}

/** One <channel>/<date>.json file: a JSON array of messages. */
function readDay(text: string, file: string, problem: ProblemSink, ch: DayContext): Draft[] {
  const v = parseJson(text, problem, 'messages');
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problem({ line: 1, message: 'not a list of Slack messages; skipped' });
    return [];
  }
  const lineOf = lineFinder(text);
  const key = ch.id ?? ch.name;
  const base = ch.workspaceUrl?.replace(/\/+$/, '') ?? null;
  const title = ch.kind === 'dm' ? `Slack direct messages ${ch.name}` : `#${ch.name}`;
  const out: Draft[] = [];
  for (const raw of v) {
    const m = obj(raw);
    const ts = str(m?.ts);
    if (!m || !ts) continue;
    if (m.type != null && m.type !== 'message') continue;
    const subtype = str(m.subtype) ?? '';
    const user = str(m.user);
    if (!SPOKEN.has(subtype) || m.bot_id != null || (user && ch.people?.bots.has(user))) continue;
    if (typeof m.text !== 'string' || !m.text.trim()) continue;
    // Older exports write file shares as generated text ("<@U…|name> uploaded a file: …"): not anyone's words.
    if (subtype === 'file_share' && /^<@[UW][A-Z0-9]+(\|[^>]*)?> (uploaded|shared) a file/.test(m.text)) continue;
    const profile = obj(m.user_profile);
    const author = (user && ch.people?.names.get(user)) || nameOf({ profile }) || str(m.username) || user;
    const pts = `p${ts.replace('.', '')}`;
    const record = `${key}/${pts}`;
    const threadTs = str(m.thread_ts);
    const isReply = !!threadTs && threadTs !== ts;
    const root = threadTs ? `${key}/p${threadTs.replace('.', '')}` : null;
    const date = isoFromEpoch(ts);
    const url =
      base && ch.id ? `${base}/archives/${ch.id}/${pts}${isReply ? `?thread_ts=${threadTs}&cid=${ch.id}` : ''}` : null;
    const source = { id: record, title, author, url, date, site: 'Slack', year: yearOf(date) };
    const line = lineOf(ts, 'ts');
    const body = withoutFences(slackText(m.text, ch.people, ch.channelNames));
    for (const p of ownParagraphs(body)) {
      out.push({
        text: p.text,
        line,
        source,
        record,
        thread: root ?? key,
        parent: isReply ? root : null,
        score: null,
        quoted: p.quoted,
        file,
      });
    }
  }
  return out;
}

/** Lists a zip's JSON members (Slack exports hold nothing else we read) and reads them lazily. */
function zipEntries(file: FileInput, problem: ProblemSink): Entry[] | null {
  let files: Record<string, Uint8Array>;
  try {
    files = fflate().unzipSync(file.bytes!, { filter: (f) => f.name.toLowerCase().endsWith('.json') && !/(^|\/)(__MACOSX|\.)/.test(f.name) });
  } catch (e) {
    problem({ message: `not a readable .zip archive (${(e as Error).message}); skipped` });
    return null;
  }
  return Object.keys(files)
    .sort()
    .map((name) => ({
      name,
      file: `${file.rel}/${name}`,
      path: `${file.path}/${name}`,
      text: () => decodeReporting(files[name], `${file.path}/${name}`, problem),
    }));
}

/** Text of bytes read leniently, each line that held invalid bytes reported as a warning. */
function decodeReporting(bytes: Uint8Array, path: string, problem: ProblemSink): string {
  const decoded = decodeText(bytes);
  for (const w of decodeWarnings(path, decoded)) problem(w);
  return decoded.text;
}

const isZip = (b: Uint8Array | undefined) => !!b && b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export const slackReader: FormatReader = {
  name: 'slack',
  extensions: ['zip'],
  binary: true,
  detect: (file) => looksLikeSlackDay(file.text),
  read(file, problem) {
    if (isZip(file.bytes)) {
      const entries = zipEntries(file, problem);
      if (!entries) return [];
      if (!entries.some((e) => META_FILES.includes(basename(e.name)) || DAY_FILE.test(basename(e.name)))) {
        problem({ message: 'this .zip holds no Slack export (no channels.json, users.json or <channel>/<date>.json); skipped' });
        return [];
      }
      return readExport(entries, problem, file.path, file.meta?.url ?? null);
    }
    // One day file on its own: the channel is its folder (or the messages' channel_name).
    let text = file.text;
    if (file.bytes) text = decodeReporting(file.bytes, file.path, problem);
    const named = /"channel_name"\s*:\s*"([^"]+)"/.exec(head(text));
    const folder = basename(dirname(file.path));
    const name = DAY_FILE.test(basename(file.path)) ? folder : (named?.[1] ?? basename(file.path, extname(file.path)));
    return readDay(text, file.rel, problem, { id: null, name, kind: 'channel', people: null, channelNames: new Map(), workspaceUrl: null });
  },
  claimFolder(folder) {
    const direct = (f: string) => dirname(f) === folder.path;
    const metas = folder.files.filter((f) => direct(f) && META_FILES.includes(basename(f)));
    const days = folder.files.filter((f) => dirname(dirname(f)) === folder.path && DAY_FILE.test(basename(f)));
    if (!days.length) return null;
    if (!metas.length) {
      // Without channels.json or users.json, only claim the folder when its day files really are Slack messages.
      const t = folder.head(days[0]);
      if (t === null || !looksLikeSlackDay(t)) return null;
    }
    return [...metas, ...days, ...folder.files.filter((f) => direct(f) && OTHER_FILES.includes(basename(f)))].sort();
  },
  readFolder(folder, problem) {
    const claimed = this.claimFolder!(folder);
    if (!claimed) return null;
    const entries: Entry[] = claimed.map((path) => ({
      name: path.slice(folder.path.length + 1),
      file: folder.relOf(path),
      path,
      text: () => folder.text(path),
    }));
    const drafts = readExport(entries, problem, folder.path, folder.meta(folder.path)?.url ?? null);
    return { claimed, drafts };
  },
};
