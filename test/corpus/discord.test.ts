import { describe, expect, it } from 'vitest';
import { fixture, load, passage, seen } from './helpers.ts';

const GUILD = '810000000000000001';
const CHANNEL = '820000000000000001';
const jump = (channel: string, id: string) => `https://discord.com/channels/${GUILD}/${channel}/${id}`;

describe('DiscordChatExporter JSON, one file per channel or thread', () => {
  const c = load(fixture('corpus', 'discord'));

  it('keeps what people wrote and skips joins, pins, bots and code-only messages', () => {
    expect(c.problems).toEqual([]);
    expect(c.passages.map((p) => p.id)).toEqual([
      '900000000000000002',
      '900000000000000003',
      '900000000000000006',
      '900000000000000006.2',
      '900000000000000011',
    ]);
    expect(c.passages.some((p) => /New video|Pinned/.test(p.text))).toBe(false);
  });

  it('gives each message its author (server nickname), timestamp and jump link', () => {
    expect(seen(passage(c, '900000000000000002'))).toEqual({
      id: '900000000000000002',
      text: 'Small modular reactors will beat wind on cost by 2035, because factory production drives the learning curve.',
      author: 'Rowan',
      url: jump(CHANNEL, '900000000000000002'),
      date: '2024-03-05T09:05:00+00:00',
      title: 'Energy Debates #nuclear',
      parent: null,
      thread: CHANNEL,
      score: null,
      quotes: null,
    });
  });

  it('follows replies through reference.messageId, and keeps a quoted line out of the reply\'s words', () => {
    expect(seen(passage(c, '900000000000000003'))).toMatchObject({
      text: 'Only if orders arrive by the hundred; NuScale cancelled its first plant when the price reached $89/MWh.',
      author: 'Priya',
      parent: '900000000000000002',
      quotes: '900000000000000002',
    });
  });

  it('keeps a reply to a message that is not in the export, with its paragraphs as separate passages', () => {
    expect(passage(c, '900000000000000006').parent).toBe('899999999999999999');
    expect(passage(c, '900000000000000006.2').text).toBe(
      'Every US plant keeps its casks on site because the Yucca Mountain repository stalled.',
    );
  });

  it('names a thread after its parent channel and links into the thread', () => {
    expect(seen(passage(c, '900000000000000011'))).toMatchObject({
      title: 'Energy Debates #nuclear › SMR costs',
      url: jump('840000000000000001', '900000000000000011'),
      thread: '840000000000000001',
    });
  });

  it('reads the complete messages of a truncated export and names the line where it breaks', () => {
    const file = fixture('malformed', 'discord-truncated.json');
    const t = load(file);
    expect(t.passages.map((p) => p.text)).toEqual(['A complete message before the cut.']);
    expect(t.problems).toEqual([{ file, line: 41, message: expect.stringMatching(/^JSON is cut off or broken from here on/) }]);
  });
});
