// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import { dnsLabel } from '../../src/api/common';
import { httpUrl, Visibility } from '../../src/api/components';
import type { ProjectChoice } from '../../src/webviews/createExternalConsumer/protocol';
import {
  CREATE_SERVICE_FORM,
  createServiceProtocol as protocol,
  MAX_ENDPOINTS,
  VISIBILITY_HELP,
  type CreateServiceState,
  type EndpointDraft,
} from '../../src/webviews/createService/protocol';
import { CHECK_FIELDS } from '../../src/webviews/formErrors';
import { button, field, form, h, linkButton, markReady, messageLine, replaceChildren, root, trackFieldErrors, type Field, type FieldErrors } from '../lib/dom';
import { connect } from '../lib/host';
import { namingFields, noProjectNotice } from '../lib/naming';
import { probeLine, type ProbeLine } from '../lib/probe';
import * as l10n from '@vscode/l10n';

const newEndpoint = (): EndpointDraft => ({ name: 'api', visibility: 'Project', upstreamUrl: '', perEnvironment: false, upstreamUrls: {} });
let state: CreateServiceState = { ref: CREATE_SERVICE_FORM.value, displayName: '', name: '', nameEdited: false, description: '', endpoints: [newEndpoint()] };
let projects: ProjectChoice[] = [];
let environments: Record<string, { handle: string; name: string }[]> = {};

const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'init':
      projects = m.projects;
      environments = m.environments;
      naming.offer(projects, m.selected);
      render();
      return;
    case 'probed':
      for (const [id, line] of probes) if (urlFields.get(id)?.control.value.trim() === m.url) line.show(m);
      return;
    case 'formError':
      errors.show(m.fields, m.message);
      errors.focusFirst();
      return;
  }
});
state = host.savedState() ?? state;

const message = messageLine();
const naming = namingFields({
  state: () => state,
  save,
  placeholders: { displayName: l10n.t('Inventory API'), name: 'inventory-api', description: l10n.t('What this service does') },
  // Another organization has other environments.
  onProject: () => renderEndpoints(),
});
const { displayName, name, description, project } = naming;
const fixedFields = { displayName, name, description, project };
/** The endpoints' fields, rebuilt with them; with the fixed ones, where the host's field errors land. */
let endpointFields: Record<string, Field> = {};
/** The URL fields (one per endpoint, or one per environment) and the line under each saying whether it answered. */
const urlFields = new Map<string, Field>();
const probes = new Map<string, ProbeLine>();
let errors: FieldErrors = trackFieldErrors(fixedFields, message);
const endpointsBox = h('div', { class: 'endpoints' });

function save(): void {
  host.saveState(state);
}

function orgEnvironments(): { handle: string; name: string }[] {
  return (state.project && environments[state.project.orgHandle]) || [];
}

