// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import {
  configureAuthenticationProtocol as protocol,
  type ConfigureData,
  type ConfigureState,
  type ConfigureTab,
} from '../../src/webviews/configureAuthentication/protocol';
import { EnvironmentRef } from '../../src/api/refs';
import { keySettingsOf } from '../../src/useCases/keySettings';
import { draftOf, keySettingsSection } from './keySettingsSection';
import {
  button,
  field,
  form,
  h,
  linkButton,
  markReady,
  messageLine,
  pageHeader,
  replaceChildren,
  root,
  trackFieldErrors,
  type Field,
  type FieldErrors,
} from '../lib/dom';
import { connect, pageState } from '../lib/host';
import * as l10n from '@vscode/l10n';

const TABS: ConfigureTab[] = ['built-in', 'external'];
let data: ConfigureData | undefined;
/** The secret just issued: in memory only, never in the saved state, gone when the page reloads. */
let issued: { clientId: string; clientSecret: string; tokenUrl: string } | undefined;

const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'data':
      data = m;
      render();
      return;
    case 'secretIssued':
      issued = { clientId: m.clientId, clientSecret: m.clientSecret, tokenUrl: m.tokenUrl };
      message.clear();
      render();
      document.getElementById('secret-value')?.focus();
      return;
    case 'keySettingsSaved':
      state.save({ keySettings: undefined });
      return;
    case 'notice':
      message.show(m.message, 'info');
      return;
    case 'formError':
      errors.answer(m, !!data, 'Configure authentication');
      return;
  }
});
const state = pageState<ConfigureState>(host, EnvironmentRef);
const message = messageLine();

const provider = field({ id: 'identityProvider', label: l10n.t('Identity Provider'), required: true, control: h('vscode-single-select') });
const clientId = field({
  id: 'clientId',
  label: l10n.t('Client ID'),
  required: true,
  help: l10n.t('The Client ID of the OIDC / OAuth 2.0 application you created in that identity provider.'),
  control: h('vscode-textfield', { placeholder: l10n.t('Paste the Client ID'), maxLength: 255 }),
});
const externalFields: Record<string, Field> = { clientId, identityProviderId: provider };
/** Where the host's field errors land: the external tab's fields, and the key settings' fields as last drawn. */
let errors: FieldErrors = trackFieldErrors(externalFields, message);
const keySettingsBox = h('div', { id: 'key-settings' });
state.follow(clientId, 'input', 'clientId');
state.follow(provider, 'change', 'identityProviderId');

function render(): void {
  if (!data) return;
  const d = data;
  const a = d.authConfiguration;
  const external = d.identityProviders.filter((p) => p.kind === 'external');
  const tab = state.current?.tab ?? (a?.identityProviderKind === 'external' ? 'external' : 'built-in');
  const tabs = h(
    'vscode-tabs',
    {
      'selected-index': TABS.indexOf(tab),
      'onvsc-tabs-select': (e: CustomEvent<{ selectedIndex: number }>) => state.save({ tab: TABS[e.detail.selectedIndex] ?? 'built-in' }),
    },
    h('vscode-tab-header', { slot: 'header', id: 'tab-built-in' }, l10n.t('Choreo built-in identity provider')),
    h('vscode-tab-panel', {}, builtInPanel(d)),
    h('vscode-tab-header', { slot: 'header', id: 'tab-external' }, l10n.t('An external identity provider')),
    h('vscode-tab-panel', {}, externalPanel(d, external)),
  );
  replaceChildren(
    root(),
    pageHeader(
      l10n.t`Configure ${d.environment.name}`,
      l10n.t`Authentication of ${d.component.displayName || d.component.name}`,
      linkButton(l10n.t('Back to Overview'), () => host.post({ type: 'openOverview' })),
    ),
    h('p', { class: 'intro' }, l10n.t`Pick the identity provider that issues this consumer's access tokens in ${d.environment.name}.`),
    current(d),
    tabs,
    message.el,
  );
  root().setAttribute('aria-busy', 'false');
  markReady();
}

function current(d: ConfigureData): HTMLElement {
  const a = d.authConfiguration;
  if (!a) return h('p', { class: 'status' }, h('strong', {}, l10n.t('Now: ')), l10n.t('not configured. No keys yet for this environment.'));
  return h(
    'dl',
    { class: 'details' },
    h('dt', {}, l10n.t('Identity provider')),
    h('dd', {}, a.identityProviderName),
    h('dt', {}, l10n.t('Client ID')),
    h(
      'dd',
      {},
      h('code', { class: 'wrap' }, a.clientId),
      ' ',
      linkButton(l10n.t('Copy'), () => host.post({ type: 'copyClientId' }), { 'aria-label': l10n.t('Copy the Client ID') }),
    ),
    h('dt', {}, l10n.t('Token URL')),
    h('dd', {}, h('code', { class: 'wrap' }, a.tokenUrl)),
  );
}

