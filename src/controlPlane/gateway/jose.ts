/**
 * jose 6 ships only as an ES module. Node 20.19+ can `require()` it and esbuild bundles it, but TypeScript's
 * `module: Node16` refuses a static import of ESM from a CommonJS file; the types come in with an explicit
 * resolution mode and the module through `require`, in this one place.
 */
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the one require of ESM, for the reason above
export const jose: typeof Jose = require('jose');
export type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose' with { 'resolution-mode': 'import' };
