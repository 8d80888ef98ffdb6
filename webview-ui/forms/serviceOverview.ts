// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
/**
 * The Service Overview's endpoints: per endpoint its visibility (editable; a narrowing that connected consumers stand
 * in the way of is refused, naming each, with a link to it) and, per environment, the gateway URL (Copy) and the
 * upstream URL, editable in place (Save per field; an error lands under the field and what was typed stays, also
 * across a reload of the page), whether that URL answers from this machine, and the consumers connected to it (each
 * a link to its Overview). Per endpoint also its CORS setting (origins, methods, headers, credentials, max age), checked
 * with the API's rule before it is sent, each problem under its field.
 */
import type { ResourceUse } from '../../src/api/common';
import { httpUrl, Visibility } from '../../src/api/components';
import { CorsSetting } from '../../src/api/cors';
import type { ConnectedConsumer, Endpoint } from '../../src/api/components';
import { VISIBILITY_HELP } from '../../src/webviews/createService/protocol';
import type { HostConnection } from '../lib/host';
import {
  CORS_FIELDS,
  corsFieldId,
  overviewProtocol,
  upstreamFieldId,
  visibilityFieldId,
  type CorsField,
  type OverviewData,
} from '../../src/webviews/overview/protocol';
import { button, h, linkButton, type MessageLine } from '../lib/dom';
import { probeLine, type ProbeResult } from '../lib/probe';
import * as l10n from '@vscode/l10n';

type Answer =
  | ({ type: 'probed'; url: string } & ProbeResult)
  | { type: 'saved'; field: string }
  | { type: 'refused'; field: string; message: string; uses: ResourceUse[] }
  | { type: 'formError'; code: string; message: string; fields: Record<string, string> };

export interface ServicePage {
  endpoints(d: OverviewData): HTMLElement;
  /** Takes the host's answers that belong to the endpoints; says whether it did. */
  answer(m: Answer): boolean;
}

