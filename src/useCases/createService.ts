import { CreateComponent, toDnsLabel, type Component, type EndpointInput } from '../api';
import { ProjectRef, refIn } from '../api/refs';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import { parseFields } from './validate';
import * as l10n from '@vscode/l10n';

/** One endpoint as the form and the command give it: the API's own fields, and the common case of one URL. */
export type NewEndpoint = Pick<EndpointInput, 'name' | 'visibility'> & {
  /** "My service runs at": one upstream URL for every environment of the organization. */
  upstreamUrl?: string;
  /** Per environment (handle → URL); wins over `upstreamUrl` for the environments it names. */
  upstreamUrls?: Record<string, string>;
};

export interface NewService {
  displayName: string;
  /** The unique name; derived from the display name when absent, as the form does while the user types. */
  name?: string;
  description?: string;
  endpoints: readonly NewEndpoint[];
}

/**
 * Create Service in a project: each endpoint's upstream URL (one for every environment, or one per environment)
 * checked as an http/https URL with the API's own rule, created, shown in the tree. Whether the URL answers is not
 * checked here: the service may start later (see probeUpstream).
 *
 * Field problems are keyed by the API's paths (`endpoints.0.upstreamUrls.development`, `name`); an endpoint given
 * one URL has its problems under `endpoints.N.upstreamUrl`.
 */
export async function createService(ctx: UseCaseContext, project: ProjectRef, input: NewService): Promise<Component> {
  const client = await ctx.client();
  const environments = await client.listEnvironments(project.orgHandle);
  const known = new Set(environments.map((e) => e.handle));
  const unknown: Record<string, string> = {};
  const endpoints = input.endpoints.map((e, i) => {
    for (const env of Object.keys(e.upstreamUrls ?? {})) {
      if (!known.has(env))
        unknown[`endpoints.${i}.upstreamUrls.${env}`] =
          l10n.t`Organization ${project.orgHandle} has no environment "${env}"; use one of: ${[...known].join(', ')}.`;
    }
    const upstreamUrls: Record<string, string> = {};
    for (const env of environments) {
      const url = e.upstreamUrls?.[env.handle] ?? e.upstreamUrl;
      if (url !== undefined) upstreamUrls[env.handle] = url.trim();
    }
    return { name: e.name, visibility: e.visibility ?? 'Project', upstreamUrls };
  });
  if (Object.keys(unknown).length) throw new UseCaseError('validation_failed', Object.values(unknown).join(' '), unknown);
  const oneUrl = (path: string) => {
    // A problem of an endpoint given one URL is that URL's, whichever environment it was copied into.
    const m = /^endpoints\.(\d+)\.upstreamUrls\./.exec(path);
    const e = m ? input.endpoints[Number(m[1])] : undefined;
    return e && e.upstreamUrl !== undefined && !e.upstreamUrls ? `endpoints.${m![1]}.upstreamUrl` : path;
  };
  const body = parseFields(
    CreateComponent,
    {
      displayName: input.displayName,
      name: input.name ?? toDnsLabel(input.displayName),
      description: input.description ?? '',
      type: 'service',
      endpoints,
    },
    oneUrl,
  );
  if (!body.endpoints?.length)
    throw new UseCaseError('validation_failed', l10n.t('Add at least one endpoint.'), { endpoints: l10n.t('Add at least one endpoint.') });
  const component = await ctx.ui.progress(l10n.t`Creating service ${body.displayName}…`, () =>
    client.createComponent(project.orgHandle, project.projectHandle, body),
  );
  ctx.log.info(`Created service ${project.orgHandle}/${project.projectHandle}/${component.name} with ${body.endpoints.length} endpoint(s)`);
  ctx.changed({ ...refIn(ProjectRef, project), componentName: component.name, created: true });
  return component;
}
