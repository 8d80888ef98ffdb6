/**
 * The built-in identity provider beyond client_credentials (issue 24): its test users and the authorization server
 * that signs them in. Its records are deleted with their organization.
 */
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { C } from '../domain/records';
import type { Router } from '../http/router';
import type { WriteOp } from '../store/store';
import { IDP, idpCollections } from './records';
import { registerTestUsers } from './testUsers';
import { authorizationServer } from './authorizationServer';

export const builtInIdentityProvider: ControlPlaneModule = {
  collections: idpCollections,
  register(router: Router, ctx: ControlPlaneContext) {
    registerTestUsers(router, ctx);
    authorizationServer(ctx).register(router);
    ctx.cascade.onDelete(C.orgs, async (org, store) => {
      const ops: WriteOp[] = [];
      for (const collection of [IDP.refreshTokens, IDP.grants, IDP.codes, IDP.sessions, IDP.interactions, IDP.testUsers]) {
        for (const r of await store.findAll(collection, 'org', org.id)) ops.push({ op: 'delete', collection, id: r.id });
      }
      return ops;
    });
  },
};
