// The Slack app manifest, generated from the command definitions (commands/), so Slack's registration cannot drift.
// Writes adapters/slack/manifest.json (Socket Mode):         npm run slack:manifest
// Prints an HTTP-mode manifest for a public URL:             npm run slack:manifest -- --request-url https://crux.example.org
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands as registry, type Command } from '../../commands/index.ts';
import { MAIN, SLASH, usageHint } from './commands.ts';
import { CAPTURE_EVENTS, CAPTURE_SCOPES } from './capture.ts';

export const MANIFEST_PATH = fileURLToPath(new URL('./manifest.json', import.meta.url));
/** Where Bolt's HTTP receiver listens; the request URLs of an HTTP-mode manifest end with it. */
export const EVENTS_PATH = '/slack/events';

/**
 * Scopes the adapter uses: /crux, reading mentions, posting answers (chat.postMessage, chat.postEphemeral), and live
 * capture's (reading the channels a workspace turns on, and their names; users:read gives authors' names).
 */
export const BOT_SCOPES = ['app_mentions:read', 'chat:write', 'commands', ...CAPTURE_SCOPES, 'users:read'];
/** Added when a command is for admins only: users.info tells whether someone is a workspace admin or owner. */
export const ADMIN_SCOPES = ['users:read'];
export const BOT_EVENTS = ['app_mention', ...CAPTURE_EVENTS];

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export interface ManifestOptions {
  /** HTTP mode: the public base URL Slack sends requests to. Omitted: Socket Mode. */
  requestUrl?: string;
  name?: string;
}

export function buildManifest(all: Command[] = registry, o: ManifestOptions = {}): Record<string, unknown> {
  const name = o.name ?? 'Crux';
  const main = all.find((c) => c.name === MAIN);
  if (!main) throw new Error(`No "${MAIN}" command in commands/.`);
  const url = o.requestUrl ? `${o.requestUrl.replace(/\/+$/, '')}${EVENTS_PATH}` : undefined;
  const shortcuts = all
    .filter((c) => c.kind === 'message')
    .map((c) => ({ name: cut(c.label ?? c.name, 24), type: 'message', callback_id: c.name, description: cut(c.description, 150) }));
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: cut('Find the crux of a debate: verbatim passages, positions and exchanges from your corpus.', 140),
      background_color: '#2c2d30',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      slash_commands: [
        {
          command: SLASH,
          ...(url ? { url } : {}),
          description: cut(main.description, 100),
          usage_hint: cut(usageHint(all), 100),
          should_escape: false,
        },
      ],
      shortcuts,
    },
    oauth_config: { scopes: { bot: [...new Set([...BOT_SCOPES, ...(all.some((c) => c.adminOnly) ? ADMIN_SCOPES : [])])].sort() } },
    settings: {
      event_subscriptions: { ...(url ? { request_url: url } : {}), bot_events: BOT_EVENTS },
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !url,
      token_rotation_enabled: false,
    },
  };
}

export function manifestJson(all: Command[] = registry, o: ManifestOptions = {}): string {
  return `${JSON.stringify(buildManifest(all, o), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--request-url');
  if (i > 0) {
    const requestUrl = process.argv[i + 1];
    if (!requestUrl || !/^https:\/\//.test(requestUrl)) {
      process.stderr.write('--request-url needs the public https:// base URL of your Crux server.\n');
      process.exit(2);
    }
    process.stdout.write(manifestJson(registry, { requestUrl }));
  } else {
    writeFileSync(MANIFEST_PATH, manifestJson());
    process.stderr.write(`wrote ${MANIFEST_PATH}\n`);
  }
}
