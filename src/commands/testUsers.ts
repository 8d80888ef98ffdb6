/**
 * Test users of the built-in identity provider (Admins): Add User, Import Users (with Save CSV Template), Delete User
 * and Reset Password. Each takes a Users row or a user's row of the tree, or the same shape from a test:
 * `{ org, environment }` (and `username`), with the answers as options (`{ csvFile }`, `{ password }`, `{ confirm }`).
 */
import * as vscode from 'vscode';
import { TEST_USERS_CSV_TEMPLATE, type TestUser } from '../api/testUsers';
import type { TestUsersTarget as TestUsersRef } from '../useCases/targets';
import { refOf, resolveOrg, type Target } from '../useCases/targets';
import {
  addTestUser as add,
  deleteTestUser as remove,
  importTestUsers as importCsv,
  resetTestUserPassword as reset,
  type NewTestUser,
  type TestUserRef,
} from '../useCases/testUsers';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/** The environment whose users a command acts on: the row's, or picked from the organization's environments. */
async function resolveTestUsers(ctx: CommandContext, given: Partial<TestUsersRef>): Promise<TestUsersRef & { environmentName: string }> {
  const { orgHandle: org } = await resolveOrg(ctx, given);
  const environments = await (await ctx.client()).listEnvironments(org);
  const env = given.environment
    ? environments.find((e) => e.handle === given.environment)
    : (
        await ctx.ui.pick(
          environments.map((e) => ({ label: e.name, description: e.handle, env: e })),
          { title: vscode.l10n.t('Test users of {0}: environment', org) },
        )
      ).env;
  if (!env) throw new CommandError('not_found', vscode.l10n.t('The organization {0} has no environment "{1}".', org, given.environment ?? ''));
  return { orgHandle: org, environment: env.handle, environmentName: env.name };
}

function userOf(ctx: CommandContext, given: Partial<TestUserRef>): Promise<TestUserRef & { environmentName: string }> {
  if (!given.username) throw new CommandError('no_target', vscode.l10n.t('Run this on a user under Identity Providers → the built-in provider → Users.'));
  const username = given.username;
  return resolveTestUsers(ctx, given).then((ref) => ({ ...ref, username }));
}

export async function addTestUser(ctx: CommandContext, target?: Target<TestUsersRef>, options?: NewTestUser): Promise<TestUser> {
  const ref = await resolveTestUsers(ctx, refOf(target));
  const user = await add(ctx, ref, optionsOf(options));
  void vscode.window.showInformationMessage(vscode.l10n.t('Test user {0} added to {1}.', user.username, ref.environmentName));
  return user;
}

/**
 * Import Users: a CSV file in Choreo's template (`username,password,groups,first_name,last_name,email`); the first
 * question also offers Save CSV Template. Any bad line imports nothing, and the message names each one.
 */
export async function importTestUsers(ctx: CommandContext, target?: Target<TestUsersRef>, options?: { csvFile?: string }): Promise<TestUser[] | undefined> {
  const ref = await resolveTestUsers(ctx, refOf(target));
  let file = optionsOf(options).csvFile ? vscode.Uri.file(optionsOf(options).csvFile!) : undefined;
  if (!file) {
    // The choice is compared with the same text it was shown with.
    const CHOOSE = vscode.l10n.t('Choose a CSV File…');
    const TEMPLATE = vscode.l10n.t('Save CSV Template…');
    const choice = await ctx.ui.pick(
      [
        { label: CHOOSE, description: 'username, password, groups, first_name, last_name, email' },
        { label: TEMPLATE, description: vscode.l10n.t("Choreo's template with one example user, to fill in") },
      ],
      {
        title: vscode.l10n.t('Import Users into {0} of {1}', ref.environmentName, ref.orgHandle),
        placeHolder: vscode.l10n.t('Test users are for trying out apps that sign people in, not for production users'),
      },
    );
    if (choice.label === TEMPLATE) {
      await saveTestUsersCsvTemplate(ctx);
      return undefined;
    }
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Import Users into {0}', ref.environmentName),
      openLabel: vscode.l10n.t('Import'),
      canSelectMany: false,
      filters: { [vscode.l10n.t('CSV files')]: ['csv'], [vscode.l10n.t('All files')]: ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) return undefined;
    file = picked[0];
  }
  const csv = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const users = await importCsv(ctx, ref, csv);
  void vscode.window.showInformationMessage(
    users.length === 1
      ? vscode.l10n.t('Imported 1 test user into {0}.', ref.environmentName)
      : vscode.l10n.t('Imported {0} test users into {1}.', users.length, ref.environmentName),
  );
  return users;
}

/** Save CSV Template: writes Choreo's template where the user chooses and opens it to be filled in. */
export async function saveTestUsersCsvTemplate(_ctx: CommandContext, options?: { file?: string }): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const given = optionsOf(options).file;
  const uri = given
    ? vscode.Uri.file(given)
    : await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save CSV Template of test users'),
        saveLabel: vscode.l10n.t('Save Template'),
        filters: { [vscode.l10n.t('CSV files')]: ['csv'] },
        defaultUri: folder ? vscode.Uri.joinPath(folder, 'test-users.csv') : undefined,
      });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEST_USERS_CSV_TEMPLATE));
  await vscode.window.showTextDocument(uri);
  return uri;
}

export async function deleteTestUser(ctx: CommandContext, target?: Target<TestUserRef>, options?: { confirm?: boolean }): Promise<void> {
  const ref = await userOf(ctx, refOf(target));
  await remove(ctx, ref, { confirmed: optionsOf(options).confirm === true });
  void vscode.window.showInformationMessage(vscode.l10n.t('Test user {0} deleted from {1}.', ref.username, ref.environmentName));
}

export async function resetTestUserPassword(ctx: CommandContext, target?: Target<TestUserRef>, options?: { password?: string }): Promise<void> {
  const ref = await userOf(ctx, refOf(target));
  await reset(ctx, ref, optionsOf(options).password);
  void vscode.window.showInformationMessage(vscode.l10n.t('The password of {0} was reset; their sessions ended.', ref.username));
}
