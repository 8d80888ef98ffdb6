import { dnsLabel, toDnsLabel } from '../../src/api/common';
import {
  CREATE_FORM,
  createExternalConsumerProtocol as protocol,
  type CreateExternalConsumerState,
  type ProjectChoice,
} from '../../src/webviews/createExternalConsumer/protocol';
import { CHECK_FIELDS } from '../../src/webviews/formErrors';
import { button, field, form, h, markReady, messageLine, replaceChildren, root, trackFieldErrors } from '../lib/dom';
import { connect } from '../lib/host';

let state: CreateExternalConsumerState = { ref: CREATE_FORM.value, displayName: '', name: '', nameEdited: false, description: '' };
let projects: ProjectChoice[] = [];

const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'init':
      projects = m.projects;
      if (m.selected) state.project = m.selected;
      if (!projects.some((p) => sameProject(p, state.project))) {
        state.project = projects[0] && { orgHandle: projects[0].orgHandle, projectHandle: projects[0].projectHandle };
      }
      render();
      return;
    case 'formError':
      showErrors(m.fields, m.message);
      return;
  }
});
state = host.savedState() ?? state;

const message = messageLine();
const displayName = field({
  id: 'displayName',
  label: 'Display Name',
  required: true,
  control: h('vscode-textfield', { placeholder: 'Stark Mobile App', maxLength: 100 }),
});
const name = field({
  id: 'name',
  label: 'Unique Name',
  required: true,
  help: 'Lower-case letters, digits and hyphens, starting and ending with a letter or digit. Derived from the display name; you can edit it.',
  control: h('vscode-textfield', { placeholder: 'stark-mobile-app', maxLength: 63 }),
});
const description = field({
  id: 'description',
  label: 'Description',
  control: h('vscode-textarea', { rows: 3, maxLength: 1000, placeholder: 'What this client is and who runs it' }),
});
const project = field({ id: 'project', label: 'Project', required: true, control: h('vscode-single-select') });
const fields = { displayName, name, description, project };
const errors = trackFieldErrors(fields, message);

displayName.control.addEventListener('input', () => {
  state.displayName = displayName.control.value;
  if (!state.nameEdited) {
    state.name = toDnsLabel(state.displayName);
    name.control.value = state.name;
    checkName();
  }
  displayName.setError();
  save();
});
name.control.addEventListener('input', () => {
  state.name = name.control.value;
  // Clearing the unique name hands it back to the display name.
  state.nameEdited = state.name !== '';
  checkName();
  save();
});
description.control.addEventListener('input', () => {
  state.description = description.control.value;
  save();
});
project.control.addEventListener('change', () => {
  const [orgHandle, projectHandle] = project.control.value.split('/');
  if (orgHandle && projectHandle) state.project = { orgHandle, projectHandle };
  project.setError();
  save();
});

function checkName(): void {
  if (!state.name) return name.setError();
  const r = dnsLabel.safeParse(state.name);
  name.setError(r.success ? undefined : r.error.issues[0]?.message);
}

function save(): void {
  host.saveState(state);
}

function sameProject(p: ProjectChoice, ref: CreateExternalConsumerState['project']): boolean {
  return !!ref && p.orgHandle === ref.orgHandle && p.projectHandle === ref.projectHandle;
}

function showErrors(fieldErrors: Record<string, string>, text: string): void {
  errors.show(fieldErrors, text);
  errors.focusFirst();
}

function create(): void {
  message.clear();
  if (!state.project) {
    showErrors({ project: 'Pick the project to create the external consumer in.' }, CHECK_FIELDS);
    return;
  }
  host.post({
    type: 'create',
    project: state.project,
    displayName: state.displayName,
    name: state.name,
    description: state.description,
  });
}

let rendered = false;
function render(): void {
  replaceChildren(
    project.control,
    ...projects.map((p) =>
      h('vscode-option', { value: `${p.orgHandle}/${p.projectHandle}`, description: p.orgName, selected: sameProject(p, state.project) }, p.projectName),
    ),
  );
  if (rendered) return;
  rendered = true;
  displayName.control.value = state.displayName;
  name.control.value = state.name;
  description.control.value = state.description;
  checkName();
  replaceChildren(
    root(),
    h('h1', {}, 'Create an External Consumer'),
    h(
      'p',
      { class: 'intro' },
      'An external consumer is any client hosted outside the platform: a mobile app, a web app, a server-to-server integration, a bot. ',
      'After Create, its Overview opens, where you manage its authentication per environment and connect it to services.',
    ),
    projects.length
      ? null
      : h('p', { class: 'form-message error', role: 'alert' }, 'There is no project yet. Create an organization and a project first (Choreo: Create Project).'),
    form(
      create,
      project.group,
      displayName.group,
      name.group,
      description.group,
      message.el,
      h('div', { class: 'actions' }, button('Create', create), button('Cancel', () => host.post({ type: 'cancel' }), { secondary: true })),
    ),
  );
  root().setAttribute('aria-busy', 'false');
  // Keyboard users land in the first field to fill.
  requestAnimationFrame(() => (state.displayName ? name.control : displayName.control).focus());
  markReady();
}

host.post({ type: 'ready' });
