// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import type { Environment } from '../../src/api/organizations';
import { IdentityProviderRef } from '../../src/api/refs';
import { identityProviderProtocol as protocol, type IdentityProviderData } from '../../src/webviews/identityProvider/protocol';
import { button, h, linkButton, markReady, messageLine, pageHeader, replaceChildren, root } from '../lib/dom';
import { connect, pageRef } from '../lib/host';
import * as l10n from '@vscode/l10n';

let loaded = false;
const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'data':
      render(m);
      return;
    case 'formError':
      message.show(m.message);
      root().setAttribute('aria-busy', 'false');
      if (!loaded) replaceChildren(root(), h('h1', {}, 'Identity Provider'), message.el, reloadButton());
      return;
  }
});
const ref = host.savedState()?.ref ?? pageRef(IdentityProviderRef);
if (ref) host.saveState({ ref });
const message = messageLine();

function reloadButton(): HTMLElement {
  return button(l10n.t('Reload'), () => host.post({ type: 'reload' }), { secondary: true, id: 'reload' });
}

const envNames = (environments: Environment[]) => new Map(environments.map((e) => [e.handle, e.name]));

/** A URL the page shows, with a Copy button beside it. */
function urlRow(label: string, url: string | undefined, id: string): HTMLElement[] {
  return [
    h('dt', {}, label),
    h(
      'dd',
      { class: 'inline' },
      url ? h('code', { class: 'wrap', id }, url) : '—',
      url ? button(l10n.t('Copy'), () => host.post({ type: 'copy', text: url }), { secondary: true, 'aria-label': l10n.t`Copy the ${label}` }) : null,
    ),
  ];
}

/** What the Refresh just done found: "Nothing changed", or a line per change. */
function refreshedNote(lines: string[]): HTMLElement {
  return h(
    'div',
    { class: 'note', id: 'refreshed', role: 'status' },
    lines.length ? h('strong', {}, l10n.t('Refreshed. What changed:')) : h('strong', {}, l10n.t('Refreshed. Nothing changed.')),
    lines.length ? h('ul', {}, ...lines.map((l) => h('li', {}, l))) : null,
  );
}

function render(d: IdentityProviderData): void {
  const p = d.provider;
  const builtIn = p.kind === 'built-in';
  const names = envNames(d.environments);
  const name = (handle: string) => names.get(handle) ?? handle;
  const hadFocus = document.activeElement?.id;
  loaded = true;
  message.clear();
  const actions = builtIn
    ? reloadButton()
    : h(
        'div',
        { class: 'inline' },
        button(l10n.t('Refresh'), () => host.post({ type: 'refresh' }), { id: 'refresh', 'aria-label': l10n.t`Refresh ${p.name} from its Well-Known URL` }),
        button(l10n.t('Delete'), () => host.post({ type: 'delete' }), { secondary: true, id: 'delete', 'aria-label': l10n.t`Delete ${p.name}` }),
      );
  const uses = p.usedBy ?? [];
  replaceChildren(
    root(),
    pageHeader(p.name, builtIn ? l10n.t('Built-in identity provider') : l10n.t('External identity provider'), actions),
    p.description ? h('p', { class: 'intro' }, p.description) : null,
    message.el,
    d.refreshed ? refreshedNote(d.refreshed) : null,
    h(
      'section',
      { 'aria-labelledby': 'details-h' },
      h('h2', { id: 'details-h' }, l10n.t('Details')),
      h(
        'dl',
        { class: 'details' },
        ...urlRow(l10n.t('Issuer'), p.issuer, 'issuer'),
        ...urlRow(l10n.t('Token endpoint'), p.tokenEndpoint, 'token-endpoint'),
        ...urlRow('JWKS URL', p.jwksUri, 'jwks-uri'),
        ...(builtIn ? [] : urlRow(l10n.t('Well-Known URL'), p.wellKnownUrl, 'well-known-url')),
        ...(builtIn
          ? []
          : [
              h('dt', {}, l10n.t('Audiences')),
              h('dd', { id: 'audiences' }, p.audiences?.length ? p.audiences.join(', ') : l10n.t("This gateway's own URL (the default)")),
            ]),
        h('dt', {}, l10n.t('Environments')),
        h(
          'dd',
          { id: 'environments' },
          p.environments === 'all' ? l10n.t`All environments (${d.environments.map((e) => e.name).join(', ')})` : p.environments.map(name).join(', '),
        ),
        h('dt', {}, builtIn ? l10n.t('Created') : l10n.t('Refreshed')),
        h(
          'dd',
          { id: 'refreshed-at' },
          builtIn
            ? new Date(p.createdAt).toLocaleString()
            : p.refreshedAt
              ? new Date(p.refreshedAt).toLocaleString()
              : l10n.t`Not since it was added (${new Date(p.createdAt).toLocaleString()})`,
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'used-by-h' },
      h('h2', { id: 'used-by-h' }, l10n.t('Used by')),
      uses.length
        ? h(
            'ul',
            { class: 'list', id: 'used-by' },
            ...uses.map((u, index) =>
              h(
                'li',
                {},
                h(
                  'div',
                  {},
                  linkButton(u.displayName, () => host.post({ type: 'openConsumer', index }), { 'aria-label': l10n.t`Open ${u.displayName}` }),
                  h(
                    'span',
                    { class: 'muted' },
                    [u.environment ? `keys in ${name(u.environment)}` : '', `project ${u.projectHandle}`]
                      .filter(Boolean)
                      .map((t) => ` · ${t}`)
                      .join(''),
                  ),
                ),
              ),
            ),
          )
        : h(
            'p',
            { class: 'muted', id: 'used-by' },
            builtIn ? l10n.t('No external consumer has generated keys yet.') : l10n.t("No external consumer's keys use this provider."),
          ),
    ),
  );
  root().setAttribute('aria-busy', 'false');
  if (hadFocus) document.getElementById(hadFocus)?.focus();
  markReady();
}

host.post({ type: 'ready' });
