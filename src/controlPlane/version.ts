/** Reported by /healthz; bump with breaking changes to the data folder or API. */
export const CONTROL_PLANE_VERSION = '0.1.0';
