import assert from 'node:assert/strict';
import { displayName, dnsLabel, toDnsLabel } from '../../../src/api/common';

describe('names of the management API', () => {
  it('refuses display names with control characters or text-direction marks', () => {
    for (const bad of ['Stark\u202eppA', 'a\u0000b', 'line\nbreak', '\u2066isolate\u2069', 'rtl\u200fmark']) {
      assert.equal(displayName.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('accepts display names in any script, with emoji', () => {
    for (const good of ['Stark Mobile App', 'Приложение', 'アプリ', 'Bot 🤖', 'Família 👨‍👩‍👧']) {
      assert.equal(displayName.safeParse(good).success, true, good);
    }
  });

  it('derives a unique name that passes the DNS-label rule', () => {
    assert.equal(toDnsLabel('Stark Mobile App'), 'stark-mobile-app');
    assert.equal(toDnsLabel('  Café — Orders API!  '), 'cafe-orders-api');
    assert.equal(dnsLabel.safeParse(toDnsLabel('x'.repeat(80) + ' y')).success, true);
    assert.equal(dnsLabel.safeParse('Bad_Name').success, false);
  });
});
