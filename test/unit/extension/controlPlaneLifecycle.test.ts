// The local control plane's lifecycle (issue 26): Stop leaves nothing listening and no window starts it again until
// Start; Clean's deletion leaves no data; a newer window replaces an older control plane only when no other window
// uses it; an older window never replaces a newer one; a data folder of a newer format is refused with a message.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { LocalControlPlane } from '../../../src/lifecycle/localControlPlane';
import { probe } from '../../../src/lifecycle/healthProbe';
import { compareVersions } from '../../../src/lifecycle/version';
import { WindowRegistry } from '../../../src/lifecycle/windowRegistry';
import { controlPlaneBundle, freePort, tempDir } from '../../controlPlane/helpers/controlPlane';

/** Whether anything accepts a TCP connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function localAt(version: string, dataDir: string, port: number, otherWindows = 0): Promise<LocalControlPlane> {
  return new LocalControlPlane({ entry: await controlPlaneBundle(version), dataDir, port, version, log: () => undefined, otherWindows: () => otherWindows });
}

describe('local control plane lifecycle: stop, clean, upgrade', function () {
  this.timeout(90_000);
  const started: LocalControlPlane[] = [];
  afterEach(async () => {
    for (const l of started.splice(0)) await l.stop();
  });

  it('Stop leaves nothing listening, and no window starts it again until Start', async () => {
    const dataDir = path.join(tempDir('lcp-stop-'), 'control-plane');
    const port = await freePort();
    const one = await localAt('0.1.0', dataDir, port);
    started.push(one);
    assert.equal(await one.ensureRunning(), 'started');
    const pid = Number(fs.readFileSync(path.join(dataDir, 'lock'), 'utf8'));
    await one.stopByUser();
    assert.equal(await listening(port), false, 'nothing listens on the port after Stop');
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the process is gone');
    // Another window (a second LocalControlPlane on the same folder) finds it stopped and does not start it.
    const other = await localAt('0.1.0', dataDir, port);
    assert.equal(await other.ensureRunning(), 'stopped');
    assert.equal(await listening(port), false);
    other.clearStopped();
    started.push(other);
    assert.equal(await other.ensureRunning(), 'started');
  });

  it("Clean's deletion leaves no data folder and no log", async () => {
    const root = tempDir('lcp-clean-');
    const dataDir = path.join(root, 'control-plane');
    const one = await localAt('0.1.0', dataDir, await freePort());
    assert.equal(await one.ensureRunning(), 'started');
    assert.ok(fs.existsSync(path.join(dataDir, 'admin-token')));
    await one.stopByUser();
    await one.deleteData();
    assert.deepEqual(fs.readdirSync(root), ['control-plane.stopped'], 'only the stop mark is left, beside where the folder was');
  });

  it('a newer window restarts an older control plane that no other window uses', async () => {
    const dataDir = path.join(tempDir('lcp-up-'), 'control-plane');
    const port = await freePort();
    const older = await localAt('0.1.0', dataDir, port);
    started.push(older);
    assert.equal(await older.ensureRunning(), 'started');
    const token = await older.token();
    const newer = await localAt('0.2.0', dataDir, port, 0);
    started.push(newer);
    assert.equal(await newer.ensureRunning(), 'upgraded');
    assert.equal((await probe(newer.baseUrl)).version, '0.2.0');
    assert.equal(await newer.token(), token, 'the same data folder: the same admin token, the data kept');
  });

  it('a newer window leaves an older control plane that another window uses running, and says so', async () => {
    const dataDir = path.join(tempDir('lcp-shared-'), 'control-plane');
    const port = await freePort();
    const older = await localAt('0.1.0', dataDir, port);
    started.push(older);
    await older.ensureRunning();
    const newer = await localAt('0.2.0', dataDir, port, 1);
    assert.equal(await newer.ensureRunning(), 'found');
    assert.deepEqual(newer.outdated, { running: '0.1.0', mine: '0.2.0', otherWindows: 1 });
    assert.equal((await probe(newer.baseUrl)).version, '0.1.0');
  });

  it('an older window never replaces a newer control plane', async () => {
    const dataDir = path.join(tempDir('lcp-down-'), 'control-plane');
    const port = await freePort();
    const newer = await localAt('0.2.0', dataDir, port);
    started.push(newer);
    await newer.ensureRunning();
    const older = await localAt('0.1.0', dataDir, port, 0);
    assert.equal(await older.ensureRunning(), 'found');
    assert.equal(older.outdated, undefined);
    assert.equal((await probe(older.baseUrl)).version, '0.2.0');
  });

  it('a control plane refuses a data folder of a newer format, saying so', async () => {
    const dataDir = tempDir('lcp-format-');
    fs.writeFileSync(path.join(dataDir, 'format'), '2\n');
    const child = spawn(process.execPath, [await controlPlaneBundle('0.1.0'), 'serve', '--data', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 65);
    assert.match(stderr, /was written by a newer control plane \(data format 2; this one, version 0\.1\.0, reads format 1 and older\)\. Update the extension/);
    assert.deepEqual(fs.readdirSync(dataDir).sort(), ['format'], 'nothing else was written into the folder');
  });

  it('a data folder without a format file gets one (format 1)', async () => {
    const dataDir = path.join(tempDir('lcp-fmt1-'), 'control-plane');
    const one = await localAt('0.1.0', dataDir, await freePort());
    started.push(one);
    await one.ensureRunning();
    assert.equal(fs.readFileSync(path.join(dataDir, 'format'), 'utf8'), '1\n');
  });
});

describe('versions and windows', () => {
  it('compares versions as semver orders them', () => {
    assert.equal(compareVersions('0.2.0', '0.1.9'), 1);
    assert.equal(compareVersions('0.1.0', '0.1.0'), 0);
    assert.equal(compareVersions('0.10.0', '0.9.0'), 1);
    assert.equal(compareVersions('1.0.0-rc.1', '1.0.0'), -1);
    assert.equal(compareVersions('1.0.0-rc.10', '1.0.0-rc.9'), 1);
    assert.equal(compareVersions('1.0.0-beta', '1.0.0-alpha'), 1);
    assert.equal(compareVersions('nonsense', '1.0.0'), 0);
  });

  it('counts other live windows and forgets dead ones', async () => {
    const dir = tempDir('windows-');
    const mine = new WindowRegistry(dir);
    mine.register('0.1.0');
    assert.equal(mine.others(), 0, 'its own file is not another window');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    new WindowRegistry(dir, child.pid!).register('0.1.0');
    assert.equal(mine.others(), 1);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal(mine.others(), 0);
    assert.deepEqual(fs.readdirSync(dir), [String(process.pid)], "the dead window's file is removed");
    mine.unregister();
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
