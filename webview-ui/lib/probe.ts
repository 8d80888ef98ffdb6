/** The line under an upstream URL that says whether it answered from this machine (Create Service, Service Overview). */
import type { z } from 'zod';
import type { Probed } from '../../src/webviews/createService/protocol';
import { h } from './dom';

/** What the host's `probed` message carries (the protocol's type, not a copy). */
export type ProbeResult = Pick<z.infer<typeof Probed>, 'answered' | 'summary' | 'remoteNote'>;

export interface ProbeLine {
  readonly el: HTMLElement;
  show(result: ProbeResult): void;
  clear(): void;
}

export function probeLine(id: string): ProbeLine {
  const el = h('p', { class: 'probe', id, role: 'status', 'aria-live': 'polite' });
  el.hidden = true;
  return {
    el,
    show(r) {
      el.className = `probe ${r.answered ? 'answered' : 'silent'}`;
      el.replaceChildren(
        h('span', { class: `codicon-like ${r.answered ? 'ok' : 'warn'}`, 'aria-hidden': 'true' }, r.answered ? '✓' : '!'),
        ` ${r.summary.charAt(0).toUpperCase()}${r.summary.slice(1)}.`,
        r.remoteNote ? h('span', { class: 'remote-note' }, ` ${r.remoteNote}`) : '',
      );
      el.hidden = false;
    },
    clear() {
      el.hidden = true;
      el.replaceChildren();
    },
  };
}
