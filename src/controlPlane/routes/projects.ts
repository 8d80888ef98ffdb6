/** Projects of an organization. */
import { randomUUID } from 'node:crypto';
import { ListQuery, toDnsLabel } from '../../api/common';
import { CreateProject, UpdateProject } from '../../api/organizations';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findOrg, findProject } from '../domain/lookups';
import { listPage } from '../domain/paging';
import { C, ProjectRecord } from '../domain/records';
import { projectView } from '../domain/views';
import { parseQuery, readJson } from '../http/body';
import { nameTaken, notFound, validationFailed } from '../http/errors';
import type { Router } from '../http/router';
import { MissingRecord, UniqueViolation } from '../store/store';

export const projects: ControlPlaneModule = {
  register(router: Router, { store, cascade }: ControlPlaneContext) {
    router.api('GET', '/orgs/:org/projects', async ({ params, query }) => {
      const org = await findOrg(store, params.org);
      return { status: 200, body: await listPage(store, C.projects, org.id, parseQuery(ListQuery, query), projectView) };
    });

    router.api('POST', '/orgs/:org/projects', async ({ req, params }) => {
      const org = await findOrg(store, params.org);
      const input = await readJson(req, CreateProject);
      const handle = input.handle ?? toDnsLabel(input.name);
      if (!handle) {
        const message = 'The name has no letters or digits to make a handle from: give a handle, or a name with letters.';
        throw validationFailed(message, [{ path: 'handle', message }]);
      }
      const project: ProjectRecord = {
        id: randomUUID(),
        orgId: org.id,
        orgHandle: org.handle,
        handle,
        name: input.name,
        description: input.description,
        createdAt: new Date().toISOString(),
      };
      try {
        await store.write([
          { op: 'require', collection: C.orgs, id: org.id },
          { op: 'put', collection: C.projects, record: project },
        ]);
      } catch (err) {
        if (err instanceof UniqueViolation) {
          throw nameTaken(
            `Organization "${org.handle}" already has a project "${handle}". Choose another ${input.handle ? 'handle' : 'name, or give a handle'}.`,
            'handle',
          );
        }
        if (err instanceof MissingRecord) throw notFound(`Organization "${org.handle}" was deleted.`);
        throw err;
      }
      return { status: 201, body: projectView(project) };
    });

    router.api('GET', '/orgs/:org/projects/:project', async ({ params }) => ({
      status: 200,
      body: projectView((await findProject(store, params.org, params.project)).project),
    }));

    router.api('PATCH', '/orgs/:org/projects/:project', async ({ req, params }) => {
      const { project } = await findProject(store, params.org, params.project);
      const input = await readJson(req, UpdateProject);
      const updated: ProjectRecord = { ...project, ...definedOnly(input) };
      await store.write([{ op: 'put', collection: C.projects, record: updated }]);
      return { status: 200, body: projectView(updated) };
    });

    router.api('DELETE', '/orgs/:org/projects/:project', async ({ params }) => {
      const { project } = await findProject(store, params.org, params.project);
      await store.write(await cascade.deletion(C.projects, project, store));
      return { status: 204 };
    });
  },
};

export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
