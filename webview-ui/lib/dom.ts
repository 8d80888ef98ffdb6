import * as l10n from '@vscode/l10n';
/** A few DOM helpers: the forms are small enough that plain elements beat a framework in bundle size and start time. */

type Child = Node | string | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props, ...children: Child[]): HTMLElement;
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'value' || key === 'label') {
      (el as unknown as Record<string, unknown>)[key] = value;
      if (key === 'value') el.setAttribute('value', String(value));
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function root(): HTMLElement {
  const main = document.getElementById('root');
  if (!main) throw new Error(l10n.t('The page has no #root.'));
  return main;
}

export interface Field {
  readonly group: HTMLElement;
  readonly control: HTMLElement & { value: string; invalid?: boolean };
  setError(message?: string): void;
  /** Whether an error shows under the field now. */
  readonly hasError: boolean;
  /** Called each time the field's error is cleared. */
  onCleared(listener: () => void): void;
}

/**
 * A labelled field with its help line and an error line. The label names the control for screen readers
 * (vscode-label sets the inner input's aria-label); the error line is a live region, so it is read out when it appears.
 */
export function field(o: { id: string; label: string; control: HTMLElement; help?: string; required?: boolean }): Field {
  const control = o.control as Field['control'];
  control.id = o.id;
  (control as unknown as { label: string }).label = o.label;
  const error = h('p', { class: 'field-error', id: `${o.id}-error`, role: 'alert' });
  error.hidden = true;
  const group = h(
    'div',
    { class: 'field' },
    h('vscode-label', { for: o.id, required: o.required }, o.label),
    control,
    o.help ? h('p', { class: 'help', id: `${o.id}-help` }, o.help) : null,
    error,
  );
  const listeners: (() => void)[] = [];
  const f = {
    group,
    control,
    setError(message?: string) {
      error.textContent = message ?? '';
      error.hidden = !message;
      if (message) control.setAttribute('invalid', '');
      else control.removeAttribute('invalid');
      if (!message) listeners.forEach((l) => l());
    },
    get hasError() {
      return !error.hidden;
    },
    onCleared: (l: () => void) => listeners.push(l),
  };
  return f;
}

export interface FieldErrors {
  /** Puts each message under its field (clearing the others) and `text` on the form's message line. */
  show(errors: Readonly<Record<string, string | undefined>>, text: string): void;
  focusFirst(): void;
  /** A form error from the host: on the fields and the line (what was typed stays), focus on the first field marked. */
  answer(error: { fields: Readonly<Record<string, string>>; message: string }, loaded: boolean, title: string): void;
}

/**
 * The errors of a form's fields and the line that speaks for them: once the last marked field is valid again (edited,
 * or filled in by the form itself), the line "Check the marked fields." goes too, instead of staying red.
 */
export function trackFieldErrors(fields: Readonly<Record<string, Field>>, message: MessageLine): FieldErrors {
  let aboutFields = false;
  for (const f of Object.values(fields)) {
    f.onCleared(() => {
      if (aboutFields && !Object.values(fields).some((x) => x.hasError)) {
        aboutFields = false;
        message.clear();
      }
    });
  }
  return {
    show(errors, text) {
      aboutFields = false;
      for (const [key, f] of Object.entries(fields)) f.setError(errors[key]);
      aboutFields = Object.values(fields).some((x) => x.hasError);
      message.show(text);
    },
    focusFirst() {
      Object.values(fields)
        .find((f) => f.hasError)
        ?.control.focus();
    },
    answer(error, loaded, title) {
      this.show(error.fields, error.message);
      showFormError(message, error.message, loaded, title);
      this.focusFirst();
    },
  };
}

/** A page's form: submitting never navigates the webview, and Enter in a one-line field submits, as in any form. */
export function form(onSubmit: () => void, ...children: Child[]): HTMLFormElement {
  return h(
    'form',
    {
      class: 'form',
      onsubmit: (e: Event) => e.preventDefault(),
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' && (e.target as Element).localName === 'vscode-textfield') onSubmit();
      },
    },
    ...children,
  );
}

/** The heading of a form about one resource: title and subtitle on the left, one action (a link or button) on the right. */
export function pageHeader(title: string, subtitle: string, action: HTMLElement): HTMLElement {
  return h('header', { class: 'page-header' }, h('div', {}, h('h1', {}, title), h('p', { class: 'subtitle' }, subtitle)), action);
}

export interface MessageLine {
  readonly el: HTMLElement;
  show(text: string, kind?: 'error' | 'info'): void;
  clear(): void;
}

/**
 * A form error from the host, on the form's message line. A form whose data never arrived has nothing else to show,
 * so the page becomes its title and that line; either way the page is no longer busy loading.
 */
export function showFormError(message: MessageLine, text: string, loaded: boolean, title: string): void {
  message.show(text);
  if (!loaded) replaceChildren(root(), h('h1', {}, title), message.el);
  root().setAttribute('aria-busy', 'false');
}

/** The form-level message line (errors and notices), a live region. */
export function messageLine(): MessageLine {
  const el = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  el.hidden = true;
  return {
    el,
    show(text, kind = 'error') {
      el.textContent = text;
      el.className = `form-message ${kind}`;
      el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      el.hidden = false;
    },
    clear() {
      el.hidden = true;
      el.textContent = '';
    },
  };
}

/** Marks the form interactive: its data drawn, its handlers in place. Tests wait for `data-ready`; the first time also
 * leaves the performance mark `choreo.interactive`, which the forms bench reads to time a command to this moment. */
export function markReady(): void {
  if (document.body.dataset.ready !== 'true') performance.mark('choreo.interactive');
  document.body.dataset.ready = 'true';
}

export function setBusy(busy: boolean): void {
  document.body.toggleAttribute('data-busy', busy);
  root().setAttribute('aria-busy', String(busy));
  for (const b of document.querySelectorAll<HTMLElement>('vscode-button[data-action]')) {
    b.toggleAttribute('disabled', busy);
  }
}

/** A text link that is a real button: reachable with Tab, activated with Enter or Space. */
export function linkButton(text: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'link', onclick: onClick, ...props }, text);
}

export function button(text: string, onClick: () => void, props: Props = {}): HTMLElement {
  return h('vscode-button', { 'data-action': '', onclick: onClick, ...props }, text);
}
