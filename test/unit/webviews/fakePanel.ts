/** The edge: a webview panel as VS Code hands it to a host, recording what the host posts; like VS Code's, it throws
 * when posted to after it was disposed. */
export function fakePanel() {
  let listener: ((m: unknown) => void) | undefined;
  const posted: unknown[] = [];
  const panel = {
    disposed: false,
    title: '',
    visible: true,
    webview: {
      onDidReceiveMessage: (l: (m: unknown) => void) => ((listener = l), { dispose() {} }),
      postMessage: async (m: unknown) => {
        if (panel.disposed) throw new Error('Webview is disposed');
        posted.push(m);
        return true;
      },
    },
    onDidChangeViewState: () => ({ dispose() {} }),
    dispose() {
      panel.disposed = true;
    },
  };
  const has = (type: string) => posted.some((m) => (m as { type?: string }).type === type);
  const idle = () => posted.filter((m) => (m as { type?: string; busy?: boolean }).type === 'busy' && !(m as { busy: boolean }).busy).length;
  return {
    panel,
    posted,
    send: (m: unknown) => listener!(m),
    /** Once the host has posted a message of this type (what a test waits for, rather than a fixed time). */
    posts: (type: string) => until(() => has(type), `the host to post "${type}"`),
    /** Sends a user action and resolves once the host has finished it (FormPanel.action ends each with busy: false). */
    act: async (m: unknown) => {
      const before = idle();
      listener!(m);
      await until(() => idle() > before, `the host to finish "${(m as { type: string }).type}"`);
    },
    /** Once the host has closed the panel. */
    closes: () => until(() => panel.disposed, 'the panel to close'),
  };
}

/** Resolves once `check` holds; fails after `limitMs` naming what never happened. It waits for an event the code
 * promises, however slow the machine, instead of guessing how long that takes. */
export async function until(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error(`waited ${limitMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
