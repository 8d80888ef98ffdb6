import type { Component } from '../api';
import type { ProjectRef } from '../api/refs';
import { createService as create, type NewService } from '../useCases/createService';
import { refOf, resolveProject, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Create Service: opens the form on the project of the row it was run on (a project, or any row under one). With the
 * service's fields given (tests), it is created at once and its Overview opens.
 */
export async function createService(
  ctx: CommandContext,
  target?: Target<ProjectRef>,
  input?: NewService & { openOverview?: boolean },
): Promise<Component | undefined> {
  const { orgHandle, projectHandle } = refOf(target);
  const given = optionsOf(input);
  if (!given.displayName || !given.endpoints) {
    await ctx.forms.openCreateService(orgHandle && projectHandle ? { orgHandle, projectHandle } : undefined);
    return undefined;
  }
  const where = await resolveProject(ctx, { orgHandle, projectHandle });
  const service = await create(ctx, where, { displayName: given.displayName, name: given.name, description: given.description, endpoints: given.endpoints });
  if (given.openOverview !== false) await ctx.forms.openOverview({ ...where, componentName: service.name });
  return service;
}
