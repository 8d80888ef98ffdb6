import './tmplLoader';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { renamedVariables, serviceResourceRef, SnippetError, upsertConnectionReference, type ConnectionReferenceInput } from '../../src/snippets';
import { envVariableName, type ConnectionConfig } from '../../src/api/connections';

const repoRoot = path.resolve(__dirname, '..', '..');
// The copy the extension ships (package.json's yamlValidation points the YAML extension at it).
const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'component-yaml-1.2.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function assertValid(text: string): Record<string, unknown> {
  const data = parse(text) as Record<string, unknown>;
  assert.ok(validate(data), `schema 1.2: ${JSON.stringify(validate.errors)}\n${text}`);
  return data;
}

const input: ConnectionReferenceInput = {
  connectionName: 'hr-connection',
  serviceProjectHandle: 'acme-hr',
  serviceComponentName: 'hr-service',
  endpointName: 'rest-api',
  visibility: 'Organization',
};
const REF = 'service:/acme-hr/hr-service/v1/rest-api/ORGANIZATION';

const EXISTING = `# Component configuration for the payroll consumer.
schemaVersion: 1.2 # keep at 1.2

# Incoming connections.
endpoints:
  - name: payroll-api # the public one
    displayName: Payroll API
    service:
      basePath: /payroll
      port: 8080
    type: REST
    networkVisibilities:
      - Public

dependencies:
  # Outgoing connections, managed partly by hand.
  connectionReferences:
    - name: ledger
      resourceRef: service:/acme-finance/ledger/v1/api/PROJECT # existing one
configurations:
  env:
    - name: LOG_LEVEL
      valueFrom:
        configForm:
          displayName: Log level
          type: string
`;

