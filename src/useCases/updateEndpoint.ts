import { UpdateEndpoint, type Component } from '../api';
import { ComponentRef, refIn } from '../api/refs';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import { parseFields } from './validate';
import * as l10n from '@vscode/l10n';

/**
 * Changes one endpoint of a service: its upstream URL in some environments (null removes one), its visibility and its
 * CORS setting. Checked with the API's rule first; the gateway uses the change from the next call on. Field problems
 * are keyed `upstreamUrls.<environment>`, `visibility` and `cors.<part>`.
 */
export async function updateEndpoint(ctx: UseCaseContext, service: ComponentRef, endpoint: string, input: UpdateEndpoint): Promise<Component> {
  const trimmed: UpdateEndpoint = {
    ...input,
    ...(input.upstreamUrls
      ? { upstreamUrls: Object.fromEntries(Object.entries(input.upstreamUrls).map(([env, url]) => [env, url === null ? null : url.trim()])) }
      : {}),
  };
  const body = parseFields(UpdateEndpoint, trimmed);
  const client = await ctx.client();
  if (body.upstreamUrls) {
    const known = new Set((await client.listEnvironments(service.orgHandle)).map((e) => e.handle));
    const unknown = Object.keys(body.upstreamUrls).filter((env) => !known.has(env));
    if (unknown.length) {
      const message = l10n.t`Organization ${service.orgHandle} has no environment "${unknown[0]}"; use one of: ${[...known].join(', ')}.`;
      throw new UseCaseError('validation_failed', message, Object.fromEntries(unknown.map((env) => [`upstreamUrls.${env}`, message])));
    }
  }
  const updated = await ctx.ui.progress(l10n.t`Saving endpoint ${endpoint}…`, () =>
    client.updateEndpoint(service.orgHandle, service.projectHandle, service.componentName, endpoint, body),
  );
  const what = [
    body.upstreamUrls && `upstream URL in ${Object.keys(body.upstreamUrls).join(', ')}`,
    body.visibility && `visibility ${body.visibility}`,
    body.cors !== undefined && (body.cors === null ? 'CORS back to the default' : `CORS (origins ${body.cors.allowOrigins.join(', ')})`),
  ]
    .filter(Boolean)
    .join(' and ');
  ctx.log.info(`Changed endpoint ${endpoint} of ${service.orgHandle}/${service.projectHandle}/${service.componentName}: ${what || 'nothing'}`);
  ctx.changed(refIn(ComponentRef, service));
  return updated;
}
