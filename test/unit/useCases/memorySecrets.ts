/** SecretStorage in memory: the edge under the real vault in plain-Node tests. */
import type { SecretStorage } from 'vscode';

export function memorySecrets(): SecretStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (k: string) => data.get(k),
    store: async (k: string, v: string) => void data.set(k, v),
    delete: async (k: string) => void data.delete(k),
    keys: async () => [...data.keys()],
    onDidChange: (() => ({ dispose() {} })) as never,
  } as unknown as SecretStorage & { data: Map<string, string> };
}
