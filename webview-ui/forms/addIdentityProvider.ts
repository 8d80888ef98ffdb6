// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import {
  addIdentityProviderProtocol as protocol,
  type AddIdentityProviderData,
  type AddIdentityProviderState,
} from '../../src/webviews/addIdentityProvider/protocol';
import { OrgRef } from '../../src/api/refs';
import { button, field, form, h, markReady, messageLine, replaceChildren, root, trackFieldErrors } from '../lib/dom';
import { connect, pageState } from '../lib/host';
import * as l10n from '@vscode/l10n';

let data: AddIdentityProviderData | undefined;
const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'data':
      data = m;
      render();
      return;
    case 'formError':
      errors.answer(m, !!data, 'Add Identity Provider');
      return;
  }
});
const state = pageState<AddIdentityProviderState>(host, OrgRef);
const message = messageLine();

const name = field({ id: 'name', label: l10n.t('Name'), required: true, control: h('vscode-textfield', { placeholder: l10n.t('Asgardeo'), maxLength: 100 }) });
const description = field({ id: 'description', label: l10n.t('Description'), control: h('vscode-textarea', { rows: 2, maxLength: 1000 }) });
const wellKnownUrl = field({
  id: 'wellKnownUrl',
  label: l10n.t('Well-Known URL'),
  required: true,
  help: l10n.t(
    "The provider's OpenID discovery document, for example https://api.asgardeo.io/t/stark/oauth2/token/.well-known/openid-configuration. It is read now, to learn the issuer, token endpoint and keys.",
  ),
  control: h('vscode-textfield', { placeholder: 'https://…/.well-known/openid-configuration', maxLength: 2000 }),
});
const audiences = field({
  id: 'audiences',
  label: l10n.t('Allowed audiences'),
  help: l10n.t("The audience (aud) its access tokens must carry, one per line. Leave empty for this gateway's own URL."),
  control: h('vscode-textarea', { rows: 2, maxLength: 4000 }),
});
const fields = { name, description, wellKnownUrl, audiences };
const errors = trackFieldErrors(fields, message);
state.follow(name, 'input', 'name');
state.follow(description, 'input', 'description');
state.follow(wellKnownUrl, 'input', 'wellKnownUrl');
state.follow(audiences, 'input', 'audiences');

function chosenEnvironments(): string[] {
  return [...document.querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-checkbox[data-environment]')]
    .filter((c) => c.checked)
    .map((c) => c.value);
}

function create(): void {
  message.clear();
  host.post({
    type: 'create',
    name: name.control.value.trim(),
    description: description.control.value,
    wellKnownUrl: wellKnownUrl.control.value.trim(),
    environments: chosenEnvironments(),
    audiences: audiences.control.value.split(/[\s,]+/).filter(Boolean),
  });
}

function render(): void {
  if (!data) return;
  const saved = state.current;
  name.control.value = saved?.name ?? '';
  description.control.value = saved?.description ?? '';
  wellKnownUrl.control.value = saved?.wellKnownUrl ?? '';
  audiences.control.value = saved?.audiences ?? '';
  audiences.control.setAttribute('placeholder', data.gatewayAudience);
  const chosen = new Set(saved?.environments ?? data.environments.map((e) => e.handle));
  const environments = h(
    'fieldset',
    { class: 'field', id: 'environments' },
    h('legend', {}, l10n.t('Environments')),
    ...data.environments.map((e) =>
      h('vscode-checkbox', {
        'data-environment': '',
        value: e.handle,
        checked: chosen.has(e.handle),
        label: e.name,
        onchange: () => state.save({ environments: chosenEnvironments() }),
      }),
    ),
    h('p', { class: 'help' }, l10n.t('Where its tokens are accepted. Leave all ticked for every environment of the organization.')),
  );
  replaceChildren(
    root(),
    h('h1', {}, l10n.t('Add Identity Provider')),
    h(
      'p',
      { class: 'intro' },
      l10n.t`An external OIDC / OAuth 2.0 provider for ${data.orgName}. Its apps' Client IDs can then be given keys (Add Keys) in the environments below.`,
    ),
    form(
      create,
      name.group,
      description.group,
      wellKnownUrl.group,
      environments,
      audiences.group,
      message.el,
      h(
        'div',
        { class: 'actions' },
        button(l10n.t('Add'), create, { id: 'add' }),
        button(l10n.t('Cancel'), () => host.post({ type: 'cancel' }), { secondary: true, id: 'cancel' }),
      ),
    ),
  );
  root().setAttribute('aria-busy', 'false');
  requestAnimationFrame(() => name.control.focus());
  markReady();
}

host.post({ type: 'ready' });
