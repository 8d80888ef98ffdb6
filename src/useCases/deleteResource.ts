/**
 * Delete (asks first, naming what goes with it) an organization, project, component, connection or identity
 * provider. The consumer secrets this VS Code keeps for what was deleted leave SecretStorage too. A provider that
 * consumers' keys use is refused by the control plane, which names them (`uses` on the error).
 */
import type { Connection, IdentityProvider } from '../api';
import type { ComponentRef } from '../api/refs';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

/** A tree row's target: an organization, or down to a component by its ref, or one of its connections or providers. */
export interface DeleteTarget extends Partial<ComponentRef> {
  connection?: Pick<Connection, 'name'>;
  identityProvider?: Pick<IdentityProvider, 'id' | 'name'>;
}

export async function deleteResource(ctx: UseCaseContext, target: Partial<DeleteTarget>, o: { confirmed?: boolean } = {}): Promise<string> {
  const { orgHandle: org, projectHandle: project, componentName: component, connection, identityProvider } = target;
  if (!org) throw new UseCaseError('no_target', l10n.t('Run Delete on a row of the Choreo view.'));
  const client = await ctx.client();
  const controlPlane = client.baseUrl;
  let what: string;
  let goesWith: string;
  let run: () => Promise<unknown>;
  let after: () => Promise<unknown>;
  if (identityProvider) {
    what = l10n.t`identity provider ${identityProvider.name}`;
    goesWith = l10n.t`The gateway stops accepting tokens issued by ${identityProvider.name} at once.`;
    run = () => client.deleteIdentityProvider(org, identityProvider.id);
    after = async () => ctx.changed({ orgHandle: org, identityProviders: true });
  } else if (project && component) {
    const c = await client.getComponent(org, project, component);
    const name = c.displayName || c.name;
    if (connection) {
      what = l10n.t`connection ${connection.name} of ${name}`;
      goesWith = l10n.t`${name} loses access to the endpoint through the gateway. Config already written to files stays there.`;
      run = () => client.deleteConnection(org, project, component, connection.name);
      after = async () => ctx.changed({ orgHandle: org, projectHandle: project, componentName: component, connections: true });
    } else {
      what = c.type === 'service' ? l10n.t`service ${name}` : l10n.t`external consumer ${name}`;
      goesWith =
        c.type === 'service'
          ? l10n.t('Its endpoints go with it. While consumers are connected to it, the control plane refuses and names their connections.')
          : l10n.t('Its keys in every environment, its connections, and the secrets this VS Code keeps for it in SecretStorage go with it.');
      run = () => client.deleteComponent(org, project, component);
      after = async () => {
        await ctx.vault.deleteSecretsUnder({ controlPlane, org, project, componentId: c.id });
        ctx.changed({ orgHandle: org, projectHandle: project });
      };
    }
  } else if (project) {
    what = l10n.t`project ${project}`;
    goesWith = l10n.t(
      'Every component in it, their keys and connections, and the secrets this VS Code keeps for them go with it. While consumers of other projects are connected to its services, the control plane refuses and names their connections.',
    );
    run = () => client.deleteProject(org, project);
    after = async () => {
      await ctx.vault.deleteSecretsUnder({ controlPlane, org, project });
      ctx.changed({ orgHandle: org });
    };
  } else {
    what = l10n.t`organization ${org}`;
    goesWith = l10n.t('Its projects, components, identity providers, keys and connections, and the secrets this VS Code keeps for them go with it.');
    run = () => client.deleteOrganization(org);
    after = async () => {
      await ctx.vault.deleteSecretsUnder({ controlPlane, org });
      ctx.changed({});
    };
  }
  if (!o.confirmed) await ctx.ui.confirm(l10n.t`Delete ${what}?`, l10n.t`${goesWith} This cannot be undone.`, l10n.t('Delete'));
  await ctx.ui.progress(l10n.t`Deleting ${what}…`, run);
  await after();
  ctx.log.info(`Deleted ${what} (${[org, project, component, identityProvider?.id].filter(Boolean).join('/')})`);
  return what;
}
