// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import type { AuthConfiguration } from '../../src/api/auth';
import { ComponentRef } from '../../src/api/refs';
import { overviewProtocol as protocol, type OverviewData } from '../../src/webviews/overview/protocol';
import { button, h, markReady, messageLine, pageHeader, replaceChildren, root } from '../lib/dom';
import { connect, pageRef } from '../lib/host';
import { servicePage } from './serviceOverview';
import * as l10n from '@vscode/l10n';

const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'data':
      render(m);
      return;
    case 'probed':
    case 'saved':
    case 'refused':
      service.answer(m);
      return;
    case 'formError':
      if (service.answer(m)) return;
      message.show(m.message);
      root().setAttribute('aria-busy', 'false');
      if (!root().contains(message.el)) replaceChildren(root(), h('h1', {}, ref?.componentName ?? 'Overview'), message.el, refreshButton());
      return;
  }
});
const ref = host.savedState()?.ref ?? pageRef(ComponentRef);
if (ref) host.saveState({ ref });
const message = messageLine();
const service = servicePage(host, message);

function refreshButton(): HTMLElement {
  return button(l10n.t('Refresh'), () => host.post({ type: 'refresh' }), { secondary: true, 'aria-label': l10n.t('Refresh the Overview') });
}

function authState(a: AuthConfiguration | undefined): string {
  if (!a) return l10n.t('No keys yet');
  if (a.identityProviderKind === 'built-in') return a.hasSecret ? l10n.t('Keys generated') : l10n.t('Client created, no secret');
  return l10n.t('Client ID added');
}

function render(d: OverviewData): void {
  const c = d.component;
  const consumer = c.type === 'external-consumer';
  const hadFocus = document.activeElement?.id;
  message.clear();
  replaceChildren(
    root(),
    pageHeader(c.displayName || c.name, consumer ? l10n.t('External consumer') : l10n.t('Service'), refreshButton()),
    c.description ? h('p', { class: 'intro' }, c.description) : null,
    h(
      'section',
      { 'aria-labelledby': 'details-h' },
      h('h2', { id: 'details-h' }, l10n.t('Details')),
      h(
        'dl',
        { class: 'details' },
        h('dt', {}, l10n.t('Unique name')),
        h('dd', {}, h('code', {}, c.name)),
        h('dt', {}, l10n.t('Project')),
        h('dd', {}, c.projectHandle),
        h('dt', {}, l10n.t('Organization')),
        h('dd', {}, c.orgHandle),
        h('dt', {}, l10n.t('Created')),
        h('dd', {}, new Date(c.createdAt).toLocaleString()),
      ),
    ),
    consumer ? authSection(d) : null,
    consumer ? connectionsSection(d) : null,
    consumer ? null : service.endpoints(d),
    message.el,
  );
  root().setAttribute('aria-busy', 'false');
  // A reload after an action keeps keyboard focus where it was.
  if (hadFocus) document.getElementById(hadFocus)?.focus();
  markReady();
}

function authSection(d: OverviewData): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'auth-h' },
    h('h2', { id: 'auth-h' }, l10n.t('Authentication Configurations')),
    h(
      'p',
      { class: 'help' },
      l10n.t(
        "Per environment, the identity provider that issues this consumer's access tokens: the Choreo built-in one (Generate Keys) or an external one (Add Keys, in Configure).",
      ),
    ),
    h(
      'table',
      { class: 'grid' },
      h('caption', { class: 'visually-hidden' }, l10n.t('Authentication configuration per environment')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[l10n.t('Environment'), l10n.t('Identity provider'), l10n.t('Client ID'), l10n.t('State')].map((t) => h('th', { scope: 'col' }, t)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, l10n.t('Action'))),
        ),
      ),
      h(
        'tbody',
        {},
        ...d.environments.map((env) => {
          const a = d.authConfigurations.find((x) => x.environment === env.handle);
          return h(
            'tr',
            { 'data-environment': env.handle },
            h('th', { scope: 'row' }, env.name),
            h('td', {}, a ? a.identityProviderName : l10n.t('Choreo built-in (suggested)')),
            h('td', {}, a ? h('code', { class: 'wrap' }, a.clientId) : '—'),
            h('td', {}, authState(a)),
            h(
              'td',
              { class: 'cell-action' },
              a
                ? null
                : button(l10n.t('Generate Keys'), () => host.post({ type: 'generateKeys', environment: env.handle }), {
                    id: `generate-keys-${env.handle}`,
                    'aria-label': l10n.t`Generate Keys for ${env.name}`,
                  }),
              button(l10n.t('Configure'), () => host.post({ type: 'configure', environment: env.handle }), {
                secondary: true,
                id: `configure-${env.handle}`,
                'aria-label': l10n.t`Configure ${env.name}`,
              }),
            ),
          );
        }),
      ),
    ),
  );
}

function connectionsSection(d: OverviewData): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'connections-h' },
    h(
      'div',
      { class: 'section-header' },
      h('h2', { id: 'connections-h' }, l10n.t('Connections')),
      button(l10n.t('Create Connection'), () => host.post({ type: 'createConnection' }), { id: 'create-connection' }),
    ),
    d.connections.length
      ? h(
          'ul',
          { class: 'list' },
          ...d.connections.map((conn) =>
            h(
              'li',
              {},
              h(
                'div',
                {},
                h('strong', {}, conn.name),
                h('span', { class: 'muted' }, ` → ${conn.serviceProjectHandle}/${conn.serviceComponentName} · ${conn.endpointName}`),
                // Why calls now fail: the service's owners cut this connection off.
                conn.revoked
                  ? h(
                      'p',
                      { class: 'form-message error', id: `revoked-${conn.name}` },
                      l10n.t`Revoked by ${conn.revoked.by} of ${conn.revoked.byOrgHandle} on ${conn.revoked.at.replace('T', ' ').slice(0, 16)} UTC: the gateway refuses this connection's calls. Ask the service's owners.`,
                    )
                  : null,
              ),
              button(l10n.t('Insert Snippet'), () => host.post({ type: 'insertSnippet', connectionName: conn.name }), {
                secondary: true,
                id: `snippet-${conn.name}`,
                'aria-label': l10n.t`Insert Snippet for ${conn.name}`,
              }),
            ),
          ),
        )
      : h('p', { class: 'muted' }, l10n.t("No connections yet. A connection to a service endpoint lets this consumer's tokens through the gateway.")),
  );
}

host.post({ type: 'ready' });
