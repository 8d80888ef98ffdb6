/**
 * The gateway as a person's browser app calls it, for the tests of tokens whose sign-in ended: a loopback upstream
 * that counts the calls reaching it, a call from the app's origin, and the refusal such a token must get.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { REVOKED_TOKEN } from '../../../src/controlPlane/idp/liveGrants';
import { ORG, PROJECT } from '../helpers/team';
import { ENV } from './fixture';

const APP_ORIGIN = 'https://app.example.com';

/** A loopback upstream that counts what reaches it. */
export async function countingUpstream(): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server = http.createServer((_req, res) => {
    calls++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('greetings');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A gateway call from a browser app's origin; the status, the body and the headers. */
export async function call(baseUrl: string, s: { service: string }, accessToken: string) {
  const res = await fetch(`${baseUrl}/gw/${ORG}/${PROJECT}/${s.service}/api/${ENV}/hello`, {
    headers: { authorization: `Bearer ${accessToken}`, origin: APP_ORIGIN },
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

/** The gateway's answer to a token whose grant ended: 401, the stable code, words a person can act on, the RFC 6750
 * challenge, and CORS headers so the browser app can read why. */
export function assertRevoked(answer: { status: number; text: string; headers: Headers }, what: string) {
  assert.equal(answer.status, 401, `${what}: ${answer.text}`);
  assert.deepEqual(JSON.parse(answer.text), { error: { code: 'unauthorized', message: REVOKED_TOKEN } }, what);
  assert.match(
    answer.headers.get('www-authenticate') ?? '',
    /^Bearer realm="choreo-gateway", error="invalid_token", error_description="This access token was revoked/,
  );
  assert.equal(answer.headers.get('access-control-allow-origin'), '*', `${what}: the refusal carries the endpoint's CORS`);
}
