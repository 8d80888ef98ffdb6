// Adds a connection to `.choreo/component.yaml`: `dependencies.connectionReferences`, and for renamed variables
// `configurations.env` entries with `valueFrom.connectionRef`. Edits go through the `yaml` Document API, so
// comments, key order, quoting and every other part of the file survive.
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { envVariableName, type ConnectionConfig, type ConnectionKey } from '../api/connections';
import type { Visibility } from '../api/components';
import { SnippetError } from './errors';
import * as l10n from '@vscode/l10n';

export const COMPONENT_YAML_PATH = '.choreo/component.yaml';

export interface RenamedVariable {
  key: ConnectionKey;
  name: string;
}

export interface ConnectionReferenceInput {
  connectionName: string;
  serviceProjectHandle: string;
  serviceComponentName: string;
  endpointName: string;
  visibility: Visibility;
  /**
   * The variables the user renamed. When given, `configurations.env` holds exactly these for this connection:
   * entries of this connection no longer listed are removed, so the platform injects the default name again.
   */
  renamedVariables?: readonly RenamedVariable[];
}

export type EditOutcome = 'added' | 'updated' | 'unchanged';

export interface ComponentYamlResult {
  text: string;
  /** True when there was no file (or an empty one) and this text creates it. */
  created: boolean;
  changed: boolean;
  /** Set when the file's schemaVersion had to be raised (or added) for what was written. */
  schemaVersion?: { from: string | undefined; to: '1.2' };
  connectionReference: EditOutcome;
  env: { added: string[]; updated: string[]; unchanged: string[]; removed: string[] };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `service:/<projectHandle>/<componentHandle>/v1/<endpointName>/<VISIBILITY>`, as Choreo references a service. */
export function serviceResourceRef(projectHandle: string, componentName: string, endpointName: string, visibility: Visibility): string {
  return `service:/${projectHandle}/${componentName}/v1/${endpointName}/${visibility.toUpperCase()}`;
}

/** The entries of a connection config whose variable name differs from the default `CHOREO_<NAME>_<KEY>`. */
export function renamedVariables(config: Pick<ConnectionConfig, 'connectionName' | 'entries'>): RenamedVariable[] {
  return config.entries
    .filter((entry) => entry.envVariableName !== envVariableName(config.connectionName, entry.key))
    .map((entry) => ({ key: entry.key, name: entry.envVariableName }));
}

function shapeError(path: string, expected: string): SnippetError {
  return new SnippetError('component_yaml_shape', l10n.t`In ${COMPONENT_YAML_PATH}, ${path} must be ${expected}; fix it by hand and try again.`);
}

function isEmpty(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && (node.value === null || node.value === undefined));
}

function mapAt(doc: Document, parent: YAMLMap, key: string, path: string): YAMLMap {
  const node = parent.get(key, true);
  if (isEmpty(node)) {
    const created = doc.createNode({}) as YAMLMap;
    parent.set(key, created);
    return created;
  }
  if (!isMap(node)) throw shapeError(path, 'a mapping');
  return node;
}

function seqAt(doc: Document, parent: YAMLMap, key: string, path: string): YAMLSeq {
  const node = parent.get(key, true);
  if (isEmpty(node)) {
    const created = doc.createNode([]) as YAMLSeq;
    parent.set(key, created);
    return created;
  }
  if (!isSeq(node)) throw shapeError(path, 'a list');
  // `connectionReferences: []` would otherwise grow as a one-line flow list.
  if (node.items.length === 0) node.flow = false;
  return node;
}

function connectionRefOf(item: unknown): { name?: unknown; key?: unknown } | undefined {
  if (!isMap(item)) return undefined;
  const ref = item.getIn(['valueFrom', 'connectionRef']);
  return isMap(ref) ? { name: ref.get('name'), key: ref.get('key') } : undefined;
}

