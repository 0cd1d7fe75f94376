import { formatOptions, formatSynopsis, UsageError } from '@dtc/platform';
import { defineCommand, print, type OpsCommand } from '../command';

export const OPS = 'npm run ops --';

/** Synopsis, options and environment of one command. */
export function commandUsage(command: OpsCommand): string {
  const options = formatOptions(command.spec, '    ');
  return [
    `usage: ${formatSynopsis(`${OPS} ${command.name}`, command.spec)}`,
    ...(options.length ? ['  options:', ...options] : []),
    ...(command.environment.length ? ['  environment:', ...command.environment.map((line) => `    ${line}`)] : []),
  ].join('\n');
}

/** The command list, one line each, for `help` and for an unknown command. */
export function commandList(commands: OpsCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [`usage: ${OPS} <command> [options]   (${OPS} help <command>, or <command> --help, for one command)`, '', 'commands:', ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`)].join('\n');
}

export function helpCommand(commands: () => OpsCommand[]): OpsCommand {
  return defineCommand({
    name: 'help',
    summary: 'This help: every command with its options, or one command',
    environment: [],
    spec: { positionals: [{ name: 'command', description: 'show only this command', optional: true }], options: {} },
    async run({ positionals: [name] }) {
      const all = commands();
      if (name !== undefined) {
        const command = all.find((candidate) => candidate.name === name);
        if (!command) throw new UsageError(`unknown command "${name}"; the commands are ${all.map((c) => c.name).join(', ')}`);
        return print(`${command.name}: ${command.summary}\n${commandUsage(command)}`);
      }
      print(commandList(all));
      for (const command of all.filter((c) => c.name !== 'help')) print(`\n${command.name}: ${command.summary}\n${commandUsage(command)}`);
    },
  });
}
