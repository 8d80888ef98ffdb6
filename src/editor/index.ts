/**
 * In the editor, for a workspace folder linked to an external consumer (`.choreo/consumer.json`): completion of the
 * consumer's CHOREO_* variables where code reads the environment, a hover that explains one, a warning (with quick
 * fixes) on a name no connection yields, and in `.choreo/component.yaml` a check of each connection reference against
 * the control plane with a CodeLens to open the consumer or test the connection.
 *
 * Loaded on first need (a linked folder, or a component.yaml), never at activation: activate() only looks for links.
 */
import * as vscode from 'vscode';
import { connectionNameFor } from '../api/connections';
import type { Change, UseCaseContext } from '../useCases/context';
import { LinkedConsumer, type ConnectionVariable } from './linkedConsumer';
import { nearestName } from './nearMiss';
import { choreoNamesIn, READING_LANGUAGES, readingLanguage, TRIGGER_CHARACTERS, variableBeingRead } from './readContexts';
import { connectionReferencesIn, parseServiceRef } from './componentYamlRefs';
import { LINK_PATH, readLink, type WorkspaceLink } from './workspaceLink';
import { RUNNERS, runnerFor } from '../launch/runners';

export interface EditorDeps {
  useCases: Pick<UseCaseContext, 'client' | 'log'>;
}

export interface EditorFeatures extends vscode.Disposable {
  /** After a use case changed something: forget what the editor knows of that consumer and check again. */
  changed(change: Change): void;
  /** Re-reads every folder's link (after Link or Unlink). */
  reloadLinks(): Promise<void>;
  /** The link of the folder holding `uri` (or of the only folder, for an untitled document). */
  linkFor(uri: vscode.Uri): WorkspaceLink | undefined;
}

const DIAGNOSTIC_SOURCE = 'Choreo';
export const UNKNOWN_VARIABLE = 'choreo.unknownVariable';
export const UNKNOWN_REFERENCE = 'choreo.unknownReference';

const selector: vscode.DocumentFilter[] = [
  ...READING_LANGUAGES.filter((l) => l !== 'dotenv').map((language) => ({ language })),
  { pattern: '**/.env' },
  { pattern: '**/.env.*' },
  { language: 'dotenv' },
];
const componentYaml: vscode.DocumentFilter[] = [{ pattern: '**/.choreo/component.{yaml,yml}' }];

