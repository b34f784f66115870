// The interactive prompt: answers each line; :help, :limit, :more, :sources, :quit; history kept between sessions.
import { createInterface } from 'node:readline';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServedEngine } from '../../src/core/engine.ts';
import { commandNamed, commands } from '../../commands/index.ts';
import type { Answer } from '../../src/core/types.ts';
import { renderAnswer, renderReply } from './render.ts';
import { promptHelp, type PromptCommand } from './help.ts';

export interface ReplOptions {
  engine: ServedEngine;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  color: boolean;
  /** Show each passage's id (--ids). */
  ids?: boolean;
  limit?: number;
  historyFile?: string;
  prompt?: string;
}

/** The prompt's own commands, beside those declared in commands/ (:help, :limit N). */
const OWN: PromptCommand[] = [
  { usage: ':more', description: 'The last answer in full: every quote whole, all quotes of each position, every exchange' },
  { usage: ':sources', description: 'List the corpus sources' },
  { usage: ':quit', description: 'Leave (Ctrl-D works too)' },
];

/** What a compact answer's last line offers at the prompt. */
const MORE = 'Whole answer: :more · more passages: :limit N';

/** Runs the prompt until :quit or end of input. Resolves when it closes. */
export function runRepl(o: ReplOptions): Promise<void> {
  let history: string[] = [];
  if (o.historyFile) {
    try {
      history = readFileSync(o.historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
    } catch {
      history = [];
    }
  }
  const terminal = (o.output as NodeJS.WriteStream).isTTY === true;
  const rl = createInterface({ input: o.input, output: o.output, terminal, history, historySize: 500 });
  let limit = o.limit;
  const say = (s: string) => o.output.write(s + '\n');
  const crux = commandNamed('crux')!;
  const style = { color: o.color, ids: o.ids, more: MORE };
  let last: Answer | null = null;
  if (terminal) say(`Crux: ${o.engine.stats.unique} passages from ${o.engine.stats.files} files. Type a topic, or :help.`);
  rl.setPrompt(o.prompt ?? 'crux> ');
  if (terminal) rl.prompt();
  const remember = (line: string) => {
    if (!o.historyFile) return;
    try {
      mkdirSync(dirname(o.historyFile), { recursive: true });
      appendFileSync(o.historyFile, line.replace(/\n/g, ' ') + '\n');
    } catch {
      // History is a convenience: never fail a query over it.
    }
  };
  // Lines are handled one after another, so answers come out in the order they were asked.
  let queue = Promise.resolve();
  let closing = false;
  const handle = async (raw: string) => {
      if (closing) return;
      const line = raw.trim();
      if (line === ':quit' || line === ':q' || line === ':exit') {
        closing = true;
        rl.close();
        return;
      }
      if (line) remember(line);
      if (line === ':help' || line === ':h' || line === '?') {
        say(promptHelp(commands, OWN));
      } else if (line === ':more') {
        say(last ? renderAnswer(last, { ...style, full: true }) + '\n' : 'Nothing to show yet: type a topic first.');
      } else if (line.startsWith(':limit')) {
        const n = Number(line.slice(6).trim());
        if (Number.isInteger(n) && n >= 1 && n <= 50) {
          limit = n;
          say(`Showing ${n} passage${n === 1 ? "" : "s"} per answer.`);
        } else say('Usage: :limit N, with N from 1 to 50');
      } else if (line === ':sources') {
        say(o.engine.sources().map((s) => `- ${s.title}`).join('\n'));
      } else if (line.startsWith(':')) {
        say(`Unknown command ${line.split(' ')[0]}. Type :help.`);
      } else if (line) {
        const reply = await crux.run({ engine: o.engine, platform: 'terminal' }, { topic: line, limit });
        if (reply.kind === 'answer') last = reply.answer;
        say(renderReply(reply, style) + '\n');
      }
      if (terminal) rl.prompt();
  };
  return new Promise((resolve) => {
    rl.on('line', (raw) => {
      queue = queue.then(() => handle(raw)).catch((e) => void say(`Sorry, that failed: ${(e as Error).message}`));
    });
    rl.on('close', () => void queue.then(() => resolve()));
  });
}
