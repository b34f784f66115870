// Every command Crux offers, in the order help lists them.
import crux from './crux.ts';
import findCrux from './find-crux.ts';
import cruxConfig from './crux-config.ts';
import forgetMe from './forget-me.ts';
import { helpCommand } from './help.ts';
import type { Command } from './types.ts';

export const commands: Command[] = [];
commands.push(crux, findCrux, helpCommand(() => commands), cruxConfig, forgetMe);

export function commandNamed(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

export type { Command, CommandContext, CommandOption, Args } from './types.ts';
