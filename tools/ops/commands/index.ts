import type { OpsCommand } from '../command';
import { backupCommand } from './backup';
import { consumersCommand } from './consumers';
import { deadLettersCommand } from './dead-letters';
import { helpCommand } from './help';
import { onboardCommuneCommand } from './onboard-commune';
import { outboxCommand } from './outbox';
import { pruneCommand } from './prune';
import { rebuildCommand } from './rebuild';
import { republishCommand } from './republish';
import { restoreCommand } from './restore';
import { tokenCommand } from './token';

/** Every command, in the order `help` lists them. */
export const COMMANDS: OpsCommand[] = [onboardCommuneCommand, tokenCommand, outboxCommand, consumersCommand, deadLettersCommand, rebuildCommand, backupCommand, restoreCommand, republishCommand, pruneCommand, helpCommand(() => COMMANDS)];
