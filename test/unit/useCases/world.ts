/**
 * A world for the use cases in plain Node: a real control plane (in process, with the sample Greeting Service), the
 * real client and the real vault over an in-memory SecretStorage (the edge), a log that records its lines, and a
 * scripted prompter that answers from a list and records every question, so a test can say what the user was asked.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ControlPlaneClient } from '../../../src/client/controlPlaneClient';
import { ADMIN_TOKEN_FILE } from '../../../src/controlPlane/http/auth';
import { startControlPlane, type RunningControlPlane } from '../../../src/controlPlane/server';
import { CredentialVault } from '../../../src/secrets/credentialVault';
import type { Change, PickItem, Prompter, UseCaseContext } from '../../../src/useCases/context';
import { Cancelled } from '../../../src/useCases/errors';
import { memorySecrets } from './memorySecrets';

export interface Asked {
  kind: 'pick' | 'ask' | 'confirm' | 'choose';
  /** The title, or the confirmation's message. */
  text: string;
  detail?: string;
  options?: string[];
  /** Whether the input box hid what was typed (a password). */
  hidden?: boolean;
  /** What the input box's validator said of each value it refused. */
  refused?: string[];
}

/** Answers, in order: a label to pick, a value to type, `true` to confirm; `undefined` dismisses (Cancelled). */
export type Answer = string | boolean | undefined;

export interface World {
  ctx: UseCaseContext;
  client: ControlPlaneClient;
  secrets: Map<string, string>;
  vault: CredentialVault;
  lines: string[];
  asked: Asked[];
  changes: Change[];
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'choreo-use-cases-'));
  const cp: RunningControlPlane = await startControlPlane({ dataDir, host: '127.0.0.1', port: 0, sampleService: true });
  const token = (await readFile(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8')).trim();
  const client = new ControlPlaneClient({ baseUrl: cp.url, token: async () => token });
  const storage = memorySecrets();
  const vault = new CredentialVault(storage);
  const lines: string[] = [];
  const asked: Asked[] = [];
  const changes: Change[] = [];
  const answers: Answer[] = [];
  const next = (): Answer => {
    if (!answers.length) throw new Error(`the test gave no answer for: ${JSON.stringify(asked.at(-1))}`);
    return answers.shift();
  };
  const ui: Prompter = {
    async pick<T extends PickItem>(items: readonly T[], o: { title: string }) {
      asked.push({ kind: 'pick', text: o.title, options: items.map((i) => i.label) });
      const a = next();
      const found = items.find((i) => i.label === a);
      if (!found) throw new Cancelled();
      return found;
    },
    async ask(o) {
      const question: Asked = { kind: 'ask', text: o.title, detail: o.prompt, ...(o.password ? { hidden: true } : {}) };
      asked.push(question);
      // As the input box does: a value its validator refuses is not taken; the message shows and the user types again.
      for (;;) {
        const a = next();
        if (typeof a !== 'string') throw new Cancelled();
        const refusal = o.validate?.(a);
        if (!refusal) return a;
        (question.refused ??= []).push(refusal);
      }
    },
    async confirm(message, detail) {
      asked.push({ kind: 'confirm', text: message, detail });
      if (next() !== true) throw new Cancelled();
    },
    async choose(message, detail, options) {
      asked.push({ kind: 'choose', text: message, detail, options: [...options] });
      const a = next();
      const found = options.find((o) => o === a);
      if (!found) throw new Cancelled();
      return found;
    },
    progress: (_title, job) => job(),
  };
  const log = {
    info: (s: string) => void lines.push(`info ${s}`),
    warn: (s: string) => void lines.push(`warn ${s}`),
    error: (s: string) => void lines.push(`error ${s}`),
  };
  const ctx: UseCaseContext = { client: async () => client, vault, log: log as never, ui, changed: (c) => void changes.push(c) };
  return {
    ctx,
    client,
    secrets: storage.data,
    vault,
    lines,
    asked,
    changes,
    answer: (...a) => void answers.push(...a),
    close: async () => {
      await cp.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
