// Child processes and temp folders that the harness owns, and the guarantee that they are gone when it exits, even
// on a failure, a time-out or Ctrl+C. Each server starts in a process group of its own so stopping it also stops
// the extension hosts and helpers it forked (no orphans left behind on the machine).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

type Cleanup = () => void | Promise<void>;
const cleanups: Cleanup[] = [];
let exiting = false;

/** Registers work to run when the harness stops; runs last-in first-out. */
export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}

/** Runs every registered cleanup once; safe to call more than once. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error(`[harness] cleanup failed: ${String(err)}`);
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    console.error(`\n[harness] ${signal}: stopping everything`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
// Last resort when something calls process.exit() directly: synchronous kills only.
process.on('exit', () => {
  for (const child of ownedChildren) killGroup(child, 'SIGKILL');
});

const ownedChildren = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Starts a process in its own group; `stop()` ends the whole group (TERM, then KILL after a grace period). */
export function spawnOwned(command: string, args: string[], options: SpawnOptions = {}): { child: ChildProcess; stop: () => Promise<void> } {
  const child = spawn(command, args, { ...options, detached: true });
  ownedChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => ownedChildren.delete(child));
  const stop = async (): Promise<void> => {
    // The leader may be gone while its group (extension hosts, pty hosts) lives on: always signal the group.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* group already gone */
      }
    }
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') killGroup(child, 'SIGKILL');
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* group already gone */
      }
    }
    ownedChildren.delete(child);
  };
  onCleanup(stop);
  return { child, stop };
}

/**
 * Stops processes whose command line names `folder`, and waits for them to go. The extension starts its local control
 * plane detached (it outlives a window on purpose), with its data under the run's user-data folder: this finds those
 * of our run, and only those, after the server has stopped. Linux only (/proc); elsewhere a no-op.
 */
export async function stopProcessesUsing(folder: string): Promise<number[]> {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => arg.includes(folder))) found.push(pid);
    } catch {
      /* gone or not ours to read */
    }
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of found) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + 5000;
  while (found.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of found.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return found;
}

/** A fresh temp folder, removed at cleanup unless CHOREO_KEEP_TEMP is set (for looking at logs after a failure). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `choreo-${prefix}-`));
  onCleanup(() => {
    if (process.env.CHOREO_KEEP_TEMP) {
      console.error(`[harness] kept ${dir}`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A port free on 127.0.0.1 right now; `preferred` first when given and free. */
export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => {
        const address = server.address();
        const actual = typeof address === 'object' && address ? address.port : port;
        server.close(() => resolve(actual));
      });
    });
  if (preferred !== undefined) {
    try {
      return await tryListen(preferred);
    } catch {
      /* taken: fall through to an ephemeral one */
    }
  }
  return tryListen(0);
}
