// The ceiling: ES256 signatures per second with node:crypto on one core, signing a token-sized payload.
import { generateKeyPairSync, sign } from 'node:crypto';

const seconds = Number(process.argv[2] ?? 5);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const input = Buffer.from(
  'eyJhbGciOiJFUzI1NiJ9.' +
    Buffer.from(
      JSON.stringify({ iss: 'http://127.0.0.1:7480/oauth2/x', sub: 'c'.repeat(24), iat: 1, exp: 2, jti: crypto.randomUUID(), scope: 'default' }),
    ).toString('base64url'),
);
for (let i = 0; i < 2000; i++) sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
let n = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  for (let i = 0; i < 200; i++) sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  n += 200;
}
process.stdout.write(`${Math.round(n / seconds)}\n`);
