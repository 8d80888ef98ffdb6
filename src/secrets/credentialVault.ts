/**
 * The credential vault: every secret this extension holds lives in VS Code's SecretStorage and nowhere else.
 * Consumer secrets are keyed by control plane (its base URL), consumer (organization and project handles, component
 * id) and environment handle; the handles lead the key so deleting a project or organization removes its secrets.
 *
 * SecretStorage cannot list its keys, so the vault keeps an index of the keys it wrote (the index holds no secret,
 * only key names) to remove everything under a consumer, project or organization when it is deleted.
 */
import type { SecretStorage } from 'vscode';

const PREFIX = 'choreo';
const INDEX_KEY = `${PREFIX}.vault.index`;

export interface ConsumerSecretRef {
  controlPlane: string;
  org: string;
  project: string;
  componentId: string;
  environment: string;
  /** `built-in` for secrets issued by Generate Keys; an external provider's id for secrets the user chose to keep. */
  identityProvider?: string;
}

export class CredentialVault {
  /** Serialises index updates: two stores at once must not lose one another's key. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: SecretStorage) {}

  static consumerSecretKey(ref: ConsumerSecretRef): string {
    const parts = [ref.controlPlane, ref.org, ref.project, ref.componentId, ref.environment, ref.identityProvider ?? 'built-in'];
    return `${PREFIX}.secret/${parts.map(encodeURIComponent).join('/')}`;
  }

  static accessTokenKey(controlPlane: string): string {
    return `${PREFIX}.accessToken/${encodeURIComponent(controlPlane)}`;
  }

  getConsumerSecret(ref: ConsumerSecretRef): Thenable<string | undefined> {
    return this.storage.get(CredentialVault.consumerSecretKey(ref));
  }

  /** Stores (or, at Regenerate Secret, replaces) a consumer secret. */
  storeConsumerSecret(ref: ConsumerSecretRef, secret: string): Promise<void> {
    const key = CredentialVault.consumerSecretKey(ref);
    return this.serial(async () => {
      await this.storage.store(key, secret);
      const index = await this.index();
      if (!index.includes(key)) await this.storage.store(INDEX_KEY, JSON.stringify([...index, key]));
    });
  }

  deleteConsumerSecret(ref: ConsumerSecretRef): Promise<number> {
    return this.deleteWhere((key) => key === CredentialVault.consumerSecretKey(ref));
  }

  /** Removes every consumer secret under an organization, a project or one consumer (on Delete). */
  deleteSecretsUnder(scope: { controlPlane: string; org: string; project?: string; componentId?: string }): Promise<number> {
    const parts = [scope.controlPlane, scope.org, scope.project, scope.componentId].filter((p): p is string => p !== undefined);
    const prefix = `${PREFIX}.secret/${parts.map(encodeURIComponent).join('/')}/`;
    return this.deleteWhere((key) => key.startsWith(prefix));
  }

  /** Key names of the consumer secrets kept for one control plane (Clean names how many go). */
  async keysOf(controlPlane: string): Promise<string[]> {
    const prefix = `${PREFIX}.secret/${encodeURIComponent(controlPlane)}/`;
    return (await this.index()).filter((key) => key.startsWith(prefix));
  }

  /** Removes every consumer secret kept for one control plane (Clean: its data is gone, so they are orphans). */
  deleteSecretsOf(controlPlane: string): Promise<number> {
    const prefix = `${PREFIX}.secret/${encodeURIComponent(controlPlane)}/`;
    return this.deleteWhere((key) => key.startsWith(prefix));
  }

  getAccessToken(controlPlane: string): Thenable<string | undefined> {
    return this.storage.get(CredentialVault.accessTokenKey(controlPlane));
  }
  storeAccessToken(controlPlane: string, token: string): Thenable<void> {
    return this.storage.store(CredentialVault.accessTokenKey(controlPlane), token);
  }
  deleteAccessToken(controlPlane: string): Thenable<void> {
    return this.storage.delete(CredentialVault.accessTokenKey(controlPlane));
  }

  /** Key names (never values) of the consumer secrets held: for tests and diagnostics. */
  keys(): Promise<string[]> {
    return this.index();
  }

  private deleteWhere(match: (key: string) => boolean): Promise<number> {
    return this.serial(async () => {
      const index = await this.index();
      const gone = index.filter(match);
      for (const key of gone) await this.storage.delete(key);
      if (gone.length) await this.storage.store(INDEX_KEY, JSON.stringify(index.filter((k) => !match(k))));
      return gone.length;
    });
  }

  private async index(): Promise<string[]> {
    const raw = await this.storage.get(INDEX_KEY);
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
