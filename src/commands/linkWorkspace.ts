import * as vscode from 'vscode';
import { requireTrust } from '../useCases/trust';
import { controlPlaneOf, writeLink } from '../editor/workspaceLink';
import { type ComponentTarget, refOf, resolveComponent, type Target } from '../useCases/targets';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/** The workspace folder a link goes into: the given one, the only one, or the one the user picks. */
export async function pickFolder(ctx: CommandContext, given?: string): Promise<vscode.Uri> {
  if (given) return vscode.Uri.file(given);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new CommandError('no_workspace', vscode.l10n.t('Open a folder first: the link is a file in it (.choreo/consumer.json).'));
  if (folders.length === 1) return folders[0]!.uri;
  return (
    await ctx.ui.pick(
      folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })),
      { title: vscode.l10n.t('Workspace folder') },
    )
  ).folder.uri;
}

/**
 * Link Workspace to External Consumer: records in `.choreo/consumer.json` which consumer this folder's code belongs
 * to, so completion, hover and checks of CHOREO_* names know its connections (Write .env and Insert Snippet record it
 * too, the first time).
 */
export async function linkWorkspace(ctx: CommandContext, target?: Target<ComponentTarget>, options?: { folder?: string }): Promise<{ file: string }> {
  requireTrust(ctx, vscode.l10n.t('Linking the folder to an external consumer'));
  const consumer = await resolveComponent(ctx, refOf(target), 'external-consumer');
  const folder = await pickFolder(ctx, optionsOf(options).folder);
  const client = await ctx.client();
  await writeLink(folder, {
    controlPlane: controlPlaneOf(client.baseUrl),
    organization: consumer.orgHandle,
    project: consumer.projectHandle,
    externalConsumer: consumer.componentName,
  });
  void vscode.window.showInformationMessage(
    vscode.l10n.t("This folder's code now belongs to {0}: completion and checks of its CHOREO_* variables are on.", consumer.displayName),
  );
  return { file: vscode.Uri.joinPath(folder, '.choreo', 'consumer.json').fsPath };
}
