import assert from 'node:assert/strict';
import { ComponentRef, EnvironmentRef, OrgRef, refIn } from '../../../src/api/refs';
import type { EnvironmentTarget } from '../../../src/useCases/targets';

describe('refs: one per resource', () => {
  const row: EnvironmentTarget = {
    orgHandle: 'stark-industries',
    projectHandle: 'default',
    componentName: 'stark-mobile-app',
    componentId: 'c-1',
    type: 'external-consumer',
    displayName: 'Stark Mobile App',
    environment: 'development',
    environmentName: 'Development',
  };

  it('keeps only the handles of a tree row or use-case target, for whichever resource is asked', () => {
    assert.deepEqual(refIn(ComponentRef, row), { orgHandle: 'stark-industries', projectHandle: 'default', componentName: 'stark-mobile-app' });
    assert.deepEqual(refIn(EnvironmentRef, row), {
      orgHandle: 'stark-industries',
      projectHandle: 'default',
      componentName: 'stark-mobile-app',
      environment: 'development',
    });
    assert.deepEqual(refIn(OrgRef, row), { orgHandle: 'stark-industries' });
    // The ref itself stays strict: a protocol message or a restored panel's state with more is refused.
    assert.equal(ComponentRef.safeParse(row).success, false);
  });

  it('refuses a handle that is not one, naming the field', () => {
    assert.throws(
      () => refIn(ComponentRef, { ...row, projectHandle: 'Not A Handle' }),
      (e: Error & { issues?: { path: unknown[] }[] }) => {
        assert.deepEqual(
          e.issues?.map((i) => i.path),
          [['projectHandle']],
        );
        return true;
      },
    );
  });
});
