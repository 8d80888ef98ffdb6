import assert from 'node:assert/strict';
import { choreoNamesIn, readingLanguage, variableBeingRead, type ReadingLanguage } from '../../../src/editor/readContexts';
import { editDistance, nearestName } from '../../../src/editor/nearMiss';
import { connectionReferencesIn, parseServiceRef } from '../../../src/editor/componentYamlRefs';
import { parseLink } from '../../../src/editor/linkFile';
import { testUrl } from '../../../src/useCases/testConnection';

describe('editor: where code reads an environment variable', () => {
  const reads: [ReadingLanguage, string, string][] = [
    ['typescript', 'const u = process.env.CHOREO_GR', 'CHOREO_GR'],
    ['typescript', 'const u = process.env["CHO', 'CHO'],
    ['javascript', "fetch(process.env['", ''],
    ['typescriptreact', 'x = process.env.C', 'C'],
    ['python', 'url = os.environ["CHOREO_', 'CHOREO_'],
    ['python', "url = os.environ.get('CH", 'CH'],
    ['python', 'url = os.getenv("', ''],
    ['go', 'u := os.Getenv("CHOREO_X', 'CHOREO_X'],
    ['go', 'u, ok := os.LookupEnv("C', 'C'],
    ['java', 'String u = System.getenv("CHOREO', 'CHOREO'],
    ['csharp', 'var u = Environment.GetEnvironmentVariable("CHOREO_', 'CHOREO_'],
    ['shellscript', 'curl "$CHOREO_G', 'CHOREO_G'],
    ['shellscript', 'curl "${CHOREO_G', 'CHOREO_G'],
    ['dotenv', 'CHOREO_GREE', 'CHOREO_GREE'],
    ['dotenv', 'export CHOREO_', 'CHOREO_'],
  ];
  for (const [language, prefix, typed] of reads) {
    it(`${language}: ${prefix}`, () => assert.deepEqual(variableBeingRead(language, prefix), { typed }));
  }
  it('is silent where no variable is read', () => {
    assert.equal(variableBeingRead('typescript', 'const env = process.'), undefined);
    assert.equal(variableBeingRead('python', 'os.environ'), undefined);
    assert.equal(variableBeingRead('go', 'fmt.Println("'), undefined);
    assert.equal(variableBeingRead('dotenv', 'CHOREO_X=value'), undefined);
    assert.equal(variableBeingRead('java', 'System.getProperty("'), undefined);
  });
  it('.env files count as dotenv whatever their language id', () => {
    assert.equal(readingLanguage('plaintext', '/w/.env'), 'dotenv');
    assert.equal(readingLanguage('plaintext', '/w/.env.local'), 'dotenv');
    assert.equal(readingLanguage('plaintext', '/w/notes.txt'), undefined);
    assert.equal(readingLanguage('python', '/w/app.py'), 'python');
  });
  it('finds every CHOREO_ name with its offset', () => {
    assert.deepEqual(choreoNamesIn('a CHOREO_A_SERVICEURL b\nCHOREO_B_TOKENURL'), [
      { name: 'CHOREO_A_SERVICEURL', offset: 2 },
      { name: 'CHOREO_B_TOKENURL', offset: 24 },
    ]);
    assert.deepEqual(choreoNamesIn('MY_CHOREO_X choreo_x'), []);
  });
});

describe('editor: near misses', () => {
  const known = ['CHOREO_GREETING_SERVICE_SERVICEURL', 'CHOREO_GREETING_SERVICE_TOKENURL', 'CHOREO_GREETING_SERVICE_CONSUMERKEY'];
  it('suggests the name a slip meant', () => {
    assert.equal(nearestName('CHOREO_GREETING_SERVCE_SERVICEURL', known), 'CHOREO_GREETING_SERVICE_SERVICEURL');
    assert.equal(nearestName('CHOREO_GREETING_SERVICE_TOKENUR', known), 'CHOREO_GREETING_SERVICE_TOKENURL');
  });
  it('suggests nothing for a name far from all', () => {
    assert.equal(nearestName('CHOREO_PAYMENTS_SERVICEURL', known), undefined);
  });
  it('edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('abc', 'abc'), 0);
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
  });
});

describe('editor: connection references in component.yaml', () => {
  const text = `schemaVersion: 1.2
dependencies:
  connectionReferences:
    - name: greeting
      resourceRef: service:/default/greeting-service/v1/greeting/PUBLIC
    - name: db
      resourceRef: database:mydb/main
`;
  it('gives each resourceRef with where its value is', () => {
    const refs = connectionReferencesIn(text);
    assert.equal(refs.length, 2);
    assert.equal(text.slice(refs[0]!.offset, refs[0]!.offset + refs[0]!.length), 'service:/default/greeting-service/v1/greeting/PUBLIC');
    assert.equal(refs[0]!.name, 'greeting');
  });
  it('reads service references only', () => {
    assert.deepEqual(parseServiceRef('service:/default/greeting-service/v1/greeting/PUBLIC'), {
      project: 'default',
      component: 'greeting-service',
      endpoint: 'greeting',
      visibility: 'PUBLIC',
    });
    assert.equal(parseServiceRef('database:mydb/main'), undefined);
    assert.equal(parseServiceRef('service:/Default/x/v1/y/PUBLIC'), undefined);
  });
  it('has none in a file that does not parse', () => assert.deepEqual(connectionReferencesIn('dependencies: [unclosed\n'), []));
});

describe('editor: the workspace link file', () => {
  it('reads a link', () => {
    assert.deepEqual(parseLink('{"controlPlane":"local","organization":"stark","project":"default","externalConsumer":"mobile"}'), {
      controlPlane: 'local',
      organization: 'stark',
      project: 'default',
      externalConsumer: 'mobile',
    });
  });
  it('says what is wrong with a bad one', () => {
    assert.match(parseLink('{') as string, /not valid JSON/);
    assert.match(parseLink('{"controlPlane":"/home/me","organization":"a","project":"b","externalConsumer":"c"}') as string, /"controlPlane" must be/);
    assert.match(parseLink('{"controlPlane":"local","organization":"A B","project":"b","externalConsumer":"c"}') as string, /"organization" must be a handle/);
  });
});

describe('Test Connection: the path stays on the service', () => {
  it('joins a path to the service URL', () => {
    assert.equal(
      testUrl('http://127.0.0.1:7480/gw/o/p/s/e/development/', '/greeting?name=Ada'),
      'http://127.0.0.1:7480/gw/o/p/s/e/development/greeting?name=Ada',
    );
    assert.equal(testUrl('http://h/gw/x'), 'http://h/gw/x/');
  });
  it('refuses a path that is a URL of its own', () => {
    assert.throws(() => testUrl('http://h/gw/x', '//evil.example/'), /starts with "\/"/);
    assert.throws(() => testUrl('http://h/gw/x', 'http://evil.example/'), /starts with "\/"/);
  });
});
