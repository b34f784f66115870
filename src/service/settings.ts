// Per-community settings (a Discord server, a Slack workspace), kept in the shared store and changed in chat by
// people allowed to: default visibility of answers, which sources are enabled, and the rate limits.
import type { ServedEngine } from '../core/engine.ts';
import type { Store } from './store.ts';
import type { Visibility } from '../core/reply.ts';
import { UserError } from '../errors.ts';
import { checkRate, DEFAULT_CHANNEL_LIMIT, DEFAULT_USER_LIMIT, type RateLimit, type Verdict } from './ratelimit.ts';
import { fold } from '../core/text.ts';
import { DEFAULT_CORPUS_NAME, parseCorporaChoice } from './engines.ts';

export interface CommunitySettings {
  /** null: the platform's own default (Discord: DISCORD_PUBLIC_GUILDS, else ephemeral; Slack: its adapter's default). */
  visibility: Visibility | null;
  /** Source filters (a title or id contains one of them); null: every source. */
  sources: string[] | null;
  /** Named corpora searched (data/corpora.json, lower case; "default" is the process's corpus); null: the process's corpus. */
  corpora: string[] | null;
  userLimit: RateLimit;
  channelLimit: RateLimit;
  /** Channels whose messages become the community's corpus as it talks (live capture, src/service/capture/); null: none. */
  capture?: string[] | null;
  /** Who changed them last (platform user id) and when (ISO time); null while on defaults. */
  updatedBy: string | null;
  updatedAt: string | null;
}

export const DEFAULT_SETTINGS: CommunitySettings = {
  visibility: null,
  sources: null,
  corpora: null,
  userLimit: DEFAULT_USER_LIMIT,
  channelLimit: DEFAULT_CHANNEL_LIMIT,
  capture: null,
  updatedBy: null,
  updatedAt: null,
};

