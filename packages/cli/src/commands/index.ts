// The explicit list of `vadc` subcommands: a new command is one file in this folder plus one line here.
import type { Command } from '../command.ts';

export const commands: Command[] = [];
