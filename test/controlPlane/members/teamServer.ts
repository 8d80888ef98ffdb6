/** A team server for the members tests: the control plane process started with the users identity provider, and
 * the people of PEOPLE signed in through the device flow; on a data folder (the file store) or as a replica on
 * PostgreSQL. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { paths } from '../../../src/api/routes';
import { tables } from '../../../src/controlPlane/store/postgres/tables';
import { ControlPlane, tempDir } from '../helpers/controlPlane';
import { sql } from '../helpers/postgres';
import { startTeam } from '../helpers/team';
import { EXTENSION_CLIENT_ID, PEOPLE, startUsersIdentityProvider, TEAM_AUDIENCE, type UsersIdentityProvider } from './usersIdentityProvider';

export interface TeamServer {
  cp: ControlPlane;
  idp: UsersIdentityProvider;
  /** Access tokens of ann, dev, vic and out. */
  tokens: Record<keyof typeof PEOPLE, string>;
  /** A new organization made by Ann (Admin), with Dave as Developer (invited by email) and Vic as Viewer (by subject). */
  organization(): Promise<{ handle: string; id: string }>;
  /** Everything the store holds, as text (the data folder's files, or every table's rows). */
  stored(): Promise<string>;
  close(): Promise<void>;
}

export type TeamStore = 'file store' | 'PostgreSQL';
export const TEAM_STORES: TeamStore[] = ['file store', 'PostgreSQL'];

export const teamServerArgs = (idp: UsersIdentityProvider) => [
  '--users-idp',
  idp.wellKnownUrl,
  '--users-client-id',
  EXTENSION_CLIENT_ID,
  '--users-audience',
  TEAM_AUDIENCE,
];

let orgs = 0;

/** `idp`: a users identity provider another team server signs in with already (the close of this one leaves it). */
export async function startTeamServer(store: TeamStore = 'file store', shared?: UsersIdentityProvider): Promise<TeamServer> {
  const idp = shared ?? (await startUsersIdentityProvider());
  const team = store === 'PostgreSQL' ? await startTeam(1, teamServerArgs(idp)) : undefined;
  const cp = team ? team.replicas[0] : await ControlPlane.start(tempDir(), teamServerArgs(idp));
  const tokens = {} as TeamServer['tokens'];
  for (const who of Object.keys(PEOPLE) as (keyof typeof PEOPLE)[]) {
    tokens[who] = (await idp.signIn(who)).access_token;
    // The first call makes the user, so that invitations by subject find them signed in.
    const me = await cp.call('GET', paths.me(), undefined, { token: tokens[who] });
    if (me.status !== 200) throw new Error(`${who} could not sign in: ${me.text}`);
  }
  const must = async (status: number, r: Promise<{ status: number; text: string; body: any }>) => {
    const got = await r;
    if (got.status !== status) throw new Error(`expected ${status}, got ${got.status}: ${got.text}`);
    return got.body;
  };
  return {
    cp,
    idp,
    tokens,
    async organization() {
      const name = `Stark ${++orgs} ${Math.random().toString(36).slice(2, 6)}`;
      const org = await must(201, cp.call('POST', paths.orgs(), { name }, { token: tokens.ann }));
      await must(201, cp.call('POST', paths.members(org.handle), { email: PEOPLE.dev.email, role: 'developer' }, { token: tokens.ann }));
      await must(201, cp.call('POST', paths.members(org.handle), { subject: PEOPLE.vic.subject, role: 'viewer' }, { token: tokens.ann }));
      return { handle: org.handle, id: org.id };
    },
    async stored() {
      if (team) {
        const dumps = await Promise.all(
          Object.values(tables).map(
            async ({ table }) => (await sql<{ rows: string | null }>(team.databaseUrl, `SELECT json_agg(t)::text AS rows FROM ${table} t`))[0].rows ?? '',
          ),
        );
        return dumps.join('\n');
      }
      return fs
        .readdirSync(cp.dataDir)
        .map((f) => (fs.statSync(path.join(cp.dataDir, f)).isFile() ? fs.readFileSync(path.join(cp.dataDir, f), 'utf8') : ''))
        .join('\n');
    },
    async close() {
      await cp.stop();
      if (!shared) await idp.close();
    },
  };
}
