// Turns one Discord interaction into a command run and a reply: rate limits, visibility, answering directly or
// deferring first, buttons, autocomplete, and a short apology with a reference id when something breaks.
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { commands } from '../../commands/index.ts';
import type { Args, Command, CommandContext } from '../../commands/types.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, type ServedEngine } from '../../src/core/engine.ts';
import { currentRequestId, newRequestId, withRequest } from '../../src/service/log.ts';
import { checkRate, slowDownMessage, type RateLimit } from '../../src/service/ratelimit.ts';
import type { Reply } from '../../src/core/reply.ts';
import type { Store } from '../../src/service/store.ts';
import { discordMayConfigure, getSettings, type CommunitySettings } from '../../src/service/settings.ts';
import { servedSuggester, type ServedSuggester } from '../../src/core/suggest.ts';
import { engineForCommunity, type EngineChooser } from '../../src/service/engines.ts';
import { isUserError } from '../../src/errors.ts';
import { fold } from '../../src/core/text.ts';
import { LIMITS } from './fit.ts';
import type { PlatformCapture } from '../../src/service/capture/control.ts';
import { renderAnswer, renderApology, renderReply, renderText, type DiscordMessage } from './render.ts';
import { correctionPicker, MARK_PREFIX, saveMark } from './corrections.ts';
import { listCorrections } from '../../src/service/corrections.ts';
import { BUTTON_TTL_MS, buttonIds, decodeButton, FIRST_VIEW, type AnswerState, type FilterOptions } from './state.ts';

type Log = { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };

export interface HandlerOptions {
  engine: ServedEngine;
  /** Engines for the named corpora a server may choose (/crux-config corpora). */
  engines?: EngineChooser;
  store: Store;
  log: Log;
  /** The suggester for the engine in service (it may be swapped for a rebuilt one while running). */
  suggester: () => ServedSuggester;
  /** Servers (guild ids) whose answers are public by default; '*' for all. Others answer ephemerally. */
  publicGuilds?: string[];
  /** Answer directly only if the reply can be sent within this many ms of the interaction's creation. */
  replyBudgetMs?: number;
  buttonTtlMs?: number;
  limits?: { user?: RateLimit; channel?: RateLimit };
  now?: () => number;
  /** Live capture (adapters/discord/capture.ts): /crux-config capture, /crux-forget-me, and captured messages in answers. */
  capture?: PlatformCapture;
}

/** /crux's filter options (author, since, until, min-score), when any was given. */
function filterOptionsOf(i: ChatInputCommandInteraction): { filters?: FilterOptions } {
  const f: FilterOptions = {};
  for (const name of ['author', 'since', 'until'] as const) {
    const v = i.options.getString(name)?.trim();
    if (v) f[name] = v;
  }
  const min = i.options.getInteger('min-score');
  if (min != null) f['min-score'] = min;
  return Object.keys(f).length ? { filters: f } : {};
}

/** The message shown when a button's state is gone. */
export const EXPIRED_TEXT = 'These buttons have expired. Run /crux again for a fresh answer.';

/** A rendered message, and whether it reports a mistake (shown to the asker only) rather than an answer. */
interface Built {
  msg: DiscordMessage;
  isError: boolean;
}

/** What the handler has said so far on one interaction, to know how to add an apology. */
type Said = 'nothing' | 'deferred-reply' | 'deferred-update' | 'done';

const REPLY_BUDGET_MS = 1500;

/** Keeps the slowest recent answer times, to guess whether the next one may miss Discord's 3-second deadline. */
class Timing {
  private recent: number[] = [];
  constructor(private readonly initial: number) {}
  record(ms: number): void {
    this.recent.push(ms);
    if (this.recent.length > 20) this.recent.shift();
  }
  expected(): number {
    return this.recent.length ? Math.max(...this.recent) : this.initial;
  }
}

