/**
 * One control plane per data folder: two writers appending to one journal would corrupt it. The lock is a file
 * holding the owner's pid, created with O_EXCL, whose modification time the owner refreshes every few seconds
 * (a heartbeat). A lock is taken over when its pid is no longer alive (the owner was killed), or when its pid is
 * alive but the heartbeat stopped long ago: after a reboot or a crash the pid may belong to an unrelated process, and
 * a pid check alone would then refuse to start forever. Before taking over a live pid's lock, it waits one more
 * heartbeat, so an owner that was merely paused (a laptop asleep) refreshes it and keeps it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class DataFolderLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another control plane (pid ${pid}) is using the data folder ${dataDir}. ` + `Stop that process, or start this one with a different --data folder.`);
  }
}

export interface DataFolderLock {
  release(): void;
}

export interface LockTiming {
  /** How often the owner refreshes the lock's modification time. */
  heartbeatMs: number;
  /** A live pid's lock not refreshed for this long is looked at again, and taken over if still not refreshed. */
  staleMs: number;
}

export const LOCK_TIMING: LockTiming = { heartbeatMs: 5_000, staleMs: 30_000 };

export async function lockDataFolder(dataDir: string, timing: LockTiming = LOCK_TIMING): Promise<DataFolderLock> {
  const file = path.join(dataDir, 'lock');
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      let released = false;
      const heartbeat = setInterval(() => {
        const now = new Date();
        fs.utimes(file, now, now, () => {}); // a failure shows as a stale lock, which the next heartbeat mends
      }, timing.heartbeatMs);
      heartbeat.unref();
      return {
        release() {
          if (released) return;
          released = true;
          clearInterval(heartbeat);
          try {
            if (readPid(file) === process.pid) fs.unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = readPid(file);
      if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
        if (!(await heartbeatStopped(file, timing))) throw new DataFolderLocked(dataDir, pid);
      }
      // Stale (its owner died, or its pid is someone else's now) or half-written by an owner killed before writing
      // its pid: take it over.
      try {
        fs.unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}: the lock file keeps changing. Try again.`);
}

/** True when the lock has not been refreshed for `staleMs`, and still is not one heartbeat (and a margin) later. */
async function heartbeatStopped(file: string, timing: LockTiming): Promise<boolean> {
  const age = () => {
    try {
      return Date.now() - fs.statSync(file).mtimeMs;
    } catch {
      return Infinity; // gone: its owner released it
    }
  };
  if (age() < timing.staleMs) return false;
  await new Promise((r) => setTimeout(r, timing.heartbeatMs + 1_000));
  return age() >= timing.staleMs;
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
