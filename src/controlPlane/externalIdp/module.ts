/**
 * External identity providers of an organization: register one from its Well-Known URL, refresh it from there,
 * and refuse to delete one while an external consumer uses it. Listing, reading and deleting are answered by
 * routes/identityProviders.ts; this module adds the routes that need discovery, and the `in_use` rule on delete.
 */
import { randomUUID } from 'node:crypto';
import { CreateIdentityProvider, UpdateIdentityProvider, type IdentityProviderChange, type RefreshedIdentityProvider } from '../../api/identityProviders';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { environmentsOf, findOrg } from '../domain/lookups';
import { C, type IdentityProviderRecord, type OrganizationRecord } from '../domain/records';
import { identityProviderView } from '../domain/views';
import { readJson } from '../http/body';
import { ApiError, conflict, inUse, nameTaken, notFound, validationFailed } from '../http/errors';
import type { OutboundPolicy } from '../http/outbound';
import type { Router } from '../http/router';
import { UniqueViolation, type Store } from '../store/store';
import { discoverProvider, DiscoveryError, readSigningKeyIds, type DiscoveredProvider } from './discovery';
import { describeUses, findConsumerConfigs, usedBy, usesOf } from './usage';

async function discover(wellKnownUrl: string, outbound: OutboundPolicy): Promise<DiscoveredProvider> {
  try {
    return await discoverProvider(wellKnownUrl, { outbound });
  } catch (err) {
    if (err instanceof DiscoveryError) {
      throw new ApiError(400, 'discovery_failed', err.message, [{ path: 'wellKnownUrl', message: err.message }]);
    }
    throw err;
  }
}

/** The JWKS's key IDs; at registration a JWKS that does not answer yet is no refusal (the gateway says so on the
 * first call), at a refresh it is: the user asked to have everything read again. */
async function signingKeyIds(jwksUri: string, outbound: OutboundPolicy, required: boolean): Promise<string[] | undefined> {
  try {
    return await readSigningKeyIds(jwksUri, { outbound });
  } catch (err) {
    if (!(err instanceof DiscoveryError)) throw err;
    if (!required) return undefined;
    throw new ApiError(400, 'discovery_failed', `The provider's signing keys could not be read: ${err.message}`);
  }
}

/** What a refresh found different. Key IDs not read before (a provider registered while its JWKS was down) are not
 * reported as a change: nothing is known to compare with. */
function changesOf(before: IdentityProviderRecord, after: IdentityProviderRecord): IdentityProviderChange[] {
  const changes: IdentityProviderChange[] = [];
  for (const field of ['issuer', 'tokenEndpoint', 'jwksUri'] as const) {
    if (before[field] !== after[field]) changes.push({ field, before: before[field] ?? '', after: after[field] ?? '' });
  }
  const keys = (ids: string[] | undefined) => (ids ?? []).join(', ');
  if (before.signingKeyIds && keys(before.signingKeyIds) !== keys(after.signingKeyIds)) {
    changes.push({ field: 'signingKeys', before: keys(before.signingKeyIds), after: keys(after.signingKeyIds) });
  }
  return changes;
}

/** One provider per issuer in an organization: the gateway maps a token's `iss` to exactly one provider. */
async function requireNewIssuer(store: Store, org: OrganizationRecord, issuer: string, except?: string): Promise<void> {
  const same = (await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', org.id)).find(
    (i) => i.kind === 'external' && i.issuer === issuer && i.id !== except,
  );
  if (same) throw conflict(`The issuer ${issuer} is already registered in "${org.handle}" as "${same.name}". Use that provider.`);
}

