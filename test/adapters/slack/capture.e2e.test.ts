// Live capture on Slack, end to end: the real Bolt App (HTTP mode) against the fake Web API, a workspace turning
// capture on with /crux config, its history paged in, its messages searchable as they are posted, edited, deleted.
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../../../src/service/store.ts';
import { silentLog } from '../../../src/service/log.ts';
import { memoryCaptureLog, type CaptureLog } from '../../../src/service/capture/log.ts';
import { captureService, type CaptureService } from '../../../src/service/capture/service.ts';
import { incrementalCorpora } from '../../../src/service/capture/searchable.ts';
import { liveUpdates } from '../../../src/service/updates.ts';
import { baseEngine, until } from '../../service/capture/helpers.ts';
import { httpHarness, quotes, recordingLog, slashReply, type Harness } from './helpers.ts';
import { ALL_SCOPES, BOT_USER, FakeSlack, TEAM } from './fake-slack.ts';
import { startSlack } from '../../../adapters/slack/app.ts';
import { MAX_MESSAGE_CHARS } from '../../../src/service/capture/message.ts';
import { messageEvents, SIGNING_SECRET, SlackSender } from './requests.ts';

const DEBATES = 'C0DEBATES';
const RANDOM = 'C0RANDOM';
const DAY = 86_400_000;

const open: Harness[] = [];
let capture: CaptureService | undefined;
let log: CaptureLog | undefined;
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await h.close();
  await capture?.close();
  capture = undefined;
});

function service(store: Store): CaptureService {
  log = memoryCaptureLog();
  capture = captureService({ log, store, corpora: incrementalCorpora(liveUpdates()), logger: silentLog(), settingsTtlMs: 0 });
  return capture;
}

async function started(o: { store?: Store; team?: string; scopes?: string[]; shared?: CaptureService; retries?: number } = {}): Promise<Harness> {
  const store = o.store ?? memoryStore();
  const cap = o.shared ?? service(store);
  if (!o.shared) await cap.start();
  const retryConfig = { retries: o.retries ?? 0, minTimeout: 0, maxTimeout: 0 };
  const h = await httpHarness({ engine: baseEngine(), store, capture: cap, historyPaceMs: 0, retryConfig });
  open.push(h);
  return h;
}

/** The fake's team must be set before the app asks auth.test: a harness for another workspace. */
async function startedFor(team: string, store: Store, shared: CaptureService, scopes = ALL_SCOPES): Promise<Harness> {
  const fake = await new FakeSlack({ team }).start();
  fake.scopes = scopes;
  const h = await appOn(fake, store, shared);
  const stop = h.close;
  h.close = async () => {
    await stop();
    await fake.close();
  };
  return h;
}

