// The local control plane as the extension starts it (issue 14, rows 10 and 12): its data folder and log are this
// user's only, and whatever answers on its port must prove it is that control plane before the admin token is sent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { ControlPlaneClient } from '../../../src/client/controlPlaneClient';
import { LocalControlPlane } from '../../../src/lifecycle/localControlPlane';
import { controlPlaneBundle, freePort, tempDir } from '../../controlPlane/helpers/controlPlane';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('local control plane (lifecycle)', function () {
  this.timeout(60_000);

  it('row 10: creates its data folder 0700 and its log 0600', async () => {
    const dataDir = path.join(tempDir('lcp-'), 'globalStorage', 'control-plane');
    const local = new LocalControlPlane({ entry: await controlPlaneBundle(), dataDir, port: await freePort(), log: () => undefined });
    try {
      assert.equal(await local.ensureRunning(), 'started');
      assert.equal(mode(dataDir).toString(8), '700');
      assert.equal(mode(local.logFile).toString(8), '600');
      assert.ok(await local.token(), 'the server it started proves itself, so the token is handed out');
    } finally {
      await local.stop();
    }
  });

  it('row 12: sends no admin token to another program that took its port first', async () => {
    const dataDir = tempDir('lcp-taken-');
    fs.writeFileSync(path.join(dataDir, 'admin-token'), `${'t'.repeat(43)}\n`, { mode: 0o600 });
    const seen: string[] = [];
    const impostor = http.createServer((req, res) => {
      if (req.headers.authorization) seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      // It answers as a control plane would, proof included, but cannot compute the right one.
      res.end(req.url?.startsWith('/healthz') ? JSON.stringify({ status: 'ok', version: '0.1.0', proof: 'AAAA' }) : JSON.stringify({ items: [] }));
    });
    const port = await freePort();
    await new Promise<void>((r) => impostor.listen(port, '127.0.0.1', r));
    const local = new LocalControlPlane({ entry: await controlPlaneBundle(), dataDir, port, log: () => undefined });
    const client = new ControlPlaneClient({ baseUrl: local.baseUrl, token: () => local.token(), timeoutMs: 2_000 });
    try {
      await assert.rejects(local.ensureRunning(), /Another program answers on .* not this extension's control plane/);
      await assert.rejects(client.listOrganizations({ limit: 1 }));
      assert.deepEqual(seen, [], 'the impostor never received the admin token');
    } finally {
      await new Promise<void>((r) => impostor.close(() => r()));
    }
  });
});
