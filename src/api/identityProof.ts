/**
 * How the local control plane proves to the extension that started it that it is the control plane of that data
 * folder (issue 14): `GET /healthz?challenge=<nonce>` answers `proof`, the HMAC-SHA256 of the nonce under the admin
 * token. The extension reads the token from the data folder (0700) and checks the proof before it sends the token,
 * so a program of another user that took the port first gets nothing, and nothing it could replay (each nonce is
 * fresh; the token itself never travels to it). Shared by the server and the extension, so both compute it alike.
 */
import { createHmac } from 'node:crypto';

export function identityProof(adminToken: string, challenge: string): string {
  return createHmac('sha256', adminToken).update(`choreo-control-plane/${challenge}`).digest('base64url');
}