export const externalIdentityProviders: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    const { store, baseUrl, cascade } = ctx;

    router.api('POST', '/orgs/:org/identity-providers', async ({ req, params }) => {
      const org = await findOrg(store, params.org);
      const input = await readJson(req, CreateIdentityProvider);
      if (input.environments !== 'all') {
        const known = new Set((await environmentsOf(store, org.id)).map((e) => e.handle));
        const fields = input.environments
          .map((e, i) => ({ e, i }))
          .filter(({ e }) => !known.has(e))
          .map(({ e, i }) => ({ path: `environments.${i}`, message: `There is no environment "${e}"; use one of: ${[...known].join(', ')}.` }));
        if (fields.length) throw validationFailed(fields[0].message, fields);
      }
      const found = await discover(input.wellKnownUrl, ctx.outbound);
      await requireNewIssuer(store, org, found.issuer);
      const keyIds = await signingKeyIds(found.jwksUri, ctx.outbound, false);
      const record: IdentityProviderRecord = {
        id: randomUUID(),
        orgId: org.id,
        kind: 'external',
        name: input.name,
        description: input.description,
        wellKnownUrl: found.wellKnownUrl,
        issuer: found.issuer,
        tokenEndpoint: found.tokenEndpoint,
        jwksUri: found.jwksUri,
        environments: input.environments,
        audiences: [...new Set(input.audiences)],
        createdAt: new Date().toISOString(),
        ...(keyIds ? { signingKeyIds: keyIds } : {}),
      };
      try {
        await store.write([
          { op: 'require', collection: C.orgs, id: org.id },
          { op: 'put', collection: C.identityProviders, record },
        ]);
      } catch (err) {
        if (err instanceof UniqueViolation) {
          throw nameTaken(`"${org.handle}" already has an identity provider named "${input.name}". Choose another name.`, 'name');
        }
        throw err;
      }
      return { status: 201, body: identityProviderView(record, org, baseUrl, []) };
    });

    // The audiences its tokens must carry (e.g. for a provider registered before they were asked for).
    router.api('PATCH', '/orgs/:org/identity-providers/:idp', async ({ req, params }) => {
      const org = await findOrg(store, params.org);
      const input = await readJson(req, UpdateIdentityProvider);
      const idp = await store.get<IdentityProviderRecord>(C.identityProviders, params.idp);
      if (!idp || idp.orgId !== org.id) throw notFound(`Organization "${org.handle}" has no identity provider "${params.idp}".`);
      if (idp.kind === 'built-in') throw conflict("The built-in identity provider's tokens are for this gateway; there is nothing to change.");
      const updated: IdentityProviderRecord = { ...idp, audiences: [...new Set(input.audiences)] };
      await store.write([{ op: 'put', collection: C.identityProviders, record: updated }]);
      return { status: 200, body: identityProviderView(updated, org, baseUrl, await usedBy(store, org.id, updated.id)) };
    });

    router.api('POST', '/orgs/:org/identity-providers/:idp/refresh', async ({ params }) => {
      const org = await findOrg(store, params.org);
      const idp = await store.get<IdentityProviderRecord>(C.identityProviders, params.idp);
      if (!idp || idp.orgId !== org.id) throw notFound(`Organization "${org.handle}" has no identity provider "${params.idp}".`);
      if (idp.kind === 'built-in' || !idp.wellKnownUrl) {
        throw conflict('The built-in identity provider is part of this control plane; there is nothing to refresh.');
      }
      const found = await discover(idp.wellKnownUrl, ctx.outbound);
      await requireNewIssuer(store, org, found.issuer, idp.id);
      const updated: IdentityProviderRecord = {
        ...idp,
        issuer: found.issuer,
        tokenEndpoint: found.tokenEndpoint,
        jwksUri: found.jwksUri,
        signingKeyIds: await signingKeyIds(found.jwksUri, ctx.outbound, true),
        refreshedAt: new Date().toISOString(),
      };
      // The gateway of every replica fetches its keys again (gateway/module.ts, externalIssuers).
      await store.write([{ op: 'put', collection: C.identityProviders, record: updated }]);
      const body: RefreshedIdentityProvider = {
        provider: identityProviderView(updated, org, baseUrl, await usedBy(store, org.id, updated.id)),
        changes: changesOf(idp, updated),
      };
      return { status: 200, body };
    });

    // In use: refused, naming the consumers whose keys come from it; keys deleted in the same write (an organization
    // deleted with its consumers) do not count. Once deleted, every replica's gateway drops its issuer and keys
    // (gateway/module.ts, externalIssuers).
    cascade.refuseDelete(async ({ ops }, s) => {
      const deleted = (collection: string) => new Set(ops.flatMap((o) => (o.op === 'delete' && o.collection === collection ? [o.id] : [])));
      const providers = deleted(C.identityProviders);
      if (providers.size === 0) return;
      const keys = deleted(C.authConfigs);
      for (const id of providers) {
        const idp = await s.get<IdentityProviderRecord>(C.identityProviders, id);
        if (idp?.kind !== 'external') continue;
        const uses = await findConsumerConfigs(s, idp.orgId, (c) => c.identityProviderId === idp.id && !keys.has(c.id));
        if (uses.length === 0) continue;
        const envs = new Map((await environmentsOf(s, idp.orgId)).map((e) => [e.handle, e.name]));
        throw inUse(
          `"${idp.name}" is used by ${uses.length === 1 ? 'the external consumer' : 'these external consumers'}: ` +
            `${describeUses(uses, (h) => envs.get(h) ?? h)}. Remove their keys for this provider first.`,
          usesOf(uses),
        );
      }
    });
  },
};
