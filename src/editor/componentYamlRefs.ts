/**
 * The connection references of a `.choreo/component.yaml`, with where each `resourceRef` value sits in the text, so
 * the editor can check each against the control plane and put a CodeLens on it. Pure (the `yaml` library's
 * Document API, no vscode); a file that does not parse has no references here (the YAML extension reports it).
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

export interface ConnectionReferenceAt {
  name: string;
  resourceRef: string;
  /** Offset and length of the resourceRef value in the text. */
  offset: number;
  length: number;
}

export function connectionReferencesIn(text: string): ConnectionReferenceAt[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return [];
  const references = doc.getIn(['dependencies', 'connectionReferences'], true);
  if (!isSeq(references)) return [];
  const out: ConnectionReferenceAt[] = [];
  for (const item of references.items) {
    if (!isMap(item)) continue;
    const ref = item.get('resourceRef', true);
    const name = item.get('name');
    if (!isScalar(ref) || typeof ref.value !== 'string' || !ref.range) continue;
    out.push({ name: typeof name === 'string' ? name : '', resourceRef: ref.value, offset: ref.range[0], length: ref.range[1] - ref.range[0] });
  }
  return out;
}

/** `service:/<project>/<component>/v1/<endpoint>/<VISIBILITY>`, as the extension writes it. */
export function parseServiceRef(resourceRef: string): { project: string; component: string; endpoint: string; visibility: string } | undefined {
  const m = /^service:\/([a-z0-9-]+)\/([a-z0-9-]+)\/v\d+\/([a-z0-9-]+)\/(PROJECT|ORGANIZATION|PUBLIC)$/.exec(resourceRef);
  return m ? { project: m[1]!, component: m[2]!, endpoint: m[3]!, visibility: m[4]! } : undefined;
}
