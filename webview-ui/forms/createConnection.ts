// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import { visibilityAdmits, type Visibility } from '../../src/api/components';
import { CHECK_FIELDS } from '../../src/webviews/formErrors';
import { ComponentRef } from '../../src/api/refs';
import {
  createConnectionProtocol as protocol,
  type CreateConnectionData,
  type CreateConnectionState,
  type ServiceChoice,
} from '../../src/webviews/createConnection/protocol';
import { button, field, form, h, linkButton, markReady, messageLine, pageHeader, replaceChildren, root, trackFieldErrors } from '../lib/dom';
import { connect, pageState } from '../lib/host';
import * as l10n from '@vscode/l10n';

let data: CreateConnectionData | undefined;
const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'data':
      data = m;
      // The editor's quick fix names the connection after the variable the code reads; a name the user typed stays.
      if (m.suggestedName && (!state.current?.name || state.current.name === suggestedName(picked()))) state.save({ name: m.suggestedName });
      render();
      return;
    case 'created':
      state.save({ createdConnection: m.connection.name });
      render();
      document.getElementById('insert-snippet')?.focus();
      return;
    case 'formError':
      errors.answer(m, !!data, 'Create Connection');
      return;
  }
});
const state = pageState<CreateConnectionState>(host, ComponentRef);
const message = messageLine();

const service = field({
  id: 'service',
  label: l10n.t('Service'),
  required: true,
  help: l10n.t('Type to search the services of this organization.'),
  control: h('vscode-single-select', { combobox: true, filter: 'contains' }),
});
const endpoint = field({ id: 'endpointName', label: l10n.t('Endpoint'), required: true, control: h('vscode-single-select') });
const name = field({
  id: 'name',
  label: l10n.t('Name'),
  required: true,
  help: l10n.t('Names the connection and its environment variables (CHOREO_<NAME>_SERVICEURL, …).'),
  control: h('vscode-textfield', { maxLength: 63 }),
});
const errors = trackFieldErrors({ service, endpointName: endpoint, name }, message);
/** Shown with a visibility refusal: the picked service's Overview, where its endpoint's visibility is changed. */
const openService = linkButton(
  l10n.t("Open the service's Overview"),
  () => {
    const s = picked();
    if (s) host.post({ type: 'openService', projectHandle: s.projectHandle, componentName: s.service.name });
  },
  { id: 'open-service' },
);
openService.hidden = true;
endpoint.group.append(openService);
endpoint.onCleared(() => (openService.hidden = true));

const keyOf = (s: ServiceChoice) => `${s.projectHandle}/${s.service.name}`;
const picked = () => data?.services.find((s) => keyOf(s) === state.current?.service);

service.control.addEventListener('change', () => {
  const before = state.current?.service;
  state.save({ service: service.control.value, endpointName: undefined });
  service.setError();
  const s = picked();
  // Suggest a name from the service until the user types one of their own.
  if (s && (!state.current?.name || state.current.name === suggestedName(data?.services.find((x) => keyOf(x) === before)))) {
    name.control.value = suggestedName(s);
    state.save({ name: name.control.value });
  }
  // Filled in by the form: no longer wrong.
  if (name.control.value.trim()) name.setError();
  fillEndpoints();
});
endpoint.control.addEventListener('change', () => {
  state.save({ endpointName: endpoint.control.value });
  checkVisibility();
});
state.follow(name, 'input', 'name');

function suggestedName(s: ServiceChoice | undefined): string {
  if (!s) return '';
  const base = (s.service.displayName || s.service.name).replace(/[^A-Za-z0-9 _-]+/g, ' ').trim();
  return /^[A-Za-z]/.test(base) ? base.slice(0, 63) : `Service ${base}`.slice(0, 63);
}

/** Whether this consumer may connect to the endpoint (the form lists its own organization's services, so only a
 * Project endpoint of another project leaves it out); the server checks the same rule again. */
function admitted(s: ServiceChoice, e: { visibility: Visibility }): boolean {
  const c = data!.component;
  return visibilityAdmits(e.visibility, { org: s.service.orgHandle, project: s.projectHandle }, { org: c.orgHandle, project: c.projectHandle });
}

