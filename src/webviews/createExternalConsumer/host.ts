import { createExternalConsumer } from '../../useCases/createExternalConsumer';
import { ProjectFormPanel, type FormMessage } from '../projectFormPanel';
import type { createExternalConsumerProtocol } from './protocol';
import * as l10n from '@vscode/l10n';

/** Server error codes that belong to one field of this form. */
const FIELD_FOR = { 'code:name_taken': 'name', handle: 'name' };

export class CreateExternalConsumerPanel extends ProjectFormPanel<typeof createExternalConsumerProtocol> {
  protected async handleForm(m: FormMessage<typeof createExternalConsumerProtocol>): Promise<void> {
    return this.action(async () => {
      this.showCreated(await createExternalConsumer(this.ctx, m.project, { displayName: m.displayName, name: m.name, description: m.description }));
    }, FIELD_FOR);
  }

  protected async sendInit(): Promise<void> {
    const { projects } = await this.readProjects(l10n.t('Create External Consumer'));
    await this.post({ type: 'init', projects, ...(this.selected ? { selected: this.selected } : {}) });
  }
}
