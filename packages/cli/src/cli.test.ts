import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import type { Command } from './command.ts';
import { commands } from './commands/index.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd: process.cwd(), env: {} } };
}

describe('vadc help', () => {
  it.each(commands.map((entry) => [entry.name, entry] as const))('%s: every option has a description, and there is an example', async (_name, entry) => {
    const command = await entry.load();
    for (const option of Object.keys(command.options)) expect(command.help.options[option], `--${option}`).toMatch(/\S{3}/);
    expect(Object.keys(command.help.options).filter((option) => !(option in command.options)), 'help for options that do not exist').toEqual([]);
    expect(command.help.description.length).toBeGreaterThan(40);
    expect(command.help.examples.length).toBeGreaterThan(0);
    for (const example of command.help.examples) expect(example).toMatch(new RegExp(`(^|\\s)vadc ${entry.name}\\b`));
    const { out, io } = capture();
    expect(await runCli([entry.name, '--help'], io)).toBe(0);
    const text = out.join('');
    for (const option of Object.keys(command.options)) expect(text).toContain(`--${option}`);
    expect(text).toContain(command.help.examples[0]);
  });

  it('`vadc help <command>` is `vadc <command> --help`', async () => {
    const direct = capture();
    const viaHelp = capture();
    await runCli(['render', '--help'], direct.io);
    expect(await runCli(['help', 'render'], viaHelp.io)).toBe(0);
    expect(viaHelp.out.join('')).toBe(direct.out.join(''));
  });
});

describe('vadc exit statuses', () => {
  it('an unexpected exception is an internal error (3), not a usage error (2)', async () => {
    const broken: Command = {
      usage: 'vadc broken-for-test', options: {},
      help: { description: 'a command that throws a TypeError, as a bug would', options: {}, examples: ['vadc broken-for-test'] },
      run: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    };
    commands.push({ name: 'broken-for-test', summary: 'throws', load: async () => broken });
    try {
      const { err, io } = capture();
      expect(await runCli(['broken-for-test'], io)).toBe(3);
      expect(err.join('')).toContain('internal error');
    } finally {
      commands.pop();
    }
  });

  it('a missing input file is an input error (2)', async () => {
    const { err, io } = capture();
    expect(await runCli(['metrics', '/nonexistent/outputs.json'], io)).toBe(2);
    expect(err.join('')).not.toContain('internal error');
  });
});
