// `crux register` (npm run register): turns the neutral command definitions into Discord registrations and sends them
// in one bulk overwrite, to one server when DISCORD_GUILD_ID is set (instant), globally otherwise.
import { REST, Routes, type RESTOptions } from 'discord.js';
import type { Command, CommandOption } from '../../commands/types.ts';
import type { DiscordConfig } from '../../src/config.ts';
import { DISCORD_MANAGE_GUILD } from '../../src/service/settings.ts';

const OPTION_TYPES = { string: 3, integer: 4, boolean: 5 } as const;
/** Where the commands may be used: servers only (answers are per-server settings and channel rate limits). */
const GUILD_CONTEXT = 0;
const GUILD_INSTALL = 0;

export interface RegisterOptions {
  /** Leave out the source filter (a corpus with a single source has nothing to filter). */
  withSourceFilter?: boolean;
}

/** Discord's registration JSON for the commands, checked against Discord's name and length rules. */
export function discordCommands(commands: Command[], o: RegisterOptions = {}): Array<Record<string, unknown>> {
  return commands.map((c) => {
    if (c.kind === 'message') {
      const name = c.label ?? c.name;
      check(name.length >= 1 && name.length <= 32, `message command name "${name}" must be 1-32 characters`);
      return { type: 3, name, contexts: [GUILD_CONTEXT], integration_types: [GUILD_INSTALL] };
    }
    check(/^[-_\p{L}\p{N}]{1,32}$/u.test(c.name) && c.name === c.name.toLowerCase(), `command name "${c.name}" must be 1-32 lower-case letters, digits, - or _`);
    check(c.description.length >= 1 && c.description.length <= 100, `/${c.name}: description must be 1-100 characters`);
    const options = c.options.filter((opt) => o.withSourceFilter !== false || opt.name !== 'source').map((opt) => option(c, opt));
    check(options.length <= 25, `/${c.name}: at most 25 options`);
    // Required options must come first.
    options.sort((a, b) => Number(!!b.required) - Number(!!a.required));
    // Commands for those who manage the server (/crux-config) are shown to members with Manage Server only.
    const perms = c.adminOnly ? { default_member_permissions: String(DISCORD_MANAGE_GUILD) } : {};
    return { type: 1, name: c.name, description: c.description, options, contexts: [GUILD_CONTEXT], integration_types: [GUILD_INSTALL], ...perms };
  });
}

function option(c: Command, o: CommandOption) {
  check(/^[-_\p{L}\p{N}]{1,32}$/u.test(o.name) && o.name === o.name.toLowerCase(), `/${c.name}: option name "${o.name}" is not valid on Discord`);
  check(o.description.length >= 1 && o.description.length <= 100, `/${c.name} ${o.name}: description must be 1-100 characters`);
  return {
    type: OPTION_TYPES[o.type],
    name: o.name,
    description: o.description,
    required: !!o.required,
    ...(o.autocomplete && o.type === 'string' ? { autocomplete: true } : {}),
    ...(o.type === 'integer' && o.min != null ? { min_value: o.min } : {}),
    ...(o.type === 'integer' && o.max != null ? { max_value: o.max } : {}),
    ...(o.type === 'string' && o.maxLength != null ? { max_length: Math.min(6000, o.maxLength) } : {}),
  };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`Cannot register with Discord: ${what}.`);
}

export interface RegisterResult {
  scope: 'guild' | 'global';
  names: string[];
}

/** Sends the registrations; guild-scoped when the config has a guild id. */
export async function registerCommands(
  cfg: DiscordConfig,
  commands: Command[],
  o: RegisterOptions & { rest?: Partial<RESTOptions> } = {},
): Promise<RegisterResult> {
  const rest = new REST({ ...(cfg.apiUrl ? { api: cfg.apiUrl } : {}), ...o.rest }).setToken(cfg.token);
  const body = discordCommands(commands, o);
  const route = cfg.guildId ? Routes.applicationGuildCommands(cfg.applicationId, cfg.guildId) : Routes.applicationCommands(cfg.applicationId);
  const saved = (await rest.put(route, { body })) as Array<{ name: string }>;
  return { scope: cfg.guildId ? 'guild' : 'global', names: saved.map((c) => c.name) };
}

/** `crux register`: reads the configuration, registers, and says what happened. Returns the exit code. */
export async function runRegister(o: {
  io: { out(s: string): void; err(s: string): void };
  sources: () => number;
  commands: Command[];
  config: DiscordConfig | Error | null;
}): Promise<number> {
  const cfg = o.config;
  if (cfg == null) {
    o.io.err('Nothing to register: set DISCORD_TOKEN and DISCORD_APPLICATION_ID in .env (see .env.example).');
    return 2;
  }
  if (cfg instanceof Error) {
    o.io.err(cfg.message);
    return 2;
  }
  try {
    const r = await registerCommands(cfg, o.commands, { withSourceFilter: o.sources() > 1, rest: { retries: 1, timeout: 15_000 } });
    const where = r.scope === 'guild' ? `server ${cfg.guildId} (available now)` : 'every server (global; DISCORD_GUILD_ID is not set)';
    o.io.out(`Registered ${r.names.map((n) => (/\s/.test(n) ? `"${n}"` : `/${n}`)).join(', ')} for ${where}.`);
    return 0;
  } catch (e) {
    const err = e as Error & { status?: number };
    if (err.status === 401) o.io.err('Discord refused DISCORD_TOKEN (401 Unauthorized). Copy the token again from the Bot page of the Developer Portal.');
    else if (err.status === 403 || err.status === 404)
      o.io.err(`Discord refused the registration (${err.status}): check DISCORD_APPLICATION_ID${cfg.guildId ? ', DISCORD_GUILD_ID, and that the bot was invited to that server with the applications.commands scope' : ''}. ${err.message}`);
    else o.io.err(`Could not register the commands with Discord: ${err.message}`);
    return 2;
  }
}
