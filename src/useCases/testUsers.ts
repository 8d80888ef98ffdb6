/**
 * Test users of the built-in identity provider in one environment (Choreo's user store "for trying out apps with
 * sign-in"): Add User, Import Users from Choreo's CSV, Delete User, Reset Password. Each asks only for what its
 * caller did not give, and checks what is typed with the API's own schemas before anything is sent. A password goes
 * from the prompt to the request and nowhere else: never into a log line, a Change, state or a file.
 */
import type { z } from 'zod';
import { AddTestUser, groupName, password as passwordRule, username as usernameRule, type TestUser } from '../api/testUsers';
import { isControlPlaneError } from '../client/errors';
import type { TestUsersTarget as TestUsersRef } from './targets';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

export type { TestUsersRef };

/** The first problem `schema` finds in `value`, in the schema's own words; undefined when it is fine. */
function problem(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
}

/** "manager, engineering" or "[manager, engineering]" (the CSV's spelling) → the group names. */
export function parseGroups(text: string): string[] {
  return text
    .trim()
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
}

export interface NewTestUser {
  username?: string;
  password?: string;
  /** Group names, or the comma-separated text a person types. */
  groups?: string[] | string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

/** The environment and organization as a message says them; `logged` the same for the log, which stays English. */
const where = (ref: TestUsersRef) => l10n.t`${ref.environmentName ?? ref.environment} of ${ref.orgHandle}`;
const logged = (ref: TestUsersRef) => `${ref.environmentName ?? ref.environment} of ${ref.orgHandle}`;

/** Add User: asks for what `given` lacks (blank optional answers are left out), then adds the user. */
export async function addTestUser(ctx: UseCaseContext, ref: TestUsersRef, given: NewTestUser = {}): Promise<TestUser> {
  const title = l10n.t`Add User to ${where(ref)}`;
  const ask = (prompt: string, check: (v: string) => string | undefined, o: { password?: boolean; placeHolder?: string } = {}) =>
    ctx.ui.ask({ title, prompt, validate: check, ...o });
  const username = given.username ?? (await ask(l10n.t('Username'), (v) => problem(usernameRule, v), { placeHolder: 'demouser' })).trim();
  const password = given.password ?? (await ask(l10n.t`Password of ${username}`, (v) => problem(passwordRule, v), { password: true }));
  const groupsText =
    given.groups ??
    (await ask(
      l10n.t('Groups, separated by commas (optional)'),
      (v) =>
        parseGroups(v)
          .map((g) => problem(groupName, g))
          .find(Boolean),
      { placeHolder: 'manager, engineering' },
    ));
  const groups = Array.isArray(groupsText) ? groupsText : parseGroups(groupsText);
  const optional = async (key: 'firstName' | 'lastName' | 'email', prompt: string, check: (v: string) => string | undefined = () => undefined) => {
    const v = (given[key] ?? (await ask(prompt, (x) => (x.trim() ? check(x) : undefined)))).trim();
    return v || undefined;
  };
  const firstName = await optional('firstName', l10n.t('First name (optional)'));
  const lastName = await optional('lastName', l10n.t('Last name (optional)'));
  const email = await optional('email', l10n.t('Email (optional)'), (v) => problem(AddTestUser.shape.email, v));
  const user = await (await ctx.client()).addTestUser(ref.orgHandle, ref.environment, { username, password, groups, firstName, lastName, email });
  ctx.changed({ orgHandle: ref.orgHandle, testUsers: ref.environment });
  ctx.log.info(`Added test user ${user.username} to ${logged(ref)}`);
  return user;
}

/** The most bad lines a refusal's message names; the log has them all. */
const LINES_SHOWN = 10;

/**
 * Import Users from the text of a CSV file in Choreo's template. Any bad line imports nothing: the refusal
 * (`csv_refused`) names each bad line and what to fix, in the server's words.
 */
export async function importTestUsers(ctx: UseCaseContext, ref: TestUsersRef, csv: string): Promise<TestUser[]> {
  try {
    const { items } = await (await ctx.client()).importTestUsers(ref.orgHandle, ref.environment, csv);
    ctx.changed({ orgHandle: ref.orgHandle, testUsers: ref.environment });
    ctx.log.info(`Imported ${items.length} test users into ${logged(ref)}`);
    return items;
  } catch (e) {
    if (!isControlPlaneError(e) || e.code !== 'validation_failed' || !e.fields?.length) throw e;
    const lines = e.fields.map((f) => `${f.path.replace(/^(body\.)?csv\.?/, '') || l10n.t('The file')}: ${f.message}`);
    ctx.log.warn(`Import Users into ${logged(ref)} refused, nothing imported:\n${lines.join('\n')}`);
    const more = lines.length > LINES_SHOWN ? ` ${l10n.t`…and ${lines.length - LINES_SHOWN} more (see the Choreo log).`}` : '';
    const shown = lines.slice(0, LINES_SHOWN).join(' · ');
    throw new UseCaseError(
      'csv_refused',
      (lines.length === 1
        ? l10n.t`Nothing was imported: fix this line and import again. ${shown}`
        : l10n.t`Nothing was imported: fix these ${lines.length} lines and import again. ${shown}`) + more,
      Object.fromEntries(e.fields.map((f, i) => [f.path || `line ${i}`, f.message])),
    );
  }
}

export interface TestUserRef extends TestUsersRef {
  username: string;
}

/** Delete User: asks first unless `confirmed`; the user's sessions end and their refresh tokens stop working. */
export async function deleteTestUser(ctx: UseCaseContext, ref: TestUserRef, o: { confirmed?: boolean } = {}): Promise<void> {
  if (!o.confirmed) {
    await ctx.ui.confirm(
      l10n.t`Delete test user ${ref.username} from ${where(ref)}?`,
      l10n.t('Their sign-in sessions end and their refresh tokens stop working at once.'),
      l10n.t('Delete'),
    );
  }
  await (await ctx.client()).deleteTestUser(ref.orgHandle, ref.environment, ref.username);
  ctx.changed({ orgHandle: ref.orgHandle, testUsers: ref.environment });
  ctx.log.info(`Deleted test user ${ref.username} from ${logged(ref)}`);
}

/** Reset Password: asks for the new one (hidden as typed) unless given; the user's sessions end too. */
export async function resetTestUserPassword(ctx: UseCaseContext, ref: TestUserRef, given?: string): Promise<void> {
  const password =
    given ??
    (await ctx.ui.ask({
      title: l10n.t`Reset Password of ${ref.username} (${where(ref)})`,
      prompt: l10n.t('New password. Their sign-in sessions end and their refresh tokens stop working.'),
      password: true,
      validate: (v) => problem(passwordRule, v),
    }));
  const bad = problem(passwordRule, password);
  if (bad) throw new UseCaseError('validation_failed', bad, { password: bad });
  await (await ctx.client()).resetTestUserPassword(ref.orgHandle, ref.environment, ref.username, password);
  ctx.log.info(`Reset the password of test user ${ref.username} in ${logged(ref)}`);
}
