// What a SIGKILL test cannot show: that a write is on disk before its answer leaves. A killed process leaves the page
// cache intact, so a store that answered before fdatasync would pass every kill test. Here the control plane runs
// under strace, and the order of its system calls is checked: for every acknowledged create, the journal write that
// holds it, then an fdatasync of the journal that returned, then the HTTP answer.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { paths } from '../../src/api';
import { ADMIN_TOKEN_FILE } from '../../src/controlPlane/http/auth';
import { SERVER_INFO_FILE } from '../../src/controlPlane/server';
import { controlPlaneBundle, READY, tempDir } from '../controlPlane/helpers/controlPlane';

/** One system call as strace logged it, at the line where it returned. */
interface Call {
  name: string;
  args: string;
  result: number;
}

/** The calls of a `strace -f` log in the order they returned (a call cut by another thread's line is joined). */
function returnedCalls(log: string): Call[] {
  const open = new Map<string, string>(); // pid → start of an unfinished call
  const calls: Call[] = [];
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, pid, rest] = m;
    let text = rest;
    if (text.endsWith('<unfinished ...>')) {
      open.set(pid, text.slice(0, -'<unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (resumed) {
      text = (open.get(pid) ?? '') + resumed[1];
      open.delete(pid);
    }
    const call = /^(\w+)\((.*)\)\s+=\s+(-?\d+)/s.exec(text);
    if (call) calls.push({ name: call[1], args: call[2], result: Number(call[3]) });
  }
  return calls;
}

const hasStrace = spawnSync('strace', ['-V']).status === 0;

describe('durability: every acknowledged write was synced to disk before its answer left', function () {
  this.timeout(60_000);

  it('journal write → fdatasync returned → HTTP answer, for each of 40 creates (one at a time and 20 at once)', async function () {
    // CI installs strace (.ci/run); a developer machine without it is told so rather than passing silently.
    if (!hasStrace) {
      if (process.env.CI) assert.fail('strace is not installed; .ci/run installs it');
      console.log('      skipped: strace is not installed (apt install strace)');
      this.skip();
    }
    const dataDir = tempDir();
    const traceFile = path.join(tempDir('strace-'), 'trace.log');
    // Whole strings (-s): a group commit writes many records in one call, and each must be found in it.
    const child = spawn(
      'strace',
      [
        '-f',
        '-qq',
        '-s',
        '1048576',
        '-e',
        'trace=openat,close,write,writev,pwrite64,pwritev,fdatasync,fsync',
        '-o',
        traceFile,
        process.execPath,
        await controlPlaneBundle(),
        'serve',
        '--data',
        dataDir,
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = READY.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`the control plane exited with ${code}`)));
      });
      const token = fs.readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
      const call = async (method: string, p: string, body: unknown) => {
        const res = await fetch(url + p, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 201, await res.text());
      };
      await call('POST', paths.orgs(), { name: 'Stark Industries' });
      const create = (n: number) =>
        call('POST', paths.components('stark-industries', 'default'), {
          displayName: `D ${n}`,
          name: `durable-q7z-${String(n).padStart(2, '0')}`,
          type: 'external-consumer',
        });
      for (let n = 0; n < 20; n++) await create(n);
      await Promise.all(Array.from({ length: 20 }, (_, i) => create(20 + i))); // group commit: one sync for several
    } finally {
      // Stop the control plane itself (its pid is in the data folder); strace ends with it.
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill((JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_INFO_FILE), 'utf8')) as { pid: number }).pid, 'SIGTERM');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    }

    const calls = returnedCalls(fs.readFileSync(traceFile, 'utf8'));
    const journalFds = new Set<string>();
    const lastJournalWrite = new Map<string, number>(); // name → index of the journal write holding it
    const synced = new Map<string, number>(); // name → index of the fdatasync that covered it
    const answered = new Map<string, number>();
    let syncs = 0;
    calls.forEach((c, i) => {
      const fd = c.args.split(',')[0]!;
      if (c.name === 'openat' && c.args.includes('journal.jsonl"')) journalFds.add(String(c.result));
      else if (c.name === 'close') journalFds.delete(fd);
      else if (journalFds.has(fd) && /^(write|pwrite64|pwritev)$/.test(c.name) && c.result > 0) {
        for (const name of c.args.match(/durable-q7z-\d\d/g) ?? []) lastJournalWrite.set(name, i);
      } else if (journalFds.has(fd) && (c.name === 'fdatasync' || c.name === 'fsync') && c.result === 0) {
        syncs++;
        for (const [name] of lastJournalWrite) if (!synced.has(name)) synced.set(name, i);
      } else if ((c.name === 'writev' || c.name === 'write') && c.args.includes('HTTP/1.1 201')) {
        const name = /durable-q7z-\d\d/.exec(c.args)?.[0];
        if (name && !answered.has(name)) answered.set(name, i);
      }
    });
    console.log(`      ${calls.length} system calls traced; ${answered.size} answers, ${syncs} syncs of the journal for 41 writes`);
    assert.equal(answered.size, 40, 'every create was answered and seen in the trace');
    for (const [name, at] of answered) {
      const written = lastJournalWrite.get(name);
      const sync = synced.get(name);
      assert.ok(written !== undefined && written < at, `${name}: no journal write before its answer`);
      assert.ok(sync !== undefined && sync < at, `${name}: its answer left before an fdatasync of the journal returned`);
    }
  });
});
