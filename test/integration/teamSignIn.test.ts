// Team members in the real VS Code: a team control plane started with oidc-provider as the company's identity
// provider (device flow enabled). Choreo: Sign In shows a user code, which this test enters on the provider's pages
// as a person would (their forms posted); then the account is in the Accounts menu, the tree shows only that person's
// organizations, their writes are in the audit log under their name with no secret, and as a Viewer a write is
// refused with a message naming the role needed and the Admins.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { AuthConfiguration, Component, Organization } from '../../src/api';
import {
  EXTENSION_CLIENT_ID,
  PEOPLE,
  startUsersIdentityProvider,
  TEAM_AUDIENCE,
  type UsersIdentityProvider,
} from '../controlPlane/members/usersIdentityProvider';
import { findLeaks, placesToSearch } from './leakSearch';
import { activeApi, extensionId, rows, startControlPlane } from './support';

describe('Sign in to a team control plane with its identity provider', function () {
  this.timeout(120_000);
  let api: ChoreoApi;
  let idp: UsersIdentityProvider;
  let team: { child: ChildProcess; url: string } | undefined;
  let dataDir: string;
  let adminToken: string;
  let annOrg: Organization;
  let daveOrg: Organization;
  const approvals: string[] = [];
  let approveAs = 'ann';
  let approvalsDone: vscode.Disposable | undefined;

  const call = async (method: string, apiPath: string, token: string, body?: unknown) => {
    const res = await fetch(team!.url + apiPath, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    api = await activeApi();
    idp = await startUsersIdentityProvider();
    dataDir = mkdtempSync(path.join(process.env.CHOREO_TEST_SCRATCH ?? os.tmpdir(), 'team-control-plane-'));
    const entry = path.join(vscode.extensions.getExtension(extensionId)!.extensionPath, 'dist', 'controlPlane.js');
    team = await startControlPlane(entry, dataDir, [
      '--users-idp',
      idp.wellKnownUrl,
      '--users-client-id',
      EXTENSION_CLIENT_ID,
      '--users-audience',
      TEAM_AUDIENCE,
    ]);
    adminToken = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const suffix = randomUUID().slice(0, 6);
    const ann = (await idp.signIn('ann')).access_token;
    const dave = (await idp.signIn('dev')).access_token;
    const vic = (await idp.signIn('vic')).access_token;
    assert.equal((await call('GET', '/api/v1/me', vic)).status, 200);
    annOrg = (await call('POST', '/api/v1/orgs', ann, { name: `Ann Team ${suffix}` })).body;
    daveOrg = (await call('POST', '/api/v1/orgs', dave, { name: `Dave Own ${suffix}` })).body;
    assert.equal((await call('POST', `/api/v1/orgs/${annOrg.handle}/members`, ann, { subject: 'vic', role: 'viewer' })).status, 201);
    // The person at the browser: enters each code the extension shows on the provider's pages.
    approvalsDone = api.signIns.onDidPromptUserCode((p) => {
      approvals.push(p.userCode);
      void idp.approve(p.userCode, approveAs);
    });
  });

  after(async () => {
    approvalsDone?.dispose();
    if (api?.connection.kind === 'remote') await vscode.commands.executeCommand('choreo.controlPlane.switch', { local: true });
    if (team?.child.exitCode === null) {
      const exited = new Promise((r) => team!.child.once('exit', r));
      team.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (team.child.exitCode === null) team.child.kill('SIGKILL');
    }
    await idp?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await api?.connection.shutdown();
  });

  it("signs in with the device flow; the account is in the Accounts menu and the tree shows only that person's organizations", async () => {
    const label = await vscode.commands.executeCommand<string>('choreo.signIn', { url: team!.url });
    assert.equal(label, PEOPLE.ann.name, api.failures.last?.message);
    assert.equal(approvals.length, 1, 'one user code was shown');
    assert.equal(api.connection.kind, 'remote');
    assert.equal(api.connection.baseUrl, team!.url);
    const accounts = await vscode.authentication.getAccounts('choreo');
    assert.deepEqual(
      accounts.map((a) => a.label),
      [PEOPLE.ann.name],
    );

    const labels = (await rows(api)).map((r) => r.label);
    assert.ok(labels.includes(annOrg.name), `Ann's organization is in the tree; got ${labels.join(', ')}`);
    assert.ok(!labels.includes(daveOrg.name), "Dave's organization is not");

    const token = (await (await api.signIns.for(team!.url)).accessToken())!;
    assert.ok(token);
    assert.equal(await api.vault.getAccessToken(team!.url), undefined, 'no pasted token was needed');
    assert.deepEqual(
      findLeaks([token], placesToSearch(api)).map((l) => l.place),
      [],
      'the access token is only in SecretStorage',
    );
  });

  it("records the seed's writes under the signed-in person's name, with no secret", async () => {
    const consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: annOrg.handle, projectHandle: 'default' },
      { displayName: 'Audited App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    const auth = await vscode.commands.executeCommand<AuthConfiguration>('choreo.generateKeys', {
      orgHandle: annOrg.handle,
      projectHandle: 'default',
      componentName: consumer.name,
      environment: 'development',
    });
    assert.ok(auth, api.failures.last?.message);
    const secret = (await api.vault.getConsumerSecret({
      controlPlane: team!.url,
      org: annOrg.handle,
      project: 'default',
      componentId: consumer.id,
      environment: 'development',
    }))!;
    assert.ok(secret);

    const audit = await call('GET', `/api/v1/orgs/${annOrg.handle}/audit`, adminToken);
    assert.equal(audit.status, 200, audit.text);
    const entries = audit.body.items as Array<{ action: string; actor: { name: string }; result: string }>;
    const c = 'POST /orgs/:org/projects/:project/components';
    assert.deepEqual(entries.map((e) => e.action).reverse(), ['POST /orgs', 'POST /orgs/:org/members', c, `${c}/:component/auth/:env/generate-keys`]);
    for (const e of entries) assert.equal(e.actor.name, `${PEOPLE.ann.name} <${PEOPLE.ann.email}>`, JSON.stringify(e));
    assert.deepEqual(findLeaks([secret, adminToken], [{ file: 'audit log', text: audit.text }]), []);
  });

  it('shows Members under the organization, with Invite, Change Role and Remove for an Admin, and Show Audit Log', async () => {
    const org = (await rows(api)).find((r) => r.label === annOrg.name)!;
    assert.equal(org.contextValue, 'organization', "an Admin's rows carry no role limit");
    const members = (await rows(api, org.node)).find((r) => r.label === 'Members');
    assert.ok(members, 'a Members row under the organization');
    assert.equal(members.contextValue, 'members');
    const people = async () => (await rows(api, members.node)).map((r) => `${r.label}: ${r.description} [${r.contextValue}]`);
    assert.deepEqual(await people(), [`${PEOPLE.ann.name}: Admin [member.active]`, `${PEOPLE.vic.name}: Viewer [member.active]`]);

    const invited = await vscode.commands.executeCommand<{ id: string }>('choreo.inviteMember', {
      orgHandle: annOrg.handle,
      email: 'newcomer@stark.example',
      role: 'developer',
    });
    assert.ok(invited, api.failures.last?.message);
    assert.ok((await people()).includes('newcomer@stark.example: Developer · invited [member.pending]'), (await people()).join('\n'));
    const changed = await vscode.commands.executeCommand<{ role: string }>('choreo.changeMemberRole', {
      orgHandle: annOrg.handle,
      memberId: invited.id,
      role: 'viewer',
    });
    assert.equal(changed?.role, 'viewer', api.failures.last?.message);
    await vscode.commands.executeCommand('choreo.removeMember', {
      orgHandle: annOrg.handle,
      memberId: invited.id,
      name: 'newcomer@stark.example',
      confirm: true,
    });
    assert.ok(!(await people()).some((p) => p.startsWith('newcomer@')), 'removed');

    const log = await vscode.commands.executeCommand<Array<{ action: string; actor: { name: string } }>>('choreo.showAuditLog', {
      orgHandle: annOrg.handle,
      show: false,
    });
    assert.ok(log, api.failures.last?.message);
    assert.deepEqual(
      log.slice(0, 3).map((e) => e.action),
      ['DELETE /orgs/:org/members/:member', 'PATCH /orgs/:org/members/:member', 'POST /orgs/:org/members'],
    );
    for (const e of log) assert.equal(e.actor.name, `${PEOPLE.ann.name} <${PEOPLE.ann.email}>`);
  });

  it('Sign Out forgets the sign-in; as a Viewer a write is refused, naming the role needed and the Admins', async () => {
    await vscode.commands.executeCommand('choreo.signOut');
    assert.deepEqual(await vscode.authentication.getAccounts('choreo'), []);
    approveAs = 'vic';
    const label = await vscode.commands.executeCommand<string>('choreo.signIn', { url: team!.url });
    assert.equal(label, PEOPLE.vic.name, api.failures.last?.message);
    // What a Viewer may not do is not offered: the rows say the role, the menus follow it.
    const org = (await rows(api)).find((r) => r.label === annOrg.name)!;
    assert.equal(org.contextValue, 'organization~viewer');
    const members = (await rows(api, org.node)).find((r) => r.label === 'Members')!;
    assert.equal(members.contextValue, 'members~viewer');
    assert.deepEqual(
      (await rows(api, members.node)).map((r) => r.contextValue),
      ['member.active~viewer', 'member.active~viewer'],
    );
    const made = await vscode.commands.executeCommand('choreo.createProject', { orgHandle: annOrg.handle }, { name: 'Not Allowed' });
    assert.equal(made, undefined);
    assert.equal(api.failures.last?.code, 'forbidden');
    assert.match(api.failures.last!.message, /needs the Developer role in organization ".*"; you are a Viewer/);
    assert.ok(api.failures.last!.message.includes(`${PEOPLE.ann.name} <${PEOPLE.ann.email}>`), api.failures.last!.message);
  });
});
