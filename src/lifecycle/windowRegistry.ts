/**
 * Which VS Code windows use the local control plane: each window's extension host writes a file named after its pid
 * into a folder beside the data folder, and removes it when the window closes (deactivate). A file whose pid is no
 * longer alive (a window that crashed) is removed when seen. The version check asks it whether another window still
 * uses the control plane before replacing it with a newer one.
 *
 * A pid reused by an unrelated process after a crash counts as a window: the version check then asks the user instead
 * of restarting on its own, which is the safe side.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class WindowRegistry {
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly pid = process.pid,
  ) {
    this.file = path.join(dir, String(pid));
  }

  /** This window uses the local control plane. */
  register(version: string): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(this.file, JSON.stringify({ version }), { mode: 0o600 });
    } catch {
      // Without the file other windows would think none uses it and may restart it for an upgrade: a nuisance only.
    }
  }

  unregister(): void {
    fs.rmSync(this.file, { force: true });
  }

  /** The other live windows that use the local control plane. */
  others(): number {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return 0;
    }
    let count = 0;
    for (const name of names) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0 || pid === this.pid) continue;
      if (isAlive(pid)) count++;
      else fs.rmSync(path.join(this.dir, name), { force: true });
    }
    return count;
  }
}

/** Whether a process with this pid exists (EPERM: it does, as another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
