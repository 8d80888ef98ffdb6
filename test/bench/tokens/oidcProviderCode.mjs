// A bare oidc-provider 9 for the authorization code flow, as the yardstick of our sign-in bench: one public client
// with PKCE S256, refresh tokens (rotated, as for public clients), ES256 ID tokens, its development interactions
// (any username signs in) and its in-memory adapter. Prints `listening <url>` on stdout when ready.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const { CLIENT_ID, CALLBACK } = process.env;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'ES256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [CALLBACK],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key'] },
  pkce: { required: () => true },
  issueRefreshToken: () => true,
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, preferred_username: sub }) }),
});
server.on('request', provider.callback());
process.stdout.write(`listening ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