/** A Slack app on a fake that outlives it (closing the harness stops the app only, once). */
async function appOn(fake: FakeSlack, store: Store, shared: CaptureService, historyPaceMs = 0): Promise<Harness> {
  const log = recordingLog();
  const app = await startSlack({
    engine: baseEngine(),
    store,
    log,
    botToken: fake.botToken,
    apiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    transport: { mode: 'http', signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1' },
    limits: false,
    capture: shared,
    historyPaceMs,
  });
  let stopped: Promise<void> | null = null;
  const h: Harness = { fake, app, send: new SlackSender(`http://127.0.0.1:${app.port}/slack/events`), store, log, close: () => (stopped ??= app.stop()) };
  open.push(h);
  return h;
}

const captured = (n: number, team = TEAM) => until(() => capture!.state.count(`slack:${team}`) === n, `${n} captured messages`);

async function ask(h: Harness, topic: string, team?: string): Promise<string[]> {
  const body = team ? await slashFor(h, topic, team) : await slashReply(h, topic);
  return quotes(body.blocks ?? []);
}

async function slashFor(h: Harness, text: string, team: string): Promise<any> {
  const responseUrl = h.fake.responseUrl();
  await h.send.command(text, { responseUrl, team });
  const [call] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
  return call.body;
}

/** `/crux config capture …` by a workspace admin; the reply text. */
async function config(h: Harness, value: string, team?: string): Promise<{ text: string; url: string }> {
  h.fake.admins.add('U0ALICE');
  const responseUrl = h.fake.responseUrl();
  await h.send.command(`config capture ${value}`, { responseUrl, team });
  const [call] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
  return { text: JSON.stringify(call.body), url: new URL(responseUrl).pathname };
}

describe('capture on Slack', () => {
  it('is turned on with /crux config, pages through the channel’s history and its threads, and reports to the admin', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    h.fake.pageSize = 2;
    h.fake.names.set('U0BOB', 'Bob B.');
    const root = h.fake.past(DEBATES, 'Hyperstition: does believing a fiction make it real?', { ageMs: 3 * DAY });
    h.fake.past(DEBATES, 'Hyperstition needs believers, says Bob.', { user: 'U0BOB', thread_ts: root.ts, ageMs: 2 * DAY });
    h.fake.past(DEBATES, 'Hyperstition reply two.', { thread_ts: root.ts, ageMs: 2 * DAY });
    h.fake.past(DEBATES, 'Hyperstition reply three.', { thread_ts: root.ts, ageMs: 2 * DAY });
    h.fake.past(DEBATES, 'Hyperstition in passing.', { ageMs: DAY });
    h.fake.past(DEBATES, 'Hyperstition from two months ago.', { ageMs: 60 * DAY });
    h.fake.past(DEBATES, 'Hyperstition announced by a bot.', { bot_id: 'B0OTHER', ageMs: DAY });
    h.fake.past(DEBATES, '<@U0BOB> has joined the channel', { subtype: 'channel_join', user: 'U0BOB', ageMs: DAY });

    const said = await config(h, '#debates');
    expect(said.text).toMatch(/Capturing #debates/);
    await captured(5);
    const history = h.fake.api('conversations.history').length;
    expect(history).toBeGreaterThanOrEqual(2);
    expect(h.fake.api('conversations.replies').length).toBeGreaterThanOrEqual(2);
    const found = await ask(h, 'hyperstition');
    expect(found).toContain('Hyperstition needs believers, says Bob.');
    expect(found).not.toContain('Hyperstition from two months ago.');
    expect(found).not.toContain('Hyperstition announced by a bot.');
    const bob = [...capture!.state.of(`slack:${TEAM}`).messages.values()].find((m) => m.author === 'Bob B.')!;
    expect(bob).toMatchObject({ parent: `${DEBATES}/p${root.ts.replace('.', '')}`, title: '#debates' });
    expect(bob.url).toBe(`https://crux-test.slack.com/archives/${DEBATES}/p${bob.id.split('/p')[1]}?thread_ts=${root.ts}&cid=${DEBATES}`);
    const reports = await h.fake.callsUntil((c) => c.path === said.url && /history fetched, 5 messages/.test(JSON.stringify(c.body)));
    expect(reports[0].body.response_type).toBe('ephemeral');
    // /crux config shows the channel and what it holds.
    const responseUrl = h.fake.responseUrl();
    await h.send.command('config', { responseUrl });
    const [shown] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
    expect(JSON.stringify(shown.body)).toMatch(/capture: #debates \(5 messages\)/);
  });

  it('resumes a history cut short by a restart from the page it reached', async () => {
    const store = memoryStore();
    const log = memoryCaptureLog();
    const fake = await new FakeSlack().start();
    open.push({ close: () => fake.close() } as Harness);
    fake.channel(DEBATES, 'debates');
    fake.pageSize = 2;
    for (let i = 0; i < 5; i++) fake.past(DEBATES, `Mesa optimiser note ${i}.`, { ageMs: DAY - i * 60_000 });
    const first = captureService({ log, store, corpora: incrementalCorpora(liveUpdates()), logger: silentLog(), settingsTtlMs: 0 });
    await first.start();
    // Pages a second apart: the app stops while the history is half fetched.
    const before = await appOn(fake, store, first, 1_000);
    await config(before, '#debates');
    await until(() => first.state.count(`slack:${TEAM}`) >= 2, 'the first page');
    await before.close();
    await first.close();
    const cut = first.backfill('slack', TEAM, DEBATES)!;
    expect(cut).toMatchObject({ done: false });
    expect(cut.fetched).toBeLessThan(5);
    const asked = fake.api('conversations.history').length;

    // A new process: it replays the capture log and goes on from the page reached.
    capture = captureService({ log, store, corpora: incrementalCorpora(liveUpdates()), logger: silentLog(), settingsTtlMs: 0 });
    await capture.start();
    expect(capture.backfill('slack', TEAM, DEBATES)).toMatchObject({ fetched: cut.fetched, cursor: cut.cursor, done: false });
    await appOn(fake, store, capture);
    await captured(5);
    const resumed = fake.api('conversations.history').slice(asked);
    expect(resumed[0].body.cursor).toBeTruthy();
    expect(fake.api('conversations.history')).toHaveLength(3);
    expect(capture.backfill('slack', TEAM, DEBATES)).toMatchObject({ fetched: 5, done: true });
  });

  it('waits out a rate limit on conversations.history and goes on', async () => {
    const h = await started({ retries: 2 });
    h.fake.channel(DEBATES, 'debates');
    h.fake.past(DEBATES, 'Model welfare came up yesterday.', { ageMs: DAY });
    h.fake.rateLimited.set('conversations.history', 1);
    await config(h, '#debates');
    await captured(1);
    const calls = h.fake.api('conversations.history');
    expect(calls.length).toBe(2);
    expect(await ask(h, 'model welfare')).toEqual(['Model welfare came up yesterday.']);
  });

  it('makes a message searchable as it is posted, replaces it on message_changed, removes it on message_deleted', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    await config(h, '#debates');
    const ts = h.fake.ts();
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0ALICE', text: 'Sycophancy is a training artefact.', ts }));
    await captured(1);
    expect(await ask(h, 'sycophancy')).toEqual(['Sycophancy is a training artefact.']);
    await h.send.event(messageEvents.changed(DEBATES, { user: 'U0ALICE', text: 'Sycophancy is a reward artefact.', ts }, h.fake.ts()));
    await until(() => [...capture!.state.of(`slack:${TEAM}`).messages.values()][0]?.text.includes('reward'), 'the edit');
    expect(await ask(h, 'sycophancy')).toEqual(['Sycophancy is a reward artefact.']);
    await h.send.event(messageEvents.deleted(DEBATES, ts, h.fake.ts()));
    await captured(0);
    expect(await ask(h, 'sycophancy')).toEqual([]);
  });

  it('captures a thread reply as it is posted, as a reply to the thread’s first message, and removes that first message when it becomes a tombstone', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    await config(h, '#debates');
    const root = h.fake.ts();
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0ALICE', text: 'Mesa optimisers: the opening claim.', ts: root }));
    const reply = h.fake.ts();
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Mesa optimisers: a reply in the thread.', ts: reply, thread_ts: root }));
    await captured(2);
    const rootId = `${DEBATES}/p${root.replace('.', '')}`;
    const held = capture!.state.of(`slack:${TEAM}`).messages;
    expect(held.get(`${DEBATES}/p${reply.replace('.', '')}`)).toMatchObject({ parent: rootId, thread: rootId, title: '#debates' });
    expect(held.get(rootId)).toMatchObject({ parent: null });
    expect((await ask(h, 'mesa optimisers')).sort()).toEqual(['Mesa optimisers: a reply in the thread.', 'Mesa optimisers: the opening claim.']);

    // The first message deleted while the thread has replies: Slack keeps a tombstone in its place (message_changed).
    const at = h.fake.ts();
    await h.send.event({
      type: 'message',
      subtype: 'message_changed',
      channel: DEBATES,
      channel_type: 'channel',
      hidden: true,
      ts: at,
      event_ts: at,
      message: { type: 'message', subtype: 'tombstone', user: 'USLACKBOT', text: 'This message was deleted.', ts: root, thread_ts: root, reply_count: 1 },
    });
    await captured(1);
    expect(await ask(h, 'mesa optimisers')).toEqual(['Mesa optimisers: a reply in the thread.']);
  });

  it('captures an edit of a message it never saw as the message', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    await config(h, '#debates');
    const ts = h.fake.ts(60 * DAY);
    await h.send.event(messageEvents.changed(DEBATES, { user: 'U0ALICE', text: 'Corrigibility, edited after capture began.', ts }, h.fake.ts()));
    await captured(1);
    expect(await ask(h, 'corrigibility')).toEqual(['Corrigibility, edited after capture began.']);
  });

  it('captures a retried event once, and leaves out bots, joins, direct messages and channels not turned on', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    h.fake.channel(RANDOM, 'random');
    await config(h, '#debates');
    const m = { user: 'U0ALICE', text: 'Quokka from a person.', ts: h.fake.ts() };
    // Slack retries an event it thinks was missed; the retry may arrive while the first is still being handled.
    await Promise.all([h.send.event(messageEvents.posted(DEBATES, m), { eventId: 'EvSAME' }), h.send.event(messageEvents.posted(DEBATES, m), { eventId: 'EvSAME', retryNum: 1 })]);
    await h.send.event(messageEvents.posted(DEBATES, { bot_id: 'B0OTHER', subtype: 'bot_message', text: 'Quokka from a bot.', ts: h.fake.ts() }));
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', subtype: 'channel_join', text: '<@U0BOB> has joined', ts: h.fake.ts() }));
    await h.send.event(messageEvents.posted('D0DIRECT', { user: 'U0BOB', text: 'Quokka in a direct message.', ts: h.fake.ts() }, 'im'));
    await h.send.event(messageEvents.posted(RANDOM, { user: 'U0BOB', text: 'Quokka in random.', ts: h.fake.ts() }));
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Quokka, last.', ts: h.fake.ts() }));
    await captured(2);
    expect((await ask(h, 'quokka')).sort()).toEqual(['Quokka from a person.', 'Quokka, last.']);
    const written: string[] = [];
    await log!.replay((e) => e.op === 'put' && written.push(e.m.text));
    expect(written.sort()).toEqual(['Quokka from a person.', 'Quokka, last.']);
  });

  it('stops with "capture off" and removes what was captured with "capture purge"', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    h.fake.channel(RANDOM, 'random');
    await config(h, '#debates #random');
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Shard theory before the switch.', ts: h.fake.ts() }));
    await captured(1);
    expect((await config(h, 'off #debates')).text).toMatch(/Capture is off for #debates\. What was captured stays searchable/);
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Shard theory after the switch.', ts: h.fake.ts() }));
    // #random is still captured: once a message there is, the one sent before it to #debates has been handled.
    await h.send.event(messageEvents.posted(RANDOM, { user: 'U0BOB', text: 'Quokka, still captured.', ts: h.fake.ts() }));
    await captured(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(capture!.state.count(`slack:${TEAM}`)).toBe(2);
    expect(await ask(h, 'shard theory')).toEqual(['Shard theory before the switch.']);
    expect((await config(h, 'purge #debates')).text).toMatch(/the 1 messages captured there were removed/);
    await captured(1);
    expect(await ask(h, 'shard theory')).toEqual([]);
    expect(await ask(h, 'quokka')).toEqual(['Quokka, still captured.']);
  });

  it('removes what a channel gave when the channel is deleted (Slack sends no deletion per message then)', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    h.fake.channel(RANDOM, 'random', { is_private: true });
    await config(h, '#debates #random');
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Quokka in debates.', ts: h.fake.ts() }));
    await h.send.event(messageEvents.posted(RANDOM, { user: 'U0BOB', text: 'Quokka in random.', ts: h.fake.ts() }));
    await h.send.event(messageEvents.posted(RANDOM, { user: 'U0BOB', text: 'Quokka in random again.', ts: h.fake.ts() }));
    await captured(3);
    await h.send.event({ type: 'channel_deleted', channel: DEBATES, event_ts: h.fake.ts() });
    await captured(2);
    expect((await ask(h, 'quokka')).sort()).toEqual(['Quokka in random again.', 'Quokka in random.']);
    await h.send.event({ type: 'group_deleted', channel: RANDOM, event_ts: h.fake.ts() });
    await captured(0);
  });

  it('gives each odd event its outcome: no text, huge, unknown or turned-off channels, Crux itself, and events out of order', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    h.fake.channel(RANDOM, 'random');
    await config(h, '#debates');
    const post = (channel: string, m: { user?: string; text: string; ts?: string; subtype?: string }) => h.send.event(messageEvents.posted(channel, { user: 'U0BOB', ts: h.fake.ts(), ...m }));
    // A file or a link preview with no words: nothing to quote.
    await post(DEBATES, { text: '', subtype: 'file_share' });
    // A channel never turned on, one Crux never heard of, and an edit there.
    await post(RANDOM, { text: 'Quokka in random.' });
    await post('C0NOWHERE', { text: 'Quokka in a channel nobody knows.' });
    await h.send.event(messageEvents.changed(RANDOM, { user: 'U0BOB', text: 'Quokka edited in random.', ts: h.fake.ts() }, h.fake.ts()));
    // Crux's own message.
    await post(DEBATES, { user: BOT_USER, text: 'Quokka said by Crux.' });
    // Deleted before it arrived: stays out.
    const gone = h.fake.ts();
    await h.send.event(messageEvents.deleted(DEBATES, gone, h.fake.ts()));
    await post(DEBATES, { text: 'Quokka deleted before it arrived.', ts: gone });
    // Two edits, the newer first: the newer stays.
    const ts = h.fake.ts();
    await post(DEBATES, { text: 'Goodhart, the first words.', ts });
    const older = h.fake.ts();
    const newer = h.fake.ts();
    await h.send.event(messageEvents.changed(DEBATES, { user: 'U0BOB', text: 'Goodhart, the newest words.', ts }, newer));
    await h.send.event(messageEvents.changed(DEBATES, { user: 'U0BOB', text: 'Goodhart, older words arriving late.', ts }, older));
    // Over the 40,000 characters kept: its first ones, cut at a space, quoted verbatim.
    const huge = `Quokka ${'words upon words '.repeat(3_000)}`;
    await post(DEBATES, { text: huge });
    await captured(2);
    await new Promise((r) => setTimeout(r, 100)); // (events are acknowledged before they are handled)
    const held = [...capture!.state.of(`slack:${TEAM}`).messages.values()];
    expect(held.map((m) => m.text.slice(0, 9)).sort()).toEqual(['Goodhart,', 'Quokka wo']);
    expect(held.find((m) => m.text.startsWith('Goodhart'))!.text).toBe('Goodhart, the newest words.');
    const kept = held.find((m) => m.text.startsWith('Quokka'))!.text;
    expect(kept.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(kept.length).toBeGreaterThan(MAX_MESSAGE_CHARS - 20);
    expect(huge.startsWith(kept)).toBe(true);
    expect(kept.endsWith('words')).toBe(true);
  });

  it('refuses a channel Crux is not in, saying how to invite it', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates', { is_member: false });
    const said = await config(h, '#debates');
    expect(said.text).toMatch(/Crux is not in #debates: invite it there first/);
    expect(said.text).toMatch(/Nothing was changed/);
  });

  it('forgets a member who asks with /crux forget-me', async () => {
    const h = await started();
    h.fake.channel(DEBATES, 'debates');
    await config(h, '#debates');
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Deceptive alignment is likely, says Bob.', ts: h.fake.ts() }));
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0ALICE', text: 'Deceptive alignment is unlikely, says Alice.', ts: h.fake.ts() }));
    await captured(2);
    const responseUrl = h.fake.responseUrl();
    await h.send.command('forget-me', { responseUrl, user: 'U0BOB' });
    const [done] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
    expect(JSON.stringify(done.body)).toMatch(/1 of your messages captured here was removed/);
    await h.send.event(messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Deceptive alignment, Bob again.', ts: h.fake.ts() }));
    await new Promise((r) => setTimeout(r, 100));
    expect(await ask(h, 'deceptive alignment')).toEqual(['Deceptive alignment is unlikely, says Alice.']);
  });

  it('keeps each workspace’s captured messages to that workspace', async () => {
    const store = memoryStore();
    const shared = service(store);
    await shared.start();
    const one = await startedFor('T0ONE', store, shared);
    const two = await startedFor('T0TWO', store, shared);
    for (const h of [one, two]) h.fake.channel(DEBATES, 'debates');
    await config(one, '#debates', 'T0ONE');
    await config(two, '#debates', 'T0TWO');
    await one.send.event(messageEvents.posted(DEBATES, { user: 'U0ALICE', text: 'Orthogonality, says the first workspace.', ts: one.fake.ts() }), { team: 'T0ONE' });
    await two.send.event(messageEvents.posted(DEBATES, { user: 'U0ALICE', text: 'Orthogonality, says the second workspace.', ts: two.fake.ts() }), { team: 'T0TWO' });
    await captured(1, 'T0ONE');
    await captured(1, 'T0TWO');
    expect(await ask(one, 'orthogonality', 'T0ONE')).toEqual(['Orthogonality, says the first workspace.']);
    expect(await ask(two, 'orthogonality', 'T0TWO')).toEqual(['Orthogonality, says the second workspace.']);
  });

  it('says at start-up and in /crux config which scopes are missing', async () => {
    const store = memoryStore();
    const shared = service(store);
    await shared.start();
    const h = await startedFor(TEAM, store, shared, ['app_mentions:read', 'chat:write', 'commands', 'users:read']);
    expect(h.log.lines.some((l) => l.level === 'warn' && /channels:history, groups:history, channels:read, groups:read/.test(l.msg))).toBe(true);
    h.fake.channel(DEBATES, 'debates');
    expect((await config(h, '#debates')).text).toMatch(/lacks the scopes channels:history/);
  });
});
