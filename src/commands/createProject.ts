import type { CreateProject, Project } from '../api';
import type { OrgRef } from '../api/refs';
import { createProject as create } from '../useCases/createProject';
import { refOf, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';

/** Create Project in the organization of the row it was run on; what is not given is asked for. */
export async function createProject(ctx: CommandContext, target?: Target<OrgRef>, input?: Partial<CreateProject>): Promise<Project> {
  return create(ctx, refOf(target), optionsOf(input));
}
