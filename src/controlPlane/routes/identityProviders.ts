/** Identity providers of an organization. This module answers the built-in provider; registering external ones
 * (POST, refresh) belongs to the external identity provider module, which registers its own routes. */
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findOrg } from '../domain/lookups';
import { C, IdentityProviderRecord } from '../domain/records';
import { identityProviderView } from '../domain/views';
import { usedBy, usesByProvider } from '../externalIdp/usage';
import { conflict, notFound } from '../http/errors';
import type { Router } from '../http/router';

export const identityProviders: ControlPlaneModule = {
  register(router: Router, { store, cascade, baseUrl }: ControlPlaneContext) {
    router.api('GET', '/orgs/:org/identity-providers', async ({ params }) => {
      const org = await findOrg(store, params.org);
      const idps = await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', org.id);
      // The built-in provider first, then the others by name.
      idps.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'built-in' ? -1 : 1));
      const uses = await usesByProvider(store, org.id);
      return { status: 200, body: { items: idps.map((i) => identityProviderView(i, org, baseUrl, uses.get(i.id) ?? [])) } };
    });

    const find = async (params: Record<string, string>) => {
      const org = await findOrg(store, params.org);
      const idp = await store.get<IdentityProviderRecord>(C.identityProviders, params.idp);
      if (!idp || idp.orgId !== org.id) throw notFound(`Organization "${org.handle}" has no identity provider "${params.idp}".`);
      return { org, idp };
    };

    router.api('GET', '/orgs/:org/identity-providers/:idp', async ({ params }) => {
      const { org, idp } = await find(params);
      return { status: 200, body: identityProviderView(idp, org, baseUrl, await usedBy(store, org.id, idp.id)) };
    });

    router.api('DELETE', '/orgs/:org/identity-providers/:idp', async ({ params }) => {
      const { idp } = await find(params);
      if (idp.kind === 'built-in') throw conflict('The built-in identity provider belongs to the organization and cannot be deleted.');
      await store.write(await cascade.deletion(C.identityProviders, idp, store));
      return { status: 204 };
    });
  },
};
