/**
 * The Configure form's "Key settings" section, for keys of the built-in identity provider: grant types, callback and
 * post-logout redirect URLs, public client, PKCE and the four expiry times, in Choreo's words, with the issuer's
 * endpoints an app that signs people in is configured with. Labels, defaults and bounds come from the API's
 * keySettings.ts; every edit goes into the draft (the form's saved state) at once, so nothing typed is lost to an
 * error, a reload or a hidden panel.
 */
import { EXPIRY, GRANT_TYPES, type ExpiryName, type GrantType, type KeySettings } from '../../src/api/keySettings';
import { PROVIDER_ENDPOINTS, type KeySettingsDraft } from '../../src/webviews/configureAuthentication/protocol';
import { button, field, h, linkButton, type Field } from '../lib/dom';
import * as l10n from '@vscode/l10n';

/** The API's GRANT_TYPE_LABELS and EXPIRY labels in VS Code's language (src/api stays English: the server's messages
 * use them); the types keep one label per grant and per expiry time. */
const GRANT_LABELS: Record<GrantType, string> = {
  client_credentials: l10n.t('Client Credentials'),
  authorization_code: l10n.t('Authorization Code'),
  refresh_token: l10n.t('Refresh Token'),
};
const EXPIRY_LABELS: Record<ExpiryName, string> = {
  applicationAccessToken: l10n.t('Application access token expiry time'),
  userAccessToken: l10n.t('User access token expiry time'),
  refreshToken: l10n.t('Refresh token expiry time'),
  idToken: l10n.t('ID token expiry time'),
};
/** The names of PROVIDER_ENDPOINTS, as the form shows them. */
const ENDPOINT_LABELS: Record<(typeof PROVIDER_ENDPOINTS)[number][0], string> = {
  Authorize: l10n.t('Authorize'),
  Token: l10n.t('Token'),
  Revoke: l10n.t('Revoke'),
  UserInfo: l10n.t('UserInfo'),
  Logout: l10n.t('Logout'),
  Discovery: l10n.t('Discovery'),
};

export function draftOf(s: KeySettings): KeySettingsDraft {
  const expiry = Object.fromEntries(Object.keys(EXPIRY).map((k) => [k, String(s.expiry[k as ExpiryName])])) as KeySettingsDraft['expiry'];
  return {
    grantTypes: [...s.grantTypes],
    callbackUrls: [...s.callbackUrls],
    postLogoutRedirectUrls: [...s.postLogoutRedirectUrls],
    publicClient: s.publicClient,
    pkceRequired: s.pkceRequired,
    expiry,
  };
}

type Checkbox = HTMLElement & { checked: boolean };

export interface KeySettingsSection {
  readonly el: HTMLElement;
  /** The section's fields by the API's paths (`grantTypes`, `callbackUrls.1`, `expiry.idToken`): where errors land. */
  readonly fields: Record<string, Field>;
}

