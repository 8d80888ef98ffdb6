import { CommandError } from './commandContext';

/** A control plane's base URL as the extension keys it (vault, settings): origin and path, no trailing slash. */
export function controlPlaneBase(url: string): string {
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    return parsed.origin + parsed.pathname.replace(/\/+$/, '');
  } catch {
    throw new CommandError('invalid_url', `"${url}" is not an http or https URL.`);
  }
}
