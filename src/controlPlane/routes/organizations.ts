/** Organizations and their environments. */
import { ListQuery } from '../../api/common';
import { CreateOrganization } from '../../api/organizations';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { createOrganization } from '../domain/organizations';
import { environmentsOf, findOrg } from '../domain/lookups';
import { listPage } from '../domain/paging';
import { C, OrganizationRecord } from '../domain/records';
import { environmentView, organizationView } from '../domain/views';
import { parseQuery, readJson } from '../http/body';
import type { Router } from '../http/router';
import { sampleServiceSeedOps } from '../sampleService/seeding';
import { auditUnder } from '../members/access';
import { creatorMembership } from '../members/membership';
import { visibleOrgs } from '../members/module';

export const organizations: ControlPlaneModule = {
  register(router: Router, { store, cascade, baseUrl, sampleService }: ControlPlaneContext) {
    router.api('GET', '/orgs', async ({ query, principal }) => ({
      status: 200,
      body: await listPage<OrganizationRecord, ReturnType<typeof organizationView>>(
        store,
        C.orgs,
        '',
        parseQuery(ListQuery, query),
        organizationView,
        await visibleOrgs(store, principal),
      ),
    }));

    router.api('POST', '/orgs', async ({ req, principal }) => {
      const input = await readJson(req, CreateOrganization);
      const org = await createOrganization(store, input, (o, project, envs) => [
        ...(sampleService ? sampleServiceSeedOps(o, project, envs, baseUrl) : []),
        ...creatorMembership(principal, o),
      ]);
      auditUnder(req, org.id);
      return { status: 201, body: organizationView(org) };
    });

    router.api('GET', '/orgs/:org', async ({ params }) => ({ status: 200, body: organizationView(await findOrg(store, params.org)) }));

    router.api('DELETE', '/orgs/:org', async ({ params }) => {
      const org = await findOrg(store, params.org);
      await store.write(await cascade.deletion(C.orgs, org, store));
      return { status: 204 };
    });

    router.api('GET', '/orgs/:org/environments', async ({ params }) => {
      const org = await findOrg(store, params.org);
      return { status: 200, body: { items: (await environmentsOf(store, org.id)).map(environmentView) } };
    });
  },
};
