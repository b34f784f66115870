// The prompt's :help, built from the command declarations (commands/): only what works at the prompt, so Discord's
// and Slack's own commands and options (crux-config, public, Find the crux) never show up in a terminal.
import type { Command } from '../../commands/index.ts';

/** A command of the prompt itself (:more, :quit), declared where the prompt handles it. */
export interface PromptCommand {
  usage: string;
  description: string;
}

const row = (usage: string, description: string) => `  ${usage.padEnd(16)} ${description}`;

export function promptHelp(commands: Command[], own: PromptCommand[]): string {
  const offered = commands.filter((c) => c.prompt);
  const lines: string[] = [];
  const options = offered.flatMap((c) => c.options.filter((o) => o.prompt));
  const inTopic = options.filter((o) => !o.prompt!.startsWith(':'));
  for (const c of offered.filter((c) => c.prompt === 'TOPIC')) {
    const prefix = `${c.name} `;
    // Examples as typed at the prompt: without the command's name, and only with filters the prompt reads in the topic.
    const examples = c.examples
      .map((x) => (x.startsWith(prefix) ? x.slice(prefix.length) : x))
      .filter((x) => [...x.matchAll(/(\S+):\S/g)].every((m) => inTopic.some((o) => o.prompt!.startsWith(`${m[1]}:`))));
    lines.push(`Type a topic and press Enter. ${c.description}.`);
    if (examples.length) lines.push(`  e.g. ${examples.join(' · ')}`);
  }
  if (inTopic.length) lines.push('Narrow it with these in the topic:', ...inTopic.map((o) => row(o.prompt!, o.description)));
  lines.push('Commands:');
  for (const o of options.filter((o) => o.prompt!.startsWith(':'))) lines.push(row(o.prompt!, o.description));
  for (const c of offered.filter((c) => c.prompt!.startsWith(':'))) lines.push(row(c.prompt!, c.description));
  for (const c of own) lines.push(row(c.usage, c.description));
  return lines.join('\n');
}
