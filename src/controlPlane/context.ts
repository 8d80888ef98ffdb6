/** What routes and feature modules share: the store, the public base URL, the signing keys, delete cascades. */
import type { CollectionSpec, Store, StoredRecord, WriteOp } from './store/store';
import type { SigningKeys } from './idp/signingKeys';
import type { Router } from './http/router';
import type { OutboundPolicy } from './http/addressRule';
import type { UpstreamConnect } from './gateway/upstream/connector';
import type { UsersIdp } from './members/usersIdp';
import type { ClientAddress } from './http/clientAddress';

export interface ControlPlaneContext {
  store: Store;
  /** Public base URL, e.g. http://127.0.0.1:7480 (no trailing slash). Issuers, token URLs and gateway URLs start
   * with it, so it depends only on settings, never on the moment. */
  baseUrl: string;
  signingKeys: SigningKeys;
  cascade: Cascade;
  /** `serve --sample-service`: new organizations get the sample service (see sampleService/seeding.ts), and its
   * upstream is served. */
  sampleService: boolean;
  /** Which addresses the server may connect to (discovery, JWKS, the gateway's upstreams): see http/outbound.ts. */
  outbound: OutboundPolicy;
  /** How the gateway opens upstream connections: net.connect / tls.connect unless a test gives its own (one that
   * records the address it would dial; see gateway/upstream/connector.ts). */
  upstreamConnect?: UpstreamConnect;
  /** The proof that this server holds its data folder's admin token, for a challenge (src/api/identityProof.ts);
   * absent on a team database. */
  proveIdentity?(challenge: string): string;
  /** `serve --users-idp`: the team's identity provider, which signs people in (members/usersIdp.ts). */
  usersIdp?: UsersIdp;
  /** The address a request is from, for the sign-in throttle and the audit log: the socket's, or behind a
   * `--trusted-proxy` the forwarded one (http/clientAddress.ts). */
  clientAddress: ClientAddress;
}

/** A feature of the control plane: the collections it stores and the routes it answers. */
export interface ControlPlaneModule {
  collections?: CollectionSpec<any>[];
  register(router: Router, ctx: ControlPlaneContext): void;
}

/**
 * What deleting a record also deletes. A module that stores records hanging off another collection's records
 * registers here (a component → its auth configurations and connections; an organization → its members), so deletes stay whole without the
 * owning module knowing its dependents.
 */
export class Cascade {
  private readonly rules = new Map<string, Array<(record: StoredRecord, store: Store) => Promise<WriteOp[]>>>();
  private readonly guards: DeleteGuard[] = [];

  onDelete(collection: string, rule: (record: StoredRecord, store: Store) => Promise<WriteOp[]>): void {
    const list = this.rules.get(collection) ?? [];
    list.push(rule);
    this.rules.set(collection, list);
  }

  /** A rule that sees a whole delete (what was asked, and every op it takes along) and may refuse it by throwing. */
  refuseDelete(guard: DeleteGuard): void {
    this.guards.push(guard);
  }

  /** What a route writes to delete this record: deleteOps, once every guard has accepted them. */
  async deletion(collection: string, record: StoredRecord, store: Store): Promise<WriteOp[]> {
    const ops = await this.deleteOps(collection, record, store);
    for (const guard of this.guards) await guard({ collection, record, ops }, store);
    return ops;
  }

  /** The delete of this record and of everything that hangs off it, children first (for rules; routes ask
   * `deletion`). */
  async deleteOps(collection: string, record: StoredRecord, store: Store): Promise<WriteOp[]> {
    const ops: WriteOp[] = [];
    for (const rule of this.rules.get(collection) ?? []) ops.push(...(await rule(record, store)));
    ops.push({ op: 'delete', collection, id: record.id });
    return ops;
  }
}

export type DeleteGuard = (deletion: { collection: string; record: StoredRecord; ops: WriteOp[] }, store: Store) => Promise<void>;
