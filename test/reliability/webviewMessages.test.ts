/**
 * Webview messages: whatever a webview posts (a compromised page, a stale form, a bug) is refused unless it has the
 * exact shape of its form's protocol, and the Overview refuses a command for an environment or connection it does
 * not show. Messages never name a component at all: a host acts on its own panel's component, so a message that
 * tries to name another is refused by shape.
 *
 * `vscode` is the edge here: a small stand-in records what the Overview would have run.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { configureAuthenticationProtocol } from '../../src/webviews/configureAuthentication/protocol';
import { createConnectionProtocol } from '../../src/webviews/createConnection/protocol';
import { createExternalConsumerProtocol } from '../../src/webviews/createExternalConsumer/protocol';
import { createServiceProtocol } from '../../src/webviews/createService/protocol';
import { FormPanel, type AnyProtocol } from '../../src/webviews/formPanel';
import type { FormNavigation } from '../../src/webviews/navigation';
import { overviewProtocol } from '../../src/webviews/overview/protocol';
import type { UseCaseContext } from '../../src/useCases/context';
import { addIdentityProviderProtocol } from '../../src/webviews/addIdentityProvider/protocol';
import { identityProviderProtocol } from '../../src/webviews/identityProvider/protocol';
import { printFigures } from './helpers/world';
import { fakeVscode, requireWithFakeVscode } from '../unit/useCases/fakeVscode';

const executed: unknown[][] = [];
fakeVscode.commands.executeCommand = async (...args: unknown[]) => void executed.push(args);

function fakePanel() {
  let listener: ((m: unknown) => void) | undefined;
  const posted: unknown[] = [];
  return {
    posted,
    send: async (m: unknown) => {
      listener!(m);
      await new Promise((r) => setTimeout(r, 5));
    },
    panel: {
      title: '',
      visible: true,
      webview: {
        onDidReceiveMessage: (l: (m: unknown) => void) => ((listener = l), { dispose() {} }),
        postMessage: async (m: unknown) => (posted.push(m), true),
      },
      onDidChangeViewState: () => ({ dispose() {} }),
    },
  };
}

function recordingLog() {
  const lines: string[] = [];
  return {
    lines,
    log: { info: (s: string) => lines.push(`info ${s}`), warn: (s: string) => lines.push(`warn ${s}`), error: (s: string) => lines.push(`error ${s}`) },
  };
}

const PROTOCOLS: AnyProtocol[] = [
  overviewProtocol,
  configureAuthenticationProtocol,
  createConnectionProtocol,
  createExternalConsumerProtocol,
  createServiceProtocol,
  addIdentityProviderProtocol,
  identityProviderProtocol,
] as AnyProtocol[];

/** The message types a protocol's host accepts (the discriminated union's options). */
function typesOf(p: AnyProtocol): string[] {
  const options = (p.toHost as unknown as { options: Array<{ shape: { type: { value: string } } }> }).options;
  return options.map((o) => o.shape.type.value);
}

