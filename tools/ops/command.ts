import { parseArguments, type ArgumentSpec, type ParsedArguments } from '@dtc/platform';

/** One `npm run ops -- <name>` command, as the dispatcher and `help` see it. */
export interface OpsCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  spec: ArgumentSpec;
  /** What the command reads from the environment, for `help`. */
  environment: string[];
  run(argv: string[]): Promise<void>;
}

interface CommandDefinition<S extends ArgumentSpec> extends Omit<OpsCommand, 'run' | 'spec'> {
  spec: S;
  run(args: ParsedArguments<S>): Promise<void>;
}

/** Declares a command; its arguments are parsed (and typed) from its spec before it runs. */
export function defineCommand<const S extends ArgumentSpec>(definition: CommandDefinition<S>): OpsCommand {
  return { ...definition, run: (argv) => definition.run(parseArguments(argv, definition.spec)) };
}

export const print = (text = ''): void => void process.stdout.write(`${text}\n`);