export function keySettingsSection(o: {
  draft: KeySettingsDraft;
  issuer: string;
  /** Called with the draft after every edit. */
  onEdit(draft: KeySettingsDraft): void;
  onSave(draft: KeySettingsDraft): void;
  /** Called when a list grew or shrank: the form draws the section again (its fields are new). */
  onRedraw(): void;
}): KeySettingsSection {
  const d = o.draft;
  const fields: Record<string, Field> = {};
  const edited = () => o.onEdit(d);

  const grants = field({
    id: 'ks-grantTypes',
    label: l10n.t('Grant types'),
    control: h(
      'vscode-checkbox-group',
      { variant: 'vertical' },
      ...GRANT_TYPES.map((g: GrantType) =>
        h('vscode-checkbox', {
          id: `ks-grant-${g}`,
          label: GRANT_LABELS[g],
          checked: d.grantTypes.includes(g),
          onchange: (e: Event) => {
            const on = (e.target as Checkbox).checked;
            d.grantTypes = GRANT_TYPES.filter((x) => (x === g ? on : d.grantTypes.includes(x)));
            grants.setError();
            edited();
          },
        }),
      ),
    ),
    help: l10n.t(
      'Authorization Code signs people in (web, single-page and native apps); Refresh Token goes with it. Client Credentials is for apps that call as themselves.',
    ),
  });
  fields.grantTypes = grants;

  const urlList = (key: 'callbackUrls' | 'postLogoutRedirectUrls', label: string, one: string, help: string, placeholder: string) => {
    const rows = d[key].map((value, i) => {
      const f = field({ id: `ks-${key}-${i}`, label: `${one} ${i + 1}`, control: h('vscode-textfield', { placeholder, maxLength: 2048, class: 'grow' }) });
      f.control.value = value;
      f.control.addEventListener('input', () => {
        d[key][i] = f.control.value;
        f.setError();
        list.setError();
        edited();
      });
      f.control.after(
        linkButton(
          l10n.t('Remove'),
          () => {
            d[key].splice(i, 1);
            edited();
            o.onRedraw();
          },
          { id: `ks-${key}-${i}-remove`, 'aria-label': l10n.t`Remove ${one.toLowerCase()} ${i + 1}` },
        ),
      );
      fields[`${key}.${i}`] = f;
      return f.group;
    });
    const add = linkButton(
      l10n.t`Add ${one}`,
      () => {
        d[key].push('');
        edited();
        o.onRedraw();
        document.getElementById(`ks-${key}-${d[key].length - 1}`)?.focus();
      },
      { id: `ks-${key}-add` },
    );
    const list = field({ id: `ks-${key}`, label, control: h('div', { class: 'url-list' }, ...rows, add), help });
    fields[key] = list;
    return list.group;
  };

  const checkbox = (key: 'publicClient' | 'pkceRequired', label: string, text: string, help: string) => {
    const f = field({
      id: `ks-${key}`,
      label,
      help,
      // The field's label goes on its control: the checkbox, which says what ticking it does, sits inside.
      control: h(
        'div',
        { class: 'checkbox' },
        h('vscode-checkbox', {
          id: `ks-${key}-box`,
          label: text,
          checked: d[key],
          onchange: (e: Event) => {
            d[key] = (e.target as Checkbox).checked;
            f.setError();
            edited();
          },
        }),
      ),
    });
    fields[key] = f;
    return f.group;
  };

  const expiry = (Object.keys(EXPIRY) as ExpiryName[]).map((name) => {
    const { default: byDefault, min, max } = EXPIRY[name];
    const label = EXPIRY_LABELS[name];
    const f = field({
      id: `ks-expiry-${name}`,
      label: l10n.t`${label} (seconds)`,
      help: l10n.t`${min}–${max}; ${byDefault} by default.`,
      control: h('vscode-textfield', { inputmode: 'numeric', maxLength: 9 }),
    });
    f.control.value = d.expiry[name];
    f.control.addEventListener('input', () => {
      d.expiry[name] = f.control.value;
      f.setError();
      edited();
    });
    fields[`expiry.${name}`] = f;
    return f.group;
  });

  const endpoints = h(
    'dl',
    { class: 'details', id: 'ks-endpoints' },
    ...PROVIDER_ENDPOINTS.flatMap(([name, path]) => [h('dt', {}, ENDPOINT_LABELS[name]), h('dd', {}, h('code', { class: 'wrap' }, o.issuer + path))]),
  );

  const el = h(
    'section',
    { class: 'key-settings', 'aria-labelledby': 'ks-h' },
    h('h2', { id: 'ks-h' }, l10n.t('Key settings')),
    h(
      'p',
      { class: 'help' },
      l10n.t(
        'How apps that sign people in may use these keys. Saved settings apply to the next sign-in and token; existing tokens keep working until they expire.',
      ),
    ),
    grants.group,
    urlList(
      'callbackUrls',
      l10n.t('Callback URLs'),
      l10n.t('Callback URL'),
      l10n.t(
        "Where a sign-in may return to, matched exactly: https, http on 127.0.0.1, [::1] or localhost (any port on a loopback address), or a native app's scheme such as com.example.app:/callback.",
      ),
      'https://app.example.com/callback',
    ),
    urlList(
      'postLogoutRedirectUrls',
      l10n.t('Post-logout redirect URLs'),
      l10n.t('Logout URL'),
      l10n.t('Where signing out may return to, matched exactly.'),
      'https://app.example.com/',
    ),
    checkbox(
      'publicClient',
      l10n.t('Public client'),
      l10n.t('Allow authentication without the client secret'),
      l10n.t('For browser and native apps, which cannot keep a secret. They must use PKCE, and cannot use Client Credentials.'),
    ),
    checkbox('pkceRequired', l10n.t('PKCE'), l10n.t('Mandatory'), l10n.t('Every authorization code needs a PKCE code challenge (S256 only).')),
    h('div', { class: 'expiry' }, ...expiry),
    h(
      'div',
      { class: 'actions' },
      button(l10n.t('Save'), () => o.onSave(d), { id: 'save-key-settings' }),
    ),
    h('h3', {}, l10n.t('Endpoints')),
    endpoints,
  );
  return { el, fields };
}