function fillEndpoints(): void {
  const s = picked();
  const endpoints = s?.service.endpoints ?? [];
  const chosen = state.current?.endpointName ?? (endpoints.find((e) => admitted(s!, e)) ?? endpoints[0])?.name;
  if (chosen !== state.current?.endpointName) state.save({ endpointName: chosen });
  replaceChildren(
    endpoint.control,
    ...endpoints.map((e) =>
      h(
        'vscode-option',
        { value: e.name, description: admitted(s!, e) ? e.visibility : `${e.visibility}: project ${s!.projectName} only`, selected: e.name === chosen },
        e.name,
      ),
    ),
  );
  if (chosen) endpoint.setError();
  checkVisibility();
}

/** Says at once, under the endpoint, when its visibility leaves this consumer out, and what to change. */
function checkVisibility(): void {
  const s = picked();
  const e = s?.service.endpoints?.find((x) => x.name === state.current?.endpointName);
  if (!s || !e || admitted(s, e)) return;
  openService.hidden = false;
  endpoint.setError(
    l10n.t`This endpoint has Project visibility: only consumers in project ${s.projectName} can connect to it. Make it Organization or Public in the service's Overview, or pick another endpoint.`,
  );
}

function create(): void {
  message.clear();
  const s = picked();
  if (!s) {
    errors.show({ service: l10n.t('Pick the service to connect to.') }, CHECK_FIELDS);
    errors.focusFirst();
    return;
  }
  host.post({
    type: 'create',
    name: name.control.value.trim(),
    serviceProjectHandle: s?.projectHandle ?? '',
    serviceComponentName: s?.service.name ?? '',
    endpointName: endpoint.control.value || (state.current?.endpointName ?? ''),
  });
}

function render(): void {
  if (!data) return;
  const d = data;
  const consumer = d.component.displayName || d.component.name;
  const header = pageHeader(
    l10n.t('Create Connection'),
    l10n.t`From ${consumer}`,
    linkButton(l10n.t('Back to Overview'), () => host.post({ type: 'openOverview' })),
  );
  if (state.current?.createdConnection) {
    const created = state.current.createdConnection;
    replaceChildren(
      root(),
      header,
      h(
        'div',
        { class: 'success', role: 'status' },
        h(
          'p',
          {},
          h('strong', {}, l10n.t`Connection "${created}" created.`),
          l10n.t` ${consumer} can now call this endpoint through the gateway with its access tokens.`,
        ),
        h('p', {}, l10n.t('Insert Snippet adds working connection code and its configuration to your workspace.')),
        h(
          'div',
          { class: 'actions' },
          button(l10n.t('Insert Snippet'), () => host.post({ type: 'insertSnippet', connectionName: created }), { id: 'insert-snippet' }),
          button(
            l10n.t('Create Another'),
            () => {
              state.save({ createdConnection: undefined, name: '' });
              name.control.value = '';
              render();
            },
            { secondary: true },
          ),
        ),
      ),
      message.el,
    );
  } else {
    // A single service is the one: picked at once, with its endpoint and a name.
    if (!state.current?.service && d.services.length === 1) {
      state.save({ service: keyOf(d.services[0]!), name: state.current?.name || suggestedName(d.services[0]) });
    }
    replaceChildren(
      service.control,
      ...d.services.map((s) =>
        h(
          'vscode-option',
          { value: keyOf(s), description: `${s.projectName} · ${s.service.name}`, selected: keyOf(s) === state.current?.service },
          s.service.displayName || s.service.name,
        ),
      ),
    );
    name.control.value = state.current?.name ?? '';
    fillEndpoints();
    replaceChildren(
      root(),
      header,
      h(
        'p',
        { class: 'intro' },
        l10n.t(
          "A connection lets this consumer's access tokens through the gateway to one service endpoint, and yields the values your code needs: service URL, client ID, client secret and token URL.",
        ),
      ),
      d.services.length
        ? form(
            create,
            service.group,
            endpoint.group,
            name.group,
            message.el,
            h('div', { class: 'actions' }, button(l10n.t('Create'), create, { id: 'create' })),
          )
        : h(
            'div',
            { class: 'status' },
            h(
              'p',
              {},
              l10n.t(
                'There is no service in this organization to connect to yet. Register the one you are building (it may run on this machine) and the gateway will call it.',
              ),
            ),
            h(
              'div',
              { class: 'actions' },
              button(l10n.t('Create Service'), () => host.post({ type: 'createService' }), { id: 'create-service' }),
            ),
          ),
    );
    requestAnimationFrame(() => service.control.focus());
  }
  root().setAttribute('aria-busy', 'false');
  markReady();
}

host.post({ type: 'ready' });
