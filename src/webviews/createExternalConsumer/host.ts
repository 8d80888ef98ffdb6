import type * as vscode from 'vscode';
import type { UseCaseContext } from '../../useCases/context';
import { createExternalConsumer } from '../../useCases/createExternalConsumer';
import type { ProjectRef } from '../../api/refs';
import type { FormNavigation } from '../navigation';
import { ProjectFormPanel } from '../projectFormPanel';
import { createExternalConsumerProtocol, type CreateExternalConsumerToHost } from './protocol';
import * as l10n from '@vscode/l10n';

/** Server error codes that belong to one field of this form. */
const FIELD_FOR = { 'code:name_taken': 'name', handle: 'name' };

export class CreateExternalConsumerPanel extends ProjectFormPanel<typeof createExternalConsumerProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    selected: ProjectRef | undefined,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createExternalConsumerProtocol, selected, ctx);
  }

  protected async handle(m: CreateExternalConsumerToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendInit();
      case 'cancel':
        this.close();
        return;
      case 'create':
        return this.action(async () => {
          const { orgHandle, projectHandle } = m.project;
          const component = await createExternalConsumer(this.ctx, { org: orgHandle, project: projectHandle }, { displayName: m.displayName, name: m.name, description: m.description });
          // Create takes you to the component's Overview, in this form's place.
          this.nav.openOverview({ orgHandle, projectHandle, componentName: component.name });
          this.close();
        }, FIELD_FOR);
    }
  }

  protected async sendInit(): Promise<void> {
    const { projects } = await this.readProjects(l10n.t('Create External Consumer'));
    await this.post({ type: 'init', projects, ...(this.selected ? { selected: this.selected } : {}) });
  }
}
