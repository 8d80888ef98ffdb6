import type { CreateOrganization, Organization } from '../api';
import { createOrganization as create } from '../useCases/createOrganization';
import { optionsOf, type CommandContext } from './commandContext';

/** Create Organization: the name asked for when not given. */
export async function createOrganization(ctx: CommandContext, input?: Partial<CreateOrganization>): Promise<Organization> {
  return create(ctx, optionsOf(input));
}