describe('webview messages that must be refused', () => {
  const figures = { tried: 0, refused: 0, acted: 0, notShown: 0 };
  after(() =>
    printFigures('webview messages', {
      'generated messages sent to the seven forms': figures.tried,
      'refused by shape (never reached a handler)': figures.refused,
      'valid by chance, handled': figures.acted,
      'Overview commands for things not shown, refused': figures.notShown,
    }),
  );

  it("a message of the wrong shape never reaches a form's handler, and the log does not echo it", async () => {
    for (const protocol of PROTOCOLS) {
      class Recording extends FormPanel<AnyProtocol> {
        handled: unknown[] = [];
        protected async handle(m: unknown): Promise<void> {
          this.handled.push(m);
        }
      }
      const types = typesOf(protocol);
      const marker = 'SECRET-LOOKING-VALUE';
      const messageArb = fc.oneof(
        fc.anything(),
        // A real type with extra keys (another component's handles), wrong types, or a flood of text.
        fc
          .record({
            type: fc.constantFrom(...types),
            extra: fc.dictionary(
              fc.constantFrom(
                'orgHandle',
                'projectHandle',
                'componentName',
                'environment',
                'connectionName',
                'clientId',
                'identityProviderId',
                'text',
                'secret',
                marker,
              ),
              fc.oneof(fc.constant(marker), fc.integer(), fc.constant('x'.repeat(5000)), fc.constant(null)),
              { minKeys: 1 },
            ),
          })
          .map(({ type, extra }) => ({ type, ...extra })),
        fc.constantFrom(...types).map((type) => ({ type: type.toUpperCase() })),
        fc.constantFrom(...types).map((type) => JSON.stringify({ type })),
      );
      await fc.assert(
        fc.asyncProperty(messageArb, async (message) => {
          const fake = fakePanel();
          const { lines, log } = recordingLog();
          const host = new Recording(fake.panel as never, protocol, { log } as unknown as UseCaseContext);
          await host.receive(message);
          figures.tried++;
          if (protocol.toHost.safeParse(message).success) {
            figures.acted++;
            assert.equal(host.handled.length, 1);
            return;
          }
          figures.refused++;
          assert.deepEqual(host.handled, [], `${protocol.viewType} acted on ${JSON.stringify(message)?.slice(0, 100)}`);
          assert.equal(lines.length, 1);
          assert.match(lines[0], new RegExp(`^warn ${protocol.viewType.replace('.', '\\.')}: refused a malformed message \\(malformed_message\\)`));
          assert.ok(!lines[0].includes(marker), 'the log names the problem, not the value');
        }),
        { numRuns: 150 },
      );
    }
  });

  it('every message type that tries to name a component is refused: a panel acts only on its own component', () => {
    for (const protocol of PROTOCOLS) {
      for (const type of typesOf(protocol)) {
        const r = protocol.toHost.safeParse({ type, orgHandle: 'wayne-enterprises', projectHandle: 'default', componentName: 'batmobile' });
        assert.equal(r.success, false, `${protocol.viewType} ${type}`);
      }
    }
  });

  it('the Overview refuses Configure for an environment and Insert Snippet for a connection it does not show', async () => {
    const { OverviewPanel } = requireWithFakeVscode<typeof import('../../src/webviews/overview/host')>(require.resolve('../../src/webviews/overview/host'));
    const ref = { orgHandle: 'stark-industries', projectHandle: 'default', componentName: 'stark-mobile-app' };
    const at = '2025-01-01T00:00:00.000Z';
    const client = {
      getComponent: async () => ({
        id: 'c1',
        orgHandle: ref.orgHandle,
        projectHandle: ref.projectHandle,
        name: ref.componentName,
        displayName: 'Stark Mobile App',
        description: '',
        type: 'external-consumer',
        createdAt: at,
        updatedAt: at,
      }),
      listEnvironments: async () => [
        { id: 'e1', handle: 'development', name: 'Development', critical: false },
        { id: 'e2', handle: 'production', name: 'Production', critical: true },
      ],
      listAuthConfigurations: async () => [],
      listConnections: async () => [
        {
          id: 'k1',
          componentId: 'c1',
          name: 'Greeting',
          serviceProjectHandle: 'default',
          serviceComponentName: 'greeting',
          endpointName: 'hello',
          createdAt: at,
        },
      ],
      getConnection: async () => ({
        id: 'k1',
        componentId: 'c1',
        name: 'Greeting',
        serviceProjectHandle: 'default',
        serviceComponentName: 'greeting',
        endpointName: 'hello',
        createdAt: at,
      }),
    };
    const opened: unknown[] = [];
    const nav = {
      openConfigure: (r: unknown) => opened.push(r),
      openCreateConnection: () => {},
      onDidChange: () => ({ dispose() {} }),
    } as unknown as FormNavigation;
    const fake = fakePanel();
    const { lines, log } = recordingLog();
    new OverviewPanel(fake.panel as never, ref, { client: async () => client, log } as unknown as UseCaseContext, nav);

    // Before the panel has shown anything, nothing is shown: refused.
    await fake.send({ type: 'configure', environment: 'development' });
    assert.deepEqual(opened, []);
    await fake.send({ type: 'ready' });
    assert.equal((fake.posted.find((m) => (m as { type: string }).type === 'data') as { type: string } | undefined)?.type, 'data', JSON.stringify(fake.posted));

    await fake.send({ type: 'configure', environment: 'staging' });
    await fake.send({ type: 'insertSnippet', connectionName: 'Payroll' });
    assert.deepEqual(opened, []);
    assert.equal(executed.length, 0);
    const refusals = lines.filter((l) => /^warn choreo\.overview: refused (configure|insertSnippet) \(not_shown\)/.test(l));
    assert.equal(refusals.length, 3, lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('staging') || l.includes('Payroll')), 'the refused value is not logged');
    figures.notShown += refusals.length;

    // What it shows is acted on.
    await fake.send({ type: 'configure', environment: 'production' });
    assert.deepEqual(opened, [{ ...ref, environment: 'production' }]);
  });
});
