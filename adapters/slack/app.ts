// The Slack front end: a Bolt App (HTTP or Socket Mode) that parses Slack's events, runs the neutral commands, and
// sends the rendered reply. Every handler acks first (Slack's 3 s deadline), then answers through respond(),
// chat.postMessage (threads) or chat.postEphemeral; retried events and repeated clicks are answered once.
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type BlockAction, type ButtonAction, type Logger } from '@slack/bolt';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { commands as registry, type Args, type Command, type CommandContext } from '../../commands/index.ts';
import { parseConfigText } from '../../commands/crux-config.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, type ServedEngine } from '../../src/core/engine.ts';
import type { EngineChooser } from '../../src/service/engines.ts';
import { newRequestId, withRequest } from '../../src/service/log.ts';
import { checkRate, slowDownMessage, type RateLimit } from '../../src/service/ratelimit.ts';
import type { HelpEntry, Reply } from '../../src/core/reply.ts';
import type { Store } from '../../src/service/store.ts';
import { checkCommunityRate, getSettings, slackMayConfigure } from '../../src/service/settings.ts';
import { MAIN, parseInvocation, plainText, slackExamples, slackUsage, SLASH, subcommandOf } from './commands.ts';
import { correctionPicker, MARK_ACTION, saveMark } from './corrections.ts';
import { listCorrections } from '../../src/service/corrections.ts';
import { ACTIONS, MAX_BLOCKS, renderHelp, renderNotice, renderReply, type SlackMessage } from './render.ts';
import { decodeView, encodeView, STATE_TTL_MS, type View } from './view.ts';
import type { CaptureService } from '../../src/service/capture/service.ts';
import type { PlatformCapture } from '../../src/service/capture/control.ts';
import { slackCapture } from './capture.ts';

export interface SlackLog {
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
}

export type SlackTransport =
  | { mode: 'http'; signingSecret: string; port: number; host?: string }
  | { mode: 'socket'; appToken: string };

export interface SlackLimits {
  user?: RateLimit;
  channel?: RateLimit;
  /** Clicks on "More passages", "Next position", "Show exchange", per user. */
  buttons?: RateLimit;
}

export interface SlackOptions {
  engine: ServedEngine;
  /** Engines for the named corpora a workspace may choose (/crux config corpora). */
  engines?: EngineChooser;
  store: Store;
  log: SlackLog;
  botToken: string;
  transport: SlackTransport;
  /** Slack Web API base URL (SLACK_API_URL); default Slack's own. */
  apiUrl?: string | null;
  /** Web API retries (default: the SDK's). Tests use { retries: 0 }. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /** Rate limits: by default each workspace's settings (/crux config); given here they apply to all; false: none. */
  limits?: SlackLimits | false;
  /** Slack user ids who may change settings besides workspace admins and owners (CRUX_SLACK_CONFIG_USERS). */
  configUsers?: string[];
  /** The command definitions (default: commands/). */
  commands?: Command[];
  /** Log Bolt's own debug and info lines too. */
  verbose?: boolean;
  /** Live capture (issue 17): the workspace's channels that it turned on become its corpus. */
  capture?: CaptureService;
  /** Backfill of a channel turned on: days back and most messages (CRUX_CAPTURE_DAYS, CRUX_CAPTURE_MESSAGES). */
  captureBackfill?: { days: number; messages: number };
  /** Least time between two history requests while backfilling (default about 50 a minute, Slack's tier 3). */
  historyPaceMs?: number;
}

export interface RunningSlack {
  name: string;
  app: App;
  /** The HTTP port listened on (HTTP mode), else null. */
  port: number | null;
  botUserId: string;
  stop(): Promise<void>;
  connected(): boolean;
}

/** A start-up problem the operator must fix; the message names the variable. */
export class SlackStartError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'SlackStartError';
  }
}

/** Slack's retry schedule ends within minutes; an hour covers it with room to spare. */
export const DEDUPE_TTL_MS = 3600_000;
export const DEFAULT_BUTTON_LIMIT: RateLimit = { max: 30, windowMs: 60_000 };
/** "More passages" adds this many. */
export const MORE_STEP = 5;

const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/**
 * Lets the ack reach the wire before the (synchronous) search runs: Node flushes an HTTP response on the next tick,
 * and code after `await ack()` would otherwise run first, holding the ack back for as long as the answer takes.
 */
const flushAck = () => new Promise<void>((r) => setImmediate(r));

