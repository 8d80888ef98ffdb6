import { CommandError, type CommandContext } from './commandContext';

/**
 * Insert Connection Snippet. NOT AVAILABLE YET: the snippet library (src/snippets/, issue 7) is not in the repo;
 * once it is, this calls its insert function with the connection row's ref.
 */
export async function insertConnectionSnippet(_ctx: CommandContext): Promise<void> {
  throw new CommandError('not_available', 'Insert Connection Snippet is not available yet: the snippet library has not landed.');
}
