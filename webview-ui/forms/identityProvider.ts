import type { Environment } from '../../src/api/organizations';
import { IdentityProviderRef } from '../../src/api/refs';
import { identityProviderProtocol as protocol, type IdentityProviderData } from '../../src/webviews/identityProvider/protocol';
import { button, h, linkButton, markReady, messageLine, pageHeader, replaceChildren, root } from '../lib/dom';
import { connect, pageRef } from '../lib/host';

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
  return button('Reload', () => host.post({ type: 'reload' }), { secondary: true, id: 'reload' });
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
      url ? button('Copy', () => host.post({ type: 'copy', text: url }), { secondary: true, 'aria-label': `Copy the ${label}` }) : null,
    ),
  ];
}

/** What the Refresh just done found: "Nothing changed", or a line per change. */
function refreshedNote(lines: string[]): HTMLElement {
  return h(
    'div',
    { class: 'note', id: 'refreshed', role: 'status' },
    lines.length ? h('strong', {}, 'Refreshed. What changed:') : h('strong', {}, 'Refreshed. Nothing changed.'),
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
        button('Refresh', () => host.post({ type: 'refresh' }), { id: 'refresh', 'aria-label': `Refresh ${p.name} from its Well-Known URL` }),
        button('Delete', () => host.post({ type: 'delete' }), { secondary: true, id: 'delete', 'aria-label': `Delete ${p.name}` }),
      );
  const uses = p.usedBy ?? [];
  replaceChildren(
    root(),
    pageHeader(p.name, builtIn ? 'Built-in identity provider' : 'External identity provider', actions),
    p.description ? h('p', { class: 'intro' }, p.description) : null,
    message.el,
    d.refreshed ? refreshedNote(d.refreshed) : null,
    h(
      'section',
      { 'aria-labelledby': 'details-h' },
      h('h2', { id: 'details-h' }, 'Details'),
      h(
        'dl',
        { class: 'details' },
        ...urlRow('Issuer', p.issuer, 'issuer'),
        ...urlRow('Token endpoint', p.tokenEndpoint, 'token-endpoint'),
        ...urlRow('JWKS URL', p.jwksUri, 'jwks-uri'),
        ...(builtIn ? [] : urlRow('Well-Known URL', p.wellKnownUrl, 'well-known-url')),
        ...(builtIn
          ? []
          : [
              h('dt', {}, 'Audiences'),
              h('dd', { id: 'audiences' }, p.audiences?.length ? p.audiences.join(', ') : 'This gateway\'s own URL (the default)'),
            ]),
        h('dt', {}, 'Environments'),
        h('dd', { id: 'environments' }, p.environments === 'all' ? `All environments (${d.environments.map((e) => e.name).join(', ')})` : p.environments.map(name).join(', ')),
        h('dt', {}, builtIn ? 'Created' : 'Refreshed'),
        h('dd', { id: 'refreshed-at' }, builtIn ? new Date(p.createdAt).toLocaleString() : p.refreshedAt ? new Date(p.refreshedAt).toLocaleString() : `Not since it was added (${new Date(p.createdAt).toLocaleString()})`),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'used-by-h' },
      h('h2', { id: 'used-by-h' }, 'Used by'),
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
                  linkButton(u.displayName, () => host.post({ type: 'openConsumer', index }), { 'aria-label': `Open ${u.displayName}` }),
                  h('span', { class: 'muted' }, [u.environment ? `keys in ${name(u.environment)}` : '', `project ${u.projectHandle}`].filter(Boolean).map((t) => ` · ${t}`).join('')),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted', id: 'used-by' }, builtIn ? 'No external consumer has generated keys yet.' : 'No external consumer\'s keys use this provider.'),
    ),
  );
  root().setAttribute('aria-busy', 'false');
  if (hadFocus) document.getElementById(hadFocus)?.focus();
  markReady();
}

host.post({ type: 'ready' });