describe('component.yaml connection references', () => {
  it('builds the resourceRef Choreo uses', () => {
    assert.equal(serviceResourceRef('acme-hr', 'hr-service', 'rest-api', 'Organization'), REF);
    assert.equal(serviceResourceRef('p', 'c', 'e', 'Public'), 'service:/p/c/v1/e/PUBLIC');
  });

  it('creates .choreo/component.yaml with schemaVersion 1.2 when there is none', () => {
    const result = upsertConnectionReference(undefined, input);
    assert.equal(result.created, true);
    assert.equal(result.connectionReference, 'added');
    assert.deepEqual(assertValid(result.text), { schemaVersion: 1.2, dependencies: { connectionReferences: [{ name: 'hr-connection', resourceRef: REF }] } });
  });

  it('adds to an existing file keeping every comment and every other value', () => {
    const result = upsertConnectionReference(EXISTING, input);
    const data = assertValid(result.text);
    for (const comment of EXISTING.match(/#.*$/gm)!) assert.ok(result.text.includes(comment), `comment kept: ${comment}`);
    const before = parse(EXISTING) as { dependencies: { connectionReferences: unknown[] } };
    before.dependencies.connectionReferences.push({ name: 'hr-connection', resourceRef: REF });
    assert.deepEqual(data, before);
    assert.ok(result.text.startsWith(EXISTING.split('\n# Incoming')[0]!), 'untouched top of the file is byte for byte');
  });

  it('updates the reference of the same name in place, and a second run changes nothing', () => {
    const first = upsertConnectionReference(EXISTING, { ...input, connectionName: 'ledger' });
    assert.equal(first.connectionReference, 'updated');
    assert.ok(first.text.includes(`resourceRef: ${REF} # existing one`), first.text);
    const second = upsertConnectionReference(first.text, { ...input, connectionName: 'ledger' });
    assert.equal(second.connectionReference, 'unchanged');
    assert.equal(second.changed, false);
    assert.equal(second.text, first.text);
  });

  it('writes renamed variables to configurations.env with valueFrom.connectionRef, renames and removes them later', () => {
    const added = upsertConnectionReference(EXISTING, {
      ...input,
      renamedVariables: [
        { key: 'ServiceURL', name: 'HR_URL' },
        { key: 'ConsumerKey', name: 'HR_CLIENT_ID' },
      ],
    });
    assert.deepEqual(added.env.added, ['HR_URL', 'HR_CLIENT_ID']);
    const env = (assertValid(added.text) as { configurations: { env: unknown[] } }).configurations.env;
    assert.deepEqual(env.slice(1), [
      { name: 'HR_URL', valueFrom: { connectionRef: { name: 'hr-connection', key: 'ServiceURL' } } },
      { name: 'HR_CLIENT_ID', valueFrom: { connectionRef: { name: 'hr-connection', key: 'ConsumerKey' } } },
    ]);
    const renamed = upsertConnectionReference(added.text, { ...input, renamedVariables: [{ key: 'ServiceURL', name: 'HR_BASE_URL' }] });
    assert.deepEqual(renamed.env, { added: [], updated: ['HR_BASE_URL'], unchanged: [], removed: ['HR_CLIENT_ID'] });
    const after = (assertValid(renamed.text) as { configurations: { env: { name: string }[] } }).configurations.env.map((e) => e.name);
    assert.deepEqual(after, ['LOG_LEVEL', 'HR_BASE_URL']);
  });

  it('derives the renamed variables from the connection config entries', () => {
    const config: ConnectionConfig = {
      connectionName: 'hr-connection',
      environment: 'development',
      configured: true,
      entries: [
        { key: 'ServiceURL', isSensitive: false, envVariableName: 'HR_URL' },
        { key: 'TokenURL', isSensitive: false, envVariableName: envVariableName('hr-connection', 'TokenURL') },
      ],
    };
    assert.deepEqual(renamedVariables(config), [{ key: 'ServiceURL', name: 'HR_URL' }]);
  });

  it('refuses a name another source already uses, an invalid file, an old schemaVersion — and changes nothing', () => {
    const isCode = (code: string) => (e: unknown) => e instanceof SnippetError && e.code === code;
    assert.throws(
      () => upsertConnectionReference(EXISTING, { ...input, renamedVariables: [{ key: 'ServiceURL', name: 'LOG_LEVEL' }] }),
      isCode('env_name_taken'),
    );
    assert.throws(() => upsertConnectionReference('schemaVersion: 1.2\nendpoints: [unclosed\n', input), isCode('component_yaml_invalid'));
    assert.throws(() => upsertConnectionReference('schemaVersion: 1.0\n', input), isCode('component_yaml_version'));
    assert.throws(() => upsertConnectionReference('schemaVersion: 1.2\ndependencies: [a]\n', input), isCode('component_yaml_shape'));
  });

  it('raises schemaVersion 1.1 to 1.2 only when configurations.env is written', () => {
    const plain = upsertConnectionReference('schemaVersion: 1.1\n', input);
    assert.equal(plain.schemaVersion, undefined);
    assert.match(plain.text, /^schemaVersion: 1.1\n/);
    const renamed = upsertConnectionReference('schemaVersion: "1.1"\n', { ...input, renamedVariables: [{ key: 'TokenURL', name: 'HR_TOKEN_URL' }] });
    assert.deepEqual(renamed.schemaVersion, { from: '1.1', to: '1.2' });
    assertValid(renamed.text);
  });

  it('keeps CRLF line endings and flush (non-indented) lists', () => {
    const text =
      'schemaVersion: 1.2\r\n# refs\r\ndependencies:\r\n  connectionReferences:\r\n  - name: ledger\r\n    resourceRef: service:/a/b/v1/c/PROJECT\r\n';
    const result = upsertConnectionReference(text, input);
    assert.ok(!/[^\r]\n/.test(result.text), 'CRLF only');
    assert.ok(result.text.startsWith(text), result.text);
    assert.ok(result.text.endsWith(`  - name: hr-connection\r\n    resourceRef: ${REF}\r\n`), result.text);
    assertValid(result.text);
  });

  it('turns an empty `connectionReferences: []` into a block list', () => {
    const result = upsertConnectionReference('schemaVersion: 1.2\ndependencies:\n  connectionReferences: []\n', input);
    assert.equal(result.text, `schemaVersion: 1.2\ndependencies:\n  connectionReferences:\n    - name: hr-connection\n      resourceRef: ${REF}\n`);
  });
});
