/** Create an External Consumer: display name, unique name (derived as you type, editable), description, project. */
import { z } from 'zod';
import { dnsLabel } from '../../api/common';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type FormStateOf, type MessageToHost } from '../ipc';
import { ProjectRef } from '../../api/refs';
import { formViewType } from '../formList';

export const ProjectChoice = z.strictObject({
  orgHandle: dnsLabel,
  orgName: text(200),
  projectHandle: dnsLabel,
  projectName: text(200),
});
export type ProjectChoice = z.infer<typeof ProjectChoice>;

/** There is one Create form at a time, so its saved state names the form rather than a resource. */
export const CREATE_FORM = z.literal('create');

/** The most projects the picker offers (the host reads that many, page after page). */
export const MAX_PROJECTS = 1000;

/** What every Create form of a component sends (shapes only: the host checks the rules with the API's CreateComponent
 * and answers field by field). */
export const NamingInput = { project: ProjectRef, displayName: text(200), name: text(100), description: text(2000) };

/** What every Create form of a component keeps in its saved state. */
export const NamingDraft = {
  project: ProjectRef.optional(),
  displayName: text(200),
  name: text(100),
  /** Once the user edits the unique name, typing in the display name no longer overwrites it. */
  nameEdited: z.boolean(),
  description: text(2000),
};
export type NamingState = z.infer<z.ZodObject<typeof NamingDraft>>;

/** What every Create form of a component is told first: the projects to pick from, and the one it was opened on. */
export const ProjectsOffer = {
  projects: z.array(ProjectChoice).max(MAX_PROJECTS),
  /** Present when the form was opened from a project: it wins over the project the form had saved. */
  selected: ProjectRef.optional(),
};

export const createExternalConsumerProtocol = defineProtocol({
  viewType: formViewType('createExternalConsumer'),
  toHost: toHostMessages(z.strictObject({ type: z.literal('create'), ...NamingInput }), z.strictObject({ type: z.literal('cancel') })),
  toWebview: toWebviewMessages(z.strictObject({ type: z.literal('init'), ...ProjectsOffer })),
  state: z.strictObject({ ref: CREATE_FORM, ...NamingDraft }),
});

export type CreateExternalConsumerToHost = MessageToHost<typeof createExternalConsumerProtocol>;
export type CreateExternalConsumerState = FormStateOf<typeof createExternalConsumerProtocol>;
