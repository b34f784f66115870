import { beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { runRepl } from '../../adapters/terminal/repl.ts';
import { fixtureCopy, tempDir } from './helpers.ts';

let engine: Engine;
beforeAll(() => {
  engine = openEngine({ corpus: fixtureCopy('rank'), cacheDir: tempDir() });
});

/** Types the lines into a prompt, closes the input, and returns everything the prompt printed. */
async function session(lines: string[], o: { historyFile?: string; limit?: number } = {}): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d) => (printed += d.toString()));
  const done = runRepl({ engine, input, output, color: false, ...o });
  for (const l of lines) input.write(l + '\n');
  input.end();
  await done;
  return printed;
}

/** The numbered passages in printed output ("1. “…”"). */
const numbered = (out: string) => out.split('\n').filter((l) => /^\d+\. “/.test(l));

describe('the interactive prompt', () => {
  it('answers a typed topic with numbered verbatim passages and their source', async () => {
    const out = await session(['agency']);
    expect(numbered(out)).toEqual(['1. “Agency by default: systems trained to act will tend to pursue goals of their own.”']);
    expect(out).toContain('   — debate\n');
  });

  it('answers each line in the order typed', async () => {
    const out = await session(['agency', 'predictions']);
    expect(out.indexOf('Agency by default')).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('Agency by default')).toBeLessThan(out.indexOf('Yudkowsky predicted'));
  });

  it('fixes a typo and says "Did you mean"', async () => {
    const out = await session(['hyperstiton']);
    expect(out).toContain('Did you mean: hyperstition?');
    expect(numbered(out)[0]).toContain('Hyperstition is a prophecy');
  });

  it('shows help for :help: how to ask, the filters typed in a topic, and its commands', async () => {
    const out = await session([':help']);
    expect(out).toMatch(/^Type a topic and press Enter\./);
    for (const c of ['author:NAME', 'since:DATE', 'until:DATE', 'min-score:N', 'source:TEXT']) expect(out).toMatch(new RegExp(`^  ${c} +Only passages`, 'm'));
    for (const c of [':help', ':limit N', ':more', ':sources', ':quit']) expect(out).toMatch(new RegExp(`^  ${c} +[A-Z]`, 'm'));
  });

  it('lists in :help nothing that only Discord or Slack offer', async () => {
    const out = await session([':help']);
    for (const other of ['crux-config', 'crux-help', 'Apps', 'public', 'channel', 'limit:3']) expect(out).not.toContain(other);
    expect(out).not.toMatch(/Find the crux(?! of a topic)/); // the message shortcut, as opposed to the crux command's description
  });

  it('does what each command in :help says, rather than calling it unknown', async () => {
    const help = await session([':help']);
    const listed = [...help.matchAll(/^  (:\S+)(?: N)?/gm)].map((m) => m[0].trim().replace(' N', ' 2'));
    expect(listed).toEqual([':limit 2', ':help', ':more', ':sources', ':quit']);
    for (const c of listed) expect(await session(['agency', c]), c).not.toContain('Unknown command');
  });

  it('shows the last answer in full for :more, and says when there is none yet', async () => {
    expect(await session([':more'])).toBe('Nothing to show yet: type a topic first.\n');
    const out = await session(['hyperstition prophecy', ':more']);
    const [compact, full] = out.split('\n\n1. ');
    expect(numbered(compact)).toHaveLength(3);
    expect(full).toBeDefined();
    expect(numbered('1. ' + full)).toHaveLength(3);
  });

  it('changes how many passages it shows with :limit N, and explains a bad :limit', async () => {
    const out = await session(['hyperstition prophecy', ':limit 1', 'hyperstition prophecy', ':limit 0', ':limit lots']);
    const [before, after] = out.split(/Showing 1 passages? per answer\./);
    expect(numbered(before)).toHaveLength(3);
    expect(numbered(after)).toHaveLength(1);
    expect(after.match(/Usage: :limit N, with N from 1 to 50/g)).toHaveLength(2);
  });

  it('lists the sources for :sources', async () => {
    expect(await session([':sources'])).toContain('- debate');
  });

  it('answers an unknown :command with a pointer to :help, not a search', async () => {
    const out = await session([':frobnicate now']);
    expect(out.trim()).toBe('Unknown command :frobnicate. Type :help.');
  });

  it('stops at :quit and answers nothing typed after it', async () => {
    const out = await session(['agency', ':quit', 'predictions']);
    expect(out).toContain('Agency by default');
    expect(out).not.toContain('Yudkowsky');
  });

  it('ends quietly at the end of input (Ctrl-D)', async () => {
    await expect(session([])).resolves.toBe('');
  });

  it('ignores blank lines and answers control characters and odd input without failing', async () => {
    const out = await session(['', '   ', '\u0001\u0002', '.*+?(', '**[', '😀', 'x'.repeat(10_000)]);
    expect(out).not.toMatch(/Sorry, that failed/);
    expect(out).toContain('Type a topic to look up');
    expect(out).toContain('Nothing in the corpus mentions');
  });

  it('keeps a history of what was typed, one line per entry', async () => {
    const historyFile = join(tempDir(), 'history');
    await session(['agency', '', ':limit 2'], { historyFile });
    expect(readFileSync(historyFile, 'utf8')).toBe('agency\n:limit 2\n');
  });
});