/**
 * Runs CPU-bound jobs (the search) one at a time, each in its own turn of the event loop, so requests that arrive
 * meanwhile are read and acked between two answers: the ack waits for at most one search, however many are queued.
 */
export function turnQueue(): <T>(job: () => T | Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => T | Promise<T>) => {
    const p = tail.then(() => new Promise<void>((r) => setImmediate(r))).then(job);
    tail = p.catch(() => {});
    return p;
  };
}
const NOT_IN_CONVERSATION = new Set(['not_in_channel', 'channel_not_found']);

const slackErrorCode = (e: unknown): string | undefined => (e as { data?: { error?: unknown } })?.data?.error as string | undefined;

function apiBase(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

/** Bolt's logger interface over ours: warnings and errors always, the rest only when verbose. */
function boltLogger(log: SlackLog, verbose: boolean): Logger {
  let level = verbose ? LogLevel.DEBUG : LogLevel.WARN;
  const line = (m: unknown[]) => `slack: ${m.map((x) => (x instanceof Error ? x.message : typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}`;
  const errOf = (m: unknown[]) => m.find((x) => x instanceof Error);
  return {
    debug: (...m) => void (verbose && log.info(line(m))),
    info: (...m) => void (verbose && log.info(line(m))),
    warn: (...m) => log.warn(line(m)),
    error: (...m) => log.error(line(m), errOf(m) ? { err: errOf(m) } : undefined),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

/** Checks the bot token with auth.test, turning Slack's answer into a message that names the variable. */
async function verifyBotToken(o: SlackOptions, logger: Logger): Promise<BotInfo> {
  const client = new webApi.WebClient(o.botToken, {
    slackApiUrl: apiBase(o.apiUrl),
    retryConfig: o.retryConfig ?? { retries: 2 },
    logger,
  });
  let res;
  try {
    res = await client.auth.test();
  } catch (e) {
    const code = slackErrorCode(e);
    if (code) throw new SlackStartError('SLACK_BOT_TOKEN', `SLACK_BOT_TOKEN was rejected by Slack (${code}). Copy the Bot User OAuth Token (xoxb-…) from your app's "OAuth & Permissions" page.`);
    throw new SlackStartError('SLACK_API_URL', `Could not reach the Slack Web API at ${apiBase(o.apiUrl) ?? 'https://slack.com/api/'}: ${(e as Error).message}`);
  }
  if (!res.user_id || !res.bot_id) throw new SlackStartError('SLACK_BOT_TOKEN', 'SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id). Use the Bot User OAuth Token (xoxb-…).');
  return { userId: res.user_id, botId: res.bot_id, name: res.user ?? 'crux', team: res.team_id ?? '', url: res.url ?? null, scopes: res.response_metadata?.scopes ?? null };
}

/** Who the bot is (auth.test): its ids, workspace, the workspace's URL, and the token's scopes when Slack says. */
interface BotInfo {
  userId: string;
  botId: string;
  name: string;
  team: string;
  url: string | null;
  scopes: string[] | null;
}

/** Starts the Slack front end. Rejects with a SlackStartError (naming the variable) when a credential is wrong. */
export async function startSlack(o: SlackOptions): Promise<RunningSlack> {
  if (!o.botToken.startsWith('xoxb-')) throw new SlackStartError('SLACK_BOT_TOKEN', 'SLACK_BOT_TOKEN must be a bot token starting with "xoxb-".');
  if (o.transport.mode === 'socket' && !o.transport.appToken.startsWith('xapp-'))
    throw new SlackStartError('SLACK_APP_TOKEN', 'SLACK_APP_TOKEN must be an app-level token starting with "xapp-" (with the connections:write scope).');
  if (o.transport.mode === 'http' && !o.transport.signingSecret)
    throw new SlackStartError('SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET is empty: copy the Signing Secret from your app\'s "Basic Information" page.');
  const logger = boltLogger(o.log, o.verbose ?? false);
  const bot = await verifyBotToken(o, logger);
  const clientOptions = { slackApiUrl: apiBase(o.apiUrl), ...(o.retryConfig ? { retryConfig: o.retryConfig } : {}) };
  const t = o.transport;
  const receiver =
    t.mode === 'http'
      ? new HTTPReceiver({ signingSecret: t.signingSecret, logger, processBeforeResponse: false })
      : new SocketModeReceiver({ appToken: t.appToken, logger, installerOptions: { clientOptions } });
  const app = new App({ token: o.botToken, botId: bot.botId, botUserId: bot.userId, receiver, logger, clientOptions });
  const capture = o.capture
    ? slackCapture(app, o.capture, {
        store: o.store,
        log: o.log,
        team: bot.team,
        botUserId: bot.userId,
        workspaceUrl: bot.url,
        scopes: bot.scopes,
        backfillDays: o.captureBackfill?.days,
        backfillMessages: o.captureBackfill?.messages,
        historyPaceMs: o.historyPaceMs,
        // A response_url takes 5 messages: the reply, then a few reports.
        reportEveryMs: 60_000,
        once: (key) => o.store.claim(key, DEDUPE_TTL_MS),
      })
    : undefined;
  wire(app, o, bot, capture);

  let live = false;
  let port: number | null = null;
  if (t.mode === 'http') {
    let server: Server;
    try {
      server = (await app.start({ port: t.port, host: t.host })) as Server;
    } catch (e) {
      throw new SlackStartError('PORT', `Could not listen for Slack on port ${t.port}: ${(e as Error).message}`);
    }
    port = (server.address() as AddressInfo).port;
    live = true;
    server.on('close', () => (live = false));
  } else {
    const client = (receiver as SocketModeReceiver).client;
    client.on('connected', () => (live = true));
    client.on('disconnected', () => (live = false));
    client.on('reconnecting', () => (live = false));
    try {
      await app.start();
    } catch (e) {
      const code = slackErrorCode(e);
      throw new SlackStartError('SLACK_APP_TOKEN', `Socket Mode could not connect${code ? ` (${code})` : `: ${(e as Error).message}`}. Check SLACK_APP_TOKEN: an app-level token (xapp-…) with connections:write, and Socket Mode enabled for the app.`);
    }
    live = true;
  }
  return {
    name: 'Slack',
    app,
    port,
    botUserId: bot.userId,
    connected: () => live,
    stop: async () => {
      live = false;
      await capture?.stop();
      await app.stop();
    },
  };
}

/**
 * Reports later progress (a backfill) through the command's response_url, after the reply: it takes five messages in
 * 30 minutes, so at most three reports go out and the last one is kept for the end.
 */
function progressTo(send: (m: SlackMessage) => Promise<unknown>): (text: string, final: boolean) => Promise<unknown> | undefined {
  let used = 1;
  return (text, final) => {
    if (used >= (final ? 5 : 4)) return undefined;
    used++;
    return send(renderNotice(text));
  };
}

/** Registers the handlers: /crux, mentions, the message shortcut, and the answer buttons. */
function wire(app: App, o: SlackOptions, bot: { userId: string; name: string }, capture: PlatformCapture | undefined): void {
  const cmds = o.commands ?? registry;
  const { engine, store, log } = o;
  const main = cmds.find((c) => c.name === MAIN)!;
  const findCrux = cmds.find((c) => c.kind === 'message');
  const once = (key: string) => store.claim(key, DEDUPE_TTL_MS);
  const turn = turnQueue();

  /** Workspace admins and owners, and CRUX_SLACK_CONFIG_USERS, may change settings (users.info needs users:read). */
  async function mayConfigure(user: string | undefined): Promise<boolean> {
    if (!user) return false;
    if (o.configUsers?.includes(user)) return true;
    try {
      const res = await app.client.users.info({ user });
      return !!res.user && slackMayConfigure({ ...res.user, id: user }, o.configUsers ?? []);
    } catch (e) {
      log.warn('slack: could not look up whether a user is a workspace admin (is the users:read scope granted?)', { user, error: slackErrorCode(e) ?? (e as Error).message });
      return false;
    }
  }

  /** Runs a command with the workspace's settings; the search itself waits for its turn (see turnQueue). */
  async function run(c: Command, args: Args, who: { user?: string; team?: string }, followUp?: CommandContext['followUp']): Promise<Reply> {
    const ctx: CommandContext = {
      engine,
      engines: o.engines,
      platform: 'slack',
      userId: who.user,
      communityId: who.team,
      store,
      settings: await getSettings(store, 'slack', who.team),
      canConfigure: c.adminOnly ? await mayConfigure(who.user) : undefined,
      capture: who.team ? capture?.control(who.team) : undefined,
      followUp,
      corrections: c.name === main.name || c.kind === 'message' ? await listCorrections(store, 'slack', who.team) : undefined,
    };
    return turn(() => c.run(ctx, args));
  }

  /** null when allowed, else the friendly "slow down" text. */
  async function slowDown(who: { user?: string; team?: string }, channel: string | undefined, kind: 'ask' | 'button'): Promise<string | null> {
    if (o.limits === false) return null;
    const given = o.limits;
    let v;
    if (kind === 'button') v = await checkRate(store, 'slack-button', { userId: who.user }, { user: given?.buttons ?? DEFAULT_BUTTON_LIMIT });
    else if (given) v = await checkRate(store, 'slack', { userId: who.user, channelId: channel }, { user: given.user, channel: given.channel });
    else v = await checkCommunityRate(store, 'slack', { userId: who.user, channelId: channel }, await getSettings(store, 'slack', who.team));
    return v.ok ? null : slowDownMessage(v);
  }

  const parse = (text: string) => parseInvocation(text, cmds, { 'crux-config': parseConfigText });

  const help = (entries: HelpEntry[]): SlackMessage =>
    renderHelp(
      entries.map((e) => {
        const c = cmds.find((x) => x.name === e.name || x.label === e.name);
        return c ? { ...e, usage: slackUsage(c), examples: slackExamples(c) } : { ...e, usage: e.name };
      }),
      [`In a thread, mention <@${bot.userId}> with a topic (\`@${bot.name} hyperstition\`) to answer there; the message shortcut answers in the message's thread.`],
    );

  async function render(reply: Reply, view: View | null, post: 'channel' | 'thread' | null): Promise<SlackMessage> {
    if (reply.kind !== 'answer' || !view) return renderReply(reply, { help });
    const limit = view.limit ?? DEFAULT_LIMIT;
    return renderReply(reply, {
      view,
      state: await encodeView(view, store),
      canShowMore: limit < MAX_LIMIT && reply.answer.passages.length >= limit,
      post,
      help,
    });
  }

  const notInConversation = () =>
    renderNotice(
      `Crux is not a member of this conversation, so it cannot post here. Invite it with \`/invite @${bot.name}\` and try again, or use \`${SLASH} <topic>\`, which answers anywhere.`,
      { mrkdwn: true },
    );

  /** Runs one interaction with a request id; on an unexpected error, logs the cause and sends an apology with the id. */
  async function guard(fields: Record<string, unknown>, what: string, fn: () => Promise<unknown>, apologize: (m: SlackMessage) => Promise<unknown>) {
    const reqId = newRequestId();
    await withRequest({ platform: 'slack', ...fields, reqId }, async () => {
      try {
        await fn();
      } catch (err) {
        log.error(`slack: ${what} failed (ref ${reqId}): ${(err as Error)?.message ?? String(err)}`, { ref: reqId, err });
        const sorry = renderNotice(`Sorry, something went wrong on Crux's side and this could not be answered. If it keeps happening, tell whoever runs Crux and give them this reference: \`${reqId}\`.`, { mrkdwn: true });
        try {
          await apologize(sorry);
        } catch (e2) {
          log.error(`slack: could not send the apology for ref ${reqId}`, { ref: reqId, err: e2 });
        }
      }
    });
  }

  const viewFor = (args: Args, base: Omit<View, 'q' | 'limit' | 'source' | 'pos' | 'ex'>): View => ({
    q: String(args.topic ?? args.text ?? ''),
    limit: typeof args.limit === 'number' ? args.limit : undefined,
    source: typeof args.source === 'string' && args.source ? args.source : undefined,
    pos: 0,
    ex: -1,
    ...base,
  });

  // ---------- /crux ----------
  app.command(SLASH, async ({ command, ack, respond }) => {
    await ack();
    await flushAck();
    const ephemeral = (m: SlackMessage) => respond({ response_type: 'ephemeral', ...m, ...NO_UNFURL });
    await guard({ kind: 'command', team: command.team_id, user: command.user_id, channel: command.channel_id }, 'slash command', async () => {
      if (command.trigger_id && !(await once(`slack:command:${command.trigger_id}`))) return;
      const parsed = parse(plainText(command.text ?? ''));
      if ('error' in parsed) return ephemeral(renderNotice(parsed.error));
      if (subcommandOf(parsed.command) !== 'help' && !parsed.command.adminOnly) {
        const slow = await slowDown({ user: command.user_id, team: command.team_id }, command.channel_id, 'ask');
        if (slow) return ephemeral(renderNotice(slow));
      }
      // Later progress (a backfill) follows the reply, never overtakes it.
      let replied = () => {};
      const afterReply = new Promise<void>((r) => (replied = r));
      try {
        const reply = await run(parsed.command, parsed.args, { user: command.user_id, team: command.team_id }, progressTo((m) => afterReply.then(() => ephemeral(m))));
        const pub = reply.kind === 'answer' && reply.visibility === 'public';
        const msg = await render(reply, viewFor(parsed.args, { origin: 'channel', channel: command.channel_id }), pub ? null : 'channel');
        await respond({ response_type: pub ? 'in_channel' : 'ephemeral', ...msg, ...NO_UNFURL });
      } finally {
        replied();
      }
    }, ephemeral);
  });

  // ---------- @Crux in a thread (or a channel: the answer starts a thread) ----------
  app.event('app_mention', async ({ event, body, client, context }) => {
    await flushAck(); // Bolt has acked the event already
    const channel = event.channel;
    const thread = event.thread_ts ?? event.ts;
    const user = event.user;
    const whisper = (m: SlackMessage) =>
      user ? client.chat.postEphemeral({ channel, user, thread_ts: thread, ...m }) : Promise.resolve();
    await guard({ kind: 'app_mention', team: body.team_id, user, channel, eventId: body.event_id, retryNum: context.retryNum }, 'mention', async () => {
      if (!(await once(`slack:event:${body.event_id}`))) {
        log.info('slack: retried event already answered; ignoring it', { eventId: body.event_id, retryNum: context.retryNum, retryReason: context.retryReason });
        return;
      }
      const parsed = parse(plainText(event.text ?? '', bot.userId));
      if ('error' in parsed) return whisper(renderNotice(parsed.error));
      if (subcommandOf(parsed.command) !== 'help' && !parsed.command.adminOnly) {
        const slow = await slowDown({ user, team: body.team_id }, channel, 'ask');
        if (slow) return whisper(renderNotice(slow));
      }
      const reply = await run(parsed.command, parsed.args, { user, team: body.team_id });
      const msg = await render(reply, viewFor(parsed.args, { origin: 'thread', channel, thread }), null);
      // Answers go to the thread for everyone (the mention was public); help and mistakes only to the asker.
      if (reply.kind !== 'answer') return whisper(msg);
      try {
        await client.chat.postMessage({ channel, thread_ts: thread, ...msg, ...NO_UNFURL });
      } catch (e) {
        if (!NOT_IN_CONVERSATION.has(slackErrorCode(e) ?? '')) throw e;
        log.warn('slack: mentioned in a conversation it cannot post to', { channel, error: slackErrorCode(e) });
        if (user) await client.chat.postMessage({ channel: user, ...notInConversation(), ...NO_UNFURL });
      }
    }, whisper);
  });

  // ---------- "Find the crux" message shortcut ----------
  if (findCrux) {
    app.shortcut({ callback_id: findCrux.name, type: 'message_action' }, async ({ shortcut, ack, respond, client }) => {
      await ack();
      await flushAck();
      const channel = shortcut.channel.id;
      const message = shortcut.message as { text?: string; ts: string; thread_ts?: string };
      const thread = message.thread_ts ?? message.ts;
      const user = shortcut.user.id;
      const ephemeral = (m: SlackMessage) => respond({ response_type: 'ephemeral', ...m, ...NO_UNFURL });
      await guard({ kind: 'shortcut', team: shortcut.team?.id, user, channel }, 'message shortcut', async () => {
        if (!(await once(`slack:shortcut:${shortcut.trigger_id}`))) return;
        const slow = await slowDown({ user, team: shortcut.team?.id }, channel, 'ask');
        if (slow) return ephemeral(renderNotice(slow));
        const text = plainText(message.text ?? '', bot.userId);
        const reply = await run(findCrux, { text }, { user, team: shortcut.team?.id });
        if (reply.kind !== 'answer') return ephemeral(await render(reply, null, null));
        const view: View = { q: text, pos: 0, ex: -1, origin: 'thread', channel, thread };
        if (reply.visibility === 'public') {
          // The workspace answers for everyone by default (/crux config visibility public): straight into the thread.
          try {
            await client.chat.postMessage({ channel, thread_ts: thread, ...(await render(reply, view, null)), ...NO_UNFURL });
            return;
          } catch (e) {
            if (!NOT_IN_CONVERSATION.has(slackErrorCode(e) ?? '')) throw e;
            log.warn('slack: shortcut used in a conversation Crux is not in', { channel, error: slackErrorCode(e) });
            const why = notInConversation();
            const plain = await render(reply, { ...view, origin: 'channel' }, null);
            return ephemeral({ text: why.text, blocks: [...why.blocks, ...plain.blocks].slice(0, MAX_BLOCKS) });
          }
        }
        const msg = await render(reply, view, 'thread');
        try {
          // Shown to the asker in the message's thread first; "Post to thread" shares it.
          await client.chat.postEphemeral({ channel, user, thread_ts: thread, ...msg });
        } catch (e) {
          if (!NOT_IN_CONVERSATION.has(slackErrorCode(e) ?? '')) throw e;
          log.warn('slack: shortcut used in a conversation Crux is not in', { channel, error: slackErrorCode(e) });
          const plain = await render(reply, { ...view, origin: 'channel' }, null);
          const why = notInConversation();
          await ephemeral({ text: why.text, blocks: [...why.blocks, ...plain.blocks].slice(0, MAX_BLOCKS) });
        }
      }, ephemeral);
    });
  }

  // ---------- buttons ----------
  app.action<BlockAction<ButtonAction>>(/^crux_/, async ({ action, body, ack, respond, client }) => {
    await ack();
    await flushAck();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const user = body.user.id;
    const isEphemeral = body.container?.is_ephemeral === true;
    const toClicker = (m: SlackMessage) => respond({ response_type: 'ephemeral', replace_original: false, ...m, ...NO_UNFURL });
    await guard({ kind: 'button', action: action.action_id, team: body.team?.id, user }, 'button', async () => {
      if (!(await once(`slack:action:${user}:${action.action_id}:${action.action_ts}`))) return;
      // Corrections of sides: a mark saves one; "Correct a side" offers the quotes of the position in focus.
      if (action.action_id.startsWith(MARK_ACTION)) return toClicker(await saveMark(store, action.value ?? '', user, body.team?.id));
      const view = await decodeView(action.value, store);
      if (!view) return toClicker(renderNotice(`This answer has expired. Ask again with ${SLASH} <topic>.`));
      const again = (v: View) => run(main, { topic: v.q, limit: v.limit, source: v.source }, { user, team: body.team?.id });
      if (action.action_id === ACTIONS.correct) {
        const reply = await again(view);
        return toClicker(reply.kind === 'answer' ? await correctionPicker(store, reply.answer, view.pos, body.team?.id, STATE_TTL_MS) : await render(reply, null, null));
      }

      if (action.action_id === ACTIONS.postChannel || action.action_id === ACTIONS.postThread) {
        const reply = await again(view);
        const msg = await render(reply, view, null);
        // Only an answer is shared; anything else (a source no longer enabled, say) goes back to the clicker alone.
        if (reply.kind !== 'answer') return toClicker(msg);
        if (action.action_id === ACTIONS.postChannel) {
          await respond({ response_type: 'in_channel', replace_original: false, ...msg, ...NO_UNFURL });
        } else {
          if (!view.channel || !view.thread) return toClicker(renderNotice('This answer does not know its thread any more; ask again from the thread.'));
          try {
            await client.chat.postMessage({ channel: view.channel, thread_ts: view.thread, ...msg, ...NO_UNFURL });
          } catch (e) {
            if (!NOT_IN_CONVERSATION.has(slackErrorCode(e) ?? '')) throw e;
            log.warn('slack: cannot post to the thread', { channel: view.channel, error: slackErrorCode(e) });
            return toClicker(notInConversation());
          }
        }
        if (isEphemeral) await respond({ delete_original: true, text: '' });
        return;
      }

      const slow = await slowDown({ user, team: body.team?.id }, undefined, 'button');
      if (slow) return toClicker(renderNotice(slow));
      const next: View = { ...view };
      if (action.action_id === ACTIONS.more) next.limit = Math.min(MAX_LIMIT, (view.limit ?? DEFAULT_LIMIT) + MORE_STEP);
      else if (action.action_id === ACTIONS.nextPosition) next.pos = view.pos + 1;
      else if (action.action_id === ACTIONS.showExchange) next.ex = view.ex + 1;
      else return;
      const reply = await again(next);
      if (reply.kind === 'answer') {
        const a = reply.answer;
        next.pos = a.positions.length ? next.pos % a.positions.length : 0;
        next.ex = a.exchanges.length && next.ex >= 0 ? next.ex % a.exchanges.length : -1;
      }
      // On the asker's own (ephemeral) answer the click redraws it; on a shared one the clicker gets a private copy.
      const msg = await render(reply, next, next.origin);
      if (isEphemeral) await respond({ replace_original: true, ...msg, ...NO_UNFURL });
      else await toClicker(msg);
    }, toClicker);
  });

  if (capture) capture.resume();

  app.error(async (err) => {
    log.error(`slack: unhandled error: ${err.message}`, { err });
  });
}
