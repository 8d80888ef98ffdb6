/** The ids of the tree's rows, made here only: the nodes name themselves with these, and a refresh finds them by them. */
import type { Change } from '../useCases/context';

export const nodeIds = {
  org: (org: string) => `org:${org}`,
  project: (org: string, project: string) => `project:${org}/${project}`,
  component: (org: string, project: string, component: string) => `component:${org}/${project}/${component}`,
  environment: (org: string, project: string, component: string, environment: string) => `env:${org}/${project}/${component}/${environment}`,
  connections: (org: string, project: string, component: string) => `connections:${org}/${project}/${component}`,
  connection: (org: string, project: string, component: string, connection: string) => `connection:${org}/${project}/${component}/${connection}`,
  endpoint: (org: string, project: string, component: string, endpoint: string) => `endpoint:${org}/${project}/${component}/${endpoint}`,
  members: (org: string) => `members:${org}`,
  member: (org: string, member: string) => `member:${org}/${member}`,
  identityProviders: (org: string) => `idps:${org}`,
  identityProvider: (org: string, idp: string) => `idp:${org}/${idp}`,
  identityProviderUse: (org: string, idp: string, project: string, component: string, environment: string) =>
    `idp-use:${org}/${idp}/${project}/${component}/${environment}`,
  testUsers: (org: string, environment: string) => `test-users:${org}/${environment}`,
  testUser: (org: string, environment: string, username: string) => `test-user:${org}/${environment}/${username}`,
};

/**
 * The rows a change touches, nearest first: a refresh reloads the first one the tree has shown. A created component
 * reloads its project (a new row), a changed one its own subtree.
 */
export function idsFor(change: Change): string[] {
  const { orgHandle: org, projectHandle: project, componentName: component } = change;
  if (!org) return [];
  const ids: string[] = [];
  if (project && component) {
    if (change.connections) ids.push(nodeIds.connections(org, project, component));
    if (!change.created) ids.push(nodeIds.component(org, project, component));
  }
  if (change.members) ids.push(nodeIds.members(org));
  if (change.testUsers) ids.push(nodeIds.testUsers(org, change.testUsers));
  if (change.identityProviders && !project) ids.push(nodeIds.identityProviders(org));
  if (project) ids.push(nodeIds.project(org, project));
  ids.push(nodeIds.org(org));
  return ids;
}
