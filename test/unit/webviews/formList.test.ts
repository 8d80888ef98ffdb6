/** One list of the webview forms (src/webviews/formList.ts), read by the bundler, the panel registry and this test:
 * package.json's activation events, each form's folders and its protocol's viewType must agree with it. */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import path from 'node:path';
import manifest from '../../../package.json';
import { FORM_NAMES, FORM_VIEW_TYPES, formViewType } from '../../../src/webviews/formList';

const root = path.join(__dirname, '..', '..', '..');

describe('the list of webview forms', () => {
  it("package.json activates on each form's panels, and on no other form's", () => {
    const events = manifest.activationEvents.filter((e) => e.startsWith('onWebviewPanel:')).map((e) => e.slice('onWebviewPanel:'.length));
    assert.deepEqual([...events].sort(), [...FORM_VIEW_TYPES].sort());
  });

  for (const name of FORM_NAMES) {
    it(`${name}: a browser entry, a host, and a protocol whose viewType is ${formViewType(name)}`, async () => {
      assert.ok(existsSync(path.join(root, 'webview-ui', 'forms', `${name}.ts`)), `webview-ui/forms/${name}.ts`);
      assert.ok(existsSync(path.join(root, 'src', 'webviews', name, 'host.ts')), `src/webviews/${name}/host.ts`);
      const protocolModule = (await import(path.join(root, 'src', 'webviews', name, 'protocol.ts'))) as Record<string, unknown>;
      const viewTypes = Object.values(protocolModule)
        .filter((v): v is { viewType: string; toHost: unknown } => typeof v === 'object' && v !== null && 'viewType' in v && 'toHost' in v)
        .map((p) => p.viewType);
      assert.deepEqual(viewTypes, [formViewType(name)]);
    });
  }
});
