// Runs inside the real VS Code extension host: the extension activates and contributes what its manifest promises.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// Bundled into the test by esbuild: the manifest as it is in the repo, not as the extension host read it.
import manifest from '../../package.json';

const RESERVED_CONTROL_PLANE_PORT = 7480;

describe('Activation', () => {
  const extensionId = `${manifest.publisher}.${manifest.name}`;
  const extension = vscode.extensions.getExtension(extensionId);

  before(async function () {
    this.timeout(60_000);
    assert.ok(extension, `the extension under development (${extensionId}) is loaded`);
    await extension.activate();
  });

  it('activates the extension', () => {
    assert.equal(extension!.isActive, true);
  });

  it('contributes the Organizations view in the Choreo activity bar container', async () => {
    assert.deepEqual(
      manifest.contributes.views.choreo.map((v) => v.id),
      ['choreo.resources'],
    );
    const all = await vscode.commands.getCommands(true);
    // VS Code creates these for a view container and each of its views only when they are registered.
    assert.ok(all.includes('workbench.view.extension.choreo'), 'the Choreo view container is registered');
    assert.ok(all.includes('choreo.resources.focus'), 'the choreo.resources view is registered');
    await vscode.commands.executeCommand('choreo.resources.focus');
  });

  it('registers a handler for every command declared in package.json', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = manifest.contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest declares commands');
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands declared in package.json without a handler: ${missing.join(', ')}`);
  });

  it('gets a control plane port from the harness, never the reserved 7480', function () {
    if (process.env.CHOREO_TEST_HARNESS !== 'code-server') this.skip(); // @vscode/test-electron runs with defaults
    // The integration driver writes a free port into the fresh user settings so tests never touch a developer's
    // own local control plane (see docs/TESTING.md).
    const port = vscode.workspace.getConfiguration('choreo').get<number>('controlPlane.localPort');
    assert.notEqual(port, RESERVED_CONTROL_PLANE_PORT);
    assert.equal(port, Number(process.env.CHOREO_TEST_CONTROL_PLANE_PORT));
  });
});
