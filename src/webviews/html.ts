/**
 * The one HTML page every form is served in: CSP `default-src 'none'`, scripts only by a crypto-random nonce, styles
 * and scripts only from the built webview folder.
 */
import { randomBytes } from 'node:crypto';
import * as l10n from '@vscode/l10n';

/** A fresh nonce per page load, from the OS's CSPRNG (not Math.random, which a page can predict). */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface FormPage {
  /** The webview's `cspSource` (its resource origin). */
  cspSource: string;
  /** Maps a file of dist/webview to its webview URI. */
  asset: (file: string) => string;
  /** The bundle of this form, dist/webview/<bundle>.js. */
  bundle: string;
  title: string;
  /** Which resource the panel is about, read by the form before its first message so a reload can restore it. */
  ref: unknown;
  /** VS Code's display language, and the extension's strings in it (`vscode.l10n.bundle`; none in English). The form
   * reads them (webview-ui/lib/l10n.ts) before its first string. */
  language?: string;
  strings?: Record<string, unknown>;
  nonce?: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `img-src ${cspSource} data:`, `font-src ${cspSource}`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
}

export function renderFormPage(p: FormPage): string {
  const nonce = p.nonce ?? createNonce();
  return `<!DOCTYPE html>
<html lang="${escapeHtml(p.language ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="choreo-ref" content="${escapeHtml(JSON.stringify(p.ref ?? null))}">
${p.strings ? `<meta name="choreo-l10n" content="${escapeHtml(JSON.stringify(p.strings))}">\n` : ''}<title>${escapeHtml(p.title)}</title>
<link rel="stylesheet" href="${escapeHtml(p.asset('forms.css'))}">
<script type="module" nonce="${nonce}" src="${escapeHtml(p.asset('elements.js'))}"></script>
<script type="module" nonce="${nonce}" src="${escapeHtml(p.asset(`${p.bundle}.js`))}"></script>
</head>
<body>
<main id="root" aria-busy="true"><p class="loading">${escapeHtml(l10n.t('Loading…'))}</p></main>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
