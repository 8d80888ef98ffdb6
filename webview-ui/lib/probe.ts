/** The line under an upstream URL that says whether it answered from this machine (Create Service, Service Overview). */
import { h } from './dom';

export interface ProbeResult {
  answered: boolean;
  summary: string;
  remoteNote?: string;
}

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
