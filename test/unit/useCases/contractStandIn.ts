/**
 * Issue 24's routes (key settings, test users) as the contract in src/api describes them, in front of a real control
 * plane: a loopback HTTP server that answers those routes itself (in memory, validating with the contract's own
 * schemas, refusing as the API refuses: 400 `validation_failed` with `fields`) and passes every other request through.
 * It lets the extension side of the issue run against real HTTP before the server's routes exist; once they do, a
 * test drops it and talks to the control plane alone. It records each request to the new routes (method, path, body)
 * so a test can check what the client sent.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AddTestUser, DEFAULT_KEY_SETTINGS, ImportTestUsers, KeySettings, ResetTestUserPassword, type TestUser } from '../../../src/api';

export interface StandInRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface ContractStandIn {
  url: string;
  requests: StandInRequest[];
  users: Map<string, TestUser & { password: string }>;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body?: unknown) => {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const refuse = (res: http.ServerResponse, fields: { path: string; message: string }[]) =>
  json(res, 400, { error: { code: 'validation_failed', message: 'Check the fields.', fields } });
const issues = (e: z.ZodError) => e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

/** Choreo's CSV, read simply: quoted cells, `[a, b]` groups. Each bad line is named as the contract says. */
function readCsv(csv: string, env: string, taken: (u: string) => boolean) {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const cols = (line: string) => [...line.matchAll(/"([^"]*)"|([^,]+)|(?<=,)(?=,|$)/g)].map((m) => (m[1] ?? m[2] ?? '').trim());
  const names = cols(header ?? '');
  const bad: { path: string; message: string }[] = [];
  const users: (TestUser & { password: string })[] = [];
  const now = new Date().toISOString();
  lines.forEach((line, i) => {
    const row = Object.fromEntries(cols(line).map((v, j) => [names[j], v]));
    const groups = (row.groups ?? '').replace(/^\[|\]$/g, '').split(',').map((g) => g.trim()).filter(Boolean);
    const r = AddTestUser.safeParse({ username: row.username, password: row.password, groups, firstName: row.first_name || undefined, lastName: row.last_name || undefined, email: row.email || undefined });
    const where = `line ${i + 2}`;
    if (!r.success) return void bad.push({ path: where, message: r.error.issues[0]!.message });
    if (taken(r.data.username) || users.some((u) => u.username === r.data.username)) return void bad.push({ path: where, message: `${r.data.username} is already a user here.` });
    users.push({ ...r.data, environment: env, createdAt: now, updatedAt: now });
  });
  return { bad, users };
}

export async function startContractStandIn(upstream: string): Promise<ContractStandIn> {
  const requests: StandInRequest[] = [];
  const users = new Map<string, TestUser & { password: string }>();
  const settings = new Map<string, KeySettings>();
  const up = new URL(upstream);
  const publicUser = ({ password: _password, ...u }: TestUser & { password: string }): TestUser => u;

  /** Passes a request through; an answer about keys gains the key settings this stand-in holds. */
  const pass = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, authKey?: string) => {
    const out = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host, 'content-length': String(body.length) } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        let text = Buffer.concat(chunks).toString('utf8');
        if (authKey !== undefined && answer.statusCode === 200) {
          const withSettings = (a: { environment: string; identityProviderKind: string }) =>
            a.identityProviderKind === 'built-in' ? { ...a, keySettings: settings.get(`${authKey}/${a.environment}`) ?? DEFAULT_KEY_SETTINGS } : a;
          const parsed = JSON.parse(text);
          text = JSON.stringify(parsed.items ? { ...parsed, items: parsed.items.map(withSettings) } : withSettings(parsed));
        }
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
        res.end(text);
      });
    });
    out.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      const component = /^\/api\/v1\/orgs\/[^/]+\/projects\/[^/]+\/components\/[^/]+\/auth/;
      const keySettings = /^(\/api\/v1\/orgs\/[^/]+\/projects\/[^/]+\/components\/[^/]+)\/auth\/([^/]+)\/key-settings$/.exec(path);
      const testUsers = /^\/api\/v1\/orgs\/([^/]+)\/environments\/([^/]+)\/users(?:\/([^/]+))?(\/reset-password)?$/.exec(path);
      if (keySettings && req.method === 'PUT') {
        requests.push({ method: req.method, path, body });
        const r = KeySettings.safeParse(body);
        if (!r.success) return refuse(res, issues(r.error));
        settings.set(`${keySettings[1]}/${decodeURIComponent(keySettings[2]!)}`, r.data);
        // The keys as they are now: the GET of this environment's configuration, through the real control plane.
        return pass({ ...req, url: `${keySettings[1]}/auth/${keySettings[2]}`, method: 'GET', headers: req.headers } as http.IncomingMessage, res, Buffer.alloc(0), keySettings[1]);
      }
      if (testUsers) {
        requests.push({ method: req.method ?? '', path, body });
        const [, org, env, name, reset] = testUsers.map((s) => (s === undefined ? s : decodeURIComponent(s)));
        const key = (u: string) => `${org}/${env}/${u}`;
        const isImport = name === 'import' && !reset;
        if (!name && req.method === 'GET') return json(res, 200, { items: [...users.entries()].filter(([k]) => k.startsWith(`${org}/${env}/`)).map(([, u]) => publicUser(u)) });
        if (!name && req.method === 'POST') {
          const r = AddTestUser.safeParse(body);
          if (!r.success) return refuse(res, issues(r.error));
          if (users.has(key(r.data.username))) return json(res, 409, { error: { code: 'name_taken', message: `${r.data.username} is already a user in ${env}.`, fields: [{ path: 'username', message: `${r.data.username} is already a user in ${env}.` }] } });
          const now = new Date().toISOString();
          const user = { ...r.data, environment: env!, createdAt: now, updatedAt: now };
          users.set(key(user.username), user);
          return json(res, 201, publicUser(user));
        }
        if (isImport && req.method === 'POST') {
          const r = ImportTestUsers.safeParse(body);
          if (!r.success) return refuse(res, issues(r.error));
          const { bad, users: read } = readCsv(r.data.csv, env!, (u) => users.has(key(u)));
          if (bad.length) return refuse(res, bad);
          for (const u of read) users.set(key(u.username), u);
          return json(res, 201, { imported: read.length, items: read.map(publicUser) });
        }
        if (name && !users.has(key(name))) return json(res, 404, { error: { code: 'not_found', message: `${env} has no user ${name}.` } });
        if (name && reset && req.method === 'POST') {
          const r = ResetTestUserPassword.safeParse(body);
          if (!r.success) return refuse(res, issues(r.error));
          users.get(key(name))!.password = r.data.password;
          return json(res, 204);
        }
        if (name && req.method === 'DELETE') {
          users.delete(key(name));
          return json(res, 204);
        }
        return json(res, 405, { error: { code: 'not_found', message: 'No such route.' } });
      }
      const authBase = component.exec(path);
      pass(req, res, raw, req.method === 'GET' && authBase ? authBase[0].replace(/\/auth$/, '') : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    users,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
