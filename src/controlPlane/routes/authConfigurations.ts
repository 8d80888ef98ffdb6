/**
 * Authentication of an external consumer, per environment: Generate Keys and Regenerate Secret with the built-in
 * identity provider (the secret is answered once; only its hash is stored), Add Keys with an external one.
 */
import { randomUUID } from 'node:crypto';
import { AddExternalKeys, type IssuedKeys } from '../../api/auth';
import { KeySettings } from '../../api/keySettings';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findComponent, findEnvironment } from '../domain/lookups';
import { builtInIdentityProvider } from '../domain/organizations';
import { AuthConfigRecord, C, ComponentRecord, IdentityProviderRecord } from '../domain/records';
import { authConfigurationView } from '../domain/views';
import { readJson } from '../http/body';
import { conflict, notFound, validationFailed } from '../http/errors';
import type { Router } from '../http/router';
import { newClientId, newClientSecret } from '../idp/clientSecret';
import type { Store } from '../store/store';
import { MissingRecord, UniqueViolation } from '../store/store';

export const authConfigurations: ControlPlaneModule = {
  register(router: Router, { store, cascade, baseUrl }: ControlPlaneContext) {
    const base = '/orgs/:org/projects/:project/components/:component/auth';
    const view = async (r: AuthConfigRecord) =>
      authConfigurationView(r, await store.get<IdentityProviderRecord>(C.identityProviders, r.identityProviderId), baseUrl);

    /** The component (which must be an external consumer), its environment, and its configuration there if any. */
    const slot = async (params: Record<string, string>) => {
      const { org, component } = await findComponent(store, params.org, params.project, params.component);
      if (component.type !== 'external-consumer') {
        throw conflict(`"${component.name}" is a service; authentication is configured for external consumers.`);
      }
      const env = await findEnvironment(store, org, params.env);
      const existing = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'slot', `${component.id}/${env.handle}`);
      return { org, component, env, existing };
    };

    router.api('GET', base, async ({ params }) => {
      const { component } = await findComponent(store, params.org, params.project, params.component);
      const configs = await store.findAll<AuthConfigRecord>(C.authConfigs, 'component', component.id);
      return { status: 200, body: { items: await Promise.all(configs.sort(byEnv).map(view)) } };
    });

    router.api('GET', `${base}/:env`, async ({ params }) => {
      const { component, env, existing } = await slot(params);
      if (!existing) throw notConfigured(component, env.name);
      return { status: 200, body: await view(existing) };
    });

    router.api('DELETE', `${base}/:env`, async ({ params }) => {
      const { component, env, existing } = await slot(params);
      if (!existing) throw notConfigured(component, env.name);
      await store.write(await cascade.deletion(C.authConfigs, existing, store));
      return { status: 204 };
    });

    router.api('POST', `${base}/:env/generate-keys`, async ({ params }) => {
      const { org, component, env, existing } = await slot(params);
      if (existing) {
        throw conflict(
          existing.kind === 'built-in'
            ? `"${component.name}" already has keys in ${env.name}. Use Regenerate Secret for a new secret (the client ID stays).`
            : `"${component.name}" uses an external identity provider in ${env.name}. Remove that configuration first to use the built-in one.`,
        );
      }
      const idp = await builtInIdentityProvider(store, org.id);
      if (!idp) throw notFound(`Organization "${org.handle}" has no built-in identity provider.`);
      const { secret, hash } = newClientSecret();
      const now = new Date().toISOString();
      const record: AuthConfigRecord = {
        id: randomUUID(),
        orgId: org.id,
        orgHandle: org.handle,
        componentId: component.id,
        environment: env.handle,
        identityProviderId: idp.id,
        kind: 'built-in',
        clientId: newClientId(),
        secretHash: hash,
        createdAt: now,
        updatedAt: now,
      };
      await writeConfig(store, component, env.name, record);
      const body: IssuedKeys = { authConfiguration: await view(record), clientSecret: secret };
      return { status: 201, body };
    });

    router.api('POST', `${base}/:env/regenerate-secret`, async ({ params }) => {
      const { component, env, existing } = await slot(params);
      if (!existing) throw notConfigured(component, env.name);
      if (existing.kind !== 'built-in') {
        throw conflict(`"${component.name}" uses an external identity provider in ${env.name}; its secret lives in that provider.`);
      }
      const { secret, hash } = newClientSecret();
      const now = new Date().toISOString();
      const record: AuthConfigRecord = { ...existing, secretHash: hash, secretRegeneratedAt: now, updatedAt: now };
      // Once this write is acknowledged the old hash is gone from the store the token endpoint reads: the old
      // secret is refused from the next request on, and the gateway refuses the tokens it got (they carry an older
      // secret_version, or none).
      await writeConfig(store, component, env.name, record);
      const body: IssuedKeys = { authConfiguration: await view(record), clientSecret: secret };
      return { status: 200, body };
    });

    // Key settings of built-in keys (issue 24): grants, callback URLs, public client, PKCE, expiry times. Every
    // replica reads them from the store per request, so a change holds everywhere within the store's propagation.
    router.api('PUT', `${base}/:env/key-settings`, async ({ req, params }) => {
      const { component, env, existing } = await slot(params);
      const keySettings = await readJson(req, KeySettings);
      if (!existing) throw notConfigured(component, env.name);
      if (existing.kind !== 'built-in') {
        throw conflict(`"${component.name}" uses an external identity provider in ${env.name}; its key settings live in that provider.`);
      }
      const record: AuthConfigRecord = { ...existing, keySettings, updatedAt: new Date().toISOString() };
      await writeConfig(store, component, env.name, record);
      return { status: 200, body: await view(record) };
    });

    router.api('PUT', `${base}/:env/external`, async ({ req, params }) => {
      const { org, component, env, existing } = await slot(params);
      const input = await readJson(req, AddExternalKeys);
      const idp = await store.get<IdentityProviderRecord>(C.identityProviders, input.identityProviderId);
      if (!idp || idp.orgId !== org.id) {
        const message = `Organization "${org.handle}" has no identity provider with id "${input.identityProviderId}".`;
        throw validationFailed(message, [{ path: 'identityProviderId', message }]);
      }
      if (idp.kind === 'built-in') {
        const message = 'Add Keys is for external identity providers; use Generate Keys for the built-in one.';
        throw validationFailed(message, [{ path: 'identityProviderId', message }]);
      }
      if (idp.environments !== 'all' && !idp.environments.includes(env.handle)) {
        const message = `"${idp.name}" is not available in ${env.name}.`;
        throw validationFailed(message, [{ path: 'identityProviderId', message }]);
      }
      const now = new Date().toISOString();
      const record: AuthConfigRecord = {
        id: existing?.id ?? randomUUID(),
        orgId: org.id,
        orgHandle: org.handle,
        componentId: component.id,
        environment: env.handle,
        identityProviderId: idp.id,
        kind: 'external',
        clientId: input.clientId,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await writeConfig(store, component, env.name, record);
      return { status: 200, body: await view(record) };
    });
  },
};

const byEnv = (a: AuthConfigRecord, b: AuthConfigRecord) => a.environment.localeCompare(b.environment);

function notConfigured(component: ComponentRecord, envName: string) {
  return notFound(`"${component.name}" has no keys in ${envName} yet. Use Generate Keys (built-in identity provider) or Add Keys.`);
}

async function writeConfig(store: Store, component: ComponentRecord, envName: string, record: AuthConfigRecord): Promise<void> {
  try {
    await store.write([
      { op: 'require', collection: C.components, id: component.id },
      { op: 'put', collection: C.authConfigs, record },
    ]);
  } catch (err) {
    if (err instanceof MissingRecord) throw notFound(`"${component.name}" was deleted.`);
    if (err instanceof UniqueViolation && err.index === 'externalClientId') {
      throw conflict(
        `Another external consumer already uses the Client ID ${record.clientId} with this identity provider. Each app there belongs to one consumer: create another app in the provider for "${component.name}".`,
      );
    }
    if (err instanceof UniqueViolation) throw conflict(`"${component.name}" got keys in ${envName} at the same moment. Reload and try again.`);
    throw err;
  }
}
