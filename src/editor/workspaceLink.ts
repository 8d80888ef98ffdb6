/** Reading and writing a folder's link file (`.choreo/consumer.json`; its shape is in linkFile.ts). */
import * as vscode from 'vscode';
import type { ComponentRef } from '../api/refs';
import { LINK_PATH, linkText, parseLink, sameLink, controlPlaneOf, type WorkspaceLink } from './linkFile';

export { LINK_PATH, controlPlaneOf, type WorkspaceLink } from './linkFile';

export async function readLink(folder: vscode.Uri): Promise<WorkspaceLink | string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, LINK_PATH));
  } catch {
    return undefined;
  }
  return parseLink(new TextDecoder().decode(bytes));
}

/** Writes the link unless the folder already holds the same one; returns whether it wrote. */
export async function writeLink(folder: vscode.Uri, link: WorkspaceLink): Promise<boolean> {
  const current = await readLink(folder);
  if (typeof current === 'object' && sameLink(current, link)) return false;
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, '.choreo'));
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, LINK_PATH), new TextEncoder().encode(linkText(link)));
  return true;
}

export async function removeLink(folder: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, LINK_PATH));
    return true;
  } catch {
    return false;
  }
}

/**
 * Records that `folder`'s code belongs to this consumer (after Write .env or Insert Snippet there). A folder already
 * linked to another consumer keeps its link: the user changes it with "Link Workspace to External Consumer".
 */
export async function recordLink(folder: vscode.Uri, baseUrl: string, consumer: ComponentRef): Promise<'linked' | 'unchanged' | 'kept'> {
  const link: WorkspaceLink = {
    controlPlane: controlPlaneOf(baseUrl),
    organization: consumer.orgHandle,
    project: consumer.projectHandle,
    externalConsumer: consumer.componentName,
  };
  const current = await readLink(folder);
  if (typeof current === 'object') return sameLink(current, link) ? 'unchanged' : 'kept';
  await writeLink(folder, link);
  return 'linked';
}
