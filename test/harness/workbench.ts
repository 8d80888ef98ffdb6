// The workbench as a person sees it, for e2e tests: a fresh code-server with the extension loaded (payload with only
// extensionDevelopmentPath) in a fresh workspace, opened in headless chromium, plus screenshots under test-results/.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { quietSettings, repoRoot, startCodeServer, type CodeServer } from './codeServer';
import { freePort, tempDir } from './processes';
import { freshWorkspace } from './runSuite';

export const resultsDir = path.join(repoRoot, 'test-results');

export interface Workbench {
  page: Page;
  server: CodeServer;
  workspace: string;
  /** Saves a full-window PNG under test-results/ and returns its path. */
  screenshot: (name: string) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * The extension under development, reached through a symlink outside the repository. VS Code picks a theme of the
 * extension under development over the user's (findThemeByExtensionLocation: any theme whose extension lies inside
 * its folder), and the test VS Code's built-in themes lie inside the repository (.vscode-test/): given the repository
 * itself, every window would open in Light+ whatever `workbench.colorTheme` says.
 */
async function extensionDevelopmentPath(): Promise<string> {
  const link = path.join(await tempDir('extension'), path.basename(repoRoot));
  symlinkSync(repoRoot, link, 'dir');
  return link;
}

export interface WorkbenchOptions {
  verbose?: boolean;
  /** More user settings, written before the workbench opens (e.g. `workbench.colorTheme`: a theme set there is the
   * one the first paint uses; switching later through the palette is not reliably applied before a screenshot). */
  settings?: Record<string, unknown>;
  /** Files in the workspace before the window opens (path relative to it → text), as a cloned repository has them. */
  files?: Record<string, string>;
  /** The extension as installed into these folders (`installExtension`), not the development copy of the repository. */
  installed?: { userDataDir: string; extensionsDir: string };
  /** Workspace Trust on: with `security.workspace.trust.startupPrompt: never` the folder opens in Restricted Mode. */
  workspaceTrust?: boolean;
  /** The local control plane's port (a free one when not given). */
  controlPlanePort?: number;
  /** VS Code's display language; `qps-ploc` runs the extension in its pseudo-locale (codeServer.ts, installLanguagePack). */
  locale?: string;
}

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const workspace = await freshWorkspace();
  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), text);
  }
  const controlPlanePort = options.controlPlanePort ?? (await freePort());
  const server = await startCodeServer({
    workspace,
    userDataDir: options.installed?.userDataDir,
    extensionsDir: options.installed?.extensionsDir,
    workspaceTrust: options.workspaceTrust,
    locale: options.locale,
    verbose: options.verbose ?? process.env.CHOREO_VERBOSE === '1',
    settings: { 'choreo.controlPlane.localPort': controlPlanePort, ...quietSettings, ...options.settings },
    env: { CHOREO_TEST_HARNESS: 'code-server', CHOREO_TEST_CONTROL_PLANE_PORT: String(controlPlanePort) },
  });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The workbench's first load fetches ~10 MB of scripts from code-server: on a busy 2-core machine that can pass 30 s.
  await page.goto(server.workbenchUrl(options.installed ? [] : [['extensionDevelopmentPath', server.remoteUri(await extensionDevelopmentPath())]]), {
    timeout: 120_000,
  });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  return {
    page,
    server,
    workspace,
    screenshot: async (name) => {
      mkdirSync(resultsDir, { recursive: true });
      const file = path.join(resultsDir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}