export function createHandler(o: HandlerOptions): (i: Interaction) => Promise<void> {
  const now = o.now ?? Date.now;
  const budget = o.replyBudgetMs ?? REPLY_BUDGET_MS;
  const ttl = o.buttonTtlMs ?? BUTTON_TTL_MS;
  // A first guess before any answer was timed: about a millisecond per 2,000 indexed passages.
  const timing = new Timing(10 + o.engine.stats.unique / 2000);
  const publicAll = o.publicGuilds?.includes('*') ?? false;
  const publicGuilds = new Set(o.publicGuilds ?? []);

  const byName = (name: string, kind: Command['kind']) => commands.find((c) => c.kind === kind && (kind === 'message' ? (c.label ?? c.name) : c.name) === name);
  // The server's settings (/crux-config), looked up once per interaction.
  const settingsMemo = new WeakMap<Interaction, Promise<CommunitySettings>>();
  const settingsOf = (i: Interaction): Promise<CommunitySettings> => {
    let s = settingsMemo.get(i);
    if (!s) settingsMemo.set(i, (s = getSettings(o.store, 'discord', i.guildId)));
    return s;
  };
  const ctxFor = async (i: Interaction, cmd: Command): Promise<CommandContext> => ({
    engine: o.engine,
    engines: o.engines,
    platform: 'discord',
    userId: i.user.id,
    communityId: i.guildId ?? undefined,
    store: o.store,
    settings: await settingsOf(i),
    canConfigure: cmd.adminOnly ? discordMayConfigure(i.memberPermissions?.bitfield) : undefined,
    capture: i.guildId ? o.capture?.control(i.guildId) : undefined,
    followUp: i.isRepliable() ? progressTo(i) : undefined,
    corrections: cmd.name === 'crux' || cmd.kind === 'message' ? await listCorrections(o.store, 'discord', i.guildId) : undefined,
  });
  /** A server's /crux-config visibility wins over DISCORD_PUBLIC_GUILDS; without either, answers are ephemeral. */
  const ephemeralByDefault = async (i: Interaction) => {
    const v = (await settingsOf(i)).visibility;
    return v ? v === 'ephemeral' : !(publicAll || (i.guildId != null && publicGuilds.has(i.guildId)));
  };

  /** Runs a command, timing it for the deferral guess. */
  async function run(cmd: Command, i: Interaction, args: Args): Promise<Reply> {
    const t0 = performance.now();
    try {
      return await cmd.run(await ctxFor(i, cmd), args);
    } finally {
      timing.record(performance.now() - t0);
    }
  }

  /** Defer when the reply might not make it within the budget: the interaction is already old, or answers are slow. */
  // Answers are computed one after another (the search is synchronous), so an interaction waits for those ahead of it.
  let waiting = 0;
  function mayBeLate(i: Interaction): boolean {
    const age = Math.max(0, now() - i.createdTimestamp);
    return age + (waiting + 1) * timing.expected() > budget;
  }

  /**
   * Sends what build() makes, as a new reply or as an update of the message a button is on.
   * When the answer may be late it first defers (Discord shows "thinking…"), then edits the original.
   */
  async function deliver(
    i: RepliableInteraction,
    how: { update: boolean; ephemeral: boolean },
    said: { v: Said },
    build: () => Promise<Built>,
  ): Promise<void> {
    const late = mayBeLate(i);
    // Counted as waiting until its answer is computed, so those arriving meanwhile know to defer.
    waiting++;
    let queued = true;
    const computed = async () => {
      try {
        return await build();
      } finally {
        waiting--;
        queued = false;
      }
    };
    /** Defers (Discord shows "thinking…"), then edits the original with what `pending` gives. */
    const deferred = async (pending: () => Promise<Built>) => {
      if (how.update) {
        await (i as ButtonInteraction).deferUpdate();
        said.v = 'deferred-update';
      } else {
        await i.deferReply(how.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
        said.v = 'deferred-reply';
      }
      const { msg, isError } = await pending();
      if (!isError || (said.v === 'deferred-reply' && how.ephemeral)) await i.editReply(msg);
      else {
        // A mistake is told to the asker only: never in place of an answer, never in public.
        if (said.v === 'deferred-reply') await i.deleteReply();
        await i.followUp({ ...msg, flags: MessageFlags.Ephemeral });
      }
    };
    try {
      if (late) await deferred(computed);
      else {
        const pending = computed();
        // An answer slower than expected (a corpus still being opened, a busy engine thread) is deferred in time.
        const room = Math.max(0, budget - Math.max(0, now() - i.createdTimestamp));
        let timer: NodeJS.Timeout | undefined;
        const slow = await Promise.race([pending.then(() => false, () => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), room)))]);
        clearTimeout(timer);
        if (slow) await deferred(() => pending);
        else {
          const { msg, isError } = await pending;
          if (isError) await i.reply({ ...msg, flags: MessageFlags.Ephemeral });
          else if (how.update) await (i as ButtonInteraction).update(msg);
          else await i.reply({ ...msg, flags: how.ephemeral ? MessageFlags.Ephemeral : undefined });
        }
      }
      said.v = 'done';
    } finally {
      if (queued) waiting--;
    }
  }

  /** Runs /crux (or a button's redo of it) and renders the page a view asks for. */
  async function answerPage(i: Interaction, state: AnswerState, ephemeral: boolean, extra: { originUrl?: string; postedBy?: string } = {}): Promise<Built> {
    const crux = byName('crux', 'chat')!;
    const want = Math.min(MAX_LIMIT, state.view.off + state.limit + 1);
    const reply = await run(crux, i, { topic: state.query, limit: want, source: state.source ?? undefined, ...state.filters });
    if (reply.kind !== 'answer') return { msg: renderReply(reply, commands), isError: reply.kind === 'error' };
    const ids = await buttonIds(o.store, { kind: state.kind, query: state.query, source: state.source, filters: state.filters, limit: state.limit }, now(), ttl);
    const msg = renderAnswer(reply.answer, {
      view: state.view,
      pageSize: state.limit,
      ephemeral,
      heading: state.kind === 'find' ? 'Find the crux' : 'Crux',
      buttonId: ids,
      ...extra,
    }).message;
    return { msg, isError: false };
  }

  /** Counts the request against the user's and the channel's limits; replies "slow down" when over. */
  async function allowed(i: RepliableInteraction, said: { v: Said }): Promise<boolean> {
    const s = await settingsOf(i);
    const limits = o.limits ?? { user: s.userLimit, channel: s.channelLimit };
    const v = await checkRate(o.store, 'discord', { userId: i.user.id, channelId: i.channelId ?? undefined }, limits);
    if (v.ok) return true;
    o.log.info('discord: rate limited', { scope: v.scope, user: i.user.id, channel: i.channelId });
    await i.reply({ ...renderText(slowDownMessage(v)), flags: MessageFlags.Ephemeral });
    said.v = 'done';
    return false;
  }

  async function onChatInput(i: ChatInputCommandInteraction, said: { v: Said }): Promise<void> {
    const cmd = byName(i.commandName, 'chat');
    if (!cmd) {
      await i.reply({ ...renderText(`Crux does not know /${i.commandName} any more. Ask a server admin to run "npm run register".`), flags: MessageFlags.Ephemeral });
      return;
    }
    if (cmd.name !== 'crux') {
      // /crux-help, /crux-config and any other plain command: always just for the asker.
      const args: Args = Object.fromEntries(cmd.options.map((op) => [op.name, i.options.get(op.name)?.value as Args[string]]));
      const reply = await run(cmd, i, args);
      const msg = reply.kind === 'answer' ? renderAnswer(reply.answer, { view: FIRST_VIEW, pageSize: DEFAULT_LIMIT, ephemeral: true }).message : renderReply(reply, commands);
      await i.reply({ ...msg, flags: MessageFlags.Ephemeral });
      said.v = 'done';
      return;
    }
    if (!(await allowed(i, said))) return;
    const pub = i.options.getBoolean('public');
    const ephemeral = pub == null ? await ephemeralByDefault(i) : !pub;
    const limit = i.options.getInteger('limit') ?? DEFAULT_LIMIT;
    const state: AnswerState = {
      kind: 'crux',
      query: i.options.getString('topic') ?? '',
      source: i.options.getString('source')?.trim() || null,
      ...filterOptionsOf(i),
      limit: Math.min(MAX_LIMIT, Math.max(1, limit)),
      view: FIRST_VIEW,
    };
    await deliver(i, { update: false, ephemeral }, said, () => answerPage(i, state, ephemeral));
  }

  async function onMessageCommand(i: MessageContextMenuCommandInteraction, said: { v: Said }): Promise<void> {
    const cmd = byName(i.commandName, 'message');
    if (!cmd) {
      await i.reply({ ...renderText(`Crux does not know "${i.commandName}" any more.`), flags: MessageFlags.Ephemeral });
      return;
    }
    if (!(await allowed(i, said))) return;
    const ephemeral = await ephemeralByDefault(i);
    const text = i.targetMessage.content ?? '';
    const originUrl = i.targetMessage.url;
    await deliver(i, { update: false, ephemeral }, said, async () => {
      const reply = await run(cmd, i, { text });
      if (reply.kind !== 'answer') return { msg: renderReply(reply, commands), isError: reply.kind === 'error' };
      const ids = await buttonIds(o.store, { kind: 'find', query: text, source: null, limit: DEFAULT_LIMIT }, now(), ttl);
      const msg = renderAnswer(reply.answer, {
        view: FIRST_VIEW,
        pageSize: DEFAULT_LIMIT,
        // The command asks for one page; a full page may have more behind it.
        morePassages: reply.answer.passages.length >= DEFAULT_LIMIT,
        ephemeral,
        heading: 'Find the crux',
        originUrl,
        buttonId: ids,
      }).message;
      return { msg, isError: false };
    });
  }

  async function onButton(i: ButtonInteraction, said: { v: Said }): Promise<void> {
    if (i.customId.startsWith(MARK_PREFIX)) {
      await i.reply({ ...(await saveMark(o.store, i.customId, i.user.id, i.guildId)), flags: MessageFlags.Ephemeral });
      said.v = 'done';
      return;
    }
    const decoded = await decodeButton(o.store, i.customId, now(), ttl);
    if (!decoded.ok) {
      await i.reply({ ...renderText(EXPIRED_TEXT), flags: MessageFlags.Ephemeral });
      said.v = 'done';
      return;
    }
    if (!(await allowed(i, said))) return;
    const { action, state } = decoded.pressed;
    const originUrl = i.message.embeds[0]?.url ?? undefined;
    if (action === 'correct') {
      // The quotes of the position in focus, each with "other side" and "no side", for the presser alone.
      const reply = await run(byName('crux', 'chat')!, i, { topic: state.query, limit: state.limit, source: state.source ?? undefined, ...state.filters });
      const msg = reply.kind === 'answer' ? await correctionPicker(o.store, reply.answer, state.view.pos, i.guildId, ttl) : renderReply(reply, commands);
      await i.reply({ ...msg, flags: MessageFlags.Ephemeral });
      said.v = 'done';
      return;
    }
    if (action === 'post') {
      await deliver(i, { update: false, ephemeral: false }, said, () => answerPage(i, state, false, { originUrl, postedBy: i.user.id }));
      return;
    }
    // The asker moves through their own answer in place; anyone else gets their own copy, just for them.
    const mine = i.message.flags.has(MessageFlags.Ephemeral) || i.message.interactionMetadata?.user.id === i.user.id;
    const ephemeral = mine ? i.message.flags.has(MessageFlags.Ephemeral) : true;
    await deliver(i, { update: mine, ephemeral }, said, () => answerPage(i, state, ephemeral, { originUrl }));
  }

  /** Suggestions from the corpora the server searches (/crux-config corpora), else from the corpus in service. */
  function suggesterOf(settings: CommunitySettings): ServedSuggester {
    if (!settings.corpora?.length || !o.engines) return o.suggester();
    try {
      return servedSuggester(engineForCommunity(o.engine, o.engines, settings));
    } catch (e) {
      if (!isUserError(e)) throw e;
      return o.suggester(); // a corpus name the install no longer has: /crux itself says so
    }
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    const typed = String(focused.value ?? '');
    const settings = await settingsOf(i);
    const suggester = suggesterOf(settings);
    let found =
      i.commandName !== 'crux' ? [] : focused.name === 'source' ? await suggester.suggestTitles(typed, LIMITS.choices) : await suggester.suggest(typed, LIMITS.choices);
    // A server that enabled only some sources (/crux-config) is offered only those.
    const enabled = focused.name === 'source' ? settings.sources : null;
    if (enabled) found = found.filter((s) => enabled.some((e) => fold(s.text).includes(fold(e))));
    const seen = new Set<string>();
    const choices: Array<{ name: string; value: string }> = [];
    for (const s of found) {
      const value = choiceValue(s.text);
      if (!value || seen.has(value)) continue;
      seen.add(value);
      choices.push({ name: choiceName(s.text), value });
      if (choices.length >= LIMITS.choices) break;
    }
    await i.respond(choices);
  }

  async function dispatch(i: Interaction, said: { v: Said }): Promise<void> {
    if (i.isAutocomplete()) return onAutocomplete(i);
    if (i.isChatInputCommand()) return onChatInput(i, said);
    if (i.isMessageContextMenuCommand()) return onMessageCommand(i, said);
    if (i.isButton()) return onButton(i, said);
  }

  async function apologize(i: Interaction, said: Said, ref: string): Promise<void> {
    if (!i.isRepliable()) return;
    const msg = renderApology(ref);
    if (said === 'deferred-reply') await i.editReply(msg);
    else if (said === 'nothing') await i.reply({ ...msg, flags: MessageFlags.Ephemeral });
    else await i.followUp({ ...msg, flags: MessageFlags.Ephemeral });
  }

  return (i: Interaction) =>
    withRequest({ platform: 'discord', reqId: newRequestId(), interaction: i.id, user: i.user.id, guild: i.guildId ?? null }, async () => {
      const said = { v: 'nothing' as Said };
      try {
        await dispatch(i, said);
      } catch (e) {
        const ref = currentRequestId() ?? newRequestId();
        const err = e as Error & { status?: number; code?: unknown; url?: string };
        o.log.error(`discord: ${describe(i)} failed: ${err.message}`, { ref, status: err.status, code: err.code, err: { message: err.message, stack: err.stack } });
        try {
          await apologize(i, said.v, ref);
        } catch (e2) {
          o.log.warn(`discord: could not send the apology for ${ref}: ${(e2 as Error).message}`, { ref });
        }
      }
    });
}

