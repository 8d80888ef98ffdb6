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
  return { panel, posted, send: (m: unknown) => listener!(m) };
}
