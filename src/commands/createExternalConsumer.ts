import type { Component } from '../api';
import type { ProjectRef } from '../api/refs';
import { createExternalConsumer as create, type NewExternalConsumer } from '../useCases/createExternalConsumer';
import { refOf, resolveProject, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Create External Consumer: opens the form on the project of the row it was run on (a project, or any row under
 * one). Only the project is read from the row: its other fields are not the new consumer's. With the consumer's
 * fields given (tests), it is created at once and its Overview opens.
 */
export async function createExternalConsumer(
  ctx: CommandContext,
  target?: Target<ProjectRef>,
  input?: NewExternalConsumer & { openOverview?: boolean },
): Promise<Component | undefined> {
  const { orgHandle, projectHandle } = refOf(target);
  const given = optionsOf(input);
  if (!given.displayName) {
    await ctx.forms.openCreateExternalConsumer(orgHandle && projectHandle ? { orgHandle, projectHandle } : undefined);
    return undefined;
  }
  const where = await resolveProject(ctx, { orgHandle, projectHandle });
  const component = await create(ctx, where, { displayName: given.displayName, name: given.name, description: given.description });
  if (given.openOverview !== false) await ctx.forms.openOverview({ ...where, componentName: component.name });
  return component;
}
