// What package.json declares for the `choreo` launch attribute and the run commands is derived from one place each:
// the attribute's schema (schemas/launch-choreo-attribute.json, merged by VS Code into each debug type's launch
// attributes, so launch.json completes and validates it), and the languages Run with Connection Values runs (RUNNERS).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEBUG_ATTRIBUTE } from '../../../src/launch/attribute';
import { RUNNERS } from '../../../src/launch/runners';

const root = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const schema = JSON.parse(readFileSync(path.join(root, 'schemas', 'launch-choreo-attribute.json'), 'utf8'));

describe('package.json: the choreo launch attribute and Run with Connection Values', () => {
  it("every debug type Run with Connection Values launches (and the old aliases) gets the attribute's one schema", () => {
    const debuggers = manifest.contributes.debuggers as Array<{ type: string; configurationAttributes: { launch: { properties: Record<string, unknown> } } }>;
    const types = new Set(debuggers.map((d) => d.type));
    for (const r of RUNNERS) if (r.debugger) assert.ok(types.has(r.debugger.configuration('/f', '/w').type), `${r.label}'s debug type has the attribute`);
    for (const d of debuggers) assert.deepEqual(d.configurationAttributes.launch.properties[DEBUG_ATTRIBUTE], schema, `${d.type}: the schema file's copy`);
  });

  it('the schema offers the attribute as a snippet and requires the environment', () => {
    assert.deepEqual(schema.required, ['environment']);
    assert.deepEqual(schema.defaultSnippets[0].body, { environment: '${1:development}' });
  });

  it("the editor title's Run shows for exactly the languages it runs", () => {
    const run = (manifest.contributes.menus['editor/title/run'] as Array<{ command: string; when: string }>).find(
      (m) => m.command === 'choreo.runWithConnectionValues',
    )!;
    const languages = /editorLangId =~ \/\^\(([^)]*)\)\$\//.exec(run.when)![1]!.split('|').sort();
    assert.deepEqual(languages, RUNNERS.flatMap((r) => r.languageIds).sort());
  });
});
