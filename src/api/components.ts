import { z } from 'zod';
import { description, displayName, dnsLabel, isoDate } from './common';
import { CorsSetting, DEFAULT_CORS } from './cors';

export const ComponentType = z.enum(['external-consumer', 'service']);
export type ComponentType = z.infer<typeof ComponentType>;

export const Visibility = z.enum(['Project', 'Organization', 'Public']);
export type Visibility = z.infer<typeof Visibility>;

/** Where a component sits, by id (the control plane) or by handle (a form): the same kind on both sides. */
export interface Placement {
  org: string;
  project: string;
}

/** What an endpoint's visibility admits: `Project` the consumers of the service's project, `Organization` those of its
 * organization, `Public` every consumer of the control plane. The control plane's rule (connections/visibility.ts)
 * and the Create Connection form's early warning are this one function. */
export function visibilityAdmits(visibility: Visibility, service: Placement, consumer: Placement): boolean {
  if (visibility === 'Public') return true;
  if (service.org !== consumer.org) return false;
  return visibility === 'Organization' || service.project === consumer.project;
}

/** An upstream URL: http or https (the rule of the server, the use cases and the forms alike). */
export const httpUrl = z.url({
  protocol: /^https?$/,
  // "localhost:8080" is what people type: say what is missing, with the URL they meant.
  error: (issue) => {
    const typed = typeof issue.input === 'string' ? issue.input.trim() : '';
    return typed && !/^[a-z][a-z0-9+.-]*:\/\//i.test(typed) && URL.canParse(`http://${typed}`)
      ? `Start the URL with http:// or https://, as in http://${typed}.`
      : 'Enter an http or https URL.';
  },
});

/** An endpoint of a service. `upstreamUrls` maps an environment handle to where the service runs there;
 * `gatewayUrls` (server-filled) maps it to the stable URL that consumers call through the gateway; `cors` is what the
 * gateway answers browsers (the default when none was set, or from a server before it had the setting). */
export const Endpoint = z.object({
  name: dnsLabel,
  visibility: Visibility,
  upstreamUrls: z.record(z.string(), httpUrl),
  gatewayUrls: z.record(z.string(), z.string()),
  cors: CorsSetting.default(DEFAULT_CORS),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const EndpointInput = z.strictObject({
  name: dnsLabel,
  visibility: Visibility.default('Project'),
  upstreamUrls: z.record(dnsLabel, httpUrl).default({}),
  cors: CorsSetting.optional(),
});
export type EndpointInput = z.input<typeof EndpointInput>;

/** Changes one endpoint of a service. `upstreamUrls` is merged per environment: an environment given gets that URL
 * (null removes it), the others keep theirs. Narrowing `visibility` while connections exist that it would refuse is
 * refused (409 `in_use`, naming them). `cors` replaces the CORS setting as a whole (null: back to the default).
 * Takes effect at the gateway on the next call. */
export const UpdateEndpoint = z.strictObject({
  visibility: Visibility.optional(),
  upstreamUrls: z.record(dnsLabel, httpUrl.nullable()).optional(),
  cors: CorsSetting.nullable().optional(),
});
export type UpdateEndpoint = z.input<typeof UpdateEndpoint>;

/** An external consumer connected to one of a service's endpoints (the Service Overview lists them). It may be in
 * another project, or for a `Public` endpoint in another organization. */
/** Who cut a connection off, and when: what the consumer's owners read to learn why their calls now fail. */
export const Revocation = z.object({ at: isoDate, byOrgHandle: dnsLabel, by: z.string() });
export type Revocation = z.infer<typeof Revocation>;

export const ConnectedConsumer = z.object({
  /** What Revoke Connection names. */
  connectionId: z.string(),
  revoked: Revocation.optional(),
  endpointName: z.string(),
  connectionName: z.string(),
  consumer: z.object({ orgHandle: z.string(), projectHandle: z.string(), name: z.string(), displayName: z.string() }),
});
export type ConnectedConsumer = z.infer<typeof ConnectedConsumer>;

export const Component = z.object({
  id: z.string(),
  orgHandle: dnsLabel,
  projectHandle: dnsLabel,
  /** The unique name (handle) within the project. */
  name: dnsLabel,
  displayName: z.string(),
  description: z.string(),
  type: ComponentType,
  /** Only services have endpoints. */
  endpoints: z.array(Endpoint).optional(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Component = z.infer<typeof Component>;

export const CreateComponent = z.strictObject({
  displayName,
  name: dnsLabel,
  description: description.default(''),
  type: ComponentType,
  endpoints: z.array(EndpointInput).max(50).optional(),
});
export type CreateComponent = z.input<typeof CreateComponent>;

export const UpdateComponent = z.strictObject({
  displayName: displayName.optional(),
  description: description.optional(),
  endpoints: z.array(EndpointInput).max(50).optional(),
});
export type UpdateComponent = z.input<typeof UpdateComponent>;
