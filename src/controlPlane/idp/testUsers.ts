/**
 * Test users of the built-in identity provider, per organization and environment (Choreo's user store for trying
 * apps out): list, Add User, Import Users from Choreo's CSV template, delete, reset password. Deleting a user or
 * resetting a password ends their sessions and revokes their grants (refresh tokens, and the access tokens userinfo
 * and the gateway check against a live grant).
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import type { FieldError } from '../../api/common';
import { AddTestUser, ImportTestUsers, ResetTestUserPassword, type ImportedTestUsers, type TestUser } from '../../api/testUsers';
import type { ControlPlaneContext } from '../context';
import { findEnvironment, findOrg } from '../domain/lookups';
import { readJson } from '../http/body';
import { nameTaken, notFound, validationFailed } from '../http/errors';
import type { Router } from '../http/router';
import { indexKey } from '../store/collection';
import { UniqueViolation, type Store, type WriteOp } from '../store/store';
import { hashPassword } from './passwords';
import { IDP, type TestUserRecord } from './records';

export const MAX_IMPORTED_USERS = 5000;
const COLUMNS = ['username', 'password', 'groups', 'first_name', 'last_name', 'email'] as const;

export function testUserView(r: TestUserRecord): TestUser {
  return {
    username: r.username,
    environment: r.environment,
    groups: r.groups,
    ...(r.firstName !== undefined && { firstName: r.firstName }),
    ...(r.lastName !== undefined && { lastName: r.lastName }),
    ...(r.email !== undefined && { email: r.email }),
    ...(r.attributes !== undefined && { attributes: r.attributes }),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export const findTestUser = (store: Store, orgId: string, env: string, username: string) =>
  store.findUnique<TestUserRecord>(IDP.testUsers, 'username', indexKey(orgId, env, username.toLowerCase()));

/** What ends a user's sign-ins: their sessions, codes, grants and refresh tokens (deleting the user, a new password). */
export async function signInsOf(store: Store, userId: string): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  for (const collection of [IDP.refreshTokens, IDP.grants, IDP.codes, IDP.sessions]) {
    for (const r of await store.findAll(collection, 'user', userId)) ops.push({ op: 'delete', collection, id: r.id });
  }
  return ops;
}

async function newRecord(orgId: string, env: string, input: z.output<typeof AddTestUser>, attributes?: Record<string, string>): Promise<TestUserRecord> {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    orgId,
    environment: env,
    username: input.username,
    groups: [...new Set(input.groups)],
    ...(input.firstName ? { firstName: input.firstName } : {}),
    ...(input.lastName ? { lastName: input.lastName } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(attributes && Object.keys(attributes).length > 0 ? { attributes } : {}),
    passwordHash: await hashPassword(input.password),
    createdAt: now,
    updatedAt: now,
  };
}

/** `[manager, engineering]` (Choreo's template), or a bare `manager`; empty: no groups. */
function groupsOf(cell: string): string[] {
  const inner = cell.trim().replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
}

interface ParsedLine {
  line: number;
  input: z.output<typeof AddTestUser>;
  attributes: Record<string, string>;
}

/** The CSV's users, or every bad line (`line N`: what to fix). Lines are counted as a text editor counts them. */
export function parseUsersCsv(csv: string): { users: ParsedLine[]; bad: FieldError[] } {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(csv.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    const where = e.lines ? `line ${e.lines}` : '';
    return {
      users: [],
      bad: [{ path: where, message: `The file is not valid CSV here: ${e.message.replace(/^Invalid Record Length: |^[A-Z_]+: /, '').slice(0, 200)}` }],
    };
  }
  const bad: FieldError[] = [];
  if (rows.length === 0) return { users: [], bad: [{ path: 'line 1', message: 'The file is empty: start from the template.' }] };
  const header = rows[0].record.map((h) => h.trim().toLowerCase());
  const missing = COLUMNS.filter((c, i) => header[i] !== c);
  if (missing.length > 0) {
    bad.push({ path: 'line 1', message: `The first line names the columns ${COLUMNS.join(',')} in this order (then any attributes); use the template.` });
    return { users: [], bad };
  }
  const extra = header.slice(COLUMNS.length);
  if (rows.length - 1 > MAX_IMPORTED_USERS) return { users: [], bad: [{ path: '', message: `Import at most ${MAX_IMPORTED_USERS} users at once.` }] };
  const users: ParsedLine[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const [username, password, groups, firstName, lastName, email] = record;
    const result = AddTestUser.safeParse({
      username: username ?? '',
      password: password ?? '',
      groups: groupsOf(groups ?? ''),
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
      ...(email ? { email } : {}),
    });
    if (!result.success) {
      const issue = result.error.issues[0];
      const column =
        { username: 'username', password: 'password', groups: 'groups', firstName: 'first_name', lastName: 'last_name', email: 'email' }[
          String(issue.path[0])
        ] ?? '';
      bad.push({ path: `line ${line}`, message: `${column ? `${column}: ` : ''}${issue.message}` });
      continue;
    }
    const key = result.data.username.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      bad.push({ path: `line ${line}`, message: `The username ${result.data.username} is also on line ${earlier}.` });
      continue;
    }
    seen.set(key, line);
    const attributes: Record<string, string> = {};
    extra.forEach((name, i) => {
      const value = record[COLUMNS.length + i];
      if (name && value) attributes[name] = value.slice(0, 1000);
    });
    users.push({ line, input: result.data, attributes });
  }
  return { users, bad };
}