/** A URL field: checked as an http/https URL and probed from this machine once the user stops typing. */
function urlField(id: string, label: string, value: string, onValue: (v: string) => void, help?: string): HTMLElement {
  const f = field({ id, label, required: true, help, control: h('vscode-textfield', { placeholder: 'http://localhost:8080', maxLength: 2000 }) });
  f.control.value = value;
  const line = probeLine(`${id}-probe`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const url = f.control.value.trim();
    if (!url) return;
    const r = httpUrl.safeParse(url);
    if (!r.success) return f.setError(r.error.issues[0]?.message);
    host.post({ type: 'probe', url });
  };
  f.control.addEventListener('input', () => {
    onValue(f.control.value);
    f.setError();
    line.clear();
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
  urlFields.set(id, f);
  probes.set(id, line);
  endpointFields[id] = f;
  if (value.trim()) queueMicrotask(check);
  f.group.append(line.el);
  return f.group;
}

function endpointBlock(e: EndpointDraft, i: number): HTMLElement {
  const n = field({ id: `endpoint-${i}-name`, label: l10n.t('Endpoint Name'), required: true, control: h('vscode-textfield', { maxLength: 63 }) });
  n.control.value = e.name;
  n.control.addEventListener('input', () => {
    e.name = n.control.value;
    const r = n.control.value ? dnsLabel.safeParse(n.control.value.trim()) : undefined;
    n.setError(r && !r.success ? r.error.issues[0]?.message : undefined);
    save();
  });
  const visibilityHelp = h('p', { class: 'help', id: `endpoint-${i}-visibility-help` }, VISIBILITY_HELP[e.visibility]);
  const v = field({
    id: `endpoint-${i}-visibility`,
    label: l10n.t('Visibility'),
    control: h(
      'vscode-single-select',
      {},
      ...Visibility.options.map((o) =>
        h('vscode-option', { value: o, description: VISIBILITY_HELP[o], selected: o === e.visibility }, o === 'Project' ? l10n.t('Project (default)') : o),
      ),
    ),
  });
  v.group.append(visibilityHelp);
  v.control.addEventListener('change', () => {
    const r = Visibility.safeParse(v.control.value);
    if (!r.success) return;
    e.visibility = r.data;
    visibilityHelp.textContent = VISIBILITY_HELP[r.data];
    save();
  });
  endpointFields[n.control.id] = n;
  endpointFields[v.control.id] = v;
  const envs = orgEnvironments();
  const perEnv = h('vscode-checkbox', {
    id: `endpoint-${i}-per-environment`,
    label: l10n.t('Use a different URL per environment'),
    checked: e.perEnvironment,
    onchange: (ev: Event) => {
      e.perEnvironment = (ev.target as HTMLInputElement).checked;
      // The one URL is where each environment's field starts.
      if (e.perEnvironment) for (const env of envs) e.upstreamUrls[env.handle] ||= e.upstreamUrl;
      save();
      renderEndpoints();
    },
  });
  const urls = e.perEnvironment
    ? envs.map((env) =>
        urlField(
          `endpoint-${i}-url-${env.handle}`,
          l10n.t`${env.name} URL`,
          e.upstreamUrls[env.handle] ?? '',
          (value) => ((e.upstreamUrls[env.handle] = value), save()),
        ),
      )
    : [
        urlField(
          `endpoint-${i}-url`,
          l10n.t('My service runs at'),
          e.upstreamUrl,
          (value) => ((e.upstreamUrl = value), save()),
          envs.length > 1
            ? l10n.t`Where the gateway sends the calls to this endpoint, in every environment (${envs.map((x) => x.name).join(', ')}).`
            : l10n.t('Where the gateway sends the calls to this endpoint, in every environment.'),
        ),
      ];
  return h(
    'fieldset',
    { class: 'endpoint', id: `endpoint-${i}` },
    h('legend', {}, state.endpoints.length > 1 ? l10n.t`Endpoint ${i + 1}` : l10n.t('Endpoint')),
    n.group,
    v.group,
    ...urls,
    perEnv,
    state.endpoints.length > 1
      ? linkButton(
          l10n.t('Remove this endpoint'),
          () => {
            state.endpoints.splice(i, 1);
            save();
            renderEndpoints();
          },
          { id: `endpoint-${i}-remove` },
        )
      : null,
  );
}

function renderEndpoints(): void {
  endpointFields = {};
  urlFields.clear();
  probes.clear();
  replaceChildren(
    endpointsBox,
    ...state.endpoints.map(endpointBlock),
    state.endpoints.length < MAX_ENDPOINTS
      ? linkButton(
          l10n.t('Add another endpoint'),
          () => {
            state.endpoints.push({ ...newEndpoint(), name: '' });
            save();
            renderEndpoints();
            document.getElementById(`endpoint-${state.endpoints.length - 1}-name`)?.focus();
          },
          { id: 'add-endpoint' },
        )
      : null,
  );
  errors = trackFieldErrors({ ...fixedFields, ...endpointFields }, message);
}

function create(): void {
  message.clear();
  if (!state.project) {
    errors.show({ project: l10n.t('Pick the project to create the service in.') }, CHECK_FIELDS);
    errors.focusFirst();
    return;
  }
  host.post({
    type: 'create',
    project: state.project,
    displayName: state.displayName,
    name: state.name,
    description: state.description,
    endpoints: state.endpoints.map((e) => ({ ...e, upstreamUrl: e.upstreamUrl.trim() })),
  });
}

let rendered = false;
function render(): void {
  renderEndpoints();
  if (rendered) return;
  rendered = true;
  naming.fill();
  replaceChildren(
    root(),
    h('h1', {}, l10n.t('Create a Service')),
    h(
      'p',
      { class: 'intro' },
      l10n.t(
        'A service you run yourself, on this machine or anywhere the gateway can reach. External consumers connect to its endpoints; the gateway checks their tokens and forwards each call to the URL below. After Create, its Overview opens.',
      ),
    ),
    noProjectNotice(projects),
    form(
      create,
      project.group,
      displayName.group,
      name.group,
      description.group,
      endpointsBox,
      message.el,
      h(
        'div',
        { class: 'actions' },
        button(l10n.t('Create'), create, { id: 'create' }),
        button(l10n.t('Cancel'), () => host.post({ type: 'cancel' }), { secondary: true, id: 'cancel' }),
      ),
    ),
  );
  root().setAttribute('aria-busy', 'false');
  // Keyboard users land in the first field to fill.
  requestAnimationFrame(() => (state.displayName ? name.control : displayName.control).focus());
  markReady();
}

host.post({ type: 'ready' });