function describe(i: Interaction): string {
  if (i.isChatInputCommand() || i.isAutocomplete()) return `${i.isAutocomplete() ? 'autocomplete for ' : ''}/${i.commandName}`;
  if (i.isMessageContextMenuCommand()) return `"${i.commandName}"`;
  if (i.isButton()) return `button ${i.customId.split(':').slice(0, 2).join(':')}`;
  return `interaction type ${i.type}`;
}

/** A choice's label: one line, at most 100 characters. */
function choiceName(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= LIMITS.choiceName ? one : one.slice(0, LIMITS.choiceName - 1).replace(/\s+\S*$/, '') + '…';
}

/** A choice's value is what gets searched: whole words, at most 100 characters, no ellipsis. */
function choiceValue(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  if (one.length <= LIMITS.choiceValue) return one;
  const cut = one.slice(0, LIMITS.choiceValue + 1);
  const at = cut.lastIndexOf(' ');
  return (at > 0 ? cut.slice(0, at) : one.slice(0, LIMITS.choiceValue)).trim();
}


/**
 * Reports later progress (a backfill) to the person who asked, in one ephemeral follow-up message edited as it goes,
 * once the reply itself is sent. Interaction tokens last 15 minutes; later reports are dropped (/crux-config shows it).
 */
function progressTo(i: RepliableInteraction): (text: string) => Promise<unknown> {
  let message: Promise<string> | null = null;
  return async (text) => {
    if (Date.now() - i.createdTimestamp > 14 * 60_000) return;
    for (let waited = 0; !i.replied && !i.deferred && waited < 5_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const msg = { ...renderText(text), flags: MessageFlags.Ephemeral as const };
    if (!message) message = i.followUp(msg).then((m) => m.id);
    else await i.editReply({ ...renderText(text), message: await message });
    return message;
  };
}