export function registerTestUsers(router: Router, { store }: ControlPlaneContext): void {
  const base = '/orgs/:org/environments/:env/users';
  const where = async (params: Record<string, string>) => {
    const org = await findOrg(store, params.org);
    const env = await findEnvironment(store, org, params.env);
    return { org, env };
  };
  const existing = async (params: Record<string, string>) => {
    const { org, env } = await where(params);
    const user = await findTestUser(store, org.id, env.handle, params.user);
    if (!user) throw notFound(`${env.name} of "${org.handle}" has no test user "${params.user}".`);
    return user;
  };

  router.api('GET', base, async ({ params }) => {
    const { org, env } = await where(params);
    const users = await store.findAll<TestUserRecord>(IDP.testUsers, 'environment', indexKey(org.id, env.handle));
    users.sort((a, b) => a.username.localeCompare(b.username));
    return { status: 200, body: { items: users.map(testUserView) } };
  });

  router.api('POST', base, async ({ req, params }) => {
    const { org, env } = await where(params);
    const input = await readJson(req, AddTestUser);
    const record = await newRecord(org.id, env.handle, input);
    try {
      await store.write([
        { op: 'require', collection: 'organizations', id: org.id },
        { op: 'put', collection: IDP.testUsers, record },
      ]);
    } catch (err) {
      if (err instanceof UniqueViolation) throw nameTaken(`${env.name} already has a test user named ${input.username}.`, 'username');
      throw err;
    }
    return { status: 201, body: testUserView(record) };
  });

  router.api('POST', `${base}/import`, async ({ req, params }) => {
    const { org, env } = await where(params);
    const { csv } = await readJson(req, ImportTestUsers);
    const { users, bad } = parseUsersCsv(csv);
    // One read of the environment's users, not one per line: on PostgreSQL each read is a round trip.
    const taken = new Set(
      (await store.findAll<TestUserRecord>(IDP.testUsers, 'environment', indexKey(org.id, env.handle))).map((u) => u.username.toLowerCase()),
    );
    for (const u of users) {
      if (taken.has(u.input.username.toLowerCase())) {
        bad.push({ path: `line ${u.line}`, message: `${env.name} already has a test user named ${u.input.username}.` });
      }
    }
    if (bad.length > 0) {
      bad.sort((a, b) => Number(a.path.slice(5)) - Number(b.path.slice(5)));
      const lines = bad.length === 1 ? bad[0].path : `${bad.length} lines`;
      throw validationFailed(
        `Nothing was imported: ${lines} of the CSV ${bad.length === 1 ? 'needs' : 'need'} fixing (${bad[0].path ? `${bad[0].path}: ` : ''}${bad[0].message}).`,
        bad.slice(0, 100),
      );
    }
    // scrypt runs on libuv's thread pool (4 threads): four at a time keep it busy without queueing the whole file.
    const records: TestUserRecord[] = new Array(users.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < users.length) {
          const i = next++;
          records[i] = await newRecord(org.id, env.handle, users[i].input, users[i].attributes);
        }
      }),
    );
    try {
      await store.write([
        { op: 'require', collection: 'organizations', id: org.id },
        ...records.map((record) => ({ op: 'put' as const, collection: IDP.testUsers, record })),
      ]);
    } catch (err) {
      if (err instanceof UniqueViolation) {
        const line = users.find((u) => u.input.username.toLowerCase() === err.key.split('/').pop())?.line;
        const message = `A test user with this username was added meanwhile; nothing was imported.`;
        throw validationFailed(message, [{ path: line ? `line ${line}` : '', message }]);
      }
      throw err;
    }
    const body: ImportedTestUsers = { imported: records.length, items: records.map(testUserView) };
    return { status: 201, body };
  });

  router.api('DELETE', `${base}/:user`, async ({ params }) => {
    const user = await existing(params);
    await store.write([...(await signInsOf(store, user.id)), { op: 'delete', collection: IDP.testUsers, id: user.id }]);
    return { status: 204 };
  });

  router.api('POST', `${base}/:user/reset-password`, async ({ req, params }) => {
    const user = await existing(params);
    const { password } = await readJson(req, ResetTestUserPassword);
    const record: TestUserRecord = { ...user, passwordHash: await hashPassword(password), updatedAt: new Date().toISOString() };
    await store.write([...(await signInsOf(store, user.id)), { op: 'put', collection: IDP.testUsers, record }]);
    return { status: 204 };
  });
}