export function servicePage(host: HostConnection<typeof overviewProtocol>, message: MessageLine): ServicePage {
  /** What the user typed in an upstream field and has not saved: kept when the page is drawn again. */
  const drafts = new Map<string, string>();
  /** Each probed URL's answer, kept across redraws. */
  const probed = new Map<string, ProbeResult>();
  /** The field just saved: its note shows on the next draw too (the save also reloads the page). */
  let justSaved: string | undefined;
  const fields = new Map<
    string,
    { input: HTMLElement & { value: string }; error: HTMLElement; note: HTMLElement; probe?: ReturnType<typeof probeLine>; uses?: HTMLElement }
  >();

  function save(endpoint: string, environment: string): void {
    const f = fields.get(upstreamFieldId(endpoint, environment));
    if (!f) return;
    const url = f.input.value.trim();
    message.clear();
    if (url) {
      const r = httpUrl.safeParse(url);
      if (!r.success) return showError(upstreamFieldId(endpoint, environment), r.error.issues[0]?.message ?? l10n.t('Enter an http or https URL.'));
    }
    host.post({ type: 'saveUpstream', endpoint, environment, url });
  }

  function showError(id: string, text: string | undefined): void {
    const f = fields.get(id);
    if (!f) return;
    f.error.textContent = text ?? '';
    f.error.hidden = !text;
    if (text) {
      f.input.setAttribute('invalid', '');
      f.note.hidden = true;
      f.input.focus();
    } else {
      f.input.removeAttribute('invalid');
      f.uses?.replaceChildren();
    }
  }

  function openLink(c: { orgHandle: string; projectHandle: string; name: string; displayName: string }): HTMLElement {
    const label = c.displayName || c.name;
    return linkButton(
      label,
      () => host.post({ type: 'openConsumer', consumer: { orgHandle: c.orgHandle, projectHandle: c.projectHandle, componentName: c.name } }),
      {
        'aria-label': l10n.t`Open the Overview of ${label}`,
      },
    );
  }

  function visibilityRow(ep: Endpoint): HTMLElement[] {
    const id = visibilityFieldId(ep.name);
    const chosen = Visibility.safeParse(drafts.get(id)).data ?? ep.visibility;
    const select = h(
      'vscode-single-select',
      { id, 'aria-describedby': `${id}-help ${id}-error` },
      ...Visibility.options.map((o) => h('vscode-option', { value: o, description: VISIBILITY_HELP[o], selected: o === chosen }, o)),
    ) as HTMLElement & { value: string };
    (select as unknown as { label: string }).label = l10n.t`Visibility of ${ep.name}`;
    const help = h('p', { class: 'help', id: `${id}-help` }, VISIBILITY_HELP[chosen]);
    const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    error.hidden = true;
    const uses = h('ul', { class: 'list uses', id: `${id}-uses` });
    const note = h('p', { class: 'help', id: `${id}-saved`, role: 'status' }, l10n.t('Saved. The gateway applies it from the next call on.'));
    note.hidden = justSaved !== id;
    select.addEventListener('change', () => {
      const v = Visibility.safeParse(select.value);
      if (!v.success) return;
      if (v.data === ep.visibility) drafts.delete(id);
      else drafts.set(id, v.data);
      help.textContent = VISIBILITY_HELP[v.data];
      showError(id, undefined);
      note.hidden = true;
    });
    fields.set(id, { input: select, error, note, uses });
    const save = () => {
      const v = Visibility.safeParse(select.value);
      if (v.success) host.post({ type: 'saveVisibility', endpoint: ep.name, visibility: v.data });
    };
    return [
      h(
        'div',
        { class: 'url-row' },
        h('vscode-label', { for: id, class: 'url-label' }, l10n.t('Visibility')),
        h('div', { class: 'grow' }, select),
        button(l10n.t('Save'), save, { id: `save-${id}`, secondary: true, 'aria-label': l10n.t`Save the visibility of ${ep.name}` }),
      ),
      h('div', { class: 'url-notes' }, help, error, uses, note),
    ];
  }

  /** A list typed in one field: split at commas and spaces. */
  const listOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

  /** The CORS setting of an endpoint: what browsers may call it from, each part a field, one Save for them all. */
  function corsRows(ep: Endpoint): HTMLElement[] {
    const id = (part: CorsField) => corsFieldId(ep.name, part);
    const whole = corsFieldId(ep.name);
    const note = h('p', { class: 'help', id: `${whole}-saved`, role: 'status' }, l10n.t('Saved. The gateway answers browsers with it from the next call on.'));
    note.hidden = justSaved !== whole;
    const saved: Record<CorsField, string> = {
      allowOrigins: ep.cors.allowOrigins.join(', '),
      allowMethods: ep.cors.allowMethods.join(', '),
      allowHeaders: ep.cors.allowHeaders.join(', '),
      allowCredentials: String(ep.cors.allowCredentials),
      maxAge: String(ep.cors.maxAge),
    };
    const labels: Record<CorsField, string> = {
      allowOrigins: l10n.t('Allowed origins'),
      allowMethods: l10n.t('Allowed methods'),
      allowHeaders: l10n.t('Allowed headers'),
      allowCredentials: l10n.t('Allow credentials'),
      maxAge: l10n.t('Max age (seconds)'),
    };
    const help: Partial<Record<CorsField, string>> = {
      allowOrigins: l10n.t('* for any web page, or the origins of your app, such as https://app.example.com, http://localhost:3000.'),
      allowHeaders: l10n.t('Request headers a page may send besides the simple ones, such as authorization, Content-Type.'),
      allowCredentials: l10n.t('Cookies and HTTP authentication go with the calls; needs the origins listed, not *.'),
    };
    const rows: HTMLElement[] = [];
    const controls = {} as Record<CorsField, HTMLElement & { value: string; checked?: boolean }>;
    for (const part of CORS_FIELDS) {
      const fid = id(part);
      const draft = drafts.get(fid);
      const error = h('p', { class: 'field-error', id: `${fid}-error`, role: 'alert' });
      error.hidden = true;
      const helpLine = help[part] ? h('p', { class: 'help', id: `${fid}-help` }, help[part]) : null;
      let control: HTMLElement & { value: string; checked?: boolean };
      const edited = (value: string) => {
        if (value === saved[part]) drafts.delete(fid);
        else drafts.set(fid, value);
        showError(fid, undefined);
        note.hidden = true;
      };
      if (part === 'allowCredentials') {
        control = h('vscode-checkbox', {
          id: fid,
          label: labels[part],
          checked: (draft ?? saved[part]) === 'true',
          'aria-describedby': `${fid}-help ${fid}-error`,
        }) as typeof control;
        control.addEventListener('change', () => edited(String(control.checked === true)));
      } else {
        control = h('vscode-textfield', { id: fid, maxLength: 2000, 'aria-describedby': `${fid}-help ${fid}-error` }) as typeof control;
        control.value = draft ?? saved[part];
        (control as unknown as { label: string }).label = l10n.t`${labels[part]} of ${ep.name}`;
        control.addEventListener('input', () => edited(control.value));
        control.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter') save();
        });
      }
      controls[part] = control;
      fields.set(fid, { input: control, error, note });
      rows.push(
        h(
          'div',
          { class: 'url-row' },
          part === 'allowCredentials' ? h('span', { class: 'url-label' }) : h('vscode-label', { for: fid, class: 'url-label' }, labels[part]),
          h('div', { class: 'grow' }, control),
        ),
        h('div', { class: 'url-notes' }, helpLine, error),
      );
    }
    fields.set(whole, { input: controls.allowOrigins, error: h('p', { hidden: true }), note });
    /** Checks the setting with the API's rule here first, so each problem shows under its field at once. */
    const save = () => {
      message.clear();
      const maxAge = controls.maxAge.value.trim();
      if (!/^\d+$/.test(maxAge)) return showError(id('maxAge'), l10n.t('Max age: enter whole seconds.'));
      const cors = {
        allowOrigins: listOf(controls.allowOrigins.value),
        allowMethods: listOf(controls.allowMethods.value).map((m) => m.toUpperCase()),
        allowHeaders: listOf(controls.allowHeaders.value),
        allowCredentials: controls.allowCredentials.checked === true,
        maxAge: Number(maxAge),
      };
      const r = CorsSetting.safeParse(cors);
      if (!r.success) {
        const shown = new Set<string>();
        for (const issue of r.error.issues) {
          const part = CORS_FIELDS.find((f) => f === issue.path[0]);
          if (part && !shown.has(part)) {
            shown.add(part);
            showError(id(part), issue.message);
          }
        }
        return;
      }
      host.post({ type: 'saveCors', endpoint: ep.name, cors });
    };
    return [
      h('h4', {}, l10n.t('CORS')),
      ...rows,
      h(
        'div',
        { class: 'url-row' },
        h('span', { class: 'url-label' }),
        button(l10n.t('Save CORS'), save, { id: `save-${whole}`, secondary: true, 'aria-label': l10n.t`Save the CORS setting of ${ep.name}` }),
      ),
      h('div', { class: 'url-notes' }, note),
    ];
  }

  function upstreamRow(ep: Endpoint, env: OverviewData['environments'][number]): HTMLElement {
    const id = upstreamFieldId(ep.name, env.handle);
    const saved = ep.upstreamUrls[env.handle] ?? '';
    const gateway = ep.gatewayUrls[env.handle];
    const input = h('vscode-textfield', {
      id,
      placeholder: 'http://localhost:8080',
      maxLength: 2000,
      'aria-describedby': `${id}-error ${id}-probe`,
    }) as HTMLElement & { value: string };
    input.value = drafts.get(id) ?? saved;
    (input as unknown as { label: string }).label = l10n.t`Upstream URL of ${ep.name} in ${env.name}`;
    const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    error.hidden = true;
    const note = h('p', { class: 'help', id: `${id}-saved`, role: 'status' }, l10n.t('Saved. The gateway calls this URL from the next call on.'));
    note.hidden = justSaved !== id;
    const probe = probeLine(`${id}-probe`);
    const answer = probed.get(input.value.trim());
    if (answer) probe.show(answer);
    input.addEventListener('input', () => {
      if (input.value === saved) drafts.delete(id);
      else drafts.set(id, input.value);
      showError(id, undefined);
      note.hidden = true;
      probe.clear();
    });
    input.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') save(ep.name, env.handle);
    });
    fields.set(id, { input, error, note, probe });
    return h(
      'div',
      { class: 'environment-urls', 'data-endpoint': ep.name, 'data-environment': env.handle },
      h('h4', {}, env.name),
      h(
        'div',
        { class: 'url-row' },
        h('span', { class: 'url-label' }, l10n.t('Gateway URL')),
        gateway ? h('code', { class: 'wrap grow', id: `gateway-${ep.name}-${env.handle}` }, gateway) : h('span', { class: 'muted grow' }, '—'),
        gateway
          ? button(l10n.t('Copy'), () => host.post({ type: 'copy', text: gateway }), {
              secondary: true,
              'aria-label': l10n.t`Copy the gateway URL of ${ep.name} in ${env.name}`,
            })
          : null,
      ),
      h(
        'div',
        { class: 'url-row' },
        h('vscode-label', { for: id, class: 'url-label' }, l10n.t('Upstream URL')),
        h('div', { class: 'grow' }, input),
        button(l10n.t('Save'), () => save(ep.name, env.handle), {
          id: `save-${id}`,
          secondary: true,
          'aria-label': l10n.t`Save the upstream URL of ${ep.name} in ${env.name}`,
        }),
      ),
      h('div', { class: 'url-notes' }, error, note, probe.el),
    );
  }

  function consumersOf(ep: Endpoint, d: OverviewData): HTMLElement {
    if (d.connectedConsumersError) return h('p', { class: 'form-message error' }, d.connectedConsumersError);
    const list = (d.connectedConsumers ?? []).filter((c) => c.endpointName === ep.name);
    if (!list.length) return h('p', { class: 'muted' }, l10n.t('No external consumer is connected to this endpoint yet.'));
    return h('ul', { class: 'list', id: `consumers-${ep.name}` }, ...list.map((c) => consumerItem(c, d)));
  }

  function consumerItem(c: ConnectedConsumer, d: OverviewData): HTMLElement {
    const elsewhere = c.consumer.orgHandle !== d.component.orgHandle ? `${c.consumer.orgHandle} / ${c.consumer.projectHandle}` : c.consumer.projectHandle;
    return h(
      'li',
      {},
      h(
        'div',
        {},
        openLink(c.consumer),
        h('span', { class: 'muted' }, ` · ${elsewhere} · connection ${c.connectionName}`),
        c.revoked ? h('span', { class: 'muted' }, ` · revoked by ${c.revoked.by} on ${c.revoked.at.slice(0, 10)}`) : null,
      ),
      c.revoked
        ? null
        : button(l10n.t('Revoke'), () => host.post({ type: 'revokeConnection', connectionId: c.connectionId }), {
            secondary: true,
            id: `revoke-${c.connectionId}`,
            'aria-label': l10n.t`Revoke the connection ${c.connectionName} of ${c.consumer.name}`,
          }),
    );
  }

  return {
    endpoints(d) {
      fields.clear();
      const endpoints = d.component.endpoints ?? [];
      const section = h(
        'section',
        { 'aria-labelledby': 'endpoints-h' },
        h('h2', { id: 'endpoints-h' }, l10n.t('Endpoints')),
        endpoints.length ? null : h('p', { class: 'muted' }, l10n.t('This service has no endpoints.')),
        ...endpoints.map((ep) =>
          h(
            'div',
            { class: 'endpoint-card', id: `endpoint-${ep.name}` },
            h('h3', {}, l10n.t`Endpoint ${ep.name}`),
            ...visibilityRow(ep),
            ...d.environments.map((env) => upstreamRow(ep, env)),
            ...corsRows(ep),
            h('h4', {}, l10n.t('Connected consumers')),
            consumersOf(ep, d),
          ),
        ),
      );
      justSaved = undefined;
      return section;
    },
    answer(m) {
      switch (m.type) {
        case 'probed':
          probed.set(m.url, m);
          for (const f of fields.values()) if (f.probe && f.input.value.trim() === m.url) f.probe.show(m);
          return true;
        case 'refused': {
          const f = fields.get(m.field);
          if (!f) return false;
          showError(m.field, m.message);
          f.uses?.replaceChildren(
            ...m.uses.map((u) =>
              h(
                'li',
                {},
                h(
                  'div',
                  {},
                  openLink({ orgHandle: u.orgHandle, projectHandle: u.projectHandle, name: u.componentName, displayName: u.displayName }),
                  h('span', { class: 'muted' }, ` · ${u.projectHandle}${u.connectionName ? ` · connection ${u.connectionName}` : ''}`),
                ),
              ),
            ),
          );
          return true;
        }
        case 'saved': {
          drafts.delete(m.field);
          justSaved = m.field;
          const f = fields.get(m.field);
          if (f) f.note.hidden = false;
          return true;
        }
        case 'formError': {
          const onField = Object.entries(m.fields).filter(([id]) => fields.has(id));
          if (!onField.length) return false;
          for (const [id, text] of onField) showError(id, text);
          return true;
        }
      }
    },
  };
}
