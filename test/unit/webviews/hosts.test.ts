// The extension side of the forms, in plain Node: the page's CSP and nonce, the refusal of malformed messages, and the
// Create an External Consumer host against a real control plane (its errors land on their field).
import * as assert from 'node:assert/strict';
import type { UseCaseContext } from '../../../src/useCases/context';
import { CreateExternalConsumerPanel } from '../../../src/webviews/createExternalConsumer/host';
import { toFormError } from '../../../src/webviews/formErrors';
import { FormPanel } from '../../../src/webviews/formPanel';
import { contentSecurityPolicy, createNonce, renderFormPage } from '../../../src/webviews/html';
import type { FormNavigation } from '../../../src/webviews/navigation';
import { overviewProtocol, type OverviewToHost } from '../../../src/webviews/overview/protocol';
import { createExternalConsumerProtocol } from '../../../src/webviews/createExternalConsumer/protocol';
import { startWorld, type World } from '../useCases/world';
import { fakePanel, until } from './fakePanel';

function recordingLog() {
  const lines: string[] = [];
  return {
    lines,
    log: { info: (s: string) => lines.push(`info ${s}`), warn: (s: string) => lines.push(`warn ${s}`), error: (s: string) => lines.push(`error ${s}`) },
  };
}

describe('webview hosts', () => {
  describe('the form page', () => {
    const page = (ref: unknown, nonce = 'n0nce') =>
      renderFormPage({
        cspSource: 'https://webview.example',
        asset: (f) => `https://webview.example/dist/webview/${f}`,
        bundle: 'overview',
        title: 'Overview',
        ref,
        nonce,
      });

    it('allows nothing by default and scripts only by nonce', () => {
      const csp = contentSecurityPolicy('https://webview.example', 'abc');
      assert.match(csp, /^default-src 'none'/);
      assert.match(csp, /script-src 'nonce-abc'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
      const html = page(null);
      const scripts = html.match(/<script [^>]*>/g) ?? [];
      assert.equal(scripts.length, 2, 'the elements module and the form bundle');
      for (const s of scripts) assert.match(s, /type="module" nonce="n0nce" src="https:\/\/webview\.example\/dist\/webview\//);
    });
    it('makes a fresh, unguessable nonce for every page', () => {
      const nonces = new Set(Array.from({ length: 200 }, createNonce));
      assert.equal(nonces.size, 200);
      for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{24}$/, '18 random bytes in base64');
    });
    it("writes the panel's resource into the page escaped, so a hostile name cannot add markup", () => {
      const html = page({ componentName: '"><script>alert(1)</script>' });
      assert.equal(html.match(/<script/g)?.length, 2);
      const content = /<meta name="choreo-ref" content="([^"]*)">/.exec(html)?.[1];
      assert.ok(content);
      const decoded = content
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
      assert.deepEqual(JSON.parse(decoded), { componentName: '"><script>alert(1)</script>' });
    });
  });

  describe('a malformed message', () => {
    class RecordingOverview extends FormPanel<typeof overviewProtocol> {
      handled: OverviewToHost[] = [];
      protected async handle(m: OverviewToHost): Promise<void> {
        this.handled.push(m);
      }
    }

    it('is refused and logged, never acted on; a valid one is acted on', async () => {
      const { panel, send } = fakePanel();
      const { lines, log } = recordingLog();
      const host = new RecordingOverview(panel as never, overviewProtocol, { log } as unknown as UseCaseContext);
      send({ type: 'configure', environment: 'Production; rm -rf /' });
      send({ type: 'copy' });
      send('refresh');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(host.handled, []);
      assert.equal(lines.filter((l) => l.startsWith('warn choreo.overview: refused a malformed message (malformed_message)')).length, 3);
      assert.ok(!lines.some((l) => l.includes('rm -rf')), 'the log names the problem, not the value sent');
      send({ type: 'configure', environment: 'production' });
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(host.handled, [{ type: 'configure', environment: 'production' }]);
    });

    it('is not sent to the form either: the host checks what it posts', async () => {
      const { panel, posted } = fakePanel();
      const { lines, log } = recordingLog();
      const host = new RecordingOverview(panel as never, overviewProtocol, { log } as unknown as UseCaseContext);
      assert.equal(await host.post({ type: 'busy', busy: 'yes' } as never), false);
      assert.deepEqual(posted, []);
      assert.match(lines[0]!, /^error choreo\.overview: did not send a message that breaks the protocol/);
    });
  });

  describe('server errors', () => {
    it('land on their field: name_taken on the unique name, field paths on their field', () => {
      const taken = toFormError({ code: 'name_taken', message: 'The name "app" is taken in project default.' }, { 'code:name_taken': 'name' });
      // Said once: under the field; the line above only points at it.
      assert.deepEqual(taken, {
        type: 'formError',
        code: 'name_taken',
        message: 'Check the marked fields.',
        fields: { name: 'The name "app" is taken in project default.' },
      });
      const invalid = toFormError({
        code: 'validation_failed',
        message: 'Check the fields.',
        fields: [{ path: 'body.displayName', message: 'Enter a display name.' }],
      });
      assert.deepEqual(invalid.fields, { displayName: 'Enter a display name.' });
      const unknown = toFormError(new TypeError(''));
      assert.equal(unknown.code, 'internal');
      assert.match(unknown.message, /Choreo log/);
    });
  });

  describe('Create an External Consumer, against a real control plane', () => {
    let world: World;

    before(async () => {
      world = await startWorld();
      await world.client.createOrganization({ name: 'Stark Industries' });
    });
    after(async () => {
      await world?.close();
    });

    function openForm() {
      const fake = fakePanel();
      const opened: unknown[] = [];
      const nav = { openOverview: (r: unknown) => opened.push(r) } as unknown as FormNavigation;
      world.lines.length = 0;
      new CreateExternalConsumerPanel(fake.panel as never, createExternalConsumerProtocol, undefined, world.ctx, nav);
      return { ...fake, lines: world.lines, opened };
    }

    it("offers the organization's projects, creates the consumer and opens its Overview", async () => {
      const form = openForm();
      form.send({ type: 'ready' });
      await form.posts('init');
      const init = form.posted.find((m) => (m as { type: string }).type === 'init') as { projects: { orgHandle: string; projectHandle: string }[] };
      assert.ok(init.projects.length >= 1, 'the default project of the new organization');
      const project = { orgHandle: init.projects[0]!.orgHandle, projectHandle: init.projects[0]!.projectHandle };
      form.send({ type: 'create', project, displayName: 'Stark Mobile App', name: 'stark-mobile-app', description: 'The iOS app' });
      await form.closes();
      assert.deepEqual(form.opened, [{ ...project, componentName: 'stark-mobile-app' }]);
      assert.equal(form.panel.disposed, true, 'the Create form closes as the Overview opens');
      const created = await world.client.getComponent(project.orgHandle, project.projectHandle, 'stark-mobile-app');
      assert.equal(created.type, 'external-consumer');
      assert.equal(created.description, 'The iOS app');
      assert.deepEqual(
        world.changes.at(-1),
        { orgHandle: project.orgHandle, projectHandle: project.projectHandle, componentName: 'stark-mobile-app', created: true },
        'the tree is told, to select the new row',
      );
    });

    it('Cancel closes the form, opening nothing', async () => {
      const form = openForm();
      form.send({ type: 'ready' });
      await form.posts('init');
      form.send({ type: 'cancel' });
      await form.closes();
      assert.deepEqual(form.opened, []);
    });

    it('logs no error after Create closes the form (it once posted "busy: false" to the disposed webview)', async () => {
      const form = openForm();
      form.send({
        type: 'create',
        project: { orgHandle: 'stark-industries', projectHandle: 'default' },
        displayName: 'Stark Watch App',
        name: 'stark-watch-app',
        description: '',
      });
      await form.closes();
      assert.equal(form.panel.disposed, true);
      assert.deepEqual(
        form.lines.filter((l) => l.startsWith('error')),
        [],
      );
    });

    it('offers every project, not just the first page of each list', async () => {
      const wayne = await world.client.createOrganization({ name: 'Wayne Enterprises' });
      for (let i = 0; i < 130; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            world.client.createProject(wayne.handle, { name: `Project ${String(i + j).padStart(3, '0')}`, description: '' }),
          ),
        );
      }
      const form = openForm();
      form.send({ type: 'ready' });
      await form.posts('init');
      const init = form.posted.find((m) => (m as { type: string }).type === 'init') as { projects: { orgHandle: string; projectHandle: string }[] };
      const ofWayne = init.projects.filter((p) => p.orgHandle === wayne.handle).map((p) => p.projectHandle);
      assert.equal(ofWayne.length, 131, 'the 130 new projects and the default one');
      assert.ok(ofWayne.includes('project-129'), 'the last project, far beyond the first page of 100');
      assert.ok(!form.lines.some((l) => l.startsWith('warn')), 'nothing was left out, so nothing is said to be');
    });

    it('puts "name already taken" under the unique name, says it once, and keeps the form open', async () => {
      const form = openForm();
      form.send({
        type: 'create',
        project: { orgHandle: 'stark-industries', projectHandle: 'default' },
        displayName: 'Another',
        name: 'stark-mobile-app',
        description: '',
      });
      await form.posts('formError');
      await until(() => form.posted.some((m) => JSON.stringify(m) === '{"type":"busy","busy":false}'), 'the form to be ready again');
      const error = form.posted.find((m) => (m as { type: string }).type === 'formError') as { code: string; message: string; fields: Record<string, string> };
      assert.equal(error.code, 'name_taken');
      assert.match(error.fields.name!, /already has a component named "stark-mobile-app"/);
      assert.equal(error.message, 'Check the marked fields.', 'the sentence is under the field, not said twice');
      assert.doesNotMatch(JSON.stringify(error), /name: /, 'no internal field name in what the user reads');
      assert.deepEqual(form.opened, []);
      assert.equal(form.panel.disposed, false);
      assert.deepEqual(
        form.posted.filter((m) => (m as { type: string }).type === 'busy'),
        [
          { type: 'busy', busy: true },
          { type: 'busy', busy: false },
        ],
      );
    });

    it('answers a name that breaks the DNS-label rule, and an empty display name, on their fields', async () => {
      const form = openForm();
      form.send({
        type: 'create',
        project: { orgHandle: 'stark-industries', projectHandle: 'default' },
        displayName: ' ',
        name: 'Not A Label',
        description: '',
      });
      await form.posts('formError');
      const error = form.posted.find((m) => (m as { type: string }).type === 'formError') as { code: string; fields: Record<string, string> };
      assert.equal(error.code, 'validation_failed');
      assert.match(error.fields.name!, /lower-case letters, digits and hyphens/);
      assert.equal(error.fields.displayName, 'Enter a display name.');
    });
  });
});