/** Whether the file lays out lists flush with their key (`key:\n- a`) rather than indented, to keep its style. */
function usesIndentedSequences(text: string): boolean {
  return !/^( *)[^\s#-][^\r\n]*:[ \t]*\r?\n\1- /m.test(text);
}

/** Adds or updates the connection in component.yaml's text (undefined when the file does not exist yet). */
export function upsertConnectionReference(existing: string | undefined, input: ConnectionReferenceInput): ComponentYamlResult {
  const source = existing ?? '';
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    throw new SnippetError(
      'component_yaml_invalid',
      l10n.t`${COMPONENT_YAML_PATH} is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it and try again. Nothing was changed.`,
    );
  }
  const created = isEmpty(doc.contents);
  if (created) doc.contents = doc.createNode({ schemaVersion: 1.2 }) as never;
  const root: unknown = doc.contents;
  if (!isMap(root)) throw shapeError('the top level', 'a mapping');

  const renames = input.renamedVariables;
  let schemaVersion: ComponentYamlResult['schemaVersion'];
  const version = root.get('schemaVersion');
  const versionText = version === undefined || version === null ? undefined : String(version);
  if (versionText === undefined) {
    root.items.unshift(doc.createPair('schemaVersion', 1.2) as never);
    if (!created) schemaVersion = { from: undefined, to: '1.2' };
  } else if (versionText === '1.1' && renames && renames.length > 0) {
    // 1.1 already has connectionReferences; renaming variables through configurations.env needs 1.2.
    root.set('schemaVersion', 1.2);
    schemaVersion = { from: versionText, to: '1.2' };
  } else if (versionText !== '1.2' && versionText !== '1.1') {
    throw new SnippetError(
      'component_yaml_version',
      `${COMPONENT_YAML_PATH} uses schemaVersion ${versionText}; connection references need 1.1 or later. Migrate the file to schemaVersion 1.2 and try again. Nothing was changed.`,
    );
  }

  // dependencies.connectionReferences
  const resourceRef = serviceResourceRef(input.serviceProjectHandle, input.serviceComponentName, input.endpointName, input.visibility);
  const references = seqAt(doc, mapAt(doc, root, 'dependencies', 'dependencies'), 'connectionReferences', 'dependencies.connectionReferences');
  let connectionReference: EditOutcome = 'unchanged';
  const same = references.items.filter((item): item is YAMLMap => isMap(item) && item.get('name') === input.connectionName);
  for (const item of same) {
    if (item.get('resourceRef') !== resourceRef) {
      item.set('resourceRef', resourceRef);
      connectionReference = 'updated';
    }
  }
  if (same.length === 0) {
    references.add(doc.createNode({ name: input.connectionName, resourceRef }));
    connectionReference = 'added';
  }

  // configurations.env, only when the caller says which variables are renamed.
  const env: ComponentYamlResult['env'] = { added: [], updated: [], unchanged: [], removed: [] };
  if (renames) {
    const existingEnv = root.getIn(['configurations', 'env'], true);
    if (renames.length > 0 || !isEmpty(existingEnv)) {
      const list = seqAt(doc, mapAt(doc, root, 'configurations', 'configurations'), 'env', 'configurations.env');
      const ours = (item: unknown, key?: string) => {
        const ref = connectionRefOf(item);
        return ref?.name === input.connectionName && (key === undefined || ref.key === key);
      };
      for (const rename of renames) {
        if (!ENV_NAME.test(rename.name)) {
          throw new SnippetError(
            'invalid_variable_name',
            `"${rename.name}" is not a valid environment variable name: use letters, digits and underscores, not starting with a digit.`,
          );
        }
        const byRef = list.items.find((item) => ours(item, rename.key)) as YAMLMap | undefined;
        const byName = list.items.find((item) => isMap(item) && item.get('name') === rename.name) as YAMLMap | undefined;
        if (byName && byName !== byRef && byName.get('valueFrom') !== undefined) {
          throw new SnippetError(
            'env_name_taken',
            `configurations.env in ${COMPONENT_YAML_PATH} already defines ${rename.name} from another source; choose another name. Nothing was changed.`,
          );
        }
        if (byRef) {
          if (byRef.get('name') === rename.name) env.unchanged.push(rename.name);
          else {
            byRef.set('name', rename.name);
            env.updated.push(rename.name);
          }
        } else if (byName) {
          byName.set('valueFrom', doc.createNode({ connectionRef: { name: input.connectionName, key: rename.key } }));
          env.updated.push(rename.name);
        } else {
          list.add(doc.createNode({ name: rename.name, valueFrom: { connectionRef: { name: input.connectionName, key: rename.key } } }));
          env.added.push(rename.name);
        }
      }
      const stale = list.items.filter((item) => ours(item) && !renames.some((r) => connectionRefOf(item)?.key === r.key));
      for (const item of stale) {
        env.removed.push(String((item as YAMLMap).get('name')));
        list.items.splice(list.items.indexOf(item), 1);
      }
    }
  }

  const eol = /\r\n/.test(source) ? '\r\n' : '\n';
  let text = doc.toString({ lineWidth: 0, indentSeq: created || usesIndentedSequences(source) });
  if (eol === '\r\n') text = text.replace(/\r?\n/g, '\r\n');
  return { text, created, changed: text !== source, schemaVersion, connectionReference, env };
}
