// First: the form's strings in VS Code's language, before any module's top level runs.
import '../lib/l10n';
import {
  CREATE_FORM,
  createExternalConsumerProtocol as protocol,
  type CreateExternalConsumerState,
  type ProjectChoice,
} from '../../src/webviews/createExternalConsumer/protocol';
import { CHECK_FIELDS } from '../../src/webviews/formErrors';
import { button, form, h, markReady, messageLine, replaceChildren, root, trackFieldErrors } from '../lib/dom';
import { connect } from '../lib/host';
import { namingFields, noProjectNotice } from '../lib/naming';
import * as l10n from '@vscode/l10n';

let state: CreateExternalConsumerState = { ref: CREATE_FORM.value, displayName: '', name: '', nameEdited: false, description: '' };
let projects: ProjectChoice[] = [];

const host = connect(protocol, (m) => {
  switch (m.type) {
    case 'init':
      projects = m.projects;
      naming.offer(projects, m.selected);
      render();
      return;
    case 'formError':
      showErrors(m.fields, m.message);
      return;
  }
});
state = host.savedState() ?? state;

const message = messageLine();
const naming = namingFields({
  state: () => state,
  save: () => host.saveState(state),
  placeholders: { displayName: l10n.t('Stark Mobile App'), name: 'stark-mobile-app', description: l10n.t('What this client is and who runs it') },
});
const { displayName, name, description, project } = naming;
const errors = trackFieldErrors({ displayName, name, description, project }, message);

function showErrors(fieldErrors: Record<string, string>, text: string): void {
  errors.show(fieldErrors, text);
  errors.focusFirst();
}

function create(): void {
  message.clear();
  if (!state.project) {
    showErrors({ project: l10n.t('Pick the project to create the external consumer in.') }, CHECK_FIELDS);
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
  if (rendered) return;
  rendered = true;
  naming.fill();
  replaceChildren(
    root(),
    h('h1', {}, l10n.t('Create an External Consumer')),
    h(
      'p',
      { class: 'intro' },
      l10n.t(
        'An external consumer is any client hosted outside the platform: a mobile app, a web app, a server-to-server integration, a bot. After Create, its Overview opens, where you manage its authentication per environment and connect it to services.',
      ),
    ),
    noProjectNotice(projects),
    form(
      create,
      project.group,
      displayName.group,
      name.group,
      description.group,
      message.el,
      h(
        'div',
        { class: 'actions' },
        button(l10n.t('Create'), create),
        button(l10n.t('Cancel'), () => host.post({ type: 'cancel' }), { secondary: true }),
      ),
    ),
  );
  root().setAttribute('aria-busy', 'false');
  // Keyboard users land in the first field to fill.
  requestAnimationFrame(() => (state.displayName ? name.control : displayName.control).focus());
  markReady();
}

host.post({ type: 'ready' });
