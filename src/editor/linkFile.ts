import * as l10n from '@vscode/l10n';
/**
 * The link file's shape (pure, no vscode). A workspace folder knows its external consumer: `.choreo/consumer.json`, written when the user inserts a snippet
 * or writes a connection's config there (or links it by command). It is meant to be committed, so a teammate's VS
 * Code knows it too: it holds handles and the control plane's public URL ("local" for the one the extension starts),
 * never a secret or a path of this machine.
 */
export const LINK_PATH = '.choreo/consumer.json';

export interface WorkspaceLink {
  /** "local", or the URL of a team's control plane. */
  controlPlane: string;
  organization: string;
  project: string;
  externalConsumer: string;
}

const HANDLE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The link a file's text holds, or why it holds none (a message for the user). */
export function parseLink(text: string): WorkspaceLink | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return l10n.t`${LINK_PATH} is not valid JSON.`;
  }
  const o = (data ?? {}) as Record<string, unknown>;
  const link = { controlPlane: o.controlPlane, organization: o.organization, project: o.project, externalConsumer: o.externalConsumer };
  if (typeof link.controlPlane !== 'string' || !(link.controlPlane === 'local' || /^https?:\/\//.test(link.controlPlane))) {
    return `${LINK_PATH}: "controlPlane" must be "local" or the control plane's URL.`;
  }
  for (const key of ['organization', 'project', 'externalConsumer'] as const) {
    const value = link[key];
    if (typeof value !== 'string' || !HANDLE.test(value)) return `${LINK_PATH}: "${key}" must be a handle (lower-case letters, digits, hyphens).`;
  }
  return link as WorkspaceLink;
}

export function linkText(link: WorkspaceLink): string {
  return `${JSON.stringify(
    {
      $comment: 'Which Choreo external consumer the code in this folder belongs to (Choreo External Consumers for VS Code). No secret: commit it.',
      ...link,
    },
    null,
    2,
  )}\n`;
}

export function sameLink(a: WorkspaceLink, b: WorkspaceLink): boolean {
  return a.controlPlane === b.controlPlane && a.organization === b.organization && a.project === b.project && a.externalConsumer === b.externalConsumer;
}

/** How a link names a control plane by its URL: "local" for one on this machine's loopback, else the URL. */
export function controlPlaneOf(baseUrl: string): string {
  const host = new URL(baseUrl).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' ? 'local' : baseUrl.replace(/\/+$/, '');
}
