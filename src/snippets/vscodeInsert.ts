// The VS Code side of the snippet writers: puts a snippet at the cursor (or in a new untitled document) and applies
// the pure text merges to workspace files. An open editor's unsaved text is the one merged, so nothing typed is lost.
import * as vscode from 'vscode';
import { ensureEnvIgnored, type GitignoreResult } from './gitignore';
import { mergeEnvText, type EnvMergeResult, type EnvVariable } from './dotenv';
import { COMPONENT_YAML_PATH, upsertConnectionReference, type ComponentYamlResult, type ConnectionReferenceInput } from './componentYaml';

/** Inserts at the active editor's cursor, or into a new untitled document of `languageId` when none is active. */
export async function insertConnectionSnippet(snippet: string, languageId: string, where: 'cursor' | 'untitled' = 'cursor'): Promise<'cursor' | 'untitled'> {
  const active = vscode.window.activeTextEditor;
  if (where === 'cursor' && active) {
    await active.insertSnippet(new vscode.SnippetString(snippet));
    return 'cursor';
  }
  const document = await vscode.workspace.openTextDocument({ language: languageId, content: '' });
  const editor = await vscode.window.showTextDocument(document);
  await editor.insertSnippet(new vscode.SnippetString(snippet), new vscode.Position(0, 0));
  return 'untitled';
}

// Keeps a byte-order mark in the text, so a file written back starts as it did.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
    if (!(await vscode.workspace.applyEdit(edit)) || !(await open.save())) {
      throw new Error(vscode.l10n.t('Could not save {0}.', vscode.workspace.asRelativePath(uri)));
    }
    return;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/** Merges the variables into `<folder>/.env` and makes sure the root .gitignore ignores it. */
export async function writeEnvFile(
  folder: vscode.Uri,
  variables: readonly EnvVariable[],
  comment?: string,
): Promise<{ env: EnvMergeResult; gitignore: GitignoreResult }> {
  const envUri = vscode.Uri.joinPath(folder, '.env');
  const gitignoreUri = vscode.Uri.joinPath(folder, '.gitignore');
  // Both merges run before either write, so a refused value leaves both files as they were.
  const env = mergeEnvText(await readText(envUri), variables, comment);
  const gitignore = ensureEnvIgnored(await readText(gitignoreUri));
  // .gitignore first: the secret never sits in a .env that git would pick up.
  if (gitignore.changed) await writeText(gitignoreUri, gitignore.text);
  if (env.changed) await writeText(envUri, env.text);
  return { env, gitignore };
}

/** Adds or updates the connection in `<folder>/.choreo/component.yaml`, creating the file when absent. */
export async function writeComponentYaml(folder: vscode.Uri, input: ConnectionReferenceInput): Promise<ComponentYamlResult> {
  const uri = vscode.Uri.joinPath(folder, ...COMPONENT_YAML_PATH.split('/'));
  const result = upsertConnectionReference(await readText(uri), input);
  if (result.changed) {
    if (result.created) await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await writeText(uri, result.text);
  }
  return result;
}

/** Writes a generated file (config.js) whole, replacing what was there. */
export async function writeGeneratedFile(uri: vscode.Uri, text: string): Promise<void> {
  await writeText(uri, text);
}
