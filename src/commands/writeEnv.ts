import { CommandError, type CommandContext } from './commandContext';

/**
 * Write Connection Config to .env. NOT AVAILABLE YET: the writer lives in the snippet library (src/snippets/,
 * issue 7), which is not in the repo; once it is, this calls it with the connection row's ref.
 */
export async function writeEnv(_ctx: CommandContext): Promise<void> {
  throw new CommandError('not_available', 'Write Connection Config to .env is not available yet: the snippet library has not landed.');
}
