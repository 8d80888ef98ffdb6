/**
 * The version of this build: package.json's, put in by esbuild (esbuild.config.mjs). /healthz reports it, and the
 * extension compares its own (the same constant, the same build) with the running local control plane's to decide
 * whether to restart it after an upgrade (src/lifecycle/versionCheck.ts). Run from source (tsx), it is 0.0.0-source.
 */
declare const __CHOREO_VERSION__: string | undefined;

export const CONTROL_PLANE_VERSION: string = typeof __CHOREO_VERSION__ === 'string' ? __CHOREO_VERSION__ : '0.0.0-source';

/**
 * The data folder's layout, written to its `format` file. Bump it when a change to the folder cannot be read by an
 * older control plane; an older one then refuses the folder with a clear message instead of misreading it.
 */
export const DATA_FORMAT = 1;
