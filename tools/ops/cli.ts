/**
 * npm run ops -- <command> [options]: the operator's commands for a running installation.
 * `npm run ops -- help` lists them; `npm run token` and `npm run rebuild` are aliases.
 * Exit codes: 0 done, 2 bad arguments or environment (message, then usage), 1 anything else
 * (one line, no stack trace).
 */
import { ConfigError, UsageError } from '@dtc/platform';
import type { OpsCommand } from './command';
import { COMMANDS } from './commands';
import { commandList, commandUsage } from './commands/help';

function finish(code: number, stream: NodeJS.WriteStream, text?: string): void {
  // Exit only once the text is written: stdout may be a pipe read by a script.
  stream.write(text === undefined ? '' : `${text}\n`, () => process.exit(code));
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim() || (error as Error)?.name || 'unknown error';
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined) return finish(2, process.stderr, `ops: no command given\n\n${commandList(COMMANDS)}`);
  if (name === '--help' || name === '-h') return finish(0, process.stdout, commandList(COMMANDS));
  const command: OpsCommand | undefined = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) return finish(2, process.stderr, `ops: unknown command "${name}"\n\n${commandList(COMMANDS)}`);
  if (rest.includes('--help') || rest.includes('-h')) return finish(0, process.stdout, `${command.name}: ${command.summary}\n${commandUsage(command)}`);
  try {
    await command.run(rest);
    finish(0, process.stdout);
  } catch (error) {
    if (error instanceof UsageError) return finish(2, process.stderr, `ops ${command.name}: ${error.message}\n\n${commandUsage(command)}`);
    if (error instanceof ConfigError) return finish(2, process.stderr, `ops ${command.name}: bad environment: ${error.problems.join('; ')}`);
    finish(1, process.stderr, `ops ${command.name} failed: ${oneLine(error)}`);
  }
}

void main(process.argv.slice(2));
