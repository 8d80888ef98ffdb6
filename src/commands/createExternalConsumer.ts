import * as vscode from 'vscode';
import type { Component } from '../api';
import type { CommandContext } from './commandContext';
import { askText, field } from './prompts';
import { componentRef, refOf, targetProject } from './targets';
import { validateWith } from './validation';

/**
 * Create External Consumer: display name → unique name (derived from it, DNS-label rules) → description, then its
 * Overview opens, as in Choreo. The keyboard flow of the form the webview issue brings.
 * Arguments (tests, forms): `{ org, project, displayName, name?, description?, openOverview? }`.
 */
export async function createExternalConsumer(ctx: CommandContext, arg?: unknown): Promise<Component | undefined> {
  // Without the fields given, the form asks for them (pre-filled with the project it was opened from).
  if (ctx.forms && !field(refOf(arg), 'displayName')) {
    const r = refOf(arg);
    const org = field(r, 'org');
    const project = field(r, 'project');
    await ctx.forms.openCreateExternalConsumer(org && project ? { org, project } : undefined);
    return undefined;
  }
  const { displayName: displayNameRule, dnsLabel, description: descriptionRule, toDnsLabel } = await import('../api/common.js');
  const { org, project } = await targetProject(ctx, arg);
  const given = refOf(arg);
  const title = 'Create External Consumer';
  const displayName =
    field(given, 'displayName') ??
    (await askText({ title, prompt: 'Display name', placeHolder: 'Stark Mobile App', validateInput: validateWith(displayNameRule) }));
  const name =
    field(given, 'name') ??
    (field(given, 'displayName')
      ? toDnsLabel(displayName)
      : await askText({ title, prompt: 'Unique name: lower-case letters, digits and hyphens', value: toDnsLabel(displayName), validateInput: validateWith(dnsLabel) }));
  const description =
    field(given, 'description') ??
    (field(given, 'displayName') ? '' : await askText({ title, prompt: 'Description (optional)', validateInput: validateWith(descriptionRule) }));
  const client = await ctx.client();
  const component = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating external consumer ${displayName}…` },
    () => client.createComponent(org, project, { displayName, name, description, type: 'external-consumer' }),
  );
  ctx.log.info(`Created external consumer ${org}/${project}/${component.name}`);
  await ctx.showComponent(component);
  if ((given as { openOverview?: unknown } | undefined)?.openOverview !== false) await ctx.overview.open(componentRef(component));
  return component;
}
