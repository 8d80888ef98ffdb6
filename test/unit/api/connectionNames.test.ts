import assert from 'node:assert/strict';
import { ConnectionKey, connectionNameFor, envVariableName } from '../../../src/api/connections';

describe("a connection name for the variable the code reads (the editor's Create Connection quick fix)", () => {
  it('names the connection so that it yields that variable', () => {
    for (const [variable, name] of [
      ['CHOREO_ORDERS_API_SERVICEURL', 'Orders Api'],
      ['CHOREO_GREETNG_CONSUMERKEY', 'Greetng'],
      ['CHOREO_V2_TOKENURL', 'V2'],
      ['CHOREO_A__B_CONSUMERSECRET', 'A__B'],
      ['CHOREO_GREETING_ISSUERURL', 'Greeting'],
    ] as const) {
      assert.equal(connectionNameFor(variable), name, variable);
      const key = variable.slice(variable.lastIndexOf('_') + 1);
      const k = ConnectionKey.options.find((o) => o.toUpperCase() === key)!;
      assert.equal(envVariableName(connectionNameFor(variable)!, k), variable);
    }
  });

  it('suggests nothing for a name that is not CHOREO_<NAME>_<KEY>', () => {
    for (const v of ['CHOREO_SERVICEURL', 'CHOREO_ORDERS_URL', 'OTHER_ORDERS_SERVICEURL', 'CHOREO_1ORDERS_SERVICEURL', 'CHOREO_orders_SERVICEURL']) {
      assert.equal(connectionNameFor(v), undefined, v);
    }
  });
});
