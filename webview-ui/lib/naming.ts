/**
 * The fields every Create form of a component starts with (Create External Consumer, Create Service): the project,
 * the display name, the unique name derived from it as the user types (until they edit it themselves) and the
 * description, each kept in the form's saved state.
 */
import { dnsLabel, toDnsLabel } from '../../src/api/common';
import type { NamingState, ProjectChoice } from '../../src/webviews/createExternalConsumer/protocol';
import { field, h, replaceChildren, type Field } from './dom';
import * as l10n from '@vscode/l10n';

export interface NamingFields {
  readonly displayName: Field;
  readonly name: Field;
  readonly description: Field;
  readonly project: Field;
  /** Offers `projects`, the state's own picked (the first when it names none of them). */
  offer(projects: readonly ProjectChoice[], selected?: NamingState['project']): void;
  /** Puts the state's values into the fields (once the form is drawn). */
  fill(): void;
}

/** Said at the top of a Create form while there is no project to create in; nothing otherwise. */
export function noProjectNotice(projects: readonly ProjectChoice[]): HTMLElement | null {
  return projects.length
    ? null
    : h(
        'p',
        { class: 'form-message error', role: 'alert' },
        l10n.t('There is no project yet. Create an organization and a project first (Choreo: Create Project).'),
      );
}

export function namingFields(o: {
  /** The form's state (a getter: the form replaces it with the saved one). */
  state: () => NamingState;
  save: () => void;
  placeholders: { displayName: string; name: string; description: string };
  /** Called after the user picked another project. */
  onProject?: () => void;
}): NamingFields {
  const displayName = field({
    id: 'displayName',
    label: l10n.t('Display Name'),
    required: true,
    control: h('vscode-textfield', { placeholder: o.placeholders.displayName, maxLength: 100 }),
  });
  const name = field({
    id: 'name',
    label: l10n.t('Unique Name'),
    required: true,
    help: l10n.t('Lower-case letters, digits and hyphens, starting and ending with a letter or digit. Derived from the display name; you can edit it.'),
    control: h('vscode-textfield', { placeholder: o.placeholders.name, maxLength: 63 }),
  });
  const description = field({
    id: 'description',
    label: l10n.t('Description'),
    control: h('vscode-textarea', { rows: 3, maxLength: 1000, placeholder: o.placeholders.description }),
  });
  const project = field({ id: 'project', label: l10n.t('Project'), required: true, control: h('vscode-single-select') });

  const checkName = () => {
    const s = o.state();
    if (!s.name) return name.setError();
    const r = dnsLabel.safeParse(s.name);
    name.setError(r.success ? undefined : r.error.issues[0]?.message);
  };
  displayName.control.addEventListener('input', () => {
    const s = o.state();
    s.displayName = displayName.control.value;
    if (!s.nameEdited) {
      s.name = toDnsLabel(s.displayName);
      name.control.value = s.name;
      checkName();
    }
    displayName.setError();
    o.save();
  });
  name.control.addEventListener('input', () => {
    const s = o.state();
    s.name = name.control.value;
    // Clearing the unique name hands it back to the display name.
    s.nameEdited = s.name !== '';
    checkName();
    o.save();
  });
  description.control.addEventListener('input', () => {
    o.state().description = description.control.value;
    o.save();
  });
  project.control.addEventListener('change', () => {
    const [orgHandle, projectHandle] = project.control.value.split('/');
    if (orgHandle && projectHandle) o.state().project = { orgHandle, projectHandle };
    project.setError();
    o.save();
    o.onProject?.();
  });

  const same = (p: ProjectChoice, ref: NamingState['project']) => !!ref && p.orgHandle === ref.orgHandle && p.projectHandle === ref.projectHandle;
  return {
    displayName,
    name,
    description,
    project,
    offer(projects, selected) {
      const s = o.state();
      if (selected) s.project = selected;
      if (!projects.some((p) => same(p, s.project))) s.project = projects[0] && { orgHandle: projects[0].orgHandle, projectHandle: projects[0].projectHandle };
      replaceChildren(
        project.control,
        ...projects.map((p) =>
          h('vscode-option', { value: `${p.orgHandle}/${p.projectHandle}`, description: p.orgName, selected: same(p, s.project) }, p.projectName),
        ),
      );
    },
    fill() {
      const s = o.state();
      displayName.control.value = s.displayName;
      name.control.value = s.name;
      description.control.value = s.description;
      checkName();
    },
  };
}
