import { z } from 'zod';
import { description, displayName, dnsLabel, isoDate } from './common';

export const Organization = z.object({
  id: z.string(),
  handle: dnsLabel,
  name: z.string(),
  createdAt: isoDate,
});
export type Organization = z.infer<typeof Organization>;

/** Creating an organization also creates its Development and Production environments, its built-in identity
 * provider and a default project, as Choreo does. `handle` defaults to the name made into a DNS label. */
export const CreateOrganization = z.strictObject({
  name: displayName,
  handle: dnsLabel.optional(),
});
export type CreateOrganization = z.infer<typeof CreateOrganization>;

export const Environment = z.object({
  id: z.string(),
  handle: dnsLabel,
  name: z.string(),
  /** Production is critical: Choreo asks before promoting to it. */
  critical: z.boolean(),
});
export type Environment = z.infer<typeof Environment>;

export const Project = z.object({
  id: z.string(),
  orgHandle: dnsLabel,
  handle: dnsLabel,
  name: z.string(),
  description: z.string(),
  createdAt: isoDate,
});
export type Project = z.infer<typeof Project>;

/** A project is created as an organization is (a name, the handle made from it unless given), with a description. */
export const CreateProject = CreateOrganization.extend({ description: description.default('') });
export type CreateProject = z.infer<typeof CreateProject>;

export const UpdateProject = z.strictObject({
  name: displayName.optional(),
  description: description.optional(),
});
export type UpdateProject = z.infer<typeof UpdateProject>;
