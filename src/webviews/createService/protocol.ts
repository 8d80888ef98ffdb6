/**
 * Create Service: display name, unique name (derived as you type, editable), description, project, and one or more
 * endpoints, each with a name, a visibility and where the service runs (one URL for every environment, or one each).
 */
import { z } from 'zod';
import { dnsLabel } from '../../api/common';
import { Visibility } from '../../api/components';
import { NamingDraft, NamingInput, ProjectsOffer } from '../createExternalConsumer/protocol';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type FormStateOf, type MessageToHost } from '../ipc';
import { formViewType } from '../formList';
import * as l10n from '@vscode/l10n';

/** What each visibility means, in one line: the form shows it beside the choice. */
export const VISIBILITY_HELP: Readonly<Record<Visibility, string>> = {
  Project: l10n.t('Only external consumers in this project can connect.'),
  Organization: l10n.t('External consumers in any project of this organization can connect.'),
  Public: l10n.t('Any external consumer of this control plane can connect, in any organization.'),
};

/** The most endpoints a service has (the API's limit). */
export const MAX_ENDPOINTS = 50;

export const EndpointDraft = z.strictObject({
  name: text(100),
  visibility: Visibility,
  /** "My service runs at": used for every environment unless `perEnvironment`. */
  upstreamUrl: text(2000),
  perEnvironment: z.boolean(),
  /** Environment handle → URL, used when `perEnvironment`. */
  upstreamUrls: z.record(text(100), text(2000)),
});
export type EndpointDraft = z.infer<typeof EndpointDraft>;

export const EnvironmentChoice = z.strictObject({ handle: dnsLabel, name: text(200) });

/** What the probe of one URL found (see src/useCases/probeUpstream.ts). */
export const Probed = z.strictObject({
  type: z.literal('probed'),
  url: text(2000),
  answered: z.boolean(),
  summary: text(500),
  remoteNote: text(500).optional(),
});

/** There is one Create Service form at a time, so its saved state names the form rather than a resource. */
export const CREATE_SERVICE_FORM = z.literal('create-service');

export const createServiceProtocol = defineProtocol({
  viewType: formViewType('createService'),
  toHost: toHostMessages(
    z.strictObject({ type: z.literal('create'), ...NamingInput, endpoints: z.array(EndpointDraft).min(1).max(MAX_ENDPOINTS) }),
    /** Asks whether a URL answers from this machine (debounced as the user types). */
    z.strictObject({ type: z.literal('probe'), url: text(2000).min(1) }),
    z.strictObject({ type: z.literal('cancel') }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('init'),
      ...ProjectsOffer,
      /** Organization handle → its environments, for the per-environment URLs. */
      environments: z.record(dnsLabel, z.array(EnvironmentChoice).max(100)),
    }),
    Probed,
  ),
  state: z.strictObject({ ref: CREATE_SERVICE_FORM, ...NamingDraft, endpoints: z.array(EndpointDraft).min(1).max(MAX_ENDPOINTS) }),
});

export type CreateServiceToHost = MessageToHost<typeof createServiceProtocol>;
export type CreateServiceState = FormStateOf<typeof createServiceProtocol>;

/** The form's id of the field for a path of the use case or the server (`endpoints.0.upstreamUrls.development`). */
export function fieldIdOf(path: string, endpoints: readonly Pick<EndpointDraft, 'perEnvironment'>[]): string {
  const m = /^endpoints\.(\d+)\.(name|visibility|upstreamUrl|upstreamUrls)(?:\.([^.]+))?$/.exec(path);
  if (!m) return path === 'endpoints' ? 'endpoint-0-name' : path;
  const [, i, key, env] = m;
  if (key === 'upstreamUrls') return endpoints[Number(i)]?.perEnvironment && env ? `endpoint-${i}-url-${env}` : `endpoint-${i}-url`;
  return key === 'upstreamUrl' ? `endpoint-${i}-url` : `endpoint-${i}-${key}`;
}