export function startEditorFeatures(deps: EditorDeps): EditorFeatures {
  const consumers = new Map<string, LinkedConsumer>(); // folder URI → linked consumer
  const problems = new Map<string, string>(); // folder URI → why its link file is unusable
  const diagnostics = vscode.languages.createDiagnosticCollection('choreo');
  const status = vscode.window.createStatusBarItem('choreo.link', vscode.StatusBarAlignment.Left, 99);
  status.name = vscode.l10n.t('Choreo: linked external consumer');
  status.command = 'choreo.linkWorkspace';
  const lensesChanged = new vscode.EventEmitter<void>();

  const folderOf = (uri: vscode.Uri): vscode.WorkspaceFolder | undefined => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) return folder;
    const all = vscode.workspace.workspaceFolders ?? [];
    return uri.scheme === 'untitled' && all.length === 1 ? all[0] : undefined;
  };
  const consumerFor = (uri: vscode.Uri) => {
    const folder = folderOf(uri);
    return folder ? consumers.get(folder.uri.toString()) : undefined;
  };

  const showStatus = () => {
    const linked = [...consumers.values()];
    // The editor title's Run with Connection Values shows in a linked workspace only.
    void vscode.commands.executeCommand('setContext', 'choreo.linked', linked.length > 0);
    if (linked.length === 0 && problems.size === 0) {
      status.hide();
      return;
    }
    const problem = [...problems.values()][0];
    status.text = problem ? `$(warning) ${vscode.l10n.t('Choreo link')}` : `$(link) ${linked.map((c) => c.link.externalConsumer).join(', ')}`;
    status.tooltip = problem
      ? vscode.l10n.t('{0} Click to link this folder again.', problem)
      : linked
          .map((c) =>
            vscode.l10n.t(
              "This folder's code belongs to external consumer {0} ({1}/{2}, control plane: {3}). Click to change.",
              c.link.externalConsumer,
              c.link.organization,
              c.link.project,
              c.link.controlPlane,
            ),
          )
          .join('\n');
    status.show();
  };

  const reloadLinks = async () => {
    consumers.clear();
    problems.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const link = await readLink(folder.uri);
      if (typeof link === 'string') problems.set(folder.uri.toString(), link);
      else if (link) consumers.set(folder.uri.toString(), new LinkedConsumer(link, deps.useCases));
    }
    showStatus();
    lensesChanged.fire();
    checkAll();
  };

  // ---- Diagnostics: a CHOREO_* name no connection yields; a connection reference that resolves to nothing.
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const check = (document: vscode.TextDocument, delay = 300) => {
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        void checkNow(document);
      }, delay),
    );
  };
  const checkAll = () => vscode.workspace.textDocuments.forEach((d) => check(d, 0));

  const checkNow = async (document: vscode.TextDocument) => {
    if (document.isClosed) return diagnostics.delete(document.uri);
    const consumer = consumerFor(document.uri);
    if (vscode.languages.match(componentYaml, document) > 0)
      return diagnostics.set(document.uri, consumer ? await referenceDiagnostics(document, consumer) : []);
    if (!readingLanguage(document.languageId, document.fileName) || !consumer) return diagnostics.delete(document.uri);
    const known = await consumer.knownOrUndefined();
    // Without the list (control plane down), say nothing rather than flag every name.
    if (!known) return;
    const version = document.version;
    const found: vscode.Diagnostic[] = [];
    // A file repeats its names: each unknown one is matched against the known ones once.
    const messages = new Map<string, string>();
    for (const { name, offset } of choreoNamesIn(document.getText())) {
      if (known.has(name)) continue;
      const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + name.length));
      let message = messages.get(name);
      if (message === undefined) {
        const near = nearestName(name, known.keys());
        message = vscode.l10n.t(
          'No connection of {0} yields {1}.{2}',
          consumer.link.externalConsumer,
          name,
          near ? vscode.l10n.t(' Did you mean {0}?', near) : vscode.l10n.t(' Create a connection, or check the name.'),
        );
        messages.set(name, message);
      }
      const d = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Warning);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = UNKNOWN_VARIABLE;
      found.push(d);
    }
    if (document.version === version) diagnostics.set(document.uri, found);
  };

  const referenceDiagnostics = async (document: vscode.TextDocument, consumer: LinkedConsumer): Promise<vscode.Diagnostic[]> => {
    const found: vscode.Diagnostic[] = [];
    let client;
    try {
      client = await deps.useCases.client();
    } catch {
      return [];
    }
    for (const ref of connectionReferencesIn(document.getText())) {
      const service = parseServiceRef(ref.resourceRef);
      if (!service) continue; // thirdparty: and database: references are not the control plane's to check
      let problem: string | undefined;
      try {
        const component = await client.getComponent(consumer.link.organization, service.project, service.component);
        if (!component.endpoints?.some((e) => e.name === service.endpoint)) {
          problem = vscode.l10n.t(
            'Service {0} has no endpoint "{1}"{2}.',
            component.displayName,
            service.endpoint,
            component.endpoints?.length ? vscode.l10n.t(' (it has {0})', component.endpoints.map((e) => e.name).join(', ')) : '',
          );
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'not_found') continue; // the control plane is down or refused: not the file's fault
        problem = vscode.l10n.t('Organization {0} has no service "{1}" in project "{2}".', consumer.link.organization, service.component, service.project);
      }
      if (!problem) continue;
      const range = new vscode.Range(document.positionAt(ref.offset), document.positionAt(ref.offset + ref.length));
      const d = new vscode.Diagnostic(
        range,
        vscode.l10n.t('{0} resolves to no service endpoint: {1}', ref.resourceRef, problem),
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = UNKNOWN_REFERENCE;
      found.push(d);
    }
    return found;
  };

  // ---- Completion and hover.
  const describe = (v: ConnectionVariable) =>
    vscode.l10n.t(
      'Connection {0} → {1} / {2}{3}',
      v.connection.name,
      v.connection.serviceComponentName,
      v.connection.endpointName,
      v.sensitive ? vscode.l10n.t(' · sensitive') : '',
    );

  const documented = new WeakMap<vscode.CompletionItem, { v: ConnectionVariable; consumer: string }>();
  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position) {
      const language = readingLanguage(document.languageId, document.fileName);
      const consumer = consumerFor(document.uri);
      if (!language || !consumer) return undefined;
      const prefix = document.lineAt(position.line).text.slice(0, position.character);
      const reading = variableBeingRead(language, prefix);
      if (!reading) return undefined;
      const known = await consumer.knownOrUndefined();
      if (!known) return undefined;
      const range = new vscode.Range(position.translate(0, -reading.typed.length), position);
      return [...known.values()].map((v) => {
        const item = new vscode.CompletionItem({ label: v.name, description: v.sensitive ? 'sensitive' : v.key }, vscode.CompletionItemKind.Variable);
        item.detail = describe(v);
        item.range = range;
        item.sortText = `0${v.name}`;
        documented.set(item, { v, consumer: consumer.link.externalConsumer });
        return item;
      });
    },
    // The documentation is made only for the row the user looks at.
    resolveCompletionItem(item) {
      const entry = documented.get(item);
      if (entry) {
        const { v, consumer } = entry;
        item.documentation = new vscode.MarkdownString(
          v.sensitive
            ? vscode.l10n.t('The consumer secret of **{0}**: kept in SecretStorage, written to .env only when you ask.', consumer)
            : vscode.l10n.t(
                'The **{0}** of connection **{1}** (service {2}, endpoint {3}).',
                v.key,
                v.connection.name,
                v.connection.serviceComponentName,
                v.connection.endpointName,
              ),
        );
      }
      return item;
    },
  };

  const hover: vscode.HoverProvider = {
    async provideHover(document, position) {
      const consumer = consumerFor(document.uri);
      const range = document.getWordRangeAtPosition(position, /CHOREO_[A-Z0-9_]+/);
      if (!consumer || !range) return undefined;
      const name = document.getText(range);
      const known = await consumer.knownOrUndefined();
      const v = known?.get(name);
      if (!v) return undefined;
      const md = new vscode.MarkdownString(undefined, true);
      md.appendMarkdown(`**${name}** · ${v.key} of connection **${v.connection.name}**\n\n`);
      md.appendMarkdown(
        vscode.l10n.t(
          'Service **{0}**, endpoint **{1}** (project {2})\n\n',
          v.connection.serviceComponentName,
          v.connection.endpointName,
          v.connection.serviceProjectHandle,
        ),
      );
      try {
        for (const { environmentName, config } of await consumer.valuesOf(v.connection)) {
          const value = (key: string) => config.entries.find((e) => e.key === key);
          const line = (key: 'ServiceURL' | 'TokenURL' | 'ConsumerKey') => `\`${value(key)?.value ?? (key === 'ConsumerKey' ? 'no keys yet' : '—')}\``;
          // IssuerURL only where the keys sign people in.
          const issuer = value('IssuerURL')?.value;
          md.appendMarkdown(
            `**${environmentName}**  \nServiceURL ${line('ServiceURL')}  \nTokenURL ${line('TokenURL')}  \nConsumerKey ${line('ConsumerKey')}${value('ConsumerSecret') ? '  \nConsumerSecret: kept in SecretStorage' : ''}` +
              `${issuer ? `  \nIssuerURL \`${issuer}\`` : ''}\n\n`,
          );
        }
      } catch (e) {
        md.appendMarkdown(`_Values could not be read: ${(e as Error).message}_`);
      }
      return new vscode.Hover(md, range);
    },
  };

  // ---- Quick fixes.
  const actions: vscode.CodeActionProvider = {
    async provideCodeActions(document, _range, context) {
      const consumer = consumerFor(document.uri);
      if (!consumer) return [];
      const out: vscode.CodeAction[] = [];
      const target = { orgHandle: consumer.link.organization, projectHandle: consumer.link.project, componentName: consumer.link.externalConsumer };
      for (const d of context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE) continue;
        if (d.code === UNKNOWN_VARIABLE) {
          const name = document.getText(d.range);
          const known = await consumer.knownOrUndefined();
          const near = known ? nearestName(name, known.keys()) : undefined;
          if (near) {
            const fix = new vscode.CodeAction(vscode.l10n.t('Change to {0}', near), vscode.CodeActionKind.QuickFix);
            fix.edit = new vscode.WorkspaceEdit();
            fix.edit.replace(document.uri, d.range, near);
            fix.diagnostics = [d];
            fix.isPreferred = true;
            out.push(fix);
          }
        }
        const create = new vscode.CodeAction(vscode.l10n.t('Create Connection for {0}…', consumer.link.externalConsumer), vscode.CodeActionKind.QuickFix);
        // Named so that it yields the variable the code reads; the form still lets the user pick the service.
        const suggested = d.code === UNKNOWN_VARIABLE ? connectionNameFor(document.getText(d.range)) : undefined;
        create.command = {
          title: vscode.l10n.t('Create Connection'),
          command: 'choreo.createConnection',
          arguments: [target, suggested ? { name: suggested } : undefined],
        };
        create.diagnostics = [d];
        out.push(create);
      }
      return out;
    },
  };

  // ---- CodeLens on each connection reference of component.yaml.
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(document) {
      const consumer = consumerFor(document.uri);
      if (!consumer) return [];
      const target = { orgHandle: consumer.link.organization, projectHandle: consumer.link.project, componentName: consumer.link.externalConsumer };
      const known = await consumer.knownOrUndefined();
      const connections = new Map([...(known?.values() ?? [])].map((v) => [v.connection.name, v.connection]));
      return connectionReferencesIn(document.getText()).flatMap((ref) => {
        const range = new vscode.Range(document.positionAt(ref.offset), document.positionAt(ref.offset));
        const service = parseServiceRef(ref.resourceRef);
        const connection = [...connections.values()].find(
          (c) =>
            c.name === ref.name ||
            (service && c.serviceComponentName === service.component && c.endpointName === service.endpoint && c.serviceProjectHandle === service.project),
        );
        const out = [new vscode.CodeLens(range, { title: vscode.l10n.t('Open Overview'), command: 'choreo.openOverview', arguments: [target] })];
        if (connection)
          out.push(
            new vscode.CodeLens(range, { title: vscode.l10n.t('Test Connection'), command: 'choreo.testConnection', arguments: [{ ...target, connection }] }),
          );
        return out;
      });
    },
  };

  // ---- CodeLens on code that reads the consumer's CHOREO_* variables (an inserted snippet): run it with them.
  const runLenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(document) {
      const consumer = consumerFor(document.uri);
      if (!consumer || document.uri.scheme !== 'file' || !runnerFor(document.languageId)) return [];
      const known = await consumer.knownOrUndefined();
      const first = known && choreoNamesIn(document.getText()).find((n) => known.has(n.name));
      if (!first) return [];
      const top = new vscode.Range(0, 0, 0, 0);
      const folder = vscode.workspace.getWorkspaceFolder(document.uri);
      return [
        new vscode.CodeLens(top, {
          title: `$(run) ${vscode.l10n.t('Run with Connection Values')}`,
          command: 'choreo.runWithConnectionValues',
          arguments: [document.uri],
          tooltip: vscode.l10n.t("Runs this file with {0}'s CHOREO_* values of an environment you pick, without a .env", consumer.link.externalConsumer),
        }),
        new vscode.CodeLens(top, {
          title: vscode.l10n.t('Open Terminal with Connection Values'),
          command: 'choreo.openTerminalWithConnectionValues',
          arguments: [folder?.uri],
        }),
      ];
    },
  };

  const forget = () => {
    for (const c of consumers.values()) c.forget();
    lensesChanged.fire();
    checkAll();
  };

  const watcher = vscode.workspace.createFileSystemWatcher(`**/${LINK_PATH}`);
  const subscriptions: vscode.Disposable[] = [
    diagnostics,
    status,
    lensesChanged,
    watcher,
    watcher.onDidCreate(() => void reloadLinks()),
    watcher.onDidChange(() => void reloadLinks()),
    watcher.onDidDelete(() => void reloadLinks()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void reloadLinks()),
    vscode.workspace.onDidOpenTextDocument((d) => check(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    vscode.languages.registerCompletionItemProvider(selector, completion, ...TRIGGER_CHARACTERS),
    vscode.languages.registerHoverProvider([...selector, ...componentYaml], hover),
    vscode.languages.registerCodeActionsProvider([...selector, ...componentYaml], actions, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCodeLensProvider(componentYaml, lenses),
    vscode.languages.registerCodeLensProvider(
      RUNNERS.flatMap((r) => r.languageIds.map((language) => ({ language, scheme: 'file' }))),
      runLenses,
    ),
  ];
  void reloadLinks();

  return {
    changed(change) {
      // Any change to a linked consumer's connections (or to everything, without an org) is a reason to look again.
      const touches = [...consumers.values()].some(
        (c) => !change.orgHandle || (change.orgHandle === c.link.organization && (!change.componentName || change.componentName === c.link.externalConsumer)),
      );
      if (touches) forget();
    },
    reloadLinks,
    linkFor(uri) {
      return consumerFor(uri)?.link;
    },
    dispose() {
      pending.forEach((t) => clearTimeout(t));
      subscriptions.forEach((s) => s.dispose());
    },
  };
}
