// Shared by the Slack suites: start the real adapter against the fake Slack, and read Block Kit payloads.
import { expect } from 'vitest';
import { memoryStore, type Store } from '../../../src/service/store.ts';
import type { Engine } from '../../../src/core/engine.ts';
import { startSlack, type RunningSlack, type SlackOptions } from '../../../adapters/slack/app.ts';
import { FakeSlack } from './fake-slack.ts';
import { SIGNING_SECRET, SlackSender } from './requests.ts';
import { fixtureEngine } from './engine.ts';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  extra?: any;
}

export function recordingLog(): { lines: LogLine[]; info: (m: string, e?: object) => void; warn: (m: string, e?: object) => void; error: (m: string, e?: object) => void } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (msg, extra) => lines.push({ level: 'info', msg, extra }),
    warn: (msg, extra) => lines.push({ level: 'warn', msg, extra }),
    error: (msg, extra) => lines.push({ level: 'error', msg, extra }),
  };
}

export interface Harness {
  fake: FakeSlack;
  app: RunningSlack;
  send: SlackSender;
  store: Store;
  log: ReturnType<typeof recordingLog>;
  close(): Promise<void>;
}

const GENEROUS = { user: { max: 10_000, windowMs: 60_000 }, channel: { max: 10_000, windowMs: 60_000 } };

/** The real Bolt App in HTTP mode on 127.0.0.1, talking to a fresh fake Slack. */
export async function httpHarness(o: Partial<SlackOptions> & { engine?: Engine } = {}): Promise<Harness> {
  const fake = await new FakeSlack().start();
  const store = o.store ?? memoryStore();
  const log = recordingLog();
  const app = await startSlack({
    engine: o.engine ?? fixtureEngine(),
    store,
    log,
    botToken: fake.botToken,
    apiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    transport: { mode: 'http', signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1' },
    limits: GENEROUS,
    ...o,
  });
  const send = new SlackSender(`http://127.0.0.1:${app.port}/slack/events`);
  return {
    fake,
    app,
    send,
    store,
    log,
    close: async () => {
      await app.stop();
      await fake.close();
    },
  };
}

/** Sends a slash command (/crux TEXT) and returns the body Crux POSTed to the command's response_url. */
export async function slashReply(h: Harness, text: string, o: { user?: string; channel?: string; team?: string } = {}): Promise<any> {
  const responseUrl = h.fake.responseUrl();
  expect((await h.send.command(text, { responseUrl, ...o })).status).toBe(200);
  const [call] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
  return call.body;
}

// ---------- reading Block Kit ----------

export type Block = Record<string, any>;

/** Every rich_text `text`/`link` element inside the blocks, depth first. */
export function richElements(blocks: Block[]): Block[] {
  const out: Block[] = [];
  const walk = (x: any) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    if ((x.type === 'text' || x.type === 'link' || x.type === 'user' || x.type === 'broadcast') && !('elements' in x)) out.push(x);
    if (x.elements) walk(x.elements);
  };
  for (const b of blocks) if (b.type === 'rich_text') walk(b.elements);
  return out;
}

/** The text a reader sees in the rich_text blocks, block by block. */
export function richTextOf(blocks: Block[]): string[] {
  return blocks.filter((b) => b.type === 'rich_text').map((b) => richElements([b]).map((e) => e.text ?? '').join(''));
}

/** Every mrkdwn / plain_text text object in the blocks. */
export function textObjects(blocks: Block[]): Block[] {
  const out: Block[] = [];
  const walk = (x: any) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    if ((x.type === 'mrkdwn' || x.type === 'plain_text') && typeof x.text === 'string') out.push(x);
    for (const v of Object.values(x)) if (v && typeof v === 'object') walk(v);
  };
  walk(blocks);
  return out;
}

export function buttons(blocks: Block[]): Block[] {
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
}

export function button(blocks: Block[], actionId: string): Block {
  const b = buttons(blocks).find((x) => x.action_id === actionId);
  if (!b) throw new Error(`no button ${actionId}; buttons: ${buttons(blocks).map((x) => x.action_id).join(', ')}`);
  return b;
}

/** The quotes (rich_text_quote texts) of a message, in order. */
export function quotes(blocks: Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type !== 'rich_text') continue;
    for (const e of b.elements) if (e.type === 'rich_text_quote') out.push(e.elements.map((x: Block) => x.text).join(''));
  }
  return out;
}
