// Help, generated from the command definitions so it cannot drift from what the commands do.
import type { HelpEntry } from '../src/core/reply.ts';
import { defineCommand, type Command } from './types.ts';

export function helpEntries(commands: Command[]): HelpEntry[] {
  return commands.map((c) => ({
    name: c.kind === 'message' ? (c.label ?? c.name) : c.name,
    description: c.description,
    options: c.kind === 'message' ? [] : c.options.map((o) => ({ name: o.name, description: o.description, required: !!o.required })),
    examples: c.examples,
  }));
}

/** Built lazily from the registry so help lists every command, itself included. */
export function helpCommand(all: () => Command[]): Command {
  return defineCommand({
    name: 'crux-help',
    description: 'How to use Crux',
    kind: 'chat',
    options: [],
    examples: ['crux-help'],
    prompt: ':help',
    run: () => ({ kind: 'help', entries: helpEntries(all()) }),
  });
}
