// A command is data (name, description, options) plus a handler; adapters turn the data into registrations.
import type { ServedEngine } from '../src/core/engine.ts';
import type { Reply } from '../src/core/reply.ts';
import type { Store } from '../src/service/store.ts';
import type { CommunitySettings } from '../src/service/settings.ts';
import type { EngineChooser } from '../src/service/engines.ts';
import type { CaptureControl } from '../src/service/capture/control.ts';
import type { Correction } from '../src/positions/corrections.ts';

export type OptionType = 'string' | 'integer' | 'boolean';

export interface CommandOption {
  name: string;
  description: string;
  type: OptionType;
  required?: boolean;
  /** Suggest values while the user types (Discord autocomplete). */
  autocomplete?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  /**
   * The core also reads this option as name:value inside the topic (the filters of src/core/filters.ts): text front ends
   * (Slack) leave it in the topic, where it keeps working with everything that redoes the query (buttons).
   */
  inTopic?: boolean;
  /** How to give this option at the terminal prompt ('author:NAME' in the topic, ':limit N'); without it, it does not apply there. */
  prompt?: string;
}

export type ArgValue = string | number | boolean | undefined;
export type Args = Record<string, ArgValue>;

/** Who is asking and where: adapters fill what their platform knows. */
export interface CommandContext {
  engine: ServedEngine;
  platform: 'terminal' | 'discord' | 'slack';
  userId?: string;
  /** Server (Discord guild) or workspace (Slack team) id, for per-community settings. */
  communityId?: string;
  /** The shared store (per-community settings live there); needed by /crux-config. */
  store?: Store;
  /** The community's settings (src/service/settings.ts getSettings), when the adapter looked them up. */
  settings?: CommunitySettings;
  /** Engines for named corpora (data/corpora.json), for communities that chose some (settings.corpora). */
  engines?: EngineChooser;
  /** May this person change the community's settings? (Discord: Manage Server; Slack: admins or CRUX_SLACK_CONFIG_USERS.) */
  canConfigure?: boolean;
  /** Live capture of this community's channels, where the platform offers it (src/service/capture/). */
  capture?: CaptureControl;
  /** Tells the person who asked more, after the reply (progress of work that goes on, such as a backfill). */
  followUp?: (text: string, final: boolean) => Promise<unknown> | void;
  /** The community's corrections of sides (src/service/corrections.ts), applied to its answers. */
  corrections?: readonly Correction[];
}

export interface Command {
  name: string;
  description: string;
  /** 'chat' is a slash command; 'message' acts on a message (Discord context menu, Slack message shortcut). */
  kind: 'chat' | 'message';
  /** For message commands: the label users see ("Find the crux"). */
  label?: string;
  options: CommandOption[];
  examples: string[];
  /**
   * For people who manage the community only (/crux-config). Discord registers it with default_member_permissions =
   * Manage Server; Slack checks admins or CRUX_SLACK_CONFIG_USERS and sets canConfigure.
   */
  adminOnly?: boolean;
  /** How to use it at the terminal prompt (':help'; 'TOPIC' for the line itself); without it, the prompt does not offer it. */
  prompt?: string;
  run(ctx: CommandContext, args: Args): Reply | Promise<Reply>;
}

export function defineCommand(c: Command): Command {
  return c;
}
