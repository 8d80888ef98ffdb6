// Root hooks of the e2e layer: the test VS Code is installed and the extension built once before any test, and
// whatever a test left running (servers, browsers, temp folders) is stopped after the last one.
import { buildExtension } from '../harness/buildTests';
import { ensureCodeServer } from '../harness/codeServer';
import { cleanupAll } from '../harness/processes';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(300_000);
    ensureCodeServer();
    await buildExtension();
  },
  async afterAll(): Promise<void> {
    await cleanupAll();
  },
};