function builtInPanel(d: ConfigureData): HTMLElement {
  const a = d.authConfiguration;
  const hasKeys = a?.identityProviderKind === 'built-in' && a.hasSecret;
  return h(
    'div',
    { class: 'tab-body' },
    h(
      'p',
      { class: 'note' },
      hasKeys
        ? l10n.t`${d.component.displayName || d.component.name} has keys of the Choreo built-in identity provider in ${d.environment.name}. Regenerate Secret replaces the secret; the Client ID stays.`
        : l10n.t`No keys yet in ${d.environment.name}. Generate Keys creates an OAuth client of the Choreo built-in identity provider for this environment and shows its secret once.`,
    ),
    a?.identityProviderKind === 'external'
      ? h(
          'p',
          { class: 'note' },
          l10n.t`This environment now uses ${a.identityProviderName}. Generate Keys switches it back to the built-in identity provider.`,
        )
      : null,
    issued ? secretBox(issued) : null,
    h(
      'div',
      { class: 'actions' },
      hasKeys
        ? button(l10n.t('Regenerate Secret'), () => host.post({ type: 'regenerateSecret' }), { id: 'regenerate-secret' })
        : button(l10n.t('Generate Keys'), () => host.post({ type: 'generateKeys' }), { id: 'generate-keys' }),
      hasKeys && !issued ? button(l10n.t('Copy Secret'), () => host.post({ type: 'copySecret' }), { secondary: true, id: 'copy-secret' }) : null,
    ),
    hasKeys ? drawKeySettings(d) : null,
  );
}

/** The key settings of built-in keys: the draft being edited if there is one, else the settings as saved. */
function drawKeySettings(d: ConfigureData): HTMLElement {
  const section = keySettingsSection({
    draft: state.current?.keySettings ?? draftOf(keySettingsOf(d.authConfiguration)),
    issuer: d.issuer,
    onEdit: (draft) => state.save({ keySettings: draft }),
    onSave: (draft) => {
      message.clear();
      host.post({ type: 'saveKeySettings', settings: draft });
    },
    onRedraw: () => drawKeySettings(d),
  });
  replaceChildren(keySettingsBox, section.el);
  errors = trackFieldErrors({ ...externalFields, ...section.fields }, message);
  return keySettingsBox;
}

function secretBox(s: NonNullable<typeof issued>): HTMLElement {
  return h(
    'div',
    { class: 'secret', role: 'region', 'aria-labelledby': 'secret-h' },
    h('h3', { id: 'secret-h' }, l10n.t('New client secret: shown once')),
    h('vscode-label', { for: 'secret-value' }, l10n.t('Client secret')),
    h(
      'div',
      { class: 'inline' },
      h('vscode-textfield', { id: 'secret-value', readonly: true, value: s.clientSecret, label: l10n.t('Client secret'), class: 'grow' }),
      button(l10n.t('Copy'), () => host.post({ type: 'copySecret' }), { id: 'copy-secret', 'aria-label': l10n.t('Copy the client secret') }),
    ),
    h(
      'p',
      { class: 'help' },
      l10n.t(
        "It is kept in VS Code's SecretStorage and nowhere else; this form does not show it again. Copy it now, or later from the Choreo tree (Get Test Token and Insert Snippet use it from there).",
      ),
    ),
  );
}

function externalPanel(d: ConfigureData, external: ConfigureData['identityProviders']): HTMLElement {
  const a = d.authConfiguration;
  // The one in use, else the newest (one just added from this form's link).
  const newest = [...external].sort((x, y) => y.createdAt.localeCompare(x.createdAt))[0];
  const saved = external.some((p) => p.id === state.current?.identityProviderId) ? state.current?.identityProviderId : undefined;
  const selected = saved ?? (a?.identityProviderKind === 'external' ? a.identityProviderId : newest?.id);
  replaceChildren(provider.control, ...external.map((p) => h('vscode-option', { value: p.id, description: p.issuer, selected: p.id === selected }, p.name)));
  if (state.current?.clientId !== undefined) clientId.control.value = state.current.clientId;
  else if (a?.identityProviderKind === 'external') clientId.control.value = a.clientId;
  const addProvider = linkButton(l10n.t('Add an identity provider by its Well-Known URL…'), () => host.post({ type: 'addIdentityProvider' }), {
    id: 'add-identity-provider',
  });
  return h(
    'div',
    { class: 'tab-body' },
    h(
      'p',
      { class: 'note' },
      l10n.t('Create an OIDC / OAuth 2.0 application in your identity provider, with its access token type set to '),
      h('strong', {}, 'JWT'),
      l10n.t(': the gateway accepts only JWT access tokens. Then paste its Client ID here. No client secret is given to the platform.'),
    ),
    external.length
      ? form(addKeys, provider.group, clientId.group, h('div', { class: 'actions' }, button(l10n.t('Add Keys'), addKeys, { id: 'add-keys' })))
      : h('p', { class: 'status' }, l10n.t`No external identity provider applies to ${d.environment.name} in this organization yet.`),
    h('p', {}, addProvider),
  );
}

function addKeys(): void {
  message.clear();
  host.post({ type: 'addKeys', identityProviderId: provider.control.value, clientId: clientId.control.value.trim() });
}

host.post({ type: 'ready' });