/** The names people type in `/crux-config` (Slack: `/crux config NAME VALUE`). */
export const SETTING_NAMES = ['visibility', 'sources', 'corpora', 'user-limit', 'channel-limit', 'capture'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

const MAX_LIMIT_COUNT = 1_000;
const MAX_WINDOW_MS = 24 * 3_600_000;

const keyOf = (platform: string, communityId: string) => `settings:${platform}:${communityId}`;

/** The settings of one community, defaults filled in. No community (a DM, the terminal): the defaults. */
export async function getSettings(store: Store, platform: string, communityId: string | null | undefined): Promise<CommunitySettings> {
  if (!communityId) return { ...DEFAULT_SETTINGS };
  const saved = await store.get<Partial<CommunitySettings>>(keyOf(platform, communityId));
  return { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
}

/** Back to the defaults. */
export async function resetSettings(store: Store, platform: string, communityId: string): Promise<CommunitySettings> {
  await store.delete(keyOf(platform, communityId));
  return { ...DEFAULT_SETTINGS };
}

/**
 * Changes one setting after checking its value; throws UserError (BAD_OPTION, UNKNOWN_SOURCE) with a message that says
 * what is accepted. `value` of "default" puts that one setting back to its default.
 */
export async function setSetting(
  store: Store,
  engine: ServedEngine,
  where: { platform: string; communityId: string; userId?: string },
  name: string,
  value: string,
  /** The corpus names this install knows (EngineChooser.names); only "default" when it has no corpora file. */
  corpora: readonly string[] = [DEFAULT_CORPUS_NAME],
): Promise<CommunitySettings> {
  const setting = normalizeName(name);
  const v = value.trim();
  const cur = await getSettings(store, where.platform, where.communityId);
  const next: CommunitySettings = { ...cur };
  const toDefault = /^(default|reset)$/i.test(v);
  switch (setting) {
    case 'visibility':
      next.visibility = toDefault ? null : parseVisibility(v);
      break;
    case 'sources':
      next.sources = toDefault || /^(all|\*)$/i.test(v) ? null : parseSources(v, engine);
      break;
    case 'corpora':
      next.corpora = /^reset$/i.test(v) ? null : parseCorporaChoice(v, corpora); // "default" alone is null too
      break;
    case 'user-limit':
      next.userLimit = toDefault ? DEFAULT_USER_LIMIT : parseLimit(v, 'user-limit');
      break;
    case 'channel-limit':
      next.channelLimit = toDefault ? DEFAULT_CHANNEL_LIMIT : parseLimit(v, 'channel-limit');
      break;
    case 'capture':
      // Channel ids, resolved from what was typed by the platform (src/service/capture/control.ts).
      next.capture = toDefault || /^off$/i.test(v) ? null : parseChannelIds(v);
      break;
  }
  next.updatedBy = where.userId ?? null;
  next.updatedAt = new Date().toISOString();
  await store.set(keyOf(where.platform, where.communityId), next);
  return next;
}

function normalizeName(name: string): SettingName {
  const n = fold(name.trim()).replace(/[\s_]+/g, '-');
  const alias: Record<string, SettingName> = { visibility: 'visibility', visible: 'visibility', source: 'sources', sources: 'sources', corpus: 'corpora', corpora: 'corpora', 'user-limit': 'user-limit', 'channel-limit': 'channel-limit', userlimit: 'user-limit', channellimit: 'channel-limit', capture: 'capture' };
  const found = alias[n];
  if (!found) throw new UserError('BAD_OPTION', `There is no setting "${name.trim().slice(0, 40)}". Settings: ${SETTING_NAMES.join(', ')}.`);
  return found;
}

function parseVisibility(v: string): Visibility {
  const f = fold(v);
  if (['public', 'everyone', 'channel', 'visible'].includes(f)) return 'public';
  if (['ephemeral', 'private', 'only-me', 'hidden', 'me'].includes(f)) return 'ephemeral';
  throw new UserError('BAD_OPTION', 'visibility is "public" (everyone in the channel sees answers) or "ephemeral" (only the person asking), or "default".');
}

function parseSources(v: string, engine: ServedEngine): string[] {
  const wanted = v
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 50);
  if (!wanted.length) throw new UserError('BAD_OPTION', 'sources is "all", or source titles separated by commas.');
  const all = engine.sources();
  const unknown = wanted.filter((w) => !all.some((s) => fold(s.title).includes(fold(w)) || fold(s.id).includes(fold(w))));
  if (unknown.length) {
    const some = all.slice(0, 8).map((s) => `"${s.title}"`);
    throw new UserError(
      'UNKNOWN_SOURCE',
      `No source matches ${unknown.map((u) => `"${u.slice(0, 60)}"`).join(', ')}. Sources include ${some.join(', ')}${all.length > some.length ? ` and ${all.length - some.length} more` : ''}.`,
    );
  }
  return wanted;
}

function parseChannelIds(v: string): string[] | null {
  const ids = [...new Set(v.split(/[,\s]+/).filter(Boolean))];
  if (ids.some((id) => !/^[A-Za-z0-9]{1,32}$/.test(id))) throw new UserError('BAD_OPTION', 'capture is a list of channels, "off" or "purge".');
  return ids.length ? ids : null;
}

/** "6", "6/60s", "6/1m", "30/1h", "6 per minute". */
function parseLimit(v: string, name: string): RateLimit {
  const m = /^(\d+)\s*(?:(?:\/|per|every|a|an)\s*(\d+)?\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?))?$/i.exec(v.trim());
  const bad = () =>
    new UserError('BAD_OPTION', `${name} is a number of answers per minute ("6"), or per period ("6/30s", "20/1m", "100/1h"), up to ${MAX_LIMIT_COUNT}; or "default".`);
  if (!m) throw bad();
  const max = Number(m[1]);
  const n = m[2] ? Number(m[2]) : 1;
  const unit = (m[3] ?? 'm').toLowerCase()[0];
  const windowMs = n * (unit === 's' ? 1_000 : unit === 'h' ? 3_600_000 : 60_000);
  if (!Number.isInteger(max) || max < 1 || max > MAX_LIMIT_COUNT || windowMs < 1_000 || windowMs > MAX_WINDOW_MS) throw bad();
  return { max, windowMs };
}

