import { CreateComponent, toDnsLabel, type Component } from '../api';
import { ProjectRef, refIn } from '../api/refs';
import type { UseCaseContext } from './context';
import { parseInput } from './validate';
import * as l10n from '@vscode/l10n';

export interface NewExternalConsumer {
  displayName: string;
  /** The unique name; derived from the display name when absent, as the form does while the user types. */
  name?: string;
  description?: string;
}

/** Create External Consumer in a project: checked with the API's rules, created, shown in the tree. */
export async function createExternalConsumer(ctx: UseCaseContext, project: ProjectRef, input: NewExternalConsumer): Promise<Component> {
  const body = parseInput(CreateComponent, {
    displayName: input.displayName,
    name: input.name ?? toDnsLabel(input.displayName),
    description: input.description ?? '',
    type: 'external-consumer',
  });
  const client = await ctx.client();
  const component = await ctx.ui.progress(l10n.t`Creating external consumer ${body.displayName}…`, () =>
    client.createComponent(project.orgHandle, project.projectHandle, body),
  );
  ctx.log.info(`Created external consumer ${project.orgHandle}/${project.projectHandle}/${component.name}`);
  ctx.changed({ ...refIn(ProjectRef, project), componentName: component.name, created: true });
  return component;
}