function describeLimit(l: RateLimit, per: string): string {
  const s = l.windowMs / 1000;
  const window = s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`;
  return `${l.max} answers per ${per} every ${window}`;
}

/** The settings as a short text for `/crux-config show`. */
export function describeSettings(
  s: CommunitySettings,
  platform: string,
  engine: ServedEngine,
  corpora: readonly string[] = [DEFAULT_CORPUS_NAME],
  /** How live capture stands (src/service/capture/control.ts), when the platform offers it. */
  capture?: string,
): string {
  const where = platform === 'slack' ? 'this workspace' : 'this server';
  const isDefault = (a: unknown, b: unknown) => (JSON.stringify(a) === JSON.stringify(b) ? ' (default)' : '');
  const vis =
    s.visibility === 'public'
      ? 'public: everyone in the channel sees answers'
      : s.visibility === 'ephemeral'
        ? 'ephemeral: only the person asking sees answers'
        : `the ${platform === 'slack' ? 'Slack' : 'Discord'} default (default)`;
  const count = engine.sources().length;
  const src = s.sources ? `only sources matching ${s.sources.map((x) => `"${x}"`).join(', ')}` : `all ${count} sources (default)`;
  const lines = [
    `Crux settings for ${where}:`,
    `• visibility: ${vis}`,
    `• sources: ${src}`,
    // Shown where it means something: the install has named corpora, or this community chose some.
    ...(corpora.length > 1 || s.corpora ? [`• corpora: ${s.corpora ? s.corpora.join(', ') : `${DEFAULT_CORPUS_NAME} (default)`}`] : []),
    `• user-limit: ${describeLimit(s.userLimit, 'person')}${isDefault(s.userLimit, DEFAULT_USER_LIMIT)}`,
    `• channel-limit: ${describeLimit(s.channelLimit, 'channel')}${isDefault(s.channelLimit, DEFAULT_CHANNEL_LIMIT)}`,
    ...(capture ? [`• capture: ${capture}`] : []),
  ];
  if (s.updatedAt) lines.push(`Last changed ${s.updatedAt.slice(0, 16).replace('T', ' ')} UTC.`);
  return lines.join('\n');
}

/** Rate limits under the community's settings (counted in the shared store, so they hold across processes). */
export function checkCommunityRate(
  store: Store,
  platform: string,
  who: { userId?: string; channelId?: string },
  settings: CommunitySettings,
): Promise<Verdict> {
  return checkRate(store, platform, who, { user: settings.userLimit, channel: settings.channelLimit });
}

/**
 * The source filters to search with, given the community's enabled sources and what the user asked for.
 * Throws UNKNOWN_SOURCE when the user's source is not among the enabled ones.
 */
export function sourcesFor(engine: ServedEngine, settings: Pick<CommunitySettings, 'sources'> | undefined, asked: string | undefined): string[] | undefined {
  const enabled = settings?.sources ?? null;
  const a = asked?.trim() ? asked.trim() : undefined;
  if (!enabled) return a ? [a] : undefined;
  if (!a) return enabled;
  const on = (t: { title: string; id: string }) => enabled.some((e) => fold(t.title).includes(fold(e)) || fold(t.id).includes(fold(e)));
  const chosen = engine.sources().filter((s) => on(s) && (fold(s.title).includes(fold(a)) || fold(s.id).includes(fold(a))));
  if (!chosen.length) throw new UserError('UNKNOWN_SOURCE', `No enabled source matches "${a.slice(0, 60)}" (this community searches only some sources).`);
  return [...new Set(chosen.map((s) => s.title))];
}

/** Who may change settings on Slack: workspace admins and owners, and the ids in CRUX_SLACK_CONFIG_USERS. */
export function slackMayConfigure(user: { id: string; is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean }, allowed: readonly string[] = []): boolean {
  return !!(user.is_admin || user.is_owner || user.is_primary_owner || allowed.includes(user.id));
}

/** Discord's "Manage Server" permission bit (MANAGE_GUILD), for the /crux-config registration and the check. */
export const DISCORD_MANAGE_GUILD = 1n << 5n;

/** Who may change settings on Discord: members whose permissions in the server include Manage Server. */
export function discordMayConfigure(permissions: bigint | string | null | undefined): boolean {
  if (permissions == null) return false;
  const p = typeof permissions === 'bigint' ? permissions : BigInt(permissions);
  const ADMINISTRATOR = 1n << 3n;
  return (p & DISCORD_MANAGE_GUILD) !== 0n || (p & ADMINISTRATOR) !== 0n;
}
